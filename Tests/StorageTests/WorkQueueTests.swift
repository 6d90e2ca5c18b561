import Foundation
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

/// The portfolio page's counts and the vendor list's "needs" filter, over vendors seeded into each work queue.
@Suite struct WorkQueueTests {
    static let day = 86_400.0
    static let now = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-29
    static let rules = WorkQueues(now: now, cadence: [
        .critical: .init(months: 6, checkInMonths: nil, checkIn: nil), .high: .init(months: 12, checkInMonths: nil, checkIn: nil),
    ])

    /// A registry with one vendor per situation, and the vendors each queue should hold.
    struct Seeded {
        let registry: Registry
        let store: WorkspaceStore
        let expected: [WorkQueue: Set<String>]

        init(_ label: String) throws {
            registry = try Registry(label)
            store = WorkspaceStore(database: registry.database)
            let slugs = ["waiting", "late-reply", "soon-reply", "stale", "stale-soon", "fresh", "expiring", "renewed", "burning",
                         "late-notice", "gappy", "new", "gone"]
            for slug in slugs { try registry.vendors.add(Registry.draft(slug), actor: "test") }
            try registry.vendors.update("gone", actor: "test") { $0.status = .offboarded }
            let now = WorkQueueTests.now, day = WorkQueueTests.day
            try registry.database.withConnection { connection in
                try connection.execute("""
                    INSERT INTO questionnaire_snapshots (content_hash, template_key, template_version, content)
                    VALUES (repeat('a', 64), 'fixture', 1, '{}')
                    """)
                func id(_ slug: String) throws -> Int { try connection.query("SELECT id FROM vendors WHERE slug = \(slug)")[0].decode(Int.self, at: 0) }
                func assessment(_ slug: String, _ status: String, sent: Date, due: Date, completed: Date? = nil) throws {
                    try connection.execute("""
                        INSERT INTO assessments (vendor_id, content_hash, reason, status, sent_at, due_at, submitted_at, completed_at)
                        VALUES (\(try id(slug)), repeat('a', 64), 'periodic', \(status), \(sent), \(due),
                                \(status == "submitted" || status == "completed" ? Optional(sent.addingTimeInterval(day)) : nil), \(completed))
                        """)
                }
                // Every vendor but "new" (and "gone") was fully assessed at some point.
                for slug in slugs where !["new", "stale", "stale-soon"].contains(slug) {
                    try assessment(slug, "completed", sent: now - 62 * day, due: now - 40 * day, completed: now - 60 * day)
                }
                try assessment("stale", "completed", sent: now - 400 * day, due: now - 380 * day, completed: now - 380 * day)
                try assessment("stale-soon", "completed", sent: now - 360 * day, due: now - 350 * day, completed: now - 350 * day)
                try assessment("waiting", "submitted", sent: now - 10 * day, due: now + 10 * day)
                try assessment("late-reply", "sent", sent: now - 40 * day, due: now - 2 * day)
                try assessment("soon-reply", "in_progress", sent: now - 5 * day, due: now + 20 * day)
                let today = String(ISO8601DateFormatter().string(from: now).prefix(10))
                for (slug, standard, days) in [("expiring", "iso_42001", 40), ("renewed", "iso_27001", 40), ("renewed", "iso_27001", 400), ("fresh", "iso_27001", 200)] {
                    try connection.execute("""
                        INSERT INTO certifications (vendor_id, standard, issuer, expires_on)
                        VALUES (\(try id(slug)), \(standard), 'Issuer', \(today)::date + \(days)::int)
                        """)
                }
                try connection.execute("""
                    INSERT INTO incidents (vendor_id, title, category, severity, occurred_at, detected_at)
                    VALUES (\(try id("burning")), 'Outage', 'outage', 'high', \(now - day), \(now - day))
                    """)
                try connection.execute("""
                    INSERT INTO incidents (vendor_id, title, category, severity, occurred_at, detected_at, status, resolution, resolved_at)
                    VALUES (\(try id("fresh")), 'Old outage', 'outage', 'low', \(now - 9 * day), \(now - 9 * day), 'closed', 'fixed', \(now - 8 * day))
                    """)
                for (slug, gaps, notices) in [("late-notice", 0, 1), ("gappy", 2, 0), ("fresh", 0, 0)] {
                    try connection.execute("""
                        INSERT INTO scores (vendor_id, hundredths, rating, breakdown, model_version, as_of, clause_gaps, late_notices)
                        VALUES (\(try id(slug)), 4000, 'medium', '[]', 'fixture', \(now), \(gaps), \(notices))
                        """)
                }
            }
            // The vendors are of the tier their profile gives (draft: medium, 12 months where the catalog names none).
            expected = [
                .review: ["waiting"], .overdue: ["late-reply", "stale"], .dueSoon: ["soon-reply", "stale-soon"],
                .expiringCertificates: ["expiring"], .openIncidents: ["burning"], .lateNotices: ["late-notice"], .clauseGaps: ["gappy"],
                .neverAssessed: ["new"],
            ]
        }
    }

