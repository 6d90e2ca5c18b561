import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import ServiceLifecycle
import Storage
import TestSupport
import Testing
import WebService

@Suite struct TokenCacheTests {
    @Test func aCachedTokenIsRefusedAsSoonAsItIsRevoked() async throws {
        let fixture = try ApiTests.Fixture("apicache")
        let cache = TokenCache()
        let app = Application(router: buildRouter(try WebConfiguration(
            host: "127.0.0.1", port: 0, database: fixture.database, catalog: ApiTests.catalog,
            migrations: TestDatabase.repositoryRoot.appendingPathComponent("sql"), tokenCache: cache, logger: .init(label: "test"))))
        let group = ServiceGroup(
            services: [TokenRevocationListener(cache: cache, database: fixture.database, logger: Logger(label: "test"))],
            logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        defer { running.cancel() }
        // Wait until the listener listens.
        for _ in 0..<100 {
            let listening = try await fixture.database.withConnection { connection in
                try connection.query("SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN \"token_revoked\"' AND datname = current_database()")[0].decode(Int.self, at: 0)
            }
            if listening > 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let headers: HTTPFields = [.authorization: "Bearer \(fixture.analyst)"]
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/vendors", method: .get, headers: headers) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/vendors", method: .get, headers: headers) { #expect($0.status == .ok, "served from the cache") }
            let tokens = TokenStore(database: fixture.database)
            _ = try await Task.detached { try tokens.revoke(name: "procurement-bot", actor: "test") }.value
            var status = HTTPResponse.Status.ok
            for _ in 0..<100 where status == .ok {
                status = try await client.execute(uri: "/api/v1/vendors", method: .get, headers: headers) { $0.status }
                if status == .ok { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(status == .unauthorized, "refused within moments of the revocation")
        }
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
