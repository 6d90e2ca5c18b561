import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing
import WebService

@Suite struct RegistryApiTests {
    typealias Fixture = ApiTests.Fixture

    func request(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, body: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            return (response.status, object)
        }
    }

    @Test func everyRegistryResourceThroughTheApi() async throws {
        let fixture = try Fixture("apiregistry")
        try await fixture.app.test(.router) { client in
            var (status, body) = try await request(client, .post, "/api/v1/vendors", token: fixture.analyst, body: ApiTests.acme)
            #expect(status == .created)
            (status, body) = try await request(client, .patch, "/api/v1/vendors/acme-ai", token: fixture.analyst, body: #"{"profile": {"decisionImpact": "automated"}, "status": "active"}"#)
            #expect(status == .ok)
            #expect((body["tier"] as? [String: Any])?["tier"] as? String == "critical")
            #expect((body["vendor"] as? [String: Any])?["createdAt"] as? String != nil, "dates are ISO 8601 text")

            (status, _) = try await request(client, .post, "/api/v1/vendors/acme-ai/certifications", token: fixture.analyst,
                                            body: #"{"standard": "iso_42001", "issuer": "TÜV", "expiresOn": "2028-03-31"}"#)
            #expect(status == .created)
            (status, body) = try await request(client, .get, "/api/v1/vendors/acme-ai/certifications", token: fixture.committee)
            #expect((body["certifications"] as? [[String: Any]])?.first?["expiresOn"] as? String == "2028-03-31T00:00:00Z")

            (status, body) = try await request(client, .post, "/api/v1/vendors/acme-ai/contracts", token: fixture.analyst,
                                               body: #"{"reference": "MSA-1", "effectiveOn": "2026-01-01", "expiresOn": "2028-12-31", "annualValue": "120000.50", "currency": "eur"}"#)
            #expect(status == .created)
            let contract = try #require(body["id"] as? Int)
            (status, body) = try await request(client, .put, "/api/v1/contracts/\(contract)/clauses/incident-notification", token: fixture.analyst,
                                               body: #"{"status": "present", "verifiedBy": "legal", "parameters": {"sla_hours": 24}}"#)
            #expect(status == .ok)
            #expect((body["clauses"] as? [[String: Any]])?.first?["key"] as? String == "incident-notification")
            #expect((body["clauses"] as? [[String: Any]])?.first?["parameters"] as? [String: Int] == ["sla_hours": 24], "the SLA as signed")

            (status, body) = try await request(client, .post, "/api/v1/vendors/acme-ai/incidents", token: fixture.analyst,
                                               body: #"{"title": "Leak", "category": "data_leakage_via_model", "severity": "high", "occurredAt": "2026-11-01T10:00:00Z", "vendorAwareAt": "2026-11-01T12:00:00Z"}"#)
            #expect(body["vendorAwareAt"] as? String == "2026-11-01T12:00:00Z")
            #expect(status == .created)
            let incident = try #require(body["id"] as? Int)
            (status, body) = try await request(client, .patch, "/api/v1/incidents/\(incident)", token: fixture.analyst, body: #"{"status": "resolved", "resolution": "fixed"}"#)
            #expect(body["status"] as? String == "resolved")
            (status, body) = try await request(client, .get, "/api/v1/vendors/acme-ai/incidents?open=true", token: fixture.committee)
            #expect((body["incidents"] as? [Any])?.isEmpty == true)

            (status, body) = try await request(client, .get, "/api/v1/fourth-parties", token: fixture.committee)
            #expect((body["fourthParties"] as? [[String: Any]])?.first?["name"] as? String == "OpenAI")
            (status, body) = try await request(client, .get, "/api/v1/questionnaires", token: fixture.committee)
            #expect((body["questionnaires"] as? [Any])?.count == 2)
            (status, body) = try await request(client, .get, "/api/v1/questionnaires/ai-supplier-essentials", token: fixture.committee)
            #expect((body["questions"] as? [Any])?.count == 33)
            (status, body) = try await request(client, .get, "/api/v1/vendors/acme-ai/score/what-if", token: fixture.committee)
            #expect(status == .ok)
            let targets = (body["actions"] as? [[String: Any]])?.compactMap { $0["target"] as? String } ?? []
            #expect(targets.prefix(2) == ["everything", "assessment"], "doing everything, then the assessment, removes the most")
            (status, body) = try await request(client, .get, "/api/v1/vendors/acme-ai/score/history", token: fixture.committee)
            #expect((body["history"] as? [Any])?.isEmpty == true, "no worker ran in this test")
            (status, body) = try await request(client, .get, "/api/v1/audit?entity=vendor&id=acme-ai", token: fixture.admin)
            #expect((body["entries"] as? [[String: Any]])?.map { $0["actor"] as? String } == ["procurement-bot", "procurement-bot"])
        }
    }

    @Test func everyChangeIsRefusedToTheCommitteeAndTheAuditLogToAnalysts() async throws {
        let fixture = try Fixture("apimatrix")
        let changes: [(HTTPRequest.Method, String)] = [
            (.post, "/api/v1/vendors"), (.patch, "/api/v1/vendors/acme-ai"), (.post, "/api/v1/vendors/acme-ai/certifications"),
            (.post, "/api/v1/vendors/acme-ai/contracts"), (.put, "/api/v1/contracts/1/clauses/permitted-use"),
            (.post, "/api/v1/vendors/acme-ai/incidents"), (.patch, "/api/v1/incidents/1"),
            (.post, "/api/v1/vendors/acme-ai/rescore"), (.post, "/api/v1/rescore"), (.post, "/api/v1/vendors/import"),
        ]
        try await fixture.app.test(.router) { client in
            for (method, uri) in changes {
                let (status, _) = try await request(client, method, uri, token: fixture.committee, body: "{}")
                #expect(status == .forbidden, "\(method) \(uri)")
            }
            let (status, _) = try await request(client, .get, "/api/v1/audit?entity=vendor&id=x", token: fixture.analyst)
            #expect(status == .forbidden)
        }
        #expect(try fixture.count("audit_log") == 5, "the token set-up only")
    }

    @Test func badInputNamesTheFieldAndChangesNothing() async throws {
        let fixture = try Fixture("apiregbad")
        try await fixture.app.test(.router) { client in
            _ = try await request(client, .post, "/api/v1/vendors", token: fixture.analyst, body: ApiTests.acme)
            let cases: [(HTTPRequest.Method, String, String, HTTPResponse.Status, String)] = [
                (.post, "/api/v1/vendors/acme-ai/certifications", #"{"standard": "iso42001", "issuer": "x", "expiresOn": "2028-01-01"}"#, .unprocessableContent,
                 "standard: unknown value \"iso42001\" (expected iso_42001, iso_27001, iso_27701, soc2_type1, soc2_type2, other)"),
                (.post, "/api/v1/vendors/acme-ai/certifications", #"{"standard": "iso_42001", "issuer": "x", "expiresOn": "next year"}"#, .badRequest,
                 "expiresOn: \"next year\" is not a date (use 2026-11-29 or 2026-11-29T14:30:00Z)"),
                (.post, "/api/v1/vendors/acme-ai/contracts", #"{"reference": "M", "effectiveOn": "2026-01-01", "annualValue": "lots", "currency": "EUR"}"#, .unprocessableContent,
                 "annualValue: \"lots\" is not an amount (a string of digits and a point, such as \"120000.50\")"),
                (.put, "/api/v1/contracts/abc/clauses/permitted-use", #"{"status": "present"}"#, .badRequest, "id must be a positive number, not \"abc\""),
                (.put, "/api/v1/contracts/999/clauses/permitted-use", #"{"status": "present"}"#, .notFound, "no contract with id 999"),
                (.post, "/api/v1/vendors/nobody/incidents", #"{"title": "t", "category": "bias", "severity": "low", "occurredAt": "2026-11-01"}"#, .notFound, "no vendor with slug nobody"),
                (.patch, "/api/v1/vendors/acme-ai", #"{"profile": {"aiActClass": "high-risk"}}"#, .unprocessableContent,
                 "profile.aiActClass: unknown value \"high-risk\" (expected minimal, limited, high_risk, prohibited)"),
                (.patch, "/api/v1/vendors/acme-ai", #"{"profile": {"autonomy": "full"}}"#, .unprocessableContent,
                 "profile.autonomy: unknown value \"full\" (expected none, recommends, acts_with_approval, acts_autonomously)"),
                (.put, "/api/v1/contracts/1/clauses/incident-notification", #"{"status": "present", "parameters": {"sla_days": 1}}"#, .unprocessableContent,
                 "parameters: clause incident-notification takes no parameter \"sla_days\" (it takes sla_hours)"),
                (.get, "/api/v1/questionnaires/nope", "", .notFound, "no questionnaire \"nope\""),
                (.post, "/api/v1/vendors/acme-ai/contracts", #"{"reference": "M", "effectiveOn": "2026-01-01", "annualValue": "1.2.3", "currency": "EUR"}"#, .unprocessableContent,
                 "annualValue: \"1.2.3\" is not an amount (a string of digits and a point, such as \"120000.50\")"),
                (.post, "/api/v1/vendors/acme-ai/contracts", #"{"reference": "M", "effectiveOn": "2026-01-01", "annualValue": "100.505", "currency": "EUR"}"#, .unprocessableContent,
                 "annualValue: \"100.505\" is not an amount (a string of digits and a point, such as \"120000.50\")"),
                (.post, "/api/v1/vendors/acme-ai/contracts", #"{"reference": "M", "effectiveOn": "2026-01-01", "annualValue": "100", "currency": "ﬀa"}"#, .unprocessableContent,
                 "currency: \"ﬀa\" must be a three-letter ISO 4217 code such as EUR"),
                (.post, "/api/v1/vendors/acme-ai/contracts", #"{"reference": " ", "effectiveOn": "2026-01-01"}"#, .unprocessableContent, "reference: must not be empty"),
                (.put, "/api/v1/contracts/1/clauses/nope", #"{"status": "present"}"#, .notFound,
                 "no clause \"nope\" in the clause library (tprm contract clauses lists its keys)"),
                (.post, "/api/v1/vendors/acme-ai/incidents", #"{"title": "\t", "category": "bias", "severity": "low", "occurredAt": "2026-11-01"}"#, .unprocessableContent,
                 "title: must not be empty"),
                (.post, "/api/v1/vendors/acme-ai/certifications", #"{"standard": "iso_42001", "issuer": "x", "expiresOn": "2027-02-29"}"#, .badRequest,
                 "expiresOn: \"2027-02-29\" is not a date (use 2026-11-29 or 2026-11-29T14:30:00Z)"),
                (.post, "/api/v1/vendors/acme-ai/certifications", #"{"standard": "iso_42001", "issuer": "x", "expiresOn": "2027-01-01T10:00:00"}"#, .badRequest,
                 "expiresOn: \"2027-01-01T10:00:00\" is not a date (use 2026-11-29 or 2026-11-29T14:30:00Z)"),
                (.post, "/api/v1/vendors/acme-ai/certifications", #"{"standard": "iso_42001", "issuer": "x", "expiresOn": "2027-01-01", "issuedOn": null}"#, .badRequest,
                 "issuedOn: null is not a value here; leave the field out"),
                (.patch, "/api/v1/vendors/acme-ai", #"{"name": "Acme", "contactEmail": null}"#, .badRequest, "contactEmail: null is not a value here; leave the field out"),
            ]
            for (method, uri, body, expected, message) in cases {
                let (status, response) = try await request(client, method, uri, token: fixture.analyst, body: body.isEmpty ? nil : body)
                #expect(status == expected, "\(method) \(uri)")
                #expect((response["error"] as? [String: Any])?["message"] as? String == message)
            }
        }
        #expect(try fixture.count("certifications") == 0)
        #expect(try fixture.count("contracts") == 0)
        #expect(try fixture.count("incidents") == 0)
        #expect(try fixture.count("vendors WHERE ai_act_class = 'limited'") == 1, "the refused change left the profile as it was")
        #expect(try fixture.count("vendors WHERE name = 'Acme AI'") == 1, "the refused rename left the name as it was")
    }

    @Test func whatTheDocumentAllowsIsAccepted() async throws {
        let fixture = try Fixture("apiregok")
        try await fixture.app.test(.router) { client in
            // A name with no Latin letter still gets a slug; an empty contact email is none.
            let japanese = ApiTests.acme.replacingOccurrences(of: "Acme AI", with: "株式会社").replacingOccurrences(of: "security@acme.example", with: "")
            var (status, body) = try await request(client, .post, "/api/v1/vendors", token: fixture.analyst, body: japanese)
            #expect(status == .created)
            let vendor = try #require(body["vendor"] as? [String: Any])
            let slug = try #require(vendor["slug"] as? String)
            #expect(slug.hasPrefix("vendor-") && slug.count == 15, "\(slug)")
            #expect(vendor["contactEmail"] == nil)
            (status, body) = try await request(client, .post, "/api/v1/vendors", token: fixture.analyst, body: japanese.replacingOccurrences(of: "Claims", with: "Legal"))
            #expect(status == .conflict, "the same name makes the same slug")

            // Sending needs an address: none given and none on file is the vendor's state, 409, and nothing is sent.
            (status, body) = try await request(client, .post, "/api/v1/vendors/\(slug)/assessments", token: fixture.analyst, body: #"{"to": ""}"#)
            #expect(status == .conflict)
            #expect((body["error"] as? [String: Any])?["message"] as? String == "\(slug) has no contact email; set one with tprm vendor update \(slug) --email ADDRESS, or give --to")
            #expect(try fixture.count("assessments") == 0)

            // RFC 3339 times with an offset and a fraction; the amount keeps its cents.
            (status, body) = try await request(client, .post, "/api/v1/vendors/\(slug)/incidents", token: fixture.analyst,
                                               body: #"{"title": "Leak", "category": "bias", "severity": "low", "occurredAt": "2026-11-29t15:30:00.5+01:00"}"#)
            #expect(status == .created)
            #expect((body["occurredAt"] as? String)?.hasPrefix("2026-11-29T14:30:00") == true, "\(body)")
            (status, body) = try await request(client, .post, "/api/v1/vendors/\(slug)/contracts", token: fixture.analyst,
                                               body: #"{"reference": "MSA", "effectiveOn": "2024-02-29", "annualValue": "12000.5", "currency": "eur"}"#)
            #expect(status == .created)
            #expect(body["currency"] as? String == "EUR")
            (status, body) = try await request(client, .patch, "/api/v1/vendors/\(slug)", token: fixture.analyst, body: #"{"contactEmail": "a.b+tprm@example.co.uk"}"#)
            #expect(status == .ok)
            (status, body) = try await request(client, .patch, "/api/v1/vendors/\(slug)", token: fixture.analyst, body: #"{"contactEmail": ""}"#)
            #expect(status == .ok)
            #expect((body["vendor"] as? [String: Any])?["contactEmail"] == nil, "an empty contact email removes it")
        }
        #expect(try fixture.count("contracts WHERE annual_value = 12000.50") == 1)
    }
}

@Suite struct PaginationTests {
    func page(_ client: some TestClientProtocol, token: String, query: String) async throws -> (slugs: [String], next: String?, status: HTTPResponse.Status) {
        try await client.execute(uri: "/api/v1/vendors?\(query)", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            let slugs = (object["vendors"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } ?? []
            return (slugs, object["next"] as? String, response.status)
        }
    }

    @Test func pagesStayStableWhileVendorsAreAdded() async throws {
        let fixture = try ApiTests.Fixture("apipages")
        let store = VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering)
        @Sendable func add(_ name: String) throws {
            try store.add(VendorDraft(
                slug: VendorRules.slug(from: name), name: name, status: .active, businessOwner: "P", contactEmail: nil,
                profile: AIProfile(offering: .aiSaaS, description: "", dataCategories: [.internal], decisionImpact: .none, aiActClass: .minimal,
                                   businessCriticality: .low, hostingRegions: []),
                foundationModels: [], subProcessors: []), actor: "test")
        }
        let original = (0..<25).map { String(format: "Vendor %02d", $0) }
        for name in original { try add(name) }
        try await fixture.app.test(.router) { client in
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let result = try await page(client, token: fixture.committee, query: "limit=10" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(result.status == .ok)
                seen += result.slugs
                cursor = result.next
                pages += 1
                // Vendors added between pages, before and after the cursor.
                if pages == 1 { try add("Aardvark AI"); try add("Vendor 05b"); try add("Zebra AI") }
            } while cursor != nil && pages < 10
            let originals = Set(original.map(VendorRules.slug(from:)))
            #expect(seen.filter { originals.contains($0) } == original.map(VendorRules.slug(from:)), "every original vendor once, in order")
            #expect(Set(seen).count == seen.count, "no vendor twice")
            #expect(!seen.contains("aardvark-ai"), "a vendor sorted before the cursor is not slipped in")
            #expect(seen.contains("zebra-ai"), "one after the cursor appears")

            let unscored = try await page(client, token: fixture.committee, query: "rating=low")
            #expect(unscored.slugs.isEmpty, "no vendor has a score yet, so none has a rating")
            let badRating = try await page(client, token: fixture.committee, query: "rating=severe")
            #expect(badRating.status == .badRequest)
            let bad = try await page(client, token: fixture.committee, query: "cursor=not-a-cursor")
            #expect(bad.status == .badRequest)
            let tooMany = try await page(client, token: fixture.committee, query: "limit=501")
            #expect(tooMany.status == .badRequest)
        }
    }
}

@Suite struct HostileInputTests {
    @Test func aNulCharacterInAQueryIsABadRequestNotAServerError() async throws {
        let fixture = try ApiTests.Fixture("apinul")
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/api/v1/audit?entity=vendor&id=a%00b", method: .get, headers: [.authorization: "Bearer \(fixture.admin)"]) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("invalid_value"))
            }
            try await client.execute(uri: "/api/v1/vendors?search=%00", method: .get, headers: [.authorization: "Bearer \(fixture.admin)"]) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}

@Suite struct ImportAndRescoreApiTests {
    @Test func importIsAllOrNothingAndRescoreQueues() async throws {
        let fixture = try ApiTests.Fixture("apiimport")
        let header = "name,business_owner,offering,data_categories,decision_impact,ai_act_class,business_criticality\n"
        let good = header + "Acme,Claims,ai_saas,personal,advisory,limited,medium\nBeta,Legal,general_purpose_model,internal,none,minimal,low\n"
        let bad = header + "Gamma,Claims,ai_saas,personal,advisory,limited,medium\nDelta,Claims,ai_saas,personal,autonomous,limited,medium\n"
        let csv: HTTPFields = [.authorization: "Bearer \(fixture.analyst)", .contentType: "text/csv"]
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/api/v1/vendors/import", method: .post, headers: csv, body: ByteBuffer(string: bad)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("line 3, column decision_impact: unknown value"))
            }
            try await client.execute(uri: "/api/v1/vendors/import", method: .post, headers: [.authorization: "Bearer \(fixture.analyst)"], body: ByteBuffer(string: good)) { response in
                #expect(response.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/api/v1/vendors/import", method: .post, headers: csv, body: ByteBuffer(string: good)) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == #"{"imported":2}"#)
            }
            try await client.execute(uri: "/api/v1/vendors/import", method: .post, headers: csv, body: ByteBuffer(string: good)) { response in
                #expect(response.status == .unprocessableContent, "slugs that exist refuse the whole file")
            }
        }
        #expect(try fixture.count("vendors") == 2)
        try fixture.execute("DELETE FROM rescore_queue")
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/api/v1/vendors/acme/rescore", method: .post, headers: [.authorization: "Bearer \(fixture.analyst)"]) { response in
                #expect(response.status == .accepted)
            }
            try await client.execute(uri: "/api/v1/vendors/nobody/rescore", method: .post, headers: [.authorization: "Bearer \(fixture.analyst)"]) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/rescore", method: .post, headers: [.authorization: "Bearer \(fixture.analyst)"]) { response in
                #expect(response.status == .accepted)
                #expect(String(buffer: response.body) == #"{"queued":2}"#)
            }
        }
        #expect(try fixture.count("rescore_queue") == 2)
    }
}
