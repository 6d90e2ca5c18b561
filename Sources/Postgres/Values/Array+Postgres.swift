extension Array: PostgresEncodable where Element == String {
    /// Binds as `text[]`, one dimension, lower bound 1.
    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendBinary(type: .textArray) { buffer in
            buffer.appendBigEndian(Int32(isEmpty ? 0 : 1))  // dimensions
            buffer.appendBigEndian(Int32(0))  // no NULL elements
            buffer.appendBigEndian(PostgresDataType.text.rawValue)
            if !isEmpty {
                buffer.appendBigEndian(Int32(count))
                buffer.appendBigEndian(Int32(1))
            }
            for element in self {
                let utf8 = element.utf8
                buffer.appendBigEndian(Int32(utf8.count))
                buffer.append(contentsOf: utf8)
            }
        }
    }

    /// Writes an array literal, every element quoted, escaped for COPY.
    public func encodeCopyField(into buffer: inout [UInt8]) {
        var literal: [UInt8] = [UInt8(ascii: "{")]
        for (index, element) in enumerated() {
            if index > 0 { literal.append(UInt8(ascii: ",")) }
            literal.append(UInt8(ascii: "\""))
            for byte in element.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { literal.append(UInt8(ascii: "\\")) }
                literal.append(byte)
            }
            literal.append(UInt8(ascii: "\""))
        }
        literal.append(UInt8(ascii: "}"))
        CopyText.appendEscaped(literal, to: &buffer)
    }
}

extension Array: PostgresDecodable where Element == String {
    /// Reads a one-dimensional `text[]` or `varchar[]`; NULL elements are refused.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .textArray || type == .varcharArray else { throw .unsupported(type) }
        self = try ArrayLiteral.parse(text)
    }
}

/// Parser for the text form of one-dimensional arrays: `{a,"b c",NULL}`.
enum ArrayLiteral {
    static func parse(_ text: UnsafeRawBufferPointer) throws(PostgresDecodingFailure) -> [String] {
        guard text.first == UInt8(ascii: "{"), text.last == UInt8(ascii: "}") else {
            throw PostgresDecodingFailure("is not a one-dimensional array")
        }
        var elements: [String] = []
        var index = 1
        let end = text.count - 1
        if index == end { return [] }
        while index <= end {
            var element: [UInt8] = []
            if text[index] == UInt8(ascii: "\"") {
                index += 1
                while index < end, text[index] != UInt8(ascii: "\"") {
                    if text[index] == UInt8(ascii: "\\") { index += 1 }
                    element.append(text[index])
                    index += 1
                }
                guard index < end else { throw PostgresDecodingFailure("has an unterminated quoted element") }
                index += 1
            } else {
                while index < end, text[index] != UInt8(ascii: ",") {
                    guard text[index] != UInt8(ascii: "{") else { throw PostgresDecodingFailure("has more than one dimension") }
                    element.append(text[index])
                    index += 1
                }
                if element.count == 4, String(decoding: element, as: UTF8.self).uppercased() == "NULL" {
                    throw PostgresDecodingFailure("holds a NULL element, which [String] cannot")
                }
            }
            elements.append(String(decoding: element, as: UTF8.self))
            guard index == end || text[index] == UInt8(ascii: ",") else { throw PostgresDecodingFailure("is not a one-dimensional array") }
            index += 1
        }
        return elements
    }
}
