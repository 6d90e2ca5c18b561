public import Foundation
import Postgres
public import SupplierRisk

/// Assessments: a questionnaire snapshot sent to a vendor, and its answers.
public struct AssessmentStore: Sendable {
    let database: Database

    /// Creates a store on the database.
    public init(database: Database) { self.database = database }

    /// Records a submitted assessment with its answers, as the portal will when a supplier submits.
    ///
    /// The questionnaire is stored as a snapshot with its SHA-256, so later catalog edits never change what was asked.
    /// - Returns: the assessment's id.
    @discardableResult
    public func recordSubmitted(
        vendor slug: String, questionnaire: Questionnaire, reason: String, sentAt: Date, submittedAt: Date,
        answers: [String: Answer], actor: String
    ) throws -> Int {
        let content = try Self.snapshotText(questionnaire)
        return try database.transaction(subject: slug) { connection in
            let vendorID = try VendorLookup.id(connection, slug: slug)
            let hash = try Self.snapshot(connection, questionnaire: questionnaire, content: content)
            let id = try connection.query("""
                INSERT INTO assessments (vendor_id, content_hash, reason, status, sent_at, due_at, submitted_at)
                VALUES (\(vendorID), \(hash), \(reason), 'submitted', \(sentAt), \(sentAt.addingTimeInterval(30 * 86_400)), \(submittedAt))
                RETURNING id
                """)[0].decode(Int.self, at: 0)
            try AnswerColumns.copy(connection, answers.sorted(by: { $0.key < $1.key }).map { (id, $0.key, $0.value) })
            try Audit.record(connection, actor: actor, action: .create, entity: "assessment", id: String(id), before: nil,
                             after: try RowSnapshot.json(connection, table: "assessments", id: id))
            return id
        }
    }
}

extension AssessmentStore {
    /// Stores a questionnaire's snapshot once; returns its SHA-256.
    static func snapshot(_ connection: Connection, questionnaire: Questionnaire, content: String) throws -> String {
        try connection.query("""
            WITH snapshot AS (SELECT encode(sha256(convert_to(\(content), 'UTF8')), 'hex') AS hash),
            stored AS (
                INSERT INTO questionnaire_snapshots (content_hash, template_key, template_version, content)
                SELECT hash, \(questionnaire.key), \(questionnaire.version), \(content)::jsonb FROM snapshot
                ON CONFLICT (content_hash) DO NOTHING
            )
            SELECT hash FROM snapshot
            """)[0].decode(String.self, at: 0)
    }

    /// A questionnaire's snapshot text: sorted keys, ISO dates, the same bytes for the same questionnaire.
    public static func snapshotText(_ questionnaire: Questionnaire) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(questionnaire), as: UTF8.self)
    }
}
