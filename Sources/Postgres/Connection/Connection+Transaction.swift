extension Connection {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// Called inside another transaction, it makes a savepoint instead, so an
    /// inner failure rolls back the inner work and leaves the outer intact.
    /// - Throws: what `body` throws (after the rollback), or the ``PostgresError``
    ///   of `BEGIN`/`COMMIT` (a commit can fail, for example on a deferred constraint).
    @discardableResult
    public func transaction<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        let depth = transactionDepth
        try executeScript(depth == 0 ? "BEGIN" : "SAVEPOINT tprm_savepoint_\(depth)")
        transactionDepth = depth + 1
        let result: Result
        do {
            result = try body(self)
        } catch {
            transactionDepth = depth
            // If the rollback fails too, the connection is broken and its pool drops it;
            // the body's error is the one that explains what happened.
            try? executeScript(depth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT tprm_savepoint_\(depth); RELEASE SAVEPOINT tprm_savepoint_\(depth)")
            throw error
        }
        transactionDepth = depth
        do {
            try executeScript(depth == 0 ? "COMMIT" : "RELEASE SAVEPOINT tprm_savepoint_\(depth)")
        } catch {
            if depth == 0 { try? executeScript("ROLLBACK") }
            throw error
        }
        return result
    }
}
