import CivilTime
import Foundation

/// Computes residual risk from a vendor's inputs: a pure function, explained line by line.
///
/// `residual = inherent × (floor + (1 − floor) × control gap) + contract + incidents`, at most 100, where
///
/// - **inherent** is the tier's points, and **floor** the share of it no control removes;
/// - the **control gap** is 1 − control effectiveness. Effectiveness is the weighted credit of the answers (each
///   question weighs its domain's share × its share of the domain). An answer's credit is its substance (its
///   score) × the confidence its backing earns (self-attested < document < reviewer-accepted, within a bounded
///   range) × what age leaves of it (full until the tier's cadence, none after the grace period). A failed key
///   control caps effectiveness. A vendor never assessed has the whole gap;
/// - **contract** adds points for each required clause no contract in force satisfies, by importance;
/// - **incidents** add points by severity (and for a late notice), fading after resolution;
/// - contract and incident points scale with the tier.
///
/// Then some facts impose a lowest rating: a knock-out answer or a prohibited use rates the vendor critical, an
/// open critical incident at least high. A line lifts the score to the band's lowest point, so the score and
/// the rating always agree.
///
/// The model is monotone: a worse answer, a failed review, a missing clause, a new or later-notified incident or
/// an expired certificate never lowers the score; a higher tier never scores lower. The property tests hold it
/// to that, and to one exception by design: removing an incident-notification clause whose signed SLA is shorter
/// than the library's can leave a notice judged on time that the signed SLA made late.
public struct ScoringModel: Sendable {
    public let configuration: ScoringConfiguration
    public let library: ClauseLibrary
    /// The catalog's questionnaires: what-if on vendors never assessed, and the rules of format-1 snapshots.
    let questionnaires: [Questionnaire]

    /// What every answer reads of the parameters, by tier and by backing: looked up here once, not hashed per answer.
    private let cadenceMonths: [Double]
    private let confidences: [Double]

    /// Creates a model from the catalog's scoring file and clause library.
    public init(configuration: ScoringConfiguration, library: ClauseLibrary, questionnaires: [Questionnaire] = []) {
        self.configuration = configuration
        self.library = library
        self.questionnaires = questionnaires
        cadenceMonths = Tier.allCases.map { Double(configuration.cadence[$0]?.months ?? 12) }
        confidences = Score.Backing.allCases.map { configuration.parameters.confidence[Self.level($0)] ?? 1 }
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
        let source: Score.Source
        let outcome: Score.Outcome
        var points: Double
        var credit: Double? = nil
        var weight: Double? = nil
        let detail: Score.Detail
    }

    /// Scores the inputs.
    public func score(_ inputs: ScoringInputs) -> Score {
        let inherent = Double(parameters.inherentPoints[inputs.tier] ?? 100)
        let floor = parameters.residualFloor
        var drafts = [Draft(source: .init(.profile, "tier"), outcome: .residualFloor, points: inherent * floor, weight: floor,
                            detail: .tier(inputs.tier, inherent: inherent))]
        // The assessment as the current catalog scores it, and which of its questions are asked: read by the controls
        // and by the knock-outs alike.
        let assessed = inputs.assessment.map { Assessed($0, questionnaire: $0.questionnaire.upgraded(from: questionnaires), profile: inputs.profile, model: self) }
        drafts += controls(inputs, assessed, scale: inherent * (1 - floor))
        let base = drafts.reduce(0) { $0 + $1.points }
        var extra = contract(inputs) + incidents(inputs)
        // The score is at most 100: contract and incident points share what room the inherent risk leaves.
        let room = max(0, 100 - base)
        let added = extra.reduce(0) { $0 + $1.points }
        if added > room {
            for index in extra.indices { extra[index].points *= room / added }
        }
        drafts += extra
        drafts += ratingFloors(inputs, assessed, total: drafts.reduce(0) { $0 + $1.points })
        let rounded = Self.apportion(drafts.map(\.points))
        let lines = zip(drafts, rounded).map { draft, hundredths in
            Score.Line(source: draft.source, outcome: draft.outcome, hundredths: hundredths, credit: draft.credit, weight: draft.weight, detail: draft.detail)
        }
        let total = rounded.reduce(0, +)
        return Score(hundredths: total, rating: parameters.rating(hundredths: total), lines: lines)
    }

