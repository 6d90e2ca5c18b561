extension Int64: PostgresEncodable, PostgresDecodable {
    /// Binds as `bigint`.
    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendBinary(type: .int8) { $0.appendBigEndian(self) }
    }

    /// Writes the decimal digits.
    public func encodeCopyField(into buffer: inout [UInt8]) {
        buffer.appendDecimal(self)
    }

    /// Reads `bigint`, `integer`, `smallint`, `oid`, or a whole `numeric`.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type.isIntegerType || type == .numeric || type.isCharacterType else { throw .unsupported(type) }
        guard let value = Self.parseDecimal(text) else {
            throw PostgresDecodingFailure("holds \"\(String(decoding: text.prefix(40), as: UTF8.self))\", not a whole number in range")
        }
        self = value
    }

    /// Parses ASCII decimal digits with an optional sign, refusing overflow.
    static func parseDecimal(_ text: UnsafeRawBufferPointer) -> Int64? {
        guard !text.isEmpty else { return nil }
        var index = 0
        var negative = false
        if text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+") {
            negative = text[0] == UInt8(ascii: "-")
            index = 1
        }
        guard index < text.count else { return nil }
        var value: Int64 = 0
        while index < text.count {
            let byte = text[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = next
            index += 1
        }
        return value
    }
}

extension Int: PostgresEncodable, PostgresDecodable {
    /// Binds as `bigint`.
    public func bind(into bindings: inout PostgresBindings) { Int64(self).bind(into: &bindings) }

    /// Writes the decimal digits.
    public func encodeCopyField(into buffer: inout [UInt8]) { Int64(self).encodeCopyField(into: &buffer) }

    /// Reads any integer column.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = Int(try Int64(postgresText: text, type: type))
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    /// Binds as `integer`.
    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendBinary(type: .int4) { $0.appendBigEndian(self) }
    }

    /// Writes the decimal digits.
    public func encodeCopyField(into buffer: inout [UInt8]) { Int64(self).encodeCopyField(into: &buffer) }

    /// Reads any integer column whose value fits 32 bits.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        let wide = try Int64(postgresText: text, type: type)
        guard let narrow = Int32(exactly: wide) else { throw PostgresDecodingFailure("holds \(wide), out of range for Int32") }
        self = narrow
    }
}
