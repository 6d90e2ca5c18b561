import Foundation

/// What a vendor could do to lower its residual risk, each action priced by the same model.
public struct WhatIf: Sendable, Hashable, Codable {
    /// The action, in words.
    public let action: String
    /// What it acts on: `question DAT-01`, `clause audit-rights` …
    public let target: String
    /// The score after it, in hundredths.
    public let hundredths: Int
    /// How much lower the score would be, in hundredths.
    public let reduction: Int

    /// Every action that would lower the score, largest reduction first.
    ///
    /// Besides single actions, it prices the fixes that only work together: where two key controls fail, the cap on
    /// control effectiveness stays until both pass; where two answers knock the vendor out, it stays rejected until
    /// both change; where more clauses are missing than the contract component's cap counts, one clause more changes
    /// nothing. Each of these is offered as one action naming all it takes.
    public static func actions(for inputs: ScoringInputs, model: ScoringModel) -> [WhatIf] {
        let current = model.score(inputs)
        let base = current.hundredths
        var candidates: [(String, String, ScoringInputs)] = []
        // Every action at once: what the score comes down to when nothing within reach is left undone. Where
        // incidents push the total past 100, no group of actions alone may show.
        var everything = inputs
        var groups = 0

        if let assessment = inputs.assessment {
            var best: [String: (value: Answer.Value, label: String)] = [:]
            for question in assessment.questionnaire.questions where question.weight != nil {
                guard let value = bestValue(question, asOf: inputs.asOf) else { continue }
                best[question.id] = value
                var changed = inputs
                changed.assessment?.answers[question.id] = Answer(value: value.value, answeredAt: inputs.asOf, hasEvidence: true, verdict: .accepted)
                candidates.append(("answer \(question.id) with \"\(value.label)\", backed by evidence a reviewer accepts", "question \(question.id)", changed))
            }
            let failedKeys = current.lines.lazy.compactMap { line -> [String]? in
                if case .keyControlCap(let questions, _, _) = line.detail { questions } else { nil }
            }.first ?? []
            let knockOuts = current.lines.filter { $0.outcome == .knockOut && $0.source.kind == .question }.map(\.source.id)
            for (ids, what, target) in [(failedKeys, "failed key control", "key controls"), (knockOuts, "knock-out answer", "knock-out answers")]
            where ids.count > 1 && ids.allSatisfy({ best[$0] != nil }) {
                var changed = inputs
                for id in ids {
                    changed.assessment?.answers[id] = Answer(value: best[id]!.value, answeredAt: inputs.asOf, hasEvidence: true, verdict: .accepted)
                }
                candidates.append(("answer every \(what) (\(ids.joined(separator: ", "))) with its best answer, backed by evidence a reviewer accepts",
                                   target, changed))
            }
            var fresh = inputs
            for (id, answer) in assessment.answers {
                fresh.assessment?.answers[id] = Answer(value: answer.value, answeredAt: inputs.asOf, hasEvidence: answer.hasEvidence, verdict: answer.verdict)
            }
            candidates.append(("re-assess: the same answers given again today", "assessment", fresh))
            var answered = inputs
            for (id, value) in best {
                answered.assessment?.answers[id] = Answer(value: value.value, answeredAt: inputs.asOf, hasEvidence: true, verdict: .accepted)
            }
            candidates.append(("answer every question at its best, backed by evidence a reviewer accepts (the most this assessment can remove)",
                               "answers", answered))
            everything.assessment = answered.assessment
            groups += 1
        } else if let questionnaire = model.catalogQuestionnaire(for: inputs.tier) {
            var assessed = inputs
            var answers: [String: Answer] = [:]
            for question in questionnaire.questions {
                if let best = bestValue(question, asOf: inputs.asOf) { answers[question.id] = Answer(value: best.value, answeredAt: inputs.asOf, hasEvidence: true, verdict: .accepted) }
            }
            assessed.assessment = AssessmentInputs(questionnaire: questionnaire, answers: answers)
            candidates.append(("send \(questionnaire.key) and get the best answers, accepted (the most an assessment can remove)", "assessment", assessed))
            everything.assessment = assessed.assessment
            groups += 1
        }
        let gaps = model.library.gaps(tier: inputs.tier, profile: inputs.profile, recorded: inputs.clauses)
        for gap in gaps {
            var changed = inputs
            changed.clauses.append(ClauseStatusRecord(key: gap.clause.key, status: .present, note: "", verifiedBy: nil, updatedAt: inputs.asOf))
            candidates.append(("get \"\(gap.clause.title)\" into the contract", "clause \(gap.clause.key)", changed))
        }
        if gaps.count > 1 {
            var changed = inputs
            changed.clauses += gaps.map { ClauseStatusRecord(key: $0.clause.key, status: .present, note: "", verifiedBy: nil, updatedAt: inputs.asOf) }
            candidates.append(("get every required clause still missing (\(gaps.count)) into the contract", "clauses", changed))
        }
        if !gaps.isEmpty {
            everything.clauses += gaps.map { ClauseStatusRecord(key: $0.clause.key, status: .present, note: "", verifiedBy: nil, updatedAt: inputs.asOf) }
            groups += 1
        }
        var certified = inputs
        for standard in Certification.Standard.allCases where standard != .other {
            let held = inputs.certifications.filter { $0.standard == standard }
            guard !held.contains(where: { !$0.isExpired(on: inputs.asOf) }) else { continue }
            var changed = inputs
            changed.certifications.append(Certification(id: -1, standard: standard, issuer: "", scope: "", issuedOn: inputs.asOf, expiresOn: inputs.asOf.addingTimeInterval(365 * 86_400)))
            candidates.append((held.isEmpty ? "obtain a current \(standard.title) certificate" : "renew the \(standard.title) certificate", "certificate \(standard.rawValue)", changed))
            certified.certifications.append(changed.certifications.last!)
        }
        let missing = certified.certifications.count - inputs.certifications.count
        if missing > 1 {
            candidates.append(("hold a current certificate for each of the \(missing) standards now without one", "certificates", certified))
        }
        if missing > 0 {
            everything.certifications = certified.certifications
            groups += 1
        }
        if groups > 1 {
            candidates.append(("all of these at once: the best answers, every required clause, current certificates", "everything", everything))
        }
        return candidates.compactMap { action, target, changed in
            let score = model.score(changed).hundredths
            return score < base ? WhatIf(action: action, target: target, hundredths: score, reduction: base - score) : nil
        }
        .sorted { ($0.reduction, $1.target) > ($1.reduction, $0.target) }
    }