    // MARK: Controls

    /// How a question stands for scoring: shown and answered, hidden by its profile (not counted), or hidden by an answer.
    enum Visibility: Equatable {
        case shown
        /// It does not apply to this vendor's profile: not counted at all.
        case notApplicable
        /// Hidden by the answers: full credit when the answers it depends on are at least as good as any that asks it,
        /// none otherwise (`gate`: the question it depended on).
        case hidden(passing: Bool, gate: String)
    }

    /// An assessment made ready to score: the questionnaire as the current catalog scores it, and by position, the
    /// answers and whether each question is asked.
    struct Assessed {
        let id: Int
        let questionnaire: Questionnaire
        let answers: [Answer?]
        let visibility: [Visibility]

        init(_ assessment: AssessmentInputs, questionnaire: Questionnaire, profile: AIProfile, model: ScoringModel) {
            id = assessment.id
            self.questionnaire = questionnaire
            answers = questionnaire.byPosition(assessment.answers)
            visibility = model.visibility(questionnaire, answers, profile)
        }
    }

    func controls(_ inputs: ScoringInputs, _ assessed: Assessed?, scale: Double) -> [Draft] {
        guard let assessed else {
            return [Draft(source: .init(.assessment, "none"), outcome: .notAssessed, points: scale, detail: .notAssessed(assessment: nil))]
        }
        let questionnaire = assessed.questionnaire
        // Questions are read in place (a copy of one retains a dozen fields, and this runs for every vendor).
        return questionnaire.questions.withUnsafeBufferPointer { questions in
            controls(inputs, assessed, questions, scale: scale)
        }
    }

    func controls(_ inputs: ScoringInputs, _ assessed: Assessed, _ questions: UnsafeBufferPointer<Questionnaire.Question>, scale: Double) -> [Draft] {
        let questionnaire = assessed.questionnaire
        let domainOf = questionnaire.lookup.domains
        // Counted: scored, applicable to the profile, and required or answered. The set does not depend on how
        // anything is answered, only whether, so a worse answer never moves weight between questions.
        var counted = [Bool](repeating: false, count: questions.count)
        var questionTotals = [Int](repeating: 0, count: questionnaire.domains.count)
        var domainCounted = [Bool](repeating: false, count: questionnaire.domains.count)
        for position in questions.indices {
            guard let weight = questions[position].weight, assessed.visibility[position] != .notApplicable,
                  questions[position].required || assessed.answers[position] != nil else { continue }
            counted[position] = true
            // A question of a domain the questionnaire does not declare weighs nothing.
            if domainOf[position] >= 0 {
                domainCounted[domainOf[position]] = true
                questionTotals[domainOf[position]] += weight
            }
        }
        guard domainCounted.contains(true) else {
            return [Draft(source: .init(.assessment, String(assessed.id)), outcome: .notAssessed, points: scale, detail: .notAssessed(assessment: assessed.id))]
        }
        let domainTotal = Double(questionnaire.domains.indices.reduce(0) { domainCounted[$1] ? $0 + questionnaire.domains[$1].weight : $0 })
        var drafts: [Draft] = []
        drafts.reserveCapacity(questions.count + 2)
        var effectiveness = 0.0
        var failedKeys: [String] = []
        // Lines go domain by domain, in the questionnaire's order of each.
        for domain in questionnaire.domains.indices where domainCounted[domain] {
            let questionTotal = Double(questionTotals[domain])
            for position in questions.indices where counted[position] && domainOf[position] == domain {
                let share = Double(questionnaire.domains[domain].weight) / domainTotal * Double(questions[position].weight ?? 0) / questionTotal
                let judged = judge(questions[position], assessed.answers[position], assessed.visibility[position], inputs)
                effectiveness += share * judged.credit
                if questions[position].key, judged.failsKey { failedKeys.append(questions[position].id) }
                drafts.append(Draft(source: .init(.question, questions[position].id), outcome: judged.outcome, points: scale * share * (1 - judged.credit),
                                    credit: judged.credit, weight: share, detail: .answer(judged.facts)))
            }
        }
        if !failedKeys.isEmpty, effectiveness > parameters.keyControlCap {
            drafts.append(Draft(
                source: .init(.assessment, String(assessed.id)), outcome: .keyControlCap, points: scale * (effectiveness - parameters.keyControlCap),
                detail: .keyControlCap(questions: failedKeys, cap: parameters.keyControlCap, effectiveness: effectiveness)))
        }
        return drafts
    }

