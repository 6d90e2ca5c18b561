public import Foundation
public import Postgres
public import Storage
public import SupplierRisk

/// Generates committee packs and records each one.
public struct CommitteeReport: Sendable {
    let pool: PostgresPool
    let catalog: Catalog

    public init(pool: PostgresPool, catalog: Catalog) {
        self.pool = pool
        self.catalog = catalog
    }

    /// A generated pack: its content in the format asked for, its digest and parameters, and the pack itself
    /// (nil for the CSV register, which reads the register alone).
    public struct Generated: Sendable {
        public let content: String
        /// The pack's digest; for the CSV register, the SHA-256 of the file.
        public let digest: String
        public let vendors: Int
        public let since: Date
        public let asOf: Date
        public let pack: CommitteePack?
    }

    /// The pack as of `asOf` (now by default) with the changes since `since` (by default the as-of of the
    /// previous recorded pack, else 90 days earlier), written as `format` and recorded with its digest.
    ///
    /// - Throws: ``StorageError/invalid(field:reason:)`` when `since` is not before `asOf`.
    public func generate(since: Date? = nil, asOf: Date? = nil, format: PackFormat, actor: String, record: Bool = true) throws -> Generated {
        let store = CommitteeReportStore(pool: pool)
        let asOf = asOf ?? Date()
        let since = try since ?? store.lastPack(before: asOf) ?? asOf.addingTimeInterval(-90 * 86_400)
        guard since < asOf else {
            throw StorageError.invalid(field: "since", reason: "\(AnswerForm.dayText(since)) is not before the as-of date \(AnswerForm.dayText(asOf))")
        }
        if format == .csv {
            // The register is all the CSV holds: read it alone, and digest the file itself.
            let register = try store.register(asOf: asOf)
            let content = PackWriter.csv(register, cadence: catalog.scoring.cadence)
            let digest = PortalSecret.sha256Hex(Data(content.utf8))
            if record {
                try store.record(since: since, asOf: asOf, format: format.rawValue, digest: digest,
                                 modelVersions: Array(Set(register.compactMap(\.modelVersion))).sorted(), actor: actor)
            }
            return Generated(content: content, digest: digest, vendors: register.count, since: since, asOf: asOf, pack: nil)
        }
        let facts = try store.facts(since: since, asOf: asOf)
        let pack = CommitteePack.build(facts, since: since, asOf: asOf, cadence: catalog.scoring.cadence)
        let content = PackWriter.write(pack, register: facts.register, as: format, cadence: catalog.scoring.cadence)
        if record {
            try store.record(since: since, asOf: asOf, format: format.rawValue, digest: pack.meta.digest, modelVersions: pack.meta.modelVersions, actor: actor)
        }
        return Generated(content: content, digest: pack.meta.digest, vendors: pack.summary.vendors, since: since, asOf: asOf, pack: pack)
    }
}
