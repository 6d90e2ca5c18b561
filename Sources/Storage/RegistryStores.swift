public import Foundation
import Postgres
public import SupplierRisk

/// Certificates vendors hold.
public struct CertificationStore: Sendable {
    let database: Database

    /// Creates a store on the database.
    public init(database: Database) { self.database = database }

    /// Records a certificate for the vendor with `slug`.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` for an unknown vendor, ``StorageError/invalid(field:reason:)``.
    @discardableResult
    public func add(
        vendor slug: String, standard: Certification.Standard, issuer: String, scope: String,
        issuedOn: Date?, expiresOn: Date, document: NewDocument? = nil, actor: String
    ) throws -> Certification {
        try VendorChild.create(database, vendor: slug, entity: "certification", table: "certifications", actor: actor) { connection, vendorID in
            let file = try document.map { try DocumentStore.insert(connection, vendorID: vendorID, $0, actor: actor) }
            return try connection.query("""
                INSERT INTO certifications (vendor_id, standard, issuer, scope, issued_on, expires_on, document_id)
                VALUES (\(vendorID), \(standard.rawValue), \(issuer), \(scope), \(issuedOn)::date, \(expiresOn)::date, \(file))
                RETURNING id
                """)[0].decode(Int.self, at: 0)
        } read: { connection, id in
            try Self.read(connection, where: "c.id = \(id)")[0]
        }
    }

    /// The vendor's certificates, latest expiry first: `limit` after `mark`, or all without a limit.
    public func list(vendor slug: String, after mark: PageMark? = nil, limit: Int? = nil) throws -> Page<Certification> {
        try database.withConnection { connection in
            try Keyset(keys: [("c.expires_on", .date), ("c.id", .bigint)], descending: true).read(
                connection, columns: Self.columns, from: "certifications c", where: "c.vendor_id = \(try VendorLookup.id(connection, slug: slug))",
                after: mark, limit: limit, Self.certification)
        }
    }

    static let columns: PostgresQuery = "c.id, c.standard, c.issuer, c.scope, c.issued_on, c.expires_on"

    static func read(_ connection: Connection, where condition: PostgresQuery) throws -> [Certification] {
        try connection.query("""
            SELECT \(columns) FROM certifications c WHERE \(condition) ORDER BY c.expires_on DESC, c.id DESC
            """).map(certification)
    }

    static func certification(_ row: PostgresRow) throws -> Certification {
        Certification(
            id: try row.decode(Int.self, "id"), standard: try RawColumn.decode(Certification.Standard.self, row, "standard"),
            issuer: try row.decode(String.self, "issuer"), scope: try row.decode(String.self, "scope"),
            issuedOn: try row.decode(Date?.self, "issued_on"), expiresOn: try row.decode(Date.self, "expires_on"))
    }
}

/// Contracts and the status of each library clause in them.
public struct ContractStore: Sendable {
    let database: Database

    /// Creates a store on the database.
    public init(database: Database) { self.database = database }

    /// Records a contract with the vendor with `slug`.
    ///
    /// - Throws: ``StorageError/duplicate(_:)`` when the vendor has a contract with that reference,
    ///   ``StorageError/notFound(_:)``, ``StorageError/invalid(field:reason:)``.
    @discardableResult
    public func add(
        vendor slug: String, reference: String, effectiveOn: Date, expiresOn: Date?, renewalNoticeDays: Int?,
        annualValue: Decimal?, currency: String?, document: NewDocument? = nil, actor: String
    ) throws -> Contract {
        try VendorChild.create(database, vendor: slug, entity: "contract", table: "contracts", actor: actor) { connection, vendorID in
            let file = try document.map { try DocumentStore.insert(connection, vendorID: vendorID, $0, actor: actor) }
            return try connection.query("""
                INSERT INTO contracts (vendor_id, reference, effective_on, expires_on, renewal_notice_days, annual_value, currency, document_id)
                VALUES (\(vendorID), \(reference), \(effectiveOn)::date, \(expiresOn)::date, \(renewalNoticeDays), \(annualValue), \(currency), \(file))
                RETURNING id
                """)[0].decode(Int.self, at: 0)
        } read: { connection, id in
            try Self.read(connection, where: "k.id = \(id)")[0]
        }
    }

