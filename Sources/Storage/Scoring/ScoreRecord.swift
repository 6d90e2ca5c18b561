public import Foundation
public import SupplierRisk

/// How scores are kept in the database: their typed lines, compactly, as `sql/007_scoring_model_2.sql`
/// describes. A line is a JSON array `[kind, id, outcome, hundredths, credit, weight, detail…]` with short codes
/// and shares in ten-thousandths; its sentence is not stored, only rendered when read. A 50,000-vendor
/// portfolio writes one of these per vendor per rescore, so it is written byte by byte, without an encoder.
///
/// Breakdowns written by scoring model 1 (`{"hundredths", "lines": [{"explanation", …}], "rating"}`) are read
/// too, each line kept in its own words.
public enum ScoreRecord {
    /// The breakdown of a score: `{"v":2,"l":[…]}`.
    public static func breakdown(_ score: Score) -> String {
        var json = JSONWriter(capacity: score.lines.count * 48 + 16)
        json.object { json in
            json.key("v"); json.value(2)
            json.key("l"); json.array(score.lines) { json, line in write(line, to: &json) }
        }
        return json.string
    }

    /// The summary reports read: `{"v":2,"clauseGaps":[…],"drivers":[…],"failedAnswers":[…],"lateNotices":[…]}`
    /// (`score_summary()` derives the same from the breakdown).
    public static func summary(_ summary: ScoreSummary) -> String {
        var json = JSONWriter(capacity: 512)
        json.object { json in
            json.key("v"); json.value(2)
            json.key("clauseGaps"); json.value(summary.clauseGaps)
            json.key("drivers"); json.array(summary.drivers) { json, line in write(line, to: &json) }
            json.key("failedAnswers"); json.array(summary.failedAnswers) { json, line in write(line, to: &json) }
            json.key("lateNotices"); json.array(summary.lateNotices) { $0.value($1) }
        }
        return json.string
    }

    /// Reads a stored breakdown of either model; `hundredths` and `rating` are the row's.
    public static func score(breakdown text: String, hundredths: Int, rating: Rating) throws(RecordError) -> Score {
        guard let object = try parse(text) as? [String: Any] else { throw RecordError("a breakdown is not a JSON object") }
        if object["v"] as? Int == 2 {
            guard let lines = object["l"] as? [Any] else { throw RecordError("a breakdown of model 2 has no lines") }
            return Score(hundredths: hundredths, rating: rating, lines: try lines.map(line))
        }
        guard let lines = object["lines"] as? [[String: Any]] else { throw RecordError("a breakdown of model 1 has no lines") }
        return Score(hundredths: hundredths, rating: rating, lines: try lines.map(legacyLine))
    }

    /// Reads the drivers or failed answers of a stored summary: lines of model 2, or sentences of model 1.
    public static func lines(_ text: String) throws(RecordError) -> [Score.Line] {
        guard let array = try parse(text) as? [Any] else { throw RecordError("summary lines are not a JSON array") }
        return try array.map { element throws(RecordError) in
            if let sentence = element as? String { return Score.Line(source: .init(.question, ""), outcome: .legacy, hundredths: 0,
                                                                     detail: .legacy(sentence, component: .controls)) }
            return try line(element)
        }
    }

    /// A stored score that cannot be read.
    public struct RecordError: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: Codes

    static func code(_ kind: Score.Source.Kind) -> StaticString {
        switch kind {
        case .profile: "p"
        case .assessment: "a"
        case .question: "q"
        case .clause: "c"
        case .incident: "i"
        case .certificate: "t"
        }
    }

    static func code(_ outcome: Score.Outcome) -> StaticString {
        switch outcome {
        case .residualFloor: "rf"
        case .notAssessed: "ns"
        case .credited: "ok"
        case .partial: "pt"
        case .failed: "fa"
        case .unanswered: "un"
        case .flagged: "fg"
        case .stale: "st"
        case .notApplicable: "np"
        case .notAsked: "nk"
        case .keyControlCap: "kc"
        case .missingClause: "mc"
        case .clauseDeviation: "cd"
        case .incident: "in"
        case .lateNotice: "ln"
        case .knockOut: "ko"
        case .prohibited: "pr"
        case .openCriticalIncident: "oc"
        case .legacy: "lg"
        }
    }

