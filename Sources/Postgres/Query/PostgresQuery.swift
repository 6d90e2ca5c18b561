/// A statement and its parameters, built by string interpolation.
///
/// Every interpolated value becomes a `$n` placeholder and is bound, never
/// spliced into the SQL text:
/// ```swift
/// let rows = try connection.query("SELECT id FROM vendors WHERE slug = \(slug)")
/// ```
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// The SQL text with `$1, $2 …` placeholders.
    public var sql: String
    /// The bound parameters.
    public var bindings: PostgresBindings

    /// Creates a query from SQL and already-bound parameters.
    public init(unsafeSQL sql: String, bindings: PostgresBindings = PostgresBindings()) {
        self.sql = sql
        self.bindings = bindings
    }

    /// Creates a query from a literal with no parameters.
    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    /// Creates a query from an interpolation.
    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, bindings: stringInterpolation.bindings)
    }

    /// Collects literal SQL and bound values.
    public struct StringInterpolation: StringInterpolationProtocol {
        var sql: String
        var bindings = PostgresBindings()

        /// Reserves room for the literal parts.
        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        /// Appends SQL text.
        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds a value and appends its placeholder.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            bindings.append(value)
            sql += "$\(bindings.count)"
        }

        /// Appends SQL text as it is: for column lists and other fragments the program itself wrote,
        /// never for values.
        public mutating func appendInterpolation(unsafeRaw sql: String) {
            self.sql += sql
        }

        /// Appends a fragment built the same way (a condition, a column list), binding its values after those
        /// bound so far: its `$1, $2 …` are renumbered to follow them.
        ///
        /// ```swift
        /// var condition: PostgresQuery = "TRUE"
        /// if let tier { condition = "\(condition) AND v.tier = \(tier)" }
        /// let rows = try connection.query("SELECT v.id FROM vendors v WHERE \(condition) LIMIT \(limit)")
        /// ```
        public mutating func appendInterpolation(_ fragment: PostgresQuery) {
            sql += PostgresQuery.renumbering(fragment.sql, by: bindings.count)
            bindings.append(contentsOf: fragment.bindings)
        }

        /// Binds an optional value (NULL for `nil`) and appends its placeholder.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(value)
            sql += "$\(bindings.count)"
        }
    }
}

extension PostgresQuery {
    /// `sql` with every placeholder `$n` made `$(n + offset)`, except inside string literals, quoted identifiers
    /// and dollar-quoted strings (`$$ … $$`, `$tag$ … $tag$`).
    static func renumbering(_ sql: String, by offset: Int) -> String {
        let bytes = Array(sql.utf8)
        guard offset > 0, bytes.contains(UInt8(ascii: "$")) else { return sql }
        func isWord(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte >= 0x80
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                // A literal or quoted identifier runs to the next quote of its kind (a doubled one stays inside).
                let end = bytes[(index + 1)...].firstIndex(of: byte).map { $0 + 1 } ?? bytes.count
                result += bytes[index..<end]
                index = end
            } else if byte == UInt8(ascii: "$"), index + 1 < bytes.count, isDigit(bytes[index + 1]), index == 0 || !isWord(bytes[index - 1]) {
                var end = index + 1
                while end < bytes.count, isDigit(bytes[end]) { end += 1 }
                result += Array("$\(Int(String(decoding: bytes[(index + 1)..<end], as: UTF8.self))! + offset)".utf8)
                index = end
            } else if byte == UInt8(ascii: "$"), index == 0 || !isWord(bytes[index - 1]),
                      let close = bytes[(index + 1)...].firstIndex(where: { !isWord($0) }), bytes[close] == UInt8(ascii: "$") {
                // A dollar quote (a tag never starts with a digit: that was a placeholder): `$tag$` up to the same `$tag$`.
                let tag = Array(bytes[index...close])
                var end = close + 1
                while end + tag.count <= bytes.count, Array(bytes[end..<(end + tag.count)]) != tag { end += 1 }
                end = min(bytes.count, end + tag.count)
                result += bytes[index..<end]
                index = end
            } else {
                result.append(byte)
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
