/// A vendor's residual risk: 0 (no risk left) to 100 (the worst), with every contribution.
///
/// Points are kept in hundredths, so the breakdown adds up to the score exactly.
public struct Score: Sendable, Hashable, Codable {
    /// The residual risk in hundredths of a point (5423 is 54.23).
    public let hundredths: Int
    /// The rating band the score falls in.
    public let rating: Tier
    /// Every contribution, in order: inherent, controls, contract, incidents.
    public let lines: [Line]

    /// The residual risk, 0–100.
    public var value: Double { Double(hundredths) / 100 }

    /// The points of one component, in hundredths.
    public func hundredths(of component: ScoringParameters.Component) -> Int {
        lines.filter { $0.component == component }.reduce(0) { $0 + $1.hundredths }
    }

    /// One contribution to the score.
    public struct Line: Sendable, Hashable, Codable {
        /// The component it belongs to.
        public let component: ScoringParameters.Component
        /// What it comes from.
        public let source: Source
        /// Its points, in hundredths.
        public let hundredths: Int
        /// Why, in a sentence.
        public let explanation: String
    }

    /// What a contribution comes from.
    public struct Source: Sendable, Hashable, Codable, CustomStringConvertible {
        /// `profile`, `assessment`, `question`, `clause`, `incident` or `certificate`.
        public let kind: String
        /// The question id, clause key, incident id …
        public let id: String

        /// `question DAT-01`.
        public var description: String { "\(kind) \(id)" }
    }
}

extension ScoringParameters.Component: Codable {}
