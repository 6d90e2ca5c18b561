public import Foundation

extension Date: PostgresEncodable, PostgresDecodable {
    /// Microseconds since 1970, rounded as PostgreSQL stores them.
    var postgresMicroseconds: Int64 {
        Int64((timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// Binds as `timestamptz`, to the microsecond.
    public func bind(into bindings: inout PostgresBindings) {
        let sincePostgresEpoch = postgresMicroseconds - Timestamp.postgresEpochOffset * 1_000_000
        bindings.appendBinary(type: .timestamptz) { $0.appendBigEndian(sincePostgresEpoch) }
    }

    /// Writes `YYYY-MM-DD HH:MM:SS.ffffff+00`.
    public func encodeCopyField(into buffer: inout [UInt8]) {
        Timestamp.format(microseconds: postgresMicroseconds, into: &buffer)
    }

    /// Reads `timestamptz`, `timestamp` (as UTC) or `date` (midnight UTC).
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .timestamptz || type == .timestamp || type == .date else { throw .unsupported(type) }
        guard let micros = Timestamp.parse(text) else {
            throw PostgresDecodingFailure("holds \"\(String(decoding: text.prefix(40), as: UTF8.self))\", not a finite ISO timestamp")
        }
        let seconds = micros / 1_000_000
        let fraction = micros - seconds * 1_000_000
        self = Date(timeIntervalSince1970: Double(seconds) + Double(fraction) / 1_000_000)
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    /// Binds as `uuid`.
    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendBinary(type: .uuid) { buffer in
            withUnsafeBytes(of: self.uuid) { buffer.append(contentsOf: $0) }
        }
    }

    /// Writes the lower-case canonical form.
    public func encodeCopyField(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: uuidString.lowercased().utf8)
    }

    /// Reads `uuid`, or text holding one.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .uuid || type.isCharacterType else { throw .unsupported(type) }
        guard let value = UUID(uuidString: text.utf8String) else {
            throw PostgresDecodingFailure("is not a UUID")
        }
        self = value
    }
}

extension Data: PostgresEncodable, PostgresDecodable {
    /// Binds as `bytea`, sent as raw bytes.
    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendBinary(type: .bytea) { $0.append(contentsOf: self) }
    }

    /// Writes `\\x` and hex digits (the backslash escaped for COPY).
    public func encodeCopyField(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\"), UInt8(ascii: "x")])
        buffer.reserveCapacity(buffer.count + count * 2)
        for byte in self {
            buffer.append(Self.hexDigits[Int(byte >> 4)])
            buffer.append(Self.hexDigits[Int(byte & 0x0f)])
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Reads `bytea` in hex output format.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .bytea else { throw .unsupported(type) }
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else {
            throw PostgresDecodingFailure("is not bytea in hex format")
        }
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity((text.count - 2) / 2)
        var index = 2
        while index < text.count {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else {
                throw PostgresDecodingFailure("is not bytea in hex format")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        self = Data(bytes)
    }
}

extension Decimal: PostgresEncodable, PostgresDecodable {
    /// Binds as `numeric`, in text form so that no digit is lost.
    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendText(type: .numeric, description)
    }

    /// Writes the decimal digits.
    public func encodeCopyField(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: description.utf8)
    }

    /// Reads `numeric` or an integer column.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .numeric || type.isIntegerType else { throw .unsupported(type) }
        let string = text.utf8String
        guard let value = Decimal(string: string, locale: Locale(identifier: "en_US_POSIX")), !value.isNaN else {
            throw PostgresDecodingFailure("holds \"\(string.prefix(40))\", not a finite number")
        }
        self = value
    }
}
