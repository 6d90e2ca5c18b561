import CivilTime
import Foundation
import Outreach
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

@Suite struct ReassessmentTests {
    static let catalog = ReminderTests.catalog
    static let asOf = Date(timeIntervalSince1970: 1_798_761_600)  // 2027-01-01
    static func daysBefore(_ days: Double) -> Date { asOf.addingTimeInterval(-days * 86_400) }

    struct Registry {
        let database: Database
        let vendors: VendorStore

        init(_ label: String) throws {
            database = Database(configuration: try TestDatabase.migrated(label), maximumConnections: 4)
            vendors = VendorStore(database: database, tiering: ReassessmentTests.catalog.scoring.tiering)
        }

        /// A vendor of the given criticality (internal data, no decisions: the criticality sets the tier).
        func vendor(_ slug: String, criticality: AIProfile.BusinessCriticality = .high, status: Vendor.Status = .active, email: String? = "risk@x.example") throws {
            try vendors.add(VendorDraft(
                slug: slug, name: slug, status: status, businessOwner: "owner@bank.example", contactEmail: email,
                profile: AIProfile(offering: .aiSaaS, description: "", dataCategories: [.internal], decisionImpact: .none, aiActClass: .minimal,
                                   businessCriticality: criticality, hostingRegions: []),
                foundationModels: ["OpenAI"], subProcessors: []), actor: "test")
        }

        /// A completed assessment of the vendor, completed on `date`.
        func completed(_ slug: String, on date: Date) throws {
            let id = try AssessmentStore(database: database).recordSubmitted(
                vendor: slug, questionnaire: ReassessmentTests.catalog.questionnaire("ai-supplier-essentials")!, reason: "onboarding",
                sentAt: date.addingTimeInterval(-20 * 86_400), submittedAt: date.addingTimeInterval(-86_400), answers: [:], actor: "test")
            try execute("UPDATE assessments SET status = 'completed', completed_at = '\(ISO8601DateFormatter().string(from: date))' WHERE id = \(id)")
        }

        func execute(_ sql: String) throws {
            try database.withConnection { try $0.executeScript(sql) }
        }

        func scalar<T: PostgresDecodable>(_ sql: String, _ type: T.Type) throws -> T {
            try database.withConnection { try $0.query(PostgresQuery(unsafeSQL: sql))[0].decode(T.self, at: 0) }
        }
    }

    static func day(_ date: Date) -> String { CivilTime.dayText(date) }

