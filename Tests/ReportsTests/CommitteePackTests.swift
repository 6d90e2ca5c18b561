import CatalogFiles
import Foundation
import Postgres
import Reports
import ScoringPipeline
import Storage
import SupplierRisk
import TestSupport
import Testing

@Suite struct CommitteePackTests {
    static let catalog = try! Catalog.load(TestDatabase.repositoryRoot.appendingPathComponent("questionnaires"))

    struct Portfolio {
        let database: Database
        let report: CommitteeReport

        init(_ label: String, vendors: Int = 40) throws {
            database = Database(configuration: try TestDatabase.migrated(label), maximumConnections: 4)
            report = CommitteeReport(database: database, catalog: CommitteePackTests.catalog)
            _ = try DemoLoader(database: database, tiering: CommitteePackTests.catalog.scoring.tiering).load(
                DemoPortfolio.generate(count: vendors, seed: 11, catalog: CommitteePackTests.catalog, asOf: Date()), catalog: CommitteePackTests.catalog, actor: "test")
            try rescore()
        }

        func rescore() throws {
            try RescoreWorker(database: database, catalog: CommitteePackTests.catalog, modelVersion: "test-model").drain()
        }

        func rows<T: PostgresDecodable>(_ sql: String, _ type: T.Type) throws -> [T] {
            try database.withConnection { try $0.query(PostgresQuery(unsafeSQL: sql)).map { try $0.decode(T.self, at: 0) } }
        }

        func scalar<T: PostgresDecodable>(_ sql: String, _ type: T.Type) throws -> T { try rows(sql, T.self)[0] }
    }

