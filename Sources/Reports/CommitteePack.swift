public import Foundation
public import Storage
public import SupplierRisk

/// The TPRM committee's pack: where the portfolio stands, what changed since the last meeting, and which
/// suppliers need a decision. Every figure comes from dated records as of `asOf`, so a pack can be rebuilt
/// for a past date and its digest compared.
public struct CommitteePack: Sendable, Codable, Hashable {
    public struct Meta: Sendable, Codable, Hashable {
        public let asOf: Date
        public let since: Date
        /// The scoring model versions (digests) of the scores shown.
        public let modelVersions: [String]
        /// Every scoring model used by then, oldest first: which version of scoring.yaml each digest is, and since when.
        public let models: [Model]
        /// SHA-256 of the pack's content (everything but this field), as JSON with sorted keys.
        public var digest: String
    }

    /// A scoring model: the digest stored with its scores, the version of scoring.yaml, when first used.
    public struct Model: Sendable, Codable, Hashable {
        public let digest: String
        public let version: Int
        public let firstUsedAt: Date
    }

    /// A line of a score, typed, with its sentence for a reader (rendered by the pack, never read back).
    public struct Line: Sendable, Codable, Hashable {
        /// The kind of source: question, clause, incident, profile, assessment, certificate.
        public let kind: String
        public let id: String
        /// What happened (failed, missingClause, knockOut …; legacy for a line of a model-1 score).
        public let outcome: String
        public let points: Decimal
        public let text: String

