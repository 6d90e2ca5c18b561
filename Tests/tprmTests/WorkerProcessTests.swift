import CatalogFiles
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Postgres
import ScoringPipeline
import Storage
import SupplierRisk
import TestSupport
import Testing

/// `tprm worker` as operators run it: a process that may die at any moment.
@Suite struct WorkerProcessTests {
    static let catalogDirectory = TestDatabase.repositoryRoot.appendingPathComponent("questionnaires")

    @Test func aWorkerKilledMidBatchLeavesItsJobsToAnotherAndEveryScoreIsRight() throws {
        let configuration = try TestDatabase.migrated("sigkill")
        let database = Database(configuration: configuration, maximumConnections: 4)
        let catalog = try Catalog.load(Self.catalogDirectory)
        let header = "name,business_owner,offering,data_categories,decision_impact,ai_act_class,business_criticality,foundation_models\n"
        let impacts = ["none", "advisory", "significant", "automated"]
        let text = header + (0..<3_000).map { "Vendor \($0),Procurement,ai_saas,internal;personal,\(impacts[$0 % 4]),limited,medium,OpenAI\n" }.joined()
        try VendorStore(database: database, tiering: catalog.scoring.tiering).importVendors(try VendorCSV.parse(text).get(), actor: "test")

        let environment: [String: String?] = ["DATABASE_URL": configuration.connectionString, "TPRM_CATALOG": Self.catalogDirectory.path]
        let worker = try Subprocess.start(Subprocess.tprmExecutable, ["worker", "--batch-size", "20", "--lanes", "2"], environment: environment)
        func scored() throws -> Int {
            try database.withConnection { try $0.query("SELECT count(*) FROM scores")[0].decode(Int.self, at: 0) }
        }
        let deadline = Date().addingTimeInterval(60)
        while try scored() < 200, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        kill(worker, SIGKILL)
        #expect(try Subprocess.wait(worker) == 128 + SIGKILL)
        let atKill = try scored()
        #expect(atKill > 0)
        #expect(atKill < 3_000, "killed mid-run")

        let second = try Subprocess.run(Subprocess.tprmExecutable, ["worker", "--once"], environment: environment)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(try scored() == 3_000)
        #expect(try ScoringStore(database: database).queueDepth() == (0, 0, 0))

        // Every stored score equals a recompute from scratch: rescoring everything changes nothing.
        func snapshot() throws -> [String] {
            try database.withConnection { try $0.query("SELECT vendor_id || ':' || hundredths || ':' || md5(breakdown::text) FROM scores ORDER BY vendor_id").map { try $0.decode(String.self, at: 0) } }
        }
        let before = try snapshot()
        let version = try ModelVersion.compute(catalogDirectory: Self.catalogDirectory)
        try ScoringStore(database: database).enqueueAll()
        try RescoreWorker(database: database, catalog: catalog, modelVersion: version).drain()
        #expect(try snapshot() == before)
        let history = try database.withConnection { try $0.query("SELECT count(*), count(DISTINCT vendor_id) FROM score_history")[0].decode((Int, Int).self) }
        #expect(history == (3_000, 3_000), "each vendor scored into history once: no half-written batch, no duplicate")
    }

    @Test func sigtermStopsTheWorkerCleanlyAndTheRestStaysQueued() throws {
        let configuration = try TestDatabase.migrated("sigterm")
        let database = Database(configuration: configuration, maximumConnections: 2)
        let catalog = try Catalog.load(Self.catalogDirectory)
        let header = "name,business_owner,offering,data_categories,decision_impact,ai_act_class,business_criticality\n"
        let text = header + (0..<2_000).map { "Vendor \($0),Procurement,ai_saas,internal,advisory,limited,medium\n" }.joined()
        try VendorStore(database: database, tiering: catalog.scoring.tiering).importVendors(try VendorCSV.parse(text).get(), actor: "test")
        let environment: [String: String?] = ["DATABASE_URL": configuration.connectionString, "TPRM_CATALOG": Self.catalogDirectory.path]
        let worker = try Subprocess.start(Subprocess.tprmExecutable, ["worker", "--batch-size", "10", "--lanes", "1"], environment: environment)
        func scored() throws -> Int {
            try database.withConnection { try $0.query("SELECT count(*) FROM scores")[0].decode(Int.self, at: 0) }
        }
        let deadline = Date().addingTimeInterval(60)
        while try scored() == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        kill(worker, SIGTERM)
        #expect(try Subprocess.wait(worker) == 0, "a clean exit")
        let done = try scored()
        let queued = try ScoringStore(database: database).pending(nil)
        #expect(done > 0)
        #expect(done + queued == 2_000, "every vendor is either scored or still queued: nothing half-done, nothing lost")
    }
}
