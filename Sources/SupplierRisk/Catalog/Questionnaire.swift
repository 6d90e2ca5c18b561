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
    /// The catalog format it was written in: 1 for snapshots sent before scoring model 2, whose multi-select
    /// questions declare no rule and which mark no key controls; 2 since.
    public let format: Int

    /// The catalog format this version of tprm writes.
    public static let currentFormat = 2

    /// Lookups derived from the questions when the questionnaire is made, read for every vendor scored.
    let lookup: Lookup

    /// Where each question and domain is, by position: scoring a vendor reads arrays by position rather than
    /// dictionaries by id. Equal whenever the questions are, being derived from them.
    struct Lookup: Sendable, Hashable {
        /// Each question's position by id (the first, should two share one).
        let positions: [String: Int]
        /// The position in `domains` of each question's domain, or -1 for a domain not declared.
        let domains: [Int]
        /// For each question, its conditions with the gate's position (-1: no such question).
        let conditions: [[(gate: Int, values: [String])?]]

        init(questions: [Question], domains: [Domain]) {
            var positions: [String: Int] = [:]
            positions.reserveCapacity(questions.count)
            for index in questions.indices where positions[questions[index].id] == nil { positions[questions[index].id] = index }
            self.positions = positions
            var domainPositions: [String: Int] = [:]
            for index in domains.indices where domainPositions[domains[index].key] == nil { domainPositions[domains[index].key] = index }
            self.domains = questions.map { domainPositions[$0.domain] ?? -1 }
            self.conditions = questions.map { question in
                (question.showIf?.any ?? []).map { condition in
                    guard case .answer(let gate, let values) = condition else { return nil }
                    return (positions[gate] ?? -1, values)
                }
            }
        }

        static func == (_: Lookup, _: Lookup) -> Bool { true }
        func hash(into hasher: inout Hasher) {}
    }

    /// Creates a questionnaire.
    public init(key: String, version: Int, title: String, description: String, tiers: [Tier], domains: [Domain], questions: [Question],
                format: Int = Questionnaire.currentFormat) {
        self.key = key
        self.version = version
        self.title = title
        self.description = description
        self.tiers = tiers
        self.domains = domains
        self.questions = questions
        self.format = format
        self.lookup = Lookup(questions: questions, domains: domains)
    }

    private enum CodingKeys: String, CodingKey { case key, version, title, description, tiers, domains, questions, format }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            key: try container.decode(String.self, forKey: .key), version: try container.decode(Int.self, forKey: .version),
            title: try container.decode(String.self, forKey: .title), description: try container.decode(String.self, forKey: .description),
            tiers: try container.decode([Tier].self, forKey: .tiers), domains: try container.decode([Domain].self, forKey: .domains),
            questions: try container.decode([Question].self, forKey: .questions),
            format: try container.decodeIfPresent(Int.self, forKey: .format) ?? 1)
    }

    /// A risk domain: a group of questions weighed together.
    public struct Domain: Sendable, Hashable, Codable {
        public let key: String
        public let title: String
        /// The domain's weight among the questionnaire's domains.
        public let weight: Int

        public init(key: String, title: String, weight: Int) {
            self.key = key
            self.title = title
            self.weight = weight
        }
    }

    /// How a question is answered.
    public enum AnswerType: String, Sendable, Hashable, Codable, CaseIterable {
        case yesNo = "yes_no", single, multi, number, date, text, file
    }

    /// Whether an answer needs a document behind it. Every question accepts one.
    public enum Evidence: String, Sendable, Hashable, Codable, CaseIterable {
        case required, optional
        /// Only in snapshots sent before every question accepted a document; read as `optional`.
        case none
    }

    /// A choice of a yes/no, single or multi question, with its score (0–100).
    public struct Option: Sendable, Hashable, Codable {
        public let value: String
        public let label: String
        /// Its score; unused (0) in a multi question judged by `all_of` or `none_of`.
        public let score: Int
        /// Chosen alone or not at all (`None of these`).
        public let exclusive: Bool
        /// The certification the option claims, when its value names a standard (`iso_42001`): scoring checks it
        /// against the certificates on record.
        let standard: Certification.Standard?

        public init(value: String, label: String, score: Int, exclusive: Bool = false) {
            self.value = value
            self.label = label
            self.score = score
            self.exclusive = exclusive
            self.standard = Certification.Standard(rawValue: value).flatMap { $0 == .other ? nil : $0 }
        }

        private enum CodingKeys: String, CodingKey { case value, label, score, exclusive }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(value: try container.decode(String.self, forKey: .value), label: try container.decode(String.self, forKey: .label),
                      score: try container.decode(Int.self, forKey: .score), exclusive: try container.decodeIfPresent(Bool.self, forKey: .exclusive) ?? false)
        }
    }

    /// A score for numbers (or, for dates, the age in months) up to `max`; the last band has no max.
    public struct Band: Sendable, Hashable, Codable {
        public let max: Double?
        public let score: Int

        public init(max: Double?, score: Int) {
            self.max = max
            self.score = score
        }
    }

    /// How a multi-select answer is judged: by what it contains, never by how many boxes are ticked.
    public enum MultiRule: Sendable, Hashable {
        /// The worst option chosen sets the score (regions: one weak region is enough).
        case worst
        /// The best option chosen sets the score (certifications: one strong one is enough).
        case best
        /// Every one of these should be chosen; the score is the share that is.
        case allOf([String])
        /// None of these should be chosen; one chosen scores 0.
        case noneOf([String])
    }

    /// When a question is asked: when any of its conditions holds.
    public struct ShowIf: Sendable, Hashable {
        public let any: [Condition]

        public init(any: [Condition]) { self.any = any }

        /// One condition: on another question's answer, or on our profile of the vendor.
        public enum Condition: Sendable, Hashable {
            /// The question's answer is one of the values (a multi answer: contains one).
            case answer(question: String, values: [String])
            /// The vendor's profile has the fact; the supplier cannot answer it away.
            case profile(ProfileFact)
        }

        /// The questions whose answers decide it.
        public var gates: [String] {
            any.compactMap { if case .answer(let question, _) = $0 { question } else { nil } }
        }

        /// Whether it depends on the profile alone.
        public var isProfileOnly: Bool { gates.isEmpty }
    }

    /// One question.
    ///
    /// Its fields live in one immutable object, so that a copy of a question (into an array, a set, a function) is
    /// one reference rather than a dozen strings and arrays: scoring reads every question of every vendor's
    /// questionnaire, and those copies showed at the top of its profile.
    public struct Question: Sendable, Hashable {
        private struct Fields: Sendable, Hashable {
            let id: String
            let domain: String
            let text: String
            let help: String
            let type: AnswerType
            let options: [Option]
            let bands: [Band]
            let weight: Int?
            let required: Bool
            let evidence: Evidence
            let evidenceWhen: [String]
            let key: Bool
            let rule: MultiRule?
            let knockOut: [String]
            let showIf: ShowIf?
            let references: [Reference]
        }

        private final class Storage: Sendable {
            let fields: Fields
            init(_ fields: Fields) { self.fields = fields }
        }

        private let storage: Storage

        public var id: String { storage.fields.id }
        public var domain: String { storage.fields.domain }
        public var text: String { storage.fields.text }
        public var help: String { storage.fields.help }
        public var type: AnswerType { storage.fields.type }
        /// The choices; for yes/no questions, `yes` and `no`.
        public var options: [Option] { storage.fields.options }
        /// Scores by number, or by age in months for dates.
        public var bands: [Band] { storage.fields.bands }
        /// The weight within its domain; `nil` for unscored text questions.
        public var weight: Int? { storage.fields.weight }
        /// Whether it must be answered (when shown).
        public var required: Bool { storage.fields.required }
        public var evidence: Evidence { storage.fields.evidence }
        /// With evidence required on a choice question: the answers that need a document (those that claim
        /// something). Empty: every answer does.
        public var evidenceWhen: [String] { storage.fields.evidenceWhen }
        /// A key control: when it fails, control effectiveness is capped.
        public var key: Bool { storage.fields.key }
        /// How a multi-select answer is judged; nil for other types (and for multi questions of format-1 snapshots).
        public var rule: MultiRule? { storage.fields.rule }
        /// Answers that fail the vendor outright, whatever else it answers.
        public var knockOut: [String] { storage.fields.knockOut }
        public var showIf: ShowIf? { storage.fields.showIf }
        public var references: [Reference] { storage.fields.references }

        public static func == (lhs: Question, rhs: Question) -> Bool {
            lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
        }

        public func hash(into hasher: inout Hasher) { storage.fields.hash(into: &hasher) }

        public init(
            id: String, domain: String, text: String, help: String, type: AnswerType, options: [Option] = [], bands: [Band] = [],
            weight: Int?, required: Bool = true, evidence: Evidence = .optional, evidenceWhen: [String] = [], key: Bool = false,
            rule: MultiRule? = nil, knockOut: [String] = [], showIf: ShowIf? = nil, references: [Reference] = []
        ) {
            storage = Storage(Fields(
                id: id, domain: domain, text: text, help: help, type: type, options: options, bands: bands, weight: weight, required: required,
                evidence: evidence, evidenceWhen: evidenceWhen, key: key, rule: rule, knockOut: knockOut, showIf: showIf, references: references))
        }

        /// Whether this answer needs a document attached before the questionnaire can be submitted.
        public func needsEvidence(for value: Answer.Value) -> Bool {
            guard evidence == .required else { return false }
            guard !evidenceWhen.isEmpty else { return true }
            switch value {
            case .option(let chosen): return evidenceWhen.contains(chosen)
            case .options(let chosen): return chosen.contains(where: evidenceWhen.contains)
            default: return true
            }
        }
    }

    /// The question with `id`.
    public func question(_ id: String) -> Question? { lookup.positions[id].map { questions[$0] } }

    /// The position of the question with `id`.
    func position(of id: String) -> Int? { lookup.positions[id] }

    /// Values keyed by question id, by position (ids of no question are left out).
    func byPosition<Value>(_ values: [String: Value]) -> [Value?] {
        var result = [Value?](repeating: nil, count: questions.count)
        for (id, value) in values {
            if let position = lookup.positions[id] { result[position] = value }
        }
        return result
    }

    /// Which questions are asked, given the answers so far and the vendor's profile: a question is shown when it has
    /// no condition, or when any of its conditions holds (an answer condition also needs its question shown).
    public func visible(answers: [String: Answer.Value], profile: AIProfile?) -> Set<String> {
        let shown = shown(answers: byPosition(answers), profile: profile)
        return Set(questions.indices.lazy.filter { shown[$0] }.map { questions[$0].id })
    }

    /// ``visible(answers:profile:)`` by position, answers by position.
    func shown(answers: [Answer.Value?], profile: AIProfile?) -> [Bool] {
        // 0 undecided, 1 shown, 2 hidden.
        var decided = [UInt8](repeating: 0, count: questions.count)
        func isShown(_ position: Int, depth: Int) -> Bool {
            if decided[position] != 0 { return decided[position] == 1 }
            guard depth < 32 else { return false }
            var shown = true
            if let showIf = questions[position].showIf {
                shown = false
                for (index, condition) in showIf.any.enumerated() {
                    if let (gate, values) = lookup.conditions[position][index] {
                        if gate >= 0, isShown(gate, depth: depth + 1), Self.chose(answers[gate], anyOf: values) { shown = true }
                    } else if case .profile(let fact) = condition {
                        // Without a profile (a preview), profile conditions are taken to hold: every duty is shown.
                        if profile.map(fact.holds(for:)) ?? true { shown = true }
                    }
                    if shown { break }
                }
            }
            decided[position] = shown ? 1 : 2
            return shown
        }
        return questions.indices.map { isShown($0, depth: 0) }
    }

    /// Whether an answer chose one of `values`.
    static func chose(_ value: Answer.Value?, anyOf values: [String]) -> Bool {
        switch value {
        case .option(let option)?: values.contains(option)
        case .options(let options)?: options.contains(where: values.contains)
        default: false
        }
    }

    /// This snapshot as the current catalog would score it: a format-1 snapshot takes the `rule` and `key` marks of
    /// the catalog questionnaire with its key, for each question of the same id and type there. Others are unchanged.
    public func upgraded(from catalog: [Questionnaire]) -> Questionnaire {
        guard format < Self.currentFormat, let current = catalog.first(where: { $0.key == key }) else { return self }
        let questions = questions.map { question -> Question in
            guard let match = current.question(question.id), match.type == question.type else { return question }
            return Question(
                id: question.id, domain: question.domain, text: question.text, help: question.help, type: question.type, options: question.options,
                bands: question.bands, weight: question.weight, required: question.required, evidence: question.evidence,
                evidenceWhen: question.evidenceWhen, key: match.key, rule: question.rule ?? match.rule, knockOut: question.knockOut,
                showIf: question.showIf, references: question.references)
        }
        return Questionnaire(key: key, version: version, title: title, description: description, tiers: tiers, domains: domains, questions: questions, format: format)
    }
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

    /// For a reader: `ISO/IEC 42001 A.10.3`, `ISO/IEC 42001 clause 9.2`.
    public var description: String {
        framework == .iso42001 && !item.hasPrefix("A.") ? "\(framework.title) clause \(item)" : "\(framework.title) \(item)"
    }

    /// ISO/IEC 42001:2023 Annex A: its 38 controls.
    public static let annexAControls: [String] = [
        "A.2.2", "A.2.3", "A.2.4", "A.3.2", "A.3.3", "A.4.2", "A.4.3", "A.4.4", "A.4.5", "A.4.6",
        "A.5.2", "A.5.3", "A.5.4", "A.5.5", "A.6.1.2", "A.6.1.3", "A.6.2.2", "A.6.2.3", "A.6.2.4", "A.6.2.5",
        "A.6.2.6", "A.6.2.7", "A.6.2.8", "A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6", "A.8.2", "A.8.3",
        "A.8.4", "A.8.5", "A.9.2", "A.9.3", "A.9.4", "A.10.2", "A.10.3", "A.10.4",
    ]

    /// ISO/IEC 42001:2023 clauses 4 to 10, the requirements of the management system itself (9.2 is internal audit).
    public static let managementSystemClauses: [String] = [
        "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1", "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.2", "6.3",
        "7.1", "7.2", "7.3", "7.4", "7.5", "8.1", "8.2", "8.3", "8.4", "9.1", "9.2", "9.3", "10.1", "10.2",
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
            guard annexAControls.contains(item) || managementSystemClauses.contains(item) else {
                return .failure(ReferenceProblem(
                    "\"\(text)\": \(item) is neither an ISO/IEC 42001 Annex A control (A.2.2 … A.10.4) nor a clause of its management system (4.1 … 10.2)"))
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