        /// The line as the pack shows it, in `sentences`' words.
        public init(_ line: Score.Line, sentences: ScoreSentences, library: ClauseLibrary?) {
            kind = line.source.kind.rawValue
            id = line.source.id
            outcome = line.outcome.rawValue
            points = Decimal(hundredths: line.hundredths)
            text = sentences.text(line, library: library)
        }

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.key("id"); json.value(id)
                json.key("kind"); json.value(kind)
                json.key("outcome"); json.value(outcome)
                json.key("points"); json.number("\(points)")
                json.key("text"); json.value(text)
            }
        }
    }

    public struct Count: Sendable, Codable, Hashable {
        public let key: String
        public let count: Int
    }

    public struct Summary: Sendable, Codable, Hashable {
        public let vendors: Int
        public let scored: Int
        public let byTier: [Count]
        public let byRating: [Count]
        /// Average residual risk of the scored vendors, 0–100 with two decimals.
        public let averageScore: Decimal?
        /// Scored vendors by residual risk in tens: 0–10, 10–20, … 90–100.
        public let distribution: [Count]
        public let trend: [TrendPoint]
    }

    public struct TrendPoint: Sendable, Codable, Hashable {
        public let month: String
        public let averageScore: Decimal?
        public let scored: Int
    }

    /// Vendors by tier (rows) and rating band (columns).
    public struct HeatCell: Sendable, Codable, Hashable {
        public let tier: Tier
        public let rating: Rating
        public let count: Int
    }

    public struct RankedVendor: Sendable, Codable, Hashable {
        public let vendor: String
        public let name: String
        public let tier: Tier
        public let score: Decimal
        public let rating: Rating
        public let drivers: [Line]
    }

    public struct RatingChange: Sendable, Codable, Hashable {
        public let vendor: String
        public let from: Rating
        public let to: Rating
        public let at: Date
        /// The largest line of the score after the change.
        public let reason: Line?
        /// The scoring model versions of the scores before and after; they differ where the model changed between them.
        public let fromModel: Int?
        public let toModel: Int?
    }

    /// A scoring model first used in the window (Storage reads it).
    public typealias ModelChange = Storage.ModelChange

    public struct IncidentItem: Sendable, Codable, Hashable {
        public let vendor: String
        public let title: String
        public let severity: String
        public let status: String?
        public let at: Date
    }

    public struct ClauseChange: Sendable, Codable, Hashable {
        public let vendor: String
        public let clause: String
        public let status: String
        public let at: Date
    }

    public struct Breach: Sendable, Codable, Hashable {
        public let vendor: String
        public let incident: String
        public let detail: String
    }

    public struct ClauseGap: Sendable, Codable, Hashable {
        public let clause: String
        public let vendors: Int
    }

    public struct Changes: Sendable, Codable, Hashable {
        public let newVendors: [String]
        public let offboarded: [String]
        public let ratingsWorse: [RatingChange]
        public let ratingsBetter: [RatingChange]
        /// Scoring models first used in the window, with what moved when vendors were rescored under them.
        public let modelChanges: [ModelChange]
        public let incidentsOpened: [IncidentItem]
        public let incidentsClosed: [IncidentItem]
        public let assessmentsSent: Int
        public let assessmentsCompleted: Int
        public let assessmentsOverdue: Int
        public let clauseGapsOpened: [ClauseChange]
        public let clauseGapsClosed: [ClauseChange]
        public let notificationBreaches: [Breach]
        /// How many of each there were in all; each list holds the latest `listLimit`, newest first.
        public let totals: ChangeTotals
        public let listLimit: Int
    }

    /// How many of each there were in all (read by Storage).
    public typealias ChangeTotals = Storage.ChangeTotals

    public struct Provider: Sendable, Codable, Hashable {
        public let name: String
        public let vendors: Int
        public let criticalVendors: Int
        /// Its share of all vendor dependencies on fourth parties, 0–1.
        public let share: Decimal
    }

    public struct Concentration: Sendable, Codable, Hashable {
        public let providers: [Provider]
        /// Herfindahl–Hirschman index of the dependencies, 0–10,000 (above 2,500: highly concentrated).
        public let hhi: Int
    }

    public struct Certificate: Sendable, Codable, Hashable {
        public let vendor: String
        public let standard: String
        public let expiresOn: Date
    }

    /// One critical or high vendor, for the appendix.
    public struct Profile: Sendable, Codable, Hashable {
        public let vendor: String
        public let name: String
        public let tier: Tier
        public let status: String
        public let businessOwner: String
        public let offering: String
        public let aiActClass: String
        public let decisionImpact: String
        public let businessCriticality: String
        public let dataCategories: [String]
        public let score: Decimal?
        public let rating: Rating?
        /// The three largest lines of the score's breakdown.
        public let drivers: [Line]
        /// The answers that failed, went unanswered or were flagged, and knock-outs, by question id.
        public let failedAnswers: [Line]
        /// The keys of the required clauses missing from its contracts in force.
        public let clauseGaps: [String]
        /// Its open incidents, most severe first.
        public let incidents: [IncidentItem]
        public let lastAssessed: Date?
        public let nextAssessment: Date?
    }

    public var meta: Meta
    public let summary: Summary
    public let heatMap: [HeatCell]
    public let topRisks: [RankedVendor]
    public let changes: Changes
    public let concentration: Concentration
    public let openIncidents: [IncidentItem]
    public let expiringCertificates: [Certificate]
    public let clauseGaps: [ClauseGap]
    public let appendix: [Profile]
}

