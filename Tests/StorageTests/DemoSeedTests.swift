import Foundation
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

@Suite struct DemoSeedTests {
    static let catalog = try! Catalog.load(TestDatabase.repositoryRoot.appendingPathComponent("questionnaires"))
    static let asOf = ISO8601DateFormatter().date(from: "2026-11-29T00:00:00Z")!

    func seed(_ label: String, seed: UInt64) throws -> (DemoLoader.Summary, [String], PostgresPool) {
        let pool = PostgresPool(configuration: try TestDatabase.migrated(label), maximumConnections: 2)
        let plans = DemoPortfolio.generate(count: 300, seed: seed, catalog: Self.catalog, asOf: Self.asOf)
        let summary = try DemoLoader(pool: pool, tiering: Self.catalog.scoring.tiering).load(plans, catalog: Self.catalog, actor: "demo")
        let fingerprint = try pool.withConnection { connection in
            try connection.query("""
                SELECT v.slug || ' ' || v.tier || ' ' || (SELECT count(*) FROM answers a JOIN assessments s ON s.id = a.assessment_id WHERE s.vendor_id = v.id)
                FROM vendors v ORDER BY v.slug
                """).map { try $0.decode(String.self, at: 0) }
        }
        return (summary, fingerprint, pool)
    }

    @Test func theSameSeedGivesTheSamePortfolioAndEverythingIsQueued() throws {
        let (first, firstPrint, pool) = try seed("demoa", seed: 42)
        let (second, secondPrint, _) = try seed("demob", seed: 42)
        let (_, otherPrint, _) = try seed("democ", seed: 43)
        #expect(first == second)
        #expect(firstPrint == secondPrint)
        #expect(firstPrint != otherPrint)
        #expect(first.vendors == 300)
        #expect(first.assessments > 200 && first.answers > first.assessments * 20)
        let tiers = try pool.withConnection { try $0.query("SELECT count(DISTINCT tier) FROM vendors")[0].decode(Int.self, at: 0) }
        #expect(tiers == 4, "every tier is represented")
        let sharedModels = try FourthPartyStore(pool: pool).concentration().items.filter { $0.roles == ["foundation_model"] && $0.vendors > 20 }
        #expect(!sharedModels.isEmpty, "many vendors share foundation-model providers")
        #expect(try ScoringStore(pool: pool).pending(nil) == 300)
        let audited = try pool.withConnection { try $0.query("SELECT count(DISTINCT entity) FROM audit_log")[0].decode(Int.self, at: 0) }
        #expect(audited == 6, "vendors, assessments, contracts, clauses, certificates and incidents are audited")
    }
}
