import Yams

/// The parameters of the residual-risk score, from the `scoring` section of `scoring.yaml`.
///
/// Residual risk is the tier's inherent risk reduced by control effectiveness, plus contract gaps and incidents
/// that scale with the tier: `inherent × (floor + (1 − floor) × control gap) + contract + incidents`, at most 100.
public struct ScoringParameters: Sendable, Hashable {
    /// Upper bound (inclusive) of each rating band, on the 0–100 scale.
    public let ratingBounds: [Rating: Int]
    /// Inherent-risk points per tier, out of 100; they rise with the tier.
    public let inherentPoints: [Tier: Int]
    /// The share of inherent risk that no control removes (0–1, exclusive).
    public let residualFloor: Double
    /// How much of a passed answer's credit counts, by what backs it (0–1, rising with the backing).
    public let confidence: [EvidenceLevel: Double]
    /// Control effectiveness is at most this share once a key control fails (0–1).
    public let keyControlCap: Double
    /// A key control fails when its answer earns less than this share of full marks (0–1).
    public let passMark: Double
    /// Months after the tier's cadence in which an answer fades from full credit to none.
    public let graceMonths: Int
    /// What contract and incident points are multiplied by, per tier (0–1, rising with the tier).
    public let tierScale: [Tier: Double]
    /// Points per required clause that no contract in force satisfies, by the clause's importance.
    public let clausePoints: [ClauseLibrary.Importance: Double]
    /// The share of a clause's points that a deviation from the library's wording costs (0–1).
    public let deviationShare: Double
    /// The most points contract gaps add before the tier's scale.
    public let contractCap: Double
    /// Incident points by severity, before the tier's scale.
    public let incidentPoints: [Incident.Severity: Double]
    /// Months in which a resolved incident's points, and its late notice's, halve.
    public let incidentHalfLifeMonths: Int
    /// Points for a vendor notice later than the SLA, before the tier's scale.
    public let lateNoticePoints: Double
    /// The most points incidents add before the tier's scale.
    public let incidentCap: Double
    /// The lowest rating some facts impose whatever the score.
    public let ratingFloors: [RatingFloor: Rating]

    /// The parts of the residual score.
    public enum Component: String, Sendable, Hashable, CaseIterable, Codable {
        /// The share of the tier's inherent risk no control removes.
        case inherent
        /// The rest of the inherent risk, as far as controls leave it: the control gap.
        case controls
        case contract
        case incidents
        /// Points that lift the score to the lowest of a band a fact imposes (a knock-out rates critical).
        case rating
    }

    /// What backs an answer.
    public enum EvidenceLevel: String, Sendable, Hashable, CaseIterable, Codable {
        case selfAttested = "self_attested"
        case documentAttached = "document_attached"
        case reviewerAccepted = "reviewer_accepted"
    }

    /// Facts that impose a lowest rating.
    public enum RatingFloor: String, Sendable, Hashable, CaseIterable, Codable {
        /// A knock-out answer: the supplier is rejected.
        case knockOut = "knock_out"
        /// An EU AI Act prohibited use (Art. 5).
        case prohibited
        /// A critical incident still open.
        case openCriticalIncident = "open_critical_incident"
    }

    /// The rating band of a score in hundredths.
    public func rating(hundredths: Int) -> Rating {
        Rating.allCases.first { hundredths <= (ratingBounds[$0] ?? 100) * 100 } ?? .critical
    }

    /// The lowest score of a band, in hundredths: one hundredth above the band below.
    public func lowestHundredths(of band: Rating) -> Int {
        guard let below = Rating.allCases.last(where: { $0 < band }) else { return 0 }
        return (ratingBounds[below] ?? 0) * 100 + 1
    }

