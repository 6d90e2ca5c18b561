import Yams

/// The parameters of the residual-risk score, from the `scoring` section of `scoring.yaml`.
public struct ScoringParameters: Sendable, Hashable {
    /// Upper bound (inclusive) of each rating band, on the 0–100 scale.
    public let ratingBounds: [Tier: Int]
    /// The share (out of 100) each component contributes.
    public let components: [Component: Int]
    /// Inherent-risk points per tier, out of 100.
    public let inherentPoints: [Tier: Int]
    /// How much of an answer's credit counts, by what backs it (0–1).
    public let evidenceConfidence: [EvidenceLevel: Double]
    /// Months over the cadence in which an answer fades to `stalenessFloor`.
    public let fadeMonths: Int
    /// The share of credit a stale answer keeps at the end (0–1).
    public let stalenessFloor: Double
    /// Incident points by severity.
    public let incidentPoints: [Incident.Severity: Int]
    /// Months in which a resolved incident's points halve.
    public let incidentHalfLifeMonths: Int
    /// Points for a vendor notice later than the contract's SLA.
    public let lateNoticePoints: Int
    /// Points per required clause not satisfied.
    public let missingClausePoints: Int
    /// Controls of a never-assessed vendor, as a share of the worst (0–1).
    public let notAssessedControls: Double

    /// The parts of the residual score.
    public enum Component: String, Sendable, Hashable, CaseIterable {
        case inherent, controls, contract, incidents
    }

    /// What backs an answer.
    public enum EvidenceLevel: String, Sendable, Hashable, CaseIterable {
        case selfAttested = "self_attested"
        case documentAttached = "document_attached"
        case reviewerAccepted = "reviewer_accepted"
    }

    /// The rating band of a 0–100 score.
    public func rating(of score: Double) -> Tier {
        Tier.allCases.first { score <= Double(ratingBounds[$0] ?? 100) } ?? .critical
    }

    static func read(_ node: Node?, _ reader: YAMLReader) -> ScoringParameters? {
        let keys = ["ratings", "components", "inherent_points", "evidence_confidence", "staleness", "incidents", "contract", "not_assessed_controls"]
        guard let pairs = reader.mapping(node, "scoring", allowed: Set(keys), required: keys) else { return nil }
        let field = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let tiers = Tier.allCases.map(\.rawValue)

        let ratings = integers(field["ratings"], "scoring.ratings", keys: tiers, range: 1...100, reader).map(byTier)
        if let ratings {
            let bounds = Tier.allCases.map { ratings[$0]! }
            if bounds != bounds.sorted() || Set(bounds).count != bounds.count || bounds.last != 100 {
                reader.problem(field["ratings"], "scoring.ratings must rise from low to critical, and critical must be 100")
            }
        }
        let components = integers(field["components"], "scoring.components", keys: Component.allCases.map(\.rawValue), range: 0...100, reader)
            .map { Dictionary(uniqueKeysWithValues: $0.map { (Component(rawValue: $0.key)!, $0.value) }) }
        if let components, components.values.reduce(0, +) != 100 {
            reader.problem(field["components"], "scoring.components must add up to 100, not \(components.values.reduce(0, +))")
        }
        let inherent = integers(field["inherent_points"], "scoring.inherent_points", keys: tiers, range: 0...100, reader).map(byTier)
        let confidence = fractions(field["evidence_confidence"], "scoring.evidence_confidence", keys: EvidenceLevel.allCases.map(\.rawValue), reader)
            .map { Dictionary(uniqueKeysWithValues: $0.map { (EvidenceLevel(rawValue: $0.key)!, $0.value) }) }
        if let confidence, !(confidence[.selfAttested]! <= confidence[.documentAttached]! && confidence[.documentAttached]! <= confidence[.reviewerAccepted]!) {
            reader.problem(field["evidence_confidence"], "scoring.evidence_confidence must not fall as evidence gets stronger (self_attested ≤ document_attached ≤ reviewer_accepted)")
        }
        let staleness = reader.mapping(field["staleness"], "scoring.staleness", allowed: ["fade_months", "floor"], required: ["fade_months", "floor"])
        let stale = Dictionary((staleness ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let fadeMonths = reader.positiveInt(stale["fade_months"], "scoring.staleness.fade_months")
        let floor = fraction(stale["floor"], "scoring.staleness.floor", reader)

        let incidents = reader.mapping(field["incidents"], "scoring.incidents", allowed: ["severity_points", "half_life_months", "late_notice_points"],
                                       required: ["severity_points", "half_life_months", "late_notice_points"])
        let incident = Dictionary((incidents ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let severity = integers(incident["severity_points"], "scoring.incidents.severity_points", keys: Incident.Severity.allCases.map(\.rawValue), range: 0...100, reader)
            .map { Dictionary(uniqueKeysWithValues: $0.map { (Incident.Severity(rawValue: $0.key)!, $0.value) }) }
        let halfLife = reader.positiveInt(incident["half_life_months"], "scoring.incidents.half_life_months")
        let late = integer(incident["late_notice_points"], "scoring.incidents.late_notice_points", range: 0...100, reader)

        let contract = reader.mapping(field["contract"], "scoring.contract", allowed: ["missing_clause_points"], required: ["missing_clause_points"])
        let missing = integer(contract?.first?.value, "scoring.contract.missing_clause_points", range: 0...100, reader)
        let notAssessed = fraction(field["not_assessed_controls"], "scoring.not_assessed_controls", reader)

        guard let ratings, let components, let inherent, let confidence, let fadeMonths, let floor, let severity, let halfLife, let late, let missing, let notAssessed
        else { return nil }
        return ScoringParameters(
            ratingBounds: ratings, components: components, inherentPoints: inherent, evidenceConfidence: confidence,
            fadeMonths: fadeMonths, stalenessFloor: floor, incidentPoints: severity, incidentHalfLifeMonths: halfLife,
            lateNoticePoints: late, missingClausePoints: missing, notAssessedControls: notAssessed)
    }

    private static func byTier(_ values: [String: Int]) -> [Tier: Int] {
        Dictionary(uniqueKeysWithValues: values.map { (Tier(rawValue: $0.key)!, $0.value) })
    }

    private static func integer(_ node: Node?, _ what: String, range: ClosedRange<Int>, _ reader: YAMLReader) -> Int? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ Int($0.string) }), range.contains(value) else {
            reader.problem(node, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    private static func fraction(_ node: Node?, _ what: String, _ reader: YAMLReader) -> Double? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ Double($0.string) }), (0...1).contains(value) else {
            reader.problem(node, "\(what) must be a number from 0 to 1")
            return nil
        }
        return value
    }

    private static func integers(_ node: Node?, _ what: String, keys: [String], range: ClosedRange<Int>, _ reader: YAMLReader) -> [String: Int]? {
        guard let pairs = reader.mapping(node, what, allowed: Set(keys), required: keys) else { return nil }
        var values: [String: Int] = [:]
        for pair in pairs { if let value = integer(pair.value, "\(what).\(pair.key)", range: range, reader) { values[pair.key] = value } }
        return values.count == keys.count ? values : nil
    }

    private static func fractions(_ node: Node?, _ what: String, keys: [String], _ reader: YAMLReader) -> [String: Double]? {
        guard let pairs = reader.mapping(node, what, allowed: Set(keys), required: keys) else { return nil }
        var values: [String: Double] = [:]
        for pair in pairs { if let value = fraction(pair.value, "\(what).\(pair.key)", reader) { values[pair.key] = value } }
        return values.count == keys.count ? values : nil
    }
}
