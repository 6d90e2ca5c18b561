import CatalogFiles
import Foundation
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

@Suite struct DemoSeedTests {
    static let catalog = try! Catalog.load(TestDatabase.repositoryRoot.appendingPathComponent("questionnaires"))
    static let asOf = ISO8601DateFormatter().date(from: "2026-11-29T00:00:00Z")!

    func seed(_ label: String, seed: UInt64) throws -> (DemoLoader.Summary, [String], Database) {
        let database = Database(configuration: try TestDatabase.migrated(label), maximumConnections: 2)
        let plans = DemoPortfolio.generate(count: 300, seed: seed, catalog: Self.catalog, asOf: Self.asOf)
        let summary = try DemoLoader(database: database, tiering: Self.catalog.scoring.tiering).load(plans, catalog: Self.catalog, actor: "demo")
        let fingerprint = try database.withConnection { connection in
            try connection.query("""
                SELECT v.slug || ' ' || v.tier || ' ' || (SELECT count(*) FROM answers a JOIN assessments s ON s.id = a.assessment_id WHERE s.vendor_id = v.id)
                FROM vendors v ORDER BY v.slug
                """).map { try $0.decode(String.self, at: 0) }
        }
        return (summary, fingerprint, database)
    }

    @Test func theSameSeedGivesTheSamePortfolioAndEverythingIsQueued() throws {
        let (first, firstPrint, database) = try seed("demoa", seed: 42)
        let (second, secondPrint, _) = try seed("demob", seed: 42)
        let (_, otherPrint, _) = try seed("democ", seed: 43)
        #expect(first == second)
        #expect(firstPrint == secondPrint)
        #expect(firstPrint != otherPrint)
        #expect(first.vendors == 300)
        #expect(first.assessments > 200 && first.answers > first.assessments * 20)
        let tiers = try database.withConnection { try $0.query("SELECT count(DISTINCT tier) FROM vendors")[0].decode(Int.self, at: 0) }
        #expect(tiers == 4, "every tier is represented")
        let sharedModels = try FourthPartyStore(database: database).concentration().items.filter { $0.roles == ["foundation_model"] && $0.vendors > 20 }
        #expect(!sharedModels.isEmpty, "many vendors share foundation-model providers")
        #expect(try ScoringStore(database: database).pending(nil) == 300)
        let audited = try database.withConnection { try $0.query("SELECT count(DISTINCT entity) FROM audit_log")[0].decode(Int.self, at: 0) }
        #expect(audited == 6, "vendors, assessments, contracts, clauses, certificates and incidents are audited")
    }

    /// A realistic mix, mostly medium and low, with what a committee would want to see a few of.
    @Test func thePortfolioLooksLikeARealOne() throws {
        let plans = DemoPortfolio.generate(count: 2_000, seed: 1, catalog: Self.catalog, asOf: Self.asOf)
        func share(_ tier: Tier) -> Double { Double(plans.filter { $0.tier == tier }.count) / Double(plans.count) }
        #expect(abs(share(.critical) - 0.10) < 0.03 && abs(share(.high) - 0.20) < 0.04, "critical \(share(.critical)), high \(share(.high))")
        #expect(abs(share(.medium) - 0.40) < 0.05 && abs(share(.low) - 0.30) < 0.05, "medium \(share(.medium)), low \(share(.low))")
        #expect(plans.allSatisfy { $0.tier == Self.catalog.scoring.tiering.assess($0.vendor.draft.profile).tier })
        #expect(plans.allSatisfy { VendorRules.problem(status: $0.vendor.draft.status, profile: $0.vendor.draft.profile) == nil }, "no prohibited use is active")
        let assessed = plans.compactMap(\.assessment)
        let knockOuts = assessed.filter { assessment in
            let questionnaire = Self.catalog.questionnaire(assessment.questionnaire)!
            return questionnaire.questions.contains { question in
                guard case .option(let value)? = assessment.answers[question.id]?.value else { return false }
                return question.knockOut.contains(value)
            }
        }
        #expect((5...100).contains(knockOuts.count), "a few knock-outs: \(knockOuts.count) of \(assessed.count)")
        let stale = assessed.filter { Self.asOf.timeIntervalSince($0.submittedAt) > 400 * 86_400 }
        #expect(Double(stale.count) / Double(assessed.count) > 0.08, "some answers have gone stale")
        let incidents = plans.flatMap(\.incidents)
        let late = incidents.filter { incident in (incident.notifiedAt ?? Self.asOf).timeIntervalSince(incident.vendorAwareAt ?? incident.detectedAt) > 72 * 3600 }
        #expect(!late.isEmpty, "some notices are late by any tier's SLA")
        #expect(incidents.contains { $0.vendorAwareAt != nil }, "some incidents record when the vendor became aware")
        #expect(plans.contains { $0.vendor.draft.profile.offering == .agent && $0.vendor.draft.profile.autonomy != .none })
        #expect(plans.contains { $0.vendor.draft.profile.offering == .generalPurposeModel })
        #expect(plans.flatMap(\.clauses).contains { !$0.parameters.isEmpty }, "some contracts carry a signed SLA")
    }
}
