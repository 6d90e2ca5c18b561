import Foundation

/// Computes residual risk from a vendor's inputs: a pure function, explained line by line.
///
/// - Inherent: the tier's points.
/// - Controls: each shown, scored question contributes its share (domain
///   weight × question weight) of what its answer falls short of full marks.
///   Credit is discounted by evidence (self-attested < document attached <
///   accepted by a reviewer; flagged counts as failed) and fades when older
///   than the tier's cadence. Unanswered required questions fail. A claimed
///   certification counts only with a current certificate on record. A
///   knock-out answer rates the controls worst. A vendor never assessed gets
///   a "not assessed" contribution.
/// - Contract: points for each required clause no contract in force satisfies.
/// - Incidents: points by severity, halving after resolution every half-life,
///   plus a penalty when the vendor's notice came later than the contract SLA.
public struct ScoringModel: Sendable {
    public let configuration: ScoringConfiguration
    public let library: ClauseLibrary
    /// The catalog's questionnaires, for what-if on vendors never assessed.
    let questionnaires: [Questionnaire]

    /// Creates a model from the catalog's scoring file and clause library.
    public init(configuration: ScoringConfiguration, library: ClauseLibrary, questionnaires: [Questionnaire] = []) {
        self.configuration = configuration
        self.library = library
        self.questionnaires = questionnaires
    }

    /// Creates a model from a whole catalog.
    public init(catalog: Catalog) {
        self.init(configuration: catalog.scoring, library: catalog.clauses, questionnaires: catalog.questionnaires)
    }

    func catalogQuestionnaire(for tier: Tier) -> Questionnaire? {
        questionnaires.first { $0.tiers.contains(tier) }
    }

    var parameters: ScoringParameters { configuration.parameters }

    /// A contribution before rounding.
    struct Draft {
        let component: ScoringParameters.Component
        let source: Score.Source
        let points: Double
        let explanation: String
    }

    /// Scores the inputs.
    public func score(_ inputs: ScoringInputs) -> Score {
        let drafts = inherent(inputs) + controls(inputs) + contract(inputs) + incidents(inputs)
        let rounded = Self.apportion(drafts.map(\.points))
        let lines = zip(drafts, rounded).map { draft, hundredths in
            Score.Line(component: draft.component, source: draft.source, hundredths: hundredths, explanation: draft.explanation)
        }
        let total = rounded.reduce(0, +)
        return Score(hundredths: total, rating: parameters.rating(of: Double(total) / 100), lines: lines)
    }

    func weight(_ component: ScoringParameters.Component) -> Double {
        Double(parameters.components[component] ?? 0) / 100
    }

    // MARK: Inherent

    func inherent(_ inputs: ScoringInputs) -> [Draft] {
        let points = Double(parameters.inherentPoints[inputs.tier] ?? 0)
        return [Draft(component: .inherent, source: .init(kind: "profile", id: "tier"), points: points * weight(.inherent),
                      explanation: "inherent risk of tier \(inputs.tier.rawValue): \(Self.format(points)) of 100")]
    }

    // MARK: Controls

    func controls(_ inputs: ScoringInputs) -> [Draft] {
        let full = 100 * weight(.controls)
        guard let assessment = inputs.assessment else {
            return [Draft(component: .controls, source: .init(kind: "assessment", id: "none"), points: full * parameters.notAssessedControls,
                          explanation: "not assessed: no submitted questionnaire, controls counted at \(Self.format(parameters.notAssessedControls * 100))% of the worst")]
        }
        let questionnaire = assessment.questionnaire
        let shown = questionnaire.questions.filter { isShown($0, in: assessment) }
        let knockOuts = shown.filter { question in
            guard case .option(let value)? = assessment.answers[question.id]?.value else { return false }
            return question.knockOut.contains(value)
        }
        if !knockOuts.isEmpty {
            let first = knockOuts[0]
            let answers = knockOuts.map { question -> String in
                if case .option(let value)? = assessment.answers[question.id]?.value { return "\(question.id) = \(value)" }
                return question.id
            }
            return [Draft(component: .controls, source: .init(kind: "question", id: first.id), points: full,
                          explanation: "knock-out answer (\(answers.joined(separator: ", "))): controls rated worst whatever else was answered")]
        }
        // Counted questions: scored, shown, and answered or required.
        let counted = shown.filter { $0.weight != nil && (assessment.answers[$0.id] != nil || $0.required) }
        let domains = questionnaire.domains.filter { domain in counted.contains { $0.domain == domain.key } }
        let domainTotal = Double(domains.reduce(0) { $0 + $1.weight })
        var drafts: [Draft] = []
        for domain in domains {
            let questions = counted.filter { $0.domain == domain.key }
            let questionTotal = Double(questions.reduce(0) { $0 + ($1.weight ?? 0) })
            for question in questions {
                let share = Double(domain.weight) / domainTotal * Double(question.weight ?? 0) / questionTotal
                let (credit, reason) = self.credit(question, answer: assessment.answers[question.id], inputs: inputs)
                drafts.append(Draft(
                    component: .controls, source: .init(kind: "question", id: question.id),
                    points: full * share * (1 - credit),
                    explanation: "\(reason); credit \(Self.format(credit * 100))%, weighs \(Self.format(share * 100))% of controls"))
            }
        }
        return drafts
    }

