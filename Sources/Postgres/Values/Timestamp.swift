import CivilTime

/// Calendar arithmetic for PostgreSQL's timestamp text and binary forms, in UTC.
///
/// Pure integer arithmetic on the proleptic Gregorian calendar (``CivilTime``), so it needs no `Calendar`, no
/// locale and no lock.
enum Timestamp {
    /// Seconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
    static let postgresEpochOffset: Int64 = 946_684_800

    /// Days since 1970-01-01 of a civil date.
    @inline(__always)
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 { CivilTime.days(year: year, month: month, day: day) }

    /// The civil date of a day count since 1970-01-01.
    @inline(__always)
    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) { CivilTime.civil(days: days) }

    /// Formats microseconds since 1970 as `YYYY-MM-DD HH:MM:SS.ffffff+00`.
    static func format(microseconds: Int64, into buffer: inout [UInt8]) {
        var seconds = microseconds / 1_000_000
        var micros = microseconds % 1_000_000
        if micros < 0 { micros += 1_000_000; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = civil(days: days)
        let bc = year <= 0
        buffer.appendDecimal(bc ? 1 - year : year, width: 4)
        buffer.append(UInt8(ascii: "-"))
        buffer.appendDecimal(month, width: 2)
        buffer.append(UInt8(ascii: "-"))
        buffer.appendDecimal(day, width: 2)
        buffer.append(UInt8(ascii: " "))
        buffer.appendDecimal(secondOfDay / 3600, width: 2)
        buffer.append(UInt8(ascii: ":"))
        buffer.appendDecimal(secondOfDay % 3600 / 60, width: 2)
        buffer.append(UInt8(ascii: ":"))
        buffer.appendDecimal(secondOfDay % 60, width: 2)
        buffer.append(UInt8(ascii: "."))
        buffer.appendDecimal(micros, width: 6)
        buffer.append(contentsOf: "+00".utf8)
        if bc { buffer.append(contentsOf: " BC".utf8) }
    }

    /// Parses `timestamptz`, `timestamp` (taken as UTC) or `date` text in ISO style
    /// into microseconds since 1970.
    static func parse(_ text: UnsafeRawBufferPointer) -> Int64? {
        var scanner = ByteScanner(text)
        guard let year = scanner.number(), scanner.take("-"),
              let month = scanner.number(digits: 2), scanner.take("-"),
              let day = scanner.number(digits: 2),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var micros: Int64 = 0
        var offsetSeconds: Int64 = 0
        if scanner.take(" ") || scanner.take("T") {
            guard let hour = scanner.number(digits: 2), scanner.take(":"),
                  let minute = scanner.number(digits: 2), scanner.take(":"),
                  let second = scanner.number(digits: 2),
                  hour <= 24, minute < 60, second < 61
            else { return nil }
            micros = (hour * 3600 + minute * 60 + second) * 1_000_000
            if scanner.take(".") {
                var scale: Int64 = 100_000
                var fraction: Int64 = 0
                var count = 0
                while let digit = scanner.digit() {
                    if count < 6 { fraction += digit * scale; scale /= 10 }
                    count += 1
                }
                guard count > 0 else { return nil }
                micros += fraction
            }
            if let sign = scanner.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                scanner.skip()
                guard let hours = scanner.number(digits: 2) else { return nil }
                var offset = hours * 3600
                if scanner.take(":") {
                    guard let minutes = scanner.number(digits: 2) else { return nil }
                    offset += minutes * 60
                    if scanner.take(":") {
                        guard let seconds = scanner.number(digits: 2) else { return nil }
                        offset += seconds
                    }
                }
                offsetSeconds = sign == UInt8(ascii: "+") ? offset : -offset
            } else if scanner.take("Z") {
                offsetSeconds = 0
            }
        }
        var civilYear = year
        if scanner.take(" BC") { civilYear = 1 - year }
        guard scanner.isAtEnd else { return nil }
        let dayCount = days(year: civilYear, month: month, day: day)
        return dayCount * 86_400_000_000 + micros - offsetSeconds * 1_000_000
    }
}

/// A cursor over ASCII bytes for the small parsers of this module.
struct ByteScanner {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skip() { index += 1 }

    /// Consumes `literal` if the bytes continue with it.
    mutating func take(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] { return false }
        index += count
        return true
    }

    mutating func digit() -> Int64? {
        guard let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        index += 1
        return Int64(byte - UInt8(ascii: "0"))
    }

    /// A run of decimal digits; exactly `digits` of them when given.
    mutating func number(digits: Int? = nil) -> Int64? {
        var value: Int64 = 0
        var count = 0
        while digits.map({ count < $0 }) ?? true, count < 18, let digit = digit() {
            value = value * 10 + digit
            count += 1
        }
        if let digits { return count == digits ? value : nil }
        return count > 0 ? value : nil
    }
}
