import CatalogFiles
import Foundation
import Postgres
import ScoringPipeline
import Storage
import SupplierRisk
import TestSupport
import Testing

@Suite struct RescoreWorkerTests {
    static let catalogDirectory = TestDatabase.repositoryRoot.appendingPathComponent("questionnaires")
    static let catalog = try! Catalog.load(catalogDirectory)

    struct Fixture {
        let configuration: PostgresConfiguration
        let database: Database
        let vendors: VendorStore
        let scores: ScoringStore

        init(_ label: String) throws {
            configuration = try TestDatabase.migrated(label)
            database = Database(configuration: configuration, maximumConnections: 6)
            vendors = VendorStore(database: database, tiering: RescoreWorkerTests.catalog.scoring.tiering)
            scores = ScoringStore(database: database)
        }

        func worker(batchSize: Int = 100, lanes: Int = 2, poll: Duration = .seconds(2)) -> RescoreWorker {
            var configuration = RescoreWorker.Configuration()
            configuration.batchSize = batchSize
            configuration.lanes = lanes
            configuration.maxAttempts = 2
            configuration.pollInterval = poll
            return RescoreWorker(database: database, catalog: RescoreWorkerTests.catalog, modelVersion: "test-model", configuration: configuration)
        }

        func add(_ slug: String, impact: AIProfile.DecisionImpact = .advisory) throws {
            try vendors.add(VendorDraft(
                slug: slug, name: slug, status: .active, businessOwner: "Procurement", contactEmail: nil,
                profile: AIProfile(offering: .aiSaaS, description: "", dataCategories: [.internal], decisionImpact: impact,
                                   aiActClass: .limited, businessCriticality: .medium, hostingRegions: []),
                foundationModels: [], subProcessors: []), actor: "test")
        }

        func queued() throws -> Int {
            try database.withConnection { try $0.query("SELECT count(*) FROM rescore_queue")[0].decode(Int.self, at: 0) }
        }
    }

    @Test func aChangeThroughStorageIsQueuedScoredAndKeptInHistory() throws {
        let fixture = try Fixture("pipeline")
        try fixture.add("acme")
        #expect(try fixture.queued() == 1, "registering queues the vendor in the same transaction")
        #expect(try fixture.worker().drain() == 1)
        let first = try #require(try fixture.scores.score("acme"))
        #expect(first.modelVersion == "test-model")
        #expect(first.model == 2, "the worker registered its model as version 2 of scoring.yaml")
        #expect(first.score.lines.reduce(0) { $0 + $1.hundredths } == first.score.hundredths)
        #expect(first.score.lines.contains { $0.source.description == "assessment none" })

        try IncidentStore(database: fixture.database).add(
            vendor: "acme", title: "Harmful answer", category: .harmfulOutput, severity: .critical,
            occurredAt: Date().addingTimeInterval(-3600), detectedAt: Date(), vendorNotifiedAt: nil, actor: "test")
        #expect(try fixture.queued() == 1)
        #expect(try fixture.worker().drain() == 1)
        let second = try #require(try fixture.scores.score("acme"))
        #expect(second.score.hundredths > first.score.hundredths)
        #expect(second.score.lines.contains { $0.source.kind == .incident })

        try fixture.scores.enqueue(["acme"])
        #expect(try fixture.worker().drain() == 1)
        let history = try fixture.scores.history("acme").items
        #expect(history.count == 2, "a rescore that changes nothing adds no history")
        #expect(history[1].previousHundredths == history[0].hundredths)
        #expect(try fixture.queued() == 0)
        let third = try #require(try fixture.scores.score("acme"))
        #expect(third.computedAt == second.computedAt, "a score computed again exactly as stored keeps its row")
        #expect(third.score == second.score)
    }

    @Test func theScoreKeepsCountsOfItsClauseGapsAndLateNoticesForTheWorkQueues() throws {
        let fixture = try Fixture("pipeline-counts")
        try fixture.add("gaps", impact: .automated)
        let day = 86_400.0
        try IncidentStore(database: fixture.database).add(
            vendor: "gaps", title: "Customer data in an answer", category: .dataLeakageViaModel, severity: .high,
            occurredAt: Date().addingTimeInterval(-20 * day), detectedAt: Date().addingTimeInterval(-20 * day),
            vendorNotifiedAt: Date().addingTimeInterval(-10 * day), actor: "test")
        #expect(try fixture.worker().drain() == 1)
        let scored = try #require(try fixture.scores.score("gaps"))
        #expect(scored.score.clauseGapCount > 0, "a vendor with no contract lacks the clauses its tier requires")
        #expect(scored.score.lateNoticeCount == 1, "ten days after the incident is late for any notice SLA")
        let stored = try fixture.database.withConnection { connection in
            try connection.query("""
                SELECT clause_gaps, late_notices, jsonb_array_length(score_summary(breakdown)->'clauseGaps'),
                       jsonb_array_length(score_summary(breakdown)->'lateNotices') FROM scores
                """)[0].decode((Int, Int, Int, Int).self)
        }
        #expect(stored.0 == scored.score.clauseGapCount && stored.1 == 1)
        #expect(stored.0 == stored.2 && stored.1 == stored.3, "the counts agree with the summary SQL derives from the breakdown")
    }