    @Test func whoIsDueAndWhy() throws {
        let registry = try Registry("reassessplan")
        let recent = Self.daysBefore(90)  // before today's real date: audit rows written now count as "since"
        // (slug, what is expected: nil = not due, else a piece of the reason)
        var expected: [String: String?] = [:]

        try registry.vendor("never-assessed"); expected["never-assessed"] = "never assessed"
        try registry.vendor("high-11-months"); try registry.completed("high-11-months", on: Self.daysBefore(335)); expected.updateValue(nil, forKey: "high-11-months")
        try registry.vendor("high-13-months"); try registry.completed("high-13-months", on: Self.daysBefore(400))
        expected["high-13-months"] = "the high tier is re-assessed every 12 months"
        try registry.vendor("medium-13-months", criticality: .low); try registry.completed("medium-13-months", on: Self.daysBefore(400)); expected.updateValue(nil, forKey: "medium-13-months")
        try registry.vendor("offboarded", status: .offboarded)

        try registry.vendor("cert-expiring"); try registry.completed("cert-expiring", on: recent)
        _ = try CertificationStore(database: registry.database).add(vendor: "cert-expiring", standard: .iso27001, issuer: "BSI", scope: "", issuedOn: nil,
                                                         expiresOn: Self.asOf.addingTimeInterval(20 * 86_400), actor: "test")
        expected["cert-expiring"] = "certificate iso_27001 expires on \(Self.day(Self.asOf.addingTimeInterval(20 * 86_400)))"
        try registry.vendor("cert-renewed"); try registry.completed("cert-renewed", on: recent)
        for days in [20.0, 400] {
            _ = try CertificationStore(database: registry.database).add(vendor: "cert-renewed", standard: .iso27001, issuer: "BSI", scope: "", issuedOn: nil,
                                                             expiresOn: Self.asOf.addingTimeInterval(days * 86_400), actor: "test")
        }
        expected.updateValue(nil, forKey: "cert-renewed")
        try registry.vendor("cert-far"); try registry.completed("cert-far", on: recent)
        _ = try CertificationStore(database: registry.database).add(vendor: "cert-far", standard: .iso42001, issuer: "BSI", scope: "", issuedOn: nil,
                                                         expiresOn: Self.asOf.addingTimeInterval(45 * 86_400), actor: "test")
        expected.updateValue(nil, forKey: "cert-far")

        try registry.vendor("contract-renewal"); try registry.completed("contract-renewal", on: recent)
        _ = try ContractStore(database: registry.database).add(vendor: "contract-renewal", reference: "MSA-9", effectiveOn: Self.daysBefore(700),
                                                    expiresOn: Self.asOf.addingTimeInterval(60 * 86_400), renewalNoticeDays: 90, annualValue: nil, currency: nil, actor: "test")
        expected["contract-renewal"] = "contract MSA-9 is in its renewal notice period"
        try registry.vendor("contract-early"); try registry.completed("contract-early", on: recent)
        _ = try ContractStore(database: registry.database).add(vendor: "contract-early", reference: "MSA-10", effectiveOn: Self.daysBefore(700),
                                                    expiresOn: Self.asOf.addingTimeInterval(200 * 86_400), renewalNoticeDays: 90, annualValue: nil, currency: nil, actor: "test")
        expected.updateValue(nil, forKey: "contract-early")

        try registry.vendor("incident-high"); try registry.completed("incident-high", on: recent)
        _ = try IncidentStore(database: registry.database).add(vendor: "incident-high", title: "Prompt injection leak", category: .securityBreach, severity: .high,
                                                    occurredAt: Self.daysBefore(10), detectedAt: Self.daysBefore(10), vendorNotifiedAt: nil, actor: "test")
        expected["incident-high"] = "high incident on \(Self.day(Self.daysBefore(10))): Prompt injection leak"
        try registry.vendor("incident-low"); try registry.completed("incident-low", on: recent)
        _ = try IncidentStore(database: registry.database).add(vendor: "incident-low", title: "Slow", category: .outage, severity: .low,
                                                    occurredAt: Self.daysBefore(10), detectedAt: Self.daysBefore(10), vendorNotifiedAt: nil, actor: "test")
        expected.updateValue(nil, forKey: "incident-low")
        try registry.vendor("incident-before"); try registry.completed("incident-before", on: recent)
        _ = try IncidentStore(database: registry.database).add(vendor: "incident-before", title: "Old", category: .outage, severity: .critical,
                                                    occurredAt: Self.daysBefore(200), detectedAt: Self.daysBefore(200), vendorNotifiedAt: nil, actor: "test")
        expected.updateValue(nil, forKey: "incident-before")

        try registry.vendor("tier-change", criticality: .low); try registry.completed("tier-change", on: recent)
        _ = try registry.vendors.update("tier-change", actor: "test") { $0.profile.businessCriticality = .critical }
        expected["tier-change"] = "tier changed from low to critical"
        try registry.vendor("new-model"); try registry.completed("new-model", on: recent)
        _ = try registry.vendors.update("new-model", actor: "test") { $0.foundationModels = ["OpenAI", "Mistral"] }
        expected["new-model"] = "foundation-model providers or sub-processors changed"
        try registry.vendor("owner-change"); try registry.completed("owner-change", on: recent)
        _ = try registry.vendors.update("owner-change", actor: "test") { $0.businessOwner = "someone-else@bank.example" }
        expected.updateValue(nil, forKey: "owner-change")

        try registry.vendor("rating-worse"); try registry.completed("rating-worse", on: recent)
        try registry.vendor("rating-better"); try registry.completed("rating-better", on: recent)
        try registry.execute("""
            INSERT INTO score_history (vendor_id, hundredths, rating, previous_hundredths, previous_rating, model_version, computed_at)
            SELECT id, 6100, 'high', 4000, 'medium', 'm', '\(ISO8601DateFormatter().string(from: Self.daysBefore(5)))' FROM vendors WHERE slug = 'rating-worse';
            INSERT INTO score_history (vendor_id, hundredths, rating, previous_hundredths, previous_rating, model_version, computed_at)
            SELECT id, 2000, 'low', 4000, 'medium', 'm', '\(ISO8601DateFormatter().string(from: Self.daysBefore(5)))' FROM vendors WHERE slug = 'rating-better';
            """)
        expected["rating-worse"] = "rating worsened from medium to high"
        expected.updateValue(nil, forKey: "rating-better")

        let plan = try ReassessmentStore(database: registry.database).plan(asOf: Self.asOf, cadence: Self.catalog.scoring.cadence)
        #expect(!plan.contains { $0.vendor == "offboarded" }, "offboarded vendors are ignored")
        #expect(Set(plan.map(\.vendor)) == Set(expected.keys))
        for candidate in plan {
            guard let reason = expected[candidate.vendor] else { continue }
            let why = ([candidate.cadence].compactMap { $0 } + candidate.triggers).joined(separator: "; ")
            if let reason {
                #expect(candidate.isDue && why.contains(reason), "\(candidate.vendor): \(why)")
            } else {
                #expect(!candidate.isDue, "\(candidate.vendor) is not due, yet: \(why)")
            }
        }
        // As of a year earlier, nothing recorded after that day counts.
        let earlier = try ReassessmentStore(database: registry.database).plan(asOf: Self.daysBefore(365 + 120), cadence: Self.catalog.scoring.cadence)
        #expect(earlier.isEmpty, "no vendor existed yet as of then: \(earlier.map(\.vendor))")
    }

