public import Foundation

/// Civil dates and RFC 3339 times in UTC, by integer arithmetic on the proleptic Gregorian calendar (H. Hinnant's
/// `days_from_civil` and `civil_from_days`), as PostgreSQL counts them: no `Calendar`, no locale, no lock.
///
/// The one place tprm turns days into dates and back; PostgreSQL's timestamp codec, the scoring model, the forms,
/// the reports and the API all use it.
public enum CivilTime {
    /// Days since 1970-01-01 of a civil date.
    @inlinable
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    @inlinable
    public static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days in a month of a year.
    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The UTC day of `date` as `2026-11-29`: how tprm writes a date everywhere (forms, reports, the API, the CLI).
    public static func dayText(_ date: Date) -> String {
        let (year, month, day) = civil(days: Int64((date.timeIntervalSince1970 / 86_400).rounded(.down)))
        func digits(_ value: Int64, _ width: Int) -> String {
            let text = String(value.magnitude)
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(digits(year, 4))-\(digits(month, 2))-\(digits(day, 2))"
    }

    /// The UTC minute of `date` as `2026-11-29 14:30 UTC`: for a moment a person reads, such as when a link expires.
    public static func minuteText(_ date: Date) -> String {
        let seconds = Int64((date.timeIntervalSince1970).rounded(.down))
        let ofDay = ((seconds % 86_400) + 86_400) % 86_400
        let hour = String(ofDay / 3600), minute = String(ofDay % 3600 / 60)
        return "\(dayText(date)) \(hour.count < 2 ? "0" + hour : hour):\(minute.count < 2 ? "0" + minute : minute) UTC"
    }

    /// A date (`2026-11-29`, midnight UTC) or an RFC 3339 date and time (`2026-11-29T14:30:00Z`,
    /// `2026-11-29t15:30:00.25+01:00`); nil for anything else, including dates that do not exist.
    public static func date(rfc3339 text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + width] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            index += width
            return value
        }
        func expect(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let midnight = Double(days(year: year, month: month, day: day) * 86_400)
        if index == bytes.count { return Date(timeIntervalSince1970: midnight) }
        guard expect("T") || expect("t"), let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var fraction = 0.0
        if expect(".") {
            let start = index
            var scale = 0.1
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset: Int64 = 0
        if expect("Z") || expect("z") {
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), expect(":"), let minutes = number(2), hours <= 23, minutes <= 59 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        // A leap second (:60) is the last instant of its minute, as PostgreSQL reads it.
        let seconds = hour * 3600 + minute * 60 + min(second, 59) - offset
        return Date(timeIntervalSince1970: midnight + Double(seconds) + (second == 60 ? 0.999_999 : fraction))
    }
}
