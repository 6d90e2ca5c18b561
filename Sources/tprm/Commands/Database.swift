import ArgumentParser
import Foundation
import Storage

/// `tprm db …`: database maintenance.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Database maintenance.",
        subcommands: [Check.self]
    )

    /// `tprm db check`: connect and report the server and migration state.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect, print the server version and migration state; exit 1 if migrations are pending."
        )

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var migrationOptions: MigrationOptions

        @Flag(help: "Print JSON.")
        var json = false

        struct Report: Encodable {
            let database: String
            let serverVersion: String
            let appliedMigrations: Int
            let pendingMigrations: [String]
            let latestMigration: String?
        }

        func run() async throws {
            let database = try database.open(maximumConnections: 1)
            let version = try database.serverVersion()
            let status = try migrationOptions.schema().status(database)
            let applied = status.filter { $0.appliedAt != nil }
            let report = Report(
                database: database.address.description,
                serverVersion: version,
                appliedMigrations: applied.count,
                pendingMigrations: status.filter { $0.appliedAt == nil }.map(\.fileName),
                latestMigration: applied.last?.fileName)
            if json {
                try Output.json(report)
            } else {
                print("database:   \(report.database)")
                print("server:     PostgreSQL \(report.serverVersion)")
                print("migrations: \(report.appliedMigrations) applied, \(report.pendingMigrations.count) pending" + (report.latestMigration.map { " (latest \($0))" } ?? ""))
            }
            if !report.pendingMigrations.isEmpty {
                throw CLIError.failure("\(report.pendingMigrations.count) migrations pending (\(report.pendingMigrations.joined(separator: ", "))): run tprm migrate")
            }
        }
    }
}
