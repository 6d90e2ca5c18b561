import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct CopyTests {
    @Test func hundredThousandAwkwardRowsReadBackEqual() throws {
        let connection = try Connection(configuration: try TestDatabase.create("copy"))
        try connection.executeScript("CREATE TABLE items (id bigint, name text, note text, score double precision, at timestamptz, tags text[], raw bytea)")
        let base = Date(timeIntervalSince1970: 1_764_406_000)
        func name(_ i: Int) -> String {
            switch i % 5 {
            case 0: "tab\there \(i)"
            case 1: "line\nbreak\r\n\(i)"
            case 2: "back\\slash \\N \\\\ \(i)"
            case 3: "ünïcødé 🚀 \(i)"
            default: "\\.\n\(i)"  // the old end-of-data marker, inside a value
            }
        }
        func note(_ i: Int) -> String? { i % 3 == 0 ? nil : "note \(i)" }
        let count = 100_000
        let copied = try connection.copyFrom("COPY items (id, name, note, score, at, tags, raw) FROM STDIN") { copy in
            for i in 0..<count {
                try copy.row(
                    i, name(i), note(i), i % 7 == 0 ? Double?.none : Double(i) / 3,
                    base.addingTimeInterval(Double(i) * 0.000_001 * 37),
                    ["a\t\(i)", "{\"q\"}", "back\\"], Data([UInt8(i % 256), 0, 92, 9]))
            }
        }
        #expect(copied == count)
        let rows = try connection.query("SELECT id, name, note, score, at, tags, raw FROM items ORDER BY id")
        #expect(rows.count == count)
        for (id, readName, readNote, score, at, tags, raw) in try rows.decode((Int, String, String?, Double?, Date, [String], Data).self) {
            #expect(readName == name(id))
            #expect(readNote == note(id))
            #expect(score == (id % 7 == 0 ? nil : Double(id) / 3))
            #expect(abs(at.timeIntervalSince(base.addingTimeInterval(Double(id) * 0.000_001 * 37))) < 0.000_001)
            #expect(tags == ["a\t\(id)", "{\"q\"}", "back\\"])
            #expect(raw == Data([UInt8(id % 256), 0, 92, 9]))
            if readName != name(id) { break }
        }
    }

    @Test func aBadRowRejectsTheWholeCopyAndNamesTheLine() throws {
        let connection = try Connection(configuration: try TestDatabase.create("copybad"))
        try connection.executeScript("CREATE TABLE items (id bigint NOT NULL, name text)")
        let error = #expect(throws: PostgresError.self) {
            try connection.copyFrom("COPY items (id, name) FROM STDIN") { copy in
                try copy.row(1, "ok")
                try copy.row(Int?.none, "null id")
                try copy.row(3, "never stored")
            }
        }
        #expect(error?.code == .notNullViolation)
        #expect(error?.context?.contains("line 2") == true)
        #expect(try connection.query("SELECT count(*) FROM items")[0].decode(Int.self, at: 0) == 0)
        #expect(try connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1, "the connection stays usable")
    }

    @Test func aThrowingBodyAbortsTheCopy() throws {
        struct Stop: Error {}
        let connection = try Connection(configuration: try TestDatabase.create("copyabort"))
        try connection.executeScript("CREATE TABLE items (id bigint)")
        #expect(throws: Stop.self) {
            try connection.copyFrom("COPY items FROM STDIN") { copy in
                for i in 0..<50_000 { try copy.row(i) }
                throw Stop()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM items")[0].decode(Int.self, at: 0) == 0)
    }

    @Test func dynamicRowsCopyLikeTypedOnes() throws {
        let connection = try Connection(configuration: try TestDatabase.create("copydyn"))
        try connection.executeScript("CREATE TABLE items (id bigint, name text)")
        try connection.copyFrom("COPY items FROM STDIN") { copy in
            try copy.row(fields: [1, "one"])
            try copy.row(fields: [2, String?.none])
        }
        let rows = try connection.query("SELECT id, name FROM items ORDER BY id").decode((Int, String?).self)
        #expect(rows.map(\.0) == [1, 2])
        #expect(rows.map(\.1) == ["one", nil])
    }

    @Test func aStatementThatIsNotCopyIsRefused() throws {
        let connection = try Connection(configuration: try TestDatabase.create("copynot"))
        let error = #expect(throws: PostgresError.self) {
            try connection.copyFrom("SELECT 1") { _ in }
        }
        #expect(error?.message == "copyFrom needs a COPY … FROM STDIN statement")
    }
}