    @Test func everyFigureMatchesSQLOverThePortfolio() throws {
        let portfolio = try Portfolio("packfigures")
        let pack = try #require(try portfolio.report.generate(format: .json, actor: "test").pack)
        let summary = pack.summary
        #expect(summary.vendors == (try portfolio.scalar("SELECT count(*)::int FROM vendors WHERE status <> 'offboarded'", Int.self)))
        #expect(summary.scored == (try portfolio.scalar("SELECT count(*)::int FROM scores s JOIN vendors v ON v.id = s.vendor_id WHERE v.status <> 'offboarded'", Int.self)))
        for count in summary.byTier {
            #expect(count.count == (try portfolio.scalar("SELECT count(*)::int FROM vendors WHERE status <> 'offboarded' AND tier = '\(count.key)'", Int.self)), "tier \(count.key)")
        }
        for count in summary.byRating where count.key != "not scored" {
            #expect(count.count == (try portfolio.scalar(
                "SELECT count(*)::int FROM scores s JOIN vendors v ON v.id = s.vendor_id WHERE v.status <> 'offboarded' AND s.rating = '\(count.key)'", Int.self)),
                    "rating \(count.key)")
        }
        let average = try portfolio.scalar(
            "SELECT round(avg(s.hundredths) / 100, 2)::text FROM scores s JOIN vendors v ON v.id = s.vendor_id WHERE v.status <> 'offboarded'", String.self)
        #expect(summary.averageScore.map { "\($0)" } == average.replacingOccurrences(of: #"\.?0+$"#, with: "", options: .regularExpression))
        #expect(summary.distribution.reduce(0) { $0 + $1.count } == summary.scored)
        #expect(summary.trend.count == 12)
        #expect(summary.trend.last?.averageScore == summary.averageScore && summary.trend.last?.scored == summary.scored, "the trend ends where the summary stands")
        for cell in pack.heatMap {
            #expect(cell.count == (try portfolio.scalar("""
                SELECT count(*)::int FROM scores s JOIN vendors v ON v.id = s.vendor_id
                WHERE v.status <> 'offboarded' AND v.tier = '\(cell.tier.rawValue)' AND s.rating = '\(cell.rating.rawValue)'
                """, Int.self)))
        }
        let top = try portfolio.rows("""
            SELECT v.slug FROM scores s JOIN vendors v ON v.id = s.vendor_id WHERE v.status <> 'offboarded'
            ORDER BY s.hundredths DESC, v.slug LIMIT 10
            """, String.self)
        #expect(pack.topRisks.map(\.vendor) == top)
        #expect(pack.topRisks.allSatisfy { $0.drivers.count == 3 }, "three drivers each, from the breakdown")
        // The largest line by its typed fields, in SQL: points, then component, kind and id.
        let firstDriver = try portfolio.scalar("""
            SELECT line->>0 || ' ' || (line->>1) || ' ' || (line->>2) FROM scores s JOIN vendors v ON v.id = s.vendor_id, json_array_elements(s.breakdown->'l') line
            WHERE v.slug = '\(top[0])'
            ORDER BY (line->>3)::int DESC, score_line_component(line->>2), score_line_kind(line->>0), (line->>1) COLLATE "C" LIMIT 1
            """, String.self)
        let driver = try #require(pack.topRisks[0].drivers.first)
        #expect("\(driver.kind.prefix(1)) \(driver.id) \(driver.outcome)".hasPrefix(String(firstDriver.prefix(2))))
        #expect(driver.id == String(firstDriver.split(separator: " ")[1]))
        let dependencies = try portfolio.rows("""
            SELECT count(DISTINCT l.vendor_id)::int FROM vendor_fourth_parties l JOIN vendors v ON v.id = l.vendor_id
            WHERE v.status <> 'offboarded' GROUP BY l.fourth_party_id
            """, Int.self)
        let total = Double(dependencies.reduce(0, +))
        #expect(pack.concentration.hhi == Int(dependencies.reduce(0.0) { $0 + pow(Double($1) / total * 100, 2) }.rounded()))
        #expect(pack.concentration.providers.count == dependencies.count)
        #expect(pack.openIncidents.count == (try portfolio.scalar("SELECT count(*)::int FROM incidents WHERE resolved_at IS NULL", Int.self)))
        #expect(pack.appendix.map(\.vendor).sorted() == (try portfolio.rows(
            "SELECT slug FROM vendors WHERE status <> 'offboarded' AND tier IN ('critical', 'high') ORDER BY slug", String.self)))
        #expect(pack.appendix.map(\.vendor) == (try portfolio.rows("""
            SELECT v.slug FROM vendors v LEFT JOIN scores s ON s.vendor_id = v.id WHERE v.status <> 'offboarded' AND v.tier IN ('critical', 'high')
            ORDER BY v.tier = 'critical' DESC, s.hundredths DESC NULLS LAST, v.slug
            """, String.self)), "critical first, then the highest risk")
        for profile in pack.appendix {
            let vendor = "FROM vendors v LEFT JOIN scores s ON s.vendor_id = v.id WHERE v.slug = '\(profile.vendor)'"
            // Failed answers and clause gaps, read by SQL from the typed fields of the breakdown.
            #expect(profile.failedAnswers.map { "\($0.id) \($0.outcome)" } == (try portfolio.rows("""
                SELECT line->>1 || ' ' || CASE line->>2 WHEN 'fa' THEN 'failed' WHEN 'un' THEN 'unanswered' WHEN 'fg' THEN 'flagged' ELSE 'knockOut' END
                FROM vendors v JOIN scores s ON s.vendor_id = v.id, json_array_elements(s.breakdown->'l') line
                WHERE v.slug = '\(profile.vendor)' AND line->>0 = 'q' AND line->>2 IN ('fa', 'un', 'fg', 'ko')
                ORDER BY (line->>1) COLLATE "C", score_line_outcome(line->>2)
                """, String.self)))
            #expect(profile.clauseGaps == (try portfolio.rows("""
                SELECT line->>1 FROM vendors v JOIN scores s ON s.vendor_id = v.id, json_array_elements(s.breakdown->'l') line
                WHERE v.slug = '\(profile.vendor)' AND line->>2 IN ('mc', 'cd') ORDER BY (line->>1) COLLATE "C"
                """, String.self)))
            #expect(profile.incidents.map(\.title) == (try portfolio.rows("""
                SELECT i.title FROM incidents i JOIN vendors v ON v.id = i.vendor_id WHERE v.slug = '\(profile.vendor)' AND i.resolved_at IS NULL
                ORDER BY array_position(ARRAY['critical', 'high', 'medium', 'low'], i.severity), i.occurred_at, i.id
                """, String.self)))
            #expect(profile.businessOwner == (try portfolio.scalar("SELECT v.business_owner \(vendor)", String.self)))
            #expect(profile.aiActClass == (try portfolio.scalar("SELECT v.ai_act_class \(vendor)", String.self)))
        }
        let failed = Set(pack.appendix.flatMap(\.failedAnswers).map(\.outcome))
        #expect(failed.isSuperset(of: ["failed", "flagged", "unanswered"]),
                "the seeded portfolio has failed, flagged and unanswered questions among its critical and high vendors: \(failed)")
        // Changes since 90 days ago: the whole seeded portfolio is new. Each list holds the latest 100, the totals all.
        let changes = pack.changes
        #expect(changes.totals.newVendors == 40 && changes.newVendors.count == 40)
        let closedGaps = try portfolio.scalar("""
            SELECT count(*)::int FROM audit_log l WHERE l.entity = 'contract_clause' AND (l.after->>'status') IN ('present', 'not_applicable')
              AND (l.before->>'status' IS NULL OR (l.before->>'status') NOT IN ('present', 'not_applicable'))
            """, Int.self)
        #expect(closedGaps > 100, "more than a list holds")
        #expect(changes.totals.clauseGapsClosed == closedGaps)
        #expect(changes.clauseGapsClosed.count == 100 && changes.listLimit == 100)
        #expect(zip(changes.clauseGapsClosed, changes.clauseGapsClosed.dropFirst()).allSatisfy { $0.at >= $1.at }, "newest first")
        let incidents = try portfolio.scalar("SELECT count(*)::int FROM incidents WHERE occurred_at > now() - interval '90 days'", Int.self)
        #expect(changes.totals.incidentsOpened == incidents && changes.incidentsOpened.count == min(incidents, 100))
        #expect(pack.meta.modelVersions == ["test-model"])
        #expect(pack.meta.models.map(\.version) == [2])
        #expect(try portfolio.scalar("SELECT count(*)::int FROM score_history WHERE summary IS DISTINCT FROM score_summary(breakdown)", Int.self) == 0,
                "the worker's summaries agree with the SQL that derives them for older rows")
        #expect(try portfolio.scalar("""
            SELECT count(*)::int FROM score_history WHERE jsonb_array_length(summary->'drivers') = least(3, json_array_length(breakdown->'l'))
            """, Int.self) == (try portfolio.scalar("SELECT count(*)::int FROM score_history", Int.self)), "three drivers, or every line where there are fewer")
    }

    @Test func anAuditorCanCheckTheDigestFromTheJSONAlone() throws {
        let portfolio = try Portfolio("packdigest", vendors: 12)
        let asOf = Date(), since = asOf.addingTimeInterval(-30 * 86_400)
        let json = try portfolio.report.generate(since: since, asOf: asOf, format: .json, actor: "auditor")
        let pack = try #require(json.pack)
        #expect(!pack.appendix.isEmpty)
        // The file with its digest emptied is what the digest covers, byte for byte ...
        let emptied = json.content.replacingOccurrences(of: "\"digest\":\"\(json.digest)\"", with: "\"digest\":\"\"")
        #expect(emptied != json.content)
        #expect(PortalSecret.sha256Hex(Data(emptied.dropLast().utf8)) == json.digest)
        // ... and it is the pack as JSONEncoder writes it, so any JSON library with sorted keys gets the same.
        #expect(PortalSecret.sha256Hex(Data(pack.canonicalJSON(includingDigest: false).utf8)) == json.digest)
        // Every format of the same pack carries the same digest.
        let html = try portfolio.report.generate(since: since, asOf: asOf, format: .html, actor: "auditor")
        let markdown = try portfolio.report.generate(since: since, asOf: asOf, format: .md, actor: "auditor")
        #expect(html.digest == json.digest && markdown.digest == json.digest)
        #expect(html.content.contains("<code>\(json.digest)</code>") && markdown.content.contains("`\(json.digest)`"))
        for profile in pack.appendix {
            #expect(html.content.contains("<h3>\(profile.name) <span class=\"tag \(profile.tier.rawValue)\">"), "a page for \(profile.vendor)")
        }
    }

    @Test func changesSinceTheLastPackAndAPastPackRebuiltAlike() throws {
        let portfolio = try Portfolio("packchanges", vendors: 12)
        let store = VendorStore(database: portfolio.database, tiering: Self.catalog.scoring.tiering)
        let before = Date()
        let first = try #require(try portfolio.report.generate(asOf: before, format: .json, actor: "committee").pack)
        usleep(20_000)
        // Between meetings: a vendor is added, one offboarded, one's rating worsens, an incident is opened.
        let lowest = try #require(try portfolio.rows("SELECT v.slug FROM vendors v JOIN scores s ON s.vendor_id = v.id ORDER BY s.hundredths LIMIT 1", String.self).first)
        _ = try store.update(lowest, actor: "test") { draft in
            draft.profile.dataCategories = [.specialCategory, .personal]
            draft.profile.decisionImpact = .automated
            draft.profile.aiActClass = .highRisk
        }
        let other = try #require(try portfolio.rows("SELECT slug FROM vendors WHERE slug <> '\(lowest)' ORDER BY slug LIMIT 1", String.self).first)
        _ = try store.update(other, actor: "test") { $0.status = .offboarded }
        try store.add(VendorDraft(
            slug: "newcomer", name: "Newcomer <b>AI</b>", status: .active, businessOwner: "Legal", contactEmail: nil,
            profile: AIProfile(offering: .agent, description: "", dataCategories: [.internal], decisionImpact: .none, aiActClass: .minimal,
                               businessCriticality: .low, hostingRegions: []),
            foundationModels: [], subProcessors: []), actor: "test")
        let contract = try ContractStore(database: portfolio.database).add(
            vendor: lowest, reference: "MSA-77", effectiveOn: Date().addingTimeInterval(-86_400), expiresOn: nil, renewalNoticeDays: nil,
            annualValue: nil, currency: nil, actor: "test")
        _ = try ContractStore(database: portfolio.database).setClause(contract: contract.id, key: "incident-notification", status: .present, note: "",
                                                             verifiedBy: "legal", library: Self.catalog.clauses, actor: "test")
        _ = try ContractStore(database: portfolio.database).setClause(contract: contract.id, key: "no-training-on-customer-data", status: .missing, note: "",
                                                             verifiedBy: nil, library: Self.catalog.clauses, actor: "test")
        _ = try IncidentStore(database: portfolio.database).add(vendor: lowest, title: "Model leaked a prompt", category: .dataLeakageViaModel, severity: .high,
                                                     occurredAt: Date(), detectedAt: Date(), vendorNotifiedAt: nil, actor: "test")
        try portfolio.rescore()
        let now = Date()
        let second = try #require(try portfolio.report.generate(asOf: now, format: .json, actor: "committee").pack)
        #expect(abs(second.meta.since.timeIntervalSince(first.meta.asOf)) < 0.001, "since the previous pack")
        #expect(second.changes.newVendors == ["newcomer"])
        #expect(second.changes.offboarded == [other])
        #expect(second.changes.ratingsWorse.contains { $0.vendor == lowest }, "\(second.changes)")
        #expect(second.changes.incidentsOpened.map(\.title) == ["Model leaked a prompt"])
        #expect(second.changes.clauseGapsClosed.map { "\($0.vendor) \($0.clause) \($0.status)" } == ["\(lowest) incident-notification present"])
        #expect(second.changes.clauseGapsOpened.map { "\($0.vendor) \($0.clause) \($0.status)" } == ["\(lowest) no-training-on-customer-data missing"])
        #expect(second.changes.notificationBreaches.isEmpty, "the vendor still has time to give notice")
        #expect(second.summary.vendors == first.summary.vendors, "one in, one out")

        // The first pack, rebuilt as of its date, is the same, whatever happened since.
        let rebuilt = try #require(try portfolio.report.generate(since: first.meta.since, asOf: before, format: .json, actor: "auditor").pack)
        #expect(rebuilt.meta.digest == first.meta.digest)
        #expect(rebuilt == first)
        let asOf = Date()
        let csv = try portfolio.report.generate(since: first.meta.since, asOf: asOf, format: .csv, actor: "auditor")
        #expect(try portfolio.report.generate(since: first.meta.since, asOf: asOf, format: .csv, actor: "auditor").digest == csv.digest)
        let again = try #require(try portfolio.report.generate(since: first.meta.since, asOf: before, format: .json, actor: "auditor").pack)
        #expect(again.meta.digest == first.meta.digest)
        #expect(try portfolio.scalar("SELECT count(*)::int FROM report_packs", Int.self) == 6, "each pack recorded")
    }

    /// Sentences are views of typed lines: rewording every template changes the text of the pack and no figure in it.
    @Test func rewordingEverySentenceMovesNoFigure() throws {
        let portfolio = try Portfolio("packwords", vendors: 30)
        var reworded = ScoreSentences.standard
        for outcome in Score.Outcome.allCases { reworded.templates[outcome] = "«\(outcome.rawValue) of {id}»" }
        for key in reworded.words.keys { reworded.words[key] = "«\(key)»" }
        let asOf = Date(), since = asOf.addingTimeInterval(-90 * 86_400)
        let standard = try #require(try portfolio.report.generate(since: since, asOf: asOf, format: .json, actor: "test", record: false).pack)
        let other = try #require(try CommitteeReport(database: portfolio.database, catalog: Self.catalog, sentences: reworded)
            .generate(since: since, asOf: asOf, format: .json, actor: "test", record: false).pack)
        func figures(_ pack: CommitteePack) -> String {
            func lines(_ lines: [CommitteePack.Line]) -> String { lines.map { "\($0.kind) \($0.id) \($0.outcome) \($0.points)" }.joined(separator: "; ") }
            return [
                "\(pack.summary)", "\(pack.heatMap)", "\(pack.concentration)", "\(pack.clauseGaps)", "\(pack.openIncidents)",
                pack.topRisks.map { "\($0.vendor) \($0.score) \($0.rating) \(lines($0.drivers))" }.joined(separator: "\n"),
                pack.appendix.map { "\($0.vendor) \(String(describing: $0.score)) \(lines($0.drivers)) | \(lines($0.failedAnswers)) | \($0.clauseGaps)" }.joined(separator: "\n"),
                "\(pack.changes.totals)", pack.changes.ratingsWorse.map { "\($0.vendor) \($0.from) \($0.to) \($0.reason.map { lines([$0]) } ?? "")" }.joined(separator: "\n"),
            ].joined(separator: "\n")
        }
        #expect(figures(standard) == figures(other))
        let texts = other.appendix.flatMap { $0.drivers + $0.failedAnswers }.map(\.text)
        #expect(!texts.isEmpty && texts.allSatisfy { $0.hasPrefix("«") }, "every sentence came from the reworded templates")
        #expect(standard.meta.digest != other.meta.digest, "the words are part of the pack, and so of its digest")
    }

    /// A new scoring model, in the open: the pack says when it changed, and a rating change that spans two models shows both.
    @Test func aModelChangeIsInThePackWithBothVersions() throws {
        let portfolio = try Portfolio("packmodel", vendors: 20)
        try portfolio.database.withConnection { connection in
            // The portfolio as model 1 scored it a week ago: the same scores, under a model registered as version 1.
            try connection.executeScript("""
                INSERT INTO scoring_models (digest, version, first_used_at) VALUES ('model-one', 1, now() - interval '8 days');
                UPDATE scoring_models SET first_used_at = now() - interval '1 day' WHERE digest = 'test-model';
                """)
        }
        // History rows of model 1, a rating below each vendor's current one, before the current rows.
        try portfolio.database.withConnection { connection in
            try connection.executeScript("""
                CREATE TEMPORARY TABLE current_history AS SELECT * FROM score_history;
                ALTER TABLE score_history DISABLE TRIGGER score_history_no_truncate;
                TRUNCATE score_history;
                ALTER TABLE score_history ENABLE TRIGGER score_history_no_truncate;
                INSERT INTO score_history (vendor_id, hundredths, rating, model_version, computed_at, breakdown, summary)
                SELECT vendor_id, 100, 'low', 'model-one', now() - interval '7 days', NULL, '{"drivers": [], "clauseGaps": [], "lateNotices": [], "failedAnswers": []}'
                FROM current_history;
                INSERT INTO score_history (vendor_id, hundredths, rating, previous_hundredths, previous_rating, model_version, computed_at, breakdown, summary)
                SELECT vendor_id, hundredths, rating, 100, 'low', model_version, now() - interval '1 day', breakdown, summary FROM current_history;
                """)
        }
        let pack = try #require(try portfolio.report.generate(since: Date().addingTimeInterval(-3 * 86_400), format: .json, actor: "test", record: false).pack)
        let change = try #require(pack.changes.modelChanges.first)
        #expect(pack.changes.modelChanges.count == 1)
        #expect(change.version == 2 && change.previousVersion == 1 && change.previousDigest == "model-one" && change.digest == "test-model")
        let worse = try portfolio.scalar("SELECT count(*)::int FROM scores WHERE rating <> 'low'", Int.self)
        #expect(change.ratingsWorse == worse && change.ratingsBetter == 0 && change.scoresChanged == 20)
        #expect(!pack.changes.ratingsWorse.isEmpty && pack.changes.ratingsWorse.allSatisfy { $0.fromModel == 1 && $0.toModel == 2 })
        let html = try portfolio.report.generate(since: Date().addingTimeInterval(-3 * 86_400), format: .html, actor: "test", record: false).content
        #expect(html.contains("The scoring model changed on "))
        #expect(html.contains("(model 1)") && html.contains("(model 2)"))
        let markdown = try portfolio.report.generate(since: Date().addingTimeInterval(-3 * 86_400), format: .md, actor: "test", record: false).content
        #expect(markdown.contains("from version 1 (model-one) to version 2 (test-model)") && markdown.contains("(model 1 → 2)"))
    }

    @Test func namesAreEscapedInHTMLAndQuotedInCSV() throws {
        let portfolio = try Portfolio("packescape", vendors: 3)
        let name = "<script>alert('x')</script>, \"Quoted\"\nand =SUM(A1)"
        let slug = try #require(try portfolio.rows("SELECT slug FROM vendors ORDER BY slug LIMIT 1", String.self).first)
        _ = try VendorStore(database: portfolio.database, tiering: Self.catalog.scoring.tiering).update(slug, actor: "test") { draft in
            draft.name = name
            draft.profile.businessCriticality = .critical
        }
        try portfolio.rescore()
        let html = try portfolio.report.generate(format: .html, actor: "test").content
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;, &quot;Quoted&quot;"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src="), "no external request")
        let csv = try portfolio.report.generate(format: .csv, actor: "test").content
        #expect(csv.hasPrefix("\u{FEFF}vendor,name,tier,"), "a byte-order mark for Excel")
        #expect(csv.contains("\r\n"))
        #expect(csv.contains("\"<script>alert('x')</script>, \"\"Quoted\"\"\nand =SUM(A1)\""), "RFC 4180 quoting")
        let markdown = try portfolio.report.generate(format: .md, actor: "test").content
        #expect(markdown.hasPrefix("# TPRM committee pack, "))
        // Before anything was registered, the pack is empty and says so.
        let empty = try portfolio.report.generate(since: Date(timeIntervalSince1970: 0), asOf: Date(timeIntervalSince1970: 86_400), format: .html, actor: "test")
        #expect(empty.vendors == 0)
        #expect(empty.content.contains("No vendor is critical or high.") && empty.content.contains("No vendor is scored yet."))
    }

    @Test func aFormulaIsNotLeftForASpreadsheetToRun() throws {
        let portfolio = try Portfolio("packformula", vendors: 2)
        let slug = try #require(try portfolio.rows("SELECT slug FROM vendors ORDER BY slug LIMIT 1", String.self).first)
        _ = try VendorStore(database: portfolio.database, tiering: Self.catalog.scoring.tiering).update(slug, actor: "test") { $0.name = "=HYPERLINK(\"http://x\")" }
        let csv = try portfolio.report.generate(format: .csv, actor: "test").content
        #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
    }
}
