import Foundation
import Postgres
public import SupplierRisk

/// Loads a demo portfolio through COPY, all in one transaction, with its audit rows.
public struct DemoLoader: Sendable {
    let database: Database
    let vendors: VendorStore

    /// Creates a loader; `tiering` sets the vendors' tiers.
    public init(database: Database, tiering: TieringRules) {
        self.database = database
        self.vendors = VendorStore(database: database, tiering: tiering)
    }

    /// What a load stored.
    public struct Summary: Sendable, Hashable {
        public var vendors = 0, assessments = 0, answers = 0, contracts = 0, clauses = 0, certifications = 0, incidents = 0
    }

    /// Stores every plan; nothing is stored if any part fails. Every touched vendor ends up queued for scoring.
    public func load(_ plans: [DemoPortfolio.Plan], catalog: Catalog, actor: String) throws -> Summary {
        try database.transaction { connection in
            var summary = Summary()
            summary.vendors = try vendors.importVendors(plans.map(\.vendor), actor: actor, on: connection)
            let slugs = plans.map(\.vendor.draft.slug)
            let ids = Dictionary(uniqueKeysWithValues: try connection.query("SELECT slug, id FROM vendors WHERE slug = ANY(\(slugs))").decode((String, Int).self))
            let idList = ids.values.map(String.init)

            var hashes: [String: String] = [:]
            for key in Set(plans.compactMap { $0.assessment?.questionnaire }).sorted() {
                guard let questionnaire = catalog.questionnaire(key) else { continue }
                hashes[key] = try AssessmentStore.snapshot(connection, questionnaire: questionnaire, content: try AssessmentStore.snapshotText(questionnaire))
            }
            summary.assessments = try connection.copyFrom("COPY assessments (vendor_id, content_hash, reason, status, sent_at, due_at, submitted_at, completed_at) FROM STDIN") { copy in
                for plan in plans {
                    guard let assessment = plan.assessment, let id = ids[plan.vendor.draft.slug], let hash = hashes[assessment.questionnaire] else { continue }
                    try copy.row(id, hash, "onboarding", "completed", assessment.sentAt, assessment.sentAt.addingTimeInterval(30 * 86_400), assessment.submittedAt, assessment.submittedAt)
                }
            }
            let assessmentIDs = Dictionary(uniqueKeysWithValues: try connection.query("""
                SELECT vendor_id, id FROM assessments WHERE vendor_id = ANY(\(idList)::bigint[])
                """).decode((Int, Int).self))
            summary.answers = try AnswerColumns.copy(connection, plans.flatMap { plan -> [(Int, String, Answer)] in
                guard let assessment = plan.assessment, let vendorID = ids[plan.vendor.draft.slug], let id = assessmentIDs[vendorID] else { return [] }
                return assessment.answers.sorted(by: { $0.key < $1.key }).map { (id, $0.key, $0.value) }
            })
            summary.contracts = try connection.copyFrom("""
                COPY contracts (vendor_id, reference, effective_on, expires_on, renewal_notice_days, annual_value, currency) FROM STDIN
                """) { copy in
                for plan in plans {
                    guard let contract = plan.contract, let id = ids[plan.vendor.draft.slug] else { continue }
                    try copy.row(id, contract.reference, contract.effectiveOn, contract.expiresOn, contract.noticeDays, contract.value, "EUR")
                }
            }
            let contractIDs = Dictionary(uniqueKeysWithValues: try connection.query("""
                SELECT vendor_id, id FROM contracts WHERE vendor_id = ANY(\(idList)::bigint[])
                """).decode((Int, Int).self))
            summary.clauses = try connection.copyFrom("COPY contract_clauses (contract_id, clause_key, status, note, verified_by, parameters) FROM STDIN") { copy in
                for plan in plans {
                    guard let vendorID = ids[plan.vendor.draft.slug], let contract = contractIDs[vendorID] else { continue }
                    for clause in plan.clauses { try copy.row(contract, clause.key, clause.status.rawValue, "", "demo", try JSONB(clause.parameters)) }
                }
            }
            summary.certifications = try connection.copyFrom("COPY certifications (vendor_id, standard, issuer, scope, expires_on) FROM STDIN") { copy in
                for plan in plans {
                    guard let id = ids[plan.vendor.draft.slug] else { continue }
                    for certificate in plan.certifications { try copy.row(id, certificate.standard.rawValue, certificate.issuer, "demo", certificate.expiresOn) }
                }
            }
            summary.incidents = try connection.copyFrom("""
                COPY incidents (vendor_id, title, category, severity, occurred_at, detected_at, vendor_aware_at, vendor_notified_at, status, resolution,
                                resolved_at) FROM STDIN
                """) { copy in
                for plan in plans {
                    guard let id = ids[plan.vendor.draft.slug] else { continue }
                    for incident in plan.incidents {
                        try copy.row(id, incident.title, incident.category.rawValue, incident.severity.rawValue, incident.occurredAt, incident.detectedAt,
                                     incident.vendorAwareAt, incident.notifiedAt, incident.resolvedAt == nil ? "open" : "resolved",
                                     incident.resolvedAt == nil ? nil : "demo resolution", incident.resolvedAt)
                    }
                }
            }
            var bindings = PostgresBindings()
            bindings.append(actor)
            bindings.append(idList)
            try connection.execute(PostgresQuery(unsafeSQL: """
                INSERT INTO audit_log (actor, action, entity, entity_id, after)
                SELECT $1, 'create', 'assessment', a.id::text, to_jsonb(a) FROM assessments a WHERE a.vendor_id = ANY($2::bigint[])
                UNION ALL
                SELECT $1, 'create', 'contract', k.id::text, to_jsonb(k) FROM contracts k WHERE k.vendor_id = ANY($2::bigint[])
                UNION ALL
                SELECT $1, 'create', 'contract_clause', c.contract_id || '/' || c.clause_key, to_jsonb(c)
                FROM contract_clauses c JOIN contracts k ON k.id = c.contract_id WHERE k.vendor_id = ANY($2::bigint[])
                UNION ALL
                SELECT $1, 'create', 'certification', c.id::text, to_jsonb(c) FROM certifications c WHERE c.vendor_id = ANY($2::bigint[])
                UNION ALL
                SELECT $1, 'create', 'incident', i.id::text, to_jsonb(i) FROM incidents i WHERE i.vendor_id = ANY($2::bigint[])
                """, bindings: bindings))
            return summary
        }
    }
}
