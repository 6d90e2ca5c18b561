import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import ScoringPipeline
@testable import Storage
import SupplierRisk
import TestSupport
import Testing
import Reports
@testable import WebService

/// The workspace's read pages through the router: the portfolio's figures and the vendor list, checked against
/// SQL over a seeded and scored portfolio; hostile names escaped; wrong filters refused with nothing listed.
@Suite struct WorkspacePageTests {
    typealias Fixture = ApiTests.Fixture
    typealias Browser = SignInTests.Browser

    static let hostile = #"<script>alert("x")</script> O'Brien & Co"#

    /// A demo portfolio of `vendors`, a vendor with a hostile name and one whose name a spreadsheet would run,
    /// all scored by the real worker; and two people to sign in as.
    static func seeded(_ label: String, vendors: Int = 30, portfolioMaxAge: TimeInterval = 60) throws -> Fixture {
        let fixture = try Fixture(label, portfolioMaxAge: portfolioMaxAge)
        let catalog = ApiTests.catalog
        _ = try DemoLoader(database: fixture.database, tiering: catalog.scoring.tiering).load(
            DemoPortfolio.generate(count: vendors, seed: 5, catalog: catalog, asOf: Date()), catalog: catalog, actor: "test")
        let store = VendorStore(database: fixture.database, tiering: catalog.scoring.tiering)
        for (slug, name) in [("hostile", hostile), ("formula", "=HYPERLINK(\"http://evil.example\")")] {
            try store.add(draft(slug, name: name), actor: "test")
        }
        try RescoreWorker(database: fixture.database, catalog: catalog, modelVersion: "test-model").drain()
        for (email, role) in [("ana@example.com", ApiRole.analyst), ("cora@example.com", .committee)] {
            _ = try UserStore(database: fixture.database).add(email: email, name: "Ana", role: role, password: SignInTests.password, actor: "admin") { _, _ in
                fatalError("a password was given: no link")
            }
        }
        return fixture
    }

    static func draft(_ slug: String, name: String? = nil) -> VendorDraft {
        VendorDraft(
            slug: slug, name: name ?? slug, status: .active, businessOwner: "Claims <b>team</b>", contactEmail: nil,
            profile: AIProfile(offering: .aiSaaS, description: "", dataCategories: [.personal], decisionImpact: .automated,
                               aiActClass: .limited, businessCriticality: .high, hostingRegions: []),
            foundationModels: [], subProcessors: [])
    }

    static func integer(_ fixture: Fixture, _ sql: String) throws -> Int {
        try fixture.database.withConnection { try $0.query(PostgresQuery(unsafeSQL: sql))[0].decode(Int.self, at: 0) }
    }

    static func strings(_ fixture: Fixture, _ sql: String) throws -> [String] {
        try fixture.database.withConnection { try $0.query(PostgresQuery(unsafeSQL: sql)).map { try $0.decode(String.self, at: 0) } }
    }

    /// The number a work-queue card shows.
    static func queueCount(_ page: String, _ queue: String) throws -> Int {
        let marker = "href=\"/vendors?needs=\(queue)\"><span class=\"count\">"
        let start = try #require(page.range(of: marker), "no card for \(queue)").upperBound
        return try #require(Int(page[start...].prefix { $0.isNumber }))
    }