    @Test func aRescoreRewritesOnlyTheScoresThatChanged() throws {
        let fixture = try Fixture("unchanged")
        for slug in ["kept", "changed"] { try fixture.add(slug) }
        try fixture.worker().drain()
        func versions() throws -> [String: String] {
            // xmin changes with every new row version, however little changed.
            try fixture.database.withConnection { connection in
                Dictionary(uniqueKeysWithValues: try connection.query(
                    "SELECT v.slug, s.xmin::text FROM scores s JOIN vendors v ON v.id = s.vendor_id").decode((String, String).self))
            }
        }
        let before = try versions()
        try IncidentStore(database: fixture.database).add(
            vendor: "changed", title: "Leak", category: .dataLeakageViaModel, severity: .high,
            occurredAt: Date().addingTimeInterval(-3600), detectedAt: Date(), vendorNotifiedAt: nil, actor: "test")
        try fixture.scores.enqueue(["kept", "changed"])
        #expect(try fixture.worker().drain() == 2)
        let after = try versions()
        #expect(after["kept"] == before["kept"], "the same score is not written again")
        #expect(after["changed"] != before["changed"])
        #expect(try fixture.scores.history("changed").items.count == 2)
        #expect(try fixture.scores.history("kept").items.count == 1)
    }

    @Test func anAssessmentsAnswersAreScoredAndCited() throws {
        let fixture = try Fixture("answers")
        try fixture.add("acme")
        let questionnaire = try #require(Self.catalog.questionnaire("ai-supplier-essentials"))
        try AssessmentStore(database: fixture.database).recordSubmitted(
            vendor: "acme", questionnaire: questionnaire, reason: "onboarding", sentAt: Date().addingTimeInterval(-86_400 * 10),
            submittedAt: Date().addingTimeInterval(-86_400),
            answers: [
                "DAT-01": Answer(value: .option("opt_out"), answeredAt: Date().addingTimeInterval(-86_400), hasEvidence: true),
                "SEC-01": Answer(value: .option("yes"), answeredAt: Date().addingTimeInterval(-86_400), verdict: .accepted),
            ], actor: "test")
        try fixture.worker().drain()
        let score = try #require(try fixture.scores.score("acme")).score
        let line = try #require(score.lines.first { $0.source.description == "question DAT-01" })
        #expect(line.outcome == .failed, "opt_out scores 30%, below the pass mark of a key control")
        #expect(line.credit == 0.27, "30% × 0.9 for a document")
        #expect(ScoreSentences.standard.text(line) == "DAT-01 (key control) answered \"opt_out\": failed, no credit on \(ScoreSentences.number(line.weight! * 100))% of the controls")
        #expect(score.lines.first { $0.source.description == "question SEC-01" }?.hundredths == 0)
        #expect(score.lines.first { $0.source.description == "question DAT-02" }?.outcome == .unanswered)
    }

    @Test func aVendorThatCannotBeScoredHoldsUpNobodyAndKeepsItsError() throws {
        let fixture = try Fixture("failing")
        for slug in ["a", "b", "c"] { try fixture.add(slug) }
        try fixture.database.withConnection { connection in
            try connection.executeScript("""
                INSERT INTO questionnaire_snapshots (content_hash, template_key, template_version, content)
                VALUES (repeat('0', 64), 'broken', 1, '{"not": "a questionnaire"}');
                INSERT INTO assessments (vendor_id, content_hash, reason, status, sent_at, due_at, submitted_at)
                SELECT id, repeat('0', 64), 'onboarding', 'submitted', now() - interval '2 days', now() + interval '28 days', now()
                FROM vendors WHERE slug = 'b'
                """)
        }
        let worker = fixture.worker()
        #expect(try worker.drain() == 3)
        #expect(try fixture.scores.score("a") != nil)
        #expect(try fixture.scores.score("c") != nil)
        #expect(try fixture.scores.score("b") == nil)
        let depth = try fixture.scores.queueDepth()
        #expect(depth.retrying == 1, "b waits for a retry with backoff")
        // The second failed attempt reaches maxAttempts (2): b is left with its error.
        try fixture.database.withConnection { try $0.execute("UPDATE rescore_queue SET next_attempt_at = now()") }
        #expect(try worker.drain() == 1)
        let failures = try fixture.scores.failures()
        #expect(failures.map(\.vendor) == ["b"])
        #expect(failures.first?.attempts == 2)
        #expect(failures.first?.error.hasPrefix("assessment ") == true)
        #expect(try fixture.scores.queueDepth().failed == 1)
    }

