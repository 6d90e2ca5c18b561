/// A score as the API and `--json` show it: every line with its typed fields and, for a reader, its sentence in
/// tprm's standard wording (`text`, rendered here, never read back).
extension Score: Encodable {
    private enum CodingKeys: String, CodingKey { case hundredths, rating, lines }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hundredths, forKey: .hundredths)
        try container.encode(rating, forKey: .rating)
        try container.encode(lines, forKey: .lines)
    }
}

extension Score.Line: Encodable {
    private enum CodingKeys: String, CodingKey { case component, source, outcome, hundredths, credit, weight, detail, text }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(component, forKey: .component)
        try container.encode(source, forKey: .source)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(hundredths, forKey: .hundredths)
        try container.encodeIfPresent(credit.map(Self.rounded), forKey: .credit)
        try container.encodeIfPresent(weight.map(Self.rounded), forKey: .weight)
        try container.encode(detail, forKey: .detail)
        try container.encode(ScoreSentences.standard.text(self), forKey: .text)
    }

    /// Shares to four decimals, as stored.
    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}

extension Score.Source: Encodable {
    private enum CodingKeys: String, CodingKey { case kind, id }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(id, forKey: .id)
    }
}

extension Score.Detail: Encodable {
    private enum CodingKeys: String, CodingKey {
        case kind, tier, inherent, assessment, answer, substance, backing, ageMonths, fade, key, uncertified, missing, forbidden, gate
        case questions, cap, effectiveness, status, importance, severity, category, open, monthsResolved, decay, hours, slaHours, sla
        case band, checkIn, text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .tier(let tier, let inherent):
            try container.encode("tier", forKey: .kind)
            try container.encode(tier, forKey: .tier)
            try container.encode(inherent, forKey: .inherent)
        case .notAssessed(let assessment):
            try container.encode("notAssessed", forKey: .kind)
            try container.encodeIfPresent(assessment, forKey: .assessment)
        case .answer(let facts):
            try container.encode("answer", forKey: .kind)
            try container.encodeIfPresent(facts.answer, forKey: .answer)
            try container.encode(Score.Line.rounded(facts.substance), forKey: .substance)
            try container.encodeIfPresent(facts.backing, forKey: .backing)
            try container.encodeIfPresent(facts.ageMonths, forKey: .ageMonths)
            try container.encode(Score.Line.rounded(facts.fade), forKey: .fade)
            try container.encode(facts.key, forKey: .key)
            if !facts.uncertified.isEmpty { try container.encode(facts.uncertified, forKey: .uncertified) }
            if !facts.missing.isEmpty { try container.encode(facts.missing, forKey: .missing) }
            if !facts.forbidden.isEmpty { try container.encode(facts.forbidden, forKey: .forbidden) }
            try container.encodeIfPresent(facts.gate, forKey: .gate)
        case .keyControlCap(let questions, let cap, let effectiveness):
            try container.encode("keyControlCap", forKey: .kind)
            try container.encode(questions, forKey: .questions)
            try container.encode(cap, forKey: .cap)
            try container.encode(Score.Line.rounded(effectiveness), forKey: .effectiveness)
        case .clause(let status, let importance):
            try container.encode("clause", forKey: .kind)
            try container.encodeIfPresent(status, forKey: .status)
            try container.encode(importance, forKey: .importance)
        case .incident(let severity, let category, let open, let months, let decay):
            try container.encode("incident", forKey: .kind)
            try container.encode(severity, forKey: .severity)
            try container.encode(category, forKey: .category)
            try container.encode(open, forKey: .open)
            try container.encodeIfPresent(months, forKey: .monthsResolved)
            try container.encode(Score.Line.rounded(decay), forKey: .decay)
        case .lateNotice(let hours, let sla, let source, let decay):
            try container.encode("lateNotice", forKey: .kind)
            try container.encodeIfPresent(hours, forKey: .hours)
            try container.encode(sla, forKey: .slaHours)
            try container.encode(source, forKey: .sla)
            try container.encode(Score.Line.rounded(decay), forKey: .decay)
        case .floor(let band, let answer, let checkIn):
            try container.encode("floor", forKey: .kind)
            try container.encode(band, forKey: .band)
            try container.encodeIfPresent(answer, forKey: .answer)
            try container.encode(checkIn, forKey: .checkIn)
        case .legacy(let text, _):
            try container.encode("legacy", forKey: .kind)
            try container.encode(text, forKey: .text)
        }
    }
}
