import Postgres

/// Where a page of a list ends: the sort-key values of its last row, as text.
///
/// Opaque to callers; they hand back the mark a page gave them to read the next one.
public struct PageMark: Sendable, Hashable, Codable {
    public let keys: [String]

    public init(keys: [String]) { self.keys = keys }

    /// A mark that no page of this list gave out: another list's, or edited.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String { "cursor is not one this list gave out; start again without it" }
    }
}

/// A page of a list, and the mark of the next page if there is one.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let next: PageMark?
    /// The mark of the last item, whether or not more follow: where a list read in parts goes on from.
    var end: PageMark? = nil
}

/// Keyset pagination over SQL sort keys that are never NULL and end with a unique one (an id).
///
/// A page starts strictly after the keys of the previous page's last row, so pages never repeat or skip a row
/// that existed when the first page was read, whatever is inserted or deleted meanwhile.
struct Keyset {
    /// The SQL type of a sort key: what a page mark's text is checked against and cast to.
    enum KeyType: String, Sendable {
        case bigint, date, text

        /// Whether `value` is text PostgreSQL reads as this type.
        func accepts(_ value: String) -> Bool {
            switch self {
            case .bigint: Int64(value) != nil
            case .date: Keyset.isISODate(value)
            case .text: true
            }
        }
    }

    /// A sort key: an SQL expression and its type, such as `("lower(v.name)", .text)`, `("v.id", .bigint)`.
    struct Key {
        let expression: PostgresQuery
        let type: KeyType
    }

    let keys: [Key]
    let descending: Bool

    init(keys: [(PostgresQuery, KeyType)], descending: Bool) {
        self.keys = keys.map { Key(expression: $0.0, type: $0.1) }
        self.descending = descending
    }

    /// A timestamp as whole microseconds since 1970, a key that reads back exactly whatever the session's settings.
    static func microseconds(_ timestamp: PostgresQuery) -> PostgresQuery {
        "(extract(epoch FROM \(timestamp)) * 1000000)::bigint"
    }

    /// Whether `text` is a date as PostgreSQL writes one in ISO style, YYYY-MM-DD.
    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.map(\.count) == [4, 2, 2] && parts.allSatisfy { $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    /// `ORDER BY` terms.
    var order: PostgresQuery {
        let direction: PostgresQuery = descending ? "DESC" : "ASC"
        return keys.map { "\($0.expression) \(direction)" }.joined(separator: ", ")
    }

    /// Select-list items naming the keys `page_key_0`, `page_key_1`, …, as text.
    var selection: PostgresQuery {
        keys.indices.map { "(\(keys[$0].expression))::text AS \(unsafeRaw: "page_key_\($0)")" }.joined(separator: ", ")
    }

    /// The condition of rows after `mark`, binding its values; `TRUE` without a mark.
    ///
    /// - Throws: ``PageMark/Invalid`` when the mark has another shape or a value of the wrong type.
    func condition(after mark: PageMark?) throws -> PostgresQuery {
        guard let mark else { return "TRUE" }
        guard mark.keys.count == keys.count else {
            throw PageMark.Invalid()
        }
        var values: [PostgresQuery] = []
        for (key, value) in zip(keys, mark.keys) {
            guard key.type.accepts(value) else { throw PageMark.Invalid() }
            values.append("\(value)::text::\(unsafeRaw: key.type.rawValue)")
        }
        let comparison: PostgresQuery = descending ? "<" : ">"
        return "(\(keys.map(\.expression).joined(separator: ", "))) \(comparison) (\(values.joined(separator: ", ")))"
    }

    /// The first `limit` of `rows` (read with `LIMIT limit + 1`), and the mark after them when more follow.
    func page<Item>(_ rows: PostgresRows, limit: Int, _ item: (PostgresRow) throws -> Item) throws -> Page<Item> {
        var items: [Item] = []
        var last: PostgresRow?
        for row in rows {
            guard items.count < limit else { break }
            items.append(try item(row))
            last = row
        }
        let end = try last.map { row in PageMark(keys: try keys.indices.map { try row.decode(String.self, "page_key_\($0)") }) }
        return Page(items: items, next: rows.count > limit ? end : nil, end: end)
    }
}

extension Keyset {
    /// Reads a page: `SELECT columns FROM source WHERE condition` after `mark`, in this keyset's order,
    /// `limit` rows at most (all without a limit).
    func read<Item>(
        _ connection: Connection, columns: PostgresQuery, from source: PostgresQuery, where condition: PostgresQuery = "TRUE",
        after mark: PageMark?, limit: Int?, _ item: (PostgresRow) throws -> Item
    ) throws -> Page<Item> {
        let limitClause: PostgresQuery = limit.map { " LIMIT \($0 + 1)" } ?? ""
        let rows = try connection.query("""
            SELECT \(columns), \(selection) FROM \(source)
            WHERE (\(condition)) AND \(try self.condition(after: mark))
            ORDER BY \(order)\(limitClause)
            """)
        return try page(rows, limit: limit ?? Int.max, item)
    }
}

extension Array where Element == PostgresQuery {
    /// The fragments one after the other, `separator` between them; each keeps its own bound values.
    func joined(separator: String) -> PostgresQuery {
        guard var result = first else { return "" }
        for fragment in dropFirst() { result = "\(result)\(unsafeRaw: separator)\(fragment)" }
        return result
    }
}
