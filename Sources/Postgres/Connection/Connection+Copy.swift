import CLibPQ

extension Connection {
    /// Streams rows into a table with `COPY … FROM STDIN` in text format.
    ///
    /// ```swift
    /// let count = try connection.copyFrom("COPY vendors (name, tier) FROM STDIN") { copy in
    ///     for vendor in vendors { try copy.row(vendor.name, vendor.tier) }
    /// }
    /// ```
    /// If `body` throws, the COPY is aborted, nothing is written, and the error is rethrown.
    /// - Returns: the number of rows the server stored.
    /// - Throws: ``PostgresError`` when the server refuses a row (its message names
    ///   the line and column), or what `body` throws.
    @discardableResult
    public func copyFrom(_ statement: PostgresQuery, _ body: (inout CopyWriter) throws -> Void) throws -> Int {
        let start = statement.bindings.withUnsafeParameters { count, types, values, lengths, formats in
            PQexecParams(handle, statement.sql, count, types, values, lengths, formats, 0)
        }
        guard let start else { throw PostgresError.connection(handle) }
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            defer { PQclear(start) }
            if status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE { throw error(from: start) }
            throw PostgresError(code: .featureNotSupported, message: "copyFrom needs a COPY … FROM STDIN statement")
        }
        PQclear(start)

        var writer = CopyWriter(connection: self)
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            _ = PQputCopyEnd(handle, "aborted by the client")
            while let result = PQgetResult(handle) { PQclear(result) }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw PostgresError.connection(handle) }
        var failure: PostgresError?
        var count = 0
        while let result = PQgetResult(handle) {
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_SINGLE_TUPLE, PGRES_TUPLES_OK:
                count = Int(String(cString: PQcmdTuples(result))) ?? 0
            default:
                failure = failure ?? error(from: result)
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return count
    }
}

/// Formats rows for `COPY … FROM STDIN` and sends them in large chunks.
public struct CopyWriter: ~Copyable {
    private let connection: Connection
    private var buffer: [UInt8] = []
    private static let chunkSize = 32 * 1024

    init(connection: Connection) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    /// Appends one row; the values fill the statement's columns in order.
    ///
    /// - Throws: ``PostgresError`` when sending a full chunk fails.
    public mutating func row<each Value: PostgresEncodable>(_ values: repeat each Value) throws(PostgresError) {
        var first = true
        for value in repeat each values {
            if !first { buffer.append(UInt8(ascii: "\t")) }
            first = false
            value.encodeCopyField(into: &buffer)
        }
        try endRow()
    }

    /// Appends one row from values whose number and types are known only at run time.
    ///
    /// - Throws: ``PostgresError`` when sending a full chunk fails.
    public mutating func row(fields: [any PostgresEncodable]) throws(PostgresError) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            field.encodeCopyField(into: &buffer)
        }
        try endRow()
    }

    private mutating func endRow() throws(PostgresError) {
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Sends what is buffered.
    mutating func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection.handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else { throw PostgresError.connection(connection.handle) }
        buffer.removeAll(keepingCapacity: true)
    }
}
