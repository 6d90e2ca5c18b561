import CivilTime
import Foundation
import PropertyBased
import Testing

/// The one calendar: days and dates agree with each other and with Foundation's Gregorian calendar where it is
/// Gregorian (from 1583), and RFC 3339 text is read exactly, offsets and fractions included.
@Suite struct CivilTimeTests {
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test func daysAndDatesRoundTripAndMatchFoundation() async {
        await propertyCheck(count: 500, input: Gen.int(in: -141_000...2_932_000)) { day in
            let (year, month, dayOfMonth) = CivilTime.civil(days: Int64(day))
            #expect(CivilTime.days(year: year, month: month, day: dayOfMonth) == Int64(day))
            let date = Date(timeIntervalSince1970: Double(day) * 86_400)
            let components = Self.utc.dateComponents([.year, .month, .day], from: date)
            #expect([components.year, components.month, components.day] == [Int(year), Int(month), Int(dayOfMonth)], "day \(day)")
            #expect(CivilTime.date(rfc3339: CivilTime.dayText(date)) == date)
        }
    }

    @Test func timesWithOffsetsAndFractionsAreTheInstantTheyName() async {
        await propertyCheck(count: 500, input: zip(Gen.int(in: 86_400...400_000_000), Gen.int(in: -1439...1439), Gen.int(in: 0...999))) { seconds, offsetMinutes, millis in
            let instant = Date(timeIntervalSince1970: Double(seconds) + Double(millis) / 1000)
            let local = Date(timeIntervalSince1970: Double(seconds + offsetMinutes * 60))
            let day = CivilTime.dayText(local)
            let secondOfDay = (seconds + offsetMinutes * 60) % 86_400
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let sign = offsetMinutes < 0 ? "-" : "+"
            let text = "\(day)T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))"
                + ".\(String(format: "%03d", millis))\(sign)\(two(abs(offsetMinutes) / 60)):\(two(abs(offsetMinutes) % 60))"
            let parsed = CivilTime.date(rfc3339: text)
            #expect(parsed.map { abs($0.timeIntervalSince(instant)) < 0.000_5 } == true, "\(text)")
        }
    }

    @Test(arguments: [
        ("2026-11-29", "2026-11-29T00:00:00Z"), ("2024-02-29", "2024-02-29T00:00:00Z"), ("2026-11-29T14:30:00Z", "2026-11-29T14:30:00Z"),
        ("2026-11-29t14:30:00z", "2026-11-29T14:30:00Z"), ("2026-11-29T16:30:00+02:00", "2026-11-29T14:30:00Z"),
    ])
    func validTextIsRead(text: String, expected: String) throws {
        let date = try #require(CivilTime.date(rfc3339: text))
        #expect(date == (try Date(expected, strategy: .iso8601)))
    }

    /// Proleptic Gregorian, as PostgreSQL counts: Foundation's parser turns Julian before 1582 and is two days off here.
    @Test func yearOneIsProlepticGregorian() {
        #expect(CivilTime.date(rfc3339: "0001-01-01") == Date(timeIntervalSince1970: -62_135_596_800))
        #expect(CivilTime.dayText(Date(timeIntervalSince1970: -62_135_596_800)) == "0001-01-01")
    }

    @Test(arguments: [
        "", "2026-11", "2026-13-01", "2026-02-29", "2027-02-29", "2026-04-31", "2026-11-29T24:00:00Z", "2026-11-29T14:60:00Z",
        "2026-11-29T14:30:00", "2026-11-29T14:30Z", "2026-11-29 14:30:00Z", "2026-11-29T14:30:00.Z", "2026-11-29T14:30:00+2:00",
        "2026-11-29T14:30:00+24:00", "2026-11-29x", "٢٠٢٦-11-29", "26-11-29", "2026-11-29T14:30:00Zjunk",
    ])
    func anythingElseIsNotADate(text: String) {
        #expect(CivilTime.date(rfc3339: text) == nil)
    }

    @Test func aMinuteIsWrittenInUTCWhateverTheSecondsAndTheEra() {
        #expect(CivilTime.minuteText(Date(timeIntervalSince1970: 1_796_223_059.9)) == "2026-12-02 14:50 UTC")
        #expect(CivilTime.minuteText(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00 UTC")
        #expect(CivilTime.minuteText(Date(timeIntervalSince1970: -61)) == "1969-12-31 23:58 UTC")
    }
}