    /// Each question's visibility: the conditions of the portal (``Questionnaire/visible(answers:profile:)``), with
    /// those hidden told apart by why.
    func visibility(_ questionnaire: Questionnaire, _ answers: [Answer?], _ profile: AIProfile) -> [Visibility] {
        let questions = questionnaire.questions
        let shown = questionnaire.shown(answers: answers.map { $0?.value }, profile: profile)
        var result = [Visibility?](repeating: nil, count: questions.count)
        func decide(_ position: Int, depth: Int) -> Visibility {
            if let known = result[position] { return known }
            var decision = Visibility.shown
            if !shown[position], let showIf = questions[position].showIf {
                if showIf.isProfileOnly || depth >= 32 {
                    decision = .notApplicable
                } else {
                    // Hidden by answers: it passes only if every question it depends on passes.
                    var passing = true
                    var failedGate = showIf.gates[0]
                    var applicable = false
                    for case let (gate, showing)? in questionnaire.lookup.conditions[position] where gate >= 0 {
                        switch decide(gate, depth: depth + 1) {
                        case .notApplicable:
                            continue
                        case .hidden(let gatePassing, _):
                            applicable = true
                            if !gatePassing, passing { passing = false; failedGate = questions[gate].id }
                        case .shown:
                            applicable = true
                            let gateQuestion = questions[gate]
                            let best = showing.map { substance(gateQuestion, Self.value(gateQuestion, $0), certifications: nil, asOf: Date.distantPast).substance }.max() ?? 1
                            let current = answers[gate].map { substance(gateQuestion, $0.value, certifications: nil, asOf: Date.distantPast).substance } ?? -1
                            if current < best, passing { passing = false; failedGate = questions[gate].id }
                        }
                    }
                    decision = applicable ? .hidden(passing: passing, gate: failedGate) : .notApplicable
                }
            }
            result[position] = decision
            return decision
        }
        return questions.indices.map { decide($0, depth: 0) }
    }

    /// The answer value choosing one option of a question, for comparing a gate's answer with those that ask.
    static func value(_ question: Questionnaire.Question, _ option: String) -> Answer.Value {
        question.type == .multi ? .options([option]) : .option(option)
    }

    /// What a question's answer earns.
    struct Judgement {
        var credit: Double
        var outcome: Score.Outcome
        var facts: Score.AnswerFacts
        /// Whether, as a key control, it fails.
        var failsKey: Bool
    }

    func judge(_ question: Questionnaire.Question, _ answer: Answer?, _ visibility: Visibility, _ inputs: ScoringInputs) -> Judgement {
        if case .hidden(let passing, let gate) = visibility {
            return Judgement(credit: passing ? 1 : 0, outcome: passing ? .notApplicable : .notAsked,
                             facts: .init(substance: passing ? 1 : 0, key: question.key, gate: gate), failsKey: !passing)
        }
        guard let answer, !Self.isEmpty(answer.value) else {
            return Judgement(credit: 0, outcome: .unanswered, facts: .init(key: question.key), failsKey: true)
        }
        let judged = substance(question, answer.value, certifications: inputs.certifications, asOf: inputs.asOf)
        var facts = judged.facts
        facts.key = question.key
        if answer.verdict == .flagged {
            facts.backing = nil
            return Judgement(credit: 0, outcome: .flagged, facts: facts, failsKey: true)
        }
        let backing: Score.Backing = answer.verdict == .accepted ? .reviewerAccepted : answer.hasEvidence ? .documentAttached : .selfAttested
        facts.backing = backing
        let confidence = confidences[backing.position]
        // Dates are judged by their own age, against today: they age once, so they do not fade as well.
        let (fade, age) = question.type == .date ? (1.0, nil) : staleness(of: answer, tier: inputs.tier, asOf: inputs.asOf)
        facts.fade = fade
        facts.ageMonths = age
        let credit = judged.substance * confidence * fade
        let failsKey = judged.substance < parameters.passMark
        let outcome: Score.Outcome
        if judged.substance == 0 || (question.key && failsKey) {
            outcome = .failed
        } else if fade == 0 {
            outcome = .stale
        } else if credit < 1 {
            outcome = .partial
        } else {
            outcome = .credited
        }
        return Judgement(credit: credit, outcome: outcome, facts: facts, failsKey: failsKey)
    }

