/// How a vendor's AI profile sets its tier: data kept in `questionnaires/scoring.yaml`.
///
/// Each dimension of the profile maps every value to the tier it reaches on
/// its own; the vendor's tier is the highest reached on any dimension, and an
/// override lifts it to at least a given tier when a combination of facts holds
/// (a combination, because a single fact is already a dimension's level).
public struct TieringRules: Sendable, Hashable {
    /// The tier each value reaches, per dimension.
    public var dataCategories: [AIProfile.DataCategory: Tier]
    public var decisionImpact: [AIProfile.DecisionImpact: Tier]
    public var aiActClass: [AIProfile.AIActClass: Tier]
    public var autonomy: [AIProfile.Autonomy: Tier]
    public var businessCriticality: [AIProfile.BusinessCriticality: Tier]
    /// Conditions that lift the tier to at least a level.
    public var overrides: [Override]

    /// Creates rules.
    public init(
        dataCategories: [AIProfile.DataCategory: Tier], decisionImpact: [AIProfile.DecisionImpact: Tier], aiActClass: [AIProfile.AIActClass: Tier],
        autonomy: [AIProfile.Autonomy: Tier], businessCriticality: [AIProfile.BusinessCriticality: Tier], overrides: [Override]
    ) {
        self.dataCategories = dataCategories
        self.decisionImpact = decisionImpact
        self.aiActClass = aiActClass
        self.autonomy = autonomy
        self.businessCriticality = businessCriticality
        self.overrides = overrides
    }

    /// Lifts the tier to at least `minimum` when the profile matches.
    public struct Override: Sendable, Hashable {
        /// When it applies: facts that must all hold.
        public var condition: ProfileCondition
        /// The lowest tier the vendor may then have.
        public var minimum: Tier
        /// Why, in words a committee reads.
        public var reason: String

        /// Creates an override.
        public init(condition: ProfileCondition, minimum: Tier, reason: String) {
            self.condition = condition
            self.minimum = minimum
            self.reason = reason
        }
    }

    /// The vendor's inherent-risk tier and the facts that set it.
    public func assess(_ profile: AIProfile) -> TierAssessment {
        var reasons: [TierAssessment.Reason] = []
        let categories = profile.dataCategories.sorted { (dataCategories[$0] ?? .low, $1.rawValue) > (dataCategories[$1] ?? .low, $0.rawValue) }
        for category in categories {
            reasons.append(.init(fact: ProfileFact.dataCategories([category]).text, tier: dataCategories[category] ?? .low, kind: .dimension))
        }
        reasons.append(.init(fact: ProfileFact.decisionImpact([profile.decisionImpact]).text, tier: decisionImpact[profile.decisionImpact] ?? .low, kind: .dimension))
        reasons.append(.init(fact: ProfileFact.aiActClass([profile.aiActClass]).text, tier: aiActClass[profile.aiActClass] ?? .low, kind: .dimension))
        reasons.append(.init(fact: ProfileFact.autonomy([profile.autonomy]).text, tier: autonomy[profile.autonomy] ?? .low, kind: .dimension))
        reasons.append(.init(fact: ProfileFact.businessCriticality([profile.businessCriticality]).text,
                             tier: businessCriticality[profile.businessCriticality] ?? .low, kind: .dimension))
        for override in overrides where override.condition.holds(for: profile) {
            reasons.append(.init(fact: "\(override.condition.text): \(override.reason)", tier: override.minimum, kind: .override))
        }
        let tier = reasons.map(\.tier).max() ?? .low
        return TierAssessment(tier: tier, reasons: reasons)
    }

    /// The lowest tier the dimensions alone give a profile that satisfies `condition`: every named dimension at its
    /// lowest named value, every other one at its lowest value overall. An override at or below it changes nothing.
    func lowestTier(matching condition: ProfileCondition) -> Tier {
        func lowest<Value: Hashable>(_ levels: [Value: Tier], _ values: Set<Value>?) -> Tier {
            (values.map { $0.compactMap { levels[$0] } } ?? Array(levels.values)).min() ?? .low
        }
        var named: [String: ProfileFact] = [:]
        for fact in condition.facts { named[fact.dimension] = fact }
        func values<Value>(_ extract: (ProfileFact) -> Set<Value>?) -> Set<Value>? { named.values.lazy.compactMap(extract).first }
        return [
            lowest(dataCategories, values { if case .dataCategories(let v) = $0 { v } else { nil } }),
            lowest(decisionImpact, values { if case .decisionImpact(let v) = $0 { v } else { nil } }),
            lowest(aiActClass, values { if case .aiActClass(let v) = $0 { v } else { nil } }),
            lowest(autonomy, values { if case .autonomy(let v) = $0 { v } else { nil } }),
            lowest(businessCriticality, values { if case .businessCriticality(let v) = $0 { v } else { nil } }),
        ].max() ?? .low
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
