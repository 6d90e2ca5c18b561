import CatalogFiles
import Foundation
import SupplierRisk
import TestSupport
import Testing

@Suite struct CatalogTests {
    static let directory = TestDatabase.repositoryRoot.appendingPathComponent("questionnaires")

    @Test func theShippedCatalogLoadsWithoutProblems() throws {
        let catalog = try Catalog.load(Self.directory)
        let dueDiligence = try #require(catalog.questionnaire("ai-supplier-due-diligence"))
        let essentials = try #require(catalog.questionnaire("ai-supplier-essentials"))
        #expect(dueDiligence.questions.count >= 90)
        #expect(dueDiligence.domains.count == 13)
        #expect(dueDiligence.version == 2 && essentials.version == 2)
        #expect(essentials.questions.count >= 25)
        #expect(catalog.clauses.clauses.count >= 30)
        #expect(catalog.questionnaire(for: .critical)?.key == dueDiligence.key)
        #expect(catalog.questionnaire(for: .high)?.key == dueDiligence.key)
        #expect(catalog.questionnaire(for: .medium)?.key == essentials.key)
        #expect(catalog.questionnaire(for: .low)?.key == essentials.key)
        #expect(catalog.clauses.clause("incident-notification")?.parameter("sla_hours", tier: .critical) == 24)
    }

    @Test func theDueDiligenceQuestionnaireCoversTheBriefsReferences() throws {
        let questionnaire = try #require(try Catalog.load(Self.directory).questionnaire("ai-supplier-due-diligence"))
        let referenced = Set(questionnaire.questions.flatMap(\.references).map(\.code))
        let annexA = Reference.annexAControls.map { "ISO42001:\($0)" }
        let nist = ["GOVERN-6.1", "GOVERN-6.2", "MAP-4.1", "MAP-4.2", "MANAGE-3.1", "MANAGE-3.2", "MANAGE-2.4", "MANAGE-4.3",
                    "MEASURE-2.5", "MEASURE-2.7", "MEASURE-2.8", "MEASURE-2.9", "MEASURE-2.10", "MEASURE-2.11"].map { "NIST-AI-RMF:\($0)" }
        let aiAct = ["9", "10", "12", "13", "14", "15", "25", "26", "50", "53", "72", "73"].map { "EU-AI-ACT:Art.\($0)" }
        let missing = (annexA + nist + aiAct).filter { !referenced.contains($0) }
        #expect(missing.isEmpty, "not referenced by any question: \(missing)")
        for domain in questionnaire.domains {
            #expect(questionnaire.questions.filter { $0.domain == domain.key }.count >= 3, "domain \(domain.key) has at least three questions")
        }
        #expect(questionnaire.questions.contains { !$0.knockOut.isEmpty }, "knock-out answers exist")
        #expect(questionnaire.questions.contains { $0.showIf != nil }, "show-if conditions exist")
        #expect(questionnaire.questions.allSatisfy { $0.type == .text || ($0.weight ?? 0) > 0 })
    }

