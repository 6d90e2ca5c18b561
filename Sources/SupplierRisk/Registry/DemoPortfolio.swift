public import Foundation

/// A synthetic portfolio for demos and benchmarks: the same seed gives the same portfolio.
public struct DemoPortfolio: Sendable {
    /// One vendor and everything recorded about it.
    public struct Plan: Sendable {
        public let vendor: VendorCSV.Row
        public let tier: Tier
        /// The questionnaire sent and the answers, if the vendor submitted one.
        public let assessment: (questionnaire: String, sentAt: Date, submittedAt: Date, answers: [String: Answer])?
        public let contract: (reference: String, effectiveOn: Date, expiresOn: Date, noticeDays: Int, value: Decimal)?
        public let clauses: [(key: String, status: ClauseStatus)]
        public let certifications: [(standard: Certification.Standard, issuer: String, expiresOn: Date)]
        public let incidents: [(title: String, category: Incident.Category, severity: Incident.Severity, occurredAt: Date, notifiedAt: Date?, resolvedAt: Date?)]
    }

    /// Generates `count` vendors from `seed`, as of `asOf`.
    public static func generate(count: Int, seed: UInt64, catalog: Catalog, asOf: Date) -> [Plan] {
        var random = SplitMix64(seed: seed)
        let day = 86_400.0
        let firstWords = ["Nimbus", "Cobalt", "Vector", "Lumen", "Quanta", "Aurora", "Helix", "Pioneer", "Sable", "Tandem", "Orbit", "Beacon"]
        let secondWords = ["Analytics", "AI", "Labs", "Insights", "Systems", "Cognition", "Signals", "Works", "Intelligence", "Data"]
        let models = ["OpenAI", "Anthropic", "Google", "Mistral AI", "Meta (open weights)", "Cohere"]
        let processors = ["AWS", "Microsoft Azure", "Google Cloud", "Snowflake", "Datadog"]
        var plans: [Plan] = []
        plans.reserveCapacity(count)
        for index in 0..<count {
            let name = "\(firstWords.randomElement(using: &random)!) \(secondWords.randomElement(using: &random)!) \(index + 1)"
            let slug = VendorRules.slug(from: name)
            var data: Set<AIProfile.DataCategory> = [AIProfile.DataCategory.allCases.randomElement(using: &random)!]
            if Bool.random(using: &random) { data.insert(.internal) }
            let profile = AIProfile(
                offering: AIProfile.Offering.allCases.randomElement(using: &random)!,
                description: "demo: \(["summarises documents", "scores applications", "answers customer questions", "transcribes calls", "reviews code"].randomElement(using: &random)!)",
                dataCategories: data,
                decisionImpact: weighted([.none: 3, .advisory: 4, .significant: 2, .automated: 1], &random),
                aiActClass: weighted([.minimal: 4, .limited: 4, .gpai: 1, .highRisk: 1], &random),
                businessCriticality: AIProfile.BusinessCriticality.allCases.randomElement(using: &random)!,
                hostingRegions: [["EU"], ["EU", "US"], ["US"], ["UK"]].randomElement(using: &random)!)
            let row = VendorCSV.Row(line: index + 2, draft: VendorDraft(
                slug: slug, name: name,
                status: weighted([.active: 8, .onboarding: 1, .prospect: 1], &random), businessOwner: ["Procurement", "Claims", "HR", "IT", "Legal"].randomElement(using: &random)!,
                contactEmail: "security@\(slug).example", profile: profile,
                foundationModels: Array(models.shuffled(using: &random).prefix(Int.random(in: 0...2, using: &random))),
                subProcessors: Array(processors.shuffled(using: &random).prefix(Int.random(in: 0...2, using: &random)))))
            let tier = catalog.scoring.tiering.assess(profile).tier

            var assessment: (String, Date, Date, [String: Answer])?
            if let questionnaire = catalog.questionnaire(for: tier), Double.random(in: 0..<1, using: &random) < 0.8 {
                let quality = Double.random(in: 0.3...1, using: &random)
                let submitted = asOf.addingTimeInterval(-Double.random(in: 5...500, using: &random) * day)
                var answers: [String: Answer] = [:]
                for question in questionnaire.questions {
                    guard let value = answer(question, quality: quality, asOf: asOf, &random) else { continue }
                    let roll = Double.random(in: 0..<1, using: &random)
                    answers[question.id] = Answer(
                        value: value, answeredAt: submitted, hasEvidence: question.evidence != .none && roll < 0.6,
                        verdict: roll < 0.3 ? .accepted : roll > 0.97 ? .flagged : nil)
                }
                assessment = (questionnaire.key, submitted.addingTimeInterval(-14 * day), submitted, answers)
            }
            let effective = asOf.addingTimeInterval(-Double.random(in: 30...900, using: &random) * day)
            let contract = (reference: "MSA-\(index + 1)", effectiveOn: effective, expiresOn: effective.addingTimeInterval(Double(365 * Int.random(in: 1...3, using: &random)) * day),
                            noticeDays: [30, 60, 90].randomElement(using: &random)!, value: Decimal(Int.random(in: 5...500, using: &random) * 1000))
            let clauses = catalog.clauses.required(tier: tier, profile: profile).map { clause in
                (clause.key, weighted([ClauseStatus.present: 14, .missing: 2, .deviation: 2, .negotiating: 1, .notApplicable: 1], &random))
            }
            var certifications: [(Certification.Standard, String, Date)] = []
            for (standard, share) in [(Certification.Standard.iso27001, 0.4), (.soc2Type2, 0.3), (.iso42001, 0.15)] where Double.random(in: 0..<1, using: &random) < share {
                certifications.append((standard, ["BSI", "TÜV", "DNV", "KPMG"].randomElement(using: &random)!, asOf.addingTimeInterval(Double.random(in: -200...900, using: &random) * day)))
            }
            var incidents: [(String, Incident.Category, Incident.Severity, Date, Date?, Date?)] = []
            if Double.random(in: 0..<1, using: &random) < 0.12 {
                let occurred = asOf.addingTimeInterval(-Double.random(in: 1...700, using: &random) * day)
                let resolved = Bool.random(using: &random) ? occurred.addingTimeInterval(Double.random(in: 1...30, using: &random) * day) : nil
                incidents.append(("\(["Harmful answer", "Data surfaced to another tenant", "Model quietly replaced", "Biased ranking", "Outage"].randomElement(using: &random)!)",
                                  Incident.Category.allCases.randomElement(using: &random)!, weighted([.low: 4, .medium: 3, .high: 2, .critical: 1], &random),
                                  occurred, occurred.addingTimeInterval(Double.random(in: 2...120, using: &random) * 3600), resolved.map { min($0, asOf) }))
            }
            plans.append(Plan(
                vendor: row, tier: tier, assessment: assessment.map { (questionnaire: $0.0, sentAt: $0.1, submittedAt: $0.2, answers: $0.3) },
                contract: Double.random(in: 0..<1, using: &random) < 0.85 ? contract : nil, clauses: clauses,
                certifications: certifications.map { (standard: $0.0, issuer: $0.1, expiresOn: $0.2) },
                incidents: incidents.map { (title: $0.0, category: $0.1, severity: $0.2, occurredAt: $0.3, notifiedAt: $0.4, resolvedAt: $0.5) }))
        }
        return plans
    }

    /// An answer leaning good with probability `quality`; nil leaves the question unanswered.
    static func answer(_ question: Questionnaire.Question, quality: Double, asOf: Date, _ random: inout SplitMix64) -> Answer.Value? {
        if Double.random(in: 0..<1, using: &random) < 0.03 { return nil }
        let good = Double.random(in: 0..<1, using: &random) < quality
        switch question.type {
        case .yesNo, .single:
            let sorted = question.options.sorted { $0.score > $1.score }
            // Knock-out answers are rare in a real portfolio: one answer in twenty where they are possible.
            let allowed = Double.random(in: 0..<1, using: &random) < 0.05 ? sorted : sorted.filter { !question.knockOut.contains($0.value) }
            return .option((good ? sorted.first : allowed.randomElement(using: &random))!.value)
        case .multi:
            return .options(question.options.filter { _ in Bool.random(using: &random) }.map(\.value))
        case .number:
            let band = good ? question.bands.max { $0.score < $1.score }! : question.bands.randomElement(using: &random)!
            return .number(band.max ?? ((question.bands.compactMap(\.max).max() ?? 0) + 10))
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
