import CivilTime
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Outreach
import Postgres
import ScoringPipeline
import Storage
import SupplierRisk
import TestSupport
import Testing
import WebService

/// A browser's side of the portal, driven through the router: cookies by hand, forms as browsers send them.
struct PortalBrowser {
    let client: any TestClientProtocol
    var cookie: String?

    struct Page {
        let status: HTTPResponse.Status
        let body: String
        let headers: HTTPFields

        /// The CSRF token of the page's forms.
        var csrf: String? {
            guard let range = body.range(of: #"name="csrf" value=""#) else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    /// A browser that opened `link`, and the CSRF token of its questionnaire page.
    static func opened(_ link: String, client: any TestClientProtocol) async throws -> (browser: PortalBrowser, csrf: String) {
        var browser = PortalBrowser(client: client)
        _ = try await browser.open(link)
        return (browser, try #require(try await browser.get("/portal/assessment").csrf))
    }

    mutating func open(_ link: String) async throws -> Page {
        let path = URL(string: link)!.path
        let page = try await get(path)
        if let setCookie = page.headers[.setCookie] {
            cookie = String(setCookie.prefix { $0 != ";" })
        }
        return page
    }

    func get(_ path: String) async throws -> Page {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: path, method: .get, headers: headers) { response in
            Page(status: response.status, body: String(buffer: response.body), headers: response.headers)
        }
    }

    /// Posts the answers form: `fields` as (name, value) pairs, URL-encoded.
    func post(_ fields: [(String, String)], csrf: String?, action: String) async throws -> Page {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        headers[.contentType] = "application/x-www-form-urlencoded"
        var all = fields.map { ("q[\($0.0)][]", $0.1) }
        if let csrf { all.append(("csrf", csrf)) }
        all.append(("action", action))
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = all.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        return try await client.execute(uri: "/portal/assessment", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            Page(status: response.status, body: String(buffer: response.body), headers: response.headers)
        }
    }

    /// Posts `body` to the answers form as it is, with `contentType`: for what no page of the portal sends.
    func post(body: String, contentType: String = "application/x-www-form-urlencoded") async throws -> Page {
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        headers[.contentType] = contentType
        return try await client.execute(uri: "/portal/assessment", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            Page(status: response.status, body: String(buffer: response.body), headers: response.headers)
        }
    }

    /// Uploads a file for a question, as the page's upload form does.
    func upload(question: String, filename: String, content: [UInt8], csrf: String?) async throws -> Page {
        let boundary = "----tprmtest\(UUID().uuidString)"
        var body: [UInt8] = []
        func text(_ string: String) { body.append(contentsOf: Array(string.utf8)) }
        if let csrf { text("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n") }
        text("--\(boundary)\r\nContent-Disposition: form-data; name=\"question\"\r\n\r\n\(question)\r\n")
        text("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
        body.append(contentsOf: content)
        text("\r\n--\(boundary)--\r\n")
        var headers = HTTPFields()
        if let cookie { headers[.cookie] = cookie }
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.execute(uri: "/portal/assessment/evidence", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            Page(status: response.status, body: String(buffer: response.body), headers: response.headers)
        }
    }
}

@Suite struct PortalTests {
    static let pdf = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)

    struct World {
        let fixture: ApiTests.Fixture
        let mail: URL
        let outreach: OutreachConfiguration
        let questionnaire: Questionnaire

        init(_ label: String, limiter: RateLimiter = RateLimiter()) throws {
            mail = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-mail-\(label)-\(UUID().uuidString)")
            outreach = OutreachConfiguration(publicURL: "https://tprm.example.com", transport: .file(mail), from: "tprm@bank.example", mailbox: "tprm-team@bank.example")
            fixture = try ApiTests.Fixture(label, outreach: outreach, limiter: limiter)
            questionnaire = ApiTests.catalog.questionnaire("ai-supplier-essentials")!
        }

        var database: Database { fixture.database }

        func addVendor(_ slug: String, email: String? = "security@acme.example") throws {
            try VendorStore(database: database, tiering: ApiTests.catalog.scoring.tiering).add(VendorDraft(
                slug: slug, name: "\(slug) <b>Ltd</b>", status: .active, businessOwner: "Head of Claims", contactEmail: email,
                profile: AIProfile(offering: .aiSaaS, description: "", dataCategories: [.internal], decisionImpact: .advisory, aiActClass: .limited,
                                   businessCriticality: .medium, hostingRegions: []),
                foundationModels: [], subProcessors: []), actor: "test")
        }

        func send(_ slug: String, dueDays: Int = 30, now: Date = Date()) throws -> Invitations.Sent {
            try Invitations(database: database, catalog: ApiTests.catalog, configuration: outreach)
                .send(vendor: slug, template: "ai-supplier-essentials", dueDays: dueDays, actor: "analyst", now: now)
        }

        /// Delivers the outbox to files and returns the new .eml texts, oldest first.
        func deliver() throws -> [String] {
            let before = Set((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? [])
            try OutboxDelivery(database: database, transport: outreach.transport.transport(from: outreach.from), configuration: outreach, logger: Logger(label: "test")).deliverDue()
            let after = ((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? []).filter { !before.contains($0) }.sorted()
            return try after.map { try String(contentsOf: mail.appendingPathComponent($0), encoding: .utf8) }
        }

        /// Answers to every question as a careful supplier gives them, with DAT-03 = yes so DAT-04 shows.
        func fullAnswers(text: String = "Our AI lead, ai-office@acme.example") -> [(String, String)] {
            var fields: [(String, String)] = []
            for question in questionnaire.questions {
                switch question.type {
                case .yesNo: fields.append((question.id, question.id == "DAT-03" ? "yes" : question.options.max { $0.score < $1.score }!.value))
                case .single: fields.append((question.id, question.options.max { $0.score < $1.score }!.value))
                case .multi: fields.append((question.id, question.options.max { $0.score < $1.score }!.value))
                case .number: fields.append((question.id, "12"))
                case .date: fields.append((question.id, CivilTime.dayText(Date().addingTimeInterval(-30 * 86_400))))
                case .text: fields.append((question.id, text))
                case .file: break
                }
            }
            return fields
        }

        func scalar<T: PostgresDecodable>(_ sql: String, _ type: T.Type) throws -> T {
            try database.withConnection { try $0.query(PostgresQuery(unsafeSQL: sql))[0].decode(T.self, at: 0) }
        }
    }

    static func link(in eml: String) -> String? {
        let text = MailFormat.decodeQuotedPrintable(eml)
        guard let range = text.range(of: "https://tprm.example.com/portal/") else { return nil }
        return String(text[range.lowerBound...].prefix { !$0.isWhitespace && $0 != "\"" && $0 != "<" })
    }

    @Test func aSupplierAnswersUploadsAndSubmitsAndTheReviewMovesTheScore() async throws {
        let world = try World("portalflow")
        try world.addVendor("acme")
        let worker = RescoreWorker(database: world.database, catalog: ApiTests.catalog, modelVersion: "test")
        try worker.drain()
        let before = try #require(try ScoringStore(database: world.database).score("acme"))

        // The analyst sends over the API; the invitation arrives as an .eml with the link.
        let sent = try await world.fixture.app.test(.router) { client in
            try await client.execute(uri: "/api/v1/vendors/acme/assessments", method: .post,
                                     headers: [.authorization: "Bearer \(world.fixture.analyst)", .contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"template": "ai-supplier-essentials", "dueDays": 14}"#)) { response in
                #expect(response.status == .created)
                return try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
            }
        }
        let assessmentID = try #require((sent["assessment"] as? [String: Any])?["id"] as? Int)
        let emails = try world.deliver()
        #expect(emails.count == 1)
        let eml = try #require(emails.first)
        #expect(eml.contains("To: security@acme.example\r\n"))
        #expect(eml.contains("Content-Type: multipart/alternative"))
        let link = try #require(Self.link(in: eml))
        #expect(link == sent["link"] as? String, "the link in the email is the one the API returned")
        #expect(MailFormat.decodeQuotedPrintable(eml).contains("acme &lt;b&gt;Ltd&lt;/b&gt;"), "the vendor's name is escaped in the HTML part")
        #expect(try world.scalar("SELECT count(*) FROM assessment_links WHERE token_hash = decode('\(PortalSecret.hash(String(link.split(separator: "/").last!)).map { String(format: "%02x", $0) }.joined())', 'hex')", Int.self) == 1,
                "only the token's hash is stored")

        try await world.fixture.app.test(.router) { client in
            var browser = PortalBrowser(client: client)
            let opened = try await browser.open(link)
            #expect(opened.status == .ok)
            let cookie = try #require(opened.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Secure") && cookie.contains("Path=/portal"))
            #expect(opened.body.contains(#"url=/portal/assessment"#), "the page moves on to the address without the token")
            #expect(opened.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(opened.headers.contains { $0.name.canonicalName == "referrer-policy" && $0.value == "no-referrer" })

            var page = try await browser.get("/portal/assessment")
            #expect(page.status == .ok)
            #expect(page.body.contains("0 of 31 questions answered"), "DAT-04 is hidden until DAT-03 is yes")
            #expect(!page.body.contains("q-DAT-04"))
            let csrf = try #require(page.csrf)

            // A draft with the show-if branch taken: DAT-04 appears.
            var saved = try await browser.post([("GOV-01", "yes"), ("DAT-03", "yes")], csrf: csrf, action: "save")
            #expect(saved.status == .seeOther)
            page = try await browser.get("/portal/assessment")
            #expect(page.body.contains("q-DAT-04"))
            #expect(page.body.contains("2 of 32 questions answered"))
            #expect(try world.scalar("SELECT status FROM assessments WHERE id = \(assessmentID)", String.self) == "in_progress")

            // Submitting without DAT-04's document is refused beside the field, and saves nothing.
            let refused = try await browser.post(world.fullAnswers(), csrf: csrf, action: "submit")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(#"id="DAT-04-error">attach a document that supports this answer"#))
            #expect(try world.scalar("SELECT count(*) FROM answers WHERE assessment_id = \(assessmentID)", Int.self) == 2, "nothing of the refused form was saved")

            let uploaded = try await browser.upload(question: "DAT-04", filename: "../../etc/DPA signed.pdf", content: Self.pdf, csrf: csrf)
            #expect(uploaded.status == .seeOther)
            #expect(try world.scalar("SELECT filename || ' ' || content_type FROM evidence_files WHERE assessment_id = \(assessmentID)", String.self)
                    == "DPA signed.pdf application/pdf", "the path is stripped and the type read from the content")
            #expect(try world.scalar("SELECT sha256 FROM evidence_files WHERE assessment_id = \(assessmentID)", String.self) == PortalSecret.sha256Hex(Data(Self.pdf)))

            let answers = world.fullAnswers(text: "<script>alert('x')</script> & our AI lead")
            saved = try await browser.post(answers, csrf: csrf, action: "submit")
            #expect(saved.status == .seeOther)
            page = try await browser.get(saved.headers[.location]!)
            #expect(page.body.contains("your answers were submitted"), "a receipt")
            #expect(!page.body.contains(#"<form method="post" action="/portal/assessment""#), "read-only after submission")
            #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; our AI lead") || page.body.contains("&lt;script&gt;"),
                    "answers are escaped")
            #expect(!page.body.contains("<script>"))

            // A second submission (another click, another tab) stores nothing.
            let submittedAt = try world.scalar("SELECT submitted_at::text FROM assessments WHERE id = \(assessmentID)", String.self)
            let again = try await browser.post(answers, csrf: csrf, action: "submit")
            #expect(again.status == .ok && again.body.contains("submitted already"))
            #expect(try world.scalar("SELECT submitted_at::text FROM assessments WHERE id = \(assessmentID)", String.self) == submittedAt)
            #expect(try world.scalar("SELECT count(*) FROM audit_log WHERE entity = 'assessment' AND entity_id = '\(assessmentID)' AND after->>'status' = 'submitted'", Int.self) == 1)
        }

        // Submission queued a rescore: the answers count, as self-attested.
        try worker.drain()
        let submitted = try #require(try ScoringStore(database: world.database).score("acme"))
        #expect(submitted.score.hundredths != before.score.hundredths)

        // The analyst flags one answer and asks for changes; the supplier sees the note and resubmits.
        try await world.fixture.app.test(.router) { client in
            let analyst: HTTPFields = [.authorization: "Bearer \(world.fixture.analyst)", .contentType: "application/json"]
            try await client.execute(uri: "/api/v1/assessments/\(assessmentID)/answers/GOV-01/verdict", method: .put, headers: analyst,
                                     body: ByteBuffer(string: #"{"verdict": "flagged", "note": "The policy you attached is a draft <unsigned>"}"#)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/assessments/\(assessmentID)/request-changes", method: .post, headers: analyst,
                                     body: ByteBuffer(string: #"{"note": "Please attach the signed AI policy."}"#)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""status":"in_progress""#))
            }
            try await client.execute(uri: "/api/v1/assessments/\(assessmentID)/complete", method: .post, headers: analyst) { response in
                #expect(response.status == .conflict, "an assessment sent back cannot be completed until resubmitted")
                #expect(String(buffer: response.body).contains("is in_progress; only a submitted assessment can be completed"))
            }
        }
        let changes = try world.deliver()
        #expect(changes.count == 1 && MailFormat.decodeQuotedPrintable(changes[0]).contains("Please attach the signed AI policy."))

        try await world.fixture.app.test(.router) { client in
            var browser = PortalBrowser(client: client)
            _ = try await browser.open(link)
            let page = try await browser.get("/portal/assessment")
            #expect(page.body.contains("Our reviewer asked for changes"))
            #expect(page.body.contains("The policy you attached is a draft &lt;unsigned&gt;"), "the reviewer's note, escaped, beside the answer")
            var answers = world.fullAnswers()
            answers.removeAll { $0.0 == "GOV-01" }
            answers.append(("GOV-01", "no"))
            let resubmitted = try await browser.post(answers, csrf: page.csrf, action: "submit")
            #expect(resubmitted.status == .seeOther)
            try await client.execute(uri: "/api/v1/assessments/\(assessmentID)/answers/DAT-04/verdict", method: .put,
                                     headers: [.authorization: "Bearer \(world.fixture.analyst)", .contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"verdict": "accepted"}"#)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/assessments/\(assessmentID)/complete", method: .post,
                                     headers: [.authorization: "Bearer \(world.fixture.analyst)"]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/assessments/\(assessmentID)", method: .get, headers: [.authorization: "Bearer \(world.fixture.committee)"]) { response in
                let body = String(buffer: response.body)
                #expect(body.contains(#""status":"completed""#))
                #expect(body.contains(#""questionID":"GOV-01","value":"no""#), "the changed answer lost its flag")
                #expect(!body.contains(#""verdict":"flagged""#))
            }
        }
        #expect(try world.scalar("SELECT verdict FROM answers WHERE assessment_id = \(assessmentID) AND question_id = 'DAT-04'", String.self) == "accepted")
        try worker.drain()
        let completed = try #require(try ScoringStore(database: world.database).score("acme"))
        #expect(completed.score.hundredths != submitted.score.hundredths, "the review moved the score")
        let cited = Set(completed.score.lines.filter { $0.source.kind == .question }.map(\.source.id))
        #expect(cited.contains("GOV-01") && cited.contains("DAT-04"), "the breakdown cites the answers")
    }
}