    /// Sets a clause's status in a contract (by contract id), with the numbers signed for it; the key must be in
    /// `library`, and each parameter one the library gives the clause.
    ///
    /// - Throws: ``StorageError/invalid(field:reason:)`` for a key not in the library or a parameter it does not take,
    ///   ``StorageError/notFound(_:)``.
    @discardableResult
    public func setClause(
        contract id: Int, key: String, status: ClauseStatus, note: String, verifiedBy: String?, parameters: [String: Int] = [:],
        library: ClauseLibrary, actor: String
    ) throws -> Contract {
        guard library.clause(key) != nil else {
            throw StorageError.invalid(field: "clause", reason: "unknown clause \"\(key)\" (see tprm contract clauses for the library's keys)")
        }
        if let problem = library.problem(key: key, parameters: parameters) {
            throw StorageError.invalid(field: "parameters", reason: problem)
        }
        if !parameters.isEmpty, !status.isInForce {
            throw StorageError.invalid(field: "parameters", reason: "only a clause in force (present or deviation) has signed numbers; this one is \(status.rawValue)")
        }
        return try database.transaction(subject: "contract \(id)") { connection in
            guard try !connection.query("SELECT 1 FROM contracts WHERE id = \(id) FOR UPDATE").isEmpty else {
                throw StorageError.notFound("no contract with id \(id)")
            }
            let before = try connection.query("""
                SELECT to_jsonb(c)::text FROM contract_clauses c WHERE contract_id = \(id) AND clause_key = \(key)
                """).first?.decode(String.self, at: 0)
            let after = try connection.query("""
                INSERT INTO contract_clauses AS c (contract_id, clause_key, status, note, verified_by, parameters)
                VALUES (\(id), \(key), \(status.rawValue), \(note), \(verifiedBy), \(try JSONB(parameters)))
                ON CONFLICT (contract_id, clause_key) DO UPDATE
                    SET status = EXCLUDED.status, note = EXCLUDED.note, verified_by = EXCLUDED.verified_by, parameters = EXCLUDED.parameters,
                        updated_at = now()
                RETURNING to_jsonb(c)::text
                """)[0].decode(String.self, at: 0)
            try Audit.record(connection, actor: actor, action: before == nil ? .create : .update, entity: "contract_clause",
                             id: "\(id)/\(key)", before: before, after: after)
            return try Self.read(connection, where: "k.id = \(id)")[0]
        }
    }

    /// The contract with `id`.
    public func contract(_ id: Int) throws -> Contract {
        guard let contract = try database.withConnection({ try Self.read($0, where: "k.id = \(id)").first }) else {
            throw StorageError.notFound("no contract with id \(id)")
        }
        return contract
    }

    /// The vendor's contracts, newest first: `limit` after `mark`, or all without a limit.
    public func list(vendor slug: String, after mark: PageMark? = nil, limit: Int? = nil) throws -> Page<Contract> {
        try database.withConnection { connection in
            try Keyset(keys: [("k.effective_on", .date), ("k.id", .bigint)], descending: true).read(
                connection, columns: Self.columns, from: "contracts k JOIN vendors v ON v.id = k.vendor_id",
                where: "k.vendor_id = \(try VendorLookup.id(connection, slug: slug))", after: mark, limit: limit, Self.contract)
        }
    }

    static let columns: PostgresQuery = """
        k.id, v.slug, k.reference, k.effective_on, k.expires_on, k.renewal_notice_days, k.annual_value, k.currency,
        COALESCE((SELECT jsonb_agg(jsonb_build_object('key', c.clause_key, 'status', c.status, 'note', c.note,
                                                      'verifiedBy', c.verified_by, 'parameters', c.parameters,
                                                      'updatedAt', to_char(c.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
                                   ORDER BY c.clause_key)
                  FROM contract_clauses c WHERE c.contract_id = k.id), '[]') AS clauses
        """

    static func read(_ connection: Connection, where condition: PostgresQuery) throws -> [Contract] {
        try connection.query("""
            SELECT \(columns) FROM contracts k JOIN vendors v ON v.id = k.vendor_id
            WHERE \(condition) ORDER BY k.effective_on DESC, k.id DESC
            """).map(contract)
    }

