public import Foundation
import Yams

extension Questionnaire {
    /// Validates a questionnaire's text; `file` names it in problems, `key` is what its key must be.
    public static func parse(_ text: String, file: String, key expectedKey: String) throws(CatalogError) -> Questionnaire {
        let reader = YAMLReader(file: file)
        let questionnaire = QuestionnaireReader(reader: reader).read(reader.parse(text), expectedKey: expectedKey)
        guard reader.problems.isEmpty, let questionnaire else { throw CatalogError(problems: reader.problems) }
        return questionnaire
    }
}

/// The checks of one questionnaire file.
struct QuestionnaireReader {
    let reader: YAMLReader

    func read(_ root: Node?, expectedKey: String) -> Questionnaire? {
        guard let root else { return nil }
        let keys = ["key", "version", "title", "description", "tiers", "domains", "questions"]
        guard let top = reader.mapping(root, "questionnaire", allowed: Set(keys), required: keys) else { return nil }
        let field = Dictionary(top.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let key = reader.string(field["key"], "key")
        if let key, key != expectedKey {
            reader.problem(field["key"], "key \"\(key)\" must be the file's name, \"\(expectedKey)\"")
        }
        let version = reader.positiveInt(field["version"], "version")
        let title = reader.string(field["title"], "title")
        let description = reader.string(field["description"], "description")
        var tiers: [Tier] = []
        for node in reader.sequence(field["tiers"], "tiers") ?? [] {
            if let tier = reader.tier(node, "tiers") { tiers.append(tier) }
        }
        if tiers.isEmpty, field["tiers"]?.sequence != nil { reader.problem(field["tiers"], "tiers must name at least one tier") }
        let domains = readDomains(field["domains"])
        let questions = readQuestions(field["questions"], domains: domains)
        checkShowIf(questions)
        for domain in domains where !questions.contains(where: { $0.question.domain == domain.key }) {
            reader.problem(field["domains"], "domain \"\(domain.key)\" has no questions")
        }
        guard let key, let version, let title, let description else { return nil }
        return Questionnaire(key: key, version: version, title: title, description: description, tiers: tiers, domains: domains, questions: questions.map(\.question))
    }

    private func readDomains(_ node: Node?) -> [Questionnaire.Domain] {
        var domains: [Questionnaire.Domain] = []
        for (index, item) in (reader.sequence(node, "domains") ?? []).enumerated() {
            let what = "domains[\(index + 1)]"
            guard let pairs = reader.mapping(item, what, allowed: ["key", "title", "weight"], required: ["key", "title", "weight"]) else { continue }
            let field = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let key = reader.string(field["key"], "\(what).key")
            if let key, domains.contains(where: { $0.key == key }) {
                reader.problem(field["key"], "\(what).key: duplicate domain \"\(key)\"")
                continue
            }
            let title = reader.string(field["title"], "\(what).title")
            let weight = reader.positiveInt(field["weight"], "\(what).weight")
            if let key, let title, let weight { domains.append(.init(key: key, title: title, weight: weight)) }
        }
        return domains
    }

    struct Located {
        let question: Questionnaire.Question
        let node: Node
        let showIfNode: Node?
    }

    private func readQuestions(_ node: Node?, domains: [Questionnaire.Domain]) -> [Located] {
        var questions: [Located] = []
        var seen: [String: Int] = [:]
        let allowed: Set<String> = [
            "id", "domain", "text", "help", "type", "options", "scores", "bands", "weight", "required", "evidence", "evidence_when", "key", "rule",
            "knock_out", "show_if", "references",
        ]
        for (index, item) in (reader.sequence(node, "questions") ?? []).enumerated() {
            guard let pairs = reader.mapping(item, "questions[\(index + 1)]", allowed: allowed, required: ["id", "domain", "text", "help", "type", "evidence", "references"]) else { continue }
            let field = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let id = reader.string(field["id"], "questions[\(index + 1)].id")
            let what = id.map { "question \($0)" } ?? "questions[\(index + 1)]"
            if let id {
                if let line = seen[id] {
                    reader.problem(field["id"], "\(what): duplicate id (first on line \(line))")
                    continue
                }
                seen[id] = field["id"]?.mark?.line ?? 0
                if !Self.isID(id) { reader.problem(field["id"], "\(what): id must be 2–5 capital letters, a hyphen and two digits, such as GOV-01") }
            }
            let domain = reader.string(field["domain"], "\(what).domain")
            if let domain, !domains.contains(where: { $0.key == domain }) {
                reader.problem(field["domain"], "\(what): unknown domain \"\(domain)\" (expected \(domains.map(\.key).joined(separator: ", ")))")
            }
            let text = reader.string(field["text"], "\(what).text")
            let help = reader.string(field["help"], "\(what).help")
            let type = reader.value(field["type"], Questionnaire.AnswerType.self, "\(what).type", expected: Questionnaire.AnswerType.allCases.map(\.rawValue).joined(separator: ", "))
            var evidence = reader.value(field["evidence"], Questionnaire.Evidence.self, "\(what).evidence", expected: "required, optional")
            if evidence == Questionnaire.Evidence.none {
                reader.problem(field["evidence"], "\(what).evidence: every question accepts a document now; write optional, or required")
                evidence = .optional
            }
            let required = flag(field["required"], "\(what).required") ?? true
            let isKey = flag(field["key"], "\(what).key") ?? false
            var options: [Questionnaire.Option] = []
            var bands: [Questionnaire.Band] = []
            var weight: Int?
            var rule: Questionnaire.MultiRule?
            if let type {
                rule = readRule(field["rule"], type: type, what: what, anchor: field["type"])
                options = readOptions(field, type: type, rule: rule, what: what)
                if let rule { checkRule(rule, options: options, node: field["rule"], what: what) }
                bands = readBands(field["bands"], type: type, what: what, anchor: field["type"])
                weight = readWeight(field["weight"], type: type, what: what, anchor: field["id"])
                if isKey, weight == nil { reader.problem(field["key"], "\(what): only a scored question can be a key control") }
            }
            let knockOut = (reader.sequence(field["knock_out"], "\(what).knock_out") ?? []).compactMap { node -> String? in
                guard let value = reader.string(node, "\(what).knock_out") else { return nil }
                if type != nil, !options.contains(where: { $0.value == value }) {
                    reader.problem(node, "\(what).knock_out: \"\(value)\" is not one of its options (\(options.map(\.value).joined(separator: ", ")))")
                }
                return value
            }
            if !knockOut.isEmpty, let type, type != .yesNo, type != .single {
                reader.problem(field["knock_out"], "\(what): only yes_no and single questions take knock_out answers")
            }
            let evidenceWhen = readEvidenceWhen(field["evidence_when"], type: type, evidence: evidence, options: options, rule: rule, what: what, anchor: field["evidence"])
            let showIf = readShowIf(field["show_if"], what: what)
            var references: [Reference] = []
            let referenceNodes = reader.sequence(field["references"], "\(what).references") ?? []
            if referenceNodes.isEmpty, field["references"]?.sequence != nil { reader.problem(field["references"], "\(what) needs at least one reference") }
            for node in referenceNodes {
                guard let text = reader.string(node, "\(what).references") else { continue }
                switch Reference.parse(text) {
                case .success(let reference): references.append(reference)
                case .failure(let problem): reader.problem(node, "\(what).references: \(problem.message)")
                }
            }
            guard let id, let domain, let text, let help, let type, let evidence else { continue }
            questions.append(Located(
                question: .init(id: id, domain: domain, text: text, help: help, type: type, options: options, bands: bands, weight: weight,
                                required: required, evidence: evidence, evidenceWhen: evidenceWhen, key: isKey, rule: rule, knockOut: knockOut,
                                showIf: showIf, references: references),
                node: item, showIfNode: field["show_if"]))
        }
        return questions
    }

    private func flag(_ node: Node?, _ what: String) -> Bool? {
        guard let node else { return nil }
        guard let value = node.scalar?.string, value == "true" || value == "false" else {
            reader.problem(node, "\(what) must be true or false")
            return nil
        }
        return value == "true"
    }

    /// `rule: worst`, `rule: best`, `rule: {all_of: [a, b]}` or `rule: {none_of: [a, b]}`: required on multi questions, refused elsewhere.
    private func readRule(_ node: Node?, type: Questionnaire.AnswerType, what: String, anchor: Node?) -> Questionnaire.MultiRule? {
        guard type == .multi else {
            if node != nil { reader.problem(node, "\(what): only multi questions take a rule") }
            return nil
        }
        let expected = "worst, best, {all_of: [options]} or {none_of: [options]}"
        guard let node else {
            reader.problem(anchor, "\(what): a multi question needs a rule saying how its answer is judged (\(expected)); answers are never summed")
            return nil
        }
        if let word = node.scalar?.string {
            switch word {
            case "worst": return .worst
            case "best": return .best
            default:
                reader.problem(node, "\(what).rule: unknown rule \"\(word)\" (expected \(expected))")
                return nil
            }
        }
        guard let pairs = reader.mapping(node, "\(what).rule", allowed: ["all_of", "none_of"]), pairs.count == 1, let pair = pairs.first else {
            reader.problem(node, "\(what).rule must be \(expected)")
            return nil
        }
        let values = (reader.sequence(pair.value, "\(what).rule.\(pair.key)") ?? []).compactMap { reader.string($0, "\(what).rule.\(pair.key)") }
        guard !values.isEmpty else {
            reader.problem(pair.value, "\(what).rule.\(pair.key) must list at least one option")
            return nil
        }
        return pair.key == "all_of" ? .allOf(values) : .noneOf(values)
    }

    private func checkRule(_ rule: Questionnaire.MultiRule, options: [Questionnaire.Option], node: Node?, what: String) {
        switch rule {
        case .allOf(let listed), .noneOf(let listed):
            for value in listed where !options.contains(where: { $0.value == value }) {
                reader.problem(node, "\(what).rule.\(rule.name): \"\(value)\" is not one of its options (\(options.map(\.value).joined(separator: ", ")))")
            }
            if let exclusive = options.first(where: { $0.exclusive && listed.contains($0.value) }) {
                reader.problem(node, "\(what).rule.\(rule.name): \"\(exclusive.value)\" is the exclusive option and cannot be listed")
            }
        case .worst, .best:
            break
        }
    }

    /// With evidence required on a choice question, the answers that need a document: options that claim something.
    private func readEvidenceWhen(
        _ node: Node?, type: Questionnaire.AnswerType?, evidence: Questionnaire.Evidence?, options: [Questionnaire.Option],
        rule: Questionnaire.MultiRule?, what: String, anchor: Node?
    ) -> [String] {
        guard let type, let evidence else { return [] }
        let isChoice = type == .yesNo || type == .single || type == .multi
        guard evidence == .required, isChoice else {
            if node != nil { reader.problem(node, "\(what).evidence_when goes with evidence: required on a yes_no, single or multi question") }
            return []
        }
        guard let node else {
            reader.problem(anchor, "\(what): with evidence required, evidence_when must name the answers that need a document (those that claim something, never a plain no)")
            return []
        }
        let values = (reader.sequence(node, "\(what).evidence_when") ?? []).compactMap { reader.string($0, "\(what).evidence_when") }
        let scored = rule.map { if case .allOf = $0 { false } else if case .noneOf = $0 { false } else { true } } ?? true
        for value in values {
            guard let option = options.first(where: { $0.value == value }) else {
                reader.problem(node, "\(what).evidence_when: \"\(value)\" is not one of its options (\(options.map(\.value).joined(separator: ", ")))")
                continue
            }
            if option.exclusive || (scored && option.score == 0) {
                reader.problem(node, "\(what).evidence_when: \"\(value)\" claims nothing (it scores 0), so it cannot need evidence")
            }
        }
        if values.isEmpty, node.sequence != nil { reader.problem(node, "\(what).evidence_when must name at least one answer") }
        return values
    }

    static func isID(_ id: String) -> Bool {
        let parts = id.split(separator: "-")
        return parts.count == 2 && (2...5).contains(parts[0].count) && parts[0].allSatisfy { $0.isUppercase && $0.isASCII }
            && parts[1].count == 2 && parts[1].allSatisfy(\.isNumber)
    }

    private func readOptions(_ field: [String: Node], type: Questionnaire.AnswerType, rule: Questionnaire.MultiRule?, what: String) -> [Questionnaire.Option] {
        switch type {
        case .yesNo:
            if field["options"] != nil { reader.problem(field["options"], "\(what): a yes_no question takes scores: {yes: N, no: N}, not options") }
            guard let pairs = reader.mapping(field["scores"], "\(what).scores", allowed: ["yes", "no"], required: ["yes", "no"]) else {
                if field["scores"] == nil { reader.problem(field["type"], "\(what): a yes_no question needs scores: {yes: N, no: N}") }
                return []
            }
            return pairs.compactMap { pair in
                score(pair.value, "\(what).scores.\(pair.key)").map { .init(value: pair.key, label: pair.key == "yes" ? "Yes" : "No", score: $0) }
            }
        case .single, .multi:
            if field["scores"] != nil { reader.problem(field["scores"], "\(what): scores is for yes_no questions; give each option its score") }
            guard let items = reader.sequence(field["options"], "\(what).options") else {
                if field["options"] == nil { reader.problem(field["type"], "\(what): a \(type.rawValue) question needs options") }
                return []
            }
            if items.count < 2 { reader.problem(field["options"], "\(what) needs at least two options") }
            // A multi question judged by all_of or none_of scores by which options are chosen, not by their scores.
            let listed: Bool = switch rule {
            case .allOf?, .noneOf?: true
            default: false
            }
            var options: [Questionnaire.Option] = []
            for (index, item) in items.enumerated() {
                let where_ = "\(what).options[\(index + 1)]"
                let keys: Set<String> = type == .multi ? ["value", "label", "score", "exclusive"] : ["value", "label", "score"]
                guard let pairs = reader.mapping(item, where_, allowed: keys, required: listed ? ["value", "label"] : ["value", "label", "score"]) else { continue }
                let option = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
                guard let value = reader.string(option["value"], "\(where_).value"), let label = reader.string(option["label"], "\(where_).label")
                else { continue }
                if listed, option["score"] != nil {
                    reader.problem(option["score"], "\(where_): a question judged by \(rule?.name ?? "") takes no option scores")
                }
                // A bad score is reported; the option stays, so that show-if and knock-out checks do not report it again.
                let score = listed ? 0 : score(option["score"], "\(where_).score") ?? 0
                let exclusive = flag(option["exclusive"], "\(where_).exclusive") ?? false
                if options.contains(where: { $0.value == value }) {
                    reader.problem(option["value"], "\(where_): duplicate option \"\(value)\"")
                    continue
                }
                options.append(.init(value: value, label: label, score: score, exclusive: exclusive))
            }
            if options.filter(\.exclusive).count > 1 { reader.problem(field["options"], "\(what): at most one option can be exclusive") }
            return options
        default:
            for key in ["options", "scores"] where field[key] != nil {
                reader.problem(field[key], "\(what): a \(type.rawValue) question takes no \(key)")
            }
            return []
        }
    }

    private func score(_ node: Node?, _ what: String) -> Int? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, let value = Int(text), (0...100).contains(value) else {
            reader.problem(node, "\(what) must be a score from 0 to 100, not \"\(node.scalar?.string ?? "a structure")\"")
            return nil
        }
        return value
    }

