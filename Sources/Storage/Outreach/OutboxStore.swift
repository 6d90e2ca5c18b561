public import Foundation
import Postgres

/// An email to send, rendered when the change that causes it is made.
public struct OutgoingMessage: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case invitation, reminder, changesRequested = "changes_requested", overdue, escalation, receipt, passwordLink = "password_link"
    }

    public var kind: Kind
    /// Makes the message happen at most once, such as `reminder:7:assessment:12`.
    public var dedupeKey: String
    public var recipients: [String]
    public var subject: String
    public var text: String
    public var html: String

    public init(kind: Kind, dedupeKey: String, recipients: [String], subject: String, text: String, html: String) {
        self.kind = kind
        self.dedupeKey = dedupeKey
        self.recipients = recipients
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// A message of the outbox, as stored.
public struct OutboxMessage: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case pending, sent, dead
    }

    public let id: Int
    public let message: OutgoingMessage
    public let assessmentID: Int?
    public let status: Status
    public let attempts: Int
    public let nextAttemptAt: Date
    public let lastError: String?
    public let createdAt: Date
    public let sentAt: Date?
}

/// The outbox: emails written with the change that causes them, delivered by the outreach loop.
public struct OutboxStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// How long a claimed message stays reserved for its sender; after that another loop may try it.
    public static let lease: Duration = .seconds(300)

    /// Writes a message in the caller's transaction; a message whose dedupe key exists is skipped.
    /// - Returns: whether it was written.
    @discardableResult
    static func enqueue(_ connection: Connection, _ message: OutgoingMessage, assessment: Int?) throws -> Bool {
        try connection.query("""
            INSERT INTO outbox (kind, dedupe_key, assessment_id, recipients, subject, text_body, html_body)
            VALUES (\(message.kind.rawValue), \(message.dedupeKey), \(assessment), \(message.recipients), \(message.subject), \(message.text), \(message.html))
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
            """).count == 1
    }

    /// Writes a message on its own; skipped when its dedupe key exists.
    @discardableResult
    public func enqueue(_ message: OutgoingMessage, assessment: Int? = nil) throws -> Bool {
        try database.transaction { try Self.enqueue($0, message, assessment: assessment) }
    }

    /// Reserves up to `limit` due messages for one sender, committing at once: counts the attempt and
    /// moves the next attempt past the lease, so no other loop takes them meanwhile.
    public func claim(limit: Int, now: Date = Date()) throws -> [OutboxMessage] {
        try database.withConnection { connection in
            try connection.query("""
                UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = \(now) + make_interval(secs => \(Self.lease.timeInterval))
                WHERE o.id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= \(now)
                               ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING \(Self.columns)
                """).map(Self.message).sorted { $0.id < $1.id }
        }
    }

    /// Records a delivery.
    public func markSent(_ id: Int, at: Date = Date()) throws {
        try database.withConnection { try $0.execute("UPDATE outbox SET status = 'sent', sent_at = \(at), last_error = NULL WHERE id = \(id)") }
    }

    /// Records a failed attempt: retried after `backoff` × 2^(attempts − 1), or dead after `maxAttempts`.
    /// - Returns: whether the message is now dead.
    @discardableResult
    public func markFailed(_ id: Int, error: String, maxAttempts: Int, backoff: Duration, now: Date = Date()) throws -> Bool {
        try database.withConnection { connection in
            try connection.query("""
                UPDATE outbox SET last_error = \(String(error.prefix(2000))),
                    status = CASE WHEN attempts >= \(maxAttempts) THEN 'dead' ELSE 'pending' END,
                    next_attempt_at = \(now) + make_interval(secs => \(backoff.timeInterval) * power(2, greatest(attempts - 1, 0)))
                WHERE id = \(id)
                RETURNING status
                """).first?.decode(String.self, at: 0) == "dead"
        }
    }

    /// How many messages are pending (due now or later) and dead.
    public func depth() throws -> (pending: Int, dead: Int) {
        try database.withConnection { connection in
            try connection.query("""
                SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'dead') FROM outbox
                """)[0].decode((Int, Int).self)
        }
    }

    /// Messages, newest first, of one status or all.
    public func list(status: OutboxMessage.Status? = nil, limit: Int = 100) throws -> [OutboxMessage] {
        try page(status: status, after: nil, limit: limit).items
    }

    /// Up to `limit` messages after `mark`, newest first, and the mark of the next page.
    ///
    /// - Throws: ``PageMark/Invalid`` for a mark of another list.
    public func page(status: OutboxMessage.Status? = nil, after mark: PageMark?, limit: Int?) throws -> Page<OutboxMessage> {
        try database.withConnection { connection in
            try Keyset(keys: [("o.id", .bigint)], descending: true).read(
                connection, columns: Self.columns, from: "outbox o", where: status.map { "o.status = \($0.rawValue)" } ?? "TRUE",
                after: mark, limit: limit, Self.message)
        }
    }

    /// Puts dead messages back in the queue, due now with their attempts reset: one by id, or all.
    /// - Returns: how many.
    /// - Throws: ``StorageError/notFound(_:)`` for an id that is not a dead message.
    /// With an `actor`, the retry is audited (the ids put back).
    public func retry(_ id: Int?, actor: String? = nil) throws -> Int {
        try database.transaction { connection in
            let ids = try connection.query("""
                UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now()
                WHERE status = 'dead' AND (\(id)::bigint IS NULL OR id = \(id)) RETURNING id
                """).decode(Int.self)
            if let id, ids.isEmpty { throw StorageError.notFound("no dead message with id \(id)") }
            if let actor, !ids.isEmpty {
                try Audit.record(connection, actor: actor, action: .update, entity: "outbox", id: id.map(String.init) ?? "all",
                                 before: #"{"status": "dead"}"#, after: "{\"status\": \"pending\", \"ids\": \(ids.sorted())}")
            }
            return ids.count
        }
    }

    static let columns: PostgresQuery = """
        o.id, o.kind, o.dedupe_key, o.recipients, o.subject, o.text_body, o.html_body, o.assessment_id, o.status, o.attempts,
        o.next_attempt_at, o.last_error, o.created_at, o.sent_at
        """

    static func message(_ row: PostgresRow) throws -> OutboxMessage {
        OutboxMessage(
            id: try row.decode(Int.self, "id"),
            message: OutgoingMessage(
                kind: try RawColumn.decode(OutgoingMessage.Kind.self, row, "kind"), dedupeKey: try row.decode(String.self, "dedupe_key"),
                recipients: try row.decode([String].self, "recipients"), subject: try row.decode(String.self, "subject"),
                text: try row.decode(String.self, "text_body"), html: try row.decode(String.self, "html_body")),
            assessmentID: try row.decode(Int?.self, "assessment_id"), status: try RawColumn.decode(OutboxMessage.Status.self, row, "status"),
            attempts: try row.decode(Int.self, "attempts"), nextAttemptAt: try row.decode(Date.self, "next_attempt_at"),
            lastError: try row.decode(String?.self, "last_error"), createdAt: try row.decode(Date.self, "created_at"),
            sentAt: try row.decode(Date?.self, "sent_at"))
    }
}
