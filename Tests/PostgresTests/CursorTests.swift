import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct CursorTests {
    struct Stop: Error {}

    @Test func readsEveryRowInOrderABatchAtATime() throws {
        let connection = try Connection(configuration: try TestDatabase.create("cursor"))
        var seen: [Int] = []
        var batches: [Int] = []
        let total = try connection.forEachBatch("SELECT n, 'row ' || n AS label FROM generate_series(1, \(10_007)) AS n WHERE n % \(1) = 0 ORDER BY n DESC", batchSize: 1000) { rows in
            batches.append(rows.count)
            for (n, label) in try rows.decode((Int, String).self) {
                #expect(label == "row \(n)")
                seen.append(n)
            }
        }
        #expect(total == 10_007)
        #expect(seen == Array((1...10_007).reversed()))
        #expect(batches == Array(repeating: 1000, count: 10) + [7])
        // Outside a transaction it opened one for the reading and closed it.
        #expect(!connection.isInTransaction)
    }

    @Test func anEmptyResultCallsNothing() throws {
        let connection = try Connection(configuration: try TestDatabase.create("cursor-empty"))
        var calls = 0
        #expect(try connection.forEachBatch("SELECT 1 WHERE false") { _ in calls += 1 } == 0)
        #expect(calls == 0)
    }

    @Test func insideATransactionItReadsWhatTheTransactionWroteAndLeavesItOpen() throws {
        let connection = try Connection(configuration: try TestDatabase.create("cursor-transaction"))
        try connection.executeScript("CREATE TABLE items (n int)")
        try connection.transaction { connection in
            try connection.execute("INSERT INTO items SELECT generate_series(1, 2500)")
            var sum = 0
            try connection.forEachBatch("SELECT n FROM items", batchSize: 999) { rows in
                sum += try rows.decode((Int).self).reduce(0, +)
            }
            #expect(sum == 2500 * 2501 / 2)
            #expect(connection.isInTransaction)
            // A second cursor on the same connection gets its own name.
            #expect(try connection.forEachBatch("SELECT n FROM items WHERE n <= 10") { _ in } == 10)
        }
        #expect(try connection.query("SELECT count(*)::int FROM items")[0].decode(Int.self, at: 0) == 2500)
    }

    @Test func whenTheBodyThrowsTheCursorIsClosedAndTheConnectionStaysUsable() throws {
        let connection = try Connection(configuration: try TestDatabase.create("cursor-throw"))
        #expect(throws: Stop.self) {
            try connection.forEachBatch("SELECT generate_series(1, 5000)", batchSize: 100) { _ in throw Stop() }
        }
        #expect(!connection.isInTransaction)
        try connection.transaction { connection in
            #expect(throws: Stop.self) {
                try connection.forEachBatch("SELECT generate_series(1, 5000)", batchSize: 100) { _ in throw Stop() }
            }
            // The transaction is not aborted: the cursor was closed and work goes on.
            let open = try connection.query("SELECT count(*)::int FROM pg_cursors WHERE name LIKE 'tprm_cursor%'")[0].decode(Int.self, at: 0)
            #expect(open == 0)
        }
    }

    @Test func aBadQueryThrowsTheServersError() throws {
        let connection = try Connection(configuration: try TestDatabase.create("cursor-error"))
        let error = try #require(throws: PostgresError.self) {
            try connection.forEachBatch("SELECT nope FROM generate_series(1, 3)") { _ in }
        }
        #expect(error.code == .undefinedColumn)
        #expect(error.message.contains("nope"))
        #expect(!connection.isInTransaction)
        #expect(try connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
    }
}