    /// Whether a question is asked, following its show-if chain.
    func isShown(_ question: Questionnaire.Question, in assessment: AssessmentInputs, depth: Int = 0) -> Bool {
        guard let condition = question.showIf else { return true }
        guard depth < 32, let gate = assessment.questionnaire.question(condition.question),
              isShown(gate, in: assessment, depth: depth + 1)
        else { return false }
        switch assessment.answers[condition.question]?.value {
        case .option(let value)?: return condition.values.contains(value)
        case .options(let values)?: return values.contains { condition.values.contains($0) }
        default: return false
        }
    }

    /// The share of full marks an answer earns (0–1), and why.
    func credit(_ question: Questionnaire.Question, answer: Answer?, inputs: ScoringInputs) -> (Double, String) {
        guard let answer else { return (0, "\(question.id) unanswered (required): counted as failed") }
        if answer.verdict == .flagged { return (0, "\(question.id) flagged by the reviewer: counted as failed") }
        let (base, description) = baseScore(question, answer.value, inputs: inputs)
        let confidence: Double
        let backing: String
        switch (answer.verdict, answer.hasEvidence) {
        case (.accepted?, _):
            confidence = parameters.evidenceConfidence[.reviewerAccepted] ?? 1
            backing = "accepted by the reviewer"
        case (_, true):
            confidence = parameters.evidenceConfidence[.documentAttached] ?? 1
            backing = "document attached"
        default:
            confidence = parameters.evidenceConfidence[.selfAttested] ?? 1
            backing = "self-attested"
        }
        let (fade, age) = staleness(of: answer, tier: inputs.tier, asOf: inputs.asOf)
        var reason = "\(question.id) \(description), score \(Self.format(base)), \(backing) ×\(Self.format(confidence))"
        if fade < 1 { reason += ", \(age) months old ×\(Self.format(fade))" }
        return (base / 100 * confidence * fade, reason)
    }

