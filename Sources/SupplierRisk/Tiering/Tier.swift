/// How much scrutiny a vendor gets: the questionnaire, required clauses and cadence follow from it.
public enum Tier: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable, Comparable {
    case low, medium, high, critical

    /// Orders tiers from low to critical.
    public static func < (lhs: Tier, rhs: Tier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The tiers as users write them, highest first: `critical, high, medium, low`.
    public static let expected = allCases.reversed().map(\.rawValue).joined(separator: ", ")
}
