/// How questionnaires are kept in snapshots: JSON that every later version of tprm still reads. Fields added since
/// the first format are optional when decoding, so an assessment sent years ago is scored from what it asked.
extension Questionnaire.Question: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, domain, text, help, type, options, bands, weight, required, evidence, evidenceWhen, key, rule, knockOut, showIf, references
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(String.self, forKey: .id), domain: try container.decode(String.self, forKey: .domain),
            text: try container.decode(String.self, forKey: .text), help: try container.decode(String.self, forKey: .help),
            type: try container.decode(Questionnaire.AnswerType.self, forKey: .type),
            options: try container.decode([Questionnaire.Option].self, forKey: .options),
            bands: try container.decode([Questionnaire.Band].self, forKey: .bands),
            weight: try container.decodeIfPresent(Int.self, forKey: .weight),
            required: try container.decode(Bool.self, forKey: .required),
            evidence: try container.decode(Questionnaire.Evidence.self, forKey: .evidence),
            evidenceWhen: try container.decodeIfPresent([String].self, forKey: .evidenceWhen) ?? [],
            key: try container.decodeIfPresent(Bool.self, forKey: .key) ?? false,
            rule: try container.decodeIfPresent(Questionnaire.MultiRule.self, forKey: .rule),
            knockOut: try container.decode([String].self, forKey: .knockOut),
            showIf: try container.decodeIfPresent(Questionnaire.ShowIf.self, forKey: .showIf),
            references: try container.decode([Reference].self, forKey: .references))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(domain, forKey: .domain)
        try container.encode(text, forKey: .text)
        try container.encode(help, forKey: .help)
        try container.encode(type, forKey: .type)
        try container.encode(options, forKey: .options)
        try container.encode(bands, forKey: .bands)
        try container.encodeIfPresent(weight, forKey: .weight)
        try container.encode(required, forKey: .required)
        try container.encode(evidence, forKey: .evidence)
        if !evidenceWhen.isEmpty { try container.encode(evidenceWhen, forKey: .evidenceWhen) }
        if key { try container.encode(true, forKey: .key) }
        try container.encodeIfPresent(rule, forKey: .rule)
        try container.encode(knockOut, forKey: .knockOut)
        try container.encodeIfPresent(showIf, forKey: .showIf)
        try container.encode(references, forKey: .references)
    }
}

extension Questionnaire.MultiRule: Codable {
    private enum CodingKeys: String, CodingKey { case kind, options }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "worst": self = .worst
        case "best": self = .best
        case "all_of": self = .allOf(try container.decode([String].self, forKey: .options))
        case "none_of": self = .noneOf(try container.decode([String].self, forKey: .options))
        case let other: throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown multi-select rule \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .kind)
        switch self {
        case .allOf(let options), .noneOf(let options): try container.encode(options, forKey: .options)
        case .worst, .best: break
        }
    }

    /// As written in catalog files: `worst`, `best`, `all_of`, `none_of`.
    public var name: String {
        switch self {
        case .worst: "worst"
        case .best: "best"
        case .allOf: "all_of"
        case .noneOf: "none_of"
        }
    }
}

extension Questionnaire.ShowIf: Codable {
    private enum CodingKeys: String, CodingKey { case any, question, values }
    private enum ConditionKeys: String, CodingKey { case question, profile, values }

    /// Reads `{"any": [...]}`, or the single answer condition `{"question", "values"}` of format-1 snapshots.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let question = try container.decodeIfPresent(String.self, forKey: .question) {
            self.init(any: [.answer(question: question, values: try container.decode([String].self, forKey: .values))])
            return
        }
        var list = try container.nestedUnkeyedContainer(forKey: .any)
        var conditions: [Condition] = []
        while !list.isAtEnd {
            let condition = try list.nestedContainer(keyedBy: ConditionKeys.self)
            let values = try condition.decode([String].self, forKey: .values)
            if let question = try condition.decodeIfPresent(String.self, forKey: .question) {
                conditions.append(.answer(question: question, values: values))
            } else {
                let dimension = try condition.decode(String.self, forKey: .profile)
                guard let fact = ProfileFact.make(dimension, values) else {
                    throw DecodingError.dataCorruptedError(forKey: .profile, in: condition, debugDescription: "unknown profile fact \(dimension) = \(values)")
                }
                conditions.append(.profile(fact))
            }
        }
        self.init(any: conditions)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var list = container.nestedUnkeyedContainer(forKey: .any)
        for condition in any {
            var entry = list.nestedContainer(keyedBy: ConditionKeys.self)
            switch condition {
            case .answer(let question, let values):
                try entry.encode(question, forKey: .question)
                try entry.encode(values, forKey: .values)
            case .profile(let fact):
                try entry.encode(fact.dimension, forKey: .profile)
                try entry.encode(fact.values, forKey: .values)
            }
        }
    }
}