    static func code(_ backing: Score.Backing) -> StaticString {
        switch backing {
        case .selfAttested: "s"
        case .documentAttached: "d"
        case .reviewerAccepted: "r"
        }
    }

    static let kindCodes = Dictionary(uniqueKeysWithValues: Score.Source.Kind.allCases.map { ("\(code($0))", $0) })
    static let outcomeCodes = Dictionary(uniqueKeysWithValues: Score.Outcome.allCases.map { ("\(code($0))", $0) })
    static let backingCodes = Dictionary(uniqueKeysWithValues: Score.Backing.allCases.map { ("\(code($0))", $0) })

    /// A share (0–1) in ten-thousandths.
    static func share(_ value: Double) -> Int { Int((value * 10_000).rounded()) }

    // MARK: Writing

    static func write(_ line: Score.Line, to json: inout JSONWriter) {
        json.list { json in
            json.code(code(line.source.kind))
            json.value(line.source.id)
            json.code(code(line.outcome))
            json.value(line.hundredths)
            if let credit = line.credit { json.value(share(credit)) } else { json.null() }
            if let weight = line.weight { json.value(share(weight)) } else { json.null() }
            // The detail, by the line's kind; see the migration for each layout.
            switch line.detail {
            case .tier(let tier, let inherent):
                json.value(tier.rawValue)
                json.value(share(inherent / 100))
            case .notAssessed(let assessment):
                if let assessment { json.value(assessment) } else { json.null() }
            case .answer(let facts):
                // Trailing values equal to their defaults are left out: most answers need four fields, not ten.
                let substance = share(facts.substance), fade = share(facts.fade)
                func isDefault(_ field: Int) -> Bool {
                    switch field {
                    case 0: facts.answer == nil
                    case 1: facts.backing == nil
                    case 2: substance == 10_000
                    case 3: fade == 10_000
                    case 4: facts.ageMonths == nil
                    case 5: !facts.key
                    case 6: facts.uncertified.isEmpty
                    case 7: facts.missing.isEmpty
                    case 8: facts.forbidden.isEmpty
                    default: facts.gate == nil
                    }
                }
                var count = 10
                while count > 0, isDefault(count - 1) { count -= 1 }
                for field in 0..<count {
                    switch field {
                    case 0: if let answer = facts.answer { json.value(answer) } else { json.null() }
                    case 1: if let backing = facts.backing { json.code(code(backing)) } else { json.null() }
                    case 2: json.value(substance)
                    case 3: json.value(fade)
                    case 4: if let age = facts.ageMonths { json.value(age) } else { json.null() }
                    case 5: json.value(facts.key ? 1 : 0)
                    case 6: json.array(facts.uncertified) { $0.value($1.rawValue) }
                    case 7: json.value(facts.missing)
                    case 8: json.value(facts.forbidden)
                    default: if let gate = facts.gate { json.value(gate) } else { json.null() }
                    }
                }
            case .keyControlCap(let questions, let cap, let effectiveness):
                json.value(questions)
                json.value(share(cap))
                json.value(share(effectiveness))
            case .clause(let status, let importance):
                if let status { json.value(status.rawValue) } else { json.null() }
                json.value(importance.rawValue)
            case .incident(let severity, let category, let open, let months, let decay):
                json.value(severity.rawValue)
                json.value(category.rawValue)
                json.value(open ? 1 : 0)
                if let months { json.value(months) } else { json.null() }
                json.value(share(decay))
            case .lateNotice(let hours, let sla, let source, let decay):
                if let hours { json.value(hours) } else { json.null() }
                json.value(sla)
                json.value(source == .contract ? "c" : "l")
                json.value(share(decay))
            case .floor(let band, let answer, let checkIn):
                json.value(band.rawValue)
                if let answer { json.value(answer) } else { json.null() }
                json.value(checkIn ? 1 : 0)
            case .legacy(let text, let component):
                json.value(text)
                json.value(component.rawValue)
            }
        }
    }

    // MARK: Reading

