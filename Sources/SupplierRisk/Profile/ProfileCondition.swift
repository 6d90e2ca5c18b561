/// One fact about a vendor's AI profile: a dimension and the values that satisfy it.
///
/// `data_categories` holds when the profile includes any of the values; every other dimension when its one
/// value is among them.
public enum ProfileFact: Sendable, Hashable {
    case offering(Set<AIProfile.Offering>)
    case dataCategories(Set<AIProfile.DataCategory>)
    case decisionImpact(Set<AIProfile.DecisionImpact>)
    case aiActClass(Set<AIProfile.AIActClass>)
    case autonomy(Set<AIProfile.Autonomy>)
    case businessCriticality(Set<AIProfile.BusinessCriticality>)

    /// The dimensions a fact can name, as written in catalog files.
    public static let dimensions = [
        AIProfile.Offering.dimension, AIProfile.DataCategory.dimension, AIProfile.DecisionImpact.dimension,
        AIProfile.AIActClass.dimension, AIProfile.Autonomy.dimension, AIProfile.BusinessCriticality.dimension,
    ]

    /// Whether the profile has the fact.
    public func holds(for profile: AIProfile) -> Bool {
        switch self {
        case .offering(let values): values.contains(profile.offering)
        case .dataCategories(let values): !values.isDisjoint(with: profile.dataCategories)
        case .decisionImpact(let values): values.contains(profile.decisionImpact)
        case .aiActClass(let values): values.contains(profile.aiActClass)
        case .autonomy(let values): values.contains(profile.autonomy)
        case .businessCriticality(let values): values.contains(profile.businessCriticality)
        }
    }

    /// The dimension's name: `decision_impact`.
    public var dimension: String {
        switch self {
        case .offering: AIProfile.Offering.dimension
        case .dataCategories: AIProfile.DataCategory.dimension
        case .decisionImpact: AIProfile.DecisionImpact.dimension
        case .aiActClass: AIProfile.AIActClass.dimension
        case .autonomy: AIProfile.Autonomy.dimension
        case .businessCriticality: AIProfile.BusinessCriticality.dimension
        }
    }

    /// The values, in the order the dimension lists them.
    public var values: [String] {
        func ordered<Value: ProfileValue>(_ set: Set<Value>) -> [String] { Value.allCases.filter(set.contains).map(\.rawValue) }
        switch self {
        case .offering(let values): return ordered(values)
        case .dataCategories(let values): return ordered(values)
        case .decisionImpact(let values): return ordered(values)
        case .aiActClass(let values): return ordered(values)
        case .autonomy(let values): return ordered(values)
        case .businessCriticality(let values): return ordered(values)
        }
    }

    /// `decision_impact = automated`, `data_categories includes personal or special_category`.
    public var text: String {
        let values = values.joined(separator: " or ")
        return self.dimension == AIProfile.DataCategory.dimension ? "\(dimension) includes \(values)" : "\(dimension) = \(values)"
    }
}

/// Facts about a profile that must all hold: `{decision_impact: automated, data_categories: personal}`.
public struct ProfileCondition: Sendable, Hashable {
    /// The facts, in the order written.
    public let facts: [ProfileFact]

    /// Creates a condition of facts that must all hold.
    public init(_ facts: [ProfileFact]) { self.facts = facts }

    /// Whether every fact holds for the profile.
    public func holds(for profile: AIProfile) -> Bool { facts.allSatisfy { $0.holds(for: profile) } }

    /// `decision_impact = automated and data_categories includes personal`.
    public var text: String { facts.map(\.text).joined(separator: " and ") }
}

extension ProfileFact: Codable {
    private enum CodingKeys: String, CodingKey { case dimension, values }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let dimension = try container.decode(String.self, forKey: .dimension)
        let values = try container.decode([String].self, forKey: .values)
        guard let fact = Self.make(dimension, values) else {
            throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: "unknown profile fact \(dimension) = \(values)")
        }
        self = fact
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dimension, forKey: .dimension)
        try container.encode(values, forKey: .values)
    }

    /// The fact for a dimension and values as written, or nil when the dimension or a value is unknown.
    static func make(_ dimension: String, _ values: [String]) -> ProfileFact? {
        func set<Value: ProfileValue>(_ type: Value.Type) -> Set<Value>? {
            let parsed = values.compactMap(Value.init(rawValue:))
            return parsed.count == values.count && !parsed.isEmpty ? Set(parsed) : nil
        }
        switch dimension {
        case AIProfile.Offering.dimension: return set(AIProfile.Offering.self).map { .offering($0) }
        case AIProfile.DataCategory.dimension: return set(AIProfile.DataCategory.self).map { .dataCategories($0) }
        case AIProfile.DecisionImpact.dimension: return set(AIProfile.DecisionImpact.self).map { .decisionImpact($0) }
        case AIProfile.AIActClass.dimension: return set(AIProfile.AIActClass.self).map { .aiActClass($0) }
        case AIProfile.Autonomy.dimension: return set(AIProfile.Autonomy.self).map { .autonomy($0) }
        case AIProfile.BusinessCriticality.dimension: return set(AIProfile.BusinessCriticality.self).map { .businessCriticality($0) }
        default: return nil
        }
    }

    /// Every value a dimension takes, for messages; nil for an unknown dimension.
    static func expected(_ dimension: String) -> String? {
        switch dimension {
        case AIProfile.Offering.dimension: AIProfile.Offering.expected
        case AIProfile.DataCategory.dimension: AIProfile.DataCategory.expected
        case AIProfile.DecisionImpact.dimension: AIProfile.DecisionImpact.expected
        case AIProfile.AIActClass.dimension: AIProfile.AIActClass.expected
        case AIProfile.Autonomy.dimension: AIProfile.Autonomy.expected
        case AIProfile.BusinessCriticality.dimension: AIProfile.BusinessCriticality.expected
        default: nil
        }
    }
}
