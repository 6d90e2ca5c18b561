import CLibPQ

extension Connection {
    /// Runs a query through a server-side cursor and hands its rows to `body` a batch at a time, so a result of any
    /// size is read in bounded memory.
    ///
    /// ```swift
    /// try connection.forEachBatch("SELECT slug, name FROM vendors ORDER BY slug", batchSize: 1000) { rows in
    ///     for (slug, name) in try rows.decode((String, String).self) { … }
    /// }
    /// ```
    /// A cursor lives in a transaction: called outside one, this opens one for the reading. The planner is told
    /// the whole result will be read (`cursor_tuple_fraction = 1`), so the plan is the one the query gets on its own.
    /// When `body` throws, the cursor is closed (or the transaction rolled back) and the error rethrown.
    /// - Returns: how many rows were read.
    /// - Throws: ``PostgresError`` for the query, or what `body` throws.
    @discardableResult
    public func forEachBatch(_ query: PostgresQuery, batchSize: Int = 1000, _ body: (PostgresRows) throws -> Void) throws -> Int {
        precondition(batchSize > 0, "a batch holds at least one row")
        guard isInTransaction else {
            return try transaction { try $0.forEachBatch(query, batchSize: batchSize, body) }
        }
        cursorCount += 1
        let name = "tprm_cursor_\(cursorCount)"
        try executeScript("SET LOCAL cursor_tuple_fraction = 1")
        // Unnamed and unprepared: a cursor's statement is run once.
        let declared = query.bindings.withUnsafeParameters { count, types, values, lengths, formats in
            PQexecParams(handle, "DECLARE \(name) NO SCROLL CURSOR FOR " + query.sql, count, types, values, lengths, formats, 0)
        }
        try result(declared)
        var total = 0
        while true {
            let batch = try rows(fetching: "FETCH FORWARD \(batchSize) FROM \(name)")
            total += batch.count
            if !batch.isEmpty {
                do {
                    try body(batch)
                } catch {
                    try? executeScript("CLOSE \(name)")
                    throw error
                }
            }
            if batch.count < batchSize { break }
        }
        try executeScript("CLOSE \(name)")
        return total
    }

    private func result(_ result: OpaquePointer?) throws(PostgresError) {
        guard let result else { throw .connection(handle) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK: return
        default: throw error(from: result)
        }
    }

    private func rows(fetching sql: String) throws(PostgresError) -> PostgresRows {
        guard let result = PQexec(handle, sql) else { throw .connection(handle) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK else { throw error(from: result) }
        return Self.copyRows(result)
    }
}