    static func read(_ node: Node?, _ reader: YAMLReader) -> ScoringParameters? {
        let keys = ["ratings", "inherent_points", "residual_floor", "confidence", "key_control_cap", "pass_mark", "staleness",
                    "tier_scale", "contract", "incidents", "rating_floors"]
        guard let pairs = reader.mapping(node, "scoring", allowed: Set(keys), required: keys) else { return nil }
        let field = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let tiers = Tier.allCases.map(\.rawValue)

        let ratings = integers(field["ratings"], "scoring.ratings", keys: Rating.allCases.map(\.rawValue), range: 1...100, reader).map(byRating)
        if let ratings, !rises(Rating.allCases.map { ratings[$0]! }, strictly: true) || ratings[.critical] != 100 {
            reader.problem(field["ratings"], "scoring.ratings must rise from low to critical, and critical must be 100")
        }
        let inherent = integers(field["inherent_points"], "scoring.inherent_points", keys: tiers, range: 1...100, reader).map(byTier)
        if let inherent, !rises(Tier.allCases.map { inherent[$0]! }, strictly: true) {
            reader.problem(field["inherent_points"], "scoring.inherent_points must rise from low to critical: a higher tier carries more inherent risk")
        }
        let floor = number(field["residual_floor"], "scoring.residual_floor", 0...1, reader)
        if let floor, floor <= 0 || floor >= 1 {
            reader.problem(field["residual_floor"], "scoring.residual_floor must be above 0 and below 1: no control removes all risk, and controls must remove some")
        }
        let confidence = numbers(field["confidence"], "scoring.confidence", keys: EvidenceLevel.allCases.map(\.rawValue), 0...1, reader)
            .map { Dictionary(uniqueKeysWithValues: $0.map { (EvidenceLevel(rawValue: $0.key)!, $0.value) }) }
        if let confidence {
            if !rises(EvidenceLevel.allCases.map { confidence[$0]! }, strictly: false) {
                reader.problem(field["confidence"], "scoring.confidence must not fall as backing gets stronger (self_attested ≤ document_attached ≤ reviewer_accepted)")
            } else if confidence[.selfAttested]! <= 0 {
                reader.problem(field["confidence"], "scoring.confidence.self_attested must be above 0: a passed control with the weakest backing counts for more than a failed one")
            }
        }
        let cap = number(field["key_control_cap"], "scoring.key_control_cap", 0...1, reader)
        let passMark = number(field["pass_mark"], "scoring.pass_mark", 0...1, reader)
        if let passMark, passMark == 0 { reader.problem(field["pass_mark"], "scoring.pass_mark must be above 0, or no key control could fail") }
        let staleness = reader.mapping(field["staleness"], "scoring.staleness", allowed: ["grace_months"], required: ["grace_months"])
        let grace = reader.positiveInt(staleness?.first?.value, "scoring.staleness.grace_months")
        let scale = numbers(field["tier_scale"], "scoring.tier_scale", keys: tiers, 0...1, reader).map(byTier)
        if let scale, !rises(Tier.allCases.map { scale[$0]! }, strictly: false) {
            reader.problem(field["tier_scale"], "scoring.tier_scale must not fall from low to critical")
        }

        let contractKeys = ["clause_points", "deviation_share", "cap"]
        let contract = Dictionary((reader.mapping(field["contract"], "scoring.contract", allowed: Set(contractKeys), required: contractKeys) ?? [])
            .map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let clausePoints = numbers(contract["clause_points"], "scoring.contract.clause_points", keys: ClauseLibrary.Importance.allCases.map(\.rawValue), 0...100, reader)
            .map { Dictionary(uniqueKeysWithValues: $0.map { (ClauseLibrary.Importance(rawValue: $0.key)!, $0.value) }) }
        if let clausePoints, !rises(ClauseLibrary.Importance.allCases.map { clausePoints[$0]! }, strictly: false) {
            reader.problem(contract["clause_points"], "scoring.contract.clause_points must not fall from standard to essential")
        }
        let deviation = number(contract["deviation_share"], "scoring.contract.deviation_share", 0...1, reader)
        let contractCap = number(contract["cap"], "scoring.contract.cap", 0...100, reader)

        let incidentKeys = ["severity_points", "half_life_months", "late_notice_points", "cap"]
        let incident = Dictionary((reader.mapping(field["incidents"], "scoring.incidents", allowed: Set(incidentKeys), required: incidentKeys) ?? [])
            .map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let severity = numbers(incident["severity_points"], "scoring.incidents.severity_points", keys: Incident.Severity.allCases.map(\.rawValue), 0...100, reader)
            .map { Dictionary(uniqueKeysWithValues: $0.map { (Incident.Severity(rawValue: $0.key)!, $0.value) }) }
        if let severity, !rises(Incident.Severity.allCases.map { severity[$0]! }, strictly: false) {
            reader.problem(incident["severity_points"], "scoring.incidents.severity_points must not fall from low to critical")
        }
        let halfLife = reader.positiveInt(incident["half_life_months"], "scoring.incidents.half_life_months")
        let late = number(incident["late_notice_points"], "scoring.incidents.late_notice_points", 0...100, reader)
        let incidentCap = number(incident["cap"], "scoring.incidents.cap", 0...100, reader)

        let floorKeys = RatingFloor.allCases.map(\.rawValue)
        var floors: [RatingFloor: Rating]? = [:]
        for pair in reader.mapping(field["rating_floors"], "scoring.rating_floors", allowed: Set(floorKeys), required: floorKeys) ?? [] {
            if let floor = RatingFloor(rawValue: pair.key), let rating = reader.rating(pair.value, "scoring.rating_floors.\(pair.key)") {
                floors?[floor] = rating
            } else {
                floors = nil
            }
        }
        if floors?.count != RatingFloor.allCases.count { floors = nil }

        guard let ratings, let inherent, let floor, let confidence, let cap, let passMark, let grace, let scale, let clausePoints, let deviation,
              let contractCap, let severity, let halfLife, let late, let incidentCap, let floors
        else { return nil }
        return ScoringParameters(
            ratingBounds: ratings, inherentPoints: inherent, residualFloor: floor, confidence: confidence, keyControlCap: cap, passMark: passMark,
            graceMonths: grace, tierScale: scale, clausePoints: clausePoints, deviationShare: deviation, contractCap: contractCap,
            incidentPoints: severity, incidentHalfLifeMonths: halfLife, lateNoticePoints: late, incidentCap: incidentCap, ratingFloors: floors)
    }

    private static func rises<Value: Comparable>(_ values: [Value], strictly: Bool) -> Bool {
        zip(values, values.dropFirst()).allSatisfy { strictly ? $0 < $1 : $0 <= $1 }
    }

    private static func byTier<Value>(_ values: [String: Value]) -> [Tier: Value] {
        Dictionary(uniqueKeysWithValues: values.map { (Tier(rawValue: $0.key)!, $0.value) })
    }

    private static func byRating<Value>(_ values: [String: Value]) -> [Rating: Value] {
        Dictionary(uniqueKeysWithValues: values.map { (Rating(rawValue: $0.key)!, $0.value) })
    }

    private static func integer(_ node: Node?, _ what: String, range: ClosedRange<Int>, _ reader: YAMLReader) -> Int? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ Int($0.string) }), range.contains(value) else {
            reader.problem(node, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    private static func number(_ node: Node?, _ what: String, _ range: ClosedRange<Double>, _ reader: YAMLReader) -> Double? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ Double($0.string) }), value.isFinite, range.contains(value) else {
            reader.problem(node, "\(what) must be a number from \(ScoringModel.format(range.lowerBound)) to \(ScoringModel.format(range.upperBound))")
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

    private static func numbers(_ node: Node?, _ what: String, keys: [String], _ range: ClosedRange<Double>, _ reader: YAMLReader) -> [String: Double]? {
        guard let pairs = reader.mapping(node, what, allowed: Set(keys), required: keys) else { return nil }
        var values: [String: Double] = [:]
        for pair in pairs { if let value = number(pair.value, "\(what).\(pair.key)", range, reader) { values[pair.key] = value } }
        return values.count == keys.count ? values : nil
    }
}
