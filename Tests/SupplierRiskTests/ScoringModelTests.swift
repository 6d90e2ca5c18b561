import Foundation
import SupplierRisk
import TestSupport
import Testing

@Suite struct ScoringModelTests {
    static let catalog = try! Catalog.load(TestDatabase.repositoryRoot.appendingPathComponent("questionnaires"))
    static let model = ScoringModel(configuration: catalog.scoring, library: catalog.clauses)
    static let asOf = ISO8601DateFormatter().date(from: "2026-11-29T00:00:00Z")!

    /// Two domains: data (weight 3) with a knock-out and a gated question, security (weight 1) with a number and a certificate question.
    static let questionnaire = try! Questionnaire.parse("""
        key: sample
        version: 1
        title: Sample
        description: For the tests.
        tiers: [high]
        domains:
          - {key: data, title: Data, weight: 3}
          - {key: security, title: Security, weight: 1}
        questions:
          - id: DAT-01
            domain: data
            text: Training on our data?
            help: h
            type: single
            options:
              - {value: never, label: Never, score: 100}
              - {value: opt_out, label: Opt out, score: 30}
              - {value: always, label: Always, score: 0}
            weight: 3
            evidence: required
            knock_out: [always]
            references: [ISO42001:A.7.3]
          - id: DAT-02
            domain: data
            text: Personal data in training?
            help: h
            type: yes_no
            scores: {yes: 40, no: 100}
            weight: 1
            evidence: none
            references: [ISO42001:A.7.2]
          - id: DAT-03
            domain: data
            text: Lawful basis?
            help: h
            type: yes_no
            scores: {yes: 100, no: 0}
            weight: 2
            evidence: none
            show_if: {question: DAT-02, is: yes}
            references: [ISO42001:A.7.2]
          - id: SEC-01
            domain: security
            text: Retention days?
            help: h
            type: number
            bands: [{max: 0, score: 100}, {max: 30, score: 80}, {score: 10}]
            weight: 1
            evidence: none
            references: [NIST-AI-RMF:MEASURE-2.10]
          - id: SEC-02
            domain: security
            text: Certifications?
            help: h
            type: multi
            options:
              - {value: iso_42001, label: ISO 42001, score: 60}
              - {value: iso_27001, label: ISO 27001, score: 40}
            weight: 1
            evidence: none
            references: [ISO42001:A.2.2]
        """, file: "sample.yaml", key: "sample")

    static let profile = AIProfile(
        offering: .aiSaaS, description: "", dataCategories: [.personal], decisionImpact: .advisory, aiActClass: .limited,
        businessCriticality: .high, hostingRegions: [])

    static func inputs(
        answers: [String: Answer]?, clauses: [ClauseStatusRecord] = [], incidents: [Incident] = [], certifications: [Certification] = []
    ) -> ScoringInputs {
        ScoringInputs(
            vendor: "acme", tier: .high, profile: profile,
            assessment: answers.map { AssessmentInputs(questionnaire: questionnaire, answers: $0) },
            clauses: clauses, incidents: incidents, certifications: certifications, asOf: asOf)
    }

    static func answer(_ value: Answer.Value, monthsAgo: Double = 1, evidence: Bool = false, verdict: Answer.Verdict? = nil) -> Answer {
        Answer(value: value, answeredAt: asOf.addingTimeInterval(-monthsAgo * 30.436875 * 86_400), hasEvidence: evidence, verdict: verdict)
    }

    /// Every required clause of a high-tier vendor with this profile, present.
    static var allClauses: [ClauseStatusRecord] {
        catalog.clauses.required(tier: .high, profile: profile).map {
            ClauseStatusRecord(key: $0.key, status: .present, note: "", verifiedBy: "legal", updatedAt: asOf)
        }
    }

    static let certificates = [
        Certification(id: 1, standard: .iso42001, issuer: "TÜV", scope: "", issuedOn: nil, expiresOn: asOf.addingTimeInterval(86_400 * 365)),
        Certification(id: 2, standard: .iso27001, issuer: "BSI", scope: "", issuedOn: nil, expiresOn: asOf.addingTimeInterval(86_400 * 365)),
    ]

