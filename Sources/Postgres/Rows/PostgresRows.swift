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

    // Storage and the decoding path are inlinable: callers decode millions of cells, and specialised for their
    // types a cell costs a few loads rather than generic metadata lookups and a closure.
    //
    // `@unchecked Sendable`: `bytes` is written once, in `init`, and only read after; it is freed with the storage.
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @usableFromInline let columns: [Column]
        let columnIndex: [String: Int]
        /// The text of every value, row by row, in one allocation.
        @usableFromInline let bytes: UnsafeMutableRawBufferPointer
        /// Start of each value in `bytes`, or -1 for NULL; `rowCount * columns.count` entries.
        @usableFromInline let offsets: [Int]
        /// Length of each value.
        @usableFromInline let lengths: [Int32]

        /// Creates storage of `byteCount` bytes, which `fill` writes once, for cells at `offsets` of `lengths`.
        init(columns: [Column], byteCount: Int, offsets: [Int], lengths: [Int32], fill: (UnsafeMutableRawBufferPointer) -> Void) {
            self.columns = columns
            var index: [String: Int] = [:]
            for (position, column) in columns.enumerated() where index[column.name] == nil {
                index[column.name] = position
            }
            self.columnIndex = index
            self.bytes = .allocate(byteCount: Swift.max(1, byteCount), alignment: 1)
            self.offsets = offsets
            self.lengths = lengths
            fill(bytes)
        }

        deinit { bytes.deallocate() }
    }

    @usableFromInline let storage: Storage
    /// How many rows an `INSERT`, `UPDATE`, `DELETE` or `COPY` touched, or were returned.
    public let affectedRows: Int

    /// The columns of the result.
    public var columns: [Column] { storage.columns }

    /// The index of the first row.
    @inlinable public var startIndex: Int { 0 }

    /// One past the index of the last row.
    @inlinable public var endIndex: Int { storage.columns.isEmpty ? 0 : storage.offsets.count / storage.columns.count }

    /// The row at `position`.
    @inlinable public subscript(position: Int) -> PostgresRow {
        PostgresRow(storage: storage, row: position)
    }

    /// Decodes every row as a tuple of the given types, column by column.
    ///
    /// ```swift
    /// for (id, name) in try rows.decode((Int, String).self) { … }
    /// ```
    /// - Throws: ``PostgresDecodingError`` naming the first column that does not fit.
    @inlinable
    public func decode<each Value: PostgresDecodable>(_ types: (repeat each Value).Type) throws -> [(repeat each Value)] {
        try map { try $0.decode(types) }
    }
}

/// One row of a result.
public struct PostgresRow: Sendable {
    @usableFromInline let storage: PostgresRows.Storage
    @usableFromInline let row: Int

    @inlinable init(storage: PostgresRows.Storage, row: Int) {
        self.storage = storage
        self.row = row
    }

    /// The columns of the row.
    public var columns: [PostgresRows.Column] { storage.columns }

    /// Decodes the value of the column at `index`.
    ///
    /// - Throws: ``PostgresDecodingError`` naming the column, its SQL type and the Swift type.
    @inlinable
    public func decode<Value: PostgresDecodable>(_ type: Value.Type, at index: Int) throws(PostgresDecodingError) -> Value {
        let columns = storage.columns.count
        guard index >= 0, index < columns else { throw Self.noColumn(index, of: columns, as: Value.self) }
        let cell = row * columns + index
        let offset = storage.offsets[cell]
        do throws(PostgresDecodingFailure) {
            if offset < 0 { return try Value.postgresNull() }
            let length = Int(storage.lengths[cell])
            return try Value(postgresText: UnsafeRawBufferPointer(start: storage.bytes.baseAddress! + offset, count: length),
                             type: storage.columns[index].type)
        } catch {
            throw failure(error, at: index, as: Value.self)
        }
    }

    @usableFromInline
    static func noColumn<Value>(_ index: Int, of count: Int, as: Value.Type) -> PostgresDecodingError {
        PostgresDecodingError(column: "#\(index)", sqlType: nil, swiftType: "\(Value.self)", reason: "no such column (the result has \(count))")
    }

    @usableFromInline
    func failure<Value>(_ failure: PostgresDecodingFailure, at index: Int, as: Value.Type) -> PostgresDecodingError {
        let column = storage.columns[index]
        return PostgresDecodingError(column: column.name, sqlType: column.type, swiftType: "\(Value.self)", reason: failure.reason)
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
    @inlinable
    public func decode<each Value: PostgresDecodable>(_ types: (repeat each Value).Type) throws -> (repeat each Value) {
        var index = -1
        func next() -> Int {
            index += 1
            return index
        }
        return (repeat try decode((each Value).self, at: next()))
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
