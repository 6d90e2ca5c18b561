import Foundation
import Postgres
public import SupplierRisk

/// The vendors table and what hangs off it: fourth-party links, the tier, the audit trail.
public struct VendorStore: Sendable {
    let database: Database
    /// The rules that set every written vendor's tier.
    public let tiering: TieringRules

    /// Creates a store; `tiering` sets the tier of every vendor written.
    public init(database: Database, tiering: TieringRules) {
        self.database = database
        self.tiering = tiering
    }

    /// Registers a vendor, computing its tier, and writes its audit row.
    ///
    /// - Throws: ``StorageError/duplicate(_:)`` when the slug is taken, ``StorageError/invalid(field:reason:)``.
    @discardableResult
    public func add(_ draft: VendorDraft, actor: String) throws -> Vendor {
        if let problem = VendorRules.problem(status: draft.status, profile: draft.profile) { throw StorageError.invalid(field: "status", reason: problem) }
        return try database.transaction(subject: draft.slug) { connection in
            let assessment = tiering.assess(draft.profile)
            let id = try connection.query("""
                INSERT INTO vendors (slug, name, status, business_owner, contact_email, offering, ai_description,
                    data_categories, decision_impact, ai_act_class, autonomy, business_criticality, hosting_regions, tier, tier_reasons)
                VALUES (\(draft.slug), \(draft.name), \(draft.status.rawValue), \(draft.businessOwner), \(draft.contactEmail),
                    \(draft.profile.offering.rawValue), \(draft.profile.description), \(draft.profile.dataCategories.map(\.rawValue).sorted()),
                    \(draft.profile.decisionImpact.rawValue), \(draft.profile.aiActClass.rawValue), \(draft.profile.autonomy.rawValue),
                    \(draft.profile.businessCriticality.rawValue), \(draft.profile.hostingRegions), \(assessment.tier.rawValue),
                    \(try JSONB(assessment.reasons)))
                RETURNING id
                """)[0].decode(Int.self, at: 0)
            try linkFourthParties(connection, vendorID: id, draft: draft, replacing: false)
            try Audit.record(connection, actor: actor, action: .create, entity: "vendor", id: draft.slug, before: nil, after: try snapshot(connection, id: id))
            return try read(connection, where: "v.id = \(id)")[0]
        }
    }

    /// Replaces a vendor's fields with `change(current)`, recomputing its tier; audits before and after, with the
    /// `reason` given for the change (such as why a vendor is offboarded) in the audit row's `after` as `reason`.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` for an unknown slug, ``StorageError/invalid(field:reason:)``.
    @discardableResult
    public func update(_ slug: String, actor: String, reason: String? = nil, _ change: (inout VendorDraft) throws -> Void) throws -> Vendor {
        return try database.transaction(subject: slug) { connection in
            guard let current = try read(connection, where: "v.slug = \(slug)", locking: true).first else {
                throw StorageError.notFound("no vendor with slug \(slug)")
            }
            var draft = VendorDraft(
                slug: current.slug, name: current.name, status: current.status, businessOwner: current.businessOwner,
                contactEmail: current.contactEmail, profile: current.profile,
                foundationModels: current.foundationModels, subProcessors: current.subProcessors)
            let unchanged = draft
            try change(&draft)
            if draft == unchanged { return current }
            if let problem = VendorRules.problem(status: draft.status, profile: draft.profile) { throw StorageError.invalid(field: "status", reason: problem) }
            let before = try snapshot(connection, id: current.id)
            let assessment = tiering.assess(draft.profile)
            try connection.execute("""
                UPDATE vendors SET slug = \(draft.slug), name = \(draft.name), status = \(draft.status.rawValue),
                    business_owner = \(draft.businessOwner), contact_email = \(draft.contactEmail),
                    offering = \(draft.profile.offering.rawValue), ai_description = \(draft.profile.description),
                    data_categories = \(draft.profile.dataCategories.map(\.rawValue).sorted()),
                    decision_impact = \(draft.profile.decisionImpact.rawValue), ai_act_class = \(draft.profile.aiActClass.rawValue),
                    autonomy = \(draft.profile.autonomy.rawValue),
                    business_criticality = \(draft.profile.businessCriticality.rawValue), hosting_regions = \(draft.profile.hostingRegions),
                    tier = \(assessment.tier.rawValue), tier_reasons = \(try JSONB(assessment.reasons)), updated_at = now()
                WHERE id = \(current.id)
                """)
            try linkFourthParties(connection, vendorID: current.id, draft: draft, replacing: true)
            try Audit.record(connection, actor: actor, action: .update, entity: "vendor", id: draft.slug, before: before,
                             after: try snapshot(connection, id: current.id), reason: reason)
            return try read(connection, where: "v.id = \(current.id)")[0]
        }
    }

