public import Foundation
import Postgres

/// Writes the audit log. Called inside the transaction of the change it records.
enum Audit {
    enum Action: String {
        case create, update, delete
        case signIn = "sign_in", signInRefused = "sign_in_refused", signOut = "sign_out"
    }

    /// Records one change; `before` and `after` are JSON of the rows as stored, and the `reason` a person gave for
    /// the change (why a vendor is offboarded, why a questionnaire is cancelled) goes into `after` as `reason`.
    static func record(
        _ connection: Connection, actor: String, action: Action, entity: String, id: String,
        before: String?, after: String?, reason: String? = nil
    ) throws {
        try connection.execute("""
            INSERT INTO audit_log (actor, action, entity, entity_id, before, after)
            VALUES (\(actor), \(action.rawValue), \(entity), \(id), \(before)::jsonb,
                    \(after)::jsonb || CASE WHEN \(reason)::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('reason', \(reason)::text) END)
            """)
    }
}

/// One row of the audit log.
public struct AuditEntry: Sendable, Hashable, Codable {
    public let id: Int
    /// When the change was committed.
    public let at: Date
    public let actor: String
    public let action: String
    public let entity: String
    public let entityID: String
    public let before: String?
    public let after: String?
}

/// Reads the audit log.
public struct AuditLog: Sendable {
    let database: Database

    /// Creates a reader on the database.
    public init(database: Database) { self.database = database }

    /// Entries oldest first (newest first when asked), of one entity, one entity's rows, one actor, or all: `limit`
    /// after `mark`, or all without a limit.
    public func entries(
        entity: String? = nil, id: String? = nil, actor: String? = nil, newestFirst: Bool = false, after mark: PageMark? = nil, limit: Int? = nil
    ) throws -> Page<AuditEntry> {
        try database.withConnection { connection in
            var condition: PostgresQuery = "TRUE"
            if let entity { condition = "\(condition) AND a.entity = \(entity)" }
            if let id { condition = "\(condition) AND a.entity_id = \(id)" }
            if let actor { condition = "\(condition) AND a.actor = \(actor)" }
            return try Keyset(keys: [("a.id", .bigint)], descending: newestFirst).read(
                connection, columns: "a.id, a.at, a.actor, a.action, a.entity, a.entity_id, a.before::text, a.after::text",
                from: "audit_log a", where: condition, after: mark, limit: limit
            ) { row in
                AuditEntry(
                    id: try row.decode(Int.self, at: 0), at: try row.decode(Date.self, at: 1), actor: try row.decode(String.self, at: 2),
                    action: try row.decode(String.self, at: 3), entity: try row.decode(String.self, at: 4), entityID: try row.decode(String.self, at: 5),
                    before: try row.decode(String?.self, at: 6), after: try row.decode(String?.self, at: 7))
            }
        }
    }
}
