/// A Swift value that can be sent to PostgreSQL as a statement parameter or a COPY field.
public protocol PostgresEncodable: Sendable {
    /// Appends this value as the next parameter of a statement.
    func bind(into bindings: inout PostgresBindings)

    /// Appends this value as one field of a `COPY … FROM STDIN` row in text format,
    /// already escaped (`\N` for NULL).
    func encodeCopyField(into buffer: inout [UInt8])
}

/// A Swift value that can be read from the text form of a column.
public protocol PostgresDecodable: Sendable {
    /// Reads a value from its text form.
    ///
    /// - Parameters:
    ///   - text: the column's bytes, valid only during the call.
    ///   - type: the column's type.
    /// - Throws: ``PostgresDecodingFailure`` when the text is not a value of this type.
    init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure)

    /// The value for SQL NULL; throws for types that have none.
    static func postgresNull() throws(PostgresDecodingFailure) -> Self
}

extension PostgresDecodable {
    /// Non-optional types have no value for NULL.
    public static func postgresNull() throws(PostgresDecodingFailure) -> Self {
        throw PostgresDecodingFailure("is NULL")
    }
}

/// Why a column's text could not become a Swift value; ``PostgresRow`` adds the column.
public struct PostgresDecodingFailure: Error, Sendable, Hashable {
    /// The reason, such as `is NULL` or `is not a bigint`.
    public let reason: String
    /// Creates a failure with its reason.
    public init(_ reason: String) { self.reason = reason }

    static func unsupported(_ type: PostgresDataType) -> PostgresDecodingFailure {
        PostgresDecodingFailure("cannot be read from \(type)")
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    /// Binds the wrapped value, or NULL.
    public func bind(into bindings: inout PostgresBindings) {
        switch self {
        case .some(let value): value.bind(into: &bindings)
        case .none: bindings.appendNull()
        }
    }

    /// Writes the wrapped value, or `\N`.
    public func encodeCopyField(into buffer: inout [UInt8]) {
        switch self {
        case .some(let value): value.encodeCopyField(into: &buffer)
        case .none: buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
        }
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// Reads the wrapped value.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = .some(try Wrapped(postgresText: text, type: type))
    }

    /// NULL is `nil`.
    public static func postgresNull() -> Wrapped? { nil }
}

enum CopyText {
    /// Appends bytes escaped for COPY's text format (backslash, tab, newline,
    /// carriage return), copying the runs between special bytes whole.
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var runStart = 0
        for index in 0..<bytes.count {
            let escaped: UInt8
            switch bytes[index] {
            case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
            case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
            case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
            default: continue
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(escaped)
            runStart = index + 1
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    static func appendEscaped(_ bytes: [UInt8], to buffer: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendEscaped($0, to: &buffer) }
    }

    static func appendEscaped(_ string: String, to buffer: inout [UInt8]) {
        var string = string
        string.withUTF8 { appendEscaped($0, to: &buffer) }
    }
}

extension [UInt8] {
    /// Appends the decimal digits of `value`, zero-padded to `width`, without allocating.
    mutating func appendDecimal(_ value: Int64, width: Int = 1) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            // The magnitude of Int64.min does not fit; its digits come from UInt64.
            appendDecimal(UInt64(value.magnitude), width: width)
        } else {
            appendDecimal(UInt64(value), width: width)
        }
    }

    mutating func appendDecimal(_ value: UInt64, width: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch space on the stack
        Swift.withUnsafeMutableBytes(of: &digits) { scratch in
            var rest = value
            var index = scratch.count
            repeat {
                index -= 1
                scratch[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            while scratch.count - index < width && index > 0 {
                index -= 1
                scratch[index] = UInt8(ascii: "0")
            }
            append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[index...]))
        }
    }
}
