public import Foundation

/// A synthetic portfolio for demos and benchmarks: the same seed gives the same portfolio.
///
/// It looks like a real one: mostly medium and low suppliers (about 10% critical, 20% high, 40% medium, 30% low),
/// most assessed and contracted, with a few knock-out answers, answers gone stale and incidents noticed late.
public struct DemoPortfolio: Sendable {
    /// One vendor and everything recorded about it.
    public struct Plan: Sendable {
        public let vendor: VendorCSV.Row
        public let tier: Tier
        /// The questionnaire sent and the answers, if the vendor submitted one.
        public let assessment: (questionnaire: String, sentAt: Date, submittedAt: Date, answers: [String: Answer])?
        public let contract: (reference: String, effectiveOn: Date, expiresOn: Date, noticeDays: Int, value: Decimal)?
        public let clauses: [(key: String, status: ClauseStatus, parameters: [String: Int])]
        public let certifications: [(standard: Certification.Standard, issuer: String, expiresOn: Date)]
        public let incidents: [DemoIncident]
    }

    /// An incident of the demo.
    public struct DemoIncident: Sendable {
        public let title: String
        public let category: Incident.Category
        public let severity: Incident.Severity
        public let occurredAt: Date
        public let detectedAt: Date
        public let vendorAwareAt: Date?
        public let notifiedAt: Date?
        public let resolvedAt: Date?
    }

    /// The share of each tier a demo portfolio aims at, out of 100.
    public static let tierMix: KeyValuePairs<Tier, Int> = [.critical: 10, .high: 20, .medium: 40, .low: 30]

