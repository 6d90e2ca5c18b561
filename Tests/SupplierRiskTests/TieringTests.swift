import CatalogFiles
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
        offering: AIProfile.Offering = .aiSaaS,
        data: Set<AIProfile.DataCategory> = [.public],
        impact: AIProfile.DecisionImpact = .none,
        act: AIProfile.AIActClass = .minimal,
        autonomy: AIProfile.Autonomy = .none,
        criticality: AIProfile.BusinessCriticality = .low
    ) -> AIProfile {
        AIProfile(
            offering: offering, description: "meeting summaries", dataCategories: data, decisionImpact: impact,
            aiActClass: act, autonomy: autonomy, businessCriticality: criticality, hostingRegions: ["EU"])
    }

    @Test(arguments: [
        ([AIProfile.DataCategory.public], Tier.low),
        ([.internal], .low),
        ([.confidential], .medium),
        ([.personal], .medium),
        ([.specialCategory], .high),
        ([.public, .internal, .personal], .medium),
    ])
    func dataCategoriesSetTheirLevel(data: [AIProfile.DataCategory], tier: Tier) throws {
        #expect(try Self.rules().assess(Self.profile(data: Set(data))).tier == tier)
    }

    @Test(arguments: [
        (AIProfile.DecisionImpact.none, Tier.low), (.advisory, .low), (.significant, .medium), (.automated, .high),
    ])
    func decisionImpactSetsItsLevel(impact: AIProfile.DecisionImpact, tier: Tier) throws {
        #expect(try Self.rules().assess(Self.profile(impact: impact)).tier == tier)
    }

    @Test(arguments: [
        (AIProfile.AIActClass.minimal, Tier.low), (.limited, .low), (.highRisk, .high), (.prohibited, .critical),
    ])
    func aiActClassSetsItsLevel(act: AIProfile.AIActClass, tier: Tier) throws {
        #expect(try Self.rules().assess(Self.profile(act: act)).tier == tier)
    }

    @Test(arguments: [
        (AIProfile.Autonomy.none, Tier.low), (.recommends, .low), (.actsWithApproval, .medium), (.actsAutonomously, .high),
    ])
    func autonomySetsItsLevel(autonomy: AIProfile.Autonomy, tier: Tier) throws {
        #expect(try Self.rules().assess(Self.profile(offering: .agent, autonomy: autonomy)).tier == tier)
    }

    @Test(arguments: [
        (AIProfile.BusinessCriticality.low, Tier.low), (.medium, .medium), (.high, .high), (.critical, .critical),
    ])
    func businessCriticalitySetsItsLevel(criticality: AIProfile.BusinessCriticality, tier: Tier) throws {
        #expect(try Self.rules().assess(Self.profile(criticality: criticality)).tier == tier)
    }

    @Test func aGeneralPurposeModelIsAnOfferingAndTheClassOfOurUseStaysOurs() throws {
        let rules = try Self.rules()
        #expect(rules.assess(Self.profile(offering: .generalPurposeModel)).tier == .low, "what the vendor offers sets no tier on its own")
        #expect(rules.assess(Self.profile(offering: .generalPurposeModel, act: .highRisk)).tier == .high)
        #expect(!AIProfile.AIActClass.allCases.map(\.rawValue).contains("gpai"))
    }

    @Test func theHighestDimensionWinsAndTheExplanationNamesIt() throws {
        let assessment = try Self.rules().assess(Self.profile(data: [.internal, .specialCategory], impact: .advisory, act: .limited, criticality: .medium))
        #expect(assessment.tier == .high)
        #expect(assessment.decisive.map(\.fact) == ["data_categories includes special_category"])
        #expect(assessment.reasons.map(\.fact) == [
            "data_categories includes special_category", "data_categories includes internal",
            "decision_impact = advisory", "ai_act_class = limited", "autonomy = none", "business_criticality = medium",
        ])
    }

    /// Every override of the shipped file lifts a profile it matches above what its dimensions give it.
    @Test(arguments: [
        (profile(data: [.personal], impact: .automated), Tier.critical, "decisions about people are made from their personal data"),
        (profile(data: [.specialCategory], impact: .significant), .critical, "special-category data weighs in decisions"),
        (profile(impact: .significant, act: .highRisk), .critical, "a high-risk use under the EU AI Act"),
        (profile(offering: .agent, data: [.confidential], autonomy: .actsAutonomously), .critical, "an agent acts on personal or confidential data"),
        (profile(offering: .agent, autonomy: .actsAutonomously, criticality: .high), .critical, "in a process the business depends on"),
        (profile(offering: .agent, data: [.personal], autonomy: .actsWithApproval), .high, "an agent acts on personal data, even if"),
    ])
    func eachOverrideChangesATier(profile: AIProfile, tier: Tier, reason: String) throws {
        let rules = try Self.rules()
        var withoutOverrides = rules
        withoutOverrides.overrides = []
        let assessment = rules.assess(profile)
        #expect(withoutOverrides.assess(profile).tier < tier, "the dimensions alone give less")
        #expect(assessment.tier == tier)
        #expect(assessment.decisive.contains { $0.kind == .override && $0.fact.contains(reason) }, "\(assessment.decisive.map(\.fact))")
    }

    @Test func anOverrideIsAFloorNeverACeiling() throws {
        let rules = try Self.rules()
        #expect(rules.assess(Self.profile(data: [.personal], impact: .automated, criticality: .critical)).tier == .critical)
        #expect(rules.assess(Self.profile()).reasons.allSatisfy { $0.kind == .dimension }, "no override when its facts are absent")
        #expect(rules.assess(Self.profile(data: [.personal], impact: .significant)).tier == .medium, "an override needs all its facts")
    }

    @Test func theShippedScoringParametersAreReadAndRated() throws {
        let parameters = try ScoringConfiguration.load(Self.shipped).parameters
        #expect(parameters.rating(hundredths: 0) == .low)
        #expect(parameters.rating(hundredths: 2500) == .low)
        #expect(parameters.rating(hundredths: 2501) == .medium)
        #expect(parameters.rating(hundredths: 7550) == .critical)
        #expect(parameters.lowestHundredths(of: .critical) == 7501)
        #expect(parameters.lowestHundredths(of: .low) == 0)
        #expect(parameters.inherentPoints == [.low: 15, .medium: 40, .high: 65, .critical: 90])
        #expect(parameters.residualFloor == 0.3)
        #expect(parameters.confidence[.reviewerAccepted] == 1.0)
        #expect(parameters.ratingFloors == [.knockOut: .critical, .prohibited: .critical, .openCriticalIncident: .high])
    }

    @Test func theShippedFileHasACadenceForEveryTierAndTheCriticalCheckIn() throws {
        let configuration = try ScoringConfiguration.load(Self.shipped)
        #expect(configuration.version == 2)
        #expect(configuration.cadence[.critical]?.months == 12)
        #expect(configuration.cadence[.critical]?.checkInMonths == 3)
        #expect(configuration.cadence[.critical]?.checkIn == "ai-supplier-essentials")
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
        #expect(try problems(replacing: "    significant: medium", with: "    significant: extreme") == [
            "scoring.yaml:24:18: tiering.decision_impact.significant: unknown tier \"extreme\" (expected critical, high, medium, low)",
        ])
    }

    @Test func aMissingValueAndAnUnknownOneAreBothReported() throws {
        #expect(try problems(replacing: "    personal: medium\n", with: "    biometric: medium\n") == [
            "scoring.yaml:19:5: tiering.data_categories: unknown key \"biometric\" (expected confidential, internal, personal, public, special_category)",
            "scoring.yaml:16:5: tiering.data_categories: missing \"personal\"",
        ])
    }

    @Test func anOverrideThatChangesNoTierIsRefused() throws {
        #expect(try problems(
            replacing: "    - when: {autonomy: acts_with_approval, data_categories: [personal, special_category]}\n      at_least: high",
            with: "    - when: {autonomy: acts_with_approval, data_categories: [personal, special_category]}\n      at_least: medium") == [
            "scoring.yaml:57:7: tiering.overrides[6] changes no tier: every profile with autonomy = acts_with_approval and data_categories includes personal or special_category is medium or above by its dimensions alone",
        ])
    }

    @Test func everyProblemInTheFileIsReportedAtOnce() throws {
        let text = try String(contentsOf: Self.shipped, encoding: .utf8)
            .replacingOccurrences(of: "  medium: {months: 24}", with: "  medium: {months: 0}")
            .replacingOccurrences(of: "  critical: {months: 12, check_in_months: 3, check_in: ai-supplier-essentials}", with: "  critical: {months: 12, check_in_months: 12, check_in: ai-supplier-essentials}")
            .replacingOccurrences(of: "    - when: {decision_impact: automated, data_categories: [personal, special_category]}",
                                  with: "    - when: {decision_impact: automated, data_categories: [personal, special_category], ai_act_class: gpai}")
            .replacingOccurrences(of: "version: 2", with: "version: 2\nweights: {}")
        #expect(problems(text) == [
            "scoring.yaml:8:1: scoring.yaml: unknown key \"weights\" (expected cadence, scoring, tiering, version)",
            "scoring.yaml:43:103: tiering.overrides[1].when.ai_act_class: unknown value \"gpai\" (expected minimal, limited, high_risk, prohibited)",
            "scoring.yaml:65:43: cadence.critical.check_in_months (12) must be shorter than months (12)",
            "scoring.yaml:67:20: cadence.medium.months must be a whole number above 0, not \"0\"",
        ])
    }

    @Test func scoringParametersAreChecked() throws {
        #expect(try problems(replacing: "inherent_points: {low: 15, medium: 40,", with: "inherent_points: {low: 45, medium: 40,") == [
            "scoring.yaml:78:20: scoring.inherent_points must rise from low to critical: a higher tier carries more inherent risk",
        ])
        #expect(try problems(replacing: "ratings: {low: 25, medium: 50,", with: "ratings: {low: 55, medium: 50,") == [
            "scoring.yaml:76:12: scoring.ratings must rise from low to critical, and critical must be 100",
        ])
        #expect(try problems(replacing: "self_attested: 0.75", with: "self_attested: 1.6") == [
            "scoring.yaml:85:31: scoring.confidence.self_attested must be a number from 0 to 1",
        ])
        #expect(try problems(replacing: "self_attested: 0.75", with: "self_attested: 0") == [
            "scoring.yaml:85:15: scoring.confidence.self_attested must be above 0: a passed control with the weakest backing counts for more than a failed one",
        ])
        #expect(try problems(replacing: "residual_floor: 0.3", with: "residual_floor: 0") == [
            "scoring.yaml:81:19: scoring.residual_floor must be above 0 and below 1: no control removes all risk, and controls must remove some",
        ])
        #expect(try problems(replacing: "tier_scale: {low: 0.25, medium: 0.5,", with: "tier_scale: {low: 0.75, medium: 0.5,") == [
            "scoring.yaml:94:15: scoring.tier_scale must not fall from low to critical",
        ])
        #expect(try problems(replacing: "rating_floors: {knock_out: critical, ", with: "rating_floors: {") == [
            "scoring.yaml:112:18: scoring.rating_floors: missing \"knock_out\"",
        ])
    }

    @Test func anOverrideNamingAnUnknownValueIsRefused() throws {
        #expect(try problems(replacing: "{ai_act_class: high_risk, decision_impact", with: "{ai_act_class: high-risk, decision_impact") == [
            "scoring.yaml:48:28: tiering.overrides[3].when.ai_act_class: unknown value \"high-risk\" (expected minimal, limited, high_risk, prohibited)",
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
