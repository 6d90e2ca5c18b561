import Foundation
import Hummingbird
import HummingbirdTesting
import Outreach
import Storage
import SupplierRisk
import TestSupport
import Testing
import WebService

/// What a hurried or hostile supplier can send the portal: each gets a clear answer and changes nothing.
@Suite struct PortalInputTests {
    typealias World = PortalTests.World

    func answers(_ world: World, _ id: Int) throws -> Int {
        try world.scalar("SELECT count(*) FROM answers WHERE assessment_id = \(id)", Int.self)
    }

    @Test func badAnswersAreRefusedBesideTheirFieldAndNothingIsSaved() async throws {
        let world = try World("portalbad")
        try world.addVendor("acme")
        let sent = try world.send("acme")
        try await world.fixture.app.test(.router) { client in
            let (browser, csrf) = try await PortalBrowser.opened(sent.link, client: client)
            _ = try await browser.post([("GOV-01", "yes")], csrf: csrf, action: "save")
            #expect(try answers(world, sent.assessment.id) == 1)

            let cases: [([(String, String)], String, String)] = [
                ([("GOV-01", "no"), ("DAT-02", "twelve")], "DAT-02", "\"twelve\" is not a number"),
                ([("GOV-01", "maybe")], "GOV-01", "\"maybe\" is not one of the choices (Yes, No)"),
                ([("GOV-01", "yes"), ("GOV-01", "no")], "GOV-01", "give one answer, not 2"),
                ([("XXX-99", "yes")], "", "there is no question XXX-99"),
            ]
            for (fields, question, message) in cases {
                let page = try await browser.post(fields, csrf: csrf, action: "save")
                #expect(page.status == .unprocessableContent, "\(fields)")
                #expect(page.body.contains(message.replacingOccurrences(of: "\"", with: "&quot;")), "\(message)")
                if !question.isEmpty { #expect(page.body.contains(#"id="\#(question)-error""#)) }
                #expect(try world.scalar("SELECT option_value FROM answers WHERE assessment_id = \(sent.assessment.id) AND question_id = 'GOV-01'", String.self) == "yes",
                        "the stored answer is unchanged")
            }
            let incomplete = try await browser.post([("GOV-01", "no")], csrf: csrf, action: "submit")
            #expect(incomplete.status == .unprocessableContent)
            #expect(incomplete.body.contains("this question needs an answer"))
            #expect(try world.scalar("SELECT status FROM assessments WHERE id = \(sent.assessment.id)", String.self) == "in_progress")
            #expect(try answers(world, sent.assessment.id) == 1)

            // A body no page of the portal sends: another shape of fields, malformed encoding, another type.
            for (body, type, status) in [
                ("csrf=\(csrf)&q=yes&action=save", "application/x-www-form-urlencoded", HTTPResponse.Status.badRequest),
                ("csrf=\(csrf)&q[GOV-01][]=%zz&action=save", "application/x-www-form-urlencoded", .badRequest),
                (#"{"q": {"GOV-01": ["no"]}}"#, "application/json", .unsupportedMediaType),
            ] {
                let page = try await browser.post(body: body, contentType: type)
                #expect(page.status == status, "\(body)")
                #expect(page.body.contains("The form could not be read"), "\(body)")
            }
            #expect(try world.scalar("SELECT option_value FROM answers WHERE assessment_id = \(sent.assessment.id) AND question_id = 'GOV-01'", String.self) == "yes")

            // A form from elsewhere: no CSRF token, or a wrong one.
            for token in [nil, "forged-token", String(repeating: "A", count: 43)] as [String?] {
                let forged = try await browser.post([("GOV-01", "no")], csrf: token, action: "submit")
                #expect(forged.status == .forbidden)
                let upload = try await browser.upload(question: "GOV-01", filename: "p.pdf", content: PortalTests.pdf, csrf: token)
                #expect(upload.status == .forbidden)
            }
            #expect(try world.scalar("SELECT option_value FROM answers WHERE assessment_id = \(sent.assessment.id) AND question_id = 'GOV-01'", String.self) == "yes")
            #expect(try world.scalar("SELECT count(*) FROM evidence_files", Int.self) == 0)
        }
    }

    @Test func uploadsAreTypedFromTheirContentAndLimitedInSize() async throws {
        let world = try World("portalupload")
        try world.addVendor("acme")
        let sent = try world.send("acme")
        try await world.fixture.app.test(.router) { client in
            let (browser, csrf) = try await PortalBrowser.opened(sent.link, client: client)
            let executable: [UInt8] = Array("MZ\u{90}\u{0}\u{3}\u{0}\u{0}\u{0}".utf8) + [UInt8](repeating: 0, count: 64)
            var page = try await browser.upload(question: "GOV-01", filename: "policy.pdf", content: executable, csrf: csrf)
            #expect(page.status == .unprocessableContent)
            #expect(page.body.contains("policy.pdf is not a PDF, PNG, JPEG, DOCX, XLSX, TXT or CSV file (judged from its content)"))
            page = try await browser.upload(question: "GOV-01", filename: "big.pdf", content: Array("%PDF-".utf8) + [UInt8](repeating: 65, count: 20 * 1024 * 1024 + 1), csrf: csrf)
            #expect(page.status == .contentTooLarge)
            page = try await browser.upload(question: "GOV-01", filename: "empty.pdf", content: [], csrf: csrf)
            #expect(page.status == .unprocessableContent)
            page = try await browser.upload(question: "XYZ-99", filename: "note.txt", content: Array("hello".utf8), csrf: csrf)
            #expect(page.status == .unprocessableContent, "no such question")
            #expect(page.body.contains("That question is not asked in this questionnaire. Nothing was saved."))
            // Markup is refused whatever it is called: a reviewer opening it would open a page the supplier wrote.
            for (name, markup) in [("policy.pdf", "<html><body><script>alert(document.cookie)</script></body></html>"),
                                   ("logo.png", #"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#),
                                   ("notes.txt", "Our policy\n<!DOCTYPE html><p>hi"), ("data.csv", "a,b\n1,<IFRAME src=x>\n")] {
                page = try await browser.upload(question: "GOV-01", filename: name, content: Array(markup.utf8), csrf: csrf)
                #expect(page.status == .unprocessableContent, "\(name)")
                #expect(page.body.contains("\(name) is markup (HTML, SVG or XML), which a browser would open as a page"), "\(name)")
            }
            page = try await browser.upload(question: "DAT-04", filename: "dpa.pdf", content: PortalTests.pdf, csrf: csrf)
            #expect(page.status == .unprocessableContent, "DAT-04 is not shown until DAT-03 is yes")
            #expect(try world.scalar("SELECT count(*) FROM evidence_files", Int.self) == 0, "nothing refused was stored")

            // Every question accepts a document, a text question too.
            page = try await browser.upload(question: "GOV-03", filename: "note.txt", content: Array("The AI lead".utf8), csrf: csrf)
            #expect(page.status == .seeOther)
            page = try await browser.upload(question: "GOV-01", filename: "..", content: Array("Policy, version 3\n".utf8), csrf: csrf)
            #expect(page.status == .seeOther)
            page = try await browser.upload(question: "GOV-01", filename: "C:\\Users\\me\\Évaluation <final>.csv", content: Array("a,b\n1,2\n".utf8), csrf: csrf)
            #expect(page.status == .seeOther)
            // A name whose extension is not its content's gets the content's: opened as what it is.
            page = try await browser.upload(question: "GOV-01", filename: "policy.pdf", content: Array("Policy text, plain\n".utf8), csrf: csrf)
            #expect(page.status == .seeOther)
            page = try await browser.upload(question: "GOV-01", filename: "scan", content: PortalTests.pdf, csrf: csrf)
            #expect(page.status == .seeOther)
        }
        #expect(try world.scalar("SELECT string_agg(filename || ' ' || content_type, '|' ORDER BY id) FROM evidence_files", String.self)
                == "note.txt text/plain|evidence.txt text/plain|_valuation _final_.csv text/csv|policy.pdf.txt text/plain|scan.pdf application/pdf")
    }

    @Test func aLinkOpensOnlyItsOwnAssessmentAndDeadLinksAllLookTheSame() async throws {
        let world = try World("portallinks", limiter: RateLimiter(capacity: 8, perMinute: 1))
        try world.addVendor("acme")
        try world.addVendor("beta", email: "risk@beta.example")
        let acme = try world.send("acme")
        let beta = try world.send("beta")
        try world.addVendor("gamma")
        let expired = try world.send("gamma", dueDays: 1, now: Date().addingTimeInterval(-40 * 86_400))
        try world.addVendor("delta")
        let cancelled = try world.send("delta")
        _ = try Invitations(database: world.database, catalog: ApiTests.catalog, configuration: world.outreach)
            .send(vendor: "delta", template: "ai-supplier-essentials", force: true, actor: "analyst")
        try await world.fixture.app.test(.router) { client in
            var browser = PortalBrowser(client: client)
            _ = try await browser.open(acme.link)
            let csrf = try #require(try await browser.get("/portal/assessment").csrf)
            let page = try await browser.get("/portal/assessment")
            #expect(page.body.contains("acme &lt;b&gt;Ltd&lt;/b&gt;") && !page.body.contains("beta"))
            _ = try await browser.post([("GOV-01", "no")], csrf: csrf, action: "save")
            #expect(try answers(world, beta.assessment.id) == 0, "acme's session writes only acme's answers")
            #expect(try answers(world, acme.assessment.id) == 1)

            let notFound = try await PortalBrowser(client: client).get("/portal/" + String(repeating: "x", count: 43))
            #expect(notFound.status == .notFound)
            for link in [expired.link, cancelled.link, "/portal/short", "/portal/" + String(repeating: "A", count: 43)] {
                var stranger = PortalBrowser(client: client)
                let dead = try await stranger.open(link)
                #expect(dead.status == .notFound, "\(link)")
                #expect(dead.body == notFound.body, "every dead link gets the same page")
                #expect(stranger.cookie == nil)
                #expect(try await stranger.get("/portal/assessment").status == .notFound)
            }
            #expect(try await PortalBrowser(client: client).get("/portal/assessment").status == .notFound, "no cookie, no page")
        }
        // A new link revokes the old one; the old session ends with it.
        let relinked = try Invitations(database: world.database, catalog: ApiTests.catalog, configuration: world.outreach).relink(acme.assessment.id, actor: "analyst")
        try await world.fixture.app.test(.router) { client in
            var old = PortalBrowser(client: client)
            #expect(try await old.open(acme.link).status == .notFound)
            var fresh = PortalBrowser(client: client)
            #expect(try await fresh.open(relinked.link).status == .ok)
            #expect(try await fresh.get("/portal/assessment").body.contains("1 of 31"), "the draft is still there")
            // The limiter: 8 lookups at once, then 429 with Retry-After.
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for _ in 0..<4 {
                var browser = PortalBrowser(client: client)
                let page = try await browser.open(relinked.link)
                statuses.append(page.status)
                retryAfter = page.headers[.retryAfter] ?? retryAfter
            }
            #expect(statuses.last == .tooManyRequests)
            #expect(Int(retryAfter ?? "") ?? 0 > 0)
        }
    }
}
