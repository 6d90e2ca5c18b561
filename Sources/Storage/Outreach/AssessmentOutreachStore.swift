import CivilTime
public import Foundation
import Postgres
public import SupplierRisk

/// Sending assessments, their private links, and the analyst's review.
///
/// Each change commits with its audit row, the email it causes (in the outbox) and, through the
/// triggers of 002_scoring.sql, the rescore of the vendor.
public struct AssessmentOutreachStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    // MARK: Sending

    /// Sends an assessment: snapshot, assessment, private link and invitation, in one transaction.
    ///
    /// - Parameter invitation: the email, given the new assessment's id.
    /// - Throws: ``StorageError/duplicate(_:)`` when the vendor has an open assessment and `force` is not set
    ///   (with it, the open one is cancelled and its links stop working); ``StorageError/notFound(_:)``.
    public func send(_ new: NewAssessment, invitation: (Int) -> OutgoingMessage) throws -> AssessmentSummary {
        let content = try AssessmentStore.snapshotText(new.questionnaire)
        return try database.transaction(subject: new.vendor) { connection in
            let vendorID = try VendorLookup.id(connection, slug: new.vendor)
            if let open = try connection.query("""
                SELECT id, sent_at, due_at FROM assessments
                WHERE vendor_id = \(vendorID) AND status IN ('sent', 'in_progress', 'submitted', 'under_review') FOR UPDATE
                """).first {
                let (id, sentAt, dueAt) = try open.decode((Int, Date, Date).self)
                guard new.force else {
                    throw StorageError.duplicate(
                        "\(new.vendor) has an open assessment (#\(id), sent \(CivilTime.dayText(sentAt)), due \(CivilTime.dayText(dueAt))); "
                            + "send with --force to cancel it and send a new one")
                }
                try Self.cancel(connection, id, actor: new.actor)
            }
            let hash = try AssessmentStore.snapshot(connection, questionnaire: new.questionnaire, content: content)
            let id = try connection.query("""
                INSERT INTO assessments (vendor_id, content_hash, reason, trigger_reason, status, sent_at, due_at, recipient, sent_by)
                VALUES (\(vendorID), \(hash), \(new.reason.rawValue), \(new.triggerReason), 'sent', \(new.sentAt), \(new.dueAt), \(new.recipient), \(new.actor))
                RETURNING id
                """)[0].decode(Int.self, at: 0)
            try connection.execute("""
                INSERT INTO assessment_links (assessment_id, token_hash, expires_at, created_by)
                VALUES (\(id), \(new.tokenHash), \(new.linkExpiresAt), \(new.actor))
                """)
            try OutboxStore.enqueue(connection, invitation(id), assessment: id)
            try Audit.record(connection, actor: new.actor, action: .create, entity: "assessment", id: String(id), before: nil,
                             after: try RowSnapshot.json(connection, table: "assessments", id: id))
            return try Self.summaries(connection, where: "a.id = \(id)")[0]
        }
    }

    /// Revokes an open assessment's links and makes a new one, emailing it to the recipient.
    ///
    /// - Parameter message: the email with the new link.
    /// - Throws: ``StorageError/notFound(_:)``, or ``StorageError/invalid(field:reason:)`` when the assessment is closed.
    public func relink(_ assessment: Int, tokenHash: Data, expiresAt: Date, actor: String, message: (AssessmentSummary) -> OutgoingMessage) throws -> AssessmentSummary {
        try database.transaction { connection in
            let summary = try Self.locked(connection, assessment)
            if let problem = summary.status.problem(.relink, name: "#\(assessment)") {
                throw StorageError.conflict(field: "assessment", reason: problem)
            }
            try connection.execute("UPDATE assessment_links SET revoked_at = now() WHERE assessment_id = \(assessment) AND revoked_at IS NULL")
            let link = try connection.query("""
                INSERT INTO assessment_links (assessment_id, token_hash, expires_at, created_by)
                VALUES (\(assessment), \(tokenHash), \(expiresAt), \(actor)) RETURNING id
                """)[0].decode(Int.self, at: 0)
            var email = message(summary)
            email.dedupeKey += ":link:\(link)"
            try OutboxStore.enqueue(connection, email, assessment: assessment)
            try Audit.record(connection, actor: actor, action: .update, entity: "assessment_link", id: "\(assessment)/\(link)",
                             before: nil, after: "{\"revokedEarlierLinks\": true}")
            return summary
        }
    }

    static func cancel(_ connection: Connection, _ id: Int, actor: String, reason: String? = nil) throws {
        let before = try RowSnapshot.json(connection, table: "assessments", id: id)
        try connection.execute("UPDATE assessments SET status = 'cancelled', cancelled_at = now() WHERE id = \(id)")
        try connection.execute("UPDATE assessment_links SET revoked_at = now() WHERE assessment_id = \(id) AND revoked_at IS NULL")
        try Audit.record(connection, actor: actor, action: .update, entity: "assessment", id: String(id), before: before,
                         after: try RowSnapshot.json(connection, table: "assessments", id: id), reason: reason)
    }

    // MARK: Reading

    /// Assessments, newest first: of one vendor, of some statuses, or all.
    public func list(vendor: String? = nil, statuses: [AssessmentStatus] = [], limit: Int = 200) throws -> [AssessmentSummary] {
        try page(vendor: vendor, statuses: statuses, after: nil, limit: limit).items
    }

    /// Up to `limit` assessments after `mark`, newest first, and the mark of the next page.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` for an unknown vendor, ``PageMark/Invalid`` for a mark of another list.
    public func page(vendor: String? = nil, statuses: [AssessmentStatus] = [], after mark: PageMark?, limit: Int?) throws -> Page<AssessmentSummary> {
        try database.withConnection { connection in
            var condition: PostgresQuery = "TRUE"
            if let vendor { condition = "\(condition) AND a.vendor_id = \(try VendorLookup.id(connection, slug: vendor))" }
            if !statuses.isEmpty { condition = "\(condition) AND a.status = ANY(\(statuses.map(\.rawValue)))" }
            return try Keyset(keys: [("a.id", .bigint)], descending: true).read(
                connection, columns: Self.summaryColumns, from: Self.summaryTables, where: condition, after: mark, limit: limit, Self.summary)
        }
    }

    /// One assessment with its questionnaire as sent, answers and evidence.
    public func detail(_ id: Int) throws -> AssessmentDetail {
        try database.withConnection { connection in
            guard let summary = try Self.summaries(connection, where: "a.id = \(id)").first else {
                throw StorageError.notFound("no assessment with id \(id)")
            }
            return AssessmentDetail(
                summary: summary, questionnaire: try Self.questionnaire(connection, id), answers: try Self.answers(connection, id),
                evidence: try Self.evidence(connection, id),
                linkExpiresAt: try connection.query("""
                    SELECT max(expires_at) FROM assessment_links WHERE assessment_id = \(id) AND revoked_at IS NULL AND expires_at > now()
                    """)[0].decode(Date?.self, at: 0))
        }
    }

    /// An evidence file's record and content.
    public func evidenceContent(assessment: Int, file: Int) throws -> (EvidenceFile, Data) {
        try database.withConnection { connection in
            guard let row = try connection.query("""
                SELECT \(Self.evidenceColumns), content FROM evidence_files WHERE assessment_id = \(assessment) AND id = \(file)
                """).first else {
                throw StorageError.notFound("assessment \(assessment) has no evidence file \(file)")
            }
            return (try Self.evidenceFile(row), try row.decode(Data.self, "content"))
        }
    }

    // MARK: Review

    /// A verdict on one answer, with a note: accepted answers count as verified, flagged ones as failed.
    public func review(_ assessment: Int, question: String, verdict: Answer.Verdict, note: String?, actor: String) throws -> StoredAnswer {
        try review(assessment, questions: [question], verdict: verdict, note: note, actor: actor)[0]
    }

    /// The same verdict and note on several answers at once (a whole domain accepted), in one transaction: all of them
    /// or, if one question has no answer, none. Each answer changed is audited on its own.
    public func review(_ assessment: Int, questions: [String], verdict: Answer.Verdict, note: String?, actor: String) throws -> [StoredAnswer] {
        try database.transaction { connection in
            let summary = try Self.locked(connection, assessment)
            if let problem = summary.status.problem(.review, name: "#\(assessment)") {
                throw StorageError.conflict(field: "assessment", reason: problem)
            }
            for question in questions {
                let before = try connection.query("""
                    SELECT to_jsonb(a)::text FROM answers a WHERE assessment_id = \(assessment) AND question_id = \(question)
                    """).first?.decode(String.self, at: 0)
                guard let before else { throw StorageError.notFound("assessment \(assessment) has no answer to \(question)") }
                try connection.execute("""
                    UPDATE answers SET verdict = \(verdict.rawValue), reviewer_note = \(note), reviewed_by = \(actor), reviewed_at = now()
                    WHERE assessment_id = \(assessment) AND question_id = \(question)
                    """)
                let after = try connection.query("""
                    SELECT to_jsonb(a)::text FROM answers a WHERE assessment_id = \(assessment) AND question_id = \(question)
                    """)[0].decode(String.self, at: 0)
                try Audit.record(connection, actor: actor, action: .update, entity: "answer", id: "\(assessment)/\(question)", before: before, after: after)
            }
            if summary.status == .submitted, !questions.isEmpty {
                try connection.execute("UPDATE assessments SET status = 'under_review' WHERE id = \(assessment)")
            }
            let answers = try Self.answers(connection, assessment)
            return questions.compactMap { question in answers.first { $0.questionID == question } }
        }
    }

    /// Sends a submitted assessment back to the supplier with a note: it is in progress again, and emailed.
    public func requestChanges(_ assessment: Int, note: String, actor: String, message: (AssessmentSummary) -> OutgoingMessage) throws -> AssessmentSummary {
        try transition(assessment, .requestChanges, actor: actor) { connection, summary in
            try connection.execute("""
                UPDATE assessments SET status = 'in_progress', changes_requested = \(note) WHERE id = \(assessment)
                """)
            var email = message(summary)
            email.dedupeKey += ":\(try connection.query("SELECT count(*) FROM outbox WHERE assessment_id = \(assessment) AND kind = 'changes_requested'")[0].decode(Int.self, at: 0))"
            try OutboxStore.enqueue(connection, email, assessment: assessment)
        }
    }

    /// Completes a reviewed assessment: its answers, as reviewed, are the vendor's current ones.
    public func complete(_ assessment: Int, actor: String) throws -> AssessmentSummary {
        try transition(assessment, .complete, actor: actor) { connection, _ in
            try connection.execute("UPDATE assessments SET status = 'completed', completed_at = now() WHERE id = \(assessment)")
        }
    }

    /// Cancels an open assessment; its links stop working. The `reason` given is kept in the audit log.
    public func cancel(_ assessment: Int, actor: String, reason: String? = nil) throws -> AssessmentSummary {
        try database.transaction { connection in
            let summary = try Self.locked(connection, assessment)
            if let problem = summary.status.problem(.cancel, name: "#\(assessment)") {
                throw StorageError.conflict(field: "assessment", reason: problem)
            }
            try Self.cancel(connection, assessment, actor: actor, reason: reason)
            return try Self.summaries(connection, where: "a.id = \(assessment)")[0]
        }
    }

    func transition(
        _ assessment: Int, _ action: AssessmentStatus.Action, actor: String,
        _ change: (Connection, AssessmentSummary) throws -> Void
    ) throws -> AssessmentSummary {
        try database.transaction { connection in
            let summary = try Self.locked(connection, assessment)
            if let problem = summary.status.problem(action, name: "#\(assessment)") {
                throw StorageError.conflict(field: "assessment", reason: problem)
            }
            let before = try RowSnapshot.json(connection, table: "assessments", id: assessment)
            try change(connection, summary)
            try Audit.record(connection, actor: actor, action: .update, entity: "assessment", id: String(assessment), before: before,
                             after: try RowSnapshot.json(connection, table: "assessments", id: assessment))
            return try Self.summaries(connection, where: "a.id = \(assessment)")[0]
        }
    }

    // MARK: Rows

    static func locked(_ connection: Connection, _ id: Int) throws -> AssessmentSummary {
        guard try connection.query("SELECT 1 FROM assessments WHERE id = \(id) FOR UPDATE").count == 1,
              let summary = try summaries(connection, where: "a.id = \(id)").first else {
            throw StorageError.notFound("no assessment with id \(id)")
        }
        return summary
    }

    static let summaryColumns: PostgresQuery = """
        a.id, v.slug, v.name, q.template_key, q.template_version, a.reason, a.trigger_reason, a.status, a.recipient, a.sent_at, a.due_at,
        a.submitted_at, a.completed_at, a.overdue_at, a.changes_requested,
        (SELECT count(*) FROM answers x WHERE x.assessment_id = a.id) AS answered,
        (SELECT count(*) FROM answers x WHERE x.assessment_id = a.id AND x.verdict = 'accepted') AS accepted,
        (SELECT count(*) FROM answers x WHERE x.assessment_id = a.id AND x.verdict = 'flagged') AS flagged,
        (SELECT count(*) FROM evidence_files e WHERE e.assessment_id = a.id) AS evidence_files
        """
    static let summaryTables: PostgresQuery = "assessments a JOIN vendors v ON v.id = a.vendor_id JOIN questionnaire_snapshots q ON q.content_hash = a.content_hash"

    static func summaries(_ connection: Connection, where condition: PostgresQuery) throws -> [AssessmentSummary] {
        try connection.query("SELECT \(summaryColumns) FROM \(summaryTables) WHERE \(condition)").map(summary)
    }

    /// The summaries of some assessments, by id.
    static func summaries(_ connection: Connection, ids: [Int]) throws -> [AssessmentSummary] {
        guard !ids.isEmpty else { return [] }
        return try connection.query(
            "SELECT \(summaryColumns) FROM \(summaryTables) WHERE a.id = ANY(\(ids.map(String.init))::text[]::bigint[]) ORDER BY a.id").map(summary)
    }

    static func summary(_ row: PostgresRow) throws -> AssessmentSummary {
        AssessmentSummary(
            id: try row.decode(Int.self, "id"), vendor: try row.decode(String.self, "slug"), vendorName: try row.decode(String.self, "name"),
            questionnaire: try row.decode(String.self, "template_key"), questionnaireVersion: try row.decode(Int.self, "template_version"),
            reason: try RawColumn.decode(AssessmentReason.self, row, "reason"), triggerReason: try row.decode(String?.self, "trigger_reason"),
            status: try RawColumn.decode(AssessmentStatus.self, row, "status"), recipient: try row.decode(String?.self, "recipient"),
            sentAt: try row.decode(Date.self, "sent_at"), dueAt: try row.decode(Date.self, "due_at"),
            submittedAt: try row.decode(Date?.self, "submitted_at"), completedAt: try row.decode(Date?.self, "completed_at"),
            overdueAt: try row.decode(Date?.self, "overdue_at"), changesRequested: try row.decode(String?.self, "changes_requested"),
            answered: try row.decode(Int.self, "answered"), accepted: try row.decode(Int.self, "accepted"), flagged: try row.decode(Int.self, "flagged"),
            evidenceFiles: try row.decode(Int.self, "evidence_files"))
    }

    static func questionnaire(_ connection: Connection, _ assessment: Int) throws -> Questionnaire {
        try connection.query("""
            SELECT q.content FROM assessments a JOIN questionnaire_snapshots q ON q.content_hash = a.content_hash WHERE a.id = \(assessment)
            """)[0].decode(JSONB<Questionnaire>.self, at: 0).value
    }

    static func answers(_ connection: Connection, _ assessment: Int) throws -> [StoredAnswer] {
        try connection.query("""
            SELECT question_id, option_value, options_value, number_value, date_value, text_value, file_value, answered_at,
                   evidence_refs, verdict, reviewer_note, reviewed_by, reviewed_at
            FROM answers WHERE assessment_id = \(assessment) ORDER BY question_id
            """).compactMap { row in
            guard let value = AnswerColumns.value(
                option: try row.decode(String?.self, "option_value"), options: try row.decode([String]?.self, "options_value"),
                number: try row.decode(Double?.self, "number_value"), date: try row.decode(Date?.self, "date_value"),
                text: try row.decode(String?.self, "text_value"), file: try row.decode(Bool.self, "file_value")) else { return nil }
            return StoredAnswer(
                questionID: try row.decode(String.self, "question_id"), value: value, answeredAt: try row.decode(Date.self, "answered_at"),
                evidence: try row.decode([String].self, "evidence_refs").compactMap(Int.init),
                verdict: try row.decode(String?.self, "verdict").flatMap(Answer.Verdict.init(rawValue:)),
                reviewerNote: try row.decode(String?.self, "reviewer_note"), reviewedBy: try row.decode(String?.self, "reviewed_by"),
                reviewedAt: try row.decode(Date?.self, "reviewed_at"))
        }
    }

    static let evidenceColumns: PostgresQuery = "id, question_id, filename, content_type, size_bytes, sha256, uploaded_at"

    static func evidence(_ connection: Connection, _ assessment: Int) throws -> [EvidenceFile] {
        try connection.query("""
            SELECT \(evidenceColumns) FROM evidence_files WHERE assessment_id = \(assessment) ORDER BY question_id, id
            """).map(evidenceFile)
    }

    static func evidenceFile(_ row: PostgresRow) throws -> EvidenceFile {
        EvidenceFile(
            id: try row.decode(Int.self, "id"), questionID: try row.decode(String.self, "question_id"), filename: try row.decode(String.self, "filename"),
            contentType: try row.decode(String.self, "content_type"), size: try row.decode(Int.self, "size_bytes"),
            sha256: try row.decode(String.self, "sha256"), uploadedAt: try row.decode(Date.self, "uploaded_at"))
    }
}
