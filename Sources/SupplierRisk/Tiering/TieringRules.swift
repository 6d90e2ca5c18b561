/// How a vendor's AI profile sets its tier: data kept in `questionnaires/scoring.yaml`.
///
/// Each dimension of the profile maps every value to the tier it reaches on
/// its own; the vendor's tier is the highest reached on any dimension, and an
/// override lifts it to at least a given tier when its condition holds.
public struct TieringRules: Sendable, Hashable {
    /// The tier each value reaches, per dimension.
    public var dataCategories: [AIProfile.DataCategory: Tier]
    public var decisionImpact: [AIProfile.DecisionImpact: Tier]
    public var aiActClass: [AIProfile.AIActClass: Tier]
    public var businessCriticality: [AIProfile.BusinessCriticality: Tier]
    /// Conditions that lift the tier to at least a level.
    public var overrides: [Override]

    /// Lifts the tier to at least `minimum` when the profile matches.
    public struct Override: Sendable, Hashable {
        /// When it applies.
        public var condition: Condition
        /// The lowest tier the vendor may then have.
        public var minimum: Tier
        /// Why, in words a committee reads.
        public var reason: String
    }

    /// A profile fact an override looks for.
    public enum Condition: Sendable, Hashable {
        case decisionImpact(AIProfile.DecisionImpact)
        case aiActClass(AIProfile.AIActClass)
        case dataCategory(AIProfile.DataCategory)
        case businessCriticality(AIProfile.BusinessCriticality)

        func holds(for profile: AIProfile) -> Bool {
            switch self {
            case .decisionImpact(let value): profile.decisionImpact == value
            case .aiActClass(let value): profile.aiActClass == value
            case .dataCategory(let value): profile.dataCategories.contains(value)
            case .businessCriticality(let value): profile.businessCriticality == value
            }
        }

        /// `decision_impact = automated`.
        var fact: String {
            switch self {
            case .decisionImpact(let value): "\(AIProfile.DecisionImpact.dimension) = \(value.rawValue)"
            case .aiActClass(let value): "\(AIProfile.AIActClass.dimension) = \(value.rawValue)"
            case .dataCategory(let value): "\(AIProfile.DataCategory.dimension) includes \(value.rawValue)"
            case .businessCriticality(let value): "\(AIProfile.BusinessCriticality.dimension) = \(value.rawValue)"
            }
        }
    }

    /// The vendor's inherent-risk tier and the facts that set it.
    public func assess(_ profile: AIProfile) -> TierAssessment {
        var reasons: [TierAssessment.Reason] = []
        let categories = profile.dataCategories.sorted { (dataCategories[$0] ?? .low, $1.rawValue) > (dataCategories[$1] ?? .low, $0.rawValue) }
        for category in categories {
            reasons.append(.init(fact: "\(AIProfile.DataCategory.dimension) includes \(category.rawValue)", tier: dataCategories[category] ?? .low, kind: .dimension))
        }
        reasons.append(.init(fact: "\(AIProfile.DecisionImpact.dimension) = \(profile.decisionImpact.rawValue)", tier: decisionImpact[profile.decisionImpact] ?? .low, kind: .dimension))
        reasons.append(.init(fact: "\(AIProfile.AIActClass.dimension) = \(profile.aiActClass.rawValue)", tier: aiActClass[profile.aiActClass] ?? .low, kind: .dimension))
        reasons.append(.init(fact: "\(AIProfile.BusinessCriticality.dimension) = \(profile.businessCriticality.rawValue)", tier: businessCriticality[profile.businessCriticality] ?? .low, kind: .dimension))
        for override in overrides where override.condition.holds(for: profile) {
            reasons.append(.init(fact: "\(override.condition.fact): \(override.reason)", tier: override.minimum, kind: .override))
        }
        let tier = reasons.map(\.tier).max() ?? .low
        return TierAssessment(tier: tier, reasons: reasons)
    }
}

/// A vendor's tier with every fact that was weighed; the ones at the tier set it.
public struct TierAssessment: Sendable, Hashable, Codable {
    /// The inherent-risk tier.
    public let tier: Tier
    /// Every fact weighed, with the tier it reaches on its own.
    public let reasons: [Reason]

    /// A fact and the tier it reaches.
    public struct Reason: Sendable, Hashable, Codable {
        /// The fact, as `decision_impact = automated`.
        public let fact: String
        /// The tier this fact reaches on its own (an override's minimum).
        public let tier: Tier
        /// Whether it is a dimension's level or an override's minimum.
        public let kind: Kind

        public enum Kind: String, Sendable, Hashable, Codable {
            case dimension, override
        }
    }

    /// The facts that set the tier: those that reach it.
    public var decisive: [Reason] { reasons.filter { $0.tier == tier } }
}
