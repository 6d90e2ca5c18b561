public import Foundation

/// A certificate or attestation a vendor holds.
public struct Certification: Sendable, Hashable, Codable {
    /// The database's identifier.
    public var id: Int
    /// The standard certified against.
    public var standard: Standard
    /// Who issued it (the certification body or audit firm).
    public var issuer: String
    /// What it covers, in the certificate's words.
    public var scope: String
    /// When it was issued, if known.
    public var issuedOn: Date?
    /// When it expires; for a SOC 2 report, the end of its period plus twelve months.
    public var expiresOn: Date

    /// Creates a certification record.
    public init(id: Int, standard: Standard, issuer: String, scope: String, issuedOn: Date?, expiresOn: Date) {
        self.id = id
        self.standard = standard
        self.issuer = issuer
        self.scope = scope
        self.issuedOn = issuedOn
        self.expiresOn = expiresOn
    }

    /// Whether it has expired on `date`.
    public func isExpired(on date: Date) -> Bool { expiresOn < date }

    /// The standards tprm knows.
    public enum Standard: String, Sendable, Hashable, Codable, CaseIterable {
        case iso42001 = "iso_42001"
        case iso27001 = "iso_27001"
        case iso27701 = "iso_27701"
        case soc2Type1 = "soc2_type1"
        case soc2Type2 = "soc2_type2"
        case other

        /// The name a reader knows: `ISO/IEC 42001`.
        public var title: String {
            switch self {
            case .iso42001: "ISO/IEC 42001"
            case .iso27001: "ISO/IEC 27001"
            case .iso27701: "ISO/IEC 27701"
            case .soc2Type1: "SOC 2 Type I"
            case .soc2Type2: "SOC 2 Type II"
            case .other: "other"
            }
        }
    }
}
