import Foundation
import Hummingbird
import Postgres
import HummingbirdTesting
import Storage
import SupplierRisk
import TestSupport
import Testing
import WebService
import Yams

/// openapi.yaml and the router must describe the same API.
@Suite struct OpenAPIDocumentTests {
    static let documentURL = TestDatabase.repositoryRoot.appendingPathComponent("openapi.yaml")

    /// `GET /api/v1/vendors/{slug}` for every operation of the document (Hummingbird prints parameters the same way).
    func documentedRoutes() throws -> Set<String> {
        let document = try #require(try Yams.load(yaml: String(contentsOf: Self.documentURL, encoding: .utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        var routes: Set<String> = []
        for (path, item) in paths {
            let operations = (item as? [String: Any]) ?? [:]
            for method in ["get", "post", "put", "patch", "delete"] where operations[method] != nil {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    func registeredRoutes() throws -> Set<String> {
        let database = Database(configuration: try PostgresConfiguration("postgresql:///unused?host=/nonexistent"))
        let router = buildRouter(try WebConfiguration(
            host: "127.0.0.1", port: 0, database: database, catalog: ApiTests.catalog,
            migrations: TestDatabase.repositoryRoot.appendingPathComponent("sql"), logger: .init(label: "test")))
        return Set(router.routes.map { route in
            let path = "\(route.path)"
            return "\(route.method) \(path.hasPrefix("/") ? path : "/" + path)"
        })
    }

    @Test func everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        let documented = try documentedRoutes()
        let registered = try registeredRoutes()
        #expect(registered.subtracting(documented).sorted() == [], "routes the document lacks")
        #expect(documented.subtracting(registered).sorted() == [], "documented routes the app lacks")
        #expect(documented.count >= 20)
    }

    /// The values the document lists for questionnaire templates are the catalog's: a questionnaire added to the
    /// catalog is added to the document, or a client the document guides could never send it.
    @Test func theTemplatesTheDocumentListsAreTheCatalogs() throws {
        let document = try #require(try Yams.load(yaml: String(contentsOf: Self.documentURL, encoding: .utf8)) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let send = try #require(schemas.values.compactMap { ($0 as? [String: Any])?["properties"] as? [String: Any] }.first { $0["template"] != nil && $0["dueDays"] != nil })
        let listed = try #require((send["template"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(listed) == Set(ApiTests.catalog.questionnaires.map(\.key)))
    }

    @Test func theDocumentIsServed() async throws {
        let fixture = try ApiTests.Fixture("apidoc", openAPI: try String(contentsOf: Self.documentURL, encoding: .utf8))
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/api/v1/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml")
                #expect(String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
            }
        }
    }
}
