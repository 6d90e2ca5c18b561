public import Postgres

/// Writes the audit log. Called inside the transaction of the change it records.
enum Audit {
    enum Action: String { case create, update, delete }

    /// Records one change; `before` and `after` are JSON of the rows as stored.
    static func record(
        _ connection: Connection, actor: String, action: Action, entity: String, id: String,
        before: String?, after: String?
    ) throws {
        try connection.execute("""
            INSERT INTO audit_log (actor, action, entity, entity_id, before, after)
            VALUES (\(actor), \(action.rawValue), \(entity), \(id), \(before)::jsonb, \(after)::jsonb)
            """)
    }
}

/// One row of the audit log.
public struct AuditEntry: Sendable, Hashable, Codable {
    public let id: Int
    public let actor: String
    public let action: String
    public let entity: String
    public let entityID: String
    public let before: String?
    public let after: String?
}

/// Reads the audit log.
public struct AuditLog: Sendable {
    let pool: PostgresPool

    /// Creates a reader on a pool.
    public init(pool: PostgresPool) { self.pool = pool }

    /// The entries about one entity, oldest first.
    public func entries(entity: String, id: String) throws -> [AuditEntry] {
        try pool.withConnection { connection in
            try connection.query("""
                SELECT id, actor, action, entity, entity_id, before::text, after::text
                FROM audit_log WHERE entity = \(entity) AND entity_id = \(id) ORDER BY id
                """).decode((Int, String, String, String, String, String?, String?).self)
                .map { AuditEntry(id: $0.0, actor: $0.1, action: $0.2, entity: $0.3, entityID: $0.4, before: $0.5, after: $0.6) }
        }
    }
}
