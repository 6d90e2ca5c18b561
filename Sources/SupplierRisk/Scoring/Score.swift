/// A vendor's residual risk: 0 (no risk left) to 100 (the worst), with every contribution as a typed line.
///
/// Points are kept in hundredths, so the breakdown adds up to the score exactly. Lines carry what happened
/// (their source, outcome, credit, weight, points and the facts behind them), never a sentence: sentences are
/// rendered from the lines when read (``ScoreSentences``), so rewording one changes no figure.
public struct Score: Sendable, Hashable {
    /// The residual risk in hundredths of a point (5423 is 54.23).
    public let hundredths: Int
    /// The rating band the score falls in.
    public let rating: Rating
    /// Every contribution: the residual floor, controls, contract, incidents, then any rating floor.
    public let lines: [Line]

    /// Creates a score.
    public init(hundredths: Int, rating: Rating, lines: [Line]) {
        self.hundredths = hundredths
        self.rating = rating
        self.lines = lines
    }

    /// The residual risk, 0–100.
    public var value: Double { Double(hundredths) / 100 }

    /// The points of one component, in hundredths.
    public func hundredths(of component: ScoringParameters.Component) -> Int {
        lines.filter { $0.component == component }.reduce(0) { $0 + $1.hundredths }
    }

    /// One contribution to the score.
    public struct Line: Sendable, Hashable {
        /// What it comes from.
        public let source: Source
        /// What happened.
        public let outcome: Outcome
        /// Its points, in hundredths.
        public let hundredths: Int
        /// For a question, the share of full credit its answer earned (0–1); nil for other lines.
        public let credit: Double?
        /// The line's weight: for a question its share of the controls, for a clause the share of a missing clause's
        /// points it counts (1, or less for a deviation), for the residual floor the share of inherent risk no control
        /// removes; nil where none applies.
        public let weight: Double?
        /// The facts its sentence is rendered from.
        public let detail: Detail

        /// Creates a line.
        public init(source: Source, outcome: Outcome, hundredths: Int, credit: Double? = nil, weight: Double? = nil, detail: Detail) {
            self.source = source
            self.outcome = outcome
            self.hundredths = hundredths
            self.credit = credit
            self.weight = weight
            self.detail = detail
        }

        /// Whether it is a required clause missing from the contracts or signed with a deviation.
        public var isClauseGap: Bool { outcome == .missingClause || outcome == .clauseDeviation }
        /// Whether it is an incident the vendor gave notice of later than its SLA.
        public var isLateNotice: Bool { outcome == .lateNotice }

        /// The component it belongs to, which follows from its outcome (a model-1 line keeps its own).
        public var component: ScoringParameters.Component {
            if case .legacy(_, let component) = detail { return component }
            return outcome.component
        }
    }

    /// What a contribution comes from.
    public struct Source: Sendable, Hashable, CustomStringConvertible {
        /// The kind of record.
        public let kind: Kind
        /// The question id, clause key, incident id …
        public let id: String

        /// Creates a source.
        public init(_ kind: Kind, _ id: String) {
            self.kind = kind
            self.id = id
        }

        /// Kinds of record a line comes from.
        public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
            case profile, assessment, question, clause, incident, certificate
        }