extension CommitteePack {
    /// The pack from the facts read as of a moment, without its appendix (streamed: ``Profile/init(_:cadence:)``)
    /// and without its digest (which covers the appendix: ``PackDigest``).
    public static func head(_ facts: CommitteeFacts, since: Date, asOf: Date, sentences: ScoreSentences = .standard, library: ClauseLibrary? = nil) -> CommitteePack {
        func lines(_ lines: [Score.Line]) -> [Line] { lines.map { Line($0, sentences: sentences, library: library) } }
        let groups = facts.figures.groups
        func score(_ hundredths: Int) -> Decimal { Decimal(hundredths: hundredths) }
        func count(_ include: (PortfolioFigures.Group) -> Bool) -> Int { groups.filter(include).reduce(0) { $0 + $1.count } }
        let vendors = count { _ in true }, scored = count { $0.rating != nil }
        let tiersHighFirst = Tier.allCases.reversed()
        let byTier = tiersHighFirst.map { tier in Count(key: tier.rawValue, count: count { $0.tier == tier }) }
        let ratingsHighFirst = Rating.allCases.reversed()
        let byRating = ratingsHighFirst.map { rating in Count(key: rating.rawValue, count: count { $0.rating == rating }) }
            + [Count(key: "not scored", count: vendors - scored)]
        let total = groups.reduce(0) { $0 + $1.hundredths }
        let average: Decimal? = scored == 0 ? nil : (Decimal(total) / Decimal(scored) / 100).rounded(2)
        let distribution = (0..<10).map { bucket in Count(key: "\(bucket * 10)–\(bucket * 10 + 10)", count: count { $0.bucket == bucket }) }
        let heat = tiersHighFirst.flatMap { tier in
            ratingsHighFirst.map { rating in HeatCell(tier: tier, rating: rating, count: count { $0.tier == tier && $0.rating == rating }) }
        }
        // The top risks are scored vendors: each has its score and rating.
        let top = facts.figures.top.compactMap { row in
            row.rating.map { RankedVendor(vendor: row.slug, name: row.name, tier: row.tier, score: score(row.hundredths ?? 0), rating: $0, drivers: lines(row.drivers)) }
        }
        let changes = facts.ratingChanges.map {
            RatingChange(vendor: $0.vendor, from: $0.from, to: $0.to, at: $0.at, reason: $0.reason.map { Line($0, sentences: sentences, library: library) },
                         fromModel: $0.fromModel, toModel: $0.toModel)
        }
        let dependencies = facts.fourthParties.reduce(0) { $0 + $1.vendors }
        let providers = facts.fourthParties.map {
            Provider(name: $0.name, vendors: $0.vendors, criticalVendors: $0.critical,
                     share: dependencies == 0 ? 0 : (Decimal($0.vendors) / Decimal(dependencies)).rounded(4))
        }
        let hhi = FourthPartyConcentration.hhi(facts.fourthParties.map(\.vendors))
        return CommitteePack(
            meta: Meta(asOf: asOf, since: since, modelVersions: facts.figures.modelVersions,
                       models: facts.figures.models.map { Model(digest: $0.digest, version: $0.version, firstUsedAt: $0.firstUsedAt) }, digest: ""),
            summary: Summary(
                vendors: vendors, scored: scored, byTier: byTier, byRating: byRating, averageScore: average, distribution: distribution,
                trend: facts.trend.map { TrendPoint(month: $0.month, averageScore: $0.average.map(score), scored: $0.scored) }),
            heatMap: heat, topRisks: top,
            changes: Changes(
                newVendors: facts.newVendors, offboarded: facts.offboarded,
                ratingsWorse: changes.filter { $0.to > $0.from }, ratingsBetter: changes.filter { $0.to < $0.from },
                modelChanges: facts.modelChanges,
                incidentsOpened: facts.incidentsOpened.map { IncidentItem(vendor: $0.vendor, title: $0.title, severity: $0.severity, status: nil, at: $0.occurredAt) },
                incidentsClosed: facts.incidentsClosed.map { IncidentItem(vendor: $0.vendor, title: $0.title, severity: $0.severity, status: nil, at: $0.resolvedAt) },
                assessmentsSent: facts.assessmentsSent, assessmentsCompleted: facts.assessmentsCompleted, assessmentsOverdue: facts.assessmentsOverdue,
                clauseGapsOpened: facts.gapsOpened.map { ClauseChange(vendor: $0.vendor, clause: $0.clause, status: $0.status, at: $0.at) },
                clauseGapsClosed: facts.gapsClosed.map { ClauseChange(vendor: $0.vendor, clause: $0.clause, status: $0.status, at: $0.at) },
                notificationBreaches: facts.slaBreaches.map { Breach(vendor: $0.vendor, incident: $0.title, detail: $0.detail) },
                totals: facts.totals,
                listLimit: CommitteeReportStore.listLimit),
            concentration: Concentration(providers: providers, hhi: hhi),
            openIncidents: facts.openIncidents.map { IncidentItem(vendor: $0.vendor, title: $0.title, severity: $0.severity, status: $0.status, at: $0.occurredAt) },
            expiringCertificates: facts.expiringCertificates.map { Certificate(vendor: $0.vendor, standard: $0.standard, expiresOn: $0.expiresOn) },
            clauseGaps: facts.clauseGaps.map { ClauseGap(clause: $0.clause, vendors: $0.vendors) },
            appendix: [])
    }

