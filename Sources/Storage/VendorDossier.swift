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
