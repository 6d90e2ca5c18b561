/// The rows a statement returned, copied out of libpq into Swift memory.
///
/// All values live in one byte buffer, so a result costs a few allocations
/// however many rows it has, and it can cross threads freely.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// A column of the result.
    public struct Column: Sendable, Hashable {
        /// The column's name (its alias in the select list).
        public let name: String
        /// The column's type.
        public let type: PostgresDataType
    }

    final class Storage: Sendable {
        let columns: [Column]
        let columnIndex: [String: Int]
        /// The text of every value, row by row.
        let bytes: [UInt8]
        /// Start of each value in `bytes`, or -1 for NULL; `rowCount * columns.count` entries.
        let offsets: [Int]
        /// Length of each value.
        let lengths: [Int32]

        init(columns: [Column], bytes: [UInt8], offsets: [Int], lengths: [Int32]) {
            self.columns = columns
            var index: [String: Int] = [:]
            for (position, column) in columns.enumerated() where index[column.name] == nil {
                index[column.name] = position
            }
            self.columnIndex = index
            self.bytes = bytes
            self.offsets = offsets
            self.lengths = lengths
        }
    }

    let storage: Storage
    /// How many rows an `INSERT`, `UPDATE`, `DELETE` or `COPY` touched, or were returned.
    public let affectedRows: Int

    /// The columns of the result.
    public var columns: [Column] { storage.columns }

    /// The index of the first row.
    public var startIndex: Int { 0 }

    /// One past the index of the last row.
    public var endIndex: Int { storage.columns.isEmpty ? 0 : storage.offsets.count / storage.columns.count }

    /// The row at `position`.
    public subscript(position: Int) -> PostgresRow {
        PostgresRow(storage: storage, row: position)
    }

    /// Decodes every row as a tuple of the given types, column by column.
    ///
    /// ```swift
    /// for (id, name) in try rows.decode((Int, String).self) { … }
    /// ```
    /// - Throws: ``PostgresDecodingError`` naming the first column that does not fit.
    public func decode<each Value: PostgresDecodable>(_ types: (repeat each Value).Type) throws -> [(repeat each Value)] {
        try map { try $0.decode(types) }
    }
}

/// One row of a result.
public struct PostgresRow: Sendable {
    let storage: PostgresRows.Storage
    let row: Int

    /// The columns of the row.
    public var columns: [PostgresRows.Column] { storage.columns }

    /// Decodes the value of the column at `index`.
    ///
    /// - Throws: ``PostgresDecodingError`` naming the column, its SQL type and the Swift type.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type, at index: Int) throws(PostgresDecodingError) -> Value {
        guard index >= 0, index < storage.columns.count else {
            throw PostgresDecodingError(column: "#\(index)", sqlType: nil, swiftType: "\(Value.self)", reason: "no such column (the result has \(storage.columns.count))")
        }
        let column = storage.columns[index]
        let cell = row * storage.columns.count + index
        let offset = storage.offsets[cell]
        do throws(PostgresDecodingFailure) {
            if offset < 0 { return try Value.postgresNull() }
            let length = Int(storage.lengths[cell])
            let result = storage.bytes.withUnsafeBytes { buffer in
                Result { () throws(PostgresDecodingFailure) in
                    try Value(postgresText: UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + length]), type: column.type)
                }
            }
            return try result.get()
        } catch {
            throw PostgresDecodingError(column: column.name, sqlType: column.type, swiftType: "\(Value.self)", reason: error.reason)
        }
    }

    /// Decodes the value of the column named `name`.
    ///
    /// - Throws: ``PostgresDecodingError`` naming the column, its SQL type and the Swift type.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type, _ name: String) throws(PostgresDecodingError) -> Value {
        guard let index = storage.columnIndex[name] else {
            throw PostgresDecodingError(
                column: name, sqlType: nil, swiftType: "\(Value.self)",
                reason: "no such column (the result has \(storage.columns.map(\.name).joined(separator: ", ")))")
        }
        return try decode(type, at: index)
    }

    /// Whether the column at `index` is NULL.
    public func isNull(at index: Int) -> Bool {
        storage.offsets[row * storage.columns.count + index] < 0
    }

    /// Decodes the row's columns, in order, as a tuple.
    public func decode<each Value: PostgresDecodable>(_ types: (repeat each Value).Type) throws -> (repeat each Value) {
        let cursor = ColumnCursor()
        return (repeat try decode((each Value).self, at: cursor.next()))
    }
}

/// Counts columns while a tuple is decoded left to right.
private final class ColumnCursor {
    private var index = -1
    func next() -> Int {
        index += 1
        return index
    }
}

/// A column whose value could not become the Swift type asked for.
public struct PostgresDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The column's name.
    public let column: String
    /// The column's SQL type, or `nil` when there was no such column.
    public let sqlType: PostgresDataType?
    /// The Swift type asked for.
    public let swiftType: String
    /// Why it did not fit.
    public let reason: String

    /// Creates an error, for code that decodes further what a row holds (an enum's raw value).
    public init(column: String, sqlType: PostgresDataType?, swiftType: String, reason: String) {
        self.column = column
        self.sqlType = sqlType
        self.swiftType = swiftType
        self.reason = reason
    }

    /// `column "tier" (integer) cannot be read as Bool: cannot be read from integer`.
    public var description: String {
        let type = sqlType.map { " (\($0))" } ?? ""
        return "column \"\(column)\"\(type) cannot be read as \(swiftType): \(reason)"
    }
}
