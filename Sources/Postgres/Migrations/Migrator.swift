import Crypto
public import Foundation
public import Logging

/// Applies the `sql/NNN_name.sql` files to a database, in order, exactly once.
///
/// Each file runs in its own transaction together with its row in
/// `schema_migrations` (number, name, SHA-256 of the text, time taken), under
/// a session advisory lock, so two processes migrating at once apply every
/// file once. It refuses to start when an applied file has changed or is
/// gone, when two files share a number, or when a new file is numbered below
/// an applied one.
///
/// Files must not contain transaction control (`BEGIN`, `COMMIT`) or
/// statements that cannot run in a transaction (`CREATE INDEX CONCURRENTLY`).
public struct Migrator: Sendable {
    /// The directory holding the `.sql` files.
    public let directory: URL
    private let logger: Logger

    /// The advisory lock key migrations hold ("tprm" and 1).
    static let lockKey: Int64 = 0x7470_726D_0000_0001

    /// Creates a migrator for a directory of `NNN_name.sql` files.
    public init(directory: URL, logger: Logger = Logger(label: "tprm.migrate")) {
        self.directory = directory
        self.logger = logger
    }

    /// The state of one migration in one database.
    public struct Status: Sendable, Hashable {
        /// The migration's file.
        public let migration: Migration
        /// When it was applied, or `nil` while pending.
        public let appliedAt: Date?
    }

    /// Reads and validates every `.sql` file, in numeric order.
    ///
    /// - Throws: ``MigrationError`` for a missing directory, a bad name or a repeated number.
    public func load() throws(MigrationError) -> [Migration] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .directoryMissing(directory.path)
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        var migrations: [Migration] = []
        for name in names {
            migrations.append(try Migration(file: directory.appendingPathComponent(name)))
        }
        let byVersion = Dictionary(grouping: migrations, by: \.version)
        if let (version, group) = byVersion.filter({ $0.value.count > 1 }).min(by: { $0.key < $1.key }) {
            throw .duplicateVersion(version, group.map(\.fileName).sorted())
        }
        return migrations.sorted { $0.version < $1.version }
    }

    /// Applies every pending migration.
    ///
    /// - Returns: the migrations this call applied, in order (none when up to date,
    ///   including when another process applied them meanwhile).
    /// - Throws: ``MigrationError`` (nothing of a refused file stays applied), or
    ///   ``PostgresError`` when the database cannot be reached.
    @discardableResult
    public func migrate(on connection: Connection) throws -> [Migration] {
        let migrations = try load()
        try connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))")
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))") }
        try connection.executeScript("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                execution_ms integer NOT NULL
            )
            """)
        let pending = try pendingMigrations(migrations, on: connection)
        var applied: [Migration] = []
        for migration in pending {
            let started = ContinuousClock.now
            try connection.transaction { connection in
                // One statement at a time, so that every error can name its line,
                // also errors the server reports without a position.
                for statement in SQLScript.statements(in: migration.sql) {
                    do throws(PostgresError) {
                        try connection.executeScript(statement.sql)
                    } catch {
                        if error.isConnectionFailure { throw error }
                        let offset = error.position.map { statement.offset + $0 - 1 } ?? statement.contentOffset
                        let (line, column) = migration.lineAndColumn(ofOffset: offset)
                        throw MigrationError.failed(file: migration.fileName, line: line, column: column, error: error)
                    }
                }
                let elapsed = ContinuousClock.now - started
                let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
                try connection.execute("""
                    INSERT INTO schema_migrations (version, name, checksum, execution_ms)
                    VALUES (\(migration.version), \(migration.name), \(try checksum(of: migration, on: connection)), \(milliseconds))
                    """)
            }
            logger.debug("applied migration", metadata: ["file": "\(migration.fileName)"])
            applied.append(migration)
        }
        return applied
    }

    /// Every migration file with when it was applied, in order.
    ///
    /// - Throws: ``MigrationError`` when files and database disagree (see ``migrate(on:)``).
    public func status(on connection: Connection) throws -> [Status] {
        let migrations = try load()
        let appliedAt = try verify(migrations, on: connection)
        return migrations.map { Status(migration: $0, appliedAt: appliedAt[$0.version]) }
    }

    /// The migrations not yet applied, after checking the applied ones against their files.
    private func pendingMigrations(_ migrations: [Migration], on connection: Connection) throws -> [Migration] {
        let applied = try verify(migrations, on: connection)
        return migrations.filter { applied[$0.version] == nil }
    }

    /// Checks applied migrations against the files; returns when each was applied.
    private func verify(_ migrations: [Migration], on connection: Connection) throws -> [Int: Date] {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        guard try exists[0].decode(Bool.self, at: 0) else { return [:] }
        let rows = try connection.query("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version")
        let files = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        var appliedAt: [Int: Date] = [:]
        var lastApplied: Migration?
        for (version, name, storedChecksum, date) in try rows.decode((Int, String, String, Date).self) {
            guard let file = files[version], file.name == name else {
                throw MigrationError.missing(version: version, name: name)
            }
            guard try checksum(of: file, on: connection) == storedChecksum else {
                throw MigrationError.changed(file.fileName)
            }
            appliedAt[version] = date
            lastApplied = file
        }
        if let lastApplied, let early = migrations.first(where: { appliedAt[$0.version] == nil && $0.version < lastApplied.version }) {
            throw MigrationError.outOfOrder(early.fileName, appliedAfter: lastApplied.fileName)
        }
        return appliedAt
    }

    /// The hex SHA-256 of a migration's text, as `schema_migrations.checksum` keeps it (the same digits as
    /// PostgreSQL's `encode(sha256(…), 'hex')`, which wrote the first ones).
    private func checksum(of migration: Migration, on connection: Connection) throws -> String {
        SHA256.hash(data: Data(migration.sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
