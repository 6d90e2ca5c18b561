import Foundation
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

@Suite struct VendorStoreTests {
    @Test func addStoresTheProfileTierAndFourthPartiesAndAuditsOnce() throws {
        let registry = try Registry("vendoradd")
        let vendor = try registry.vendors.add(
            Registry.draft("acme-ai", data: [.personal, .internal], impact: .significant, criticality: .high, models: ["OpenAI", "Anthropic"], subProcessors: ["AWS"]),
            actor: "alice")
        #expect(vendor.tier == .high)
        #expect(vendor.foundationModels == ["Anthropic", "OpenAI"])
        #expect(vendor.subProcessors == ["AWS"])
        #expect(vendor.profile.dataCategories == [.personal, .internal])
        #expect(try registry.vendors.vendor("acme-ai") == vendor)

        let audit = try AuditLog(database: registry.database).entries(entity: "vendor", id: "acme-ai").items
        #expect(audit.count == 1)
        #expect(audit[0].actor == "alice")
        #expect(audit[0].action == "create")
        #expect(audit[0].before == nil)
        #expect(audit[0].after?.contains("\"tier\": \"high\"") == true)
        #expect(audit[0].after?.contains("\"name\": \"OpenAI\"") == true)
    }

    @Test func aNameWithQuotesMarkupAndSQLIsStoredVerbatim() throws {
        let registry = try Registry("vendorname")
        let name = "O'Brien \"Labs\" <script>alert(1)</script>'); DROP TABLE vendors; --"
        try registry.vendors.add(Registry.draft("obrien", name: name), actor: "alice")
        #expect(try registry.vendors.vendor("obrien").name == name)
        #expect(try registry.vendors.list(search: "<script>").map(\.slug) == ["obrien"])
        try registry.vendors.add(Registry.draft("plain", name: "Plain Labs"), actor: "alice")
        #expect(try registry.vendors.list(search: "%").isEmpty, "a % in the search matches a %, not every vendor")
        #expect(try registry.vendors.list(search: "'); DROP").map(\.slug) == ["obrien"])
    }

