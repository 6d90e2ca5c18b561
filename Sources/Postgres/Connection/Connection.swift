import CLibPQ
#if canImport(Glibc)
import Glibc
#endif
public import Logging

/// One open connection to PostgreSQL, through libpq.
///
/// A connection is used by one thread at a time and is deliberately not
/// `Sendable`: share a ``PostgresPool`` instead, which lends connections to
/// closures. Every statement is sent with its parameters bound
/// (`PQexecParams`); nothing from a caller is spliced into SQL text.
///
/// libpq blocks the calling thread; call it from a Dispatch queue or a plain
/// thread, never from the Swift concurrency pool or an event loop (the pool's
/// `async` API does the hop for you).
public final class Connection {
    let handle: OpaquePointer
    /// What this connection was opened with.
    public let configuration: PostgresConfiguration
    let logger: Logger
    let noticeSink: NoticeSink
    /// How deep in `transaction` calls we are: 0 outside, 1 in a transaction, more in savepoints.
    var transactionDepth = 0
    /// Statements prepared on this connection, by text and parameter types.
    var preparedStatements = PreparedStatementCache()
    /// Cursors declared on this connection, to name the next one.
    var cursorCount = 0

    /// Opens a connection, waiting at most the configured connect timeout.
    ///
    /// Sessions run in UTC with ISO dates, whatever the server's defaults.
    /// - Throws: ``PostgresError`` with code `08001` naming the server and libpq's reason.
    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "tprm.postgres")) throws(PostgresError) {
        let parameters = configuration.connectParameters
        let keywords = parameters.map { strdup($0.0) }
        let values = parameters.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordArray = keywords.map { UnsafePointer($0) } + [nil]
        let valueArray = values.map { UnsafePointer($0) } + [nil]
        guard let handle = PQconnectdbParams(keywordArray, valueArray, 1) else {
            throw PostgresError(code: .unableToConnect, message: "cannot connect to \(configuration.summary): out of memory")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let reason = PostgresError.connectionMessage(handle)
            PQfinish(handle)
            throw PostgresError(code: .unableToConnect, message: "cannot connect to \(configuration.summary): \(reason)")
        }
        self.handle = handle
        self.configuration = configuration
        self.logger = logger
        self.noticeSink = NoticeSink(logger: logger)
        PQsetNoticeReceiver(handle, { context, result in
            guard let context, let result else { return }
            Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue().receive(result)
        }, Unmanaged.passUnretained(noticeSink).toOpaque())

        var setup = "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET IntervalStyle TO 'iso_8601'; SET extra_float_digits TO 3"
        if let timeout = configuration.statementTimeout {
            setup += "; SET statement_timeout TO \(timeout.postgresMilliseconds)"
        }
        try executeScript(setup)
        logger.trace("connected", metadata: ["server": "\(configuration.summary)"])
    }

    deinit {
        PQfinish(handle)
    }

    /// The server's version as `major * 10000 + minor`, for example 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// The server's version as it reports it, such as `15.18 (Debian 15.18-0+deb12u1)`; no round trip.
    public var serverVersionText: String {
        PQparameterStatus(handle, "server_version").map { String(cString: $0) } ?? String(serverVersion)
    }

    /// Whether the connection is usable as far as libpq knows.
    public var isOpen: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Whether a transaction is open (or failed and awaits its rollback).
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// The process ID of the server backend, as `pg_backend_pid()` reports it.
    public var backendPID: Int32 { PQbackendPID(handle) }

    // MARK: Statements

    /// Runs a statement and returns its rows.
    ///
    /// - Parameters:
    ///   - query: the statement; interpolated values are bound as parameters.
    ///   - timeout: a statement timeout for this call only, instead of the connection's.
    /// - Throws: ``PostgresError`` with the server's SQLSTATE and fields.
    @discardableResult
    public func query(_ query: PostgresQuery, timeout: Duration? = nil) throws(PostgresError) -> PostgresRows {
        guard let timeout else { return try run(query) }
        try setStatementTimeout(timeout)
        defer {
            // Fails only on a broken connection (dropped by its pool) or inside an
            // aborted transaction, whose rollback restores the setting anyway.
            try? setStatementTimeout(configuration.statementTimeout)
        }
        return try run(query)
    }

    /// Runs a statement and returns how many rows it inserted, updated or deleted.
    ///
    /// - Throws: ``PostgresError`` with the server's SQLSTATE and fields.
    @discardableResult
    public func execute(_ query: PostgresQuery, timeout: Duration? = nil) throws(PostgresError) -> Int {
        try self.query(query, timeout: timeout).affectedRows
    }

    /// Runs SQL text with no parameters through the simple query protocol,
    /// which allows several statements separated by semicolons.
    ///
    /// Only for trusted text: migration files and fixed commands.
    /// - Throws: ``PostgresError`` for the first statement that fails.
    public func executeScript(_ sql: String) throws(PostgresError) {
        logger.trace("script", metadata: ["bytes": "\(sql.utf8.count)"])
        guard let result = PQexec(handle, sql) else { throw .connection(handle) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_EMPTY_QUERY:
            return
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            drainCopy()
            throw PostgresError(code: .featureNotSupported, message: "COPY is not allowed in a script; use copyFrom")
        default:
            throw error(from: result)
        }
    }

    /// Sends `NOTIFY channel, payload` (through `pg_notify`, so both are bound).
    ///
    /// Inside a transaction the notification is delivered when it commits.
    public func notify(_ channel: String, payload: String = "") throws(PostgresError) {
        try execute("SELECT pg_notify(\(channel), \(payload))")
    }

    /// Quotes an identifier (a table or channel name) for SQL text, with libpq's rules.
    public func escapeIdentifier(_ identifier: String) throws(PostgresError) -> String {
        guard let escaped = PQescapeIdentifier(handle, identifier, identifier.utf8.count) else {
            throw .connection(handle)
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    func run(_ query: PostgresQuery) throws(PostgresError) -> PostgresRows {
        logger.trace("query", metadata: ["sql": "\(query.sql)", "parameters": "\(query.bindings.count)"])
        guard configuration.preparedStatementCacheSize > 0 else {
            return try rows(from: query.bindings.withUnsafeParameters { count, types, values, lengths, formats in
                PQexecParams(handle, query.sql, count, types, values, lengths, formats, 0)
            })
        }
        do {
            return try runPrepared(query)
        } catch where error.code == .invalidSQLStatementName || error.code == .featureNotSupported {
            // The server lost the statement (DISCARD ALL) or its result type changed
            // (a column was added to a table it reads): prepare afresh. Inside a
            // transaction the failure has aborted it, so the caller must see it.
            preparedStatements.removeAll()
            if isInTransaction { throw error }
            return try runPrepared(query)
        }
    }

    private func runPrepared(_ query: PostgresQuery) throws(PostgresError) -> PostgresRows {
        let key = PreparedStatementCache.Key(sql: query.sql, types: query.bindings.types)
        let name: String
        if let cached = preparedStatements.name(for: key) {
            name = cached
        } else {
            if preparedStatements.count >= configuration.preparedStatementCacheSize {
                // Full: start over rather than track recency on every query.
                try executeScript("DEALLOCATE ALL")
                preparedStatements.removeAll()
            }
            name = preparedStatements.nextName()
            let prepared = query.bindings.types.withUnsafeBufferPointer { types in
                PQprepare(handle, name, query.sql, Int32(types.count), types.baseAddress)
            }
            _ = try rows(from: prepared)
            preparedStatements.insert(name, for: key)
        }
        return try rows(from: query.bindings.withUnsafeParameters { count, _, values, lengths, formats in
            PQexecPrepared(handle, name, count, values, lengths, formats, 0)
        })
    }

    /// Copies a statement's result, or throws its error; clears the result either way.
    private func rows(from result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else { throw .connection(handle) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return Self.copyRows(result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            drainCopy()
            throw PostgresError(code: .featureNotSupported, message: "COPY through query(); use copyFrom")
        default:
            throw error(from: result)
        }
    }

    func error(from result: OpaquePointer) -> PostgresError {
        var error = PostgresError(result: result, connection: handle)
        if PQresultErrorField(result, CLibPQ_DIAG_SQLSTATE) == nil, PQstatus(handle) == CONNECTION_OK {
            // A client-side failure with the connection intact (libpq found a
            // problem before sending): not a connection failure.
            error.code = "XX000"
        }
        return error
    }

    /// Sets the session's statement timeout; `nil` means none.
    private func setStatementTimeout(_ timeout: Duration?) throws(PostgresError) {
        let milliseconds = timeout?.postgresMilliseconds ?? 0
        _ = try run("SELECT set_config('statement_timeout', \(String(milliseconds)), false)")
    }

    /// Ends a COPY the server started unexpectedly, so the connection stays usable.
    private func drainCopy() {
        _ = PQputCopyEnd(handle, "COPY not expected here")
        while let result = PQgetResult(handle) { PQclear(result) }
    }

    static func copyRows(_ result: OpaquePointer) -> PostgresRows {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [PostgresRows.Column] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            columns.append(PostgresRows.Column(
                name: String(cString: PQfname(result, Int32(column))),
                type: PostgresDataType(rawValue: PQftype(result, Int32(column)))))
        }
        // Two passes: where each value goes, then one allocation for all of them and the copies.
        var byteCount = 0
        var offsets: [Int] = []
        var lengths: [Int32] = []
        offsets.reserveCapacity(rowCount * columnCount)
        lengths.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    offsets.append(-1)
                    lengths.append(0)
                    continue
                }
                let length = PQgetlength(result, row, column)
                offsets.append(byteCount)
                lengths.append(length)
                byteCount += Int(length)
            }
        }
        let storage = PostgresRows.Storage(columns: columns, byteCount: byteCount, offsets: offsets, lengths: lengths) { bytes in
            var cell = 0
            for row in 0..<Int32(rowCount) {
                for column in 0..<Int32(columnCount) {
                    defer { cell += 1 }
                    let length = Int(lengths[cell])
                    guard offsets[cell] >= 0, length > 0, let value = PQgetvalue(result, row, column) else { continue }
                    (bytes.baseAddress! + offsets[cell]).copyMemory(from: value, byteCount: length)
                }
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? rowCount
        return PostgresRows(storage: storage, affectedRows: affected)
    }
}

@available(*, unavailable)
extension Connection: Sendable {}

/// Receives the server's notices and warnings, which libpq would print to stderr.
///
/// libpq also routes here a FATAL error the server sends to an idle connection
/// before closing it (shutdown, `pg_terminate_backend`), so the sink remembers one.
final class NoticeSink {
    let logger: Logger
    /// Whether the server announced that it is closing this connection.
    private(set) var receivedFatal = false

    init(logger: Logger) { self.logger = logger }

    func receive(_ result: OpaquePointer) {
        let message = String(cString: PQresultErrorMessage(result)).trimmingWhitespace()
        if let severity = PQresultErrorField(result, CLibPQ_DIAG_SEVERITY) {
            let level = String(cString: severity)
            if level == "FATAL" || level == "PANIC" { receivedFatal = true }
        }
        logger.debug("server notice", metadata: ["notice": "\(message)"])
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so that a short timeout never becomes 0 (none).
    var postgresMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return max(1, milliseconds + (attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0))
    }
}
