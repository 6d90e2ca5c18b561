public import Foundation

/// Everything a vendor's score depends on, gathered for one computation.
///
/// Scoring is a pure function of these inputs, the scoring parameters and
/// the clause library: the same inputs give the same score, bit for bit.
public struct ScoringInputs: Sendable, Hashable {
    /// The vendor's slug, for messages.
    public var vendor: String
    /// Its inherent-risk tier.
    public var tier: Tier
    /// Its AI profile (clause requirements depend on it).
    public var profile: AIProfile
    /// Its latest submitted or completed full assessment, if any.
    public var assessment: AssessmentInputs?
    /// Its latest submitted or completed check-in since that assessment, if any: the lighter questionnaire of the
    /// critical tier's quarterly check-in, whose knock-out answers reject as a full assessment's do.
    public var checkIn: AssessmentInputs?
    /// Clause statuses of its contracts in force.
    public var clauses: [ClauseStatusRecord]
    /// Its incidents, open and resolved.
    public var incidents: [Incident]
    /// Its certificates.
    public var certifications: [Certification]
    /// The date the score is computed for.
    public var asOf: Date

    /// Creates inputs.
    public init(
        vendor: String, tier: Tier, profile: AIProfile, assessment: AssessmentInputs?, checkIn: AssessmentInputs? = nil,
        clauses: [ClauseStatusRecord], incidents: [Incident], certifications: [Certification], asOf: Date
    ) {
        self.vendor = vendor
        self.tier = tier
        self.profile = profile
        self.assessment = assessment
        self.checkIn = checkIn
        self.clauses = clauses
        self.incidents = incidents
        self.certifications = certifications
        self.asOf = asOf
    }
}

/// An assessment as scoring sees it: the questionnaire the vendor was sent and its answers.
public struct AssessmentInputs: Sendable, Hashable {
    /// The database's identifier (0 when it has none, as in what-if and tests).
    public var id: Int
    /// The snapshot of the questionnaire that was sent.
    public var questionnaire: Questionnaire
    /// The answers, by question id.
    public var answers: [String: Answer]

    /// Creates assessment inputs.
    public init(id: Int = 0, questionnaire: Questionnaire, answers: [String: Answer]) {
        self.id = id
        self.questionnaire = questionnaire
        self.answers = answers
    }
}

/// One answer of a supplier, with what backs it.
public struct Answer: Sendable, Hashable, Codable {
    /// The value given.
    public var value: Value
    /// When it was given.
    public var answeredAt: Date
    /// Whether a document was attached.
    public var hasEvidence: Bool
    /// The reviewer's verdict, if reviewed.
    public var verdict: Verdict?

    /// Creates an answer.
    public init(value: Value, answeredAt: Date, hasEvidence: Bool = false, verdict: Verdict? = nil) {
        self.value = value
        self.answeredAt = answeredAt
        self.hasEvidence = hasEvidence
        self.verdict = verdict
    }

    /// An answer's value, by question type.
    public enum Value: Sendable, Hashable, Codable {
        /// A yes/no or single-choice answer: the option's value (`yes`, `no`, `never` …).
        case option(String)
        /// A multiple-choice answer.
        case options([String])
        case number(Double)
        case date(Date)
        case text(String)
        /// A file was uploaded.
        case file
    }

    /// What a reviewer decided.
    public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
        /// The answer and its evidence were checked and accepted.
        case accepted
        /// The answer was flagged as wrong or unsupported: it counts as failed.
        case flagged
    }
}
