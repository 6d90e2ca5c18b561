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
    /// Appends text escaped for COPY's text format: backslash, tab, newline and carriage return.
    static func appendEscaped(_ bytes: some Sequence<UInt8>, to buffer: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "r"))
            default: buffer.append(byte)
            }
        }
    }

    /// Appends a string escaped for COPY, copying it whole when nothing needs escaping.
    static func appendEscaped(_ string: String, to buffer: inout [UInt8]) {
        var string = string
        string.withUTF8 { utf8 in
            let needsEscaping = utf8.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
            if needsEscaping {
                appendEscaped(utf8, to: &buffer)
            } else {
                buffer.append(contentsOf: utf8)
            }
        }
    }
}
