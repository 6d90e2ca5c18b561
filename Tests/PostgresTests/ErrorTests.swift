import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Postgres
import TestSupport
import Testing

@Suite struct ErrorTests {
    @Test func uniqueViolationCarriesCodeConstraintAndKeepsValuesOutOfDescription() throws {
        let connection = try Connection(configuration: try TestDatabase.create("unique"))
        try connection.executeScript("CREATE TABLE vendors (slug text CONSTRAINT vendors_slug_key UNIQUE)")
        try connection.execute("INSERT INTO vendors VALUES (\("acme-secret"))")
        let error = #expect(throws: PostgresError.self) {
            try connection.execute("INSERT INTO vendors VALUES (\("acme-secret"))")
        }
        #expect(error?.code == .uniqueViolation)
        #expect(error?.constraint == "vendors_slug_key")
        #expect(error?.table == "vendors")
        #expect(error?.detail == "Key (slug)=(acme-secret) already exists.")
        #expect(error?.isConnectionFailure == false)
        #expect(error.map { "\($0)" }?.contains("acme-secret") == false, "description must not show row data")
        #expect(error?.debugDescription.contains("acme-secret") == true)
        #expect(try connection.query("SELECT count(*) FROM vendors")[0].decode(Int.self, at: 0) == 1)
    }

    @Test func foreignKeyAndCheckViolationsArriveWithTheirCodes() throws {
        let connection = try Connection(configuration: try TestDatabase.create("fk"))
        try connection.executeScript("""
            CREATE TABLE tiers (name text PRIMARY KEY);
            CREATE TABLE vendors (tier text REFERENCES tiers, score int CHECK (score BETWEEN 0 AND 100));
            """)
        let foreignKey = #expect(throws: PostgresError.self) { try connection.execute("INSERT INTO vendors (tier) VALUES (\("extreme"))") }
        #expect(foreignKey?.code == .foreignKeyViolation)
        let check = #expect(throws: PostgresError.self) { try connection.execute("INSERT INTO vendors (score) VALUES (\(101))") }
        #expect(check?.code == .checkViolation)
    }

    @Test func syntaxErrorCarriesCodeAndPosition() throws {
        let connection = try Connection(configuration: try TestDatabase.create("syntax"))
        let error = #expect(throws: PostgresError.self) { try connection.query("SELECT 1 FROMM vendors") }
        #expect(error?.code == .syntaxError)
        #expect(error?.position == 16, "FROMM reads as an alias; the error is at vendors")
        #expect(error?.message == "syntax error at or near \"vendors\"")
    }

    @Test func statementTimeoutPerCallCancelsAndThenTheDefaultApplies() throws {
        var configuration = try TestDatabase.create("timeout")
        configuration.statementTimeout = .seconds(30)
        let connection = try Connection(configuration: configuration)
        let error = #expect(throws: PostgresError.self) {
            try connection.query("SELECT pg_sleep(5)", timeout: .milliseconds(100))
        }
        #expect(error?.code == .queryCanceled)
        #expect(try connection.query("SHOW statement_timeout")[0].decode(String.self, at: 0) == "30s")
    }

    @Test func statementTimeoutPerPoolAppliesToEveryConnection() throws {
        var configuration = try TestDatabase.create("pooltimeout")
        configuration.statementTimeout = .milliseconds(150)
        let pool = PostgresPool(configuration: configuration, maximumConnections: 2)
        let error = #expect(throws: PostgresError.self) {
            try pool.withConnection { try $0.query("SELECT pg_sleep(5)") }
        }
        #expect(error?.code == .queryCanceled)
    }

    @Test func malformedConnectionStringIsAConfigurationError() {
        let error = #expect(throws: PostgresConfigurationError.self) {
            try PostgresConfiguration("postgresql://localhost:notaport/db?bogus=1")
        }
        #expect(error?.description.hasPrefix("invalid connection string: ") == true)
        let port = #expect(throws: PostgresConfigurationError.self) { try PostgresConfiguration("postgresql://localhost:5o32/db") }
        #expect(port?.description == "invalid connection string: invalid port \"5o32\" (expected a number)")
        #expect(throws: PostgresConfigurationError.self) { try PostgresConfiguration("host=x dbnme=tprm") }
    }

    @Test func summaryNamesTheServerButNotThePassword() throws {
        let configuration = try PostgresConfiguration("postgresql://alice:s3cret@db.example:6543/tprm")
        #expect(configuration.summary == "database tprm on db.example:6543 (user alice)")
    }

    @Test func unreachableServerFailsFastWithAConnectionError() throws {
        let configuration = try PostgresConfiguration("postgresql:///tprm?host=/nonexistent/socket/dir&user=postgres")
        let started = ContinuousClock.now
        let error = #expect(throws: PostgresError.self) { try Connection(configuration: configuration) }
        #expect(error?.code == .unableToConnect)
        #expect(error?.isConnectionFailure == true)
        #expect(error?.message.contains("cannot connect to database tprm on /nonexistent/socket/dir") == true)
        #expect(ContinuousClock.now - started < configuration.connectTimeout)
    }

    @Test func aServerThatNeverAnswersTimesOutAtTheConnectTimeout() throws {
        // A TCP socket that listens but never accepts: the handshake completes in
        // the kernel and libpq then waits for a reply that never comes.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        #expect(bound)
        #expect(listen(listener, 4) == 0)
        let port = UInt16(bigEndian: address.sin_port)

        let configuration = try PostgresConfiguration("postgresql://tprm@127.0.0.1:\(port)/tprm?sslmode=disable", connectTimeout: .seconds(2))
        let started = ContinuousClock.now
        let error = #expect(throws: PostgresError.self) { try Connection(configuration: configuration) }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .unableToConnect)
        #expect(error?.message.contains("timeout expired") == true)
        #expect(elapsed >= .seconds(2), "libpq waited for the timeout")
        #expect(elapsed < .seconds(10), "and not much longer")
    }
}
