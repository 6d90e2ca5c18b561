import Foundation
import Hummingbird
import HummingbirdTesting
import Outreach
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing
import WebService

/// Sorting the vendor list, and paging every other list.
@Suite struct ListOrderTests {
    /// Reads a list page: the values of `field` in the items under `key`, the next cursor, the status and the error.
    func page(_ client: some TestClientProtocol, _ uri: String, token: String, key: String, field: String)
        async throws -> (values: [String], next: String?, status: HTTPResponse.Status, error: [String: String])
    {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            let values = (object[key] as? [[String: Any]])?.compactMap { item in item[field].map { "\($0)" } } ?? []
            return (values, object["next"] as? String, response.status, object["error"] as? [String: String] ?? [:])
        }
    }

    /// Every item of a list, following cursors `limit` at a time.
    func walk(_ client: some TestClientProtocol, _ uri: String, token: String, key: String, field: String, limit: Int) async throws -> [String] {
        var values: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let separator = uri.contains("?") ? "&" : "?"
            let result = try await page(client, uri + "\(separator)limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token, key: key, field: field)
            #expect(result.status == .ok, "\(uri): \(result.error)")
            #expect(result.values.count <= limit)
            values += result.values
            cursor = result.next
            pages += 1
        } while cursor != nil && pages < 100
        return values
    }

    static func add(_ store: VendorStore, _ name: String, criticality: AIProfile.BusinessCriticality) throws {
        try store.add(VendorDraft(
            slug: VendorRules.slug(from: name), name: name, status: .active, businessOwner: "P", contactEmail: nil,
            profile: AIProfile(offering: .aiSaaS, description: "", dataCategories: [.internal], decisionImpact: .none, aiActClass: .minimal,
                               businessCriticality: criticality, hostingRegions: []),
            foundationModels: [], subProcessors: []), actor: "test")
    }

    @Test func vendorsSortByScoreTierAndUpdateAcrossPages() async throws {
        let fixture = try ApiTests.Fixture("apisort")
        let store = VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering)
        let criticalities: [AIProfile.BusinessCriticality] = [.low, .critical, .medium, .high, .low, .critical, .medium]
        for (index, criticality) in criticalities.enumerated() { try Self.add(store, "Vendor \(index)", criticality: criticality) }
        // Scores for all but one vendor, two of them equal so that the id breaks the tie.
        try fixture.execute("""
            INSERT INTO scores (vendor_id, hundredths, rating, breakdown, model_version, as_of)
            SELECT id, (ARRAY[4200, 1000, 7300, 4200, 9900, 2500])[row_number() OVER (ORDER BY id)], 'medium', '{}', 'm', now()
            FROM vendors WHERE slug <> 'vendor-6';
            """)
        func expected(_ order: String) throws -> [String] {
            try fixture.database.withConnection { connection in
                try connection.query(PostgresQuery(unsafeSQL: "SELECT v.slug FROM vendors v LEFT JOIN scores s ON s.vendor_id = v.id ORDER BY \(order)"))
                    .map { try $0.decode(String.self, at: 0) }
            }
        }
        let byScore = try expected("COALESCE(s.hundredths, -1) DESC, v.id DESC")
        let tiers = try expected("array_position(ARRAY['low','medium','high','critical'], v.tier) DESC, v.id DESC").map { try store.vendor($0).tier.rawValue }
        try await fixture.app.test(.router) { client in
            let riskiest = try await walk(client, "/api/v1/vendors?sort=-score", token: fixture.committee, key: "vendors", field: "slug", limit: 2)
            #expect(riskiest == byScore)
            #expect(riskiest.first == "vendor-4" && riskiest.last == "vendor-6", "the riskiest first, the unscored last")
            let safest = try await walk(client, "/api/v1/vendors?sort=score", token: fixture.committee, key: "vendors", field: "slug", limit: 3)
            #expect(safest == riskiest.reversed())
            let byTier = try await walk(client, "/api/v1/vendors?sort=-tier", token: fixture.committee, key: "vendors", field: "tier", limit: 2)
            #expect(byTier == tiers)
            #expect(byTier.first == "critical")
            try fixture.execute("UPDATE vendors SET name = 'Vendor 2 renamed', updated_at = now() + interval '1 minute' WHERE slug = 'vendor-2'")
            let recent = try await page(client, "/api/v1/vendors?sort=-updated&limit=1", token: fixture.committee, key: "vendors", field: "slug")
            #expect(recent.values == ["vendor-2"], "the latest change first")

            let unknown = try await page(client, "/api/v1/vendors?sort=risk", token: fixture.committee, key: "vendors", field: "slug")
            #expect(unknown.status == .badRequest)
            #expect(unknown.error["field"] == "sort")
            #expect(unknown.error["message"]?.contains("-score") == true, "the message lists the orders")

            let byName = try await page(client, "/api/v1/vendors?limit=2", token: fixture.committee, key: "vendors", field: "slug")
            let crossed = try await page(client, "/api/v1/vendors?sort=-score&cursor=\(try #require(byName.next))", token: fixture.committee, key: "vendors", field: "slug")
            #expect(crossed.status == .badRequest, "a cursor read by name cannot continue a list by score")
            #expect(crossed.error["field"] == "cursor")
        }
    }

    @Test func assessmentsAndTheOutboxPageLikeEveryOtherList() async throws {
        let fixture = try ApiTests.Fixture("apipagedwork")
        let vendors = VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering)
        let outreach = OutreachConfiguration()
        let invitations = Invitations(database: fixture.database, catalog: ApiTests.catalog, configuration: outreach)
        for name in ["Acme", "Beta", "Gamma", "Delta", "Echo"] {
            try Self.add(vendors, name, criticality: .low)
            _ = try invitations.send(vendor: VendorRules.slug(from: name), template: "ai-supplier-essentials", recipient: "security@\(name.lowercased()).example", actor: "analyst")
        }
        let outbox = OutboxStore(database: fixture.database)
        for index in 0..<3 {
            try outbox.enqueue(OutgoingMessage(kind: .invitation, dedupeKey: "page:\(index)", recipients: ["a@b.example"], subject: "S", text: "T", html: "<p>T</p>"))
        }
        let allAssessments = try AssessmentOutreachStore(database: fixture.database).list().map { "\($0.id)" }
        let allMessages = try outbox.list().map { "\($0.id)" }
        try await fixture.app.test(.router) { client in
            #expect(allAssessments.count == 5 && allMessages.count == 8)
            #expect(try await walk(client, "/api/v1/assessments", token: fixture.committee, key: "assessments", field: "id", limit: 2) == allAssessments, "newest first, none repeated or skipped")
            #expect(try await walk(client, "/api/v1/assessments?status=sent", token: fixture.committee, key: "assessments", field: "id", limit: 3) == allAssessments)
            #expect(try await walk(client, "/api/v1/outbox", token: fixture.analyst, key: "messages", field: "id", limit: 3) == allMessages)
            let first = try await page(client, "/api/v1/outbox?limit=2", token: fixture.analyst, key: "messages", field: "id")
            let crossed = try await page(client, "/api/v1/assessments?cursor=\(try #require(first.next))", token: fixture.committee, key: "assessments", field: "id")
            #expect(crossed.status == .badRequest && crossed.error["field"] == "cursor", "an outbox cursor does not page assessments")
            let filtered = try await page(client, "/api/v1/outbox?status=dead&cursor=\(try #require(first.next))", token: fixture.analyst, key: "messages", field: "id")
            #expect(filtered.status == .badRequest, "nor the outbox with another filter")
        }
    }

    @Test func secondaryListsPageWithoutRepeatsOrGaps() async throws {
        let fixture = try ApiTests.Fixture("apisecondary")
        let vendors = VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering)
        try Self.add(vendors, "Acme", criticality: .high)
        try Self.add(vendors, "Beta", criticality: .low)
        let incidents = IncidentStore(database: fixture.database)
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        for index in 0..<7 {
            // Two incidents at the same moment, so the id decides between them.
            _ = try incidents.add(vendor: "acme", title: "Incident \(index)", category: .outage, severity: .low,
                                  occurredAt: start.addingTimeInterval(Double(index / 2) * 3600), detectedAt: start.addingTimeInterval(Double(index / 2) * 3600 + 60),
                                  vendorNotifiedAt: nil, actor: "analyst-\(index % 2)")
        }
        let certificates = CertificationStore(database: fixture.database)
        for index in 0..<5 {
            _ = try certificates.add(vendor: "acme", standard: .iso27001, issuer: "Issuer \(index)", scope: "", issuedOn: nil,
                                     expiresOn: start.addingTimeInterval(Double(index % 3) * 86_400 * 30), actor: "test")
        }
        for index in 0..<4 { try vendors.update("beta", actor: "test") { $0.businessOwner = "Owner \(index)" } }

        let allIncidents = try incidents.list(vendor: "acme").items.map { "\($0.id)" }
        let allCertificates = try certificates.list(vendor: "acme").items.map { "\($0.id)" }
        let auditRows = try fixture.count("audit_log")
        try await fixture.app.test(.router) { client in
            #expect(allIncidents.count == 7)
            #expect(try await walk(client, "/api/v1/vendors/acme/incidents", token: fixture.committee, key: "incidents", field: "id", limit: 2) == allIncidents)
            #expect(try await walk(client, "/api/v1/vendors/acme/incidents?open=true", token: fixture.committee, key: "incidents", field: "id", limit: 3) == allIncidents)

            #expect(try await walk(client, "/api/v1/vendors/acme/certifications", token: fixture.committee, key: "certifications", field: "id", limit: 2) == allCertificates)

            let audit = try await walk(client, "/api/v1/audit", token: fixture.admin, key: "entries", field: "id", limit: 4)
            #expect(audit.count == auditRows, "the whole log, page by page")
            #expect(audit == audit.sorted { Int($0)! < Int($1)! }, "oldest first")
            let betaChanges = try await walk(client, "/api/v1/audit?entity=vendor&id=beta", token: fixture.admin, key: "entries", field: "action", limit: 2)
            #expect(betaChanges == ["create", "update", "update", "update", "update"])
            let byActor = try await walk(client, "/api/v1/audit?actor=analyst-1", token: fixture.admin, key: "entries", field: "entityID", limit: 2)
            #expect(byActor.count == 3)
            let stamped = try await page(client, "/api/v1/audit?limit=1", token: fixture.admin, key: "entries", field: "at")
            #expect(stamped.values.first?.hasSuffix("Z") == true, "each entry says when, in UTC")

            let incidentPage = try await page(client, "/api/v1/vendors/acme/incidents?limit=2", token: fixture.committee, key: "incidents", field: "id")
            let cursor = try #require(incidentPage.next)
            let otherList = try await page(client, "/api/v1/audit?cursor=\(cursor)", token: fixture.admin, key: "entries", field: "id")
            #expect(otherList.status == .badRequest && otherList.error["field"] == "cursor", "a cursor belongs to its list")
            let otherVendor = try await page(client, "/api/v1/vendors/beta/incidents?cursor=\(cursor)", token: fixture.committee, key: "incidents", field: "id")
            #expect(otherVendor.status == .badRequest, "and to its vendor")
            let badFlag = try await page(client, "/api/v1/vendors/acme/incidents?open=yes", token: fixture.committee, key: "incidents", field: "id")
            #expect(badFlag.status == .badRequest && badFlag.error["message"] == "open must be true or false, not \"yes\"")
            // An id without an entity finds that id in any kind of entity; empty free text is the same as none.
            let idAlone = try await page(client, "/api/v1/audit?id=beta&actor=", token: fixture.admin, key: "entries", field: "id")
            let vendorOnly = try await page(client, "/api/v1/audit?entity=vendor&id=beta", token: fixture.admin, key: "entries", field: "id")
            #expect(idAlone.status == .ok && !idAlone.values.isEmpty)
            #expect(idAlone.values == vendorOnly.values, "beta's entries are all its vendor record's")
            let emptyLimit = try await page(client, "/api/v1/audit?limit=", token: fixture.admin, key: "entries", field: "id")
            #expect(emptyLimit.status == .badRequest && emptyLimit.error["message"] == "limit must be 1 to 500, not \"\"", "a typed parameter given empty is wrong")
        }
    }
}
