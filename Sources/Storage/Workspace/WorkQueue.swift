public import Foundation
import Postgres
public import SupplierRisk

/// A kind of work waiting on a vendor: what the portfolio page counts and the vendor list filters by
/// (`/vendors?needs=…`). Both read the same condition (``WorkQueues/condition(_:)``), so that a count and the
/// list it links to always agree.
public enum WorkQueue: String, Sendable, Hashable, Codable, CaseIterable {
    /// A questionnaire came back and waits for a reviewer.
    case review
    /// A questionnaire is past its due date, or a re-assessment is past the date the tier's cadence sets.
    case overdue
    /// A questionnaire or a re-assessment falls due within ``WorkQueues/dueWindowDays``, and nothing is overdue.
    case dueSoon = "due-soon"
    /// A certificate expires within ``WorkQueues/certificateWindowDays`` with no renewal of the same standard beyond.
    case expiringCertificates = "expiring-certificates"
    /// An incident is open or under investigation.
    case openIncidents = "open-incidents"
    /// The current score holds an incident whose notice came later than its SLA.
    case lateNotices = "late-notices"
    /// The current score holds a required clause missing or signed with a deviation.
    case clauseGaps = "clause-gaps"
    /// No full assessment was ever completed.
    case neverAssessed = "never-assessed"

    /// What the count means, as the page says it.
    public var title: String {
        switch self {
        case .review: "Assessments waiting for review"
        case .overdue: "Assessments overdue"
        case .dueSoon: "Assessments due within \(WorkQueues.dueWindowDays) days"
        case .expiringCertificates: "Vendors with a certificate expiring within \(WorkQueues.certificateWindowDays) days"
        case .openIncidents: "Vendors with open incidents"
        case .lateNotices: "Vendors with an incident notified late"
        case .clauseGaps: "Vendors with clause gaps"
        case .neverAssessed: "Vendors never assessed"
        }
    }

    /// The longer explanation shown beside the count and above the list.
    public var explanation: String {
        switch self {
        case .review: "The supplier has submitted the questionnaire; a reviewer has to accept or flag the answers."
        case .overdue: "A questionnaire past its due date, or a re-assessment past the date the tier's cadence sets."
        case .dueSoon: "A questionnaire or a re-assessment falls due within \(WorkQueues.dueWindowDays) days."
        case .expiringCertificates: "A certificate expires within \(WorkQueues.certificateWindowDays) days and no renewal of the same standard is recorded."
        case .openIncidents: "An incident is open or under investigation."
        case .lateNotices: "The vendor's score holds an incident the vendor gave notice of later than its SLA."
        case .clauseGaps: "The vendor's score holds a clause its tier requires that is missing or signed with a deviation."
        case .neverAssessed: "No full assessment has been completed yet."
        }
    }
}

/// The rules the work queues are judged by at a moment: the tiers' re-assessment cadence (scoring.yaml) and `now`.
public struct WorkQueues: Sendable {
    /// How far ahead "due soon" looks.
    public static let dueWindowDays = 30
    /// How far ahead a certificate counts as expiring.
    public static let certificateWindowDays = 90

    public let now: Date
    /// Months between full assessments, by tier (12 where the catalog names none).
    public let cadenceMonths: [Tier: Int]

    public init(now: Date, cadence: [Tier: ScoringConfiguration.Cadence]) {
        self.now = now
        self.cadenceMonths = Dictionary(uniqueKeysWithValues: Tier.allCases.map { ($0, cadence[$0]?.months ?? 12) })
    }

    /// When a vendor of `tier` last fully assessed on `last` is due again; nil when never assessed.
    public func nextAssessment(after last: Date?, tier: Tier) -> Date? {
        last.flatMap { Self.utc.date(byAdding: .month, value: cadenceMonths[tier] ?? 12, to: $0) }
    }

    /// The calendar months are added in, made once: the list asks it for every row.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The SQL of the months between full assessments for the vendor `v`'s tier.
    var months: PostgresQuery {
        let months = Tier.allCases.map { cadenceMonths[$0] ?? 12 }
        return "(ARRAY[\(months[0]), \(months[1]), \(months[2]), \(months[3])]::int[])[array_position(ARRAY['low', 'medium', 'high', 'critical'], v.tier)]"
    }

    /// The last full assessment completed for `v` (check-ins do not reset the cadence, as in `tprm reassess`).
    static let lastCompleted: PostgresQuery =
        "(SELECT max(a.completed_at) FROM assessments a WHERE a.vendor_id = v.id AND a.status = 'completed' AND a.reason <> 'check_in')"

    /// When `v` is next due for a full assessment: the tier's cadence after the last one; NULL when never assessed.
    var nextAssessment: PostgresQuery { "(\(Self.lastCompleted) + make_interval(months => \(months)))" }

    /// Whether `v` has an assessment in `statuses`, with an extra condition on it (`a`).
    static func assessment(_ statuses: [String], _ extra: PostgresQuery = "TRUE") -> PostgresQuery {
        "EXISTS (SELECT 1 FROM assessments a WHERE a.vendor_id = v.id AND a.status = ANY(\(statuses)::text[]) AND \(extra))"
    }

    static let waitingOnSupplier = ["sent", "in_progress"]
    static let open = ["sent", "in_progress", "submitted", "under_review"]

    /// The condition, over a vendor `v`, of being in `queue` now.
    func condition(_ queue: WorkQueue) -> PostgresQuery {
        let soon: PostgresQuery = "\(now) + make_interval(days => \(Self.dueWindowDays)::int)"
        switch queue {
        case .review:
            return Self.assessment(["submitted", "under_review"])
        case .overdue:
            return """
                (\(Self.assessment(Self.waitingOnSupplier, "a.due_at < \(now)"))
                 OR (NOT \(Self.assessment(Self.open)) AND \(nextAssessment) < \(now)))
                """
        case .dueSoon:
            return """
                (NOT \(condition(.overdue))
                 AND (\(Self.assessment(Self.waitingOnSupplier, "a.due_at < \(soon)"))
                      OR (NOT \(Self.assessment(Self.open)) AND \(nextAssessment) < \(soon))))
                """
        case .expiringCertificates:
            let today: PostgresQuery = "(\(now) AT TIME ZONE 'UTC')::date"
            return """
                EXISTS (SELECT 1 FROM certifications c WHERE c.vendor_id = v.id AND c.expires_on >= \(today)
                        AND c.expires_on < \(today) + \(Self.certificateWindowDays)::int
                        AND NOT EXISTS (SELECT 1 FROM certifications r WHERE r.vendor_id = v.id AND r.standard = c.standard
                                        AND r.expires_on >= \(today) + \(Self.certificateWindowDays)::int))
                """
        case .openIncidents:
            return "EXISTS (SELECT 1 FROM incidents i WHERE i.vendor_id = v.id AND i.status IN ('open', 'investigating'))"
        case .lateNotices:
            return "EXISTS (SELECT 1 FROM scores s WHERE s.vendor_id = v.id AND s.late_notices > 0)"
        case .clauseGaps:
            return "EXISTS (SELECT 1 FROM scores s WHERE s.vendor_id = v.id AND s.clause_gaps > 0)"
        case .neverAssessed:
            return "\(Self.lastCompleted) IS NULL"
        }
    }
}
