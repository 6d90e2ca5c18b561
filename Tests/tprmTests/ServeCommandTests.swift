import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Postgres
import TestSupport
import Testing

/// `tprm token` and `tprm serve` as operators use them.
@Suite struct ServeCommandTests {
    func environment(_ database: String) -> [String: String?] {
        ["DATABASE_URL": database, "TPRM_CATALOG": TestDatabase.repositoryRoot.appendingPathComponent("questionnaires").path,
         "TPRM_MIGRATIONS": TestDatabase.repositoryRoot.appendingPathComponent("sql").path]
    }

    @Test func aTokenIsShownOnceListedWithoutItselfAndRevoked() throws {
        let database = try TestDatabase.migrated("clitoken").connectionString
        let created = try Subprocess.run(Subprocess.tprmExecutable, ["token", "create", "--name", "dashboards", "--role", "committee"], environment: environment(database))
        #expect(created.status == 0)
        let token = created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("tprm_") && token.count == 69)
        #expect(created.standardError.contains("shown this once"))
        let list = try Subprocess.run(Subprocess.tprmExecutable, ["token", "list"], environment: environment(database))
        #expect(list.standardOutput.contains("dashboards  committee"))
        #expect(!list.standardOutput.contains(token))
        let stored = try Connection(configuration: try PostgresConfiguration(database)).query("SELECT count(*) FROM api_tokens WHERE token_hash LIKE '%' || \(token) || '%'")
        #expect(try stored[0].decode(Int.self, at: 0) == 0, "the token itself is never stored")

        let duplicate = try Subprocess.run(Subprocess.tprmExecutable, ["token", "create", "--name", "dashboards", "--role", "admin"], environment: environment(database))
        #expect(duplicate.status == 2)
        #expect(duplicate.standardError == "tprm: a token named dashboards exists\n")
        let badRole = try Subprocess.run(Subprocess.tprmExecutable, ["token", "create", "--name", "x", "--role", "root"], environment: environment(database))
        #expect(badRole.standardError == "tprm: --role: unknown value \"root\" (expected committee, analyst, admin) (see tprm token create --help)\n")
        #expect(try Subprocess.run(Subprocess.tprmExecutable, ["token", "revoke", "dashboards"], environment: environment(database)).status == 0)
        let again = try Subprocess.run(Subprocess.tprmExecutable, ["token", "revoke", "dashboards"], environment: environment(database))
        #expect(again.status == 2)
        #expect(again.standardError == "tprm: no active token named dashboards\n")
    }

    @Test func serveAnswersAndStopsCleanlyOnSigterm() async throws {
        let database = try TestDatabase.migrated("cliserve").connectionString
        let port = 20_000 + Int.random(in: 0..<20_000)
        let server = try Subprocess.start(Subprocess.tprmExecutable, ["serve", "--listen", "127.0.0.1:\(port)"], environment: environment(database))
        var status: Int?
        // Generous: this test's awaits share the cooperative threads with suites that block them on the database
        // (two on this machine), and under the whole suite a poll has waited its turn for most of a minute.
        let deadline = Date().addingTimeInterval(120)
        while status == nil, Date() < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/readyz")!) {
                status = (response as? HTTPURLResponse)?.statusCode
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(status == 200)
        let (_, unauthenticated) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/api/v1/vendors")!)
        #expect((unauthenticated as? HTTPURLResponse)?.statusCode == 401)
        kill(server, SIGTERM)
        #expect(try Subprocess.wait(server) == 0, "a graceful stop")
    }

    @Test func aMalformedListenAddressIsAConfigurationError() throws {
        let database = try TestDatabase.migrated("clilisten").connectionString
        let result = try Subprocess.run(Subprocess.tprmExecutable, ["serve", "--listen", "8080"], environment: environment(database))
        #expect(result.status == 2)
        #expect(result.standardError == "tprm: listen address \"8080\" must be host:port, such as 127.0.0.1:8080\n")
    }
}
