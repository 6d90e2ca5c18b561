public import Foundation
import Yams

/// `questionnaires/scoring.yaml`: the tiering rules, the re-assessment cadence per tier and the score's parameters.
public struct ScoringConfiguration: Sendable, Hashable {
    /// The file's own version number, raised whenever its meaning changes: the scoring model's version.
    public let version: Int
    /// How a profile sets the tier.
    public let tiering: TieringRules
    /// How often each tier is re-assessed.
    public let cadence: [Tier: Cadence]
    /// The parameters of the residual-risk score.
    public let parameters: ScoringParameters

    /// The time between periodic assessments of a tier.
    public struct Cadence: Sendable, Hashable {
        /// Months between full assessments.
        public let months: Int
        /// Months between lighter check-ins in between, if the tier has them.
        public let checkInMonths: Int?
        /// The questionnaire a check-in sends (a key of the catalog), when the tier has check-ins.
        public let checkIn: String?

        /// Creates a cadence.
        public init(months: Int, checkInMonths: Int? = nil, checkIn: String? = nil) {
            self.months = months
            self.checkInMonths = checkInMonths
            self.checkIn = checkIn
        }
    }

    /// Validates the text of a scoring file; `file` names it in problems.
    ///
    /// - Throws: ``CatalogError`` listing every problem with its line and column.
    public static func parse(_ text: String, file: String) throws(CatalogError) -> ScoringConfiguration {
        let reader = YAMLReader(file: file)
        let configuration = read(reader.parse(text), reader)
        guard reader.problems.isEmpty, let configuration else { throw CatalogError(problems: reader.problems) }
        return configuration
    }

    private static func read(_ root: Node?, _ reader: YAMLReader) -> ScoringConfiguration? {
        guard let root else { return nil }
        let sections = ["version", "tiering", "cadence", "scoring"]
        guard let top = reader.mapping(root, "scoring.yaml", allowed: Set(sections), required: sections) else { return nil }
        let node = Dictionary(top.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let version = reader.positiveInt(node["version"], "version")
        let tiering = readTiering(node["tiering"], reader)
        let cadence = readCadence(node["cadence"], reader)
        let parameters = ScoringParameters.read(node["scoring"], reader)
        guard let version, let tiering, let cadence, let parameters else { return nil }
        return ScoringConfiguration(version: version, tiering: tiering, cadence: cadence, parameters: parameters)
    }

    private static func readTiering(_ node: Node?, _ reader: YAMLReader) -> TieringRules? {
        let dimensions = [
            AIProfile.DataCategory.dimension, AIProfile.DecisionImpact.dimension, AIProfile.AIActClass.dimension,
            AIProfile.Autonomy.dimension, AIProfile.BusinessCriticality.dimension,
        ]
        guard let pairs = reader.mapping(node, "tiering", allowed: Set(dimensions + ["overrides"]), required: dimensions) else { return nil }
        let node = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let data = levels(node[AIProfile.DataCategory.dimension], AIProfile.DataCategory.self, reader)
        let impact = levels(node[AIProfile.DecisionImpact.dimension], AIProfile.DecisionImpact.self, reader)
        let act = levels(node[AIProfile.AIActClass.dimension], AIProfile.AIActClass.self, reader)
        let autonomy = levels(node[AIProfile.Autonomy.dimension], AIProfile.Autonomy.self, reader)
        let criticality = levels(node[AIProfile.BusinessCriticality.dimension], AIProfile.BusinessCriticality.self, reader)
        guard let data, let impact, let act, let autonomy, let criticality else { return nil }
        var rules = TieringRules(
            dataCategories: data, decisionImpact: impact, aiActClass: act, autonomy: autonomy, businessCriticality: criticality, overrides: [])
        guard let overrides = node["overrides"].map({ readOverrides($0, rules, reader) }) ?? [] else { return nil }
        rules.overrides = overrides
        return rules
    }

    /// A dimension's mapping from every value to a tier; each value must appear once.
    private static func levels<Value: ProfileValue>(_ node: Node?, _ type: Value.Type, _ reader: YAMLReader) -> [Value: Tier]? {
        let what = "tiering.\(Value.dimension)"
        guard let pairs = reader.mapping(node, what, allowed: Set(Value.allCases.map(\.rawValue)), required: Value.allCases.map(\.rawValue)) else { return nil }
        var levels: [Value: Tier] = [:]
        for pair in pairs {
            guard let value = Value(rawValue: pair.key), let tier = reader.tier(pair.value, "\(what).\(pair.key)") else { continue }
            levels[value] = tier
        }
        return levels.count == Value.allCases.count ? levels : nil
    }

    /// The overrides; each must lift some profile it matches above what the dimensions give it, or it is refused as a no-op.
    private static func readOverrides(_ node: Node, _ rules: TieringRules, _ reader: YAMLReader) -> [TieringRules.Override]? {
        guard let items = reader.sequence(node, "tiering.overrides") else { return nil }
        var overrides: [TieringRules.Override] = []
        var complete = true
        for (index, item) in items.enumerated() {
            let what = "tiering.overrides[\(index + 1)]"
            guard let pairs = reader.mapping(item, what, allowed: ["when", "at_least", "reason"], required: ["when", "at_least", "reason"]) else {
                complete = false
                continue
            }
            let fields = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let condition = reader.profileCondition(fields["when"], "\(what).when")
            let minimum = reader.tier(fields["at_least"], "\(what).at_least")
            let reason = reader.string(fields["reason"], "\(what).reason")
            guard let condition, let minimum, let reason else {
                complete = false
                continue
            }
            let reached = rules.lowestTier(matching: condition)
            if minimum <= reached {
                reader.problem(item, "\(what) changes no tier: every profile with \(condition.text) is \(reached.rawValue) or above by its dimensions alone")
                complete = false
                continue
            }
            overrides.append(TieringRules.Override(condition: condition, minimum: minimum, reason: reason))
        }
        return complete ? overrides : nil
    }

    private static func readCadence(_ node: Node?, _ reader: YAMLReader) -> [Tier: Cadence]? {
        guard let pairs = reader.mapping(node, "cadence", allowed: Set(Tier.allCases.map(\.rawValue)), required: Tier.allCases.reversed().map(\.rawValue)) else { return nil }
        var cadence: [Tier: Cadence] = [:]
        for pair in pairs {
            guard let tier = Tier(rawValue: pair.key) else { continue }
            let what = "cadence.\(pair.key)"
            guard let fields = reader.mapping(pair.value, what, allowed: ["months", "check_in_months", "check_in"], required: ["months"]) else { continue }
            let field = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            guard let months = reader.positiveInt(field["months"], "\(what).months") else { continue }
            let checkIn = field["check_in_months"].flatMap { reader.positiveInt($0, "\(what).check_in_months") }
            let questionnaire = field["check_in"].flatMap { reader.string($0, "\(what).check_in") }
            if let checkIn, checkIn >= months {
                reader.problem(field["check_in_months"], "\(what).check_in_months (\(checkIn)) must be shorter than months (\(months))")
                continue
            }
            if (checkIn == nil) != (questionnaire == nil) {
                reader.problem(pair.value, "\(what): give check_in_months and check_in (the questionnaire a check-in sends) together")
                continue
            }
            cadence[tier] = Cadence(months: months, checkInMonths: checkIn, checkIn: questionnaire)
        }
        return cadence.count == Tier.allCases.count ? cadence : nil
    }
}