    @Test func eachQueueCountsTheVendorsItsListShows() throws {
        let seeded = try Seeded("work-queues")
        let overview = try seeded.store.overview(Self.rules)
        #expect(overview.vendors == 12, "offboarded vendors are not in the portfolio")
        for queue in WorkQueue.allCases {
            let listed = try seeded.store.vendors(VendorFilter(needs: queue), rules: Self.rules, sort: .init(key: .name), after: nil, limit: nil)
            #expect(Set(listed.items.map(\.slug)) == seeded.expected[queue], "\(queue.rawValue)")
            #expect(overview.work[queue] == seeded.expected[queue]?.count, "\(queue.rawValue)")
        }
    }

    @Test func theHeatMapAndAverageAgreeWithTheScores() throws {
        let seeded = try Seeded("work-heat")
        let overview = try seeded.store.overview(Self.rules)
        let tier = try seeded.registry.vendors.vendor("fresh").tier
        #expect(overview.count(tier, .medium) == 3)
        #expect(overview.count(tier, nil) == 9, "vendors not scored yet have their own column")
        #expect(overview.averageHundredths == 4000 && overview.scored == 3)
        #expect(overview.cells.reduce(0) { $0 + $1.count } == overview.vendors)
        #expect(overview.trend.count == 12)
    }

    @Test func theListShowsScoreLastAndNextAssessmentAndSearchesLiterally() throws {
        let seeded = try Seeded("work-list")
        let rows = try seeded.store.vendors(VendorFilter(search: "stale"), rules: Self.rules, sort: .init(key: .name), after: nil, limit: 10).items
        #expect(rows.map(\.slug) == ["stale", "stale-soon"])
        let stale = rows[0]
        #expect(stale.lastAssessed == Self.now - 380 * Self.day)
        #expect(stale.nextDue == Self.rules.nextAssessment(after: stale.lastAssessed, tier: stale.tier))
        let replying = try seeded.store.vendors(VendorFilter(search: "soon-reply"), rules: Self.rules, sort: .init(key: .name), after: nil, limit: 10).items
        #expect(replying.first?.openAssessment?.status == "in_progress")
        #expect(replying.first?.nextDue == Self.now + 20 * Self.day, "an open questionnaire's due date is the next one")
        let percent = try seeded.store.vendors(VendorFilter(search: "%"), rules: Self.rules, sort: .init(key: .name), after: nil, limit: 10).items
        #expect(percent.isEmpty, "a % typed in the search is a character, not a wildcard")
        let owner = try seeded.store.vendors(VendorFilter(owner: "procurement", needs: .clauseGaps), rules: Self.rules, sort: .init(key: .name), after: nil, limit: 10)
        #expect(owner.items.map(\.slug) == ["gappy"])
    }
}