    @Test func aRunSendsSkipsRemindsAndEscalatesOnceAndADryRunChangesNothing() throws {
        let registry = try Registry("reassessrun")
        let configuration = OutreachConfiguration(publicURL: "https://tprm.example.com", from: "tprm@bank.example", mailbox: "tprm-team@bank.example")
        let job = Reassessment(database: registry.database, catalog: Self.catalog, configuration: configuration)
        try registry.vendor("due-one")
        try registry.vendor("due-two", criticality: .low)
        try registry.vendor("no-email", email: nil)
        try registry.vendor("fresh"); try registry.completed("fresh", on: Self.daysBefore(30))
        try registry.vendor("open")
        _ = try Invitations(database: registry.database, catalog: Self.catalog, configuration: configuration)
            .send(vendor: "open", dueDays: 20, actor: "analyst", now: Self.daysBefore(25))

        let tables = ["assessments", "assessment_links", "outbox", "audit_log", "answers", "questionnaire_snapshots"]
        func fingerprint() throws -> String {
            try tables.map { try registry.scalar("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \($0) t", String.self) }
                .joined(separator: ",")
        }
        let before = try fingerprint()
        let dry = try #require(try job.run(asOf: Self.asOf, dryRun: true))
        #expect(try fingerprint() == before, "a dry run changes no table")
        #expect(dry.entries.map(\.vendor) == ["due-one", "due-two", "no-email", "open"])
        #expect(dry.sent == 2 && dry.skipped == 2)
        #expect(dry.reminders.overdue.count == 1, "the open one is overdue")

        let run = try #require(try job.run(asOf: Self.asOf))
        #expect(run.entries.map(\.action) == dry.entries.map(\.action), "the dry run printed the same plan")
        #expect(run.entries.first { $0.vendor == "no-email" }?.detail.hasPrefix("no contact email") == true)
        #expect(run.entries.first { $0.vendor == "open" }?.detail.hasSuffix("is still open") == true)
        #expect(try registry.scalar("SELECT count(*) FROM assessments WHERE reason = 'periodic' AND sent_by = 'tprm reassess'", Int.self) == 2)
        #expect(try registry.scalar("SELECT count(*) FROM outbox WHERE kind = 'escalation'", Int.self) == 1)
        let escalation = try registry.scalar("SELECT array_to_string(recipients, ',') FROM outbox WHERE kind = 'escalation'", String.self)
        #expect(escalation == "owner@bank.example,tprm-team@bank.example")

        let again = try #require(try job.run(asOf: Self.asOf))
        #expect(again.sent == 0, "run twice, nothing sent twice")
        #expect(again.reminders.overdue.isEmpty)
        #expect(try registry.scalar("SELECT count(*) FROM outbox WHERE kind = 'escalation'", Int.self) == 1, "escalated once")
        #expect(try registry.scalar("SELECT count(*) FROM outbox WHERE kind = 'invitation'", Int.self) == 3)

        // Past the grace period the open link dies, the assessment expires, and the vendor is due again.
        let later = try #require(try job.run(asOf: Self.asOf.addingTimeInterval(20 * 86_400)))
        #expect(later.reminders.expired.count == 1)
    }
}

