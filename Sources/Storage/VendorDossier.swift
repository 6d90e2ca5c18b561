public import Foundation
public import SupplierRisk

/// Everything the registry knows of one vendor, read in one transaction.
public struct VendorDossier: Sendable, Hashable, Encodable {
    public let vendor: Vendor
    public let certifications: [Certification]
    public let contracts: [Contract]
    public let openIncidents: [Incident]
}

extension VendorStore {
    /// The vendor with its certificates, contracts and open incidents.
    ///
    /// - Throws: ``StorageError/notFound(_:)``.
    public func dossier(_ slug: String) throws -> VendorDossier {
        try database.transaction { connection in
            guard let vendor = try read(connection, where: "v.slug = \(slug)").first else {
                throw StorageError.notFound("no vendor with slug \(slug)")
            }
            return VendorDossier(
                vendor: vendor,
                certifications: try CertificationStore.read(connection, where: "c.vendor_id = \(vendor.id)"),
                contracts: try ContractStore.read(connection, where: "k.vendor_id = \(vendor.id)"),
                openIncidents: try IncidentStore.read(connection, where: "i.vendor_id = \(vendor.id) AND i.status IN ('open', 'investigating')"))
        }
    }
}

/// A vendor's dossier judged at a moment, as `tprm vendor show` and the vendor page present it: the tier the rules
/// give, the contracts in force, the required clauses and the gaps among them, expired certificates, and the
/// incidents whose notice is late, each judged as the score judges it.
public struct VendorStanding: Sendable {
    public let dossier: VendorDossier
    public let now: Date
    /// What the tiering rules in scoring.yaml give the profile now (it may differ from the stored tier until the next update).
    public let tier: TierAssessment
    /// The contracts in force at `now`.
    public let contractsInForce: [Contract]
    /// The clauses the vendor's tier and profile require.
    public let requiredClauses: [ClauseLibrary.Clause]
    /// Required clauses no contract in force satisfies, with the best status recorded (nil: none recorded).
    public let clauseGaps: [(clause: ClauseLibrary.Clause, status: ClauseStatus?)]
    /// The ids of the certificates expired at `now`.
    public let expiredCertifications: Set<Int>
    /// The notice SLA the incidents are judged by: the one signed in a contract in force, else the library's for the tier.
    public let noticeSLA: (hours: Int, source: Score.SLASource)?
    /// The ids of open incidents whose notice is late.
    public let lateNotices: Set<Int>

    public init(_ dossier: VendorDossier, scoring: ScoringConfiguration, library: ClauseLibrary, now: Date) {
        self.dossier = dossier
        self.now = now
        let vendor = dossier.vendor
        tier = scoring.tiering.assess(vendor.profile)
        // A clause counts as satisfied if any contract in force satisfies it.
        let current = dossier.contracts.filter { $0.effectiveOn <= now && ($0.expiresOn.map { $0 >= now } ?? true) }
        contractsInForce = current
        let records = current.flatMap(\.clauses).sorted { !$0.status.isSatisfied && $1.status.isSatisfied }
        requiredClauses = library.required(tier: vendor.tier, profile: vendor.profile)
        clauseGaps = library.gaps(tier: vendor.tier, profile: vendor.profile, recorded: records)
        expiredCertifications = Set(dossier.certifications.filter { $0.isExpired(on: now) }.map(\.id))
        let sla = ScoringModel(configuration: scoring, library: library).noticeSLA(tier: vendor.tier, clauses: current.flatMap(\.clauses))
        noticeSLA = sla
        lateNotices = Set(sla.map { sla in dossier.openIncidents.filter { $0.isNoticeLate(slaHours: sla.hours, now: now) }.map(\.id) } ?? [])
    }
}
