import Foundation
import SupplierRisk
import TestSupport
import Testing

/// Scoring model 2, example by example: each case a vendor a committee would recognise, with the band practice
/// expects, on the shipped catalog.
@Suite struct ScoringExampleTests {
    typealias F = ScoringFixtures

    static func withAnswer(_ tier: Tier, _ id: String, _ value: Answer.Value, verdict: Answer.Verdict? = .accepted) -> [String: Answer] {
        var answers = F.bestAnswers(tier)
        answers[id] = F.answer(value, evidence: true, verdict: verdict)
        return answers
    }

    struct Example: Sendable, CustomTestStringConvertible {
        let name: String
        let inputs: ScoringInputs
        let hundredths: Int?
        let band: Rating
        var testDescription: String { name }
    }

    static let examples: [Example] = [
        Example(name: "a perfectly controlled critical vendor keeps only the residual floor",
                inputs: F.inputs(.critical, answers: F.bestAnswers(.critical)), hundredths: 2700, band: .medium),
        Example(name: "the same vendor with one knock-out answer is rejected",
                inputs: F.inputs(.critical, answers: withAnswer(.critical, "DAT-01", .option("always"))), hundredths: 7501, band: .critical),
        Example(name: "a perfectly controlled low vendor", inputs: F.inputs(.low, answers: F.bestAnswers(.low)), hundredths: 450, band: .low),
        Example(name: "a low vendor never assessed stays low", inputs: F.inputs(.low, answers: nil), hundredths: 1500, band: .low),
        Example(name: "a medium vendor never assessed", inputs: F.inputs(.medium, answers: nil), hundredths: 4000, band: .medium),
        Example(name: "a high vendor never assessed", inputs: F.inputs(.high, answers: nil), hundredths: 6500, band: .high),
        Example(name: "a critical vendor never assessed stays critical", inputs: F.inputs(.critical, answers: nil), hundredths: 9000, band: .critical),
        Example(name: "one failed key control moves a critical vendor from medium to high",
                inputs: F.inputs(.critical, answers: withAnswer(.critical, "TST-02", .option("no"))), hundredths: 5850, band: .high),
        Example(name: "one failed key control moves a high vendor from low to medium",
                inputs: F.inputs(.high, answers: withAnswer(.high, "TST-06", .option("no"))), hundredths: 4225, band: .medium),
        Example(name: "a flagged key control fails as a wrong answer does",
                inputs: F.inputs(.critical, answers: withAnswer(.critical, "SEC-04", .option("yes"), verdict: .flagged)), hundredths: 5850, band: .high),
        Example(name: "an unanswered questionnaire is a full control gap, not a knock-out",
                inputs: F.inputs(.medium, answers: [:]), hundredths: 4000, band: .medium),
        Example(name: "a prohibited use rates a perfectly controlled vendor critical",
                inputs: F.inputs(.critical, profile: F.profile(.critical, act: .prohibited), answers: F.bestAnswers(.critical)), hundredths: 7501, band: .critical),
        Example(name: "an open critical incident rates a perfectly controlled low vendor at least high",
                inputs: F.inputs(.low, answers: F.bestAnswers(.low), incidents: [F.incident(1, .critical)]), hundredths: 5001, band: .high),
    ]