    @Test func aTakenSlugIsADomainErrorAndChangesNothing() throws {
        let registry = try Registry("vendordupe")
        try registry.vendors.add(Registry.draft("acme"), actor: "alice")
        let error = #expect(throws: StorageError.self) {
            try registry.vendors.add(Registry.draft("acme", name: "Another Acme", models: ["Mistral"]), actor: "bob")
        }
        #expect(error == .duplicate("a vendor with slug acme exists"))
        #expect(try registry.count("vendors") == 1)
        #expect(try registry.count("fourth_parties") == 0)
        #expect(try registry.count("audit_log") == 1)
    }

    @Test func databaseRulesArriveAsErrorsNamingTheField() throws {
        let registry = try Registry("vendorrules")
        var badSlug = Registry.draft("acme")
        badSlug.slug = "Acme AI"
        #expect(throws: StorageError.invalid(field: "slug", reason: "use lower-case letters, digits and single hyphens, at most 64")) {
            try registry.vendors.add(badSlug, actor: "alice")
        }
        var badEmail = Registry.draft("acme")
        badEmail.contactEmail = "not an email"
        #expect(throws: StorageError.invalid(field: "contact email", reason: "is not an email address")) {
            try registry.vendors.add(badEmail, actor: "alice")
        }
        #expect(try registry.count("vendors") == 0)
        #expect(try registry.count("audit_log") == 0)
    }

    @Test func updateRecomputesTheTierAndAuditsBeforeAndAfter() throws {
        let registry = try Registry("vendorupdate")
        try registry.vendors.add(Registry.draft("acme", models: ["OpenAI"]), actor: "alice")
        let updated = try registry.vendors.update("acme", actor: "bob") { draft in
            draft.profile.decisionImpact = .automated
            draft.status = .active
            draft.foundationModels = ["Mistral"]
        }
        #expect(updated.tier == .high, "automated decisions reach high on their own")
        #expect(updated.status == .active)
        #expect(updated.foundationModels == ["Mistral"])
        let audit = try AuditLog(database: registry.database).entries(entity: "vendor", id: "acme").items
        #expect(audit.map(\.action) == ["create", "update"])
        #expect(audit[1].actor == "bob")
        #expect(audit[1].before?.contains("\"decision_impact\": \"advisory\"") == true)
        #expect(audit[1].after?.contains("\"decision_impact\": \"automated\"") == true)

        _ = try registry.vendors.update("acme", actor: "carol") { _ in }
        #expect(try AuditLog(database: registry.database).entries(entity: "vendor", id: "acme").items.count == 2, "a change that changes nothing is not audited")

        #expect(throws: StorageError.notFound("no vendor with slug acme-typo")) {
            try registry.vendors.update("acme-typo", actor: "bob") { $0.status = .offboarded }
        }
    }

    @Test func theAuditLogRefusesUpdateDeleteAndTruncate() throws {
        let registry = try Registry("auditappend")
        try registry.vendors.add(Registry.draft("acme"), actor: "alice")
        for statement in ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
            let error = #expect(throws: PostgresError.self) {
                try registry.database.pool.withConnection { try $0.executeScript(statement) }
            }
            #expect(error?.code == .insufficientPrivilege)
            #expect(error?.message.hasPrefix("the audit log is append-only") == true)
        }
        let audit = try AuditLog(database: registry.database).entries(entity: "vendor", id: "acme").items
        #expect(audit.map(\.actor) == ["alice"])
    }

    @Test func aProhibitedUseIsNeverActive() throws {
        let registry = try Registry("vendorprohibited")
        var draft = Registry.draft("banned", act: .prohibited)
        draft.status = .active
        #expect(throws: StorageError.invalid(
            field: "status", reason: "a vendor whose use is prohibited by the EU AI Act (Art. 5) cannot be active; change the use (ai_act_class) or keep it out of service")) {
            try registry.vendors.add(draft, actor: "alice")
        }
        #expect(try registry.count("vendors") == 0)
        draft.status = .onboarding
        try registry.vendors.add(draft, actor: "alice")
        #expect(throws: StorageError.self) { try registry.vendors.update("banned", actor: "bob") { $0.status = .active } }
        #expect(try registry.vendors.vendor("banned").status == .onboarding)
        #expect(try registry.count("audit_log") == 1, "nothing written by the refused change")
        // The database holds the rule too, whatever writes.
        let error = #expect(throws: PostgresError.self) {
            try registry.database.pool.withConnection { try $0.execute("UPDATE vendors SET status = 'active' WHERE slug = 'banned'") }
        }
        #expect(error?.constraint == "vendors_prohibited_not_active")
    }

    @Test func fourthPartyConcentrationCountsVendorsAndCriticalOnes() throws {
        let registry = try Registry("concentration")
        try registry.vendors.add(Registry.draft("a", data: [.specialCategory], impact: .significant, models: ["OpenAI"], subProcessors: ["AWS"]), actor: "t")
        try registry.vendors.add(Registry.draft("b", data: [.personal], impact: .automated, models: ["openai ", "Anthropic"]), actor: "t")
        try registry.vendors.add(Registry.draft("c", models: ["OpenAI"]), actor: "t")
        try registry.vendors.add(Registry.draft("d", models: ["Anthropic"]), actor: "t")
        try registry.vendors.add(Registry.draft("e"), actor: "t")
        try registry.vendors.update("d", actor: "t") { $0.status = .offboarded }
        let rows = try FourthPartyStore(database: registry.database).concentration().items
        #expect(rows.map(\.name) == ["OpenAI", "Anthropic", "AWS"], "names match without case or spaces")
        #expect(rows.map(\.vendors) == [3, 1, 1], "offboarded vendors do not count")
        #expect(rows.map(\.criticalVendors) == [2, 1, 1])
        #expect(rows[0].roles == ["foundation_model"])
        #expect(abs(rows[0].share - 0.75) < 1e-9, "three of the four vendors in the portfolio")
    }
}
