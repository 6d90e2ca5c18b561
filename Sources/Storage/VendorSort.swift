import Postgres

/// The order of a vendor list: a key and a direction, written `name`, `-score` and so on.
public struct VendorSort: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Key: String, Sendable, Hashable, Codable, CaseIterable {
        /// Name, case-insensitive.
        case name
        /// Residual risk of the current score; vendors not scored yet come first ascending, last descending.
        case score
        /// Tier from low to critical.
        case tier
        /// Time of the last change to the vendor's record.
        case updated

        /// The SQL expression over `v` (vendors) this key sorts by; never NULL.
        var expression: PostgresQuery {
            switch self {
            case .name: "lower(v.name)"
            case .score: "COALESCE((SELECT s.hundredths FROM scores s WHERE s.vendor_id = v.id), -1)"
            case .tier: "array_position(ARRAY['low', 'medium', 'high', 'critical'], v.tier)"
            case .updated: Keyset.microseconds("v.updated_at")
            }
        }

        /// The SQL type of ``expression``, to compare a page mark's key with.
        var type: Keyset.KeyType { self == .name ? .text : .bigint }
    }

    public let key: Key
    public let descending: Bool

    public init(key: Key, descending: Bool = false) {
        self.key = key
        self.descending = descending
    }

    /// Parses `name`, `-name`, `score`, `-score`, …; nil for anything else.
    public init?(_ text: some StringProtocol) {
        let descending = text.hasPrefix("-")
        guard let key = Key(rawValue: String(descending ? text.dropFirst() : text[...])) else { return nil }
        self.init(key: key, descending: descending)
    }

    public var description: String { (descending ? "-" : "") + key.rawValue }

    /// Every accepted spelling, for error messages.
    public static let expected = Key.allCases.flatMap { [$0.rawValue, "-" + $0.rawValue] }.joined(separator: ", ")
}