    @Test(arguments: examples)
    func theExampleLandsInItsBand(_ example: Example) {
        let score = F.score(example.inputs)
        #expect(score.rating == example.band)
        if let hundredths = example.hundredths { #expect(score.hundredths == hundredths) }
        #expect(score.lines.reduce(0) { $0 + $1.hundredths } == score.hundredths)
    }

    @Test func aWellControlledCriticalVendorStaysAboveAWellControlledLowOne() {
        #expect(F.score(F.inputs(.critical, answers: F.bestAnswers(.critical))).hundredths > F.score(F.inputs(.low, answers: F.bestAnswers(.low))).hundredths)
        #expect(F.score(F.inputs(.critical, answers: F.bestAnswers(.critical))).hundredths < 9000 / 2, "well below its inherent risk")
    }

    @Test func failuresOutweighPaperwork() {
        // Reviewer-accepted, document-backed answers that fail ten key controls, against perfect answers nobody checked.
        var failing = F.bestAnswers(.critical)
        let keys = F.catalog.questionnaire(for: .critical)!.questions.filter(\.key).prefix(10)
        #expect(keys.count == 10)
        for question in keys {
            let worst = question.options.min { $0.score < $1.score }.map { Answer.Value.option($0.value) } ?? .number(99_999)
            failing[question.id] = F.answer(worst, evidence: true, verdict: .accepted)
        }
        let paperwork = F.score(F.inputs(.critical, answers: failing))
        let selfAttested = F.score(F.inputs(.critical, answers: F.bestAnswers(.critical, verdict: nil, evidence: false)))
        #expect(paperwork.hundredths > selfAttested.hundredths)
        #expect(selfAttested.rating == .medium)
        #expect(paperwork.rating >= .high)
    }

    @Test func backingRaisesConfidenceWithinItsRangeAndAPassedAnswerAlwaysBeatsAFailedOne() {
        func credit(_ verdict: Answer.Verdict?, evidence: Bool, value: Answer.Value = .option("yes")) -> Double? {
            let answers = ScoringExampleTests.withAnswer(.critical, "GOV-06", value, verdict: verdict)
            var unbacked = answers
            unbacked["GOV-06"] = F.answer(value, evidence: evidence, verdict: verdict)
            return F.score(F.inputs(.critical, answers: unbacked)).lines.first { $0.source.id == "GOV-06" }?.credit
        }
        #expect(credit(nil, evidence: false) == 0.75)
        #expect(credit(nil, evidence: true) == 0.9)
        #expect(credit(.accepted, evidence: false) == 1)
        #expect(credit(.flagged, evidence: true) == 0)
        #expect(credit(.accepted, evidence: true, value: .option("no")) == 0)
    }
}

/// The mechanics of the model: each rule, and the typed lines it writes.
@Suite struct ScoringModelTests {
    typealias F = ScoringFixtures

    func line(_ score: Score, _ id: String) -> Score.Line? { score.lines.first { $0.source.id == id } }

    @Test func aKnockOutRejectsWhateverElseWasAnsweredAndSaysSo() throws {
        let score = F.score(F.inputs(.low, answers: ScoringExampleTests.withAnswer(.low, "DAT-01", .option("always"))))
        #expect(score.rating == .critical)
        let knockOut = try #require(score.lines.first { $0.outcome == .knockOut })
        #expect(knockOut.source == Score.Source(.question, "DAT-01"))
        #expect(knockOut.component == .rating)
        #expect(knockOut.detail == .floor(.critical, answer: "always", checkIn: false))
        #expect(ScoreSentences.standard.text(knockOut) == "knock-out: DAT-01 answered \"always\", so the vendor is rated critical whatever else it answered")
        #expect(score.failedAnswers.map(\.outcome) == [.failed, .knockOut])
    }

    @Test func aKnockOutInACheckInRejectsToo() throws {
        var inputs = F.inputs(.critical, answers: F.bestAnswers(.critical))
        let essentials = try #require(F.catalog.questionnaire("ai-supplier-essentials"))
        inputs.checkIn = AssessmentInputs(id: 9, questionnaire: essentials, answers: ["SEC-01": F.answer(.option("no"))])
        let score = F.score(inputs)
        #expect(score.rating == .critical)
        #expect(score.lines.first { $0.outcome == .knockOut }?.detail == .floor(.critical, answer: "no", checkIn: true))
    }

    @Test func aFailedKeyControlCapsEffectivenessWithALineNamingIt() throws {
        let score = F.score(F.inputs(.critical, answers: ScoringExampleTests.withAnswer(.critical, "TST-02", .option("no"))))
        let cap = try #require(score.lines.first { $0.outcome == .keyControlCap })
        guard case .keyControlCap(let questions, let limit, let effectiveness) = cap.detail else { Issue.record("no cap detail"); return }
        #expect(questions == ["TST-02"])
        #expect(limit == 0.5)
        #expect(effectiveness > 0.95)
        #expect(line(score, "TST-02")?.outcome == .failed)
        // A partial answer above the pass mark fails no key control.
        let partial = F.score(F.inputs(.critical, answers: ScoringExampleTests.withAnswer(.critical, "INC-01", .number(60))))
        #expect(line(partial, "INC-01")?.outcome == .partial)
        #expect(!partial.lines.contains { $0.outcome == .keyControlCap })
        let tooSlow = F.score(F.inputs(.critical, answers: ScoringExampleTests.withAnswer(.critical, "INC-01", .number(100))))
        #expect(line(tooSlow, "INC-01")?.outcome == .failed, "10% is below the pass mark of a key control")
        #expect(tooSlow.lines.contains { $0.outcome == .keyControlCap })
    }

