import CLibPQ

/// The statements one connection has prepared, by SQL text and parameter types.
struct PreparedStatementCache {
    struct Key: Hashable {
        let sql: String
        let types: [Oid]
    }

    private var names: [Key: String] = [:]
    private var counter = 0

    var count: Int { names.count }

    func name(for key: Key) -> String? { names[key] }

    /// A name never used on this connection.
    mutating func nextName() -> String {
        counter += 1
        return "tprm_\(counter)"
    }

    mutating func insert(_ name: String, for key: Key) { names[key] = name }

    mutating func removeAll() { names.removeAll() }
}