    /// Generates `count` vendors from `seed`, as of `asOf`.
    public static func generate(count: Int, seed: UInt64, catalog: Catalog, asOf: Date) -> [Plan] {
        var random = SplitMix64(seed: seed)
        let day = 86_400.0
        let firstWords = ["Nimbus", "Cobalt", "Vector", "Lumen", "Quanta", "Aurora", "Helix", "Pioneer", "Sable", "Tandem", "Orbit", "Beacon"]
        let secondWords = ["Analytics", "AI", "Labs", "Insights", "Systems", "Cognition", "Signals", "Works", "Intelligence", "Data"]
        let models = ["OpenAI", "Anthropic", "Google", "Mistral AI", "Meta (open weights)", "Cohere"]
        let processors = ["AWS", "Microsoft Azure", "Google Cloud", "Snowflake", "Datadog"]
        let tiering = catalog.scoring.tiering
        var plans: [Plan] = []
        plans.reserveCapacity(count)
        for index in 0..<count {
            let name = "\(firstWords.randomElement(using: &random)!) \(secondWords.randomElement(using: &random)!) \(index + 1)"
            let slug = VendorRules.slug(from: name)
            let target = weighted(tierMix, &random)
            var profile = self.profile(for: target, &random)
            for _ in 0..<20 where tiering.assess(profile).tier != target { profile = self.profile(for: target, &random) }
            let tier = tiering.assess(profile).tier
            let status: Vendor.Status = profile.aiActClass == .prohibited ? .onboarding : weighted([.active: 8, .onboarding: 1, .prospect: 1], &random)
            let row = VendorCSV.Row(line: index + 2, draft: VendorDraft(
                slug: slug, name: name, status: status, businessOwner: ["Procurement", "Claims", "HR", "IT", "Legal"].randomElement(using: &random)!,
                contactEmail: "security@\(slug).example", profile: profile,
                foundationModels: Array(models.shuffled(using: &random).prefix(Int.random(in: 0...2, using: &random))),
                subProcessors: Array(processors.shuffled(using: &random).prefix(Int.random(in: 0...2, using: &random)))))

            var assessment: (String, Date, Date, [String: Answer])?
            if let questionnaire = catalog.questionnaire(for: tier), Double.random(in: 0..<1, using: &random) < 0.8 {
                let quality = Double.random(in: 0.55...1, using: &random)
                // Most answered within the year; about one in seven long ago, so that their answers have gone stale.
                let age = Double.random(in: 0..<1, using: &random) < 0.15 ? Double.random(in: 400...1_100, using: &random) : Double.random(in: 5...330, using: &random)
                let submitted = asOf.addingTimeInterval(-age * day)
                // About one vendor in fifty gives a knock-out answer where the questionnaire has one.
                let knockOut = Double.random(in: 0..<1, using: &random) < 0.02
                var values: [String: Answer.Value] = [:]
                for question in questionnaire.questions {
                    if let value = answer(question, quality: quality, knockOut: knockOut, asOf: submitted, &random) { values[question.id] = value }
                }
                // What the portal would keep: the answers of the questions shown to this supplier.
                let shown = questionnaire.visible(answers: values, profile: profile)
                var answers: [String: Answer] = [:]
                for (id, value) in values where shown.contains(id) {
                    let roll = Double.random(in: 0..<1, using: &random)
                    answers[id] = Answer(value: value, answeredAt: submitted, hasEvidence: roll < 0.6, verdict: roll < 0.3 ? .accepted : roll > 0.97 ? .flagged : nil)
                }
                assessment = (questionnaire.key, submitted.addingTimeInterval(-14 * day), submitted, answers)
            }
            let effective = asOf.addingTimeInterval(-Double.random(in: 30...900, using: &random) * day)
            let contract = (reference: "MSA-\(index + 1)", effectiveOn: effective, expiresOn: effective.addingTimeInterval(Double(365 * Int.random(in: 1...3, using: &random)) * day),
                            noticeDays: [30, 60, 90].randomElement(using: &random)!, value: Decimal(Int.random(in: 5...500, using: &random) * 1000))
            let clauses = catalog.clauses.required(tier: tier, profile: profile).map { clause -> (String, ClauseStatus, [String: Int]) in
                let status = weighted([ClauseStatus.present: 16, .missing: 2, .deviation: 2, .negotiating: 1, .notApplicable: 1], &random)
                var parameters: [String: Int] = [:]
                if clause.key == "incident-notification", status.isInForce, Bool.random(using: &random) {
                    parameters["sla_hours"] = [24, 48, 72].randomElement(using: &random)!
                }
                return (clause.key, status, parameters)
            }
            var certifications: [(Certification.Standard, String, Date)] = []
            for (standard, share) in [(Certification.Standard.iso27001, 0.4), (.soc2Type2, 0.3), (.iso42001, 0.15)] where Double.random(in: 0..<1, using: &random) < share {
                certifications.append((standard, ["BSI", "TÜV", "DNV", "KPMG"].randomElement(using: &random)!, asOf.addingTimeInterval(Double.random(in: -200...900, using: &random) * day)))
            }
            var incidents: [DemoIncident] = []
            if Double.random(in: 0..<1, using: &random) < 0.12 {
                let occurred = asOf.addingTimeInterval(-Double.random(in: 1...700, using: &random) * day)
                let detected = occurred.addingTimeInterval(Double.random(in: 0...48, using: &random) * 3600)
                let aware = Bool.random(using: &random) ? detected.addingTimeInterval(-Double.random(in: 0...12, using: &random) * 3600) : nil
                let resolved = Bool.random(using: &random) ? occurred.addingTimeInterval(Double.random(in: 1...30, using: &random) * day) : nil
                incidents.append(DemoIncident(
                    title: ["Harmful answer", "Data surfaced to another tenant", "Model quietly replaced", "Biased ranking", "Outage"].randomElement(using: &random)!,
                    category: Incident.Category.allCases.randomElement(using: &random)!, severity: weighted([.low: 4, .medium: 3, .high: 2, .critical: 1], &random),
                    occurredAt: occurred, detectedAt: detected, vendorAwareAt: aware.map { max($0, occurred) },
                    notifiedAt: detected.addingTimeInterval(Double.random(in: 2...120, using: &random) * 3600), resolvedAt: resolved.map { min($0, asOf) }))
            }
            plans.append(Plan(
                vendor: row, tier: tier, assessment: assessment.map { (questionnaire: $0.0, sentAt: $0.1, submittedAt: $0.2, answers: $0.3) },
                contract: Double.random(in: 0..<1, using: &random) < 0.85 ? contract : nil,
                clauses: clauses.map { (key: $0.0, status: $0.1, parameters: $0.2) },
                certifications: certifications.map { (standard: $0.0, issuer: $0.1, expiresOn: $0.2) }, incidents: incidents))
        }
        return plans
    }