    static var best: [String: Answer] {
        [
            "DAT-01": answer(.option("never"), verdict: .accepted),
            "DAT-02": answer(.option("no"), verdict: .accepted),
            "SEC-01": answer(.number(0), verdict: .accepted),
            "SEC-02": answer(.options(["iso_42001", "iso_27001"]), verdict: .accepted),
        ]
    }

    func controls(_ score: Score) -> Double { Double(score.hundredths(of: .controls)) / 100 }

    @Test func theBreakdownAddsUpToTheScore() {
        let cases = [
            Self.inputs(answers: nil),
            Self.inputs(answers: Self.best, clauses: Self.allClauses, certifications: Self.certificates),
            Self.inputs(answers: ["DAT-01": Self.answer(.option("opt_out"))], incidents: [Self.incident(1, .high)]),
            Self.inputs(answers: ["DAT-02": Self.answer(.option("yes"), monthsAgo: 30)], clauses: Array(Self.allClauses.prefix(3))),
        ]
        for inputs in cases {
            let score = Self.model.score(inputs)
            #expect(score.lines.reduce(0) { $0 + $1.hundredths } == score.hundredths)
            #expect((0...10_000).contains(score.hundredths))
            #expect(score.rating == Self.catalog.scoring.parameters.rating(of: score.value))
        }
    }

    @Test func aVendorWithBestAnswersAllClausesAndNoIncidentsKeepsOnlyItsInherentRisk() {
        let score = Self.model.score(Self.inputs(answers: Self.best, clauses: Self.allClauses, certifications: Self.certificates))
        #expect(score.hundredths(of: .controls) == 0)
        #expect(score.hundredths(of: .contract) == 0)
        #expect(score.hundredths(of: .incidents) == 0)
        #expect(score.hundredths == 70 * 35, "high tier: 70 inherent points at a 35% share")
        #expect(score.rating == .low)
    }

    @Test func aVendorNeverAssessedIsScoredOnInherentRiskWithANotAssessedLine() {
        let score = Self.model.score(Self.inputs(answers: nil, clauses: Self.allClauses))
        #expect(score.hundredths(of: .controls) == 4_000)
        let line = score.lines.first { $0.component == .controls }
        #expect(line?.source.description == "assessment none")
        #expect(line?.explanation.hasPrefix("not assessed") == true)
    }

    @Test func unansweredRequiredQuestionsCountAsFailed() {
        var answers = Self.best
        answers["SEC-01"] = nil
        let score = Self.model.score(Self.inputs(answers: answers, clauses: Self.allClauses, certifications: Self.certificates))
        let line = score.lines.first { $0.source.id == "SEC-01" }
        #expect(line?.explanation.hasPrefix("SEC-01 unanswered (required): counted as failed") == true)
        // Security weighs 1 of 4 domain points; SEC-01 is half of security: 1/8 of the 40 control points.
        #expect(line?.hundredths == 500)
    }

    @Test func aKnockOutAnswerRatesTheControlsWorstAndSaysSo() {
        var answers = Self.best
        answers["DAT-01"] = Self.answer(.option("always"), verdict: .accepted)
        let score = Self.model.score(Self.inputs(answers: answers, clauses: Self.allClauses, certifications: Self.certificates))
        #expect(score.hundredths(of: .controls) == 4_000)
        #expect(score.lines.filter { $0.component == .controls }.count == 1)
        #expect(score.lines.first { $0.component == .controls }?.explanation.hasPrefix("knock-out answer (DAT-01 = always)") == true)
    }

    @Test func evidenceRaisesConfidenceAndAFlagFailsTheAnswer() {
        func risk(_ answer: Answer) -> Int {
            var answers = Self.best
            answers["DAT-01"] = answer
            let score = Self.model.score(Self.inputs(answers: answers, clauses: Self.allClauses, certifications: Self.certificates))
            return score.lines.first { $0.source.id == "DAT-01" }!.hundredths
        }
        let selfAttested = risk(Self.answer(.option("never")))
        let documented = risk(Self.answer(.option("never"), evidence: true))
        let accepted = risk(Self.answer(.option("never"), evidence: true, verdict: .accepted))
        let flagged = risk(Self.answer(.option("never"), evidence: true, verdict: .flagged))
        #expect(accepted == 0)
        #expect(accepted < documented)
        #expect(documented < selfAttested)
        #expect(flagged > selfAttested)
        // DAT-01 is 3/4 of data, data 3/4 of controls: 22.5 of the 40 points when failed.
        #expect(flagged == 2_250)
        #expect(selfAttested == 900, "40% of 22.5 points when only 60% of full credit counts")
    }

