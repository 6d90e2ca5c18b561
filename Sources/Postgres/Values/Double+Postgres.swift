extension Double: PostgresEncodable, PostgresDecodable {
    /// Binds as `double precision`.
    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendBinary(type: .float8) { $0.appendBigEndian(self.bitPattern) }
    }

    /// Writes the shortest text that reads back to the same value.
    public func encodeCopyField(into buffer: inout [UInt8]) {
        if isNaN {
            buffer.append(contentsOf: "NaN".utf8)
        } else if isInfinite {
            buffer.append(contentsOf: (self < 0 ? "-Infinity" : "Infinity").utf8)
        } else {
            buffer.append(contentsOf: description.utf8)
        }
    }

    /// Reads `double precision`, `real`, `numeric` or an integer column.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .float8 || type == .float4 || type == .numeric || type.isIntegerType else { throw .unsupported(type) }
        guard let value = Double(text.utf8String) else {
            throw PostgresDecodingFailure("holds \"\(String(decoding: text.prefix(40), as: UTF8.self))\", not a number")
        }
        self = value
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    /// Binds as `boolean`.
    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendBinary(type: .bool) { $0.append(self ? 1 : 0) }
    }

    /// Writes `t` or `f`.
    public func encodeCopyField(into buffer: inout [UInt8]) {
        buffer.append(self ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    /// Reads `boolean`.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .bool else { throw .unsupported(type) }
        switch text.first {
        case UInt8(ascii: "t"): self = true
        case UInt8(ascii: "f"): self = false
        default: throw PostgresDecodingFailure("is not t or f")
        }
    }
}