    static func level(_ backing: Score.Backing) -> ScoringParameters.EvidenceLevel {
        switch backing {
        case .selfAttested: .selfAttested
        case .documentAttached: .documentAttached
        case .reviewerAccepted: .reviewerAccepted
        }
    }

    static func isEmpty(_ value: Answer.Value) -> Bool {
        if case .options(let chosen) = value { return chosen.isEmpty }
        return false
    }

    /// An answer's score (0–1) before backing and age, with the facts that explain it. Certifications claimed with
    /// no current certificate on record count as worth nothing (`certifications` nil: not checked).
    func substance(_ question: Questionnaire.Question, _ value: Answer.Value, certifications: [Certification]?, asOf: Date) -> (substance: Double, facts: Score.AnswerFacts) {
        func uncertified(_ option: String) -> Certification.Standard? {
            guard let certifications else { return nil }
            let declared = question.options.first { $0.value == option }
            guard let standard = declared != nil ? declared?.standard : Certification.Standard(rawValue: option), standard != .other else { return nil }
            return certifications.contains { $0.standard == standard && !$0.isExpired(on: asOf) } ? nil : standard
        }
        func score(_ option: String) -> Double {
            uncertified(option) != nil ? 0 : Double(question.options.first { $0.value == option }?.score ?? 0) / 100
        }
        switch value {
        case .option(let chosen):
            let claimed = uncertified(chosen)
            let result = claimed != nil ? 0 : Double(question.options.first { $0.value == chosen }?.score ?? 0) / 100
            return (result, .init(answer: chosen, substance: result, uncertified: claimed.map { [$0] } ?? []))
        case .options(let chosen):
            let ordered = question.options.map(\.value).filter(chosen.contains) + chosen.filter { value in !question.options.contains { $0.value == value } }.sorted()
            let notCertified = ordered.compactMap(uncertified)
            var missing: [String] = [], forbidden: [String] = []
            let result: Double
            switch question.rule ?? .worst {
            case .worst: result = ordered.map(score).min() ?? 0
            case .best: result = ordered.map(score).max() ?? 0
            case .allOf(let listed):
                let held = listed.filter { ordered.contains($0) && uncertified($0) == nil }
                missing = listed.filter { !held.contains($0) }
                result = listed.isEmpty ? 1 : Double(held.count) / Double(listed.count)
            case .noneOf(let listed):
                forbidden = listed.filter(ordered.contains)
                result = forbidden.isEmpty ? 1 : 0
            }
            return (result, .init(answer: ordered.joined(separator: ", "), substance: result, uncertified: notCertified, missing: missing, forbidden: forbidden))
        case .number(let number):
            let result = Double(band(number, question.bands)) / 100
            return (result, .init(answer: Self.format(number), substance: result))
        case .date(let date):
            let result = Double(band(Self.months(from: date, to: asOf), question.bands)) / 100
            return (result, .init(answer: Self.day(date), substance: result))
        case .text:
            return (1, .init(answer: "text", substance: 1))
        case .file:
            return (1, .init(answer: "a document", substance: 1))
        }
    }

    func band(_ value: Double, _ bands: [Questionnaire.Band]) -> Int {
        bands.first { $0.max.map { value <= $0 } ?? true }?.score ?? 0
    }

    /// What age leaves of an answer's credit (1 until the tier's cadence, falling to 0 over the grace period), and
    /// its age in months once past the cadence.
    func staleness(of answer: Answer, tier: Tier, asOf: Date) -> (Double, Int?) {
        let age = Self.months(from: answer.answeredAt, to: asOf)
        let cadence = cadenceMonths[tier.position]
        guard age > cadence else { return (1, nil) }
        return (max(0, 1 - (age - cadence) / Double(parameters.graceMonths)), Int(age))
    }

    // MARK: Contract