    /// A profile that the tiering rules of the standard catalog place in `tier`: its facts stay at or below the
    /// tier's level, and one of them reaches it. (The caller checks the tier and draws again on a miss.)
    static func profile(for tier: Tier, _ random: inout SplitMix64) -> AIProfile {
        let offering = weighted([AIProfile.Offering.aiSaaS: 5, .embeddedFeature: 4, .modelAPI: 2, .generalPurposeModel: 2, .agent: 1, .customDevelopment: 1], &random)
        var data: Set<AIProfile.DataCategory> = [Bool.random(using: &random) ? .public : .internal]
        var impact = weighted([AIProfile.DecisionImpact.none: 3, .advisory: 2], &random)
        var act = weighted([AIProfile.AIActClass.minimal: 3, .limited: 2], &random)
        var autonomy = offering == .agent ? AIProfile.Autonomy.recommends : .none
        var criticality = weighted([AIProfile.BusinessCriticality.low: 1, .medium: 1], &random)
        switch tier {
        case .low:
            criticality = .low
        case .medium:
            // One or two medium facts.
            if Bool.random(using: &random) { data.insert(weighted([.personal: 3, .confidential: 2], &random)) }
            if Bool.random(using: &random) { impact = .significant }
            if offering == .agent, Bool.random(using: &random) { autonomy = .actsWithApproval }
            criticality = .medium
        case .high:
            data.insert(weighted([.personal: 3, .confidential: 2], &random))
            switch Int.random(in: 0..<4, using: &random) {
            case 0: criticality = .high
            case 1: data.insert(.specialCategory)
            case 2: act = .highRisk
            default: impact = .automated; data.remove(.personal)
            }
            if offering == .agent { autonomy = .actsWithApproval }
        case .critical:
            switch Int.random(in: 0..<10, using: &random) {
            case 0...4: criticality = .critical
            case 5, 6: impact = .automated; data.insert(.personal)
            case 7, 8: act = .highRisk; impact = .significant; data.insert(.personal)
            default: act = .prohibited; impact = .significant
            }
            if offering == .agent, Bool.random(using: &random) { autonomy = .actsAutonomously }
        }
        return AIProfile(
            offering: offering,
            description: "demo: \(["summarises documents", "scores applications", "answers customer questions", "transcribes calls", "reviews code"].randomElement(using: &random)!)",
            dataCategories: data, decisionImpact: impact, aiActClass: act, autonomy: autonomy, businessCriticality: criticality,
            hostingRegions: [["EU"], ["EU", "US"], ["US"], ["UK"]].randomElement(using: &random)!)
    }

    /// An answer leaning good with probability `quality`; nil leaves the question unanswered. With `knockOut`, a
    /// question that has a knock-out answer gets it.
    static func answer(_ question: Questionnaire.Question, quality: Double, knockOut: Bool, asOf: Date, _ random: inout SplitMix64) -> Answer.Value? {
        if Double.random(in: 0..<1, using: &random) < 0.02 { return nil }
        // Suppliers rarely fall short on the controls that decide a rating; elsewhere, as their quality goes.
        let good = Double.random(in: 0..<1, using: &random) < (question.key ? max(quality, 0.95) : quality)
        switch question.type {
        case .yesNo, .single:
            if knockOut, let value = question.knockOut.first { return .option(value) }
            let sorted = question.options.sorted { $0.score > $1.score }
            let allowed = sorted.filter { !question.knockOut.contains($0.value) }
            return .option((good ? sorted.first : allowed.randomElement(using: &random))!.value)
        case .multi:
            let choices = question.options.filter { !$0.exclusive }
            switch question.rule ?? .worst {
            case .allOf(let listed):
                let chosen = good ? listed : listed.filter { _ in Bool.random(using: &random) }
                return .options(question.options.map(\.value).filter(chosen.contains))
            case .noneOf(let listed):
                if good, let none = question.options.first(where: \.exclusive) { return .options([none.value]) }
                let chosen = choices.filter { !listed.contains($0.value) || Double.random(in: 0..<1, using: &random) < 0.3 }.prefix(2)
                return chosen.isEmpty ? question.options.first(where: \.exclusive).map { .options([$0.value]) } : .options(chosen.map(\.value))
            case .worst, .best:
                let sorted = choices.sorted { $0.score > $1.score }
                let chosen = good ? Array(sorted.prefix(1)) : choices.filter { _ in Bool.random(using: &random) }
                return .options((chosen.isEmpty ? Array(sorted.suffix(1)) : chosen).map(\.value))
            }
        case .number:
            let band = good ? question.bands.max { $0.score < $1.score }! : question.bands.randomElement(using: &random)!
            let below = question.bands.firstIndex(of: band).flatMap { $0 > 0 ? question.bands[$0 - 1].max : nil } ?? 0
            // The open last band: just past the band below it (100 after 99, 99.9 after 99.89).
            return .number(band.max ?? below + (below == below.rounded() ? 1 : 0.01))
        case .date:
            return .date(asOf.addingTimeInterval(-Double.random(in: good ? 10...300 : 10...1_000, using: &random) * 86_400))
        case .text:
            return .text("demo answer")
        case .file:
            return .file
        }
    }

    static func weighted<Value>(_ weights: KeyValuePairs<Value, Int>, _ random: inout SplitMix64) -> Value {
        var pick = Int.random(in: 0..<weights.reduce(0) { $0 + $1.value }, using: &random)
        for (value, weight) in weights {
            if pick < weight { return value }
            pick -= weight
        }
        return weights[weights.startIndex].key
    }
}

/// SplitMix64: a small, fast generator that gives the same sequence for the same seed on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    /// Starts the sequence of `seed`.
    public init(seed: UInt64) { state = seed }
    /// The next number.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
