public import Foundation
public import Logging
package import Postgres

/// Where the database is: a PostgreSQL URL or conninfo string, checked when it is made.
public struct DatabaseAddress: Sendable, CustomStringConvertible {
    let configuration: PostgresConfiguration

    /// Parses `url`; `connectTimeout` bounds each connection attempt, `applicationName` shows in `pg_stat_activity`.
    ///
    /// - Throws: ``StorageError/invalid(field:reason:)`` for field `url`, with libpq's reason.
    public init(_ url: String, connectTimeout: Duration = .seconds(5), applicationName: String = "tprm") throws(StorageError) {
        do {
            configuration = try PostgresConfiguration(url, connectTimeout: connectTimeout, applicationName: applicationName)
        } catch {
            throw StorageError.invalid(field: "url", reason: error.reason)
        }
    }

    package init(configuration: PostgresConfiguration) {
        self.configuration = configuration
    }

    /// Which database on which server, as user: no password.
    public var description: String { configuration.summary }
}

/// The one door to the database: the pool of connections every store borrows from.
///
/// The layers above Storage hold a `Database` and make stores on it (`VendorStore(database:tiering:)`,
/// `ScoringStore(database:)` …); none of them sees a connection or SQL. Whatever PostgreSQL or the pool throws
/// leaves Storage as a ``StorageError``: a constraint as the field it guards, a value the server cannot take as
/// ``StorageError/unacceptable(_:)``, an outage as ``StorageError/unavailable(_:)``, a full pool as
/// ``StorageError/busy(_:)``.
public struct Database: Sendable {
    /// The pool itself: for the package's tests and tools that talk to PostgreSQL below Storage's error mapping.
    package let pool: PostgresPool
    /// Where it connects.
    public let address: DatabaseAddress

    /// A pool of at most `maximumConnections`; a borrower waits at most `acquireTimeout` when all are busy.
    public init(_ address: DatabaseAddress, maximumConnections: Int = 8, acquireTimeout: Duration = .seconds(10),
                logger: Logger = Logger(label: "tprm.postgres.pool")) {
        self.address = address
        self.pool = PostgresPool(configuration: address.configuration, maximumConnections: maximumConnections, acquireTimeout: acquireTimeout, logger: logger)
    }

    /// A pool for `configuration`: for the package's tests and tools, which speak to PostgreSQL directly as well.
    package init(configuration: PostgresConfiguration, maximumConnections: Int = 8, acquireTimeout: Duration = .seconds(10)) {
        self.init(DatabaseAddress(configuration: configuration), maximumConnections: maximumConnections, acquireTimeout: acquireTimeout)
    }

    /// Connections of the pool, for monitoring.
    public struct Statistics: Sendable, Hashable {
        /// Open connections, idle or in use.
        public var open: Int
        /// Connections lent out now.
        public var inUse: Int
        /// Borrowers waiting for one.
        public var waiting: Int
    }

    /// The pool's counts now.
    public var statistics: Statistics {
        let statistics = pool.statistics
        return Statistics(open: statistics.open, inUse: statistics.inUse, waiting: statistics.waiting)
    }

    /// Closes every idle connection and refuses new borrowers.
    public func close() { pool.close() }

    /// The server's version, as PostgreSQL spells it (`16.4`).
    public func serverVersion() throws -> String {
        try withConnection { $0.serverVersionText }
    }

    /// Runs `body` on a borrowed connection. What PostgreSQL or the pool throws leaves as ``StorageError``
    /// (``StorageError/translating(_:subject:)``), constraint violations naming `subject`; other errors unchanged.
    @discardableResult
    package func withConnection<Result>(subject: String? = nil, _ body: (Connection) throws -> Result) throws -> Result {
        do { return try pool.withConnection(body) } catch { throw StorageError.translating(error, subject: subject) }
    }

    /// Runs `body` in one transaction on a borrowed connection, committing when it returns.
    @discardableResult
    package func transaction<Result>(subject: String? = nil, _ body: (Connection) throws -> Result) throws -> Result {
        do { return try pool.transaction(body) } catch { throw StorageError.translating(error, subject: subject) }
    }

    /// ``withConnection(subject:_:)`` off the caller's thread, cancelling the query when the task is cancelled.
    @discardableResult
    package func withConnection<Result: Sendable>(
        subject: String? = nil, _ body: @escaping @Sendable (Connection) throws -> Result
    ) async throws -> Result {
        do { return try await pool.withConnection(body) } catch { throw StorageError.translating(error, subject: subject) }
    }

    /// ``transaction(subject:_:)`` off the caller's thread, cancelling the query when the task is cancelled.
    @discardableResult
    package func transaction<Result: Sendable>(
        subject: String? = nil, _ body: @escaping @Sendable (Connection) throws -> Result
    ) async throws -> Result {
        do { return try await pool.transaction(body) } catch { throw StorageError.translating(error, subject: subject) }
    }
}