    private func readBands(_ node: Node?, type: Questionnaire.AnswerType, what: String, anchor: Node?) -> [Questionnaire.Band] {
        guard type == .number || type == .date else {
            if node != nil { reader.problem(node, "\(what): only number and date questions take bands") }
            return []
        }
        guard let items = reader.sequence(node, "\(what).bands") else {
            if node == nil { reader.problem(anchor, "\(what): a \(type.rawValue) question needs bands: [{max: N, score: S}, …, {score: S}]") }
            return []
        }
        var bands: [Questionnaire.Band] = []
        for (index, item) in items.enumerated() {
            let where_ = "\(what).bands[\(index + 1)]"
            guard let pairs = reader.mapping(item, where_, allowed: ["max", "score"], required: ["score"]) else { continue }
            let field = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let isLast = index == items.count - 1
            var max: Double?
            if let node = field["max"] {
                guard let value = node.scalar.flatMap({ Double($0.string) }) else {
                    reader.problem(node, "\(where_).max must be a number")
                    continue
                }
                if let previous = bands.last?.max, value <= previous {
                    reader.problem(node, "\(where_).max must be above the band before (\(previous))")
                }
                if isLast { reader.problem(node, "\(where_): the last band takes no max; it scores everything above") }
                max = value
            } else if !isLast {
                reader.problem(item, "\(where_) needs a max; only the last band has none")
            }
            if let score = score(field["score"], "\(where_).score") { bands.append(.init(max: max, score: score)) }
        }
        return bands
    }

