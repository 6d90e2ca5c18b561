import Foundation
import Postgres
import TestSupport
import Testing

/// The server's own text for timestamps, in the offsets and precisions it can send.
@Suite struct TimestampTextTests {
    @Test(arguments: [
        ("2026-11-29 09:03:28+00", 1_795_943_008.0),
        ("2026-11-29 09:03:28.5+00", 1_795_943_008.5),
        ("2026-11-29 11:03:28.000001+02", 1_795_943_008.000001),
        ("2026-11-29 03:33:28-05:30", 1_795_943_008.0),
        ("0001-01-01 00:00:00+00", -62_135_596_800.0),
    ])
    func parsesWhatTheServerSends(text: String, expected: Double) throws {
        let connection = try Connection(configuration: try TestDatabase.create("tstext"))
        let rows = try connection.query("SELECT \(text)::timestamptz AS at")
        #expect(abs(try rows[0].decode(Date.self, "at").timeIntervalSince1970 - expected) < 0.000_001)
    }

    @Test func refusesInfinity() throws {
        let connection = try Connection(configuration: try TestDatabase.create("tsinf"))
        let rows = try connection.query("SELECT 'infinity'::timestamptz AS at")
        let error = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Date.self, "at") }
        #expect(error?.reason == "holds \"infinity\", not a finite ISO timestamp")
    }
}
