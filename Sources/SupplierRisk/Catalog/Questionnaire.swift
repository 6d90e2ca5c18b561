/// A due-diligence questionnaire template: a file of the catalog, versioned.
public struct Questionnaire: Sendable, Hashable, Codable {
    /// Its key, the file's name without `.yaml`.
    public let key: String
    /// Raised whenever a question changes.
    public let version: Int
    public let title: String
    public let description: String
    /// The tiers it is sent to.
    public let tiers: [Tier]
    /// Its risk domains, in order, with their weights.
    public let domains: [Domain]
    /// Its questions, in order.
    public let questions: [Question]

    /// A risk domain: a group of questions weighed together.
    public struct Domain: Sendable, Hashable, Codable {
        public let key: String
        public let title: String
        /// The domain's weight among the questionnaire's domains.
        public let weight: Int
    }

    /// How a question is answered.
    public enum AnswerType: String, Sendable, Hashable, Codable, CaseIterable {
        case yesNo = "yes_no", single, multi, number, date, text, file
    }

    /// Whether an answer needs a document behind it.
    public enum Evidence: String, Sendable, Hashable, Codable, CaseIterable {
        case required, optional, none
    }

    /// A choice of a yes/no, single or multi question, with its score (0–100).
    public struct Option: Sendable, Hashable, Codable {
        public let value: String
        public let label: String
        public let score: Int
    }

    /// A score for numbers (or, for dates, the age in months) up to `max`; the last band has no max.
    public struct Band: Sendable, Hashable, Codable {
        public let max: Double?
        public let score: Int
    }

    /// Shows a question only when another question's answer is one of `values`.
    public struct ShowIf: Sendable, Hashable, Codable {
        public let question: String
        public let values: [String]
    }

    /// One question.
    public struct Question: Sendable, Hashable, Codable {
        public let id: String
        public let domain: String
        public let text: String
        public let help: String
        public let type: AnswerType
        /// The choices; for yes/no questions, `yes` and `no`.
        public let options: [Option]
        /// Scores by number, or by age in months for dates.
        public let bands: [Band]
        /// The weight within its domain; `nil` for unscored text questions.
        public let weight: Int?
        /// Whether it must be answered (when shown).
        public let required: Bool
        public let evidence: Evidence
        /// Answers that fail the vendor outright, whatever else it answers.
        public let knockOut: [String]
        public let showIf: ShowIf?
        public let references: [Reference]
    }

    /// The question with `id`.
    public func question(_ id: String) -> Question? { questions.first { $0.id == id } }
}

/// A pointer into a framework: `ISO42001:A.10.3`, `NIST-AI-RMF:GOVERN-6.1`, `EU-AI-ACT:Art.26`.
public struct Reference: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Framework: String, Sendable, Hashable, Codable, CaseIterable {
        case iso42001 = "ISO42001"
        case nistAIRMF = "NIST-AI-RMF"
        case nistAI600 = "NIST-AI-600-1"
        case euAIAct = "EU-AI-ACT"
        case gdpr = "GDPR"
        case dora = "DORA"

        var title: String {
            switch self {
            case .iso42001: "ISO/IEC 42001"
            case .nistAIRMF: "NIST AI RMF"
            case .nistAI600: "NIST AI 600-1"
            case .euAIAct: "EU AI Act"
            case .gdpr: "GDPR"
            case .dora: "DORA"
            }
        }
    }

    public let framework: Framework
    /// The item within the framework: `A.10.3`, `GOVERN-6.1`, `Art.26`.
    public let item: String

    /// As written in the catalog: `ISO42001:A.10.3`.
    public var code: String { "\(framework.rawValue):\(item)" }

    /// For a reader: `ISO/IEC 42001 A.10.3`.
    public var description: String { "\(framework.title) \(item)" }

    /// ISO/IEC 42001:2023 Annex A: its 38 controls.
    public static let annexAControls: [String] = [
        "A.2.2", "A.2.3", "A.2.4", "A.3.2", "A.3.3", "A.4.2", "A.4.3", "A.4.4", "A.4.5", "A.4.6",
        "A.5.2", "A.5.3", "A.5.4", "A.5.5", "A.6.1.2", "A.6.1.3", "A.6.2.2", "A.6.2.3", "A.6.2.4", "A.6.2.5",
        "A.6.2.6", "A.6.2.7", "A.6.2.8", "A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6", "A.8.2", "A.8.3",
        "A.8.4", "A.8.5", "A.9.2", "A.9.3", "A.9.4", "A.10.2", "A.10.3", "A.10.4",
    ]

    /// Parses `FRAMEWORK:ITEM`; returns why not when it is malformed.
    static func parse(_ text: String) -> Result<Reference, ReferenceProblem> {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let framework = Framework(rawValue: parts[0]) else {
            return .failure(ReferenceProblem("\"\(text)\" is not FRAMEWORK:ITEM with a framework of \(Framework.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        let item = parts[1]
        let valid: Bool
        switch framework {
        case .iso42001:
            guard annexAControls.contains(item) else {
                return .failure(ReferenceProblem("\"\(text)\": \(item) is not an ISO/IEC 42001 Annex A control (A.2.2 … A.10.4)"))
            }
            valid = true
        case .nistAIRMF:
            valid = matches(item, prefixes: ["GOVERN-", "MAP-", "MEASURE-", "MANAGE-"], rest: \.isNumberOrDot)
        case .nistAI600:
            valid = matches(item, prefixes: ["GAI-"], rest: \.isNumberOrDot)
        case .euAIAct, .gdpr, .dora:
            valid = item.hasPrefix("Art.") && item.dropFirst(4).first?.isNumber == true
                && item.dropFirst(4).allSatisfy { $0.isNumber || $0 == "(" || $0 == ")" || $0.isLetter }
        }
        guard valid else { return .failure(ReferenceProblem("\"\(text)\" is not a valid \(framework.title) reference")) }
        return .success(Reference(framework: framework, item: item))
    }

    private static func matches(_ item: String, prefixes: [String], rest: (Character) -> Bool) -> Bool {
        guard let prefix = prefixes.first(where: { item.hasPrefix($0) }) else { return false }
        let tail = item.dropFirst(prefix.count)
        return tail.first?.isNumber == true && tail.last?.isNumber == true && tail.allSatisfy(rest)
    }

    struct ReferenceProblem: Error { let message: String; init(_ message: String) { self.message = message } }
}

extension Character {
    var isNumberOrDot: Bool { isNumber || self == "." }
}