    /// What model 2 asks of the questionnaires: rules on every multi-select, key controls, evidence only for answers that
    /// claim something, every question accepting a document, duties the supplier cannot answer away.
    @Test(arguments: ["ai-supplier-due-diligence", "ai-supplier-essentials"])
    func questionnairesFollowScoringModel2(key: String) throws {
        let questionnaire = try #require(try Catalog.load(Self.directory).questionnaire(key))
        #expect(questionnaire.format == Questionnaire.currentFormat)
        for question in questionnaire.questions {
            #expect(question.evidence != .none, "\(question.id) accepts a document")
            #expect((question.type == .multi) == (question.rule != nil), "\(question.id): a rule exactly on multi questions")
            if question.evidence == .required, !question.evidenceWhen.isEmpty {
                for value in question.evidenceWhen {
                    let option = try #require(question.options.first { $0.value == value })
                    #expect(option.value != "no" && !option.exclusive, "\(question.id): evidence is never asked of a plain no")
                }
            }
        }
        #expect(questionnaire.questions.filter(\.key).count >= 5, "key controls are marked")
        #expect(questionnaire.questions.contains { $0.showIf?.any.contains { if case .profile = $0 { true } else { false } } == true },
                "some questions are asked by our profile of the supplier")
    }

    @Test func dutiesAreAskedByOurProfileAndCannotBeAnsweredAway() throws {
        let questionnaire = try #require(try Catalog.load(Self.directory).questionnaire("ai-supplier-due-diligence"))
        let limited = TieringTests.profile(act: .limited)
        let minimal = TieringTests.profile()
        // SCO-05 (telling people they deal with AI) is asked of a limited-risk use even when the supplier says SCO-04 = no.
        #expect(questionnaire.visible(answers: ["SCO-04": .option("no")], profile: limited).contains("SCO-05"))
        #expect(!questionnaire.visible(answers: ["SCO-04": .option("no")], profile: minimal).contains("SCO-05"))
        #expect(questionnaire.visible(answers: ["SCO-04": .option("yes")], profile: minimal).contains("SCO-05"))
        // Agent, general-purpose model and high-risk provider questions are asked of those suppliers only.
        let agent = TieringTests.profile(offering: .agent, autonomy: .actsWithApproval)
        let model = TieringTests.profile(offering: .generalPurposeModel)
        let highRisk = TieringTests.profile(act: .highRisk)
        for (profile, asked) in [(agent, "AGT-01"), (model, "GPA-01"), (model, "DAT-11"), (highRisk, "REG-01")] {
            #expect(questionnaire.visible(answers: [:], profile: profile).contains(asked))
            #expect(!questionnaire.visible(answers: [:], profile: minimal).contains(asked))
        }
    }

    @Test func referencesPointWhereTheyShould() throws {
        let questionnaire = try #require(try Catalog.load(Self.directory).questionnaire("ai-supplier-due-diligence"))
        func codes(_ id: String) -> [String] { questionnaire.question(id)?.references.map(\.code) ?? [] }
        #expect(codes("DAT-09").contains("NIST-AI-600-1:GAI-2.10"), "intellectual property is 2.10")
        #expect(codes("RES-05").contains("NIST-AI-600-1:GAI-2.10") && codes("RES-05").contains("NIST-AI-RMF:MAP-4.1"))
        #expect(codes("TST-03").contains("NIST-AI-600-1:GAI-2.9"), "information security is 2.9")
        #expect(codes("GOV-07").contains("ISO42001:9.2"), "internal audit is clause 9.2")
        #expect(!codes("INC-01").contains("EU-AI-ACT:Art.73"), "INC-01 is the supplier's notice to us, not a report to an authority")
        #expect(questionnaire.question("GOV-07")?.references.first?.description == "ISO/IEC 42001 clause 9.2")
    }

    @Test func clausesRequiredByConditionApplyWhateverTheTier() throws {
        let library = try ClauseLibrary.load(Self.directory.appendingPathComponent("contract-clauses.yaml"))
        let lowRisk = TieringTests.profile()
        let highRiskUse = TieringTests.profile(act: .highRisk)
        #expect(!library.required(tier: .low, profile: lowRisk).map(\.key).contains("log-retention"))
        #expect(library.required(tier: .low, profile: highRiskUse).map(\.key).contains("log-retention"))
        #expect(library.required(tier: .critical, profile: lowRisk).map(\.key).contains("continuity"))
        #expect(!library.required(tier: .high, profile: lowRisk).map(\.key).contains("continuity"))
    }
}

/// Each kind of mistake in a questionnaire file, with its message and position.
@Suite struct QuestionnaireProblemTests {
    static let base = """
        key: sample
        version: 1
        title: Sample
        description: A small questionnaire.
        tiers: [low]
        domains:
          - {key: data, title: Data, weight: 5}
        questions:
          - id: DAT-01
            domain: data
            text: Will our data train models?
            help: Any shared model.
            type: single
            options:
              - {value: never, label: Never, score: 100}
              - {value: always, label: Always, score: 0}
            weight: 3
            evidence: optional
            knock_out: [always]
            references: [ISO42001:A.7.3]
          - id: DAT-02
            domain: data
            text: Retention days?
            help: Zero if none.
            type: number
            bands: [{max: 0, score: 100}, {score: 20}]
            weight: 1
            evidence: optional
            show_if: {question: DAT-01, is: never}
            references: [NIST-AI-RMF:MEASURE-2.10]

        """

