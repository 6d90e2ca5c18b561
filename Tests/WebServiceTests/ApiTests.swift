import CatalogFiles
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

@Suite struct ApiTests {
    static let catalogDirectory = TestDatabase.repositoryRoot.appendingPathComponent("questionnaires")
    static let catalog = try! Catalog.load(catalogDirectory)

    struct Fixture {
        let database: Database
        let app: Application<RouterResponder<AppRequestContext>>
        let admin: String, analyst: String, committee: String, revoked: String
        /// Every route the router has: its method and its path as registered.
        let routes: [(method: HTTPRequest.Method, path: String)]

        init(_ label: String, openAPI: String? = nil, outreach: OutreachConfiguration = OutreachConfiguration(), limiter: RateLimiter = RateLimiter(),
             sessions: SessionPolicy = SessionPolicy(), portfolioMaxAge: TimeInterval = 60, authProxy: AuthProxy? = nil,
             rescoreWait: Duration = .seconds(3)) throws {
            database = Database(configuration: try TestDatabase.migrated(label), maximumConnections: 4)
            let tokens = TokenStore(database: database)
            admin = try tokens.create(name: "admin", role: .admin, actor: "test")
            analyst = try tokens.create(name: "procurement-bot", role: .analyst, actor: "test")
            committee = try tokens.create(name: "committee", role: .committee, actor: "test")
            revoked = try tokens.create(name: "old", role: .admin, actor: "test")
            try tokens.revoke(name: "old", actor: "test")
            var configuration = try WebConfiguration(
                host: "127.0.0.1", port: 0, database: database, catalog: ApiTests.catalog,
                migrations: TestDatabase.repositoryRoot.appendingPathComponent("sql"), openAPIDocument: openAPI, outreach: outreach,
                portalLimiter: limiter, logger: .init(label: "test"))
            configuration.sessionPolicy = sessions
            configuration.portfolioMaxAge = portfolioMaxAge
            configuration.authProxy = authProxy
            configuration.rescoreWait = rescoreWait
            let router = buildRouter(configuration)
            routes = router.routes.map { ($0.method, $0.path.description) }
            app = Application(router: router)
        }

        func execute(_ sql: String) throws {
            try database.withConnection { try $0.executeScript(sql) }
        }

        func count(_ table: String) throws -> Int {
            try database.withConnection { try $0.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"))[0].decode(Int.self, at: 0) }
        }
    }