    func contract(_ inputs: ScoringInputs) -> [Draft] {
        // Of two records of one clause (two contracts in force), the best status counts.
        var best: [String: ClauseStatus] = [:]
        best.reserveCapacity(inputs.clauses.count)
        for record in inputs.clauses where best[record.key].map({ Self.rank($0) < Self.rank(record.status) }) ?? true {
            best[record.key] = record.status
        }
        let gaps = library.gapPositions(tier: inputs.tier, profile: inputs.profile, statuses: best)
        let scale = parameters.tierScale[inputs.tier] ?? 1
        var drafts = gaps.map { gap -> Draft in
            let importance = library.clauses[gap.position].importance
            let each = parameters.clausePoints[importance] ?? 0
            let deviation = gap.status == .deviation || gap.status == .negotiating
            let share = deviation ? parameters.deviationShare : 1
            return Draft(source: .init(.clause, library.clauses[gap.position].key), outcome: deviation ? .clauseDeviation : .missingClause,
                         points: each * share, weight: share, detail: .clause(status: gap.status, importance: importance))
        }
        let total = drafts.reduce(0) { $0 + $1.points }
        let cap = total > parameters.contractCap ? parameters.contractCap / total : 1
        for index in drafts.indices { drafts[index].points *= cap * scale }
        return drafts
    }

    /// Statuses from worst to best: of two records of one clause (two contracts in force), the best counts.
    static func rank(_ status: ClauseStatus) -> Int {
        switch status {
        case .missing: 0
        case .negotiating: 1
        case .deviation: 2
        case .notApplicable: 3
        case .present: 4
        }
    }

    // MARK: Incidents

    /// The SLA an incident notice is judged against: the shortest signed for the incident-notification clause in a
    /// contract in force (`clauses`), else the library's for the tier.
    public func noticeSLA(tier: Tier, clauses: [ClauseStatusRecord]) -> (hours: Int, source: Score.SLASource)? {
        let signed = clauses.filter { $0.key == "incident-notification" && $0.status.isInForce }.compactMap { $0.parameters["sla_hours"] }.min()
        if let signed { return (signed, .contract) }
        return library.clause("incident-notification")?.parameter("sla_hours", tier: tier).map { ($0, .library) }
    }

    func incidents(_ inputs: ScoringInputs) -> [Draft] {
        let sla = noticeSLA(tier: inputs.tier, clauses: inputs.clauses)
        var drafts: [Draft] = []
        for incident in inputs.incidents.sorted(by: { $0.id < $1.id }) where incident.occurredAt <= inputs.asOf {
            let open = incident.isOpen || (incident.resolvedAt.map { $0 > inputs.asOf } ?? true)
            var decay = 1.0
            var months: Int?
            if !open, let resolved = incident.resolvedAt {
                let elapsed = Self.months(from: resolved, to: inputs.asOf)
                decay = pow(0.5, elapsed / Double(parameters.incidentHalfLifeMonths))
                months = Int(elapsed)
            }
            let id = String(incident.id)
            drafts.append(Draft(source: .init(.incident, id), outcome: .incident, points: (parameters.incidentPoints[incident.severity] ?? 0) * decay,
                                detail: .incident(severity: incident.severity, category: incident.category, open: open, monthsResolved: months, decay: decay)))
            let notified = incident.vendorNotifiedAt.flatMap { $0 <= inputs.asOf ? $0 : nil }
            if let sla, incident.noticeClockStart <= inputs.asOf {
                let deadline = incident.noticeClockStart.addingTimeInterval(Double(sla.hours) * 3600)
                if (notified ?? inputs.asOf) > deadline {
                    let hours = notified.map { Int((max(0, $0.timeIntervalSince(incident.noticeClockStart)) / 3600).rounded()) }
                    drafts.append(Draft(source: .init(.incident, id), outcome: .lateNotice, points: parameters.lateNoticePoints * decay,
                                        detail: .lateNotice(hours: hours, slaHours: sla.hours, sla: sla.source, decay: decay)))
                }
            }
        }
        let total = drafts.reduce(0) { $0 + $1.points }
        let cap = total > parameters.incidentCap ? parameters.incidentCap / total : 1
        let scale = parameters.tierScale[inputs.tier] ?? 1
        for index in drafts.indices { drafts[index].points *= cap * scale }
        return drafts
    }

