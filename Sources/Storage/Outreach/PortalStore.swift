public import Foundation
import Postgres
public import SupplierRisk

/// What the supplier portal shows for one session: the assessment, as sent, and its answers so far.
public struct PortalView: Sendable {
    public let assessment: AssessmentSummary
    /// Our profile of the vendor, which decides the questions asked only of some suppliers.
    public let profile: AIProfile
    public let questionnaire: Questionnaire
    public let answers: [String: StoredAnswer]
    public let evidence: [EvidenceFile]
    /// The token every form of this session must carry.
    public let csrfToken: String
    public let linkExpiresAt: Date
}

/// The supplier portal's storage: private links exchanged for sessions, answers, evidence, submission.
///
/// A link or session that is unknown, expired or revoked, or whose assessment is cancelled or expired,
/// reads as nothing at all: callers answer every such case with the same 404.
public struct PortalStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// How long a portal session lasts (never past its link).
    public static let sessionLifetime: TimeInterval = 12 * 3600

    /// Exchanges a link's token for a new session.
    ///
    /// - Returns: the session's expiry, or nil when the link is not valid now.
    public func open(token: String, session: String, csrfToken: String, now: Date = Date()) throws -> Date? {
        guard PortalSecret.isWellFormed(token) else { return nil }
        let presented = PortalSecret.hash(token)
        return try database.transaction { connection in
            guard let row = try connection.query("""
                SELECT l.id, l.token_hash, l.expires_at FROM assessment_links l JOIN assessments a ON a.id = l.assessment_id
                WHERE l.token_hash = \(presented) AND l.revoked_at IS NULL AND l.expires_at > \(now)
                  AND a.status NOT IN ('cancelled', 'expired')
                """).first else { return nil }
            let (link, stored, linkExpiry) = try row.decode((Int, Data, Date).self)
            // Found by its hash through the index; compared again here in constant time.
            guard PortalSecret.constantTimeEqual(stored, presented) else { return nil }
            let expiry = min(linkExpiry, now.addingTimeInterval(Self.sessionLifetime))
            try connection.execute("""
                INSERT INTO portal_sessions (id_hash, link_id, csrf_token, expires_at)
                VALUES (\(PortalSecret.hash(session)), \(link), \(csrfToken), \(expiry))
                """)
            try connection.execute("DELETE FROM portal_sessions WHERE expires_at < \(now) - interval '1 day'")
            return expiry
        }
    }

    /// The portal view of a session, or nil when the session, its link or its assessment is no longer valid.
    public func view(session: String, now: Date = Date()) throws -> PortalView? {
        guard PortalSecret.isWellFormed(session) else { return nil }
        return try database.withConnection { connection in
            guard let row = try connection.query("""
                SELECT a.id, s.csrf_token, l.expires_at FROM portal_sessions s
                JOIN assessment_links l ON l.id = s.link_id JOIN assessments a ON a.id = l.assessment_id
                WHERE s.id_hash = \(PortalSecret.hash(session)) AND s.expires_at > \(now)
                  AND l.revoked_at IS NULL AND l.expires_at > \(now) AND a.status NOT IN ('cancelled', 'expired')
                """).first else { return nil }
            let (id, csrf, linkExpiry) = try row.decode((Int, String, Date).self)
            let vendor = try VendorStore.vendor(connection.query("""
                SELECT \(VendorStore.columns) FROM vendors v WHERE v.id = (SELECT vendor_id FROM assessments WHERE id = \(id))
                """)[0])
            return PortalView(
                assessment: try AssessmentOutreachStore.summaries(connection, where: "a.id = \(id)")[0], profile: vendor.profile,
                questionnaire: try AssessmentOutreachStore.questionnaire(connection, id),
                answers: Dictionary(uniqueKeysWithValues: try AssessmentOutreachStore.answers(connection, id).map { ($0.questionID, $0) }),
                evidence: try AssessmentOutreachStore.evidence(connection, id), csrfToken: csrf, linkExpiresAt: linkExpiry)
        }
    }

    /// What a save did.
    public enum SaveOutcome: Sendable, Equatable {
        /// Answers stored; the assessment is in progress.
        case saved
        /// Answers stored and the assessment submitted.
        case submitted
        /// Nothing stored: the assessment was submitted already (a second click, another tab).
        case alreadySubmitted
    }

    /// Replaces the answers of an assessment the supplier may still edit, and submits it if asked.
    ///
    /// Answers whose value changed lose their reviewer verdict; unchanged ones keep it. The assessment row is
    /// locked first, so two submissions at once store one.
    public func save(assessment: Int, answers: [String: Answer.Value], submit: Bool, actor: String, now: Date = Date()) throws -> SaveOutcome {
        try database.transaction { connection in
            let status = try connection.query("SELECT status FROM assessments WHERE id = \(assessment) FOR UPDATE").first?.decode(String.self, at: 0)
            guard let status = status.flatMap(AssessmentStatus.init(rawValue:)) else { throw StorageError.notFound("no assessment with id \(assessment)") }
            guard status.allows(.answer) else { return .alreadySubmitted }
            let before = try RowSnapshot.json(connection, table: "assessments", id: assessment)
            try connection.execute("""
                DELETE FROM answers WHERE assessment_id = \(assessment) AND NOT (question_id = ANY(\(Array(answers.keys))::text[]))
                """)
            for (question, value) in answers.sorted(by: { $0.key < $1.key }) {
                let (option, options, number, date, text, file) = AnswerColumns.columns(value)
                try connection.execute("""
                    INSERT INTO answers AS x (assessment_id, question_id, option_value, options_value, number_value, date_value, text_value, file_value,
                                              answered_at, evidence_refs)
                    VALUES (\(assessment), \(question), \(option), \(options), \(number), \(date), \(text), \(file), \(now),
                            ARRAY(SELECT id::text FROM evidence_files WHERE assessment_id = \(assessment) AND question_id = \(question) ORDER BY id))
                    ON CONFLICT (assessment_id, question_id) DO UPDATE SET
                        option_value = EXCLUDED.option_value, options_value = EXCLUDED.options_value, number_value = EXCLUDED.number_value,
                        date_value = EXCLUDED.date_value, text_value = EXCLUDED.text_value, file_value = EXCLUDED.file_value,
                        evidence_refs = EXCLUDED.evidence_refs,
                        answered_at = CASE WHEN \(Self.changed) THEN EXCLUDED.answered_at ELSE x.answered_at END,
                        verdict = CASE WHEN \(Self.changed) THEN NULL ELSE x.verdict END,
                        reviewer_note = CASE WHEN \(Self.changed) THEN NULL ELSE x.reviewer_note END,
                        reviewed_by = CASE WHEN \(Self.changed) THEN NULL ELSE x.reviewed_by END,
                        reviewed_at = CASE WHEN \(Self.changed) THEN NULL ELSE x.reviewed_at END
                    """)
            }
            if submit {
                try connection.execute("""
                    UPDATE assessments SET status = 'submitted', submitted_at = \(now), changes_requested = NULL WHERE id = \(assessment)
                    """)
            } else if status == .sent {
                try connection.execute("UPDATE assessments SET status = 'in_progress' WHERE id = \(assessment)")
            }
            try Audit.record(connection, actor: actor, action: .update, entity: "assessment", id: String(assessment), before: before,
                             after: try RowSnapshot.json(connection, table: "assessments", id: assessment))
            return submit ? .submitted : .saved
        }
    }

    /// Whether an upserted answer's value differs from the stored one.
    static let changed: PostgresQuery = """
        ((x.option_value, x.options_value, x.number_value, x.date_value, x.text_value, x.file_value)
         IS DISTINCT FROM (EXCLUDED.option_value, EXCLUDED.options_value, EXCLUDED.number_value, EXCLUDED.date_value, EXCLUDED.text_value, EXCLUDED.file_value))
        """

    /// Stores a document for one question of an assessment the supplier may still edit.
    ///
    /// - Throws: ``StorageError/invalid(field:reason:)`` when the assessment is submitted already.
    public func addEvidence(
        assessment: Int, question: String, filename: String, contentType: String, content: Data, actor: String
    ) throws -> EvidenceFile {
        let digest = PortalSecret.sha256Hex(content)
        return try database.transaction { connection in
            let status = try connection.query("SELECT status FROM assessments WHERE id = \(assessment) FOR UPDATE").first?.decode(String.self, at: 0)
            guard let status = status.flatMap(AssessmentStatus.init(rawValue:)) else { throw StorageError.notFound("no assessment with id \(assessment)") }
            guard status.allows(.answer) else {
                throw StorageError.invalid(field: "file", reason: "the assessment is \(status.rawValue); documents can no longer be added")
            }
            let row = try connection.query("""
                INSERT INTO evidence_files (assessment_id, question_id, filename, content_type, size_bytes, sha256, content)
                VALUES (\(assessment), \(question), \(filename), \(contentType), \(content.count), \(digest), \(content))
                RETURNING \(AssessmentOutreachStore.evidenceColumns)
                """)[0]
            let file = try AssessmentOutreachStore.evidenceFile(row)
            try connection.execute("""
                UPDATE answers SET evidence_refs = evidence_refs || \(String(file.id)) WHERE assessment_id = \(assessment) AND question_id = \(question)
                """)
            if status == .sent { try connection.execute("UPDATE assessments SET status = 'in_progress' WHERE id = \(assessment)") }
            try Audit.record(connection, actor: actor, action: .create, entity: "evidence_file", id: "\(assessment)/\(file.id)", before: nil,
                             after: "{\"question\": \"\(question)\", \"sha256\": \"\(digest)\", \"size\": \(file.size)}")
            return file
        }
    }
}