    static func parse(_ text: String) throws(RecordError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw RecordError("not JSON: \(error)")
        }
    }

    static func line(_ element: Any) throws(RecordError) -> Score.Line {
        guard let fields = element as? [Any], fields.count >= 6, let kindCode = fields[0] as? String, let kind = kindCodes[kindCode],
              let id = fields[1] as? String, let outcomeCode = fields[2] as? String, let outcome = outcomeCodes[outcomeCode],
              let hundredths = fields[3] as? Int
        else { throw RecordError("a stored line is not [kind, id, outcome, hundredths, credit, weight, …]: \(element)") }
        let detail = Array(fields.dropFirst(6))
        func number(_ index: Int) -> Int? { index < detail.count ? detail[index] as? Int : nil }
        func text(_ index: Int) -> String? { index < detail.count ? detail[index] as? String : nil }
        func texts(_ index: Int) -> [String] { index < detail.count ? detail[index] as? [String] ?? [] : [] }
        func ratio(_ index: Int, _ otherwise: Double) -> Double { number(index).map { Double($0) / 10_000 } ?? otherwise }
        func required<Value>(_ value: Value?, _ what: String) throws(RecordError) -> Value {
            guard let value else { throw RecordError("a stored \(outcome.rawValue) line lacks its \(what): \(element)") }
            return value
        }
        let decoded: Score.Detail
        switch outcome {
        case .residualFloor:
            decoded = .tier(try required(text(0).flatMap(Tier.init(rawValue:)), "tier"), inherent: ratio(1, 0) * 100)
        case .notAssessed:
            decoded = .notAssessed(assessment: number(0))
        case .credited, .partial, .failed, .unanswered, .flagged, .stale, .notApplicable, .notAsked:
            decoded = .answer(Score.AnswerFacts(
                answer: text(0), substance: ratio(2, 1), backing: text(1).flatMap { backingCodes[$0] }, ageMonths: number(4), fade: ratio(3, 1),
                key: number(5) == 1, uncertified: texts(6).compactMap(Certification.Standard.init(rawValue:)), missing: texts(7), forbidden: texts(8),
                gate: text(9)))
        case .keyControlCap:
            decoded = .keyControlCap(questions: texts(0), cap: ratio(1, 0), effectiveness: ratio(2, 0))
        case .missingClause, .clauseDeviation:
            decoded = .clause(status: text(0).flatMap(ClauseStatus.init(rawValue:)),
                              importance: try required(text(1).flatMap(ClauseLibrary.Importance.init(rawValue:)), "importance"))
        case .incident:
            decoded = .incident(
                severity: try required(text(0).flatMap(Incident.Severity.init(rawValue:)), "severity"),
                category: try required(text(1).flatMap(Incident.Category.init(rawValue:)), "category"),
                open: number(2) == 1, monthsResolved: number(3), decay: ratio(4, 1))
        case .lateNotice:
            decoded = .lateNotice(hours: number(0), slaHours: try required(number(1), "SLA"), sla: text(2) == "c" ? .contract : .library, decay: ratio(3, 1))
        case .knockOut, .prohibited, .openCriticalIncident:
            decoded = .floor(try required(text(0).flatMap(Rating.init(rawValue:)), "band"), answer: text(1), checkIn: number(2) == 1)
        case .legacy:
            decoded = .legacy(text(0) ?? "", component: text(1).flatMap(ScoringParameters.Component.init(rawValue:)) ?? .controls)
        }
        let credit = fields[4] as? Int
        let weight = fields[5] as? Int
        return Score.Line(source: .init(kind, id), outcome: outcome, hundredths: hundredths, credit: credit.map { Double($0) / 10_000 },
                          weight: weight.map { Double($0) / 10_000 }, detail: decoded)
    }

    /// A line of a model-1 breakdown: its source, points and sentence.
    static func legacyLine(_ object: [String: Any]) throws(RecordError) -> Score.Line {
        guard let source = object["source"] as? [String: Any], let kindName = source["kind"] as? String,
              let id = source["id"] as? String, let hundredths = object["hundredths"] as? Int, let explanation = object["explanation"] as? String
        else { throw RecordError("a line of model 1 lacks its source, points or explanation") }
        let component = (object["component"] as? String).flatMap(ScoringParameters.Component.init(rawValue:)) ?? .controls
        return Score.Line(source: .init(Score.Source.Kind(rawValue: kindName) ?? .question, id), outcome: .legacy, hundredths: hundredths,
                          detail: .legacy(explanation, component: component))
    }
}
