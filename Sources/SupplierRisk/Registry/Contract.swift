public import Foundation

/// A contract with a vendor, and the state of each library clause in it.
public struct Contract: Sendable, Hashable, Codable {
    /// The database's identifier.
    public var id: Int
    /// The vendor's slug.
    public var vendor: String
    /// Our reference for it, unique per vendor (a contract number or title).
    public var reference: String
    /// When it takes effect.
    public var effectiveOn: Date
    /// When it ends, if it has an end.
    public var expiresOn: Date?
    /// Days before expiry by which notice of (non-)renewal must be given.
    public var renewalNoticeDays: Int?
    /// Its annual value, in `currency`.
    public var annualValue: Decimal?
    /// ISO 4217 code of `annualValue`.
    public var currency: String?
    /// Clause statuses recorded so far, by clause key.
    public var clauses: [ClauseStatusRecord]

    /// Creates a contract record.
    public init(
        id: Int, vendor: String, reference: String, effectiveOn: Date, expiresOn: Date?, renewalNoticeDays: Int?,
        annualValue: Decimal?, currency: String?, clauses: [ClauseStatusRecord]
    ) {
        self.id = id
        self.vendor = vendor
        self.reference = reference
        self.effectiveOn = effectiveOn
        self.expiresOn = expiresOn
        self.renewalNoticeDays = renewalNoticeDays
        self.annualValue = annualValue
        self.currency = currency
        self.clauses = clauses
    }

    /// The last day to give notice of renewal, if the contract has an end and a notice period.
    public var renewalNoticeDeadline: Date? {
        guard let expiresOn, let renewalNoticeDays else { return nil }
        return expiresOn.addingTimeInterval(-Double(renewalNoticeDays) * 86_400)
    }
}

/// Where a clause stands in a contract.
public enum ClauseStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// In the contract as the library words it.
    case present
    /// Not in the contract.
    case missing
    /// In the contract, but weaker than the library's wording.
    case deviation
    /// Being negotiated.
    case negotiating
    /// Does not apply to this contract.
    case notApplicable = "not_applicable"

    /// Whether the clause protects us as required.
    public var isSatisfied: Bool { self == .present || self == .notApplicable }

    /// Whether the contract binds the vendor to the clause, in its words or weaker ones: its signed parameters apply.
    public var isInForce: Bool { self == .present || self == .deviation }
}

/// One clause's recorded status in a contract.
public struct ClauseStatusRecord: Sendable, Hashable, Codable {
    /// The clause's key in the library.
    public var key: String
    /// Its status.
    public var status: ClauseStatus
    /// What was agreed or is missing, in words.
    public var note: String
    /// Who checked the contract text.
    public var verifiedBy: String?
    /// When the status was recorded.
    public var updatedAt: Date
    /// The numbers signed in this contract, by the library clause's parameter names (`sla_hours: 24`).
    public var parameters: [String: Int]

    /// Creates a clause status record.
    public init(key: String, status: ClauseStatus, note: String, verifiedBy: String?, updatedAt: Date, parameters: [String: Int] = [:]) {
        self.key = key
        self.status = status
        self.note = note
        self.verifiedBy = verifiedBy
        self.updatedAt = updatedAt
        self.parameters = parameters
    }

    private enum CodingKeys: String, CodingKey { case key, status, note, verifiedBy, updatedAt, parameters }

    /// Decodes a record; one written before clauses carried signed parameters has none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            key: try container.decode(String.self, forKey: .key), status: try container.decode(ClauseStatus.self, forKey: .status),
            note: try container.decode(String.self, forKey: .note), verifiedBy: try container.decodeIfPresent(String.self, forKey: .verifiedBy),
            updatedAt: try container.decode(Date.self, forKey: .updatedAt),
            parameters: try container.decodeIfPresent([String: Int].self, forKey: .parameters) ?? [:])
    }
}
