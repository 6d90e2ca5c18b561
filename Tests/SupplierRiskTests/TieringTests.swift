import Foundation
import SupplierRisk
import TestSupport
import Testing

@Suite struct TieringTests {
    static let shipped = TestDatabase.repositoryRoot.appendingPathComponent("questionnaires/scoring.yaml")

    static func rules() throws -> TieringRules {
        try ScoringConfiguration.load(shipped).tiering
    }

    /// A profile at the bottom of every dimension, to change one fact at a time.
    static func profile(
        data: Set<AIProfile.DataCategory> = [.public],
        impact: AIProfile.DecisionImpact = .none,
        act: AIProfile.AIActClass = .minimal,
        criticality: AIProfile.BusinessCriticality = .low
    ) -> AIProfile {
        AIProfile(
            offering: .aiSaaS, description: "meeting summaries", dataCategories: data, decisionImpact: impact,
            aiActClass: act, businessCriticality: criticality, hostingRegions: ["EU"])
    }

    @Test(arguments: [
        ([AIProfile.DataCategory.public], Tier.low),
        ([.internal], .medium),
        ([.confidential], .high),
        ([.personal], .high),
        ([.specialCategory], .critical),
        ([.public, .internal, .personal], .high),
    ])
    func dataCategoriesSetTheirLevel(data: [AIProfile.DataCategory], tier: Tier) throws {
        #expect(try Self.rules().assess(Self.profile(data: Set(data))).tier == tier)
    }

    @Test(arguments: [
        (AIProfile.DecisionImpact.none, Tier.low), (.advisory, .medium), (.significant, .high), (.automated, .critical),
    ])
    func decisionImpactSetsItsLevel(impact: AIProfile.DecisionImpact, tier: Tier) throws {
        #expect(try Self.rules().assess(Self.profile(impact: impact)).tier == tier)
    }

    @Test(arguments: [
        (AIProfile.AIActClass.minimal, Tier.low), (.limited, .medium), (.gpai, .medium), (.highRisk, .high), (.prohibited, .critical),
    ])
    func aiActClassSetsItsLevel(act: AIProfile.AIActClass, tier: Tier) throws {
        #expect(try Self.rules().assess(Self.profile(act: act)).tier == tier)
    }

    @Test(arguments: [
        (AIProfile.BusinessCriticality.low, Tier.low), (.medium, .medium), (.high, .high), (.critical, .critical),
    ])
    func businessCriticalitySetsItsLevel(criticality: AIProfile.BusinessCriticality, tier: Tier) throws {
        #expect(try Self.rules().assess(Self.profile(criticality: criticality)).tier == tier)
    }

    @Test func theHighestDimensionWinsAndTheExplanationNamesIt() throws {
        let assessment = try Self.rules().assess(Self.profile(data: [.internal, .personal], impact: .advisory, act: .limited, criticality: .medium))
        #expect(assessment.tier == .high)
        #expect(assessment.decisive.map(\.fact) == ["data_categories includes personal"])
        #expect(assessment.reasons.map(\.fact) == [
            "data_categories includes personal", "data_categories includes internal",
            "decision_impact = advisory", "ai_act_class = limited", "business_criticality = medium",
        ])
    }

    @Test func overridesLiftTheTierAndSaySo() throws {
        // A model where automated decisions and high-risk use would, on their own, stay medium.
        let text = try String(contentsOf: Self.shipped, encoding: .utf8)
            .replacingOccurrences(of: "    automated: critical", with: "    automated: medium")
            .replacingOccurrences(of: "    high_risk: high", with: "    high_risk: medium")
        let rules = try ScoringConfiguration.parse(text, file: "scoring.yaml").tiering

        let automated = rules.assess(Self.profile(impact: .automated))
        #expect(automated.tier == .high)
        #expect(automated.decisive.map(\.kind) == [.override])
        #expect(automated.decisive.map(\.fact) == ["decision_impact = automated: decisions about people are made with no human in the loop"])

        let highRisk = rules.assess(Self.profile(act: .highRisk))
        #expect(highRisk.tier == .high)
        #expect(highRisk.decisive.first?.fact.hasPrefix("ai_act_class = high_risk: the use falls in an EU AI Act high-risk area") == true)

        // An override is a floor, never a ceiling.
        #expect(rules.assess(Self.profile(data: [.specialCategory], impact: .automated)).tier == .critical)
        #expect(rules.assess(Self.profile()).reasons.allSatisfy { $0.kind == .dimension }, "no override when its fact is absent")
    }

    @Test func theShippedScoringParametersAreReadAndRated() throws {
        let parameters = try ScoringConfiguration.load(Self.shipped).parameters
        #expect(parameters.components.values.reduce(0, +) == 100)
        #expect(parameters.rating(of: 0) == .low)
        #expect(parameters.rating(of: 25) == .low)
        #expect(parameters.rating(of: 25.01) == .medium)
        #expect(parameters.rating(of: 75.5) == .critical)
        #expect(parameters.evidenceConfidence[.reviewerAccepted] == 1.0)
        #expect(parameters.incidentPoints[.critical] == 60)
        #expect(parameters.lateNoticePoints == 10)
    }

    @Test func theShippedFileHasACadenceForEveryTier() throws {
        let configuration = try ScoringConfiguration.load(Self.shipped)
        #expect(configuration.cadence[.critical]?.months == 12)
        #expect(configuration.cadence[.critical]?.checkInMonths == 3)
        #expect(configuration.cadence[.high]?.months == 12)
        #expect(configuration.cadence[.medium]?.months == 24)
        #expect(configuration.cadence[.low]?.months == 36)
    }
}