        /// `question DAT-01`.
        public var description: String { "\(kind.rawValue) \(id)" }
    }


    /// What happened to produce a line.
    public enum Outcome: String, Sendable, Hashable, CaseIterable, Codable {
        /// The share of the tier's inherent risk that no control removes.
        case residualFloor
        /// No submitted questionnaire: the whole control gap counts.
        case notAssessed
        /// The answer earned full credit.
        case credited
        /// The answer earned part of its credit: a partial answer, weaker backing, or age.
        case partial
        /// The answer earned nothing (or, for a key control, less than the pass mark).
        case failed
        /// A required question was not answered.
        case unanswered
        /// A reviewer flagged the answer as wrong or unsupported.
        case flagged
        /// The answer is older than the tier's cadence and its grace period: no credit is left.
        case stale
        /// Not asked because another answer made it unnecessary: full credit.
        case notApplicable
        /// Not asked because an answer it depends on failed (no policy, so no policy review): no credit.
        case notAsked
        /// A key control failed: control effectiveness is capped.
        case keyControlCap
        /// A required clause is missing from every contract in force (or not recorded).
        case missingClause
        /// A required clause is in force only in weaker words, or still being negotiated.
        case clauseDeviation
        /// An incident, by its severity, fading once resolved.
        case incident
        /// The vendor's notice of an incident came later than its SLA, or has not come and is overdue.
        case lateNotice
        /// A knock-out answer: the vendor is rejected.
        case knockOut
        /// The use is prohibited under EU AI Act Art. 5.
        case prohibited
        /// A critical incident is still open.
        case openCriticalIncident
        /// A line of a score computed by scoring model 1, kept in its own words.
        case legacy

        /// The component lines of this outcome belong to.
        public var component: ScoringParameters.Component {
            switch self {
            case .residualFloor: .inherent
            case .notAssessed, .credited, .partial, .failed, .unanswered, .flagged, .stale, .notApplicable, .notAsked, .keyControlCap: .controls
            case .missingClause, .clauseDeviation: .contract
            case .incident, .lateNotice: .incidents
            case .knockOut, .prohibited, .openCriticalIncident: .rating
            case .legacy: .controls
            }
        }

        /// Whether a question line with this outcome is an answer that failed: one the committee pack lists.
        public var isFailedAnswer: Bool {
            switch self {
            case .failed, .unanswered, .flagged, .knockOut: true
            default: false
            }
        }
    }

    /// What backs an answer.
    public enum Backing: String, Sendable, Hashable, CaseIterable, Codable {
        case selfAttested, documentAttached, reviewerAccepted
    }

    /// Where the SLA an incident notice is judged against comes from.
    public enum SLASource: String, Sendable, Hashable, Codable {
        /// A contract in force, as signed.
        case contract
        /// The clause library's expectation for the tier: no contract in force carries one.
        case library
    }

    /// The facts a line's sentence is rendered from, by kind of line.
    public enum Detail: Sendable, Hashable {
        /// The residual floor: the tier and its inherent risk points.
        case tier(Tier, inherent: Double)
        /// Nothing assessed; `assessment` is an assessment with nothing to score, if there was one.
        case notAssessed(assessment: Int?)
        /// A question's answer.
        case answer(AnswerFacts)
        /// The key controls that failed, the cap and the effectiveness the answers earned before it.
        case keyControlCap(questions: [String], cap: Double, effectiveness: Double)
        /// A clause gap: its recorded status (nil when never recorded) and importance.
        case clause(status: ClauseStatus?, importance: ClauseLibrary.Importance)
        /// An incident: severity, category, whether open, months since resolution and the fading factor.
        case incident(severity: Incident.Severity, category: Incident.Category, open: Bool, monthsResolved: Int?, decay: Double)
        /// A late notice: hours it took (nil: none yet), the SLA and where it comes from, and the fading factor.
        case lateNotice(hours: Int?, slaHours: Int, sla: SLASource, decay: Double)
        /// A rating floor: the band it imposes, and the answer value for a knock-out (with the assessment it is from).
        case floor(Rating, answer: String?, checkIn: Bool)
        /// A line of a model-1 score, in its own words, with the component it was counted in.
        case legacy(String, component: ScoringParameters.Component)
    }

    /// How a question was answered, and what that earned.
    public struct AnswerFacts: Sendable, Hashable {
        /// The answer as given (`no`, `eu, us`, `12`, `2026-03-31`); nil when unanswered or not asked.
        public var answer: String?
        /// The answer's score before backing and age (0–1).
        public var substance: Double
        /// What backs it.
        public var backing: Backing?
        /// Its age in months when older than the tier's cadence.
        public var ageMonths: Int?
        /// What age left of its credit (0–1).
        public var fade: Double
        /// Whether it is a key control.
        public var key: Bool
        /// Certifications claimed in it with no current certificate on record.
        public var uncertified: [Certification.Standard]
        /// For an all_of answer, the listed options it lacks.
        public var missing: [String]
        /// For a none_of answer, the listed options it chose.
        public var forbidden: [String]
        /// For a question hidden by an answer, the question it depended on.
        public var gate: String?

        /// Creates answer facts.
        public init(
            answer: String? = nil, substance: Double = 0, backing: Backing? = nil, ageMonths: Int? = nil, fade: Double = 1, key: Bool = false,
            uncertified: [Certification.Standard] = [], missing: [String] = [], forbidden: [String] = [], gate: String? = nil
        ) {
            self.answer = answer
            self.substance = substance
            self.backing = backing
            self.ageMonths = ageMonths
            self.fade = fade
            self.key = key
            self.uncertified = uncertified
            self.missing = missing
            self.forbidden = forbidden
            self.gate = gate
        }
    }
}

