/// The sentences a score's lines are read in: one template per outcome, with `{placeholders}` filled from the
/// line's typed fields. Nothing downstream reads these sentences back, so a template can be reworded (or
/// translated) without moving a figure; a test rewrites every one and checks that.
public struct ScoreSentences: Sendable {
    /// A template per outcome.
    public var templates: [Score.Outcome: String]
    /// The words for values that appear inside sentences: backings, states, SLA sources, statuses.
    public var words: [String: String]

    /// Creates sentences from templates and words.
    public init(templates: [Score.Outcome: String], words: [String: String]) {
        self.templates = templates
        self.words = words
    }

    /// tprm's own wording.
    public static let standard = ScoreSentences(
        templates: [
            .residualFloor: "tier {tier}: {floor}% of its inherent risk of {inherent} stays whatever the controls",
            .notAssessed: "not assessed{assessment}: the whole control gap counts, so the residual risk is the inherent risk",
            .credited: "{id}{key} answered {answer}: full credit, {backing}",
            .partial: "{id}{key} answered {answer}{uncertified}{options}: score {substance}%, {backing}{age}; credit {credit}% on {weight}% of the controls",
            .failed: "{id}{key} answered {answer}{uncertified}{options}: failed, no credit on {weight}% of the controls",
            .unanswered: "{id}{key} unanswered though required: failed, no credit on {weight}% of the controls",
            .flagged: "{id}{key} answered {answer} but the reviewer flagged it: failed, no credit on {weight}% of the controls",
            .stale: "{id}{key} answered {answer}{age}: past the cadence and its grace period, no credit left on {weight}% of the controls",
            .notApplicable: "{id} not asked, as the answer to {gate} made it unnecessary: full credit",
            .notAsked: "{id}{key} not asked because the answer to {gate} fell short: no credit on {weight}% of the controls",
            .keyControlCap: "key controls failed ({questions}): control effectiveness capped at {cap}%, down from {effectiveness}%",
            .missingClause: "required clause {id} ({importance}) {status}",
            .clauseDeviation: "required clause {id} ({importance}) {status}: counted at {weight}% of a missing one",
            .incident: "{severity} {category} incident #{id}, {state}",
            .lateNotice: "incident #{id}: vendor notice {hours}, later than the {sla} h {slaSource}{decay}",
            .knockOut: "knock-out: {id} answered {answer}{where}, so the vendor is rated {band} whatever else it answered",
            .prohibited: "the use is prohibited by EU AI Act Art. 5, so the vendor is rated {band}",
            .openCriticalIncident: "critical incident #{id} is still open, so the vendor is rated at least {band}",
            .legacy: "{text}",
        ],
        words: [
            "selfAttested": "self-attested", "documentAttached": "backed by a document", "reviewerAccepted": "accepted by the reviewer",
            "open": "still open", "resolved": "resolved {months} months ago (×{decay})",
            "contract": "the contract signed", "library": "the clause library asks of the tier (no signed SLA)",
            "notRecorded": "is not recorded in any contract in force", "missing": "is missing from the contract",
            "deviation": "deviates from the library's wording", "negotiating": "is still being negotiated",
            "key": " (key control)", "checkIn": " in the check-in", "noNotice": "not given yet", "hoursNotice": "after {hours} h",
            "uncertified": " (no current certificate for {standards})", "missingOptions": " (missing {options})",
            "forbiddenOptions": " (includes {options})",
        ])

    /// The line in words; `library` gives clause titles where the sentence names a clause.
    public func text(_ line: Score.Line, library: ClauseLibrary? = nil) -> String {
        fill(templates[line.outcome] ?? "{outcome} {kind} {id}", values(line, library: library))
    }

    /// The values a line offers its template.
    func values(_ line: Score.Line, library: ClauseLibrary?) -> [String: String] {
        var values: [String: String] = [
            "id": line.source.id, "kind": line.source.kind.rawValue, "outcome": line.outcome.rawValue,
            "points": Self.number(Double(line.hundredths) / 100),
            "credit": line.credit.map { Self.number($0 * 100) } ?? "", "weight": line.weight.map { Self.number($0 * 100) } ?? "",
        ]
        switch line.detail {
        case .tier(let tier, let inherent):
            values["tier"] = tier.rawValue
            values["inherent"] = Self.number(inherent)
            values["floor"] = line.weight.map { Self.number($0 * 100) } ?? ""
        case .notAssessed(let assessment):
            values["assessment"] = assessment.map { " (assessment #\($0) has nothing to score)" } ?? ""
        case .answer(let facts):
            values["answer"] = facts.answer.map { "\"\($0)\"" } ?? "nothing"
            values["substance"] = Self.number(facts.substance * 100)
            values["backing"] = facts.backing.map { word($0.rawValue) } ?? ""
            values["age"] = facts.ageMonths.map { ", \($0) months old (×\(Self.number(facts.fade)))" } ?? ""
            values["key"] = facts.key ? word("key") : ""
            values["uncertified"] = facts.uncertified.isEmpty ? "" : fill(word("uncertified"), ["standards": facts.uncertified.map(\.title).joined(separator: ", ")])
            values["gate"] = facts.gate ?? ""
            values["options"] = (facts.missing.isEmpty ? "" : fill(word("missingOptions"), ["options": facts.missing.joined(separator: ", ")]))
                + (facts.forbidden.isEmpty ? "" : fill(word("forbiddenOptions"), ["options": facts.forbidden.joined(separator: ", ")]))
        case .keyControlCap(let questions, let cap, let effectiveness):
            values["questions"] = questions.joined(separator: ", ")
            values["cap"] = Self.number(cap * 100)
            values["effectiveness"] = Self.number(effectiveness * 100)
        case .clause(let status, let importance):
            values["importance"] = importance.rawValue
            values["title"] = library?.clause(line.source.id)?.title ?? line.source.id
            values["status"] = status.map { word($0.rawValue) } ?? word("notRecorded")
        case .incident(let severity, let category, let open, let months, let decay):
            values["severity"] = severity.rawValue
            values["category"] = category.rawValue
            values["state"] = open ? word("open") : fill(word("resolved"), ["months": String(months ?? 0), "decay": Self.number(decay)])
        case .lateNotice(let hours, let sla, let source, let decay):
            values["hours"] = hours.map { fill(word("hoursNotice"), ["hours": String($0)]) } ?? word("noNotice")
            values["sla"] = String(sla)
            values["slaSource"] = word(source.rawValue)
            values["decay"] = decay < 1 ? " (×\(Self.number(decay)), the incident resolved)" : ""
        case .floor(let band, let answer, let checkIn):
            values["band"] = band.rawValue
            values["answer"] = answer.map { "\"\($0)\"" } ?? ""
            values["where"] = checkIn ? word("checkIn") : ""
        case .legacy(let text, _):
            values["text"] = text
        }
        return values
    }

    func word(_ key: String) -> String { words[key] ?? key }

    /// The template with each `{name}` replaced by its value; unknown names are left as written.
    func fill(_ template: String, _ values: [String: String]) -> String {
        var result = ""
        result.reserveCapacity(template.utf8.count + 32)
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            result += values[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }

    /// `12`, `0.6`, `37.25`: a number as the sentences write it, to at most two decimals.
    public static func number(_ value: Double) -> String { ScoringModel.format(value) }
}
