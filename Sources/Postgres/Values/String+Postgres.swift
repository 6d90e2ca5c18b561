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
        self = String(decoding: text, as: UTF8.self)
    }
}
