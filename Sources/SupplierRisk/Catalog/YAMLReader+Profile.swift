import Yams

extension YAMLReader {
    /// A condition on the profile: a mapping of dimensions to a value or a list of values, all of which must hold,
    /// such as `{decision_impact: automated, data_categories: [personal, special_category]}`.
    func profileCondition(_ node: Node?, _ what: String) -> ProfileCondition? {
        guard let pairs = mapping(node, what, allowed: Set(ProfileFact.dimensions)) else { return nil }
        guard !pairs.isEmpty else {
            problem(node, "\(what) must name at least one fact, such as {decision_impact: automated}")
            return nil
        }
        var facts: [ProfileFact] = []
        for pair in pairs {
            guard let fact = profileFact(pair.key, pair.value, "\(what).\(pair.key)") else { return nil }
            facts.append(fact)
        }
        return ProfileCondition(facts)
    }

    /// One fact: the dimension `dimension` with the value or list of values in `node`.
    func profileFact(_ dimension: String, _ node: Node, _ what: String) -> ProfileFact? {
        guard let expected = ProfileFact.expected(dimension) else {
            problem(node, "\(what): unknown profile dimension \"\(dimension)\" (expected \(ProfileFact.dimensions.joined(separator: ", ")))")
            return nil
        }
        let values: [String]
        if let list = node.sequence {
            values = list.compactMap { string($0, what) }
            guard values.count == list.count else { return nil }
        } else if let single = string(node, what) {
            values = [single]
        } else {
            return nil
        }
        guard !values.isEmpty else {
            problem(node, "\(what) must name at least one value (expected \(expected))")
            return nil
        }
        if let unknown = values.first(where: { ProfileFact.make(dimension, [$0]) == nil }) {
            problem(node, "\(what): unknown value \"\(unknown)\" (expected \(expected))")
            return nil
        }
        if Set(values).count != values.count {
            problem(node, "\(what) names a value twice")
            return nil
        }
        return ProfileFact.make(dimension, values)
    }
}