    @Test func twoWorkersScoreEveryVendorOnceBetweenThem() throws {
        let fixture = try Fixture("twoworkers")
        let header = "name,business_owner,offering,data_categories,decision_impact,ai_act_class,business_criticality\n"
        let text = header + (0..<400).map { "Vendor \($0),Procurement,ai_saas,internal,advisory,limited,medium\n" }.joined()
        try fixture.vendors.importVendors(try VendorCSV.parse(text).get(), actor: "test")
        #expect(try fixture.queued() == 400)
        let first = fixture.worker(batchSize: 25, lanes: 1)
        let second = fixture.worker(batchSize: 25, lanes: 1)
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        let counts = Counts()
        for worker in [first, second] {
            group.enter()
            Thread.detachNewThread {
                start.wait()
                counts.add((try? worker.drain()) ?? -1)
                group.leave()
            }
        }
        start.signal()
        start.signal()
        group.wait()
        #expect(counts.values.count == 2)
        #expect(counts.values.reduce(0, +) == 400, "every job taken exactly once")
        let history = try fixture.database.withConnection {
            try $0.query("SELECT count(*), count(DISTINCT vendor_id) FROM score_history")[0].decode((Int, Int).self)
        }
        #expect(history == (400, 400), "no vendor was scored twice")
        #expect(try fixture.queued() == 0)
    }

    @Test func withTheListenerKilledPollingStillScores() throws {
        let fixture = try Fixture("polling")
        let loop = fixture.worker(lanes: 1, poll: .milliseconds(200)).loop()
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? loop.runBlocking()
            finished.signal()
        }
        defer {
            loop.stop()
            _ = finished.wait(timeout: .now() + 10)
        }
        // Kill the listener's connection, then make work without any notification reaching it.
        let deadline = Date().addingTimeInterval(10)
        var killed = 0
        while killed == 0, Date() < deadline {
            killed = try fixture.database.withConnection {
                try $0.query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'LISTEN \"rescore\"' AND datname = current_database()")[0].decode(Int.self, at: 0)
            }
            if killed == 0 { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(killed == 1)
        try fixture.add("late")
        while try fixture.scores.score("late") == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(try fixture.scores.score("late") != nil)
    }
}

final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Int] = []
    func add(_ value: Int) {
        lock.lock()
        values.append(value)
        lock.unlock()
    }
}

@Suite struct ModelChangeTests {
    @Test func aChangedTieringRuleRetiersAndRescoresVendorsWithAnAuditRow() throws {
        let fixture = try RescoreWorkerTests.Fixture("retier")
        try fixture.add("advisor", impact: .advisory)
        try fixture.add("automator", impact: .automated)
        try fixture.worker().drain()
        #expect(try fixture.vendors.vendor("advisor").tier == .medium)

        // A catalog whose rules put advisory use in the high tier.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-catalog-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: RescoreWorkerTests.catalogDirectory, to: directory)
        let scoringFile = directory.appendingPathComponent("scoring.yaml")
        try String(contentsOf: scoringFile, encoding: .utf8).replacingOccurrences(of: "    advisory: low", with: "    advisory: high")
            .write(to: scoringFile, atomically: true, encoding: .utf8)
        let catalog = try Catalog.load(directory)
        let version = try ModelVersion.compute(catalogDirectory: directory)
        let worker = RescoreWorker(database: fixture.database, catalog: catalog, modelVersion: version)
        let prepared = try worker.prepare()
        #expect(prepared.queued == 2, "every score is from another model version")
        #expect(prepared.retiered == 1)
        try worker.drain()
        #expect(try fixture.vendors.vendor("advisor").tier == .high)
        #expect(try fixture.scores.score("advisor")?.modelVersion == version)
        #expect(try fixture.scores.score("advisor")?.score.lines.first?.detail == .tier(.high, inherent: 65))
        let audit = try AuditLog(database: fixture.database).entries(entity: "vendor", id: "advisor").items
        #expect(audit.last?.actor == "tprm worker (model \(version))")
        #expect(try worker.prepare() == (0, 0), "nothing to do once the model is current")
    }
}