    /// The best answer a question can get, with its label.
    static func bestValue(_ question: Questionnaire.Question, asOf: Date) -> (value: Answer.Value, label: String)? {
        switch question.type {
        case .yesNo, .single:
            return question.options.max { $0.score < $1.score }.map { (.option($0.value), $0.label) }
        case .multi:
            let chosen: [Questionnaire.Option]
            switch question.rule ?? .worst {
            case .worst, .best:
                chosen = question.options.max { $0.score < $1.score }.map { [$0] } ?? []
            case .allOf(let listed):
                chosen = question.options.filter { listed.contains($0.value) }
            case .noneOf(let listed):
                chosen = question.options.first { $0.exclusive }.map { [$0] } ?? question.options.first { !listed.contains($0.value) }.map { [$0] } ?? []
            }
            guard !chosen.isEmpty else { return nil }
            return (.options(chosen.map(\.value)), chosen.map(\.label).joined(separator: ", "))
        case .number:
            guard let best = question.bands.max(by: { $0.score < $1.score }), let index = question.bands.firstIndex(of: best) else { return nil }
            // For the open last band, just past the band below it: 99.9 after 99.89, 31 after 30.
            let below = index > 0 ? question.bands[index - 1].max ?? 0 : 0
            let value = best.max ?? (below + (below == below.rounded() ? 1 : 0.01))
            return (.number(value), ScoringModel.format(value))
        case .date:
            return (.date(asOf), "today's date")
        case .file:
            return (.file, "a document")
        case .text:
            return nil
        }
    }
}