    /// Multi-select answers are judged by what they contain, never by how many boxes are ticked.
    @Test func multiSelectAnswersFollowTheirRule() {
        func score(_ id: String, _ chosen: [String], tier: Tier = .critical) -> (Int, Score.Line?) {
            let score = F.score(F.inputs(tier, answers: ScoringExampleTests.withAnswer(tier, id, .options(chosen))))
            return (score.hundredths, line(score, id))
        }
        // worst: another, weaker region can only raise the risk.
        let (eu, _) = score("SEC-03", ["eu"]), (euUS, _) = score("SEC-03", ["eu", "us"]), (all, _) = score("SEC-03", ["eu", "uk", "us", "other"])
        #expect(eu < euUS && euUS < all)
        #expect(score("SEC-03", ["us"]).0 == euUS, "the weakest region sets it")
        // best: a stronger certification counts; a weaker one beside it takes nothing away.
        #expect(score("GOV-04", ["iso_27001", "iso_42001"]).0 == score("GOV-04", ["iso_42001"]).0)
        #expect(score("GOV-04", ["iso_27001"]).0 > score("GOV-04", ["iso_42001"]).0)
        // all_of: the share of the listed categories covered.
        let (_, some) = score("INC-02", ["harmful_output", "data_leakage", "bias"])
        #expect(some?.outcome == .partial)
        if case .answer(let facts)? = some?.detail {
            #expect(facts.substance == 0.5)
            #expect(facts.missing == ["model_drift", "undisclosed_change", "misuse"])
        }
        // none_of: one Annex III area chosen fails the question, however many are not.
        let (_, area) = score("SCO-03", ["biometrics"])
        #expect(area?.outcome == .failed)
        if case .answer(let facts)? = area?.detail { #expect(facts.forbidden == ["biometrics"]) }
        #expect(score("SCO-03", ["none"]).1?.outcome == .credited)
    }

    @Test func anExclusiveOptionCannotBeChosenWithOthers() throws {
        let questionnaire = try #require(F.catalog.questionnaire("ai-supplier-due-diligence"))
        let refused = AnswerForm.read(questionnaire, profile: F.profile(.critical), fields: ["SCO-03": ["none", "biometrics"]], files: [], submitting: false)
        guard case .failure(let problems) = refused else { Issue.record("accepted"); return }
        #expect(problems.problems == [AnswerForm.Problem("SCO-03", "\"None\" cannot be chosen together with other answers")])
    }

    @Test func lateNoticeIsJudgedFromAwarenessAgainstTheSignedSLA() throws {
        let profile = F.profile(.high)
        var clauses = F.allClauses(.high, profile)
        let index = try #require(clauses.firstIndex { $0.key == "incident-notification" })
        clauses[index].parameters = ["sla_hours": 24]
        func late(_ hours: Double?, clauses: [ClauseStatusRecord], tier: Tier = .high, awareHours: Double? = 10) -> Score.Line? {
            F.score(F.inputs(tier, answers: F.bestAnswers(tier), clauses: clauses, incidents: [F.incident(3, .medium, noticeHours: hours, awareHours: awareHours)]))
                .lines.first { $0.outcome == .lateNotice }
        }
        let thirty = try #require(late(30, clauses: clauses))
        #expect(thirty.detail == .lateNotice(hours: 30, slaHours: 24, sla: .contract, decay: 1))
        #expect(ScoreSentences.standard.text(thirty) == "incident #3: vendor notice after 30 h, later than the 24 h the contract signed")
        #expect(late(20, clauses: clauses) == nil, "20 h is within the signed 24 h")
        // Without a signed number, the library's SLA for the tier: 48 h for high, 24 h for critical.
        #expect(late(30, clauses: F.allClauses(.high, profile)) == nil)
        #expect(late(30, clauses: F.allClauses(.critical, F.profile(.critical)), tier: .critical)?.detail == .lateNotice(hours: 30, slaHours: 24, sla: .library, decay: 1))
        // Counted from awareness where recorded, else from detection: 30 h after detection is late; 20 h after the
        // vendor became aware (30 h after the incident) is not.
        #expect(late(30, clauses: clauses, awareHours: nil) != nil)
        #expect(late(20, clauses: clauses, awareHours: 10) == nil)
        // A notice not given yet is late once the SLA has passed.
        #expect(late(nil, clauses: clauses)?.detail == .lateNotice(hours: nil, slaHours: 24, sla: .contract, decay: 1))
    }

    @Test func incidentsFadeAfterResolutionAndTheirLateNoticeWithThem() throws {
        let open = F.score(F.inputs(.high, answers: F.bestAnswers(.high), incidents: [F.incident(1, .high, noticeHours: 100)]))
        let resolved = F.score(F.inputs(.high, answers: F.bestAnswers(.high), incidents: [F.incident(1, .high, occurredMonthsAgo: 13, noticeHours: 100, resolvedMonthsAgo: 12)]))
        let openPoints = open.hundredths(of: .incidents), resolvedPoints = resolved.hundredths(of: .incidents)
        #expect(openPoints == 1800, "(18 + 6 late) × 0.75 for the high tier")
        #expect(resolvedPoints == 450, "halved twice in twelve months")
        #expect(resolved.lines.first { $0.outcome == .lateNotice }.map { ScoreSentences.standard.text($0).contains("×0.25") } == true)
    }

    @Test func datesAgeOnceAndStaleAnswersFadeToNothing() throws {
        // A pentest 20 months ago is judged by that age (40%), whenever the answer was given.
        var answers = F.bestAnswers(.high)
        answers["SEC-05"] = F.answer(.date(F.asOf.addingTimeInterval(-20 * F.month)), monthsAgo: 15, verdict: .accepted)
        let dated = try #require(line(F.score(F.inputs(.high, answers: answers)), "SEC-05"))
        #expect(dated.credit == 0.4)
        // Other answers keep full credit for the cadence (12 months for high), then fade over 6 months to none.
        func credit(monthsAgo: Double) -> Double? {
            var answers = F.bestAnswers(.high)
            answers["GOV-06"] = F.answer(.option("yes"), monthsAgo: monthsAgo, verdict: .accepted)
            return line(F.score(F.inputs(.high, answers: answers)), "GOV-06")?.credit
        }
        #expect(credit(monthsAgo: 11) == 1)
        #expect(credit(monthsAgo: 15) == 0.5)
        #expect(credit(monthsAgo: 19) == 0)
        var stale = F.bestAnswers(.high)
        stale["GOV-06"] = F.answer(.option("yes"), monthsAgo: 19, verdict: .accepted)
        #expect(line(F.score(F.inputs(.high, answers: stale)), "GOV-06")?.outcome == .stale)
    }

    @Test func aClaimedCertificationCountsOnlyWithACurrentCertificate() throws {
        let answers = ScoringExampleTests.withAnswer(.critical, "GOV-04", .options(["iso_42001"]))
        let certified = F.score(F.inputs(.critical, answers: answers))
        let expired = F.certificates.map { certificate in
            var certificate = certificate
            if certificate.standard == .iso42001 { certificate.expiresOn = F.asOf.addingTimeInterval(-86_400) }
            return certificate
        }
        let lapsed = F.score(F.inputs(.critical, answers: answers, certifications: expired))
        #expect(line(certified, "GOV-04")?.outcome == .credited)
        let failed = try #require(line(lapsed, "GOV-04"))
        #expect(failed.outcome == .failed)
        #expect(ScoreSentences.standard.text(failed).contains("no current certificate for ISO/IEC 42001"))
        #expect(lapsed.hundredths > certified.hundredths)
    }

    @Test func questionsAskedByProfileOrAnswerAreCountedByWhyTheyAreHidden() throws {
        // Agent questions do not apply to a SaaS vendor: not counted at all.
        let saas = F.score(F.inputs(.critical, answers: F.bestAnswers(.critical)))
        #expect(line(saas, "AGT-01") == nil)
        // No AI policy (GOV-01 = no): the policy review (GOV-03) is not asked, and counts as failed.
        let noPolicy = F.score(F.inputs(.critical, answers: ScoringExampleTests.withAnswer(.critical, "GOV-01", .option("no"))))
        let review = try #require(line(noPolicy, "GOV-03"))
        #expect(review.outcome == .notAsked)
        #expect(review.credit == 0)
        #expect(ScoreSentences.standard.text(review) == "GOV-03 not asked because the answer to GOV-01 fell short: no credit on \(ScoreSentences.number((review.weight ?? 0) * 100))% of the controls")
        // Our own models only (SUP-01 = own): Annex XII information from model providers (SUP-05) is not needed, full credit.
        let ownModels = try #require(line(saas, "SUP-05"))
        #expect(ownModels.outcome == .notApplicable)
        #expect(ownModels.hundredths == 0)
    }

    @Test func everyLineIsTypedAndTheBreakdownAddsUp() throws {
        let profile = F.profile(.high)
        let clauses = Array(F.allClauses(.high, profile).dropFirst(2))
        let score = F.score(F.inputs(.high, answers: ScoringExampleTests.withAnswer(.high, "SEC-02", .option("no")), clauses: clauses,
                                     incidents: [F.incident(5, .high, noticeHours: 90)]))
        #expect(score.lines.reduce(0) { $0 + $1.hundredths } == score.hundredths)
        #expect(score.lines.first?.outcome == .residualFloor)
        #expect(Set(score.lines.map(\.outcome)).isSuperset(of: [.residualFloor, .credited, .failed, .keyControlCap, .missingClause, .incident, .lateNotice, .knockOut]))
        for line in score.lines where line.source.kind == .question && line.component == .controls {
            #expect(line.credit != nil && line.weight != nil, "\(line.source) has its credit and weight")
        }
        let summary = score.summary
        #expect(summary.clauseGaps == F.allClauses(.high, profile).prefix(2).map(\.key).sorted())
        #expect(summary.lateNotices == [5])
        #expect(summary.drivers.count == 3)
        #expect(summary.drivers == Array(score.lines.sorted(by: Score.byWeight).prefix(3)))
        #expect(summary.failedAnswers.map(\.source.id) == ["SEC-02", "SEC-02"])
    }

    @Test func sentencesAreRenderedFromTheTypesAndCanBeReworded() throws {
        let score = F.score(F.inputs(.critical, answers: ScoringExampleTests.withAnswer(.critical, "TST-02", .option("no"))))
        var reworded = ScoreSentences.standard
        for outcome in Score.Outcome.allCases { reworded.templates[outcome] = "[\(outcome.rawValue)] {id} {points}" }
        for line in score.lines {
            #expect(reworded.text(line) == "[\(line.outcome.rawValue)] \(line.source.id) \(ScoreSentences.number(Double(line.hundredths) / 100))")
            #expect(ScoreSentences.standard.text(line) != reworded.text(line))
        }
        #expect(ScoreSentences.standard.text(score.lines[0]) == "tier critical: 30% of its inherent risk of 90 stays whatever the controls")
    }

    @Test func aSnapshotSentBeforeModel2IsScoredWithTheCatalogsRules() throws {
        // A format-1 snapshot: its multi questions declare no rule and it marks no key controls.
        let current = try #require(F.catalog.questionnaire("ai-supplier-due-diligence"))
        var snapshot = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(current)) as? [String: Any])
        snapshot["format"] = nil
        snapshot["questions"] = (snapshot["questions"] as? [[String: Any]])?.map { question in
            var question = question
            question["key"] = nil
            if (question["rule"] as? [String: Any])?["options"] == nil { question["rule"] = nil }
            return question
        }
        let old = try JSONDecoder().decode(Questionnaire.self, from: try JSONSerialization.data(withJSONObject: snapshot))
        #expect(old.format == 1)
        #expect(old.question("SEC-03")?.rule == nil && old.question("TST-02")?.key == false)
        let upgraded = old.upgraded(from: F.catalog.questionnaires)
        #expect(upgraded.question("SEC-03")?.rule == .worst && upgraded.question("TST-02")?.key == true)
        // Scored as the current questionnaire would score it.
        let answers = ScoringExampleTests.withAnswer(.critical, "TST-02", .option("no"))
        #expect(F.score(F.inputs(.critical, answers: answers, questionnaire: old)).hundredths == F.score(F.inputs(.critical, answers: answers)).hundredths)
    }