    /// The vendor with `slug`.
    ///
    /// - Throws: ``StorageError/notFound(_:)``.
    public func vendor(_ slug: String) throws -> Vendor {
        guard let vendor = try database.withConnection({ try read($0, where: "v.slug = \(slug)").first }) else {
            throw StorageError.notFound("no vendor with slug \(slug)")
        }
        return vendor
    }

    /// Vendors matching the filter, in the order `sort`.
    public func list(tier: Tier? = nil, status: Vendor.Status? = nil, search: String? = nil, sort: VendorSort = .init(key: .name)) throws -> [Vendor] {
        try page(tier: tier, status: status, search: search, sort: sort, after: nil, limit: nil).items
    }

    /// Up to `limit` vendors (all without a limit) after `after`, in the order `sort` (ties by id), and the mark of the next page.
    ///
    /// Keyset pagination: a page never repeats or skips a vendor that existed when the first page was read,
    /// whatever is inserted meanwhile. A mark belongs to the order it was read in.
    ///
    /// - Throws: ``PageMark/Invalid`` for a mark this order did not give out.
    public func page(
        tier: Tier? = nil, rating: Rating? = nil, status: Vendor.Status? = nil, search: String? = nil,
        sort: VendorSort = .init(key: .name), after: PageMark?, limit: Int?
    ) throws -> Page<Vendor> {
        let keyset = Keyset(keys: [(sort.key.expression, sort.key.type), ("v.id", .bigint)], descending: sort.descending)
        let condition = VendorFilter(tier: tier, rating: rating, status: status, search: search).condition(nil)
        return try database.withConnection { connection in
            try keyset.read(connection, columns: Self.columns, from: "vendors v", where: condition, after: after, limit: limit, Self.vendor)
        }
    }

    // MARK: Rows

    static let columns: PostgresQuery = """
        v.id, v.slug, v.name, v.status, v.business_owner, v.contact_email, \(profileColumns), v.tier,
        v.created_at, v.updated_at,
        ARRAY(SELECT f.name FROM vendor_fourth_parties l JOIN fourth_parties f ON f.id = l.fourth_party_id
              WHERE l.vendor_id = v.id AND l.role = 'foundation_model' ORDER BY f.name) AS foundation_models,
        ARRAY(SELECT f.name FROM vendor_fourth_parties l JOIN fourth_parties f ON f.id = l.fourth_party_id
              WHERE l.vendor_id = v.id AND l.role = 'sub_processor' ORDER BY f.name) AS sub_processors
        """

    /// Reads vendors with a condition on `v`, locking their rows for an update when asked.
    func read(_ connection: Connection, where condition: PostgresQuery, locking: Bool = false) throws -> [Vendor] {
        let lock: PostgresQuery = locking ? " FOR NO KEY UPDATE OF v" : ""
        return try connection.query("SELECT \(Self.columns) FROM vendors v WHERE \(condition) ORDER BY lower(v.name), v.id\(lock)").map(Self.vendor)
    }

    static func vendor(_ row: PostgresRow) throws -> Vendor {
        func value<Value: RawRepresentable<String>>(_ type: Value.Type, _ column: String) throws -> Value {
            try RawColumn.decode(type, row, column)
        }
        return Vendor(
            id: try row.decode(Int.self, "id"), slug: try row.decode(String.self, "slug"), name: try row.decode(String.self, "name"),
            status: try value(Vendor.Status.self, "status"), businessOwner: try row.decode(String.self, "business_owner"),
            contactEmail: try row.decode(String?.self, "contact_email"), profile: try profile(row), tier: try value(Tier.self, "tier"),
            foundationModels: try row.decode([String].self, "foundation_models"), subProcessors: try row.decode([String].self, "sub_processors"),
            createdAt: try row.decode(Date.self, "created_at"), updatedAt: try row.decode(Date.self, "updated_at"))
    }

