public import Foundation
import Postgres

/// The database's schema as the migration files in a directory describe it (`NNN_name.sql`), applied in order
/// and checked against what the database has applied.
public struct Schema: Sendable {
    let migrator: Migrator

    /// The files of `directory`.
    public init(migrations directory: URL) {
        migrator = Migrator(directory: directory)
    }

    /// The directory of the files.
    public var directory: URL { migrator.directory }

    /// One migration file, and when it was applied.
    public struct Step: Sendable, Hashable {
        public let version: Int
        public let name: String
        public let fileName: String
        /// Nil while pending.
        public let appliedAt: Date?
    }

    /// How many migration files there are.
    public func count() throws(SchemaError) -> Int {
        do { return try migrator.load().count } catch { throw SchemaError(error) }
    }

    /// Every file with when it was applied, in order.
    ///
    /// - Throws: ``SchemaError`` when files and database disagree (a file changed, removed or out of order);
    ///   ``StorageError`` when the database cannot be reached.
    public func status(_ database: Database) throws -> [Step] {
        try Self.translating {
            try database.withConnection { connection in
                try migrator.status(on: connection).map {
                    Step(version: $0.migration.version, name: $0.migration.name, fileName: $0.migration.fileName, appliedAt: $0.appliedAt)
                }
            }
        }
    }

    /// How many files are not applied yet.
    public func pending(_ database: Database) throws -> Int {
        try status(database).filter { $0.appliedAt == nil }.count
    }

    /// Applies every pending file, each in its own transaction, one process at a time (an advisory lock); returns
    /// those this call applied.
    ///
    /// - Throws: ``SchemaError`` naming the file, line and column of a statement the server refused (nothing of that
    ///   file stays applied); ``StorageError`` when the database cannot be reached.
    @discardableResult
    public func migrate(_ database: Database) throws -> [Step] {
        try Self.translating {
            try database.withConnection { connection in
                try migrator.migrate(on: connection).map { Step(version: $0.version, name: $0.name, fileName: $0.fileName, appliedAt: Date()) }
            }
        }
    }

    private static func translating<Result>(_ body: () throws -> Result) throws -> Result {
        do { return try body() } catch let error as MigrationError { throw SchemaError(error) }
    }
}

/// Migration files and the database disagree, or a file cannot be applied.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the file.
    public let description: String
    /// The directory of migrations does not exist (a setting is wrong, rather than a file).
    public let directoryMissing: Bool

    init(_ error: MigrationError) {
        description = error.description
        if case .directoryMissing = error { directoryMissing = true } else { directoryMissing = false }
    }
}