    @Test func aFormat1ShowIfStillReads() throws {
        let question = try JSONDecoder().decode(Questionnaire.Question.self, from: Data(#"""
            {"id":"GOV-02","domain":"governance","text":"t","help":"h","type":"yes_no","options":[{"value":"yes","label":"Yes","score":100},
             {"value":"no","label":"No","score":20}],"bands":[],"weight":1,"required":true,"evidence":"none","knockOut":[],
             "showIf":{"question":"GOV-01","values":["yes"]},"references":[]}
            """#.utf8))
        #expect(question.showIf == Questionnaire.ShowIf(any: [.answer(question: "GOV-01", values: ["yes"])]))
        #expect(question.evidence == .none && !question.key && question.rule == nil)
    }

    @Test func whatIfRanksActionsByHowMuchTheModelSaysEachRemoves() throws {
        let clauses = F.allClauses(.critical, F.profile(.critical)).filter { $0.key != "incident-notification" }
        let inputs = F.inputs(.critical, answers: ScoringExampleTests.withAnswer(.critical, "TST-02", .option("no")), clauses: clauses)
        let actions = WhatIf.actions(for: inputs, model: F.model)
        let first = try #require(actions.first { $0.target.hasPrefix("question ") })
        #expect(first.target == "question TST-02", "of single answers, fixing the failed key control removes the most")
        let everything = try #require(actions.first { $0.target == "everything" })
        #expect(actions.allSatisfy { $0.reduction <= everything.reduction }, "doing everything removes at least what any one action does")
        #expect(actions.map(\.reduction) == actions.map(\.reduction).sorted(by: >))
        #expect(actions.allSatisfy { $0.hundredths == F.model.score(inputs).hundredths - $0.reduction })
        #expect(actions.contains { $0.target == "clause incident-notification" })
    }

    @Test func whatIfOffersTheFixesThatOnlyWorkTogether() throws {
        // Two failed key controls: the cap on control effectiveness stays until both pass, so neither alone helps.
        var answers = ScoringExampleTests.withAnswer(.critical, "TST-02", .option("no"))
        answers["SEC-04"] = F.answer(.option("yes"), evidence: true, verdict: .flagged)
        let inputs = F.inputs(.critical, answers: answers, clauses: [])
        let actions = WhatIf.actions(for: inputs, model: F.model)
        #expect(!actions.contains { $0.target == "question TST-02" || $0.target == "question SEC-04" })
        let keys = try #require(actions.first { $0.target == "key controls" })
        #expect(keys.action == "answer every failed key control (SEC-04, TST-02) with its best answer, backed by evidence a reviewer accepts"
                    || keys.action == "answer every failed key control (TST-02, SEC-04) with its best answer, backed by evidence a reviewer accepts")
        let clauses = try #require(actions.first { $0.target == "clauses" })
        let required = F.catalog.clauses.required(tier: .critical, profile: F.profile(.critical)).count
        #expect(clauses.action == "get every required clause still missing (\(required)) into the contract")
        #expect(F.model.score(F.inputs(.critical, answers: answers)).hundredths == F.model.score(inputs).hundredths - clauses.reduction)
    }

    @Test func whatIfForAVendorNeverAssessedOffersTheAssessment() throws {
        let actions = WhatIf.actions(for: F.inputs(.medium, answers: nil), model: F.model)
        let assessment = try #require(actions.first { $0.target == "assessment" })
        #expect(assessment.action.hasPrefix("send ai-supplier-essentials"))
        #expect(assessment.hundredths == 1200, "the residual floor of the medium tier is all that an assessment cannot remove")
    }
}