extension Score {
    /// The lines that say most about a score: the largest first, ties broken by component, kind of source and id, in
    /// their declared orders (never by text), so that SQL can order them the same way.
    public static func byWeight(_ lhs: Line, _ rhs: Line) -> Bool {
        if lhs.hundredths != rhs.hundredths { return lhs.hundredths > rhs.hundredths }
        if lhs.component != rhs.component { return lhs.component.order < rhs.component.order }
        if lhs.source.kind != rhs.source.kind { return lhs.source.kind.order < rhs.source.kind.order }
        return lhs.source.id.utf8.lexicographicallyPrecedes(rhs.source.id.utf8)
    }

    /// The facts reports read (see `score_summary()` in `sql/`, which derives the same from a stored breakdown):
    /// the three largest lines, the missing clauses' keys, the incidents with a late notice, and the answers that failed.
    public var summary: ScoreSummary {
        ScoreSummary(
            drivers: largest(3),
            clauseGaps: lines.filter(\.isClauseGap).map(\.source.id).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) },
            lateNotices: lines.filter(\.isLateNotice).compactMap { Int($0.source.id) }.sorted(),
            failedAnswers: failedAnswers)
    }

    /// How many lines are clause gaps and late notices: the counts the workspace's work queues read (`scores`).
    public var clauseGapCount: Int { lines.count(where: \.isClauseGap) }
    public var lateNoticeCount: Int { lines.count(where: \.isLateNotice) }

    /// The `count` largest lines, largest first, in the order of ``byWeight(_:_:)``: picked in one pass rather than by
    /// sorting every line.
    public func largest(_ count: Int) -> [Line] {
        var picked: [Int] = []
        picked.reserveCapacity(count + 1)
        for index in lines.indices {
            let position = picked.firstIndex { Self.byWeight(lines[index], lines[$0]) } ?? picked.count
            if position < count {
                picked.insert(index, at: position)
                if picked.count > count { picked.removeLast() }
            }
        }
        return picked.map { lines[$0] }
    }

    /// The answers that failed, by question id: each question line that failed, went unanswered or was flagged, and
    /// each knock-out.
    public var failedAnswers: [Line] {
        lines.filter { $0.outcome.isFailedAnswer && $0.source.kind == .question }
            .sorted { lhs, rhs in
                lhs.source.id == rhs.source.id ? lhs.outcome.order < rhs.outcome.order : lhs.source.id.utf8.lexicographicallyPrecedes(rhs.source.id.utf8)
            }
    }
}

// The positions among the declared cases: the orders lines are sorted in, by Swift and SQL alike (the migration's
// score_line_component, score_line_kind and score_line_outcome). Looked up in arrays made once: lines are compared
// hundreds of times for every vendor a rescore touches.
private let components = ScoringParameters.Component.allCases
private let kinds = Score.Source.Kind.allCases
private let outcomes = Score.Outcome.allCases

extension ScoringParameters.Component {
    /// The position among the declared components.
    public var order: Int { components.firstIndex(of: self)! }
}

extension Score.Source.Kind {
    /// The position among the declared kinds.
    public var order: Int { kinds.firstIndex(of: self)! }
}

extension Score.Outcome {
    /// The position among the declared outcomes.
    public var order: Int { outcomes.firstIndex(of: self)! }
}

/// What reports read of a score: its drivers, clause gaps, late notices and failed answers, as typed lines.
public struct ScoreSummary: Sendable, Hashable {
    /// The three largest lines, largest first.
    public let drivers: [Score.Line]
    /// The keys of the required clauses missing or in weaker words.
    public let clauseGaps: [String]
    /// The ids of the incidents whose notice was late.
    public let lateNotices: [Int]
    /// The answers that failed, by question id.
    public let failedAnswers: [Score.Line]

    /// Creates a summary.
    public init(drivers: [Score.Line], clauseGaps: [String], lateNotices: [Int], failedAnswers: [Score.Line]) {
        self.drivers = drivers
        self.clauseGaps = clauseGaps
        self.lateNotices = lateNotices
        self.failedAnswers = failedAnswers
    }

    /// A summary with nothing in it: a vendor not scored.
    public static let empty = ScoreSummary(drivers: [], clauseGaps: [], lateNotices: [], failedAnswers: [])
}
