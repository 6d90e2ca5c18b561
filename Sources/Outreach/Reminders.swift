public import Foundation
public import Storage
public import SupplierRisk

/// The daily outreach job: reminders 7, 3 and 1 days before the due date, overdue notices with an
/// escalation to the business owner and the TPRM mailbox, and expiry of unanswered assessments.
/// Each email happens at most once, however often or concurrently the job runs.
public struct Reminders: Sendable {
    let database: Database
    let catalog: Catalog
    let messages: Messages

    public init(database: Database, catalog: Catalog, configuration: OutreachConfiguration) {
        self.database = database
        self.catalog = catalog
        messages = Messages(configuration: configuration)
    }

    /// What a run did (or, dry, would do).
    public struct Outcome: Sendable, Hashable, Codable {
        public var reminded: [Int] = []
        public var overdue: [Int] = []
        public var expired: [Int] = []

        public init(reminded: [Int] = [], overdue: [Int] = [], expired: [Int] = []) {
            self.reminded = reminded
            self.overdue = overdue
            self.expired = expired
        }
    }

    /// Runs the job as of `asOf`; with `dryRun`, only reports what it would do.
    public func run(asOf: Date = Date(), dryRun: Bool = false, actor: String = "tprm outreach") throws -> Outcome {
        let store = ReminderStore(database: database)
        let plan = try store.plan(asOf: asOf)
        var outcome = Outcome()
        if dryRun {
            return Outcome(reminded: plan.reminders.map(\.assessment.id), overdue: plan.overdue.map(\.id), expired: plan.expired.map(\.id))
        }
        for reminder in plan.reminders where try store.remind(reminder, message: messages.reminder(reminder.assessment, days: reminder.days)) {
            outcome.reminded.append(reminder.assessment.id)
        }
        let vendors = VendorStore(database: database, tiering: catalog.scoring.tiering)
        for assessment in plan.overdue {
            let vendor = try vendors.vendor(assessment.vendor)
            let owner = MailFormat.isAddress(vendor.businessOwner) ? vendor.businessOwner : nil
            let notices = [messages.overdue(assessment), messages.escalation(assessment, businessOwner: vendor.businessOwner, ownerAddress: owner)]
            if try store.markOverdue(assessment.id, asOf: asOf, messages: notices, actor: actor) { outcome.overdue.append(assessment.id) }
        }
        for assessment in plan.expired where try store.expire(assessment.id, actor: actor) {
            outcome.expired.append(assessment.id)
        }
        return outcome
    }
}
