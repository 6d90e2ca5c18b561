import Foundation
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

@Suite struct ContractAndIncidentTests {
    static func day(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)!
    }

    @Test func certificatesAreListedLatestExpiryFirst() throws {
        let registry = try Registry("certs")
        try registry.vendors.add(Registry.draft("acme"), actor: "alice")
        let store = CertificationStore(database: registry.database)
        try store.add(vendor: "acme", standard: .iso27001, issuer: "BSI", scope: "hosting", issuedOn: Self.day("2023-01-10"), expiresOn: Self.day("2026-01-09"), actor: "alice")
        try store.add(vendor: "acme", standard: .iso42001, issuer: "TÜV", scope: "AI management system", issuedOn: nil, expiresOn: Self.day("2028-03-31"), actor: "alice")
        let list = try store.list(vendor: "acme").items
        #expect(list.map(\.standard) == [.iso42001, .iso27001])
        #expect(list[1].isExpired(on: Self.day("2026-11-29")))
        #expect(!list[0].isExpired(on: Self.day("2026-11-29")))
        #expect(list[1].issuedOn == Self.day("2023-01-10"))

        #expect(throws: StorageError.invalid(field: "issued", reason: "must be before the expiry date")) {
            try store.add(vendor: "acme", standard: .soc2Type2, issuer: "KPMG", scope: "", issuedOn: Self.day("2027-01-01"), expiresOn: Self.day("2026-01-01"), actor: "alice")
        }
        #expect(throws: StorageError.notFound("no vendor with slug nobody")) {
            try store.add(vendor: "nobody", standard: .soc2Type2, issuer: "KPMG", scope: "", issuedOn: nil, expiresOn: Self.day("2027-01-01"), actor: "alice")
        }
        #expect(try registry.count("certifications") == 2)
        #expect(try registry.count("audit_log") == 3, "the vendor and two certificates")
    }

    @Test func clauseStatusesShowTheGapsAgainstTheTiersRequiredClauses() throws {
        let registry = try Registry("clauses")
        let vendor = try registry.vendors.add(Registry.draft("acme", data: [.personal], impact: .significant, criticality: .high), actor: "alice")
        #expect(vendor.tier == .high)
        let store = ContractStore(database: registry.database)
        let contract = try store.add(
            vendor: "acme", reference: "MSA-2026-01", effectiveOn: Self.day("2026-01-01"), expiresOn: Self.day("2027-12-31"),
            renewalNoticeDays: 90, annualValue: Decimal(string: "120000.50"), currency: "EUR", actor: "alice")
        #expect(contract.renewalNoticeDeadline == Self.day("2027-10-02"))
        #expect(contract.annualValue == Decimal(string: "120000.50"))

        let required = registry.library.required(tier: .high, profile: vendor.profile).map(\.key)
        #expect(required.contains("incident-notification"))
        #expect(required.contains("bias-robustness-testing"), "significant decisions require it")
        #expect(!required.contains("continuity"), "critical tier only")

        try store.setClause(contract: contract.id, key: "incident-notification", status: .present, note: "48 h", verifiedBy: "legal", library: registry.library, actor: "alice")
        try store.setClause(contract: contract.id, key: "no-training-on-customer-data", status: .deviation, note: "opt-out only", verifiedBy: nil, library: registry.library, actor: "alice")
        let updated = try store.setClause(contract: contract.id, key: "no-training-on-customer-data", status: .present, note: "fixed in amendment 1", verifiedBy: "legal", library: registry.library, actor: "bob")
        #expect(updated.clauses.map(\.key) == ["incident-notification", "no-training-on-customer-data"])
        #expect(updated.clauses.map(\.status) == [.present, .present])

        let gaps = registry.library.gaps(tier: vendor.tier, profile: vendor.profile, recorded: updated.clauses)
        #expect(gaps.count == required.count - 2)
        #expect(!gaps.contains { $0.clause.key == "incident-notification" })

        let audit = try AuditLog(database: registry.database).entries(entity: "contract_clause", id: "\(contract.id)/no-training-on-customer-data").items
        #expect(audit.map(\.action) == ["create", "update"])
        #expect(audit[1].before?.contains("\"deviation\"") == true)
    }

    @Test func unknownClauseKeysAndContractsAreRefusedAndChangeNothing() throws {
        let registry = try Registry("clausebad")
        try registry.vendors.add(Registry.draft("acme"), actor: "alice")
        let store = ContractStore(database: registry.database)
        let contract = try store.add(vendor: "acme", reference: "MSA", effectiveOn: Self.day("2026-01-01"), expiresOn: nil, renewalNoticeDays: nil, annualValue: nil, currency: nil, actor: "alice")
        #expect(throws: StorageError.invalid(field: "clause", reason: "unknown clause \"no-training\" (see tprm contract clauses for the library's keys)")) {
            try store.setClause(contract: contract.id, key: "no-training", status: .present, note: "", verifiedBy: nil, library: registry.library, actor: "alice")
        }
        #expect(throws: StorageError.notFound("no contract with id 999")) {
            try store.setClause(contract: 999, key: "permitted-use", status: .present, note: "", verifiedBy: nil, library: registry.library, actor: "alice")
        }
        #expect(throws: StorageError.duplicate("vendor acme already has a contract with that reference")) {
            try store.add(vendor: "acme", reference: "MSA", effectiveOn: Self.day("2026-01-01"), expiresOn: nil, renewalNoticeDays: nil, annualValue: nil, currency: nil, actor: "alice")
        }
        #expect(throws: StorageError.invalid(field: "expires", reason: "must be after the effective date")) {
            try store.add(vendor: "acme", reference: "SOW", effectiveOn: Self.day("2026-01-01"), expiresOn: Self.day("2025-01-01"), renewalNoticeDays: nil, annualValue: nil, currency: nil, actor: "alice")
        }
        #expect(try registry.count("contract_clauses") == 0)
        #expect(try registry.count("contracts") == 1)
        #expect(try registry.count("audit_log") == 2)
    }

    @Test func incidentsFlagLateNoticeAndFollowTheirStatus() throws {
        let registry = try Registry("incidents")
        try registry.vendors.add(Registry.draft("acme"), actor: "alice")
        let store = IncidentStore(database: registry.database)
        let occurred = Self.day("2026-11-01")
        let incident = try store.add(
            vendor: "acme", title: "Model answered with another customer's data", category: .dataLeakageViaModel, severity: .high,
            occurredAt: occurred, detectedAt: occurred.addingTimeInterval(3600), vendorNotifiedAt: occurred.addingTimeInterval(80 * 3600), actor: "alice")
        #expect(incident.isOpen)
        #expect(incident.isNoticeLate(slaHours: 72, now: Self.day("2026-11-29")))
        #expect(!incident.isNoticeLate(slaHours: 96, now: Self.day("2026-11-29")))
        #expect(try store.list(vendor: "acme", openOnly: true).items.map(\.id) == [incident.id])

        let resolved = try store.update(incident.id, IncidentChange(status: .resolved, resolution: "tenant isolation bug fixed"), actor: "bob")
        #expect(resolved.status == .resolved)
        #expect(resolved.resolvedAt != nil)
        #expect(try store.list(vendor: "acme", openOnly: true).items.isEmpty)
        #expect(try AuditLog(database: registry.database).entries(entity: "incident", id: String(incident.id)).items.map(\.action) == ["create", "update"])

        #expect(throws: StorageError.invalid(field: "detected", reason: "cannot be before the incident occurred")) {
            try store.add(vendor: "acme", title: "x", category: .bias, severity: .low, occurredAt: occurred, detectedAt: occurred.addingTimeInterval(-60), vendorNotifiedAt: nil, actor: "alice")
        }
        #expect(throws: StorageError.notFound("no incident with id 12345")) {
            try store.update(12345, IncidentChange(status: .closed), actor: "bob")
        }
        #expect(try registry.count("incidents") == 1)
    }
}