    static let acme = #"""
        {"name": "Acme AI", "businessOwner": "Claims", "contactEmail": "security@acme.example",
         "profile": {"offering": "ai_saas", "dataCategories": ["personal"], "decisionImpact": "advisory",
                     "aiActClass": "limited", "businessCriticality": "high"},
         "foundationModels": ["OpenAI"]}
        """#

    func headers(_ token: String?, json: Bool = false) -> HTTPFields {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    /// The `error` object of a response body; empty when there is none.
    func error(_ buffer: ByteBuffer) -> [String: String] {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: [String: String]]
        return object?["error"] ?? [:]
    }

    @Test func healthAndReadiness() async throws {
        let fixture = try Fixture("apihealth")
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[.init("X-Request-Id")!] != nil)
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func readinessIsCheckedOnAnIntervalNotOnEveryProbe() async throws {
        let fixture = try Fixture("apiready")
        let migrations = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-ready-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestDatabase.repositoryRoot.appendingPathComponent("sql"), to: migrations)
        defer { try? FileManager.default.removeItem(at: migrations) }
        func app(interval: Duration) throws -> Application<RouterResponder<AppRequestContext>> {
            var configuration = try WebConfiguration(host: "127.0.0.1", port: 0, database: fixture.database, catalog: ApiTests.catalog, migrations: migrations, logger: .init(label: "test"))
            configuration.readinessInterval = interval
            return Application(router: buildRouter(configuration))
        }
        let cached = try app(interval: .seconds(3600)), fresh = try app(interval: .zero)
        try await cached.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            // A migration appears that is not applied: a probe within the interval answers from the last check.
            try "SELECT 1;\n".write(to: migrations.appendingPathComponent("999_later.sql"), atomically: true, encoding: .utf8)
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok, "answered from the check an hour is not yet over") }
        }
        try await fresh.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(error(response.body)["message"] == "1 migrations are pending: run tprm migrate")
            }
        }
    }

    @Test func aKnownPathWithAnotherMethodIs405WithAllowAndHeadAnswersWhereGetDoes() async throws {
        let fixture = try Fixture("apimethods")
        try await fixture.app.test(.router) { client in
            for (method, uri, allow) in [
                (HTTPRequest.Method.delete, "/api/v1/vendors", "GET, HEAD, POST"),
                (.put, "/api/v1/vendors/acme-ai", "GET, HEAD, PATCH"),
                (.post, "/healthz", "GET, HEAD"),
                (.get, "/api/v1/rescore", "POST"),
                (.head, "/api/v1/rescore", "POST"),
            ] {
                try await client.execute(uri: uri, method: method, headers: headers(fixture.admin)) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                    if method != .head {
                        #expect(error(response.body)["code"] == "method_not_allowed")
                        #expect(error(response.body)["message"] == "\(uri) does not take \(method.rawValue); it takes \(allow)")
                    }
                }
            }
            try await client.execute(uri: "/api/v1/nothing-here", method: .delete, headers: headers(fixture.admin)) { response in
                #expect(response.status == .notFound, "an unknown path stays 404")
            }
            // HEAD: the GET's status and headers, no body, and nothing else runs twice.
            try await client.execute(uri: "/api/v1/vendors?limit=1", method: .head, headers: headers(fixture.committee)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/api/v1/vendors", method: .head) { response in
                #expect(response.status == .unauthorized, "HEAD is checked like GET")
            }
            try await client.execute(uri: "/api/v1/reports/committee", method: .head, headers: headers(fixture.committee)) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(try fixture.count("report_packs") == 0, "a HEAD of the pack records nothing")
    }

    @Test func anAnalystRegistersAVendorAndTheCommitteeReadsIt() async throws {
        let fixture = try Fixture("apiflow")
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/api/v1/vendors", method: .post, headers: headers(fixture.analyst, json: true), body: ByteBuffer(string: Self.acme)) { response in
                #expect(response.status == .created)
                let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect((object?["vendor"] as? [String: Any])?["slug"] as? String == "acme-ai")
                #expect((object?["tier"] as? [String: Any])?["tier"] as? String == "high")
            }
            try await client.execute(uri: "/api/v1/vendors/acme-ai", method: .get, headers: headers(fixture.committee)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/vendors?tier=high", method: .get, headers: headers(fixture.committee)) { response in
                let object = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect((object?["vendors"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } == ["acme-ai"])
            }
            try await client.execute(uri: "/api/v1/vendors/acme-ai/score", method: .get, headers: headers(fixture.committee)) { response in
                #expect(response.status == .notFound)
                #expect(error(response.body)["code"] == "not_scored")
            }
        }
        let audit = try AuditLog(database: fixture.database).entries(entity: "vendor", id: "acme-ai").items
        #expect(audit.map(\.actor) == ["procurement-bot"], "the token's name is the actor")
    }

    @Test func missingMalformedUnknownAndRevokedTokensGet401() async throws {
        let fixture = try Fixture("apiauth")
        try await fixture.app.test(.router) { client in
            for fields in [headers(nil), [.authorization: "Basic abc"], headers("tprm_" + String(repeating: "0", count: 64)), headers(fixture.revoked), headers("nonsense")] {
                try await client.execute(uri: "/api/v1/vendors", method: .get, headers: fields) { response in
                    #expect(response.status == .unauthorized)
                    #expect(error(response.body)["code"] == "unauthenticated")
                }
            }
        }
    }

    @Test func theCommitteeCannotChangeAnythingAndNoRouteAnswersWithoutAToken() async throws {
        let fixture = try Fixture("apiroles")
        let router = buildRouter(try WebConfiguration(
            host: "127.0.0.1", port: 0, database: fixture.database, catalog: ApiTests.catalog,
            migrations: TestDatabase.repositoryRoot.appendingPathComponent("sql"), logger: .init(label: "test")))
        let routes = router.routes.map { (method: $0.method, path: "\($0.path)".hasPrefix("/") ? "\($0.path)" : "/\($0.path)") }
            .filter { $0.path.hasPrefix("/api/v1/") && $0.path != "/api/v1/openapi.yaml" }
        let mutating = routes.filter { $0.method != .get }
        #expect(mutating.count >= 17, "every mutating route of the API: \(mutating.count)")
        // Path parameters filled with values that exist or not: the role is checked before anything is looked up.
        @Sendable func uri(_ path: String) -> String {
            path.split(separator: "/").map { $0.hasPrefix(":") ? ($0 == ":slug" ? "acme-ai" : $0 == ":key" || $0 == ":question" ? "GOV-01" : "1") : String($0) }
                .joined(separator: "/").replacingOccurrences(of: "api/", with: "/api/")
        }
        try await fixture.app.test(.router) { client in
            for route in mutating {
                try await client.execute(uri: uri(route.path), method: route.method, headers: headers(fixture.committee, json: true), body: ByteBuffer(string: Self.acme)) { response in
                    #expect(response.status == .forbidden, "\(route.method) \(route.path)")
                    #expect(error(response.body)["message"]?.hasPrefix("token committee has role committee; this needs ") == true)
                }
            }
            for route in routes {
                try await client.execute(uri: uri(route.path), method: route.method, headers: headers(nil, json: true), body: ByteBuffer(string: Self.acme)) { response in
                    #expect(response.status == .unauthorized, "\(route.method) \(route.path)")
                }
            }
        }
        #expect(try fixture.count("vendors") == 0)
        #expect(try fixture.count("audit_log WHERE entity <> 'api_token'") == 0)
        #expect(try fixture.count("outbox") == 0)
    }


    @Test func badBodiesGetClearErrorsAndChangeNothing() async throws {
        let fixture = try Fixture("apibad")
        let cases: [(String, HTTPFields, HTTPResponse.Status, String, String?)] = [
            (Self.acme.replacingOccurrences(of: "\"advisory\"", with: "\"autonomous\""), headers(fixture.analyst, json: true), .unprocessableContent,
             "profile.decisionImpact: unknown value \"autonomous\" (expected none, advisory, significant, automated)", "profile.decisionImpact"),
            (Self.acme.replacingOccurrences(of: "security@acme.example", with: "nope"), headers(fixture.analyst, json: true), .unprocessableContent,
             "contactEmail: \"nope\" is not an email address", "contactEmail"),
            (#"{"name": "x"}"#, headers(fixture.analyst, json: true), .badRequest, "missing businessOwner", "businessOwner"),
            (Self.acme.replacingOccurrences(of: #""Claims""#, with: "null"), headers(fixture.analyst, json: true), .badRequest,
             "businessOwner: null is not a value here; give text", "businessOwner"),
            (Self.acme.replacingOccurrences(of: #""security@acme.example""#, with: "null"), headers(fixture.analyst, json: true), .badRequest,
             "contactEmail: null is not a value here; leave the field out", "contactEmail"),
            (Self.acme.replacingOccurrences(of: #"["OpenAI"]"#, with: "[null]"), headers(fixture.analyst, json: true), .badRequest,
             "foundationModels.0: null is not a value here; give text", "foundationModels.0"),
            (Self.acme.replacingOccurrences(of: #""Claims""#, with: "42"), headers(fixture.analyst, json: true), .badRequest,
             "businessOwner: give text", "businessOwner"),
            (Self.acme.replacingOccurrences(of: #""Acme AI""#, with: #"" \t\n""#), headers(fixture.analyst, json: true), .unprocessableContent,
             "name: must be 1 to 200 characters", "name"),
            (Self.acme.replacingOccurrences(of: #""Claims""#, with: #""\t""#), headers(fixture.analyst, json: true), .unprocessableContent,
             "businessOwner: must not be empty", "businessOwner"),
            (Self.acme.replacingOccurrences(of: "security@acme.example", with: "sécurité@acme.example"), headers(fixture.analyst, json: true), .unprocessableContent,
             "contactEmail: \"sécurité@acme.example\" is not an email address", "contactEmail"),
            ("{not json", headers(fixture.analyst, json: true), .badRequest, "the body is not valid JSON", nil),
            (Self.acme, headers(fixture.analyst), .unsupportedMediaType, "send the body as application/json", nil),
        ]
        try await fixture.app.test(.router) { client in
            for (body, fields, status, message, field) in cases {
                try await client.execute(uri: "/api/v1/vendors", method: .post, headers: fields, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == status)
                    let detail = error(response.body)
                    #expect(detail["message"] == message)
                    #expect(detail["field"] == field)
                }
            }
            try await client.execute(uri: "/api/v1/vendors", method: .post, headers: headers(fixture.analyst, json: true),
                                     body: ByteBuffer(string: String(repeating: " ", count: 1_100_000) + Self.acme)) { response in
                #expect(response.status == .contentTooLarge)
            }
            try await client.execute(uri: "/api/v1/vendors", method: .post, headers: headers(fixture.analyst, json: true), body: ByteBuffer(string: Self.acme)) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/api/v1/vendors", method: .post, headers: headers(fixture.analyst, json: true), body: ByteBuffer(string: Self.acme)) { response in
                #expect(response.status == .conflict)
                #expect(error(response.body)["message"] == "a vendor with slug acme-ai exists")
            }
            try await client.execute(uri: "/api/v1/vendors/nobody", method: .get, headers: headers(fixture.committee)) { response in
                #expect(response.status == .notFound)
                #expect(error(response.body)["message"] == "no vendor with slug nobody")
            }
            try await client.execute(uri: "/api/v1/vendors?tier=extreme", method: .get, headers: headers(fixture.committee)) { response in
                #expect(response.status == .badRequest)
                #expect(error(response.body)["field"] == "tier")
            }
        }
        #expect(try fixture.count("vendors") == 1)
    }
}
