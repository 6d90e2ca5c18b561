extension String: PostgresEncodable, PostgresDecodable {
    /// Binds as `text`. A NUL character is refused by the server (SQLSTATE 22021).
    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendBinary(type: .text) { $0.append(contentsOf: self.utf8) }
    }

    /// Writes the text escaped for COPY.
    public func encodeCopyField(into buffer: inout [UInt8]) {
        CopyText.appendEscaped(self, to: &buffer)
    }

    /// Reads the text form of any column.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) {
        self = text.utf8String
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes as UTF-8 text (invalid sequences repaired). Decoding typed `UInt8` bytes takes the standard library's
    /// fast path, which raw bytes miss: it showed at the top of profiles of large reads.
    var utf8String: String {
        guard let base = baseAddress else { return "" }
        return String(decoding: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count), as: UTF8.self)
    }
}