    /// The pack as JSON with sorted keys and ISO 8601 dates, as `JSONEncoder` writes it by default otherwise: the form
    /// its digest is computed over, with the digest left empty.
    public func canonicalJSON(includingDigest: Bool = true) -> String {
        var copy = self
        if !includingDigest { copy.meta.digest = "" }
        return String(decoding: Self.encode(copy), as: UTF8.self)
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        // Slashes escaped, as JSONEncoder does by default and JSONWriter always does.
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return Array((try? encoder.encode(value)) ?? Data())
    }
}

extension CommitteePack.Profile {
    /// The appendix page of one critical or high vendor.
    public init(_ row: AppendixRow, cadence: [Tier: ScoringConfiguration.Cadence], sentences: ScoreSentences = .standard, library: ClauseLibrary? = nil) {
        func lines(_ lines: [Score.Line]) -> [CommitteePack.Line] { lines.map { CommitteePack.Line($0, sentences: sentences, library: library) } }
        let register = row.register
        self.init(
            vendor: register.slug, name: register.name, tier: register.tier, status: register.status, businessOwner: row.businessOwner,
            offering: row.offering, aiActClass: row.aiActClass, decisionImpact: row.decisionImpact, businessCriticality: row.businessCriticality,
            dataCategories: row.dataCategories, score: register.hundredths.map { Decimal(hundredths: $0) }, rating: register.rating,
            drivers: lines(register.drivers), failedAnswers: lines(row.failedAnswers), clauseGaps: row.clauseGapKeys,
            incidents: row.incidents.map { .init(vendor: register.slug, title: $0.title, severity: $0.severity, status: $0.status, at: $0.occurredAt) },
            lastAssessed: register.lastAssessed,
            nextAssessment: PackWriter.nextAssessment(after: register.lastAssessed, tier: register.tier, cadence: cadence))
    }

    /// The profile as `JSONEncoder` writes it with sorted keys and ISO 8601 dates, written directly: the appendix
    /// can hold thousands (a test holds the two together).
    func write(to json: inout JSONWriter) {
        json.object { json in
            json.key("aiActClass"); json.value(aiActClass)
            json.key("businessCriticality"); json.value(businessCriticality)
            json.key("businessOwner"); json.value(businessOwner)
            json.key("clauseGaps"); json.value(clauseGaps)
            json.key("dataCategories"); json.value(dataCategories)
            json.key("decisionImpact"); json.value(decisionImpact)
            json.key("drivers"); json.array(drivers) { json, line in line.write(to: &json) }
            json.key("failedAnswers"); json.array(failedAnswers) { json, line in line.write(to: &json) }
            json.key("incidents")
            json.array(incidents) { json, incident in
                json.object { json in
                    json.key("at"); json.value(incident.at)
                    json.key("severity"); json.value(incident.severity)
                    json.field("status", incident.status)
                    json.key("title"); json.value(incident.title)
                    json.key("vendor"); json.value(incident.vendor)
                }
            }
            if let lastAssessed { json.key("lastAssessed"); json.value(lastAssessed) }
            json.key("name"); json.value(name)
            if let nextAssessment { json.key("nextAssessment"); json.value(nextAssessment) }
            json.key("offering"); json.value(offering)
            json.field("rating", rating?.rawValue)
            if let score { json.key("score"); json.number("\(score)") }
            json.key("status"); json.value(status)
            json.key("tier"); json.value(tier.rawValue)
            json.key("vendor"); json.value(vendor)
        }
    }
}

extension Decimal {
    func rounded(_ places: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, places, .plain)
        return result
    }
}

extension Decimal {
    /// `hundredths` / 100, exactly, in the compact form division gives (1250 is 12.5), without dividing: the pack
    /// makes one for every line it shows, and Decimal division showed at the top of its profile.
    init(hundredths: Int) {
        var significand = hundredths.magnitude
        var exponent = -2
        while exponent < 0, significand != 0, significand % 10 == 0 {
            significand /= 10
            exponent += 1
        }
        self.init(sign: hundredths < 0 ? .minus : .plus, exponent: exponent, significand: Decimal(significand))
    }
}
