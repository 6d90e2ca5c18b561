public import Foundation
public import Postgres

/// Databases for tests, on the throwaway cluster `scripts/test` starts.
///
/// The server comes from `TPRM_TEST_DATABASE_URL` (set by `scripts/test`), or
/// else from the local test cluster in `.tprm/pg-test`. Each call to
/// ``create(_:)`` makes a new, empty database, so suites run in parallel
/// without seeing each other's rows.
public enum TestDatabase {
    /// The repository's root directory.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The connection string of the test server's maintenance database.
    public static var serverURL: String {
        if let url = ProcessInfo.processInfo.environment["TPRM_TEST_DATABASE_URL"], !url.isEmpty { return url }
        let socket = repositoryRoot.appendingPathComponent(".tprm/pg-test/run").path
        return "postgresql:///tprm?host=\(socket)&user=postgres"
    }

    /// The configuration of the test server's maintenance database.
    public static func serverConfiguration() throws -> PostgresConfiguration {
        try PostgresConfiguration(serverURL, connectTimeout: .seconds(5))
    }

    /// Creates an empty database and returns how to reach it.
    ///
    /// - Parameter label: a word that shows in the database's name, for debugging.
    public static func create(_ label: String = "test") throws -> PostgresConfiguration {
        let server = try serverConfiguration()
        let name = "test_\(label.lowercased().filter { $0.isLetter || $0.isNumber })_\(UUID().uuidString.prefix(8).lowercased())"
        let connection: Connection
        do {
            connection = try Connection(configuration: server)
        } catch {
            throw TestSetupError("cannot reach the test PostgreSQL (\(error)); run the tests with scripts/test, or start the cluster with scripts/pg-local --dir .tprm/pg-test --fast start")
        }
        try connection.executeScript("CREATE DATABASE \(try connection.escapeIdentifier(name))")
        return try server.replacingDatabase(with: name)
    }
}

/// The test environment is not set up.
public struct TestSetupError: Error, CustomStringConvertible {
    /// What is missing.
    public let description: String
    /// Creates the error.
    public init(_ description: String) { self.description = description }
}

extension TestDatabase {
    /// Creates an empty database with every migration of `sql/` applied.
    public static func migrated(_ label: String = "test") throws -> PostgresConfiguration {
        let configuration = try create(label)
        let connection = try Connection(configuration: configuration)
        try Migrator(directory: repositoryRoot.appendingPathComponent("sql")).migrate(on: connection)
        return configuration
    }
}
