public import Foundation
import Yams

/// `questionnaires/contract-clauses.yaml`: the clauses we want in AI supplier
/// contracts, and which vendors must have each.
public struct ClauseLibrary: Sendable, Hashable {
    /// Every clause, in file order.
    public let clauses: [Clause]

    /// A clause of the library.
    public struct Clause: Sendable, Hashable, Encodable {
        /// Its key: lower-case words joined by hyphens.
        public let key: String
        /// A short title.
        public let title: String
        /// Why we want it, for the analyst and the vendor.
        public let why: String
        /// How much a gap in it weighs.
        public let importance: Importance
        /// The tiers that must have it.
        public let requiredTiers: Set<Tier>
        /// Profile facts that make it required whatever the tier.
        public let requiredWhen: [String]
        /// Numbers the clause carries, per tier (the incident-notice SLA in hours, say).
        public let parameters: [String: [Tier: Int]]

        let conditions: [ProfileCondition]

        enum CodingKeys: String, CodingKey { case key, title, why, importance, requiredTiers, requiredWhen, parameters }

        init(
            key: String, title: String, why: String, importance: Importance, requiredTiers: Set<Tier>, conditions: [ProfileCondition],
            parameters: [String: [Tier: Int]]
        ) {
            self.key = key
            self.title = title
            self.why = why
            self.importance = importance
            self.requiredTiers = requiredTiers
            self.conditions = conditions
            self.requiredWhen = conditions.map(\.text)
            self.parameters = parameters
        }

        /// Whether a vendor with this tier and profile must have the clause.
        public func isRequired(tier: Tier, profile: AIProfile) -> Bool {
            requiredTiers.contains(tier) || conditions.contains { $0.holds(for: profile) }
        }

        /// A parameter's value for a tier.
        public func parameter(_ name: String, tier: Tier) -> Int? { parameters[name]?[tier] }
    }

    /// How much a missing clause weighs in the score.
    public enum Importance: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case standard, important, essential

        public static func < (lhs: Importance, rhs: Importance) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// The clause with `key`.
    public func clause(_ key: String) -> Clause? { clauses.first { $0.key == key } }

    /// Why signed parameters are not acceptable for a clause, or nil when they are: each must be one the library
    /// gives the clause, with a whole number above 0.
    /// The largest number a clause parameter takes: a million hours or days is beyond any contract.
    public static let largestParameter = 1_000_000