    private func readWeight(_ node: Node?, type: Questionnaire.AnswerType, what: String, anchor: Node?) -> Int? {
        if type == .text {
            if node != nil { reader.problem(node, "\(what): text answers are not scored, so they take no weight") }
            return nil
        }
        guard let node else {
            reader.problem(anchor, "\(what): a scored question needs a weight above 0")
            return nil
        }
        return reader.positiveInt(node, "\(what).weight")
    }

    /// `show_if: {question: GOV-01, is: yes}`, `show_if: {profile: offering, is: [agent]}`, or `show_if: {any: [ … ]}`
    /// of those: asked when any holds.
    private func readShowIf(_ node: Node?, what: String) -> Questionnaire.ShowIf? {
        guard let node else { return nil }
        if let pairs = node.mapping, pairs.count == 1, pairs.first?.key.scalar?.string == "any" {
            guard let items = reader.sequence(pairs.first?.value, "\(what).show_if.any"), !items.isEmpty else {
                reader.problem(node, "\(what).show_if.any must list at least one condition")
                return nil
            }
            let conditions = items.enumerated().compactMap { readCondition($1, what: "\(what).show_if.any[\($0 + 1)]") }
            return conditions.count == items.count ? .init(any: conditions) : nil
        }
        return readCondition(node, what: "\(what).show_if").map { .init(any: [$0]) }
    }

