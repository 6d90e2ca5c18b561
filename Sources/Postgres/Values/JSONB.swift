import Foundation

/// A `Codable` value stored as `jsonb`.
///
/// ```swift
/// try connection.execute("INSERT INTO audit (after) VALUES (\(try JSONB(vendor)))")
/// let profile = try row.decode(JSONB<AIProfile>.self, "profile").value
/// ```
/// Keys are sorted and dates written as ISO 8601, so equal values give equal text.
public struct JSONB<Value: Codable & Sendable>: Sendable, PostgresEncodable, PostgresDecodable {
    /// The wrapped value.
    public let value: Value
    /// Its JSON text.
    let json: [UInt8]

    /// Wraps a value, encoding it at once.
    ///
    /// - Throws: `EncodingError` when the value has no JSON form (a non-finite `Double`).
    public init(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        self.value = value
        self.json = Array(try encoder.encode(value))
    }

    /// Binds as `jsonb` (binary format version 1 followed by the JSON text).
    public func bind(into bindings: inout PostgresBindings) {
        bindings.appendBinary(type: .jsonb) { buffer in
            buffer.append(1)
            buffer.append(contentsOf: json)
        }
    }

    /// Writes the JSON text escaped for COPY.
    public func encodeCopyField(into buffer: inout [UInt8]) {
        CopyText.appendEscaped(json, to: &buffer)
    }

    /// Reads `jsonb` or `json`.
    public init(postgresText text: UnsafeRawBufferPointer, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .jsonb || type == .json || type.isCharacterType else { throw .unsupported(type) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            value = try decoder.decode(Value.self, from: Data(text))
            json = Array(text)
        } catch {
            throw PostgresDecodingFailure("does not decode as \(Value.self): \(error)")
        }
    }
}
