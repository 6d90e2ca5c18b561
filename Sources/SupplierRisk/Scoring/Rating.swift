/// The band a residual-risk score falls into (the `ratings` bounds of scoring.yaml), raised where a floor
/// applies (a knock-out, a prohibited use, an open critical incident): what the committee acts on.
///
/// Not a ``Tier``: the tier is the inherent risk of the AI profile before any control counts, and decides how
/// closely a vendor is vetted; the rating is what remains after the controls, contract and incidents. The two
/// share their names so that a heat map reads tier against rating.
public enum Rating: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable, Comparable {
    case low, medium, high, critical

    /// Orders ratings from low to critical.
    public static func < (lhs: Rating, rhs: Rating) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The ratings as users write them, highest first: `critical, high, medium, low`.
    public static let expected = allCases.reversed().map(\.rawValue).joined(separator: ", ")
}