    private func readCondition(_ node: Node, what: String) -> Questionnaire.ShowIf.Condition? {
        guard let pairs = reader.mapping(node, what, allowed: ["question", "profile", "is"], required: ["is"]) else { return nil }
        let field = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard let target = field["is"] else { return nil }
        switch (field["question"], field["profile"]) {
        case (let question?, nil):
            guard let question = reader.string(question, "\(what).question") else { return nil }
            let values = target.sequence.map { $0.compactMap { reader.string($0, "\(what).is") } } ?? reader.string(target, "\(what).is").map { [$0] } ?? []
            return .answer(question: question, values: values)
        case (nil, let profile?):
            guard let dimension = reader.string(profile, "\(what).profile") else { return nil }
            return reader.profileFact(dimension, target, "\(what).is").map { .profile($0) }
        default:
            reader.problem(node, "\(what) must name either a question or a profile dimension, such as {question: GOV-01, is: yes} or {profile: offering, is: agent}")
            return nil
        }
    }

    /// Show-if must name questions that exist, with values they can take, and form no cycle.
    private func checkShowIf(_ questions: [Located]) {
        let byID = Dictionary(questions.map { ($0.question.id, $0) }, uniquingKeysWith: { first, _ in first })
        for located in questions {
            guard let showIf = located.question.showIf else { continue }
            let what = "question \(located.question.id).show_if"
            for case .answer(let gate, let values) in showIf.any {
                guard let target = byID[gate] else {
                    reader.problem(located.showIfNode, "\(what): unknown question \"\(gate)\"")
                    continue
                }
                let options = target.question.options.map(\.value)
                for value in values where !options.contains(value) {
                    reader.problem(located.showIfNode, "\(what): \(gate) cannot be \"\(value)\" (its options: \(options.isEmpty ? "none, it is a \(target.question.type.rawValue) question" : options.joined(separator: ", ")))")
                }
            }
        }
        // A cycle: following show_if from a question comes back to it.
        var reported: Set<String> = []
        func walk(_ id: String, path: [String], start: Located) {
            for gate in byID[id]?.question.showIf?.gates ?? [] {
                if gate == start.question.id {
                    if reported.insert(Set(path).sorted().joined()).inserted {
                        reader.problem(start.showIfNode, "question \(start.question.id).show_if forms a cycle: \((path + [gate]).joined(separator: " → "))")
                    }
                } else if !path.contains(gate), byID[gate] != nil {
                    walk(gate, path: path + [gate], start: start)
                }
            }
        }
        for located in questions { walk(located.question.id, path: [located.question.id], start: located) }
    }
}
