public import Foundation
import Postgres

/// What the reminder job finds to do on a day.
public struct ReminderPlan: Sendable, Hashable, Codable {
    /// An open assessment due within `days` (7, 3 or 1) that has not had that reminder.
    public struct Reminder: Sendable, Hashable, Codable {
        public let assessment: AssessmentSummary
        public let days: Int
        /// Makes the reminder happen at most once.
        public var dedupeKey: String { "reminder:\(days):assessment:\(assessment.id)" }
    }

    public let reminders: [Reminder]
    /// Open, unsubmitted assessments past their due date, not yet marked overdue.
    public let overdue: [AssessmentSummary]
    /// Unsubmitted assessments whose every link has expired: they are closed as expired.
    public let expired: [AssessmentSummary]
}

/// Reminders before the due date, and overdue and expired assessments after it.
public struct ReminderStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// The days before the due date a reminder goes out.
    public static let reminderDays = [7, 3, 1]

    /// What is due on `asOf`. Only the most urgent reminder of an assessment is planned: a job that did not run
    /// for a week does not send three at once.
    public func plan(asOf: Date) throws -> ReminderPlan {
        try database.withConnection { connection in
            // The ids first, by cheap queries; then the summaries of those alone. (Asked for in one query, the
            // summaries' per-row counts made the planner start parallel workers for what is usually nothing.)
            func ids(_ condition: PostgresQuery) throws -> [Int] {
                try connection.query("SELECT a.id FROM assessments a WHERE \(condition) ORDER BY a.id").map { try $0.decode(Int.self, at: 0) }
            }
            let open = try AssessmentOutreachStore.summaries(connection, ids: try ids(
                "a.status IN ('sent', 'in_progress') AND a.due_at > \(asOf) AND a.due_at <= \(asOf) + interval '7 days'"))
            let sent = Set(try connection.query("""
                SELECT dedupe_key FROM outbox WHERE kind = 'reminder' AND assessment_id = ANY(\(open.map { String($0.id) })::text[]::bigint[])
                """).map { try $0.decode(String.self, at: 0) })
            var reminders: [ReminderPlan.Reminder] = []
            for assessment in open {
                let daysLeft = assessment.dueAt.timeIntervalSince(asOf) / 86_400
                guard let days = Self.reminderDays.sorted().first(where: { daysLeft <= Double($0) }) else { continue }
                let reminder = ReminderPlan.Reminder(assessment: assessment, days: days)
                if !sent.contains(reminder.dedupeKey) { reminders.append(reminder) }
            }
            let overdue = try AssessmentOutreachStore.summaries(connection, ids: try ids(
                "a.status IN ('sent', 'in_progress') AND a.due_at <= \(asOf) AND a.overdue_at IS NULL"))
            let expired = try AssessmentOutreachStore.summaries(connection, ids: try ids("""
                a.status IN ('sent', 'in_progress')
                AND NOT EXISTS (SELECT 1 FROM assessment_links l WHERE l.assessment_id = a.id AND l.revoked_at IS NULL AND l.expires_at > \(asOf))
                """))
            return ReminderPlan(reminders: reminders, overdue: overdue, expired: expired)
        }
    }

    /// Writes a reminder unless it was written before. - Returns: whether it was written now.
    @discardableResult
    public func remind(_ reminder: ReminderPlan.Reminder, message: OutgoingMessage) throws -> Bool {
        var message = message
        message.dedupeKey = reminder.dedupeKey
        return try database.transaction { try OutboxStore.enqueue($0, message, assessment: reminder.assessment.id) }
    }

    /// Marks an assessment overdue and writes its emails (to the supplier, and the escalation to us), once.
    /// - Returns: whether it was marked now (false when another run did it first).
    @discardableResult
    public func markOverdue(_ assessment: Int, asOf: Date, messages: [OutgoingMessage], actor: String) throws -> Bool {
        try database.transaction { connection in
            let before = try RowSnapshot.json(connection, table: "assessments", id: assessment)
            guard try connection.query("""
                UPDATE assessments SET overdue_at = \(asOf) WHERE id = \(assessment) AND overdue_at IS NULL AND status IN ('sent', 'in_progress') RETURNING id
                """).count == 1 else { return false }
            for message in messages { try OutboxStore.enqueue(connection, message, assessment: assessment) }
            try Audit.record(connection, actor: actor, action: .update, entity: "assessment", id: String(assessment), before: before,
                             after: try RowSnapshot.json(connection, table: "assessments", id: assessment))
            return true
        }
    }

    /// Closes an unsubmitted assessment whose links have all expired. - Returns: whether it was closed now.
    @discardableResult
    public func expire(_ assessment: Int, actor: String) throws -> Bool {
        try database.transaction { connection in
            let before = try RowSnapshot.json(connection, table: "assessments", id: assessment)
            guard try connection.query("""
                UPDATE assessments SET status = 'expired' WHERE id = \(assessment) AND status IN ('sent', 'in_progress') RETURNING id
                """).count == 1 else { return false }
            try Audit.record(connection, actor: actor, action: .update, entity: "assessment", id: String(assessment), before: before,
                             after: try RowSnapshot.json(connection, table: "assessments", id: assessment))
            return true
        }
    }
}
