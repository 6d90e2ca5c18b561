import CLibPQ

/// The parameters of one statement, laid out the way `PQexecParams` takes them.
///
/// All values share one byte buffer; text-format values are NUL-terminated
/// there, as libpq requires.
public struct PostgresBindings: Sendable, Hashable {
    /// Binary (1) or text (0), per parameter.
    enum Format: Int32 { case text = 0, binary = 1 }

    private(set) var types: [Oid] = []
    private(set) var formats: [Int32] = []
    private(set) var lengths: [Int32] = []
    /// Start of each value in `bytes`, or -1 for NULL.
    private(set) var offsets: [Int] = []
    private(set) var bytes: [UInt8] = []

    /// Creates empty bindings.
    public init() {}

    /// How many parameters are bound.
    public var count: Int { types.count }

    /// Binds a value as the next parameter.
    public mutating func append(_ value: some PostgresEncodable) {
        value.bind(into: &self)
    }

    /// Binds SQL NULL as the next parameter.
    public mutating func appendNull(type: PostgresDataType = .unspecified) {
        types.append(type.rawValue)
        formats.append(Format.text.rawValue)
        lengths.append(0)
        offsets.append(-1)
    }

    /// Binds the next parameter in binary form, written by `write`.
    public mutating func appendBinary(type: PostgresDataType, _ write: (inout [UInt8]) -> Void) {
        let start = bytes.count
        write(&bytes)
        types.append(type.rawValue)
        formats.append(Format.binary.rawValue)
        lengths.append(Int32(bytes.count - start))
        offsets.append(start)
    }

    /// Binds the next parameter in text form, for the server to parse.
    public mutating func appendText(type: PostgresDataType, _ text: String) {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        types.append(type.rawValue)
        formats.append(Format.text.rawValue)
        lengths.append(Int32(bytes.count - start))
        offsets.append(start)
        bytes.append(0)
    }

    /// Binds every parameter of `other` after these, in its order.
    public mutating func append(contentsOf other: PostgresBindings) {
        let base = bytes.count
        types += other.types
        formats += other.formats
        lengths += other.lengths
        offsets += other.offsets.map { $0 < 0 ? $0 : base + $0 }
        bytes += other.bytes
    }

    /// Calls `body` with the C arrays `PQexecParams` takes; the pointers are valid only inside it.
    func withUnsafeParameters<Result>(
        _ body: (
            _ count: Int32,
            _ types: UnsafePointer<Oid>?,
            _ values: UnsafePointer<UnsafePointer<CChar>?>?,
            _ lengths: UnsafePointer<Int32>?,
            _ formats: UnsafePointer<Int32>?
        ) throws -> Result
    ) rethrows -> Result {
        if types.isEmpty { return try body(0, nil, nil, nil, nil) }
        // An empty array may have no base address; zero-length values still need one.
        let storage = bytes.isEmpty ? [0] : bytes
        return try storage.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { chars in
                let base = chars.baseAddress
                let values: [UnsafePointer<CChar>?] = offsets.map { offset in
                    guard offset >= 0, let base else { return nil }
                    return base + offset
                }
                return try types.withUnsafeBufferPointer { types in
                    try values.withUnsafeBufferPointer { values in
                        try lengths.withUnsafeBufferPointer { lengths in
                            try formats.withUnsafeBufferPointer { formats in
                                try body(Int32(self.types.count), types.baseAddress, values.baseAddress, lengths.baseAddress, formats.baseAddress)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension [UInt8] {
    /// Appends a big-endian integer, as PostgreSQL's binary formats want.
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