    static func contract(_ row: PostgresRow) throws -> Contract {
        Contract(
            id: try row.decode(Int.self, "id"), vendor: try row.decode(String.self, "slug"), reference: try row.decode(String.self, "reference"),
            effectiveOn: try row.decode(Date.self, "effective_on"), expiresOn: try row.decode(Date?.self, "expires_on"),
            renewalNoticeDays: try row.decode(Int?.self, "renewal_notice_days"), annualValue: try row.decode(Decimal?.self, "annual_value"),
            currency: try row.decode(String?.self, "currency"), clauses: try row.decode(JSONB<[ClauseStatusRecord]>.self, "clauses").value)
    }
}

/// What an incident update changes; `nil` leaves a field as it is.
public struct IncidentChange: Sendable, Hashable {
    public var status: Incident.Status?
    public var severity: Incident.Severity?
    public var vendorAwareAt: Date?
    public var vendorNotifiedAt: Date?
    public var resolution: String?
    public var resolvedAt: Date?

    /// Creates a change.
    public init(
        status: Incident.Status? = nil, severity: Incident.Severity? = nil, vendorAwareAt: Date? = nil, vendorNotifiedAt: Date? = nil,
        resolution: String? = nil, resolvedAt: Date? = nil
    ) {
        self.status = status
        self.severity = severity
        self.vendorAwareAt = vendorAwareAt
        self.vendorNotifiedAt = vendorNotifiedAt
        self.resolution = resolution
        self.resolvedAt = resolvedAt
    }
}

/// Incidents at vendors.
public struct IncidentStore: Sendable {
    let database: Database

    /// Creates a store on the database.
    public init(database: Database) { self.database = database }

    /// Records an incident at the vendor with `slug`.
    @discardableResult
    public func add(
        vendor slug: String, title: String, category: Incident.Category, severity: Incident.Severity,
        occurredAt: Date, detectedAt: Date, vendorAwareAt: Date? = nil, vendorNotifiedAt: Date?, actor: String
    ) throws -> Incident {
        try VendorChild.create(database, vendor: slug, entity: "incident", table: "incidents", actor: actor) { connection, vendorID in
            try connection.query("""
                INSERT INTO incidents (vendor_id, title, category, severity, occurred_at, detected_at, vendor_aware_at, vendor_notified_at)
                VALUES (\(vendorID), \(title), \(category.rawValue), \(severity.rawValue), \(occurredAt), \(detectedAt), \(vendorAwareAt), \(vendorNotifiedAt))
                RETURNING id
                """)[0].decode(Int.self, at: 0)
        } read: { connection, id in
            try Self.read(connection, where: "i.id = \(id)")[0]
        }
    }

    /// Changes an incident's status, severity, notice time or resolution.
    ///
    /// Resolving or closing without a resolution time takes now; reopening clears it.
    @discardableResult
    public func update(_ id: Int, _ change: IncidentChange, actor: String) throws -> Incident {
        return try database.transaction(subject: "incident \(id)") { connection in
            guard let before = try connection.query("SELECT to_jsonb(i)::text FROM incidents i WHERE id = \(id) FOR UPDATE").first?.decode(String.self, at: 0) else {
                throw StorageError.notFound("no incident with id \(id)")
            }
            try connection.execute("""
                UPDATE incidents SET
                    status = COALESCE(\(change.status?.rawValue), status),
                    severity = COALESCE(\(change.severity?.rawValue), severity),
                    vendor_aware_at = COALESCE(\(change.vendorAwareAt), vendor_aware_at),
                    vendor_notified_at = COALESCE(\(change.vendorNotifiedAt), vendor_notified_at),
                    resolution = COALESCE(\(change.resolution), resolution),
                    resolved_at = CASE
                        WHEN COALESCE(\(change.status?.rawValue), status) IN ('resolved', 'closed')
                            THEN COALESCE(\(change.resolvedAt), resolved_at, now())
                        ELSE NULL END
                WHERE id = \(id)
                """)
            let after = try RowSnapshot.json(connection, table: "incidents", id: id)
            if after != before {
                try Audit.record(connection, actor: actor, action: .update, entity: "incident", id: String(id), before: before, after: after)
            }
            return try Self.read(connection, where: "i.id = \(id)")[0]
        }
    }

    /// The incident with `id`.
    ///
    /// - Throws: ``StorageError/notFound(_:)``.
    public func incident(_ id: Int) throws -> Incident {
        guard let incident = try database.withConnection({ try Self.read($0, where: "i.id = \(id)").first }) else {
            throw StorageError.notFound("no incident with id \(id)")
        }
        return incident
    }

