public import Foundation
public import Logging

/// A bounded pool of connections, shared by threads and tasks.
///
/// Connections are lent to a closure and returned when it ends; they never
/// escape it. A connection that broke, or that the borrower left inside a
/// transaction it could not roll back, is closed instead of returned, and a
/// new one is opened on demand, so the pool outlives a server restart.
/// When every connection is busy, a borrower waits up to `acquireTimeout` and
/// then gets ``PostgresPoolError/timedOut(after:)``.
///
/// `@unchecked Sendable`: every mutable field is read and written only while
/// `condition` is locked, and a `Connection` is handed to exactly one borrower
/// at a time (it leaves `idle` before it is lent and returns after the closure).
public final class PostgresPool: @unchecked Sendable {
    /// Connection settings for every connection the pool opens.
    public let configuration: PostgresConfiguration
    /// The most connections open at once.
    public let maximumConnections: Int
    /// How long a borrower waits for a free connection.
    public let acquireTimeout: Duration
    private let logger: Logger
    /// Where `async` callers' blocking work runs.
    private let queue: DispatchQueue

    private let condition = NSCondition()
    private var idle: [Connection] = []
    private var open = 0
    private var waiting = 0
    private var isClosed = false

    /// Creates a pool; it opens connections lazily.
    ///
    /// - Parameters:
    ///   - configuration: where to connect.
    ///   - maximumConnections: the bound on open connections.
    ///   - acquireTimeout: how long a borrower waits when all are busy.
    ///   - logger: for debug messages about opening and dropping connections.
    public init(
        configuration: PostgresConfiguration,
        maximumConnections: Int = 8,
        acquireTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "tprm.postgres.pool")
    ) {
        precondition(maximumConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.maximumConnections = maximumConnections
        self.acquireTimeout = acquireTimeout
        self.logger = logger
        self.queue = DispatchQueue(label: "tprm.postgres.pool", attributes: .concurrent)
    }

    /// Counts for monitoring.
    public struct Statistics: Sendable, Hashable {
        /// Connections open, idle or lent.
        public var open: Int
        /// Connections lent to a borrower now.
        public var inUse: Int
        /// Borrowers waiting for a connection.
        public var waiting: Int
    }

    /// The pool's counts at this moment.
    public var statistics: Statistics {
        condition.lock()
        defer { condition.unlock() }
        return Statistics(open: open, inUse: open - idle.count, waiting: waiting)
    }

    /// Lends a connection to `body`, blocking the calling thread while it waits and works.
    ///
    /// For Dispatch queues, threads and the CLI; `async` code uses the `async` overload.
    /// - Throws: ``PostgresPoolError`` when no connection could be had in time,
    ///   ``PostgresError`` when one could not be opened, or what `body` throws.
    @discardableResult
    public func withConnection<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        let connection = try acquire()
        defer { release(connection) }
        return try body(connection)
    }

    /// Lends a connection to `body` on the pool's Dispatch queue, suspending the task meanwhile.
    ///
    /// libpq blocks, so the work never runs on the Swift concurrency pool or an event loop. The call honours its
    /// task's cancellation: cancelled before a connection is lent, `body` never runs; cancelled while it runs, the
    /// statement in progress is cancelled on the server. Either way the call throws `CancellationError`, and the
    /// connection goes back to the pool ready for the next borrower.
    public func withConnection<Result: Sendable>(_ body: @escaping @Sendable (Connection) throws -> Result) async throws -> Result {
        try await cancellable { cancellation in try self.withConnection { try Self.run(body, on: $0, cancellation) } }
    }

    /// Runs blocking pool work on the pool's queue, for `async` callers, with `cancellation` shared with the task.
    private func cancellable<Result: Sendable>(_ work: @escaping @Sendable (QueryCancellation) throws -> Result) async throws -> Result {
        let cancellation = QueryCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    guard !cancellation.isCancelled else { return continuation.resume(throwing: CancellationError()) }
                    continuation.resume(with: Swift.Result { try work(cancellation) })
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// `body` on a lent connection, cancellable from the task; a statement the cancel stopped is a `CancellationError`.
    private static func run<Result>(_ body: (Connection) throws -> Result, on connection: Connection, _ cancellation: QueryCancellation) throws -> Result {
        guard cancellation.start(on: connection) else { throw CancellationError() }
        defer { cancellation.finish() }
        do {
            return try body(connection)
        } catch let error as PostgresError where error.code == .queryCanceled && cancellation.isCancelled {
            throw CancellationError()
        }
    }

    /// How many times a transaction is tried when PostgreSQL aborts it for a deadlock or a
    /// serialization failure, errors that mean "try again", not "this is wrong".
    public static let transactionAttempts = 3

    /// Runs `body` in a transaction on a pooled connection; see ``Connection/transaction(_:)``.
    ///
    /// A transaction PostgreSQL aborts for a deadlock (40P01) or a serialization failure (40001) is
    /// rolled back and run again after a short random pause, up to ``transactionAttempts`` times: `body` must do nothing but
    /// database work (or work it is harmless to repeat).
    @discardableResult
    public func transaction<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        var attempt = 1
        while true {
            do {
                return try withConnection { try $0.transaction(body) }
            } catch let error as PostgresError where attempt < Self.transactionAttempts
                && (error.code == .deadlockDetected || error.code == .serializationFailure) {
                logger.info("transaction aborted by the server; trying again", metadata: ["sqlstate": "\(error.code)", "attempt": "\(attempt)"])
                // A short random pause first: retried at once, the victim often takes its first row again before the
                // survivor gets it, and the two deadlock a second time.
                Thread.sleep(forTimeInterval: Double.random(in: 0.002...0.02) * Double(attempt))
                attempt += 1
            }
        }
    }

    /// Runs `body` in a transaction on a pooled connection, from `async` code; retried as the blocking one is.
    ///
    /// Cancellation is honoured as by the `async` ``withConnection(_:)``; a cancelled transaction is rolled back.
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (Connection) throws -> Result) async throws -> Result {
        try await cancellable { cancellation in
            try self.transaction { connection in try Self.run(body, on: connection, cancellation) }
        }
    }

    /// Closes idle connections and refuses new borrowers; lent ones close when returned.
    public func close() {
        condition.lock()
        isClosed = true
        let closing = idle
        idle.removeAll()
        open -= closing.count
        condition.broadcast()
        condition.unlock()
        _ = closing
    }

    private func acquire() throws -> Connection {
        let deadline = Date().addingTimeInterval(acquireTimeout.timeInterval)
        condition.lock()
        while true {
            if isClosed {
                condition.unlock()
                throw PostgresPoolError.closed
            }
            while let connection = idle.popLast() {
                // Checking the socket is a non-blocking syscall; it catches connections
                // the server closed while they sat idle (a restart, an idle timeout).
                if connection.serverHasClosed() {
                    open -= 1
                    logger.debug("dropping a connection the server closed")
                    continue
                }
                condition.unlock()
                return connection
            }
            if open < maximumConnections {
                open += 1
                condition.unlock()
                do {
                    return try Connection(configuration: configuration, logger: logger)
                } catch {
                    condition.lock()
                    open -= 1
                    condition.signal()
                    condition.unlock()
                    throw error
                }
            }
            waiting += 1
            let signalled = condition.wait(until: deadline)
            waiting -= 1
            if !signalled, Date() >= deadline {
                condition.unlock()
                throw PostgresPoolError.timedOut(after: acquireTimeout)
            }
        }
    }

    private func release(_ connection: Connection) {
        let reusable = connection.resetForReuse()
        condition.lock()
        if reusable && !isClosed {
            idle.append(connection)
        } else {
            open -= 1
            if !reusable { logger.debug("dropping a broken connection") }
        }
        condition.signal()
        condition.unlock()
    }
}

/// Why the pool could not lend a connection.
public enum PostgresPoolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every connection stayed busy for the whole acquire timeout.
    case timedOut(after: Duration)
    /// The pool was closed.
    case closed

    /// The reason, for a person.
    public var description: String {
        switch self {
        case .timedOut(let timeout):
            "no database connection became free within \(timeout.timeInterval) s (all are busy)"
        case .closed:
            "the connection pool is closed"
        }
    }
}

extension Duration {
    /// The duration in seconds, as Foundation counts time.
    public var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
