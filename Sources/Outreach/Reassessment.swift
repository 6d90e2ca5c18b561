import CivilTime
public import Foundation
public import Storage
public import SupplierRisk

/// The periodic re-assessment job: sends every due vendor a new questionnaire, then runs the reminders
/// (reminders, overdue notices, escalations). Safe to run twice a day or on two machines at once:
/// runs take turns under an advisory lock, and a vendor never has two open assessments.
public struct Reassessment: Sendable {
    let database: Database
    let catalog: Catalog
    let configuration: OutreachConfiguration

    public init(database: Database, catalog: Catalog, configuration: OutreachConfiguration) {
        self.database = database
        self.catalog = catalog
        self.configuration = configuration
    }

    /// One vendor's outcome.
    public struct Entry: Sendable, Hashable, Codable {
        public enum Action: String, Sendable, Hashable, Codable {
            /// A new assessment was sent (or, dry, would be).
            case sent
            /// Due, but not sent: `detail` says why.
            case skipped
        }

        public let vendor: String
        public let tier: Tier
        public let action: Action
        /// periodic or triggered.
        public let reason: AssessmentReason
        /// Why it is due: the cadence and the triggers.
        public let why: String
        /// The assessment sent, or why none was.
        public let detail: String
    }

    /// What a run did, or with `dryRun` would do.
    public struct Summary: Sendable, Hashable, Codable {
        public let asOf: Date
        public let dryRun: Bool
        /// Active vendors looked at.
        public let vendors: Int
        public let entries: [Entry]
        public let reminders: Reminders.Outcome

        public var due: Int { entries.count }
        public var sent: Int { entries.filter { $0.action == .sent }.count }
        public var skipped: Int { entries.filter { $0.action == .skipped }.count }
    }

    /// Runs the job as of `asOf`, under the advisory lock (waiting for a concurrent run to finish first).
    ///
    /// - Parameter wait: false to return nil at once when another run holds the lock (the scheduler's way).
    public func run(asOf: Date = Date(), dryRun: Bool = false, dueDays: Int = 30, actor: String = "tprm reassess", wait: Bool = true) throws -> Summary? {
        try ReassessmentStore(database: database).withRunLock(wait: wait) {
            try runLocked(asOf: asOf, dryRun: dryRun, dueDays: dueDays, actor: actor)
        }
    }

    func runLocked(asOf: Date, dryRun: Bool, dueDays: Int, actor: String) throws -> Summary {
        let candidates = try ReassessmentStore(database: database).plan(asOf: asOf, cadence: catalog.scoring.cadence)
        let messages = Messages(configuration: configuration)
        var entries: [Entry] = []
        var batch: [(item: AssessmentOutreachStore.BatchItem, link: String, entry: Int)] = []
        for candidate in candidates where candidate.isDue || candidate.isCheckInDue {
            let reason: AssessmentReason = candidate.isCheckInDue ? .checkIn : candidate.triggers.isEmpty ? .periodic : .triggered
            let why = ([candidate.cadence].compactMap { $0 } + candidate.triggers + (candidate.isCheckInDue ? [candidate.checkIn!] : [])).joined(separator: "; ")
            func entry(_ action: Entry.Action, _ detail: String) -> Entry {
                Entry(vendor: candidate.vendor, tier: candidate.tier, action: action, reason: reason, why: why, detail: detail)
            }
            // A check-in sends the tier's lighter questionnaire (scoring.yaml cadence.TIER.check_in), a full assessment the tier's own.
            let key = reason == .checkIn ? catalog.scoring.cadence[candidate.tier]?.checkIn : catalog.questionnaire(for: candidate.tier)?.key
            guard let questionnaire = key.flatMap(catalog.questionnaire) else {
                entries.append(entry(.skipped, "no questionnaire of the catalog is for the \(candidate.tier.rawValue) tier\(reason == .checkIn ? "'s check-in" : "")"))
                continue
            }
            if let open = candidate.openAssessment {
                entries.append(entry(.skipped, "assessment #\(open) is still open"))
            } else if let email = candidate.contactEmail, MailFormat.isAddress(email) {
                let due = asOf.addingTimeInterval(Double(dueDays) * 86_400)
                entries.append(entry(.sent, dryRun ? "would send \(questionnaire.key), due \(CivilTime.dayText(due))" : ""))
                let token = PortalSecret.generate()
                let new = NewAssessment(
                    vendor: candidate.vendor, questionnaire: questionnaire, reason: reason,
                    triggerReason: candidate.triggers.isEmpty ? nil : candidate.triggers.joined(separator: "; "), sentAt: asOf, dueAt: due,
                    linkExpiresAt: due.addingTimeInterval(configuration.grace), tokenHash: PortalSecret.hash(token), recipient: email, actor: actor)
                batch.append((AssessmentOutreachStore.BatchItem(vendorID: candidate.vendorID, assessment: new), configuration.link(token), entries.count - 1))
            } else {
                entries.append(entry(.skipped, "no contact email (tprm vendor update \(candidate.vendor) --email ADDRESS)"))
            }
        }
        if !dryRun {
            let store = AssessmentOutreachStore(database: database)
            let names = Dictionary(candidates.map { ($0.vendorID, $0.name) }, uniquingKeysWith: { first, _ in first })
            for chunk in stride(from: 0, to: batch.count, by: 1000).map({ Array(batch[$0..<min($0 + 1000, batch.count)]) }) {
                let links = Dictionary(chunk.map { ($0.item.vendorID, $0.link) }, uniquingKeysWith: { first, _ in first })
                let sent = try store.sendBatch(chunk.map(\.item)) { item, id in
                    let new = item.assessment
                    return messages.invitation(new.summary(id: id, vendorName: names[item.vendorID] ?? new.vendor), link: links[item.vendorID]!,
                                               questions: new.questionnaire.questions.count)
                }
                for (item, _, index) in chunk {
                    let old = entries[index]
                    let detail = sent[item.vendorID].map { "assessment #\($0), \(item.assessment.questionnaire.key), due \(CivilTime.dayText(item.assessment.dueAt))" }
                    entries[index] = Entry(vendor: old.vendor, tier: old.tier, action: detail == nil ? .skipped : .sent, reason: old.reason, why: old.why,
                                           detail: detail ?? "an assessment was sent meanwhile")
                }
            }
        }
        let reminders = try Reminders(database: database, catalog: catalog, configuration: configuration).run(asOf: asOf, dryRun: dryRun, actor: actor)
        return Summary(asOf: asOf, dryRun: dryRun, vendors: candidates.count, entries: entries, reminders: reminders)
    }
}