    @Test func theAnswersThatFailedAreTheOnesThatEarnedNothingOrKnockedOut() {
        var answers = Self.best
        answers["SEC-01"] = nil
        answers["DAT-01"] = Self.answer(.option("never"), evidence: true, verdict: .flagged)
        let faded = Self.answer(.option("no"), monthsAgo: 18, verdict: .accepted)
        answers["DAT-02"] = faded
        let score = Self.model.score(Self.inputs(answers: answers, clauses: Self.allClauses, certifications: Self.certificates))
        #expect(score.failedAnswers == ["DAT-01 flagged by the reviewer: counted as failed", "SEC-01 unanswered (required): counted as failed"],
                "partial credit (a faded answer) is not a failure; failures come by question id, without the credit")
        #expect(score.summaryJSON.contains(#""failedAnswers":["DAT-01 flagged by the reviewer: counted as failed","SEC-01 unanswered (required): counted as failed"]"#))
        answers["DAT-01"] = Self.answer(.option("always"), verdict: .accepted)
        let knockedOut = Self.model.score(Self.inputs(answers: answers, clauses: Self.allClauses, certifications: Self.certificates))
        #expect(knockedOut.failedAnswers.count == 1)
        #expect(knockedOut.failedAnswers.first?.hasPrefix("knock-out answer (DAT-01 = always)") == true)
        #expect(Self.model.score(Self.inputs(answers: Self.best, clauses: Self.allClauses, certifications: Self.certificates)).failedAnswers.isEmpty)
    }

    @Test func answersFadeWhenOlderThanTheTiersCadence() {
        func risk(monthsAgo: Double) -> Int {
            var answers = Self.best
            answers["DAT-01"] = Self.answer(.option("never"), monthsAgo: monthsAgo, verdict: .accepted)
            return Self.model.score(Self.inputs(answers: answers, clauses: Self.allClauses, certifications: Self.certificates))
                .lines.first { $0.source.id == "DAT-01" }!.hundredths
        }
        #expect(risk(monthsAgo: 11) == 0, "within the high tier's 12 months")
        #expect(risk(monthsAgo: 18) == 563, "half-way through the fade: credit 75%")
        #expect(risk(monthsAgo: 40) == 1_125, "fully faded: credit at the 50% floor")
    }

    @Test func anExpiredCertificateCountsAsMissing() {
        let expired = Certification(id: 1, standard: .iso42001, issuer: "TÜV", scope: "", issuedOn: nil, expiresOn: Self.asOf.addingTimeInterval(-86_400))
        let score = Self.model.score(Self.inputs(answers: Self.best, clauses: Self.allClauses, certifications: [expired, Self.certificates[1]]))
        let line = score.lines.first { $0.source.id == "SEC-02" }
        #expect(line?.explanation.contains("the ISO/IEC 42001 certificate expired on 2026-11-28, counted as missing") == true)
        #expect(line?.hundredths == 300, "60 of 100 lost on a question worth 1/8 of 40 points")
        let never = Self.model.score(Self.inputs(answers: Self.best, clauses: Self.allClauses))
        #expect(never.lines.first { $0.source.id == "SEC-02" }?.explanation.contains("no ISO/IEC 42001 certificate is on record") == true)
    }

    @Test func hiddenQuestionsAreNotCountedAndShownOnesAre() {
        let hidden = Self.model.score(Self.inputs(answers: Self.best, clauses: Self.allClauses, certifications: Self.certificates))
        #expect(!hidden.lines.contains { $0.source.id == "DAT-03" })
        var answers = Self.best
        answers["DAT-02"] = Self.answer(.option("yes"), verdict: .accepted)
        let shown = Self.model.score(Self.inputs(answers: answers, clauses: Self.allClauses, certifications: Self.certificates))
        #expect(shown.lines.first { $0.source.id == "DAT-03" }?.explanation.hasPrefix("DAT-03 unanswered (required)") == true)
    }

    static func incident(_ id: Int, _ severity: Incident.Severity, resolvedMonthsAgo: Double? = nil, noticeHours: Double? = 1) -> Incident {
        let occurred = asOf.addingTimeInterval(-86_400 * 400)
        let resolved = resolvedMonthsAgo.map { asOf.addingTimeInterval(-$0 * 30.436875 * 86_400) }
        return Incident(
            id: id, vendor: "acme", title: "incident \(id)", category: .harmfulOutput, severity: severity, occurredAt: occurred,
            detectedAt: occurred, vendorNotifiedAt: noticeHours.map { occurred.addingTimeInterval($0 * 3600) },
            status: resolved == nil ? .open : .resolved, resolution: nil, resolvedAt: resolved)
    }

    @Test(arguments: [
        ([incident(1, .high)], 350),  // 35 points at a 10% share
        ([incident(1, .high, resolvedMonthsAgo: 6)], 175),  // one half-life after resolution
        ([incident(1, .high, resolvedMonthsAgo: 12)], 88),  // two half-lives: 8.75 points, rounded
        ([incident(1, .critical, noticeHours: 100)], 700),  // 60 plus 10 for a notice later than 48 h
        ([incident(1, .critical), incident(2, .critical)], 1_000),  // capped at the component's 100
    ])
    func incidentsWeighBySeverityAndDecayAfterResolution(incidents: [Incident], expected: Int) {
        let score = Self.model.score(Self.inputs(answers: Self.best, clauses: Self.allClauses, incidents: incidents, certifications: Self.certificates))
        #expect(score.hundredths(of: .incidents) == expected)
    }

    @Test func aLateNoticeHasALineOfItsOwn() {
        let score = Self.model.score(Self.inputs(answers: Self.best, clauses: Self.allClauses, incidents: [Self.incident(7, .low, noticeHours: nil)],
                                                 certifications: Self.certificates))
        let lines = score.lines.filter { $0.source.description == "incident 7" }
        #expect(lines.count == 2)
        #expect(lines[1].explanation == "vendor notice not given yet, later than the 48 h the contract allows")
        #expect(lines[1].hundredths == 100)
    }

    @Test func eachMissingRequiredClauseAddsItsPoints() {
        var clauses = Self.allClauses
        clauses.removeAll { $0.key == "audit-rights" }
        clauses = clauses.map { $0.key == "permitted-use" ? ClauseStatusRecord(key: $0.key, status: .deviation, note: "", verifiedBy: nil, updatedAt: Self.asOf) : $0 }
        let score = Self.model.score(Self.inputs(answers: Self.best, clauses: clauses, certifications: Self.certificates))
        let lines = score.lines.filter { $0.component == .contract }
        #expect(lines.map(\.source.id).sorted() == ["audit-rights", "permitted-use"])
        #expect(lines.allSatisfy { $0.hundredths == 120 }, "8 points at a 15% share")
        #expect(lines.first { $0.source.id == "permitted-use" }?.explanation.hasPrefix("required clause is deviation") == true)
    }

    @Test func theSameInputsInAnyOrderGiveTheSameScore() {
        let incidents = [Self.incident(3, .medium), Self.incident(1, .high, resolvedMonthsAgo: 2), Self.incident(2, .low, noticeHours: 90)]
        let certificates = Self.certificates + [Certification(id: 3, standard: .iso27001, issuer: "BSI", scope: "", issuedOn: nil, expiresOn: Self.asOf)]
        let clauses = Array(Self.allClauses.prefix(6)) + [ClauseStatusRecord(key: "permitted-use", status: .missing, note: "", verifiedBy: nil, updatedAt: Self.asOf)]
        var answers = Self.best
        answers["DAT-01"] = Self.answer(.option("opt_out"), evidence: true)
        answers["SEC-02"] = Self.answer(.options(["iso_27001", "iso_42001"]))
        let first = Self.model.score(Self.inputs(answers: answers, clauses: clauses, incidents: incidents, certifications: certificates))
        var shuffledAnswers = answers
        shuffledAnswers["SEC-02"] = Self.answer(.options(["iso_42001", "iso_27001"]))
        let second = Self.model.score(Self.inputs(
            answers: shuffledAnswers, clauses: clauses.reversed(), incidents: incidents.reversed(), certifications: certificates.reversed()))
        #expect(first == second)
    }

    @Test func theShippedQuestionnaireScoresABestInClassVendorNearItsInherentRisk() throws {
        let questionnaire = try #require(Self.catalog.questionnaire("ai-supplier-due-diligence"))
        var answers: [String: Answer] = [:]
        for question in questionnaire.questions {
            let value: Answer.Value
            switch question.type {
            case .yesNo, .single:
                let best = question.options.max { $0.score < $1.score }!
                value = .option(best.value)
            case .multi:
                value = .options(question.options.filter { $0.score > 0 && Certification.Standard(rawValue: $0.value) == nil }.map(\.value))
            case .number:
                let bands = question.bands
                let best = bands.max { $0.score < $1.score }!
                let index = bands.firstIndex(of: best)!
                value = .number(best.max ?? ((index > 0 ? bands[index - 1].max ?? 0 : 0) + 1))
            case .date:
                value = .date(Self.asOf.addingTimeInterval(-86_400 * 10))
            case .text:
                value = .text("described")
            case .file:
                value = .file
            }
            answers[question.id] = Answer(value: value, answeredAt: Self.asOf, hasEvidence: true, verdict: .accepted)
        }
        let inputs = ScoringInputs(
            vendor: "best", tier: .high, profile: Self.profile, assessment: AssessmentInputs(questionnaire: questionnaire, answers: answers),
            clauses: Self.allClauses, incidents: [], certifications: [], asOf: Self.asOf)
        let score = Self.model.score(inputs)
        #expect(score.lines.reduce(0) { $0 + $1.hundredths } == score.hundredths)
        let shortfalls = score.lines.filter { $0.component == .controls && $0.hundredths > 0 }
        #expect(score.hundredths(of: .controls) < 300, "shortfalls: \(shortfalls.map { "\($0.source) \($0.hundredths): \($0.explanation)" })")
        #expect(score.lines.filter { $0.component == .controls }.count >= 70)
    }

    @Test func whatIfRanksActionsByHowMuchTheModelSaysEachRemoves() {
        let model = ScoringModel(catalog: Self.catalog)
        var answers = Self.best
        answers["DAT-01"] = Self.answer(.option("opt_out"))
        var clauses = Self.allClauses
        clauses.removeAll { $0.key == "audit-rights" }
        let inputs = Self.inputs(answers: answers, clauses: clauses, certifications: [Self.certificates[1]])
        let base = model.score(inputs).hundredths
        let actions = WhatIf.actions(for: inputs, model: model)
        #expect(actions.map(\.reduction) == actions.map(\.reduction).sorted(by: >))
        #expect(actions.allSatisfy { $0.hundredths == base - $0.reduction })
        #expect(actions.first?.target == "question DAT-01", "the weakest heavy answer comes first")
        #expect(actions.contains { $0.target == "clause audit-rights" && $0.reduction == 120 })
        #expect(actions.contains { $0.target == "certificate iso_42001" && $0.action == "obtain a current ISO/IEC 42001 certificate" })
        #expect(!actions.contains { $0.target == "question DAT-02" }, "an answer at full marks offers nothing")
    }

    @Test func whatIfForAVendorNeverAssessedOffersTheAssessment() {
        let model = ScoringModel(catalog: Self.catalog)
        let actions = WhatIf.actions(for: Self.inputs(answers: nil, clauses: Self.allClauses), model: model)
        #expect(actions.first?.target == "assessment")
        #expect(actions.first?.action.hasPrefix("send ai-supplier-due-diligence") == true)
    }

    @Test func theStoredJSONReadsBackAsTheSameScore() throws {
        var inputs = Self.inputs(answers: Self.best, clauses: Array(Self.allClauses.prefix(2)), incidents: [Self.incident(9, .high)])
        inputs.incidents[0].title = "quote \" backslash \\ tab \t newline \n bell \u{7} ünïcødé"
        let score = Self.model.score(inputs)
        let decoded = try JSONDecoder().decode(Score.self, from: Data(score.json.utf8))
        #expect(decoded == score)
    }
}
