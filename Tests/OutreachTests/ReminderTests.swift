import CatalogFiles
import Foundation
import Outreach
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

@Suite struct ReminderTests {
    static let catalog = try! Catalog.load(TestDatabase.repositoryRoot.appendingPathComponent("questionnaires"))

    struct World {
        let database: Database
        let configuration = OutreachConfiguration(publicURL: "https://tprm.example.com", from: "tprm@bank.example", mailbox: "tprm-team@bank.example")

        init(_ label: String) throws {
            database = Database(configuration: try TestDatabase.migrated(label), maximumConnections: 4)
        }

        func vendor(_ slug: String, owner: String = "claims-lead@bank.example") throws {
            try VendorStore(database: database, tiering: ReminderTests.catalog.scoring.tiering).add(VendorDraft(
                slug: slug, name: slug.capitalized, status: .active, businessOwner: owner, contactEmail: "risk@\(slug).example",
                profile: AIProfile(offering: .aiSaaS, description: "", dataCategories: [.internal], decisionImpact: .none, aiActClass: .minimal,
                                   businessCriticality: .low, hostingRegions: []),
                foundationModels: [], subProcessors: []), actor: "test")
        }

        func send(_ slug: String, sent: Date, dueDays: Int) throws -> Int {
            try Invitations(database: database, catalog: ReminderTests.catalog, configuration: configuration)
                .send(vendor: slug, dueDays: dueDays, actor: "analyst", now: sent).assessment.id
        }

        var reminders: Reminders { Reminders(database: database, catalog: ReminderTests.catalog, configuration: configuration) }

        func outbox() throws -> [String] {
            try OutboxStore(database: database).list().map(\.message.dedupeKey).sorted()
        }

        func count(_ table: String) throws -> Int {
            try database.withConnection { try $0.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"))[0].decode(Int.self, at: 0) }
        }
    }

    @Test func eachReminderOverdueNoticeAndEscalationHappensOnce() throws {
        let world = try World("reminders")
        try world.vendor("acme")
        let sent = Date(timeIntervalSince1970: 1_795_000_000)
        let id = try world.send("acme", sent: sent, dueDays: 10)
        let due = sent.addingTimeInterval(10 * 86_400)
        func day(_ offset: Double) -> Date { due.addingTimeInterval(offset * 86_400) }

        #expect(try world.reminders.run(asOf: day(-8)) == .init(), "nothing 8 days before")
        let dry = try world.reminders.run(asOf: day(-6.5), dryRun: true)
        #expect(dry.reminded == [id])
        #expect(try world.outbox() == ["invitation:assessment:\(id)"], "a dry run writes nothing")

        #expect(try world.reminders.run(asOf: day(-6.5)).reminded == [id])
        #expect(try world.reminders.run(asOf: day(-6)).reminded == [], "the 7-day reminder once")
        #expect(try world.reminders.run(asOf: day(-2.5)).reminded == [id])
        #expect(try world.reminders.run(asOf: day(-0.5)).reminded == [id])
        #expect(try world.reminders.run(asOf: day(-0.2)).reminded == [])
        #expect(try world.outbox() == ["invitation:assessment:\(id)", "reminder:1:assessment:\(id)", "reminder:3:assessment:\(id)", "reminder:7:assessment:\(id)"])

        let overdue = try world.reminders.run(asOf: day(1))
        #expect(overdue.overdue == [id])
        #expect(try world.reminders.run(asOf: day(2)).overdue == [], "marked once")
        let messages = try OutboxStore(database: world.database).list()
        let escalation = try #require(messages.first { $0.message.kind == .escalation })
        #expect(escalation.message.recipients == ["claims-lead@bank.example", "tprm-team@bank.example"], "to the business owner and the TPRM mailbox")
        #expect(escalation.message.text.contains("Acme has not answered"))
        #expect(messages.filter { $0.message.kind == .overdue }.map(\.message.recipients) == [["risk@acme.example"]])

        // Past the due date and the grace period, the link is dead and the assessment expires, freeing the vendor for a new one.
        #expect(try world.reminders.run(asOf: day(15)).expired == [id])
        #expect(try world.database.withConnection { try $0.query("SELECT status FROM assessments WHERE id = \(id)")[0].decode(String.self, at: 0) } == "expired")
        #expect(try world.count("outbox") == 6)
    }

    @Test func aJobThatDidNotRunSendsOnlyTheMostUrgentReminder() throws {
        let world = try World("reminderslate")
        try world.vendor("beta")
        let sent = Date(timeIntervalSince1970: 1_795_000_000)
        let id = try world.send("beta", sent: sent, dueDays: 10)
        #expect(try world.reminders.run(asOf: sent.addingTimeInterval(9.5 * 86_400)).reminded == [id])
        #expect(try world.outbox() == ["invitation:assessment:\(id)", "reminder:1:assessment:\(id)"])
    }

    @Test func twoRunsAtOnceWriteEachEmailOnce() throws {
        let world = try World("reminderstwo")
        let sent = Date(timeIntervalSince1970: 1_795_000_000)
        for index in 0..<12 {
            try world.vendor("vendor-\(index)")
            _ = try world.send("vendor-\(index)", sent: sent, dueDays: index % 2 == 0 ? 3 : 1)
        }
        let asOf = sent.addingTimeInterval(2 * 86_400)
        let group = DispatchGroup()
        let failures = Locked<[String]>([])
        for _ in 0..<3 {
            group.enter()
            Thread.detachNewThread {
                do { _ = try world.reminders.run(asOf: asOf) } catch { failures.withValue { $0.append("\(error)") } }
                group.leave()
            }
        }
        group.wait()
        #expect(failures.value.isEmpty, "no run failed")
        // Six due tomorrow get a reminder; six were due yesterday and are overdue, each with two notices.
        #expect(try world.count("outbox WHERE kind = 'reminder'") == 6)
        #expect(try world.count("outbox WHERE kind = 'overdue'") == 6)
        #expect(try world.count("outbox WHERE kind = 'escalation'") == 6)
        #expect(try world.count("audit_log WHERE entity = 'assessment' AND after->>'overdue_at' IS NOT NULL AND before->>'overdue_at' IS NULL") == 6)
    }
}