    func problems(_ text: String) -> [String] {
        do {
            _ = try Questionnaire.parse(text, file: "sample.yaml", key: "sample")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    func problems(replacing target: String, with replacement: String) -> [String] {
        #expect(Self.base.contains(target), "the edit applies")
        return problems(Self.base.replacingOccurrences(of: target, with: replacement))
    }

    @Test func theSampleIsValid() {
        #expect(problems(Self.base).isEmpty)
    }

    @Test func duplicateIDs() {
        #expect(problems(replacing: "  - id: DAT-02", with: "  - id: DAT-01") == ["sample.yaml:21:9: question DAT-01: duplicate id (first on line 9)"])
    }

    @Test func unknownDomainAndType() {
        #expect(problems(replacing: "    domain: data\n    text: Retention", with: "    domain: privacy\n    text: Retention")
                == ["sample.yaml:22:13: question DAT-02: unknown domain \"privacy\" (expected data)"])
        #expect(problems(replacing: "type: number", with: "type: integer")
                == ["sample.yaml:25:11: question DAT-02.type: unknown value \"integer\" (expected yes_no, single, multi, number, date, text, file)"])
    }

    @Test func optionScoresOutOfRange() {
        #expect(problems(replacing: "label: Never, score: 100", with: "label: Never, score: 120")
                == ["sample.yaml:15:45: question DAT-01.options[1].score must be a score from 0 to 100, not \"120\""])
    }

    @Test func showIfNamingAnUnknownQuestionOrValue() {
        #expect(problems(replacing: "{question: DAT-01, is: never}", with: "{question: DAT-09, is: never}")
                == ["sample.yaml:29:14: question DAT-02.show_if: unknown question \"DAT-09\""])
        #expect(problems(replacing: "{question: DAT-01, is: never}", with: "{question: DAT-01, is: sometimes}")
                == ["sample.yaml:29:14: question DAT-02.show_if: DAT-01 cannot be \"sometimes\" (its options: never, always)"])
    }

    @Test func showIfCycles() {
        let cyclic = Self.base
            .replacingOccurrences(of: "    knock_out: [always]\n", with: "    knock_out: [always]\n    show_if: {question: DAT-03, is: yes}\n")
            + """
              - id: DAT-03
                domain: data
                text: Do you filter?
                help: Filtering.
                type: yes_no
                scores: {yes: 100, no: 0}
                weight: 1
                evidence: optional
                show_if: {question: DAT-01, is: never}
                references: [ISO42001:A.7.4]

            """
        #expect(problems(cyclic) == ["sample.yaml:20:14: question DAT-01.show_if forms a cycle: DAT-01 → DAT-03 → DAT-01"])
    }

    @Test func nonPositiveAndMissingWeights() {
        #expect(problems(replacing: "    weight: 3\n", with: "    weight: 0\n")
                == ["sample.yaml:17:13: question DAT-01.weight must be a whole number above 0, not \"0\""])
        #expect(problems(replacing: "    weight: 3\n", with: "")
                == ["sample.yaml:9:9: question DAT-01: a scored question needs a weight above 0"])
    }

    @Test func malformedReferences() {
        #expect(problems(replacing: "[ISO42001:A.7.3]", with: "[ISO42001:A.7.9, NIST:GOVERN-6.1, EU-AI-ACT:Article 26]") == [
            "sample.yaml:20:18: question DAT-01.references: \"ISO42001:A.7.9\": A.7.9 is neither an ISO/IEC 42001 Annex A control (A.2.2 … A.10.4) nor a clause of its management system (4.1 … 10.2)",
            "sample.yaml:20:34: question DAT-01.references: \"NIST:GOVERN-6.1\" is not FRAMEWORK:ITEM with a framework of ISO42001, NIST-AI-RMF, NIST-AI-600-1, EU-AI-ACT, GDPR, DORA",
            "sample.yaml:20:51: question DAT-01.references: \"EU-AI-ACT:Article 26\" is not a valid EU AI Act reference",
        ])
    }

    @Test func knockOutsMustBeOptionsAndBandsMustAscend() {
        #expect(problems(replacing: "knock_out: [always]", with: "knock_out: [sometimes]")
                == ["sample.yaml:19:17: question DAT-01.knock_out: \"sometimes\" is not one of its options (never, always)"])
        #expect(problems(replacing: "[{max: 0, score: 100}, {score: 20}]", with: "[{max: 5, score: 100}, {max: 2, score: 50}, {score: 20}]")
                == ["sample.yaml:26:41: question DAT-02.bands[2].max must be above the band before (5.0)"])
    }

    @Test func theKeyMustBeTheFileName() {
        #expect(problems(replacing: "key: sample", with: "key: example")
                == ["sample.yaml:1:6: key \"example\" must be the file's name, \"sample\""])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let text = Self.base
            .replacingOccurrences(of: "label: Never, score: 100", with: "label: Never, score: 101")
            .replacingOccurrences(of: "    weight: 1\n", with: "    weight: -1\n")
            .replacingOccurrences(of: "[NIST-AI-RMF:MEASURE-2.10]", with: "[NIST-AI-RMF:MEASURE]")
        #expect(problems(text).count == 3)
    }

    @Test func evidenceNoneIsNoLongerAccepted() {
        #expect(problems(replacing: "    weight: 3\n    evidence: optional\n", with: "    weight: 3\n    evidence: none\n")
                == ["sample.yaml:18:15: question DAT-01.evidence: every question accepts a document now; write optional, or required"])
    }

    @Test func evidenceIsAskedOnlyOfAnswersThatClaimSomething() {
        #expect(problems(replacing: "    weight: 3\n    evidence: optional\n", with: "    weight: 3\n    evidence: required\n")
                == ["sample.yaml:18:15: question DAT-01: with evidence required, evidence_when must name the answers that need a document (those that claim something, never a plain no)"])
        #expect(problems(replacing: "    weight: 3\n    evidence: optional\n", with: "    weight: 3\n    evidence: required\n    evidence_when: [always]\n")
                == ["sample.yaml:19:20: question DAT-01.evidence_when: \"always\" claims nothing (it scores 0), so it cannot need evidence"])
        #expect(problems(replacing: "    weight: 3\n    evidence: optional\n", with: "    weight: 3\n    evidence: required\n    evidence_when: [never]\n").isEmpty)
        #expect(problems(replacing: "    weight: 1\n    evidence: optional\n", with: "    weight: 1\n    evidence: optional\n    evidence_when: [never]\n")
                == ["sample.yaml:29:20: question DAT-02.evidence_when goes with evidence: required on a yes_no, single or multi question"])
    }

    static let multi = base + """
          - id: SEC-01
            domain: data
            text: Regions?
            help: Every region.
            type: multi
            options:
              - {value: eu, label: EU, score: 100}
              - {value: us, label: US, score: 60}
            rule: worst
            weight: 1
            evidence: optional
            references: [GDPR:Art.44]

        """

    @Test func multiSelectQuestionsDeclareHowTheyAreJudged() {
        func problems(replacing target: String, with replacement: String) -> [String] {
            #expect(Self.multi.contains(target), "the edit applies")
            return self.problems(Self.multi.replacingOccurrences(of: target, with: replacement))
        }
        #expect(self.problems(Self.multi).isEmpty)
        #expect(problems(replacing: "    rule: worst\n", with: "")
                == ["sample.yaml:35:11: question SEC-01: a multi question needs a rule saying how its answer is judged (worst, best, {all_of: [options]} or {none_of: [options]}); answers are never summed"])
        #expect(problems(replacing: "rule: worst", with: "rule: sum")
                == ["sample.yaml:39:11: question SEC-01.rule: unknown rule \"sum\" (expected worst, best, {all_of: [options]} or {none_of: [options]})"])
        #expect(problems(replacing: "rule: worst", with: "rule: {all_of: [eu, apac]}") == [
            "sample.yaml:37:39: question SEC-01.options[1]: a question judged by all_of takes no option scores",
            "sample.yaml:38:39: question SEC-01.options[2]: a question judged by all_of takes no option scores",
            "sample.yaml:39:11: question SEC-01.rule.all_of: \"apac\" is not one of its options (eu, us)",
        ])
        #expect(problems(replacing: "    type: number\n", with: "    type: number\n    rule: best\n")
                == ["sample.yaml:26:11: question DAT-02: only multi questions take a rule"])
    }

    @Test func profileConditionsAndKeyControls() {
        #expect(problems(replacing: "{question: DAT-01, is: never}", with: "{profile: offering, is: [agent, general_purpose_model]}").isEmpty)
        #expect(problems(replacing: "{question: DAT-01, is: never}", with: "{any: [{question: DAT-01, is: never}, {profile: ai_act_class, is: limited}]}").isEmpty)
        #expect(problems(replacing: "{question: DAT-01, is: never}", with: "{profile: offering, is: robot}")
                == ["sample.yaml:29:38: question DAT-02.show_if.is: unknown value \"robot\" (expected model_api, general_purpose_model, ai_saas, embedded_feature, agent, custom_development)"])
        #expect(problems(replacing: "{question: DAT-01, is: never}", with: "{profile: colour, is: red}")
                == ["sample.yaml:29:36: question DAT-02.show_if.is: unknown profile dimension \"colour\" (expected offering, data_categories, decision_impact, ai_act_class, autonomy, business_criticality)"])
        #expect(problems(replacing: "    weight: 3\n", with: "    weight: 3\n    key: maybe\n")
                == ["sample.yaml:18:10: question DAT-01.key must be true or false"])
    }

    @Test func iso42001ClausesAreReferences() {
        #expect(problems(replacing: "[ISO42001:A.7.3]", with: "[ISO42001:9.2]").isEmpty)
        #expect(problems(replacing: "[ISO42001:A.7.3]", with: "[ISO42001:11.1]") == [
            "sample.yaml:20:18: question DAT-01.references: \"ISO42001:11.1\": 11.1 is neither an ISO/IEC 42001 Annex A control (A.2.2 … A.10.4) nor a clause of its management system (4.1 … 10.2)",
        ])
    }

    @Test func aClauseRuleNamingAnUnknownTierOrImportance() {
        let text = """
            clauses:
              - key: permitted-use
                title: Permitted use
                why: No repurposing.
                importance: vital
                required_for: {tiers: [critical, extreme]}

            """
        let error = #expect(throws: CatalogError.self) { try ClauseLibrary.parse(text, file: "contract-clauses.yaml") }
        #expect(error?.problems.map(\.description) == [
            "contract-clauses.yaml:5:17: clauses[1].importance: unknown value \"vital\" (expected essential, important, standard)",
            "contract-clauses.yaml:6:38: clauses[1].required_for.tiers: unknown tier \"extreme\" (expected critical, high, medium, low)",
        ])
    }

    @Test func signedParametersMustBeTheClausesOwn() throws {
        let library = try ClauseLibrary.load(CatalogTests.directory.appendingPathComponent("contract-clauses.yaml"))
        #expect(library.problem(key: "incident-notification", parameters: ["sla_hours": 24]) == nil)
        #expect(library.problem(key: "incident-notification", parameters: ["sla_days": 1]) == "clause incident-notification takes no parameter \"sla_days\" (it takes sla_hours)")
        #expect(library.problem(key: "incident-notification", parameters: ["sla_hours": 0]) == "sla_hours must be a whole number above 0, not 0")
        #expect(library.problem(key: "incident-notification", parameters: ["sla_hours": 1_000_001]) == "sla_hours must be at most 1000000, not 1000001")
        #expect(library.problem(key: "permitted-use", parameters: ["days": 3]) == "clause permitted-use takes no parameter \"days\" (it has none)")
    }
}