    /// Incidents, newest first: of one vendor, or of all; only open ones if asked;
    /// `limit` after `mark`, or all without a limit.
    public func list(vendor slug: String? = nil, openOnly: Bool = false, after mark: PageMark? = nil, limit: Int? = nil) throws -> Page<Incident> {
        try database.withConnection { connection in
            var condition: PostgresQuery = "TRUE"
            if let slug { condition = "\(condition) AND i.vendor_id = \(try VendorLookup.id(connection, slug: slug))" }
            if openOnly { condition = "\(condition) AND i.status IN ('open', 'investigating')" }
            return try Keyset(keys: [(Keyset.microseconds("i.occurred_at"), .bigint), ("i.id", .bigint)], descending: true).read(
                connection, columns: Self.columns, from: "incidents i JOIN vendors v ON v.id = i.vendor_id", where: condition,
                after: mark, limit: limit, Self.incident)
        }
    }

    static let columns: PostgresQuery = """
        i.id, v.slug, i.title, i.category, i.severity, i.occurred_at, i.detected_at, i.vendor_aware_at, i.vendor_notified_at,
        i.status, i.resolution, i.resolved_at
        """

    static func read(_ connection: Connection, where condition: PostgresQuery) throws -> [Incident] {
        try connection.query("""
            SELECT \(columns) FROM incidents i JOIN vendors v ON v.id = i.vendor_id
            WHERE \(condition) ORDER BY i.occurred_at DESC, i.id DESC
            """).map(incident)
    }

    static func incident(_ row: PostgresRow) throws -> Incident {
        Incident(
            id: try row.decode(Int.self, "id"), vendor: try row.decode(String.self, "slug"), title: try row.decode(String.self, "title"),
            category: try RawColumn.decode(Incident.Category.self, row, "category"),
            severity: try RawColumn.decode(Incident.Severity.self, row, "severity"),
            occurredAt: try row.decode(Date.self, "occurred_at"), detectedAt: try row.decode(Date.self, "detected_at"),
            vendorAwareAt: try row.decode(Date?.self, "vendor_aware_at"), vendorNotifiedAt: try row.decode(Date?.self, "vendor_notified_at"),
            status: try RawColumn.decode(Incident.Status.self, row, "status"),
            resolution: try row.decode(String?.self, "resolution"), resolvedAt: try row.decode(Date?.self, "resolved_at"))
    }
}

/// Registers a row that belongs to a vendor: one transaction that finds the
/// vendor, inserts, audits the new row and reads it back.
enum VendorChild {
    static func create<Record>(
        _ database: Database, vendor slug: String, entity: String, table: PostgresQuery, actor: String,
        insert: (Connection, _ vendorID: Int) throws -> Int,
        read: (Connection, _ id: Int) throws -> Record
    ) throws -> Record {
        return try database.transaction(subject: slug) { connection in
            let id = try insert(connection, try VendorLookup.id(connection, slug: slug))
            try Audit.record(connection, actor: actor, action: .create, entity: entity, id: String(id), before: nil,
                             after: try RowSnapshot.json(connection, table: table, id: id))
            return try read(connection, id)
        }
    }
}

/// Finding a vendor's id by slug inside a transaction.
enum VendorLookup {
    static func id(_ connection: Connection, slug: String) throws -> Int {
        guard let row = try connection.query("SELECT id FROM vendors WHERE slug = \(slug)").first else {
            throw StorageError.notFound("no vendor with slug \(slug)")
        }
        return try row.decode(Int.self, at: 0)
    }
}

/// A row as JSON text, for the audit log.
enum RowSnapshot {
    static func json(_ connection: Connection, table: PostgresQuery, id: Int) throws -> String {
        try connection.query("SELECT to_jsonb(t)::text FROM \(table) t WHERE id = \(id)")[0].decode(String.self, at: 0)
    }
}

/// Text columns holding an enum's raw value.
enum RawColumn {
    static func decode<Value: RawRepresentable<String>>(_ type: Value.Type, _ row: PostgresRow, _ column: String) throws -> Value {
        let text = try row.decode(String.self, column)
        guard let value = Value(rawValue: text) else {
            throw PostgresDecodingError(column: column, sqlType: .text, swiftType: "\(Value.self)", reason: "unknown value \"\(text)\"")
        }
        return value
    }
}