@Suite struct ScoringFileProblemTests {
    static let shipped = TieringTests.shipped

    func problems(replacing target: String, with replacement: String) throws -> [String] {
        let text = try String(contentsOf: Self.shipped, encoding: .utf8)
        #expect(text.contains(target), "the edit applies to the shipped file")
        return problems(text.replacingOccurrences(of: target, with: replacement))
    }

    func problems(_ text: String) -> [String] {
        do {
            _ = try ScoringConfiguration.parse(text, file: "scoring.yaml")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func unknownTierNamesTheExpectedOnes() throws {
        #expect(try problems(replacing: "    significant: high", with: "    significant: extreme") == [
            "scoring.yaml:18:18: tiering.decision_impact.significant: unknown tier \"extreme\" (expected critical, high, medium, low)",
        ])
    }

    @Test func aMissingValueAndAnUnknownOneAreBothReported() throws {
        #expect(try problems(replacing: "    personal: high\n", with: "    biometric: high\n") == [
            "scoring.yaml:13:5: tiering.data_categories: unknown key \"biometric\" (expected confidential, internal, personal, public, special_category)",
            "scoring.yaml:10:5: tiering.data_categories: missing \"personal\"",
        ])
    }

    @Test func everyProblemInTheFileIsReportedAtOnce() throws {
        let text = try String(contentsOf: Self.shipped, encoding: .utf8)
            .replacingOccurrences(of: "  medium: {months: 24}", with: "  medium: {months: 0}")
            .replacingOccurrences(of: "  critical: {months: 12, check_in_months: 3}", with: "  critical: {months: 12, check_in_months: 12}")
            .replacingOccurrences(of: "    - when: {decision_impact: automated}", with: "    - when: {decision_impact: automated, ai_act_class: gpai}")
            .replacingOccurrences(of: "version: 1", with: "version: 1\nweights: {}")
        #expect(problems(text) == [
            "scoring.yaml:4:1: scoring.yaml: unknown key \"weights\" (expected cadence, scoring, tiering, version)",
            "scoring.yaml:33:13: tiering.overrides[1].when must name exactly one fact, such as {decision_impact: automated}",
            "scoring.yaml:43:43: cadence.critical.check_in_months (12) must be shorter than months (12)",
            "scoring.yaml:45:20: cadence.medium.months must be a whole number above 0, not \"0\"",
        ])
    }

    @Test func scoringParametersAreChecked() throws {
        #expect(try problems(replacing: "components: {inherent: 35,", with: "components: {inherent: 45,") == [
            "scoring.yaml:54:15: scoring.components must add up to 100, not 110",
        ])
        #expect(try problems(replacing: "ratings: {low: 25, medium: 50,", with: "ratings: {low: 55, medium: 50,") == [
            "scoring.yaml:52:12: scoring.ratings must rise from low to critical, and critical must be 100",
        ])
        #expect(try problems(replacing: "self_attested: 0.6", with: "self_attested: 1.6") == [
            "scoring.yaml:60:40: scoring.evidence_confidence.self_attested must be a number from 0 to 1",
        ])
    }

    @Test func anOverrideNamingAnUnknownValueIsRefused() throws {
        #expect(try problems(replacing: "{ai_act_class: high_risk}", with: "{ai_act_class: high-risk}") == [
            "scoring.yaml:35:28: tiering.overrides[2].when.ai_act_class: unknown value \"high-risk\" (expected minimal, limited, gpai, high_risk, prohibited)",
        ])
    }

    @Test func duplicateKeysAndBrokenSyntaxPointAtTheirLine() throws {
        let duplicate = try problems(replacing: "    low: low\n    medium: medium\n", with: "    low: low\n    low: medium\n")
        #expect(duplicate.count == 1)
        #expect(duplicate.first?.hasPrefix("scoring.yaml:") == true)
        #expect(duplicate.first?.contains("duplicate key \"low\"") == true)

        let broken = try problems(replacing: "  low: {months: 36}", with: "  low: {months: 36")
        #expect(broken.count == 1)
        #expect(broken.first?.hasPrefix("scoring.yaml:") == true)
        #expect(broken.first?.contains("invalid YAML") == true)
        #expect(problems("") == ["scoring.yaml:1:1: the file is empty"])
    }
}