    public func problem(key: String, parameters: [String: Int]) -> String? {
        guard let clause = clause(key) else { return "unknown clause \"\(key)\"" }
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            guard clause.parameters[name] != nil else {
                let known = clause.parameters.keys.sorted()
                return "clause \(key) takes no parameter \"\(name)\"" + (known.isEmpty ? " (it has none)" : " (it takes \(known.joined(separator: ", ")))")
            }
            if value <= 0 { return "\(name) must be a whole number above 0, not \(value)" }
            if value > Self.largestParameter { return "\(name) must be at most \(Self.largestParameter), not \(value)" }
        }
        return nil
    }

    /// The clauses a vendor with this tier and profile must have, in library order.
    public func required(tier: Tier, profile: AIProfile) -> [Clause] {
        clauses.filter { $0.isRequired(tier: tier, profile: profile) }
    }

    /// The required clauses a contract does not satisfy, with their recorded status (nil when never recorded).
    /// Of several records of one clause, the last counts.
    public func gaps(tier: Tier, profile: AIProfile, recorded: [ClauseStatusRecord]) -> [(clause: Clause, status: ClauseStatus?)] {
        let statuses = Dictionary(recorded.map { ($0.key, $0.status) }, uniquingKeysWith: { _, last in last })
        return gapPositions(tier: tier, profile: profile, statuses: statuses).map { (clauses[$0.position], $0.status) }
    }

    /// ``gaps(tier:profile:recorded:)`` by position in `clauses`, from each clause's status: scoring asks it for
    /// every vendor, and reads the few fields it needs in place rather than copying whole clauses.
    func gapPositions(tier: Tier, profile: AIProfile, statuses byKey: [String: ClauseStatus]) -> [(position: Int, status: ClauseStatus?)] {
        var gaps: [(position: Int, status: ClauseStatus?)] = []
        clauses.withUnsafeBufferPointer { clauses in
            // (isRequired(tier:profile:) spelled out: calling a method on an element copied the whole clause first.)
            for position in clauses.indices
            where clauses[position].requiredTiers.contains(tier) || clauses[position].conditions.contains(where: { $0.holds(for: profile) }) {
                let status = byKey[clauses[position].key]
                if status?.isSatisfied != true { gaps.append((position, status)) }
            }
        }
        return gaps
    }

    /// Validates the text of a clause library; `file` names it in problems.
    public static func parse(_ text: String, file: String) throws(CatalogError) -> ClauseLibrary {
        let reader = YAMLReader(file: file)
        let clauses = read(reader.parse(text), reader)
        guard reader.problems.isEmpty else { throw CatalogError(problems: reader.problems) }
        return ClauseLibrary(clauses: clauses)
    }

    private static func read(_ root: Node?, _ reader: YAMLReader) -> [Clause] {
        guard let root, let top = reader.mapping(root, "contract-clauses.yaml", allowed: ["clauses"], required: ["clauses"]),
              let items = reader.sequence(top.first?.value, "clauses")
        else { return [] }
        var clauses: [Clause] = []
        var keys: [String: Node] = [:]
        for (index, item) in items.enumerated() {
            let what = "clauses[\(index + 1)]"
            let allowed: Set<String> = ["key", "title", "why", "importance", "required_for", "parameters"]
            guard let pairs = reader.mapping(item, what, allowed: allowed, required: ["key", "title", "why", "importance", "required_for"]) else { continue }
            let field = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let key = reader.string(field["key"], "\(what).key")
            if let key {
                if let first = keys[key] {
                    reader.problem(field["key"], "\(what).key: duplicate clause key \"\(key)\" (first at line \(first.mark?.line ?? 0))")
                } else if !isKey(key) {
                    reader.problem(field["key"], "\(what).key: \"\(key)\" must be lower-case words joined by hyphens")
                } else if let node = field["key"] {
                    keys[key] = node
                }
            }
            let title = reader.string(field["title"], "\(what).title")
            let why = reader.string(field["why"], "\(what).why")
            let importance = reader.value(field["importance"], Importance.self, "\(what).importance", expected: "essential, important, standard")
            let (tiers, conditions) = readRequirement(field["required_for"], "\(what).required_for", reader)
            let parameters = field["parameters"].map { readParameters($0, "\(what).parameters", reader) } ?? [:]
            if let key, let title, let why, let importance, let tiers, let conditions {
                clauses.append(Clause(key: key, title: title, why: why, importance: importance, requiredTiers: tiers, conditions: conditions, parameters: parameters))
            }
        }
        return clauses
    }

    static func isKey(_ key: String) -> Bool {
        VendorRules.problem(slug: key) == nil
    }

    private static func readRequirement(_ node: Node?, _ what: String, _ reader: YAMLReader) -> (Set<Tier>?, [ProfileCondition]?) {
        guard let pairs = reader.mapping(node, what, allowed: ["tiers", "when"]) else { return (nil, nil) }
        if pairs.isEmpty { reader.problem(node, "\(what) must name tiers, conditions (when), or both") }
        let field = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        var tiers: Set<Tier>? = []
        if let list = field["tiers"] {
            if let items = reader.sequence(list, "\(what).tiers") {
                for item in items {
                    if let tier = reader.tier(item, "\(what).tiers") { tiers?.insert(tier) } else { tiers = nil }
                }
            } else {
                tiers = nil
            }
        }
        var conditions: [ProfileCondition]? = []
        if let list = field["when"] {
            if let items = reader.sequence(list, "\(what).when") {
                for (index, item) in items.enumerated() {
                    if let condition = reader.profileCondition(item, "\(what).when[\(index + 1)]") {
                        conditions?.append(condition)
                    } else {
                        conditions = nil
                    }
                }
            } else {
                conditions = nil
            }
        }
        return (tiers, conditions)
    }

    private static func readParameters(_ node: Node, _ what: String, _ reader: YAMLReader) -> [String: [Tier: Int]] {
        var parameters: [String: [Tier: Int]] = [:]
        for pair in reader.mapping(node, what) ?? [] {
            let name = "\(what).\(pair.key)"
            let tiers = Tier.allCases.reversed().map(\.rawValue)
            guard let values = reader.mapping(pair.value, name, allowed: Set(tiers), required: tiers) else { continue }
            var byTier: [Tier: Int] = [:]
            for value in values {
                if let tier = Tier(rawValue: value.key), let number = reader.positiveInt(value.value, "\(name).\(value.key)") {
                    byTier[tier] = number
                }
            }
            parameters[pair.key] = byTier
        }
        return parameters
    }
}
