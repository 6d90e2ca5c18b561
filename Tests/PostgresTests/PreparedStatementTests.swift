import Postgres
import TestSupport
import Testing

/// Repeated statements run prepared; the cache must never change a result.
@Suite struct PreparedStatementTests {
    func preparedCount(_ connection: Connection) throws -> Int {
        try connection.query("SELECT count(*) FROM pg_prepared_statements")[0].decode(Int.self, at: 0)
    }

    @Test func aRepeatedStatementIsPreparedOnce() throws {
        let connection = try Connection(configuration: try TestDatabase.create("prep"))
        for value in 1...50 {
            #expect(try connection.query("SELECT \(value) + 1")[0].decode(Int.self, at: 0) == value + 1)
        }
        // The statement above and the count query itself.
        #expect(try preparedCount(connection) == 2)
    }

    @Test func survivesDiscardAll() throws {
        let connection = try Connection(configuration: try TestDatabase.create("discard"))
        #expect(try connection.query("SELECT \(1)")[0].decode(Int.self, at: 0) == 1)
        try connection.executeScript("DISCARD ALL")
        #expect(try connection.query("SELECT \(2)")[0].decode(Int.self, at: 0) == 2)
    }

    @Test func survivesATableChangingShape() throws {
        let connection = try Connection(configuration: try TestDatabase.create("shape"))
        try connection.executeScript("CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
        #expect(try connection.query("SELECT * FROM t").columns.map(\.name) == ["a"])
        try connection.executeScript("ALTER TABLE t ADD COLUMN b text DEFAULT 'x'")
        let rows = try connection.query("SELECT * FROM t")
        #expect(rows.columns.map(\.name) == ["a", "b"])
        #expect(try rows[0].decode(String.self, "b") == "x")
    }

    @Test func theCacheStaysWithinItsBound() throws {
        var configuration = try TestDatabase.create("bound")
        configuration.preparedStatementCacheSize = 3
        let connection = try Connection(configuration: configuration)
        for value in 1...10 {
            let distinct = PostgresQuery(unsafeSQL: "SELECT \(value) AS v\(value)")
            #expect(try connection.query(distinct).columns.map(\.name) == ["v\(value)"])
        }
        #expect(try preparedCount(connection) <= 3)
    }

    @Test func withTheCacheOffNothingIsPrepared() throws {
        var configuration = try TestDatabase.create("nocache")
        configuration.preparedStatementCacheSize = 0
        let connection = try Connection(configuration: configuration)
        for value in 1...5 { _ = try connection.query("SELECT \(value)") }
        #expect(try preparedCount(connection) == 0)
    }

    @Test func aStatementThatFailsToPrepareIsNotCached() throws {
        let connection = try Connection(configuration: try TestDatabase.create("badprep"))
        for _ in 0..<2 {
            let error = #expect(throws: PostgresError.self) { try connection.query("SELECT * FROM missing_table WHERE id = \(1)") }
            #expect(error?.code == .undefinedTable)
        }
        try connection.executeScript("CREATE TABLE missing_table (id int)")
        #expect(try connection.query("SELECT * FROM missing_table WHERE id = \(1)").isEmpty)
    }
}
