public import Foundation
import Postgres
public import SupplierRisk

extension AssessmentOutreachStore {
    /// One assessment of a batch: the vendor's id and what `send` takes.
    public struct BatchItem: Sendable {
        public let vendorID: Int
        public let assessment: NewAssessment

        public init(vendorID: Int, assessment: NewAssessment) {
            self.vendorID = vendorID
            self.assessment = assessment
        }
    }

    /// Sends many assessments in one transaction, set-based: the re-assessment job's path.
    ///
    /// The rows go in by COPY into a staging table and one INSERT, which skips every vendor that has an
    /// open assessment by then (the open-assessment index decides, so a concurrent send can never make a
    /// second one); links and audit rows follow in the same statement, and the invitations, rendered for
    /// the assessments made, by a second COPY.
    ///
    /// - Parameter invitation: the email for an item, given the new assessment's id.
    /// - Returns: the assessment id of each item sent, by vendor id; items left out were skipped.
    public func sendBatch(_ items: [BatchItem], invitation: (BatchItem, Int) -> OutgoingMessage) throws -> [Int: Int] {
        guard !items.isEmpty else { return [:] }
        let questionnaires = Dictionary(items.map { ($0.assessment.questionnaire.key, $0.assessment.questionnaire) }, uniquingKeysWith: { first, _ in first })
        let texts = try questionnaires.mapValues { try AssessmentStore.snapshotText($0) }
        return try database.transaction { connection in
            var hashes: [String: String] = [:]
            for (key, questionnaire) in questionnaires {
                hashes[key] = try AssessmentStore.snapshot(connection, questionnaire: questionnaire, content: texts[key]!)
            }
            try connection.executeScript("""
                CREATE TEMP TABLE staged_assessments (
                    vendor_id bigint, content_hash text, reason text, trigger_reason text, sent_at timestamptz, due_at timestamptz,
                    recipient text, sent_by text, token_hash bytea, link_expires_at timestamptz) ON COMMIT DROP
                """)
            try connection.copyFrom("COPY staged_assessments FROM STDIN") { copy in
                for item in items {
                    let new = item.assessment
                    try copy.row(item.vendorID, hashes[new.questionnaire.key]!, new.reason.rawValue, new.triggerReason, new.sentAt, new.dueAt,
                                 new.recipient, new.actor, new.tokenHash, new.linkExpiresAt)
                }
            }
            let made = try connection.query("""
                WITH made AS (
                    INSERT INTO assessments (vendor_id, content_hash, reason, trigger_reason, status, sent_at, due_at, recipient, sent_by)
                    SELECT vendor_id, content_hash, reason, trigger_reason, 'sent', sent_at, due_at, recipient, sent_by FROM staged_assessments
                    ORDER BY vendor_id
                    ON CONFLICT (vendor_id) WHERE status IN ('sent', 'in_progress', 'submitted', 'under_review') DO NOTHING
                    RETURNING *
                ), links AS (
                    INSERT INTO assessment_links (assessment_id, token_hash, expires_at, created_by)
                    SELECT m.id, s.token_hash, s.link_expires_at, s.sent_by FROM made m JOIN staged_assessments s USING (vendor_id)
                ), audit AS (
                    INSERT INTO audit_log (actor, action, entity, entity_id, after)
                    SELECT m.sent_by, 'create', 'assessment', m.id::text, to_jsonb(m) FROM made m
                )
                SELECT vendor_id, id FROM made
                """).decode((Int, Int).self)
            let sent = Dictionary(made, uniquingKeysWith: { first, _ in first })
            try connection.copyFrom("COPY outbox (kind, dedupe_key, assessment_id, recipients, subject, text_body, html_body) FROM STDIN") { copy in
                for item in items {
                    guard let id = sent[item.vendorID] else { continue }
                    let message = invitation(item, id)
                    try copy.row(message.kind.rawValue, message.dedupeKey, id, message.recipients, message.subject, message.text, message.html)
                }
            }
            return sent
        }
    }
}