    /// The slugs of the vendor list's rows, in order.
    static func listed(_ page: String) -> [String] {
        page.components(separatedBy: "<tr><th scope=\"row\"><a href=\"/vendors/").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test func signingInIsNeededForEveryPageAndTheAskedPageIsKept() async throws {
        let fixture = try Fixture("ws-anonymous")
        try await fixture.app.test(.router) { client in
            for (uri, next) in [("/", nil), ("/vendors?tier=high&q=a%20b", "/vendors%3Ftier%3Dhigh%26q%3Da%2520b"), ("/vendors.csv", "/vendors.csv")] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == (next.map { "/login?next=" + $0 } ?? "/login"))
                }
            }
        }
    }

    @Test func thePortfolioShowsTheFiguresSQLCounts() async throws {
        let fixture = try Self.seeded("ws-portfolio")
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            _ = try await browser.signIn(client)
            let (status, page, headers) = try await browser.get(client, "/")
            #expect(status == .ok)
            #expect(headers[.contentSecurityPolicy]?.contains("unsafe-inline") == false)
            let vendors = try Self.integer(fixture, "SELECT count(*)::int FROM vendors WHERE status <> 'offboarded'")
            #expect(page.contains("\(vendors) vendors in the portfolio"))
            let inPortfolio = "FROM vendors v JOIN scores s ON s.vendor_id = v.id WHERE v.status <> 'offboarded'"
            #expect(try Self.queueCount(page, "clause-gaps") == Self.integer(fixture, "SELECT count(*)::int \(inPortfolio) AND s.clause_gaps > 0"))
            #expect(try Self.queueCount(page, "late-notices") == Self.integer(fixture, "SELECT count(*)::int \(inPortfolio) AND s.late_notices > 0"))
            #expect(try Self.queueCount(page, "open-incidents") == Self.integer(fixture, """
                SELECT count(DISTINCT v.id)::int FROM vendors v JOIN incidents i ON i.vendor_id = v.id
                WHERE v.status <> 'offboarded' AND i.status IN ('open', 'investigating')
                """))
            #expect(try Self.queueCount(page, "never-assessed") == Self.integer(fixture, """
                SELECT count(*)::int FROM vendors v WHERE v.status <> 'offboarded' AND NOT EXISTS (
                    SELECT 1 FROM assessments a WHERE a.vendor_id = v.id AND a.status = 'completed' AND a.reason <> 'check_in')
                """))
            let average = try Self.integer(fixture, "SELECT round(avg(s.hundredths))::int \(inPortfolio)")
            #expect(page.contains("<span class=\"big\">\(average / 100).\(String(format: "%02d", average % 100))</span>"))
            // The heat map's cell for critical vendors rated critical, and its link.
            let critical = try Self.integer(fixture, "SELECT count(*)::int \(inPortfolio) AND v.tier = 'critical' AND s.rating = 'critical'")
            if critical > 0 {
                #expect(page.contains("<a href=\"/vendors?tier=critical&amp;rating=critical\">\(critical)</a>"))
            }
            #expect(page.contains("<svg role=\"img\" aria-labelledby=\"trend-title\""))
            #expect(!page.contains("<script"), "no script on the page, and no name that could run as one")

            // Each card's count is the length of the list it opens.
            for queue in WorkQueue.allCases {
                let (_, list, _) = try await browser.get(client, "/vendors?needs=\(queue.rawValue)")
                #expect(Self.listed(list).count == min(try Self.queueCount(page, queue.rawValue), VendorListQuery.pageSize), "\(queue.rawValue)")
            }
        }
    }

    @Test func theListFiltersSortsPagesAndEscapes() async throws {
        let fixture = try Self.seeded("ws-list", vendors: 70)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            _ = try await browser.signIn(client)
            let (status, high, _) = try await browser.get(client, "/vendors?tier=high&sort=-score")
            #expect(status == .ok)
            #expect(Self.listed(high) == (try Self.strings(fixture, """
                SELECT v.slug FROM vendors v LEFT JOIN scores s ON s.vendor_id = v.id WHERE v.tier = 'high'
                ORDER BY COALESCE(s.hundredths, -1) DESC, v.id DESC LIMIT 50
                """)))
            #expect(high.contains("<option value=\"high\" selected>high</option>"), "the form shows the filter in force")

            let (_, hostile, _) = try await browser.get(client, "/vendors?q=o%27brien")
            #expect(Self.listed(hostile) == ["hostile"])
            #expect(hostile.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; Co") || hostile.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Brien &amp; Co"))
            #expect(!hostile.contains("<script>") && !hostile.contains("<b>team</b>"))
            #expect(hostile.contains("value=\"o&#39;brien\"") || hostile.contains("value=\"o&#x27;brien\""), "the search typed is shown again, escaped")

            // Keyset pages: 72 vendors by name, 50 then 22, none repeated or skipped.
            let (_, first, _) = try await browser.get(client, "/vendors")
            let nextMarker = try #require(first.range(of: "<a href=\"/vendors?after=")).lowerBound
            let link = String(first[first.index(nextMarker, offsetBy: 9)...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            let (_, second, _) = try await browser.get(client, link)
            let all = try Self.strings(fixture, "SELECT slug FROM vendors ORDER BY lower(name), id")
            #expect(Self.listed(first) + Self.listed(second) == all)
            #expect(!second.contains("rel=\"next\""))
        }
    }

    @Test func aWrongFilterIsRefusedBesideTheFormAndListsNothing() async throws {
        let fixture = try Self.seeded("ws-wrong", vendors: 5)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            _ = try await browser.signIn(client)
            for (uri, message) in [
                ("/vendors?tier=severe", "Tier &quot;severe&quot; is not one of: low, medium, high, critical."),
                ("/vendors?needs=everything", "Needs action &quot;everything&quot; is not one of:"),
                ("/vendors?sort=size", "Order &quot;size&quot; is not one of:"),
                ("/vendors?after=bm90IGEgY3Vyc29y", "This page link belongs to another order or is out of date"),
                ("/vendors.csv?rating=%3Cb%3E", "Rating &quot;&lt;b&gt;&quot; is not one of"),
            ] {
                let (status, page, headers) = try await browser.get(client, uri)
                #expect(status == .badRequest, "\(uri)")
                #expect(page.contains(message), "\(uri)")
                #expect(Self.listed(page).isEmpty, "\(uri): a refused filter lists nothing")
                #expect(headers[.contentType] == "text/html; charset=utf-8")
            }
            // Empty values are "any", as the form sends them.
            let (status, page, _) = try await browser.get(client, "/vendors?tier=&rating=&status=&needs=&q=&owner=")
            #expect(status == .ok && Self.listed(page).count == 7)
        }
    }

    @Test func theListDownloadsAsCSVWithFormulasDisarmed() async throws {
        let fixture = try Self.seeded("ws-csv", vendors: 10)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            _ = try await browser.signIn(client, email: "cora@example.com")
            let (status, csv, headers) = try await browser.get(client, "/vendors.csv?status=active&sort=-score")
            #expect(status == .ok)
            #expect(headers[.contentType] == "text/csv; charset=utf-8")
            #expect(headers[.contentDisposition]?.hasPrefix("attachment; filename=\"vendors-") == true)
            let lines = csv.split(separator: "\r\n")
            #expect(lines.first == "\u{FEFF}vendor,name,tier,status,business_owner,score,rating,change_30_days,last_assessed,next_due,open_assessment")
            let active = try Self.strings(fixture, """
                SELECT v.slug FROM vendors v LEFT JOIN scores s ON s.vendor_id = v.id WHERE v.status = 'active'
                ORDER BY COALESCE(s.hundredths, -1) DESC, v.id DESC
                """)
            #expect(lines.dropFirst().map { String($0.prefix { $0 != "," }) } == active)
            let formula = try #require(lines.first { $0.hasPrefix("formula,") })
            #expect(formula.hasPrefix("formula,\"'=HYPERLINK"), "a name a spreadsheet would run is written as text")
        }
    }

    @Test func theVendorPageExplainsTheScoreLineByLineAsStored() async throws {
        let fixture = try Self.seeded("ws-vendor", vendors: 12)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            _ = try await browser.signIn(client, email: "cora@example.com")
            let slugs = try Self.strings(fixture, "SELECT v.slug FROM vendors v JOIN scores s ON s.vendor_id = v.id ORDER BY s.hundredths DESC, v.slug LIMIT 3")
                + Self.strings(fixture, "SELECT v.slug FROM vendors v JOIN assessments a ON a.vendor_id = v.id AND a.status = 'completed' ORDER BY v.id LIMIT 2")
            var checkedDomains = 0
            for slug in slugs {
                let (status, page, _) = try await browser.get(client, "/vendors/\(slug)")
                #expect(status == .ok, "\(slug): the committee reads every vendor page")
                let stored = try #require(try ScoringStore(database: fixture.database).score(slug))
                let total = PackWriter.hundredths(stored.score.hundredths)
                #expect(page.contains("<span class=\"big\">\(total)</span> of 100, rating <strong class=\"rating-\(stored.score.rating.rawValue)\">"))
                let counted = stored.score.lines.filter { $0.hundredths > 0 }
                #expect(page.components(separatedBy: "<tr id=\"line-").count - 1 == counted.count, "\(slug): every line with points is on the page")
                #expect(page.contains("they add up to \(total)"), "\(slug): the lines add up to the score")
                let gaps = try Self.integer(fixture, "SELECT s.clause_gaps FROM scores s JOIN vendors v ON v.id = s.vendor_id WHERE v.slug = '\(slug)'")
                #expect(page.contains("\(gaps) of "), "\(slug): the clause table counts the gaps the score holds")
                #expect(!page.contains("<form method=\"post\" action=\"/vendors"), "the page changes nothing")
                // Each question line names its domain, and the controls' points are charted by domain, adding up to the component.
                let inputs = try ScoringStore(database: fixture.database).inputs(slug, asOf: Date())
                if let questionnaire = inputs.assessment?.questionnaire,
                   let line = counted.first(where: { $0.source.kind == .question && $0.component == .controls }),
                   let question = questionnaire.questions.first(where: { $0.id == line.source.id }),
                   let domain = questionnaire.domains.first(where: { $0.key == question.domain }) {
                    #expect(page.contains("question \(line.source.id)<br><span class=\"qid\">\(domain.title)</span>"))
                    #expect(page.contains("aria-labelledby=\"domains-title\""))
                    let charted = page.components(separatedBy: "<table class=\"behind\"><caption>The controls&#39; points by questionnaire domain")
                        .dropFirst().first.map { String($0.prefix { $0 != "/" || true }) } ?? ""
                    let cells = charted.components(separatedBy: "</table>")[0].components(separatedBy: "<td>").dropFirst()
                        .map { String($0.prefix { $0 != "<" }) }
                    let sum = cells.compactMap { Decimal(string: $0) }.reduce(Decimal(0), +)
                    #expect(sum == Decimal(stored.score.hundredths(of: .controls)) / 100, "\(slug): the domains add up to the controls' points")
                    checkedDomains += 1
                }
            }
            #expect(checkedDomains > 0, "a vendor with an assessment had its domains checked")
            let (_, hostile, _) = try await browser.get(client, "/vendors/hostile")
            #expect(hostile.contains("<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; Co</h1>")
                    || hostile.contains("<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#x27;Brien &amp; Co</h1>"))
            #expect(!hostile.contains("<script>") && !hostile.contains("<b>team</b>"))
            #expect(hostile.contains("No foundation-model provider or sub-processor recorded."))

            // A vendor sharing a fourth party names the others that depend on it.
            let shared = try Self.strings(fixture, """
                SELECT v.slug || ' ' || o.slug FROM vendor_fourth_parties a JOIN vendor_fourth_parties b ON b.fourth_party_id = a.fourth_party_id AND b.vendor_id <> a.vendor_id
                JOIN vendors v ON v.id = a.vendor_id JOIN vendors o ON o.id = b.vendor_id ORDER BY 1 LIMIT 1
                """)
            if let pair = shared.first?.split(separator: " ") {
                let (_, page, _) = try await browser.get(client, "/vendors/\(pair[0])")
                #expect(page.contains("<a href=\"/vendors/\(pair[1])\">"))
            }

            let (missing, notFound, headers) = try await browser.get(client, "/vendors/no-such-vendor")
            #expect(missing == .notFound)
            #expect(notFound.contains("There is no vendor no-such-vendor.") && headers[.contentType] == "text/html; charset=utf-8")
            let (escaped, page, _) = try await browser.get(client, "/vendors/%3Cscript%3E")
            #expect(escaped == .notFound && page.contains("There is no vendor &lt;script&gt;.") && !page.contains("<script>"))
        }
    }

    @Test func aVendorPageIsKeptWhileTheVendorIsUnchangedAndMadeAgainAtOnceWhenItChanges() async throws {
        let fixture = try Self.seeded("ws-vendor-kept", vendors: 4)
        let slug = try #require(try Self.strings(fixture, "SELECT slug FROM vendors WHERE slug <> 'hostile' ORDER BY id LIMIT 1").first)
        @Sendable func sql(_ text: String) throws { try fixture.database.withConnection { _ = try $0.execute(PostgresQuery(unsafeSQL: text)) } }
        try await fixture.app.test(.router) { client in
            let ana = Browser(), cora = Browser()
            _ = try await ana.signIn(client)
            _ = try await cora.signIn(client, email: "cora@example.com")
            let (_, first, _) = try await ana.get(client, "/vendors/\(slug)")
            // A write the revision cannot see (its trigger off): the page kept in memory is what is served.
            try sql("ALTER TABLE vendors DISABLE TRIGGER vendors_revision_update")
            try sql("UPDATE vendors SET name = 'Unseen Name' WHERE slug = '\(slug)'")
            try sql("ALTER TABLE vendors ENABLE TRIGGER vendors_revision_update")
            let (_, kept, _) = try await ana.get(client, "/vendors/\(slug)")
            #expect(kept == first, "served from memory while the revision is unchanged")
            #expect(!kept.contains("Unseen Name"))
            // Another person gets the same vendor under their own header and form token, never the first reader's.
            let (_, theirs, _) = try await cora.get(client, "/vendors/\(slug)")
            #expect(theirs.contains("cora@example.com") && !theirs.contains("ana@example.com"))
            #expect(try Browser.csrf(theirs) != Browser.csrf(first))
            // Any write through tprm moves the revision: the next page shows it at once, the unseen name included.
            try CertificationStore(database: fixture.database).add(
                vendor: slug, standard: .iso27701, issuer: "Kept Test Registrar", scope: "privacy", issuedOn: nil,
                expiresOn: Date().addingTimeInterval(400 * 86_400), actor: "ana@example.com")
            let (_, changed, _) = try await ana.get(client, "/vendors/\(slug)")
            #expect(changed.contains("Kept Test Registrar") && changed.contains("Unseen Name"))
            // So does a new score written by the worker, though nothing else of the vendor changed.
            try sql("UPDATE scores SET computed_at = computed_at - interval '1 day', hundredths = 4321 WHERE vendor_id = (SELECT id FROM vendors WHERE slug = '\(slug)')")
            let (_, rescored, _) = try await ana.get(client, "/vendors/\(slug)")
            #expect(rescored.contains("<span class=\"big\">43.21</span>"))
        }
    }

    @Test func requestsArrivingBeforeTheFirstPortfolioFiguresWaitForOneComputation() async throws {
        let cache = PortfolioCache(maxAge: 60)
        let computed = Locked(0)
        let compute: @Sendable () throws -> PortfolioOverview = {
            computed.withValue { $0 += 1 }
            Thread.sleep(forTimeInterval: 0.3)
            return PortfolioOverview(asOf: Date(), vendors: 7, cells: [], averageHundredths: nil, scored: 0, trend: [], work: [:])
        }
        let blocking = BlockingWork()
        let served = try await withThrowingTaskGroup(of: Date.self) { group in
            for _ in 0..<8 { group.addTask { try await cache.overview(blocking: blocking, compute).asOf } }
            return try await group.reduce(into: Set<Date>()) { $0.insert($1) }
        }
        #expect(computed.value == 1, "eight requests, one computation")
        #expect(served.count == 1, "all of them got its figures")
        _ = try await cache.overview(blocking: blocking, compute)
        #expect(computed.value == 1, "then served from memory")
        // A computation that fails is not kept: the next request starts another.
        let failing = PortfolioCache(maxAge: 60)
        await #expect(throws: StorageError.self) { try await failing.overview(blocking: blocking) { throw StorageError.unavailable("down") } }
        #expect(try await failing.overview(blocking: blocking, compute).vendors == 7)
    }

    @Test func keptVendorPagesAgeOutAndTheLeastRecentlyUsedMakesRoom() {
        // Room for two pages of two bytes (a one-letter title and body each).
        let cache = VendorPageCache(maxAge: 60, capacity: 4)
        let start = Date(), revision = VendorRevision(revision: 1, scoreComputedAt: nil)
        for slug in ["a", "b"] { cache.keep(.init(title: slug, status: .prospect, head: "", body: slug), slug: slug, revision: revision, madeAt: start) }
        #expect(cache.page("a", revision: revision, now: start.addingTimeInterval(59))?.body == "a")
        #expect(cache.page("a", revision: VendorRevision(revision: 2, scoreComputedAt: nil), now: start) == nil, "another revision")
        #expect(cache.page("a", revision: VendorRevision(revision: 1, scoreComputedAt: start), now: start) == nil, "another score")
        #expect(cache.page("a", revision: revision, now: start.addingTimeInterval(60)) == nil, "as old as maxAge")
        cache.keep(.init(title: "c", status: .prospect, head: "", body: "c"), slug: "c", revision: revision, madeAt: start)
        #expect(cache.page("b", revision: revision, now: start) == nil, "b was used longest ago and made room for c")
        #expect(cache.page("a", revision: revision, now: start)?.body == "a" && cache.page("c", revision: revision, now: start)?.body == "c")
        #expect(cache.statistics.kept == 2 && cache.statistics.bytes == 4)
        cache.keep(.init(title: "a", status: .prospect, head: "", body: "a longer page"), slug: "a", revision: revision, madeAt: start)
        #expect(cache.page("a", revision: revision, now: start) == nil && cache.statistics.bytes == 2, "a page larger than the room is not kept")
        let none = VendorPageCache(maxAge: 0)
        none.keep(.init(title: "a", status: .prospect, head: "", body: "a"), slug: "a", revision: revision, madeAt: start)
        #expect(none.page("a", revision: revision, now: start) == nil, "maxAge 0 keeps nothing")
    }

    @Test func thePortfolioIsServedFromMemoryAndRefreshedInTheBackgroundOnceStale() async throws {
        let fixture = try Self.seeded("ws-cache", vendors: 5, portfolioMaxAge: 1)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            _ = try await browser.signIn(client)
            let (_, first, _) = try await browser.get(client, "/")
            #expect(first.contains("7 vendors in the portfolio"))
            try VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering).add(Self.draft("late-comer"), actor: "test")
            let (_, cached, _) = try await browser.get(client, "/")
            #expect(cached.contains("7 vendors in the portfolio"), "younger than its maximum age: served as it was")
            let (_, list, _) = try await browser.get(client, "/vendors")
            #expect(Self.listed(list).contains("late-comer"), "the lists are read live")
            try await Task.sleep(for: .seconds(1.2))
            var refreshed = false
            for _ in 0..<50 where !refreshed {
                let (_, page, _) = try await browser.get(client, "/")
                refreshed = page.contains("8 vendors in the portfolio")
                if !refreshed { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(refreshed, "once stale, a refresh runs and the next requests get its figures")
        }
    }

    @Test func theFourthPartiesPageShowsTheHHIAndEachProvidersVendors() async throws {
        let fixture = try Self.seeded("ws-fourth", vendors: 25)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            _ = try await browser.signIn(client, email: "cora@example.com")
            let (status, page, _) = try await browser.get(client, "/fourth-parties")
            #expect(status == .ok)
            let counts = try Self.strings(fixture, """
                SELECT f.name || '|' || count(DISTINCT l.vendor_id) FROM fourth_parties f JOIN vendor_fourth_parties l ON l.fourth_party_id = f.id
                JOIN vendors v ON v.id = l.vendor_id AND v.status <> 'offboarded' GROUP BY f.name ORDER BY 1
                """).map { $0.split(separator: "|") }
            let total = counts.reduce(0) { $0 + Int($1[1])! }
            let hhi = Int(counts.reduce(0.0) { $0 + pow(Double(Int($1[1])!) / Double(total) * 100, 2) }.rounded())
            #expect(page.contains("<span class=\"big\">\(hhi)</span>") && page.contains("portfolio's \(total) dependencies"))
            let first = try #require(counts.first)
            let (_, list, _) = try await browser.get(client, "/vendors?fourth_party=" + VendorListQuery.encode(String(first[0])))
            #expect(Self.listed(list).count == Int(first[1])!, "a provider's count is the list of its vendors")
        }
    }

    @Test func aPathNoRouteHasIsANotFoundPageOutsideTheAPI() async throws {
        let fixture = try Fixture("ws-404")
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/no-such-page", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("There is no page at this address"))
            }
            try await client.execute(uri: "/api/v1/no-such-thing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] != "text/html; charset=utf-8", "the API answers as the API")
            }
        }
    }

    @Test func theAssessmentPagesListByStatusAndShowEveryAnswerWithItsEvidence() async throws {
        let fixture = try Self.seeded("ws-assessments", vendors: 12)
        let content = Array("%PDF-1.4 policy".utf8)
        let sha = PortalSecret.sha256Hex(content)
        let (assessment, question) = try Self.evidenceFixture(fixture, content: content, sha: sha)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            _ = try await browser.signIn(client, email: "cora@example.com")
            let (status, completed, _) = try await browser.get(client, "/assessments?status=completed")
            #expect(status == .ok)
            let ids = completed.components(separatedBy: "<th scope=\"row\"><a href=\"/assessments/").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            let expected = try Self.strings(fixture, "SELECT a.id::text FROM assessments a WHERE a.status = 'completed' ORDER BY a.id DESC LIMIT 50")
            #expect(ids == expected, "\(ids) \(expected)")

            let (shown, page, _) = try await browser.get(client, "/assessments/\(assessment)")
            #expect(shown == .ok)
            let answered = try Self.integer(fixture, "SELECT count(*)::int FROM answers WHERE assessment_id = \(assessment)")
            let flagged = try Self.integer(fixture, "SELECT count(*)::int FROM answers WHERE assessment_id = \(assessment) AND verdict = 'flagged'")
            #expect(page.contains("\(answered) answered") && page.components(separatedBy: "class=\"question flagged\"").count - 1 == flagged)
            #expect(page.contains("<a href=\"/assessments/\(assessment)/evidence/") && page.contains("policy.pdf</a> (opens in the browser) · application/pdf"))
            #expect(page.contains(sha) && page.contains("(\(content.count) bytes)"))
            #expect(page.contains("id=\"q-\(question)\""))

            let file = try Self.integer(fixture, "SELECT id::int FROM evidence_files WHERE assessment_id = \(assessment)")
            try await client.execute(uri: "/assessments/\(assessment)/evidence/\(file)", method: .get, headers: browser.header) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition] == "inline; filename=\"policy.pdf\"", "a PDF opens in the browser")
                #expect(response.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'; script-src 'none';") == true)
                #expect(Array(response.body.readableBytesView) == content)
            }
            for (uri, code, text) in [
                ("/assessments/999999", HTTPResponse.Status.notFound, "There is no assessment 999999."),
                ("/assessments/abc", .notFound, "There is no assessment abc"),
                ("/assessments/\(assessment)/evidence/999999", .notFound, "There is no such evidence file"),
                ("/assessments?status=done", .badRequest, "Status &quot;done&quot; is not one of"),
            ] {
                let (got, body, _) = try await browser.get(client, uri)
                #expect(got == code && body.contains(text), "\(uri)")
            }
        }
    }

    /// A completed assessment with one evidence file on its first answered question; its id and the question.
    static func evidenceFixture(_ fixture: Fixture, content: [UInt8], sha: String) throws -> (Int, String) {
        try fixture.database.withConnection { (connection: Connection) throws -> (Int, String) in
            let (id, question) = try connection.query("""
                SELECT a.id::int, min(x.question_id) FROM assessments a JOIN answers x ON x.assessment_id = a.id WHERE a.status = 'completed'
                GROUP BY a.id ORDER BY a.id LIMIT 1
                """)[0].decode((Int, String).self)
            try connection.execute("""
                INSERT INTO evidence_files (assessment_id, question_id, filename, content_type, size_bytes, sha256, content)
                VALUES (\(id), \(question), 'policy.pdf', 'application/pdf', \(content.count), \(sha), \(Data(content)))
                """)
            return (id, question)
        }
    }
}
