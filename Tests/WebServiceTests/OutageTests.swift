import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Storage
import TestSupport
import Testing
import WebService

/// The database goes away and comes back while the API serves.
@Suite struct OutageTests {
    @Test func requestsDuringAnOutageGet503QuicklyAndTheServiceRecoversByItself() async throws {
        let cluster = try LocalCluster.start("web-outage")
        let configuration = try PostgresConfiguration(cluster.url, connectTimeout: .seconds(2))
        let setup = try Connection(configuration: configuration)
        try setup.executeScript("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        try Migrator(directory: TestDatabase.repositoryRoot.appendingPathComponent("sql")).migrate(on: setup)
        let database = Database(configuration: configuration, maximumConnections: 4, acquireTimeout: .seconds(2))
        let token = try TokenStore(database: database).create(name: "reader", role: .committee, actor: "test")
        let app = Application(router: buildRouter(try WebConfiguration(
            host: "127.0.0.1", port: 0, database: database, catalog: ApiTests.catalog,
            migrations: TestDatabase.repositoryRoot.appendingPathComponent("sql"), logger: .init(label: "test"))))
        let headers: HTTPFields = [.authorization: "Bearer \(token)"]

        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/vendors", method: .get, headers: headers) { #expect($0.status == .ok) }
            try cluster.stop()
            for uri in ["/api/v1/vendors", "/readyz"] {
                let started = ContinuousClock.now
                try await client.execute(uri: uri, method: .get, headers: headers) { response in
                    #expect(response.status == .serviceUnavailable, "\(uri)")
                    #expect(String(buffer: response.body).contains("unavailable"), "a JSON error without internal detail")
                }
                #expect(ContinuousClock.now - started < .seconds(3), "fails fast")
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok, "the process is still up") }
            try cluster.startAgain()
            try await client.execute(uri: "/api/v1/vendors", method: .get, headers: headers) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
        }
    }
}