    /// The columns of a vendor's AI profile, `v` being the vendor.
    static let profileColumns: PostgresQuery = "v.offering, v.ai_description, v.data_categories, v.decision_impact, v.ai_act_class, v.autonomy, v.business_criticality, v.hosting_regions"

    /// The AI profile of a row holding ``profileColumns``.
    static func profile(_ row: PostgresRow) throws -> AIProfile {
        func value<Value: RawRepresentable<String>>(_ type: Value.Type, _ column: String) throws -> Value {
            try RawColumn.decode(type, row, column)
        }
        let categories = try row.decode([String].self, "data_categories").map { text in
            guard let category = AIProfile.DataCategory(rawValue: text) else {
                throw PostgresDecodingError(column: "data_categories", sqlType: .textArray, swiftType: "DataCategory", reason: "unknown value \"\(text)\"")
            }
            return category
        }
        return AIProfile(
            offering: try value(AIProfile.Offering.self, "offering"),
            description: try row.decode(String.self, "ai_description"),
            dataCategories: Set(categories),
            decisionImpact: try value(AIProfile.DecisionImpact.self, "decision_impact"),
            aiActClass: try value(AIProfile.AIActClass.self, "ai_act_class"),
            autonomy: try value(AIProfile.Autonomy.self, "autonomy"),
            businessCriticality: try value(AIProfile.BusinessCriticality.self, "business_criticality"),
            hostingRegions: try row.decode([String].self, "hosting_regions"))
    }

    /// SQL for a vendor `v` as the audit log keeps it: its row and its fourth parties.
    static let snapshotExpression: PostgresQuery = """
        to_jsonb(v) || jsonb_build_object('fourth_parties', COALESCE((
            SELECT jsonb_agg(jsonb_build_object('name', f.name, 'role', l.role) ORDER BY l.role, f.name)
            FROM vendor_fourth_parties l JOIN fourth_parties f ON f.id = l.fourth_party_id WHERE l.vendor_id = v.id), '[]'))
        """

    /// The vendor as the audit log keeps it, as JSON text.
    func snapshot(_ connection: Connection, id: Int) throws -> String {
        try connection.query("SELECT (\(Self.snapshotExpression))::text FROM vendors v WHERE v.id = \(id)")[0].decode(String.self, at: 0)
    }

    /// Links a vendor to its foundation-model providers and sub-processors, creating unknown ones.
    func linkFourthParties(_ connection: Connection, vendorID: Int, draft: VendorDraft, replacing: Bool) throws {
        if replacing {
            try connection.execute("DELETE FROM vendor_fourth_parties WHERE vendor_id = \(vendorID)")
        }
        for (role, names) in [("foundation_model", draft.foundationModels), ("sub_processor", draft.subProcessors)] where !names.isEmpty {
            try FourthPartyStore.link(connection, vendorIDs: Array(repeating: vendorID, count: names.count), names: names, role: role)
        }
    }
}

extension VendorStore {
    /// Registers every vendor of an import file in one transaction, through COPY.
    ///
    /// Either all vendors are stored or none: a slug that exists already is
    /// reported with the line it is on, and nothing is written.
    /// - Returns: how many vendors were imported.
    /// - Throws: ``VendorCSV/ProblemList`` naming lines, or a ``PostgresError``.
    @discardableResult
    public func importVendors(_ rows: [VendorCSV.Row], actor: String) throws -> Int {
        try database.transaction { try importVendors(rows, actor: actor, on: $0) }
    }

