import ArgumentParser
import Foundation
import Storage

/// Where the database is: `--database-url`, else `DATABASE_URL`, else the local cluster.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: ArgumentHelp(
        "PostgreSQL URL or conninfo (default: $DATABASE_URL, else the cluster of scripts/pg-local).",
        valueName: "url"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("Seconds to wait when connecting.", valueName: "seconds"))
    var connectTimeout: Int = 5

    func validate() throws {
        guard connectTimeout > 0 else { throw ValidationError("--connect-timeout must be a positive number of seconds") }
    }

    /// The validated address.
    ///
    /// - Throws: ``CLIError`` (exit 2) when nothing is configured or the URL is malformed.
    func address(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DatabaseAddress {
        let source: String
        let url: String
        if let databaseURL {
            (source, url) = ("--database-url", databaseURL)
        } else if let fromEnvironment = environment["DATABASE_URL"], !fromEnvironment.isEmpty {
            (source, url) = ("DATABASE_URL", fromEnvironment)
        } else if let local = Self.localClusterURL() {
            (source, url) = ("the local cluster", local)
        } else {
            throw CLIError.usage("no database configured: set DATABASE_URL, pass --database-url, or start the local cluster with scripts/pg-local start")
        }
        guard !url.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CLIError.usage("\(source) is empty")
        }
        do {
            return try DatabaseAddress(url, connectTimeout: .seconds(connectTimeout), applicationName: "tprm")
        } catch {
            guard case .invalid(_, let reason) = error else { throw error }
            throw CLIError.usage("\(source) is not a valid PostgreSQL URL: \(reason)")
        }
    }

    /// The URL of `scripts/pg-local`'s cluster, found from the current directory upwards.
    static func localClusterURL() -> String? {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while true {
            let socketDirectory = directory.appendingPathComponent(".tprm/pg/run")
            if FileManager.default.fileExists(atPath: socketDirectory.path) {
                let host = socketDirectory.path.replacingOccurrences(of: " ", with: "%20")
                return "postgresql:///tprm?host=\(host)&user=postgres"
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return nil }
            directory = parent
        }
    }

    /// The database at ``address(environment:)``, with a pool of at most `maximumConnections`.
    func open(maximumConnections: Int = 2, acquireTimeout: Duration = .seconds(10)) throws -> Database {
        Database(try address(), maximumConnections: maximumConnections, acquireTimeout: acquireTimeout)
    }
}

/// Where the migrations are: `--migrations`, else `TPRM_MIGRATIONS`, else `./sql`.
struct MigrationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Directory of NNN_name.sql files (default: $TPRM_MIGRATIONS, else ./sql).", valueName: "dir"))
    var migrations: String?

    func schema(environment: [String: String] = ProcessInfo.processInfo.environment) -> Schema {
        let path = migrations ?? environment["TPRM_MIGRATIONS"].flatMap { $0.isEmpty ? nil : $0 } ?? "sql"
        return Schema(migrations: URL(fileURLWithPath: path))
    }
}
