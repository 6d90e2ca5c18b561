import Foundation
import Postgres
import TestSupport
import Testing

/// `[String]` reads SQL arrays and JSON arrays of strings, whatever their elements hold.
@Suite struct StringArrayTests {
    static let awkward = ["plain", "", "with \"quotes\" and \\backslash\\", "comma, brace { } NULL", "NULL", "line\nbreak\ttab", "ünïcødé 🚀", "slash / é"]

    @Test func textArraysAndJSONArraysReadBackTheSameStrings() throws {
        let connection = try Connection(configuration: try TestDatabase.create("string-arrays"))
        let row = try connection.query("SELECT \(Self.awkward)::text[] AS sql, to_jsonb(\(Self.awkward)::text[]) AS jsonb, to_json(\(Self.awkward)::text[]) AS json")[0]
        #expect(try row.decode([String].self, "sql") == Self.awkward)
        #expect(try row.decode([String].self, "jsonb") == Self.awkward)
        #expect(try row.decode([String].self, "json") == Self.awkward)
        let empty = try connection.query("SELECT '{}'::text[], '[]'::jsonb, ' [ ] '::json")[0]
        #expect(try empty.decode(([String], [String], [String]).self) == ([], [], []))
    }

    @Test func jsonEscapesAreReadIncludingSurrogatePairs() throws {
        let connection = try Connection(configuration: try TestDatabase.create("json-escapes"))
        // json keeps its text as written, so the escapes reach the parser as they are.
        let text = #"[ "\ud83d\ude80 \u00e9\"\\\/\b\f\n\r\t", "x" ]"#
        let strings = try connection.query("SELECT \(text)::json")[0].decode([String].self, at: 0)
        #expect(strings == ["🚀 é\"\\/\u{8}\u{c}\n\r\t", "x"])
    }

    @Test func anythingButAnArrayOfStringsIsRefusedWithTheColumnNamed() throws {
        let connection = try Connection(configuration: try TestDatabase.create("json-refused"))
        // (The server validates JSON escapes on input, so only well-formed JSON of the wrong shape reaches the parser.)
        for literal in [#"["a", 1]"#, #"{"a": "b"}"#, #"[["a"]]"#, #""a""#, "null"] {
            let rows = try connection.query("SELECT \(literal)::jsonb AS drivers")
            let error = try #require(throws: PostgresDecodingError.self) { try rows[0].decode([String].self, "drivers") }
            #expect("\(error)".contains("drivers") && "\(error)".contains("is not a JSON array of strings"), "\(error)")
        }
        #expect(try connection.query("SELECT \(#" ["a"] "#)::json")[0].decode([String].self, at: 0) == ["a"], "space around is allowed")
        let error = try #require(throws: PostgresDecodingError.self) { try connection.query("SELECT 'x'::text AS name")[0].decode([String].self, "name") }
        #expect("\(error)".contains("name"))
    }
}