    /// The answer's score (0–100) before evidence and age, and a description of the answer.
    func baseScore(_ question: Questionnaire.Question, _ value: Answer.Value, inputs: ScoringInputs) -> (Double, String) {
        switch value {
        case .option(let chosen):
            let option = question.options.first { $0.value == chosen }
            if let standard = uncertified(chosen, inputs) { return (0, "answered \"\(chosen)\" but \(standard)") }
            return (Double(option?.score ?? 0), "answered \"\(chosen)\"")
        case .options(let chosen):
            var total = 0
            var notes: [String] = []
            for value in chosen.sorted() {
                if let standard = uncertified(value, inputs) { notes.append(standard); continue }
                total += question.options.first { $0.value == value }?.score ?? 0
            }
            let description = "answered \(chosen.sorted().map { "\"\($0)\"" }.joined(separator: ", "))" + (notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))")
            return (Double(min(100, total)), description)
        case .number(let number):
            return (Double(band(number, question.bands)), "answered \(Self.format(number))")
        case .date(let date):
            let months = Self.months(from: date, to: inputs.asOf)
            return (Double(band(months, question.bands)), "answered \(Self.day(date)) (\(Int(months.rounded(.down))) months ago)")
        case .text:
            return (100, "answered")
        case .file:
            return (100, "document provided")
        }
    }

    /// Why a claimed certification does not count, or nil when it does (or the value is no certification).
    func uncertified(_ value: String, _ inputs: ScoringInputs) -> String? {
        guard let standard = Certification.Standard(rawValue: value), standard != .other else { return nil }
        let held = inputs.certifications.filter { $0.standard == standard }
        if held.contains(where: { !$0.isExpired(on: inputs.asOf) }) { return nil }
        if let latest = held.map(\.expiresOn).max() {
            return "the \(standard.title) certificate expired on \(Self.day(latest)), counted as missing"
        }
        return "no \(standard.title) certificate is on record, counted as missing"
    }

    func band(_ value: Double, _ bands: [Questionnaire.Band]) -> Int {
        bands.first { $0.max.map { value <= $0 } ?? true }?.score ?? 0
    }

    /// The fade factor of an answer older than the tier's cadence, and its age in months.
    func staleness(of answer: Answer, tier: Tier, asOf: Date) -> (Double, Int) {
        let age = Self.months(from: answer.answeredAt, to: asOf)
        let cadence = Double(configuration.cadence[tier]?.months ?? 12)
        guard age > cadence else { return (1, Int(age)) }
        let floor = parameters.stalenessFloor
        let fade = max(floor, 1 - (1 - floor) * (age - cadence) / Double(parameters.fadeMonths))
        return (fade, Int(age))
    }

    // MARK: Contract

    func contract(_ inputs: ScoringInputs) -> [Draft] {
        let records = inputs.clauses.sorted { ($0.key, $0.status.isSatisfied ? 1 : 0) < ($1.key, $1.status.isSatisfied ? 1 : 0) }
        let gaps = library.gaps(tier: inputs.tier, profile: inputs.profile, recorded: records)
        let each = Double(parameters.missingClausePoints)
        let scale = min(1, 100 / max(1, each * Double(gaps.count)))
        return gaps.map { gap in
            Draft(component: .contract, source: .init(kind: "clause", id: gap.clause.key), points: each * scale * weight(.contract),
                  explanation: "required clause \(gap.status.map { "is \($0.rawValue)" } ?? "not recorded"): \(gap.clause.title)")
        }
    }

    // MARK: Incidents

    func incidents(_ inputs: ScoringInputs) -> [Draft] {
        let sla = library.clause("incident-notification")?.parameter("sla_hours", tier: inputs.tier)
        var raw: [(Score.Source, Double, String)] = []
        for incident in inputs.incidents.sorted(by: { $0.id < $1.id }) where incident.occurredAt <= inputs.asOf {
            let points = Double(parameters.incidentPoints[incident.severity] ?? 0)
            var decay = 1.0
            var state = "open"
            if !incident.isOpen {
                let months = Self.months(from: incident.resolvedAt ?? incident.occurredAt, to: inputs.asOf)
                decay = pow(0.5, months / Double(parameters.incidentHalfLifeMonths))
                state = "resolved \(Int(months)) months ago ×\(Self.format(decay))"
            }
            raw.append((.init(kind: "incident", id: String(incident.id)), points * decay,
                        "\(incident.severity.rawValue) \(incident.category.rawValue) incident (\(state)): \(incident.title)"))
            if let sla, incident.isNoticeLate(slaHours: sla, now: inputs.asOf) {
                let notice = incident.noticeHours.map { "after \(Int($0.rounded())) h" } ?? "not given yet"
                raw.append((.init(kind: "incident", id: String(incident.id)), Double(parameters.lateNoticePoints),
                            "vendor notice \(notice), later than the \(sla) h the contract allows"))
            }
        }
        let total = raw.reduce(0) { $0 + $1.1 }
        let scale = total > 100 ? 100 / total : 1
        return raw.map { Draft(component: .incidents, source: $0.0, points: $0.1 * scale * weight(.incidents), explanation: $0.2) }
    }

    // MARK: Arithmetic

    /// Rounds contributions to hundredths so that they add up to the rounded total:
    /// floors first, then the largest remainders (earlier lines first on ties) get one more.
    static func apportion(_ points: [Double]) -> [Int] {
        let exact = points.map { max(0, $0) * 100 }
        let total = Int(exact.reduce(0, +).rounded())
        var rounded = exact.map { Int($0.rounded(.down)) }
        var missing = total - rounded.reduce(0, +)
        let order = exact.indices.sorted { (exact[$0] - exact[$0].rounded(.down), -$0) > (exact[$1] - exact[$1].rounded(.down), -$1) }
        var index = 0
        while missing > 0, !order.isEmpty {
            rounded[order[index % order.count]] += 1
            missing -= 1
            index += 1
        }
        return rounded
    }

    /// Months between two dates, as a fraction (30.436875 days a month).
    static func months(from start: Date, to end: Date) -> Double {
        max(0, end.timeIntervalSince(start)) / (30.436875 * 86_400)
    }

    /// `12`, `0.6`, `37.25`: at most two decimals, without formatting machinery (this runs for every line).
    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// `2026-11-29` in UTC, by calendar arithmetic (H. Hinnant's civil_from_days).
    static func day(_ date: Date) -> String {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }
}
