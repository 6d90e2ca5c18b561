import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Storage
import TestSupport
import Testing
@testable import WebService

/// The committee reads everything and changes nothing: every route of the application that takes an unsafe method
/// is tried as a committee member, with their API token and with their signed-in session, and nothing changes.
@Suite struct CommitteeRoleTests {
    typealias Fixture = ApiTests.Fixture
    typealias Browser = SignInTests.Browser

    /// The unsafe routes no role guards, each with the reason: the ways in and out, and the supplier's portal.
    /// Every other unsafe route outside the API is a workspace form, which the test below posts as a committee
    /// member, with the form's token, and expects refused with a 403 page.
    static let open: [String: String] = [
        "POST /login": "signing in comes before any role",
        "POST /logout": "everyone may sign out",
        "POST /password": "setting one's own password with a one-time link",
        "POST /portal/assessment": "the supplier's answers, through the portal session of a private link",
        "POST /portal/assessment/evidence": "the supplier's evidence, through the portal session of a private link",
    ]

    /// What the database holds that any unsafe route could change, as one text per table.
    static func state(_ fixture: Fixture) throws -> [String: String] {
        let tables = ["vendors", "vendor_fourth_parties", "certifications", "contracts", "contract_clauses", "incidents", "assessments",
                      "assessment_links", "answers", "evidence_files", "users", "password_links", "api_tokens", "outbox", "report_packs",
                      "rescore_queue", "audit_log"]
        var state: [String: String] = [:]
        try fixture.database.withConnection { connection in
            for table in tables {
                state[table] = try connection.query(PostgresQuery(unsafeSQL: "SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \(table) t"))[0]
                    .decode(String.self, at: 0)
            }
        }
        return state
    }

    /// The route's path with its captures filled by things that exist, so that only the role can refuse it.
    static func path(_ pattern: String, slug: String, assessment: Int) -> String {
        let values = ["slug": slug, "id": String(assessment), "key": "incident-notification", "email": "ana@example.com", "question": "SEC-01",
                      "name": "procurement-bot", "token": "x", "file": "1"]
        return pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            let name = segment.trimmingCharacters(in: CharacterSet(charactersIn: ":{}"))
            return segment.hasPrefix(":") || segment.hasPrefix("{") ? (values[name] ?? "1") : String(segment)
        }.joined(separator: "/")
    }

    @Test func theCommitteeIsRefusedOnEveryUnsafeRouteAndNothingChanges() async throws {
        let fixture = try WorkspacePageTests.seeded("committee-refused", vendors: 4)
        let slug = try #require(try WorkspacePageTests.strings(fixture, "SELECT slug FROM vendors ORDER BY id LIMIT 1").first)
        let assessment = try WorkspacePageTests.integer(fixture, "SELECT COALESCE(min(id), 1)::int FROM assessments")
        let unsafe: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]
        let routes = fixture.routes.filter { unsafe.contains($0.method) }.map { (method: $0.method, pattern: $0.path) }
        let api = routes.filter { $0.pattern.hasPrefix("/api/") }
        #expect(api.count >= 15, "the API's writes were found: \(api.count)")
        let pages = routes.filter { !$0.pattern.hasPrefix("/api/") }
        #expect(Set(Self.open.keys).isSubset(of: pages.map { "\($0.method.rawValue) \($0.pattern)" }), "the open routes are still there")
        let forms = pages.filter { Self.open["\($0.method.rawValue) \($0.pattern)"] == nil }
        #expect(!forms.isEmpty, "the workspace's forms were found")

        try await fixture.app.test(.router) { client in
            let cora = Browser()
            _ = try await cora.signIn(client, email: "cora@example.com")
            let (_, page, _) = try await cora.get(client, "/")
            let csrf = try Browser.csrf(page)
            let before = try Self.state(fixture)
            for route in api {
                let uri = Self.path(route.pattern, slug: slug, assessment: assessment)
                let body = ByteBuffer(string: #"{"name": "Committee Co", "status": "active", "verdict": "accepted", "role": "admin"}"#)
                // With the committee's API token: 403, naming the role it has and the one it needs.
                try await client.execute(uri: uri, method: route.method,
                                         headers: [.authorization: "Bearer \(fixture.committee)", .contentType: "application/json"], body: body) { response in
                    #expect(response.status == .forbidden, "\(route.method) \(uri) with the committee's token")
                    #expect(String(buffer: response.body).contains("has role committee"), "\(route.method) \(uri)")
                }
                // With the committee member's session and its form token, as a page would send it: the API takes no session.
                var headers = cora.header
                headers[.contentType] = "application/json"
                headers[HTTPField.Name("X-CSRF-Token")!] = csrf
                try await client.execute(uri: uri, method: route.method, headers: headers, body: body) { response in
                    #expect(response.status == .unauthorized, "\(route.method) \(uri) with a signed-in session")
                }
            }
            // Each workspace form, sent with the person's own token and a whole vendor's fields: a 403 page.
            let fields = [("csrf", csrf), ("action", "save"), ("previewed", "high"), ("name", "Committee Co"), ("owner", "Board"),
                          ("offering", "ai_saas"), ("data[]", "personal"), ("impact", "advisory"), ("act", "limited"), ("criticality", "high")]
            for form in forms {
                let uri = Self.path(form.pattern, slug: slug, assessment: assessment)
                let (status, page, headers) = try await cora.post(client, uri, fields)
                #expect(status == .forbidden, "\(form.method) \(uri) by a committee member")
                #expect(page.contains("reads everything in tprm and changes nothing") && headers[.contentType] == "text/html; charset=utf-8",
                        "\(form.method) \(uri): a page that says why")
            }
            #expect(try Self.state(fixture) == before, "nothing changed")
            // The session still reads every page.
            #expect(try await cora.get(client, "/vendors/\(slug)").0 == .ok)
        }
    }
}
