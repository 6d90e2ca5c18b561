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
    /// Reads a one-dimensional `text[]` or `varchar[]` (NULL elements are refused), or a `json` or `jsonb` array of
    /// strings, which spares the server unnesting a JSON array into a SQL one.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        switch type {
        case .textArray, .varcharArray: self = try ArrayLiteral.parse(text)
        case .json, .jsonb: self = try JSONStringArray.parse(text)
        default: throw .unsupported(type)
        }
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
            if text[index] == UInt8(ascii: "\"") {
                index += 1
                let start = index
                var escaped = false
                while index < end, text[index] != UInt8(ascii: "\"") {
                    if text[index] == UInt8(ascii: "\\") {
                        escaped = true
                        index += 1
                    }
                    index += 1
                }
                guard index < end else { throw PostgresDecodingFailure("has an unterminated quoted element") }
                if escaped {
                    var element: [UInt8] = []
                    var position = start
                    while position < index {
                        if text[position] == UInt8(ascii: "\\") { position += 1 }
                        element.append(text[position])
                        position += 1
                    }
                    elements.append(String(decoding: element, as: UTF8.self))
                } else {
                    // Most elements have nothing escaped: made straight from the bytes.
                    elements.append(UnsafeRawBufferPointer(rebasing: text[start..<index]).utf8String)
                }
                index += 1
            } else {
                let start = index
                while index < end, text[index] != UInt8(ascii: ",") {
                    guard text[index] != UInt8(ascii: "{") else { throw PostgresDecodingFailure("has more than one dimension") }
                    index += 1
                }
                let element = UnsafeRawBufferPointer(rebasing: text[start..<index]).utf8String
                if element.utf8.count == 4, element.uppercased() == "NULL" {
                    throw PostgresDecodingFailure("holds a NULL element, which [String] cannot")
                }
                elements.append(element)
            }
            guard index == end || text[index] == UInt8(ascii: ",") else { throw PostgresDecodingFailure("is not a one-dimensional array") }
            index += 1
        }
        return elements
    }
}

/// Parser for a JSON array of strings, as `json` keeps it or `jsonb` prints it: `["a", "b \"c\""]`.
enum JSONStringArray {
    static func parse(_ text: UnsafeRawBufferPointer) throws(PostgresDecodingFailure) -> [String] {
        let notStrings = PostgresDecodingFailure("is not a JSON array of strings")
        var index = 0
        let count = text.count
        func skipSpace() {
            while index < count, text[index] == 0x20 || text[index] == 0x0A || text[index] == 0x0D || text[index] == 0x09 { index += 1 }
        }
        skipSpace()
        guard index < count, text[index] == UInt8(ascii: "[") else { throw notStrings }
        index += 1
        skipSpace()
        var elements: [String] = []
        if index < count, text[index] == UInt8(ascii: "]") {
            index += 1
            skipSpace()
            guard index == count else { throw notStrings }
            return elements
        }
        while true {
            skipSpace()
            guard index < count, text[index] == UInt8(ascii: "\"") else { throw notStrings }
            index += 1
            let start = index
            var escaped = false
            while index < count, text[index] != UInt8(ascii: "\"") {
                if text[index] == UInt8(ascii: "\\") {
                    escaped = true
                    index += 1
                }
                index += 1
            }
            guard index < count else { throw PostgresDecodingFailure("has an unterminated JSON string") }
            let slice = UnsafeRawBufferPointer(rebasing: text[start..<index])
            elements.append(escaped ? try unescape(slice) : slice.utf8String)
            index += 1
            skipSpace()
            guard index < count else { throw notStrings }
            if text[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard text[index] == UInt8(ascii: "]") else { throw notStrings }
            index += 1
            skipSpace()
            guard index == count else { throw notStrings }
            return elements
        }
    }

    /// The text of a JSON string with escapes, between its quotes.
    static func unescape(_ text: UnsafeRawBufferPointer) throws(PostgresDecodingFailure) -> String {
        var scalars = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        func flush() {
            guard !bytes.isEmpty else { return }
            scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
            bytes.removeAll(keepingCapacity: true)
        }
        func hex4(_ at: Int) throws(PostgresDecodingFailure) -> UInt32 {
            guard at + 4 <= text.count else { throw PostgresDecodingFailure("has a short \\u escape") }
            var value: UInt32 = 0
            for byte in text[at..<(at + 4)] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw PostgresDecodingFailure("has a bad \\u escape")
                }
                value = value * 16 + UInt32(digit)
            }
            return value
        }
        var index = 0
        while index < text.count {
            let byte = text[index]
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                index += 1
                continue
            }
            guard index + 1 < text.count else { throw PostgresDecodingFailure("ends in a lone backslash") }
            let code = text[index + 1]
            index += 2
            switch code {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(code)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var value = try hex4(index)
                index += 4
                if (0xD800..<0xDC00).contains(value), index + 6 <= text.count, text[index] == UInt8(ascii: "\\"), text[index + 1] == UInt8(ascii: "u") {
                    let low = try hex4(index + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                flush()
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default:
                throw PostgresDecodingFailure("has an unknown escape \\\(Character(Unicode.Scalar(code)))")
            }
        }
        flush()
        return String(scalars)
    }
}
