import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct ValueRoundTripTests {
    struct Profile: Codable, Hashable, Sendable {
        var provides: String
        var regions: [String]
        var reviewed: Date
    }

    @Test func everySupportedTypeRoundTripsThroughATable() throws {
        let connection = try Connection(configuration: try TestDatabase.create("values"))
        try connection.executeScript("""
            CREATE TABLE t (
                i bigint, i32 integer, d double precision, b boolean, s text, at timestamptz,
                u uuid, bytes bytea, tags text[], doc jsonb, amount numeric
            )
            """)
        let at = Date(timeIntervalSince1970: 1_764_406_000.123456)
        let id = UUID()
        var random = SystemRandomNumberGenerator()
        let bytes = Data((0..<(3 * 1024 * 1024)).map { _ in UInt8.random(in: 0...255, using: &random) })
        let tags = ["ISO/IEC 42001", "quote \" and \\ backslash", "", "comma, brace {x}", "NULL", "ünïcødé 🚀"]
        let profile = Profile(provides: "LLM API <script>alert(1)</script>", regions: ["eu-west-1"], reviewed: Date(timeIntervalSince1970: 1_700_000_000))
        let text = "Grüße, 数据, emoji 🤖, tab\t, newline\n, quote ' and \"; DROP TABLE t; --"
        let amount = Decimal(string: "1234567890.123456789")!
        try connection.execute("""
            INSERT INTO t VALUES (\(Int.max), \(Int32.min), \(-1.5e-300), \(true), \(text), \(at),
                                  \(id), \(bytes), \(tags), \(try JSONB(profile)), \(amount))
            """)
        try connection.execute("""
            INSERT INTO t VALUES (\(Int?.none), \(Int32?.none), \(Double?.none), \(Bool?.none), \(String?.none), \(Date?.none),
                                  \(UUID?.none), \(Data?.none), \([String]?.none), \(JSONB<Profile>?.none), \(Decimal?.none))
            """)
        let rows = try connection.query("SELECT * FROM t ORDER BY i NULLS LAST")
        #expect(rows.count == 2)
        let row = rows[0]
        #expect(try row.decode(Int.self, "i") == Int.max)
        #expect(try row.decode(Int32.self, "i32") == Int32.min)
        #expect(try row.decode(Double.self, "d") == -1.5e-300)
        #expect(try row.decode(Bool.self, "b") == true)
        #expect(try row.decode(String.self, "s") == text)
        #expect(abs(try row.decode(Date.self, "at").timeIntervalSince(at)) < 0.000_001)
        #expect(try row.decode(UUID.self, "u") == id)
        #expect(try row.decode(Data.self, "bytes") == bytes)
        #expect(try row.decode([String].self, "tags") == tags)
        #expect(try row.decode(JSONB<Profile>.self, "doc").value == profile)
        #expect(try row.decode(Decimal.self, "amount") == amount)

        let nulls = rows[1]
        for column in 0..<nulls.columns.count { #expect(nulls.isNull(at: column)) }
        #expect(try nulls.decode(Int?.self, "i") == nil)
        #expect(try nulls.decode(String?.self, "s") == nil)
        #expect(try nulls.decode(Date?.self, "at") == nil)
        #expect(try nulls.decode(Data?.self, "bytes") == nil)
        #expect(try nulls.decode([String]?.self, "tags") == nil)
    }

    @Test func parametersAreNeverSplicedIntoSQL() throws {
        let connection = try Connection(configuration: try TestDatabase.create("injection"))
        let hostile = "'); DROP TABLE vendors; --"
        let rows = try connection.query("SELECT \(hostile)::text AS v, length(\(hostile)) AS n")
        #expect(try rows[0].decode(String.self, "v") == hostile)
        #expect(try rows[0].decode(Int.self, "n") == hostile.count)
    }

    @Test func datesAreStoredInUTCToTheMicrosecond() throws {
        let connection = try Connection(configuration: try TestDatabase.create("dates"))
        let instants = [
            Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: -1.5),  // before 1970
            Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29, leap day
            Date(timeIntervalSince1970: 4_102_444_799.999999),  // 2099-12-31 23:59:59.999999
        ]
        for instant in instants {
            let rows = try connection.query("SELECT \(instant) AS at, extract(epoch FROM \(instant))::float8 AS epoch")
            #expect(abs(try rows[0].decode(Date.self, "at").timeIntervalSince(instant)) < 0.000_001, "round trip of \(instant)")
            #expect(abs(try rows[0].decode(Double.self, "epoch") - instant.timeIntervalSince1970) < 0.000_001, "the server sees the same instant")
        }
        let leapDay = try connection.query("SELECT to_char(\(instants[2]) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS text, \(instants[2])::text AS session")
        #expect(try leapDay[0].decode(String.self, "text") == "2000-02-29 00:00:00")
        #expect(try leapDay[0].decode(String.self, "session") == "2000-02-29 00:00:00+00", "sessions run in UTC")
        let fromDateColumn = try connection.query("SELECT DATE '2026-11-29' AS d")
        #expect(try fromDateColumn[0].decode(Date.self, "d") == Date(timeIntervalSince1970: 1_795_910_400))
    }

    @Test func tuplesDecodeColumnsInOrder() throws {
        let connection = try Connection(configuration: try TestDatabase.create("tuples"))
        let rows = try connection.query("SELECT g AS id, 'vendor ' || g AS name, g % 2 = 0 AS even FROM generate_series(1, 3) g")
        let decoded = try rows.decode((Int, String, Bool).self)
        #expect(decoded.map(\.0) == [1, 2, 3])
        #expect(decoded.map(\.1) == ["vendor 1", "vendor 2", "vendor 3"])
        #expect(decoded.map(\.2) == [false, true, false])
    }

    @Test func decodingFailuresNameColumnSQLTypeAndSwiftType() throws {
        let connection = try Connection(configuration: try TestDatabase.create("decode"))
        let rows = try connection.query("SELECT 42 AS tier, NULL::text AS name, 'x'::text AS label")
        let wrongType = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Bool.self, "tier") }
        #expect(wrongType?.description == "column \"tier\" (integer) cannot be read as Bool: cannot be read from integer")
        let null = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(String.self, "name") }
        #expect(null?.description == "column \"name\" (text) cannot be read as String: is NULL")
        let missing = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Int.self, "tiers") }
        #expect(missing?.description == "column \"tiers\" cannot be read as Int: no such column (the result has tier, name, label)")
        let notANumber = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Int.self, "label") }
        #expect(notANumber?.description == "column \"label\" (text) cannot be read as Int: holds \"x\", not a whole number in range")
    }

    @Test func textWithANulCharacterIsRefusedByTheServer() throws {
        let connection = try Connection(configuration: try TestDatabase.create("nul"))
        let error = #expect(throws: PostgresError.self) { try connection.query("SELECT \("a\u{0}b")::text") }
        #expect(error?.code == .characterNotInRepertoire)
        #expect(try connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1, "the connection stays usable")
    }
}
