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

extension Score {
    /// The score as JSON, with the same keys `Codable` uses, written directly: the rescoring
    /// pipeline stores thousands of these a second and JSONEncoder dominated its profile.
    public var json: String {
        var out: [UInt8] = []
        out.reserveCapacity(lines.count * 160)
        func raw(_ text: String) { out.append(contentsOf: text.utf8) }
        raw("{\"hundredths\":\(hundredths),\"lines\":[")
        for (index, line) in lines.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            raw("{\"component\":\"\(line.component.rawValue)\",\"explanation\":")
            JSONWriter.appendQuoted(line.explanation, to: &out)
            raw(",\"hundredths\":\(line.hundredths),\"source\":{\"id\":")
            JSONWriter.appendQuoted(line.source.id, to: &out)
            raw(",\"kind\":")
            JSONWriter.appendQuoted(line.source.kind, to: &out)
            raw("}}")
        }
        raw("],\"rating\":\"\(rating.rawValue)\"}")
        return String(decoding: out, as: UTF8.self)
    }
}

extension Score {
    /// The facts reports read, as JSON (see score_summary() in 006_failed_answers.sql, which derives the same from a
    /// breakdown): the explanations of the three largest lines, the missing clauses' keys, the incidents with a late
    /// notice, and the answers that failed.
    public var summaryJSON: String {
        let drivers = lines.sorted { ($0.hundredths, $1.explanation) > ($1.hundredths, $0.explanation) }.prefix(3).map(\.explanation)
        let gaps = lines.filter { $0.source.kind == "clause" }.map(\.source.id).sorted()
        let late = lines.filter { $0.source.kind == "incident" && $0.explanation.hasPrefix("vendor notice ") }.compactMap { Int($0.source.id) }.sorted()
        var json = JSONWriter(capacity: 256)
        json.object { json in
            json.key("clauseGaps"); json.value(gaps)
            json.key("drivers"); json.value(drivers)
            json.key("failedAnswers"); json.value(failedAnswers)
            json.key("lateNotices"); json.array(late) { $0.value($1) }
        }
        return json.string
    }

    /// The answers that failed, by question id: each question line that earned no credit (flagged, unanswered though
    /// required, worth nothing, or claiming a certification without a current certificate), as its explanation up to
    /// the credit, and a knock-out line whole.
    public var failedAnswers: [String] {
        lines.filter { line in
            line.source.kind == "question" && (line.explanation.hasPrefix("knock-out answer") || line.explanation.contains("; credit 0%,"))
        }
        .sorted { $0.source.id.utf8.lexicographicallyPrecedes($1.source.id.utf8) }
        .map { line in
            guard !line.explanation.hasPrefix("knock-out answer"), let credit = line.explanation.range(of: "; credit ") else { return line.explanation }
            return String(line.explanation[..<credit.lowerBound])
        }
    }
}
