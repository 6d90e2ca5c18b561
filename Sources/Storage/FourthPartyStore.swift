import Postgres

/// A foundation-model provider or sub-processor and how many vendors depend on it.
public struct FourthPartyConcentration: Sendable, Hashable, Codable {
    /// Its name.
    public let name: String
    /// The roles it plays for vendors: `foundation_model`, `sub_processor`.
    public let roles: [String]
    /// How many vendors depend on it.
    public let vendors: Int
    /// How many of those are in the critical tier.
    public let criticalVendors: Int
    /// Its share of the portfolio (every vendor not offboarded), from 0 to 1.
    public let share: Double
}

extension FourthPartyConcentration {
    /// The Herfindahl–Hirschman index of the dependencies, 0–10,000: the sum of each provider's squared share (in
    /// percent) of all vendor dependencies, given as the count of vendors on each. Above 2,500 is highly concentrated.
    public static func hhi(_ vendorsPerProvider: [Int]) -> Int {
        let total = vendorsPerProvider.reduce(0, +)
        guard total > 0 else { return 0 }
        return Int(vendorsPerProvider.reduce(0.0) { sum, vendors in
            let share = Double(vendors) / Double(total) * 100
            return sum + share * share
        }.rounded())
    }
}

/// Fourth parties: organisations our vendors depend on.
public struct FourthPartyStore: Sendable {
    let database: Database

    /// Creates a store on the database.
    public init(database: Database) { self.database = database }

    /// Every fourth party with the count of vendors (and critical vendors) on it, most depended-on first:
    /// `limit` after `mark`, or all without a limit.
    public func concentration(after mark: PageMark? = nil, limit: Int? = nil) throws -> Page<FourthPartyConcentration> {
        try database.withConnection { connection in
            try Keyset(keys: [("-c.vendors", .bigint), ("-c.critical_vendors", .bigint), ("lower(c.name)", .text), ("c.id", .bigint)], descending: false).read(
                connection, columns: "c.name, c.roles, c.vendors, c.critical_vendors, c.share",
                from: """
                    (WITH portfolio AS (SELECT count(*) AS n FROM vendors WHERE status <> 'offboarded')
                     SELECT f.id, f.name,
                            array_agg(DISTINCT l.role ORDER BY l.role) AS roles,
                            count(DISTINCT l.vendor_id) AS vendors,
                            count(DISTINCT l.vendor_id) FILTER (WHERE v.tier = 'critical') AS critical_vendors,
                            count(DISTINCT l.vendor_id)::float8 / NULLIF((SELECT n FROM portfolio), 0) AS share
                     FROM fourth_parties f
                     JOIN vendor_fourth_parties l ON l.fourth_party_id = f.id
                     JOIN vendors v ON v.id = l.vendor_id AND v.status <> 'offboarded'
                     GROUP BY f.id, f.name) c
                    """,
                after: mark, limit: limit
            ) { row in
                FourthPartyConcentration(
                    name: try row.decode(String.self, "name"), roles: try row.decode([String].self, "roles"), vendors: try row.decode(Int.self, "vendors"),
                    criticalVendors: try row.decode(Int.self, "critical_vendors"), share: try row.decode(Double?.self, "share") ?? 0)
            }
        }
    }

    /// Links vendors to fourth parties by name (case and spaces ignored), creating unknown ones, in two statements.
    static func link(_ connection: Connection, vendorIDs: [Int], names: [String], role: String) throws {
        try connection.execute("""
            INSERT INTO fourth_parties (name)
            SELECT DISTINCT ON (lower(btrim(n))) btrim(n) FROM unnest(\(names)::text[]) AS n WHERE btrim(n) <> ''
            ON CONFLICT ((lower(btrim(name)))) DO NOTHING
            """)
        try connection.execute("""
            INSERT INTO vendor_fourth_parties (vendor_id, fourth_party_id, role)
            SELECT pairs.vendor_id, f.id, \(role)
            FROM unnest(\(vendorIDs.map(String.init))::bigint[], \(names)::text[]) AS pairs (vendor_id, name)
            JOIN fourth_parties f ON lower(btrim(f.name)) = lower(btrim(pairs.name))
            ON CONFLICT DO NOTHING
            """)
    }
}

/// One of a vendor's fourth parties, with the other vendors of the portfolio that depend on it.
public struct SharedFourthParty: Sendable, Hashable {
    public let name: String
    /// `foundation_model` or `sub_processor`, for this vendor.
    public let role: String
    /// Another vendor depending on it.
    public struct Other: Sendable, Hashable {
        public let slug: String
        public let name: String
    }
    /// Up to ``FourthPartyStore/sharingLimit`` of the others, the first registered first.
    public let others: [Other]
    /// How many other vendors depend on it in all.
    public let otherCount: Int
}

extension FourthPartyStore {
    /// How many of the other vendors sharing a fourth party are named.
    public static let sharingLimit = 20

    /// The vendor's fourth parties, by role then name, each with the other vendors (not offboarded) that depend on it.
    public func sharing(vendor slug: String) throws -> [SharedFourthParty] {
        try database.withConnection { connection in
            try connection.query("""
                SELECT f.name, l.role, o.slugs, o.names,
                       (SELECT count(DISTINCT ol.vendor_id)::int FROM vendor_fourth_parties ol JOIN vendors ov ON ov.id = ol.vendor_id
                        WHERE ol.fourth_party_id = f.id AND ov.id <> v.id AND ov.status <> 'offboarded') AS total
                FROM vendors v JOIN vendor_fourth_parties l ON l.vendor_id = v.id JOIN fourth_parties f ON f.id = l.fourth_party_id,
                LATERAL (
                    -- The first registered, walking the index on (fourth_party_id, vendor_id): a large provider has
                    -- thousands of vendors, and sorting them all by name for twenty cost more than the rest of the page.
                    SELECT COALESCE(array_agg(x.slug ORDER BY x.id), '{}') AS slugs, COALESCE(array_agg(x.name ORDER BY x.id), '{}') AS names
                    FROM (SELECT ov.id, ov.slug, ov.name FROM vendor_fourth_parties ol JOIN vendors ov ON ov.id = ol.vendor_id
                          WHERE ol.fourth_party_id = f.id AND ov.id <> v.id AND ov.status <> 'offboarded'
                          ORDER BY ol.vendor_id LIMIT \(Self.sharingLimit)) x
                ) o
                WHERE v.slug = \(slug)
                ORDER BY l.role, lower(f.name)
                """).map { row in
                let slugs = try row.decode([String].self, "slugs"), names = try row.decode([String].self, "names")
                // A vendor linked to the provider in both roles is named once.
                var seen = Set<String>()
                return SharedFourthParty(
                    name: try row.decode(String.self, "name"), role: try row.decode(String.self, "role"),
                    others: zip(slugs, names).filter { seen.insert($0.0).inserted }.map { SharedFourthParty.Other(slug: $0, name: $1) },
                    otherCount: try row.decode(Int.self, "total"))
            }
        }
    }
}
