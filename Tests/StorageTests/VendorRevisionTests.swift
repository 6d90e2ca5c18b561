import Foundation
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

/// The vendor's revision, which the workspace trusts to tell whether a vendor page kept in memory is still true:
/// every write to what the page shows moves it, through any path, and a write to another vendor does not.
@Suite struct VendorRevisionTests {
    static let catalog = DemoSeedTests.catalog

    @Test func everyWriteToWhatTheVendorPageShowsMovesItsRevisionAndNoOtherVendors() throws {
        let registry = try Registry("revisions")
        let workspace = WorkspaceStore(database: registry.database)
        try registry.vendors.add(Registry.draft("acme", data: [.personal], impact: .significant, criticality: .high), actor: "alice")
        try registry.vendors.add(Registry.draft("other"), actor: "alice")
        #expect(try workspace.revision("nobody") == nil)
        let other = try #require(try workspace.revision("other"))
        #expect(other.scoreComputedAt == nil, "not scored yet")

        var seen: [Int] = [try #require(try workspace.revision("acme")).revision]
        /// Runs a write and checks that it moved acme's revision past every one seen, and left the other vendor's.
        func moves(_ what: Comment, _ write: () throws -> Void) throws {
            try write()
            let now = try #require(try workspace.revision("acme")).revision
            #expect(now > seen.max()!, what)
            seen.append(now)
            #expect(try workspace.revision("other") == other, "\(what): another vendor's revision stays")
        }

        let day = ContractAndIncidentTests.day
        try moves("the profile") { _ = try registry.vendors.update("acme", actor: "alice") { $0.businessOwner = "Legal" } }
        try moves("a fourth party") { _ = try registry.vendors.update("acme", actor: "alice") { $0.foundationModels = ["Model Co"] } }
        try moves("a certificate") {
            try CertificationStore(database: registry.database).add(
                vendor: "acme", standard: .iso42001, issuer: "TÜV", scope: "AI", issuedOn: nil, expiresOn: day("2028-03-31"), actor: "alice")
        }
        let contracts = ContractStore(database: registry.database)
        var contract: Contract?
        try moves("a contract") {
            contract = try contracts.add(vendor: "acme", reference: "MSA-1", effectiveOn: day("2026-01-01"), expiresOn: nil,
                                         renewalNoticeDays: nil, annualValue: nil, currency: nil, actor: "alice")
        }
        try moves("a clause") {
            try contracts.setClause(contract: try #require(contract).id, key: "incident-notification", status: .present, note: "", verifiedBy: nil,
                                    library: registry.library, actor: "alice")
        }
        let incidents = IncidentStore(database: registry.database)
        var incident: Incident?
        try moves("an incident") {
            incident = try incidents.add(vendor: "acme", title: "Leak", category: .dataLeakageViaModel, severity: .high, occurredAt: day("2026-11-01"),
                                         detectedAt: day("2026-11-02"), vendorNotifiedAt: nil, actor: "alice")
        }
        try moves("an incident's status") { _ = try incidents.update(try #require(incident).id, IncidentChange(status: .resolved), actor: "alice") }
        let questionnaire = try #require(Self.catalog.questionnaire("ai-supplier-essentials"))
        var assessment = 0
        try moves("a submitted assessment and its answers") {
            assessment = try AssessmentStore(database: registry.database).recordSubmitted(
                vendor: "acme", questionnaire: questionnaire, reason: "onboarding", sentAt: Date().addingTimeInterval(-86_400), submittedAt: Date(),
                answers: ["SEC-01": Answer(value: .option("yes"), answeredAt: Date(), hasEvidence: true)], actor: "supplier")
        }
        try moves("a reviewer's verdict") {
            _ = try AssessmentOutreachStore(database: registry.database).review(assessment, question: "SEC-01", verdict: .flagged, note: "no proof", actor: "alice")
        }
        try moves("a statement typed in psql, as an operator might") {
            try registry.database.withConnection { _ = try $0.execute("UPDATE vendors SET name = 'Acme (renamed)' WHERE slug = 'acme'") }
        }
        try moves("a fourth-party link written alone") {
            try registry.database.withConnection { connection in
                _ = try connection.execute("""
                    INSERT INTO vendor_fourth_parties (vendor_id, fourth_party_id, role)
                    SELECT v.id, f.id, 'sub_processor' FROM vendors v, fourth_parties f WHERE v.slug = 'acme' AND f.name = 'Model Co'
                    """)
            }
        }
        #expect(try workspace.revision("acme")?.scoreComputedAt == nil, "the revision's score time is the score's own, moved by the worker alone")
    }
}
