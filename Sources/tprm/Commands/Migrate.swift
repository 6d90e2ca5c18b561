import ArgumentParser
import Foundation
import Storage

/// `tprm migrate`: apply the schema migrations, or show their state.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending schema migrations (sql/NNN_name.sql), or show their state.",
        discussion: """
            Each file runs in its own transaction under an advisory lock, so several \
            processes may run this at once. Refuses to run when an applied file has \
            changed or is missing, or when two files share a number.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var migrationOptions: MigrationOptions

    @Flag(help: "List applied and pending migrations without applying anything.")
    var status = false

    @Flag(help: "With --status: print JSON.")
    var json = false

    func validate() throws {
        if json && !status { throw ValidationError("--json goes with --status") }
    }

    struct StatusLine: Encodable {
        let version: Int
        let name: String
        let file: String
        let appliedAt: Date?
    }

    func run() async throws {
        let schema = migrationOptions.schema()
        let database = try database.open(maximumConnections: 1)
        if status {
            let lines = try schema.status(database).map {
                StatusLine(version: $0.version, name: $0.name, file: $0.fileName, appliedAt: $0.appliedAt)
            }
            if json { return try Output.json(lines) }
            if lines.isEmpty {
                print("no migrations in \(schema.directory.path)")
                return
            }
            print(Output.table(
                ["VERSION", "FILE", "STATE"],
                lines.map { [String($0.version), $0.file, $0.appliedAt.map { "applied \(Output.timestamp($0))" } ?? "pending"] }))
            let pending = lines.filter { $0.appliedAt == nil }.count
            print("\n\(lines.count - pending) applied, \(pending) pending")
            return
        }
        let applied = try schema.migrate(database)
        for migration in applied { print("applied \(migration.fileName)") }
        let total = try schema.count()
        print(applied.isEmpty ? "up to date: \(total) migrations applied, none pending" : "applied \(applied.count); \(total) migrations in all")
    }
}
