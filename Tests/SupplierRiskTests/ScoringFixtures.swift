import CatalogFiles
import Foundation
import SupplierRisk
import TestSupport

/// Vendors, answers and records for the scoring tests, built on the shipped catalog.
enum ScoringFixtures {
    static let catalog = try! Catalog.load(TestDatabase.repositoryRoot.appendingPathComponent("questionnaires"))
    static let model = ScoringModel(catalog: catalog)
    static let asOf = ISO8601DateFormatter().date(from: "2026-11-29T00:00:00Z")!
    static let month = 30.436875 * 86_400

    /// A profile of the tier asked for (by the shipped tiering rules), touching personal data from medium up.
    static func profile(_ tier: Tier, offering: AIProfile.Offering = .aiSaaS, act: AIProfile.AIActClass = .minimal) -> AIProfile {
        let (data, criticality): (Set<AIProfile.DataCategory>, AIProfile.BusinessCriticality) = switch tier {
        case .low: ([.internal], .low)
        case .medium: ([.personal], .medium)
        case .high: ([.personal], .high)
        case .critical: ([.personal], .critical)
        }
        return AIProfile(offering: offering, description: "", dataCategories: data, decisionImpact: .advisory, aiActClass: act,
                         businessCriticality: criticality, hostingRegions: ["EU"])
    }

    /// The best answer to a question, as a supplier that meets it would give it.
    static func best(_ question: Questionnaire.Question) -> Answer.Value? {
        switch question.type {
        case .yesNo, .single: return question.options.max { $0.score < $1.score }.map { .option($0.value) }
        case .multi:
            switch question.rule ?? .worst {
            case .worst, .best: return question.options.max { $0.score < $1.score }.map { .options([$0.value]) }
            case .allOf(let listed): return .options(listed)
            case .noneOf: return question.options.first(where: \.exclusive).map { .options([$0.value]) }
            }
        case .number:
            let best = question.bands.max { $0.score < $1.score }!
            let index = question.bands.firstIndex(of: best)!
            let below = index > 0 ? question.bands[index - 1].max ?? 0 : 0
            return .number(best.max ?? below + (below == below.rounded() ? 1 : 0.01))
        case .date: return .date(asOf.addingTimeInterval(-1 * month))
        case .text: return .text("an answer")
        case .file: return .file
        }
    }

    /// Best answers to every question of the tier's questionnaire, given a month ago and accepted by a reviewer.
    static func bestAnswers(_ tier: Tier, verdict: Answer.Verdict? = .accepted, evidence: Bool = true) -> [String: Answer] {
        var answers: [String: Answer] = [:]
        for question in catalog.questionnaire(for: tier)!.questions {
            if let value = best(question) { answers[question.id] = answer(value, evidence: evidence, verdict: verdict) }
        }
        return answers
    }

    static func answer(_ value: Answer.Value, monthsAgo: Double = 1, evidence: Bool = false, verdict: Answer.Verdict? = nil) -> Answer {
        Answer(value: value, answeredAt: asOf.addingTimeInterval(-monthsAgo * month), hasEvidence: evidence, verdict: verdict)
    }

    /// Every clause the tier and profile require, present.
    static func allClauses(_ tier: Tier, _ profile: AIProfile) -> [ClauseStatusRecord] {
        catalog.clauses.required(tier: tier, profile: profile).map {
            ClauseStatusRecord(key: $0.key, status: .present, note: "", verifiedBy: "legal", updatedAt: asOf)
        }
    }

    static let certificates = Certification.Standard.allCases.filter { $0 != .other }.enumerated().map { index, standard in
        Certification(id: index + 1, standard: standard, issuer: "TÜV", scope: "", issuedOn: nil, expiresOn: asOf.addingTimeInterval(365 * 86_400))
    }

    static func inputs(
        _ tier: Tier, profile: AIProfile? = nil, answers: [String: Answer]?, clauses: [ClauseStatusRecord]? = nil, incidents: [Incident] = [],
        certifications: [Certification] = certificates, questionnaire: Questionnaire? = nil
    ) -> ScoringInputs {
        let profile = profile ?? self.profile(tier)
        return ScoringInputs(
            vendor: "acme", tier: tier, profile: profile,
            assessment: answers.map { AssessmentInputs(id: 7, questionnaire: questionnaire ?? catalog.questionnaire(for: tier)!, answers: $0) },
            clauses: clauses ?? allClauses(tier, profile), incidents: incidents, certifications: certifications, asOf: asOf)
    }

    static func incident(
        _ id: Int, _ severity: Incident.Severity, occurredMonthsAgo: Double = 1, noticeHours: Double? = 2, awareHours: Double? = nil, resolvedMonthsAgo: Double? = nil
    ) -> Incident {
        let occurred = asOf.addingTimeInterval(-occurredMonthsAgo * month)
        let aware = awareHours.map { occurred.addingTimeInterval($0 * 3600) }
        return Incident(
            id: id, vendor: "acme", title: "incident \(id)", category: .harmfulOutput, severity: severity, occurredAt: occurred, detectedAt: occurred,
            vendorAwareAt: aware, vendorNotifiedAt: noticeHours.map { (aware ?? occurred).addingTimeInterval($0 * 3600) },
            status: resolvedMonthsAgo == nil ? .open : .resolved, resolution: resolvedMonthsAgo == nil ? nil : "fixed",
            resolvedAt: resolvedMonthsAgo.map { asOf.addingTimeInterval(-$0 * month) })
    }

    static func score(_ inputs: ScoringInputs) -> Score { model.score(inputs) }
}
