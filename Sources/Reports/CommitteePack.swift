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
        /// The scoring model versions of the scores shown.
        public let modelVersions: [String]
        /// SHA-256 of the pack's content (everything but this field), as JSON with sorted keys.
        public var digest: String
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
        public let rating: Tier
        public let count: Int
    }

    public struct RankedVendor: Sendable, Codable, Hashable {
        public let vendor: String
        public let name: String
        public let tier: Tier
        public let score: Decimal
        public let rating: Tier
        public let drivers: [String]
    }

    public struct RatingChange: Sendable, Codable, Hashable {
        public let vendor: String
        public let from: Tier
        public let to: Tier
        public let at: Date
        public let reason: String
    }

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
        public let incidentsOpened: [IncidentItem]
        public let incidentsClosed: [IncidentItem]
        public let assessmentsSent: Int
        public let assessmentsCompleted: Int
        public let assessmentsOverdue: Int
        public let clauseGapsOpened: [ClauseChange]
        public let clauseGapsClosed: [ClauseChange]
        public let notificationBreaches: [Breach]
    }

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
        public let score: Decimal?
        public let rating: Tier?
        public let drivers: [String]
        public let lastAssessed: Date?
        public let nextAssessment: Date?
        public let openIncidents: Int
        public let clauseGaps: Int
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
    /// Builds the pack from the facts read as of a moment.
    public static func build(_ facts: CommitteeFacts, since: Date, asOf: Date, cadence: [Tier: ScoringConfiguration.Cadence]) -> CommitteePack {
        let register = facts.register
        let scored = register.filter { $0.hundredths != nil }
        func score(_ hundredths: Int) -> Decimal { Decimal(hundredths) / 100 }
        let tiersHighFirst = Tier.allCases.reversed()
        let byTier = tiersHighFirst.map { tier in Count(key: tier.rawValue, count: register.filter { $0.tier == tier }.count) }
        let byRating = tiersHighFirst.map { tier in Count(key: tier.rawValue, count: scored.filter { $0.rating == tier }.count) }
            + [Count(key: "not scored", count: register.count - scored.count)]
        let average: Decimal? = scored.isEmpty ? nil
            : (Decimal(scored.reduce(0) { $0 + $1.hundredths! }) / Decimal(scored.count) / 100).rounded(2)
        let distribution = (0..<10).map { bucket in
            Count(key: "\(bucket * 10)–\(bucket * 10 + 10)", count: scored.filter { min($0.hundredths! / 1000, 9) == bucket }.count)
        }
        let heat = tiersHighFirst.flatMap { tier in
            tiersHighFirst.map { rating in HeatCell(tier: tier, rating: rating, count: scored.filter { $0.tier == tier && $0.rating == rating }.count) }
        }
        let top = scored.sorted { ($0.hundredths!, $1.slug) > ($1.hundredths!, $0.slug) }.prefix(10).map {
            RankedVendor(vendor: $0.slug, name: $0.name, tier: $0.tier, score: score($0.hundredths!), rating: $0.rating!, drivers: $0.drivers)
        }
        let changes = facts.ratingChanges.map { RatingChange(vendor: $0.vendor, from: $0.from, to: $0.to, at: $0.at, reason: $0.reason) }
        let dependencies = facts.fourthParties.reduce(0) { $0 + $1.vendors }
        let providers = facts.fourthParties.map {
            Provider(name: $0.name, vendors: $0.vendors, criticalVendors: $0.critical,
                     share: dependencies == 0 ? 0 : (Decimal($0.vendors) / Decimal(dependencies)).rounded(4))
        }
        let hhi = dependencies == 0 ? 0 : facts.fourthParties.reduce(0.0) { sum, provider in
            let share = Double(provider.vendors) / Double(dependencies) * 100
            return sum + share * share
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let appendix = register.filter { $0.tier == .critical || $0.tier == .high }
            .sorted { ($0.tier.rank, $0.hundredths ?? -1, $1.slug) > ($1.tier.rank, $1.hundredths ?? -1, $0.slug) }
            .map { row in
                Profile(
                    vendor: row.slug, name: row.name, tier: row.tier, status: row.status, score: row.hundredths.map(score), rating: row.rating,
                    drivers: row.drivers, lastAssessed: row.lastAssessed,
                    nextAssessment: row.lastAssessed.flatMap { calendar.date(byAdding: .month, value: cadence[row.tier]?.months ?? 12, to: $0) },
                    openIncidents: row.openIncidents, clauseGaps: row.clauseGaps)
            }
        var pack = CommitteePack(
            meta: Meta(asOf: asOf, since: since, modelVersions: Array(Set(scored.compactMap(\.modelVersion))).sorted(), digest: ""),
            summary: Summary(
                vendors: register.count, scored: scored.count, byTier: byTier, byRating: byRating, averageScore: average, distribution: distribution,
                trend: facts.trend.map { TrendPoint(month: $0.month, averageScore: $0.average.map(score), scored: $0.scored) }),
            heatMap: heat, topRisks: Array(top),
            changes: Changes(
                newVendors: facts.newVendors, offboarded: facts.offboarded,
                ratingsWorse: changes.filter { $0.to.rank > $0.from.rank }, ratingsBetter: changes.filter { $0.to.rank < $0.from.rank },
                incidentsOpened: facts.incidentsOpened.map { IncidentItem(vendor: $0.vendor, title: $0.title, severity: $0.severity, status: nil, at: $0.occurredAt) },
                incidentsClosed: facts.incidentsClosed.map { IncidentItem(vendor: $0.vendor, title: $0.title, severity: $0.severity, status: nil, at: $0.resolvedAt) },
                assessmentsSent: facts.assessmentsSent, assessmentsCompleted: facts.assessmentsCompleted, assessmentsOverdue: facts.assessmentsOverdue,
                clauseGapsOpened: facts.gapsOpened.map { ClauseChange(vendor: $0.vendor, clause: $0.clause, status: $0.status, at: $0.at) },
                clauseGapsClosed: facts.gapsClosed.map { ClauseChange(vendor: $0.vendor, clause: $0.clause, status: $0.status, at: $0.at) },
                notificationBreaches: facts.slaBreaches.map { Breach(vendor: $0.vendor, incident: $0.title, detail: $0.detail) }),
            concentration: Concentration(providers: providers, hhi: Int(hhi.rounded())),
            openIncidents: facts.openIncidents.map { IncidentItem(vendor: $0.vendor, title: $0.title, severity: $0.severity, status: $0.status, at: $0.occurredAt) },
            expiringCertificates: facts.expiringCertificates.map { Certificate(vendor: $0.vendor, standard: $0.standard, expiresOn: $0.expiresOn) },
            clauseGaps: facts.clauseGaps.map { ClauseGap(clause: $0.clause, vendors: $0.vendors) },
            appendix: appendix)
        pack.meta.digest = PortalSecret.sha256Hex(Data(pack.canonicalJSON(includingDigest: false).utf8))
        return pack
    }

    /// The pack as JSON with sorted keys and ISO 8601 dates; the digest is computed over it without the digest.
    public func canonicalJSON(includingDigest: Bool = true, pretty: Bool = false) -> String {
        var copy = self
        if !includingDigest { copy.meta.digest = "" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(copy)) ?? Data(), as: UTF8.self)
    }
}

extension Tier {
    /// low 0 … critical 3.
    var rank: Int { Tier.allCases.firstIndex(of: self) ?? 0 }
}

extension Decimal {
    func rounded(_ places: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, places, .plain)
        return result
    }
}