    // MARK: Rating floors

    /// The lines of the facts that impose a lowest rating; the first that needs points to reach its band carries them.
    func ratingFloors(_ inputs: ScoringInputs, _ assessed: Assessed?, total: Double) -> [Draft] {
        var floors: [(Rating, Draft)] = []
        func floor(_ kind: ScoringParameters.RatingFloor, _ source: Score.Source, _ outcome: Score.Outcome, answer: String? = nil, checkIn: Bool = false) {
            let band = parameters.ratingFloors[kind] ?? .critical
            floors.append((band, Draft(source: source, outcome: outcome, points: 0, detail: .floor(band, answer: answer, checkIn: checkIn))))
        }
        // Knock-out answers to the questions asked, in the assessment and in any check-in since.
        func knockOuts(_ questionnaire: Questionnaire, _ answers: [Answer?], shown: (Int) -> Bool, checkIn: Bool) {
            let questions = questionnaire.questions
            for position in questions.indices where !questions[position].knockOut.isEmpty && shown(position) {
                guard case .option(let value)? = answers[position]?.value, questions[position].knockOut.contains(value) else { continue }
                floor(.knockOut, .init(.question, questions[position].id), .knockOut, answer: value, checkIn: checkIn)
            }
        }
        if let assessed {
            knockOuts(assessed.questionnaire, assessed.answers, shown: { assessed.visibility[$0] == .shown }, checkIn: false)
        }
        if let checkIn = inputs.checkIn {
            let answers = checkIn.questionnaire.byPosition(checkIn.answers)
            let shown = checkIn.questionnaire.shown(answers: answers.map { $0?.value }, profile: inputs.profile)
            knockOuts(checkIn.questionnaire, answers, shown: { shown[$0] }, checkIn: true)
        }
        if inputs.profile.aiActClass == .prohibited {
            floor(.prohibited, .init(.profile, "ai_act_class"), .prohibited)
        }
        for incident in inputs.incidents.sorted(by: { $0.id < $1.id })
        where incident.severity == .critical && incident.occurredAt <= inputs.asOf && (incident.isOpen || (incident.resolvedAt.map { $0 > inputs.asOf } ?? true)) {
            floor(.openCriticalIncident, .init(.incident, String(incident.id)), .openCriticalIncident)
        }
        // The highest band imposed, reached by the first line that imposes it.
        guard let band = floors.map(\.0).max() else { return [] }
        let needed = max(0, Double(parameters.lowestHundredths(of: band)) / 100 - total)
        var carried = false
        return floors.map { imposed, draft in
            var draft = draft
            if imposed == band, !carried {
                draft.points = needed
                carried = true
            }
            return draft
        }
    }

    // MARK: Arithmetic

    /// Rounds contributions to hundredths so that they add up to the rounded total:
    /// floors first, then the largest remainders (earlier lines first on ties) get one more.
    /// A millionth of a hundredth: larger than the error of summing a score's lines, smaller than any difference the
    /// model means.
    static let roundingNudge = 1e-6

    static func apportion(_ points: [Double]) -> [Int] {
        let exact = points.map { max(0, $0) * 100 }
        // The total is rounded after a nudge far below any real difference of points: the same points reached by two
        // roads (a capped contract shared among more clauses, say) sum a few ulps apart, and a sum on a half hundredth
        // must not round one way for one road and the other way for the other, or a worse input could lower the score.
        let total = Int((exact.reduce(0, +) + Self.roundingNudge).rounded())
        var rounded = exact.map { Int($0.rounded(.down)) }
        var missing = total - rounded.reduce(0, +)
        guard missing > 0 else { return rounded }
        let remainders = exact.map { $0 - $0.rounded(.down) }
        let order = exact.indices.sorted { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
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

    /// `2026-11-29` in UTC.
    static func day(_ date: Date) -> String { CivilTime.dayText(date) }
}

extension Tier {
    /// The position among `allCases`, low first.
    var position: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }
}

extension Score.Backing {
    /// The position among `allCases`.
    var position: Int {
        switch self {
        case .selfAttested: 0
        case .documentAttached: 1
        case .reviewerAccepted: 2
        }
    }
}