    /// Imports within the caller's transaction.
    func importVendors(_ rows: [VendorCSV.Row], actor: String, on connection: Connection) throws -> Int {
        let slugs = rows.map(\.draft.slug)
        let taken = try connection.query("SELECT slug FROM vendors WHERE slug = ANY(\(slugs))").map { try $0.decode(String.self, at: 0) }
        if !taken.isEmpty {
            let lines = Dictionary(rows.map { ($0.draft.slug, $0.line) }, uniquingKeysWith: { first, _ in first })
            throw VendorCSV.ProblemList(problems: taken.sorted { lines[$0, default: 0] < lines[$1, default: 0] }.map {
                VendorCSV.Problem(line: lines[$0, default: 0], column: "slug", message: "a vendor with slug \($0) exists")
            })
        }
        let count = try connection.copyFrom("""
            COPY vendors (slug, name, status, business_owner, contact_email, offering, ai_description, data_categories,
                          decision_impact, ai_act_class, autonomy, business_criticality, hosting_regions, tier, tier_reasons)
            FROM STDIN
            """) { copy in
            for vendor in rows.map(\.draft) {
                let assessment = tiering.assess(vendor.profile)
                try copy.row(
                    vendor.slug, vendor.name, vendor.status.rawValue, vendor.businessOwner, vendor.contactEmail, vendor.profile.offering.rawValue,
                    vendor.profile.description, vendor.profile.dataCategories.map(\.rawValue).sorted(), vendor.profile.decisionImpact.rawValue,
                    vendor.profile.aiActClass.rawValue, vendor.profile.autonomy.rawValue, vendor.profile.businessCriticality.rawValue,
                    vendor.profile.hostingRegions,
                    assessment.tier.rawValue, try JSONB(assessment.reasons))
            }
        }
        let ids = Dictionary(uniqueKeysWithValues: try connection.query("SELECT slug, id FROM vendors WHERE slug = ANY(\(slugs))").decode((String, Int).self))
        let roles: [(String, KeyPath<VendorDraft, [String]>)] = [("foundation_model", \.foundationModels), ("sub_processor", \.subProcessors)]
        for (role, names) in roles {
            let pairs = rows.map(\.draft).flatMap { vendor in vendor[keyPath: names].compactMap { name in ids[vendor.slug].map { ($0, name) } } }
            if !pairs.isEmpty {
                try FourthPartyStore.link(connection, vendorIDs: pairs.map(\.0), names: pairs.map(\.1), role: role)
            }
        }
        try connection.execute("""
            INSERT INTO audit_log (actor, action, entity, entity_id, after)
            SELECT \(actor), 'create', 'vendor', v.slug, \(Self.snapshotExpression)
            FROM vendors v WHERE v.slug = ANY(\(slugs)) ORDER BY v.id
            """)
        return count
    }
}

extension VendorStore {
    /// Sets the tier of every vendor whose profile the current rules place in another tier,
    /// with an audit row each; returns how many changed. Run when scoring.yaml changes.
    @discardableResult
    public func reassessTiers(actor: String) throws -> Int {
        try database.transaction { connection in
            // Workers started together (after a deploy) re-tier one after the other: the second reads what the first
            // committed and finds nothing left to change, rather than changing and auditing every vendor twice.
            _ = try connection.query("SELECT pg_advisory_xact_lock(hashtext('tprm: reassess tiers'))")
            // What tiering reads of each vendor, not the whole record: this runs over the register on every model change.
            var changed: [(id: Int, slug: String, updatedAt: Date, assessment: TierAssessment)] = []
            for row in try connection.query("""
                SELECT v.id, v.slug, v.tier, v.updated_at, \(Self.profileColumns) FROM vendors v WHERE v.status <> 'offboarded'
                """) {
                let assessment = tiering.assess(try Self.profile(row))
                if assessment.tier != (try RawColumn.decode(Tier.self, row, "tier")) {
                    changed.append((try row.decode(Int.self, at: 0), try row.decode(String.self, at: 1), try row.decode(Date.self, at: 3), assessment))
                }
            }
            var count = 0
            for vendor in changed {
                let before = try snapshot(connection, id: vendor.id)
                // A vendor edited since it was read keeps the tier its edit gave it.
                guard try connection.execute("""
                    UPDATE vendors SET tier = \(vendor.assessment.tier.rawValue), tier_reasons = \(try JSONB(vendor.assessment.reasons)), updated_at = now()
                    WHERE id = \(vendor.id) AND updated_at = \(vendor.updatedAt)
                    """) == 1 else { continue }
                try Audit.record(connection, actor: actor, action: .update, entity: "vendor", id: vendor.slug,
                                 before: before, after: try snapshot(connection, id: vendor.id))
                count += 1
            }
            return count
        }
    }
}
