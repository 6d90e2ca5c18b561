public import Foundation
public import Postgres
public import Storage
public import SupplierRisk

/// The periodic re-assessment job: sends every due vendor a new questionnaire, then runs the reminders
/// (reminders, overdue notices, escalations). Safe to run twice a day or on two machines at once:
/// runs take turns under an advisory lock, and a vendor never has two open assessments.
public struct Reassessment: Sendable {
    let pool: PostgresPool
    let catalog: Catalog
    let configuration: OutreachConfiguration

    public init(pool: PostgresPool, catalog: Catalog, configuration: OutreachConfiguration) {
        self.pool = pool
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
        try ReassessmentStore(pool: pool).withRunLock(wait: wait) {
            try runLocked(asOf: asOf, dryRun: dryRun, dueDays: dueDays, actor: actor)
        }
    }

    func runLocked(asOf: Date, dryRun: Bool, dueDays: Int, actor: String) throws -> Summary {
        let candidates = try ReassessmentStore(pool: pool).plan(asOf: asOf, cadence: catalog.scoring.cadence)
        let invitations = Invitations(pool: pool, catalog: catalog, configuration: configuration)
        var entries: [Entry] = []
        for candidate in candidates where candidate.isDue {
            let reason: AssessmentReason = candidate.triggers.isEmpty ? .periodic : .triggered
            let why = ([candidate.cadence].compactMap { $0 } + candidate.triggers).joined(separator: "; ")
            func entry(_ action: Entry.Action, _ detail: String) -> Entry {
                Entry(vendor: candidate.vendor, tier: candidate.tier, action: action, reason: reason, why: why, detail: detail)
            }
            if let open = candidate.openAssessment {
                entries.append(entry(.skipped, "assessment #\(open) is still open"))
            } else if candidate.contactEmail == nil {
                entries.append(entry(.skipped, "no contact email (tprm vendor update \(candidate.vendor) --email ADDRESS)"))
            } else if dryRun {
                entries.append(entry(.sent, "would send \(catalog.questionnaire(for: candidate.tier)?.key ?? "?")"))
            } else {
                do {
                    let sent = try invitations.send(
                        vendor: candidate.vendor, dueDays: dueDays, reason: reason, trigger: candidate.triggers.isEmpty ? nil : candidate.triggers.joined(separator: "; "),
                        actor: actor, now: asOf)
                    entries.append(entry(.sent, "assessment #\(sent.assessment.id), \(sent.assessment.questionnaire), due \(AnswerForm.dayText(sent.assessment.dueAt))"))
                } catch StorageError.duplicate {
                    entries.append(entry(.skipped, "an assessment was sent meanwhile"))
                }
            }
        }
        let reminders = try Reminders(pool: pool, catalog: catalog, configuration: configuration).run(asOf: asOf, dryRun: dryRun, actor: actor)
        return Summary(asOf: asOf, dryRun: dryRun, vendors: candidates.count, entries: entries, reminders: reminders)
    }
}