extension ReassessmentTests {
    /// The critical tier checks in every three months between its yearly assessments, with the lighter questionnaire.
    @Test func theCriticalTierChecksInQuarterlyWithTheEssentials() throws {
        let registry = try Registry("reassesscheckin")
        let configuration = OutreachConfiguration(publicURL: "https://tprm.example.com", from: "tprm@bank.example", mailbox: "tprm-team@bank.example")
        let job = Reassessment(database: registry.database, catalog: Self.catalog, configuration: configuration)
        try registry.vendor("quarter-ago", criticality: .critical); try registry.completed("quarter-ago", on: Self.daysBefore(100))
        try registry.vendor("checked-in", criticality: .critical); try registry.completed("checked-in", on: Self.daysBefore(200))
        try registry.completed("checked-in", on: Self.daysBefore(30))
        try registry.execute("""
            UPDATE assessments SET reason = 'check_in' WHERE id = (SELECT max(a.id) FROM assessments a JOIN vendors v ON v.id = a.vendor_id WHERE v.slug = 'checked-in')
            """)
        try registry.vendor("year-ago", criticality: .critical); try registry.completed("year-ago", on: Self.daysBefore(400))
        try registry.vendor("high-quarter", criticality: .high); try registry.completed("high-quarter", on: Self.daysBefore(100))

        let plan = try ReassessmentStore(database: registry.database).plan(asOf: Self.asOf, cadence: Self.catalog.scoring.cadence)
        func candidate(_ slug: String) throws -> ReassessmentCandidate { try #require(plan.first { $0.vendor == slug }) }
        #expect(try candidate("quarter-ago").isCheckInDue)
        #expect(try candidate("quarter-ago").checkIn?.hasSuffix("the critical tier checks in every 3 months") == true)
        #expect(try !candidate("checked-in").isCheckInDue && !candidate("checked-in").isDue, "checked in a month ago")
        #expect(try candidate("year-ago").isDue && !candidate("year-ago").isCheckInDue, "a full assessment is due, not a check-in")
        #expect(try !candidate("high-quarter").isCheckInDue, "only the critical tier checks in")

        let run = try #require(try job.run(asOf: Self.asOf))
        let checkIn = try #require(run.entries.first { $0.vendor == "quarter-ago" })
        #expect(checkIn.reason == .checkIn && checkIn.action == .sent)
        #expect(checkIn.detail.contains("ai-supplier-essentials"))
        #expect(run.entries.first { $0.vendor == "year-ago" }?.detail.contains("ai-supplier-due-diligence") == true)
        #expect(try registry.scalar("""
            SELECT count(*) FROM assessments a JOIN vendors v ON v.id = a.vendor_id JOIN questionnaire_snapshots q USING (content_hash)
            WHERE v.slug = 'quarter-ago' AND a.reason = 'check_in' AND q.template_key = 'ai-supplier-essentials' AND a.status = 'sent'
            """, Int.self) == 1)
    }
}

@Suite struct SchedulerTests {
    @Test func theTimeOfDayIsReadAndTheNextRunComputedInUTC() throws {
        let at = try ReassessScheduler.TimeOfDay("06:00")
        let morning = Date(timeIntervalSince1970: 1_798_779_600)  // 2027-01-01 05:00 UTC
        #expect(at.next(after: morning) == morning.addingTimeInterval(3600))
        #expect(at.next(after: morning.addingTimeInterval(3600)) == morning.addingTimeInterval(3600 + 86_400), "exactly at the time: the next day")
        for text in ["6:00", "24:00", "06:60", "six", "06:00:00", ""] {
            #expect(throws: OutreachError.configuration("TPRM_REASSESS_AT: \"\(text)\" is not a time of day as HH:MM in UTC, such as 06:00")) {
                try ReassessScheduler.TimeOfDay(text)
            }
        }
    }
}
