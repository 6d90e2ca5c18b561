import CivilTime
public import Foundation
public import SupplierRisk

/// An assessment as the analyst's lists show it.
public struct AssessmentSummary: Sendable, Hashable, Codable {
    public let id: Int
    public let vendor: String
    public let vendorName: String
    public let questionnaire: String
    public let questionnaireVersion: Int
    public let reason: AssessmentReason
    public let triggerReason: String?
    public let status: AssessmentStatus
    public let recipient: String?
    public let sentAt: Date
    public let dueAt: Date
    public let submittedAt: Date?
    public let completedAt: Date?
    public let overdueAt: Date?
    public let changesRequested: String?
    /// Answers given, and of them accepted and flagged by the reviewer.
    public let answered: Int
    public let accepted: Int
    public let flagged: Int
    public let evidenceFiles: Int

    public init(
        id: Int, vendor: String, vendorName: String, questionnaire: String, questionnaireVersion: Int, reason: AssessmentReason,
        triggerReason: String?, status: AssessmentStatus, recipient: String?, sentAt: Date, dueAt: Date, submittedAt: Date?,
        completedAt: Date?, overdueAt: Date?, changesRequested: String?, answered: Int, accepted: Int, flagged: Int, evidenceFiles: Int
    ) {
        self.id = id
        self.vendor = vendor
        self.vendorName = vendorName
        self.questionnaire = questionnaire
        self.questionnaireVersion = questionnaireVersion
        self.reason = reason
        self.triggerReason = triggerReason
        self.status = status
        self.recipient = recipient
        self.sentAt = sentAt
        self.dueAt = dueAt
        self.submittedAt = submittedAt
        self.completedAt = completedAt
        self.overdueAt = overdueAt
        self.changesRequested = changesRequested
        self.answered = answered
        self.accepted = accepted
        self.flagged = flagged
        self.evidenceFiles = evidenceFiles
    }
}

/// A stored answer with its evidence and the reviewer's verdict.
///
/// In JSON, `value` is the answer as the supplier gave it: an option's value, a list of them, a number,
/// a date (2026-11-29), text, or `true` for an uploaded file.
public struct StoredAnswer: Sendable, Hashable, Encodable {
    public let questionID: String
    public let value: Answer.Value
    public let answeredAt: Date
    /// Ids of the evidence files behind it.
    public let evidence: [Int]
    public let verdict: Answer.Verdict?
    public let reviewerNote: String?
    public let reviewedBy: String?
    public let reviewedAt: Date?

    private enum CodingKeys: String, CodingKey {
        case questionID, value, answeredAt, evidence, verdict, reviewerNote, reviewedBy, reviewedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(questionID, forKey: .questionID)
        switch value {
        case .option(let option): try container.encode(option, forKey: .value)
        case .options(let options): try container.encode(options, forKey: .value)
        case .number(let number): try container.encode(number, forKey: .value)
        case .date(let date): try container.encode(CivilTime.dayText(date), forKey: .value)
        case .text(let text): try container.encode(text, forKey: .value)
        case .file: try container.encode(true, forKey: .value)
        }
        try container.encode(answeredAt, forKey: .answeredAt)
        try container.encode(evidence, forKey: .evidence)
        try container.encodeIfPresent(verdict, forKey: .verdict)
        try container.encodeIfPresent(reviewerNote, forKey: .reviewerNote)
        try container.encodeIfPresent(reviewedBy, forKey: .reviewedBy)
        try container.encodeIfPresent(reviewedAt, forKey: .reviewedAt)
    }
}

/// An uploaded document, without its content.
public struct EvidenceFile: Sendable, Hashable, Codable {
    public let id: Int
    public let questionID: String
    public let filename: String
    public let contentType: String
    public let size: Int
    public let sha256: String
    public let uploadedAt: Date
}

/// An assessment with the questionnaire as sent, its answers and evidence.
public struct AssessmentDetail: Sendable, Hashable, Encodable {
    public let summary: AssessmentSummary
    public let questionnaire: Questionnaire
    public let answers: [StoredAnswer]
    public let evidence: [EvidenceFile]
    /// When the current private link expires, if one is valid.
    public let linkExpiresAt: Date?
}

/// What `send` needs: the questionnaire, when it is due, and the link's hash.
public struct NewAssessment: Sendable {
    public var vendor: String
    public var questionnaire: Questionnaire
    public var reason: AssessmentReason
    public var triggerReason: String?
    public var sentAt: Date
    public var dueAt: Date
    public var linkExpiresAt: Date
    public var tokenHash: Data
    public var recipient: String
    /// Cancel an open assessment of the vendor rather than refuse.
    public var force: Bool
    public var actor: String

    public init(
        vendor: String, questionnaire: Questionnaire, reason: AssessmentReason, triggerReason: String? = nil, sentAt: Date = Date(), dueAt: Date,
        linkExpiresAt: Date,
        tokenHash: Data, recipient: String, force: Bool = false, actor: String
    ) {
        self.vendor = vendor
        self.questionnaire = questionnaire
        self.reason = reason
        self.triggerReason = triggerReason
        self.sentAt = sentAt
        self.dueAt = dueAt
        self.linkExpiresAt = linkExpiresAt
        self.tokenHash = tokenHash
        self.recipient = recipient
        self.force = force
        self.actor = actor
    }

    /// The summary of this assessment as it stands once sent with `id`: what its invitation is written from.
    public func summary(id: Int, vendorName: String) -> AssessmentSummary {
        AssessmentSummary(
            id: id, vendor: vendor, vendorName: vendorName, questionnaire: questionnaire.key, questionnaireVersion: questionnaire.version,
            reason: reason, triggerReason: triggerReason, status: .sent, recipient: recipient, sentAt: sentAt, dueAt: dueAt, submittedAt: nil,
            completedAt: nil, overdueAt: nil, changesRequested: nil, answered: 0, accepted: 0, flagged: 0, evidenceFiles: 0)
    }
}
