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
    public static func actions(for inputs: ScoringInputs, model: ScoringModel) -> [WhatIf] {
        let base = model.score(inputs).hundredths
        var candidates: [(String, String, ScoringInputs)] = []

        if let assessment = inputs.assessment {
            for question in assessment.questionnaire.questions where question.weight != nil {
                guard let best = bestValue(question, asOf: inputs.asOf) else { continue }
                var changed = inputs
                changed.assessment?.answers[question.id] = Answer(value: best.value, answeredAt: inputs.asOf, hasEvidence: true, verdict: .accepted)
                candidates.append(("answer \(question.id) with \"\(best.label)\", backed by evidence a reviewer accepts", "question \(question.id)", changed))
            }
            var fresh = inputs
            for (id, answer) in assessment.answers {
                fresh.assessment?.answers[id] = Answer(value: answer.value, answeredAt: inputs.asOf, hasEvidence: answer.hasEvidence, verdict: answer.verdict)
            }
            candidates.append(("re-assess: the same answers given again today", "assessment", fresh))
        } else if let questionnaire = model.catalogQuestionnaire(for: inputs.tier) {
            var assessed = inputs
            var answers: [String: Answer] = [:]
            for question in questionnaire.questions {
                if let best = bestValue(question, asOf: inputs.asOf) { answers[question.id] = Answer(value: best.value, answeredAt: inputs.asOf, hasEvidence: true, verdict: .accepted) }
            }
            assessed.assessment = AssessmentInputs(questionnaire: questionnaire, answers: answers)
            candidates.append(("send \(questionnaire.key) and get the best answers, accepted (the most an assessment can remove)", "assessment", assessed))
        }
        for gap in model.library.gaps(tier: inputs.tier, profile: inputs.profile, recorded: inputs.clauses) {
            var changed = inputs
            changed.clauses.append(ClauseStatusRecord(key: gap.clause.key, status: .present, note: "", verifiedBy: nil, updatedAt: inputs.asOf))
            candidates.append(("get \"\(gap.clause.title)\" into the contract", "clause \(gap.clause.key)", changed))
        }
        for standard in Certification.Standard.allCases where standard != .other {
            let held = inputs.certifications.filter { $0.standard == standard }
            guard !held.contains(where: { !$0.isExpired(on: inputs.asOf) }) else { continue }
            var changed = inputs
            changed.certifications.append(Certification(id: -1, standard: standard, issuer: "", scope: "", issuedOn: inputs.asOf, expiresOn: inputs.asOf.addingTimeInterval(365 * 86_400)))
            candidates.append((held.isEmpty ? "obtain a current \(standard.title) certificate" : "renew the \(standard.title) certificate", "certificate \(standard.rawValue)", changed))
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
