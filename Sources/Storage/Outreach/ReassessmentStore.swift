public import Foundation
import Postgres
public import SupplierRisk

/// A vendor the re-assessment job looked at: whether it is due, and why.
public struct ReassessmentCandidate: Sendable, Hashable, Codable {
    public let vendorID: Int
    public let vendor: String
    public let name: String
    public let tier: Tier
    public let contactEmail: String?
    /// When its last full assessment was completed; nil when it never was.
    public let lastCompleted: Date?
    /// An assessment already open for it, which makes the job skip it.
    public let openAssessment: Int?
    /// Why the tier's cadence makes it due, if it does.
    public let cadence: String?
    /// What happened since the last assessment that calls for a new one.
    public let triggers: [String]
    /// Why the tier's check-in is due, when no full assessment is: the last assessment or check-in is older than the
    /// tier's check-in interval.
    public let checkIn: String?

    /// Due for a full assessment, by cadence or by a trigger.
    public var isDue: Bool { cadence != nil || !triggers.isEmpty }
    /// Due for a check-in only.
    public var isCheckInDue: Bool { !isDue && checkIn != nil }
}

/// Finds the vendors due for re-assessment: by the tier's cadence since the last completed assessment
/// (or never assessed), or by what happened since (certificates, contract renewals, incidents, tier
/// and rating changes, changed fourth parties).
public struct ReassessmentStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Days before a certificate's expiry that it triggers a re-assessment.
    public static let certificateWindowDays = 30

    /// Every active vendor registered by `asOf`, with what makes it due (or nothing), by slug.
    ///
    /// Only what is dated on or before `asOf` counts, so a past day's plan can be reproduced.
    public func plan(asOf: Date, cadence: [Tier: ScoringConfiguration.Cadence]) throws -> [ReassessmentCandidate] {
        let months = Tier.allCases.map { cadence[$0]?.months ?? 12 }  // low, medium, high, critical
        let checkIns = Tier.allCases.map { cadence[$0]?.checkInMonths ?? 0 }  // 0: the tier has no check-ins
        return try database.withConnection { connection in
            try connection.query("""
                WITH completed AS (
                    -- The cadence and the triggers run from the last full assessment; a check-in from the last of either.
                    SELECT vendor_id, max(completed_at) FILTER (WHERE reason <> 'check_in') AS last_completed, max(completed_at) AS last_any
                    FROM assessments WHERE status = 'completed' AND completed_at <= \(asOf) GROUP BY vendor_id
                ), open AS (
                    SELECT vendor_id, min(id) AS open_id FROM assessments
                    WHERE status IN ('sent', 'in_progress', 'submitted', 'under_review') GROUP BY vendor_id
                ), candidates AS (
                    SELECT v.id, v.slug, v.name, v.tier, v.contact_email, c.last_completed, c.last_any, o.open_id,
                           (ARRAY[\(months[0]), \(months[1]), \(months[2]), \(months[3])])[array_position(ARRAY['low', 'medium', 'high', 'critical'], v.tier)] AS months,
                           (ARRAY[\(checkIns[0]), \(checkIns[1]), \(checkIns[2]), \(checkIns[3])])[array_position(ARRAY['low', 'medium', 'high', 'critical'], v.tier)] AS check_in_months
                    FROM vendors v LEFT JOIN completed c ON c.vendor_id = v.id LEFT JOIN open o ON o.vendor_id = v.id
                    WHERE v.status = 'active' AND v.created_at <= \(asOf)
                ), assessed AS (
                    SELECT id, slug, last_completed FROM candidates WHERE last_completed IS NOT NULL
                ), events AS (
                    SELECT c.id AS vendor_id, 1 AS kind, k.expires_on AS at,
                           'certificate ' || k.standard || CASE WHEN k.expires_on < \(asOf)::date THEN ' expired on ' ELSE ' expires on ' END
                           || to_char(k.expires_on, 'YYYY-MM-DD') AS reason
                    FROM certifications k JOIN assessed c ON c.id = k.vendor_id
                    WHERE k.expires_on <= (\(asOf) + make_interval(days => \(Self.certificateWindowDays)::int))::date
                      AND k.expires_on - \(Self.certificateWindowDays)::int > c.last_completed::date
                      AND NOT EXISTS (SELECT 1 FROM certifications r WHERE r.vendor_id = c.id AND r.standard = k.standard
                                      AND r.expires_on > (\(asOf) + make_interval(days => \(Self.certificateWindowDays)::int))::date)
                    UNION ALL
                    SELECT c.id, 2, k.expires_on, 'contract ' || k.reference || ' is in its renewal notice period (expires ' || to_char(k.expires_on, 'YYYY-MM-DD') || ')'
                    FROM contracts k JOIN assessed c ON c.id = k.vendor_id
                    WHERE k.expires_on IS NOT NULL AND k.renewal_notice_days IS NOT NULL
                      AND k.expires_on - k.renewal_notice_days <= \(asOf)::date AND k.expires_on > \(asOf)::date
                      AND k.expires_on - k.renewal_notice_days > c.last_completed::date
                    UNION ALL
                    SELECT c.id, 3, i.occurred_at::date, i.severity || ' incident on ' || to_char(i.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ': ' || i.title
                    FROM incidents i JOIN assessed c ON c.id = i.vendor_id
                    WHERE i.severity IN ('high', 'critical') AND i.occurred_at > c.last_completed AND i.occurred_at <= \(asOf)
                    UNION ALL
                    SELECT c.id, 4, l.at::date, 'tier changed from ' || (l.before->>'tier') || ' to ' || (l.after->>'tier') || ' on ' || to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
                    FROM audit_log l JOIN assessed c ON l.entity = 'vendor' AND l.entity_id = c.slug
                    WHERE l.at > c.last_completed AND l.at <= \(asOf) AND l.before IS NOT NULL AND (l.before->>'tier') IS DISTINCT FROM (l.after->>'tier')
                    UNION ALL
                    SELECT c.id, 5, h.computed_at::date, 'rating worsened from ' || h.previous_rating || ' to ' || h.rating || ' on ' || to_char(h.computed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
                    FROM score_history h JOIN assessed c ON c.id = h.vendor_id
                    WHERE h.computed_at > c.last_completed AND h.computed_at <= \(asOf) AND h.previous_rating IS NOT NULL
                      AND array_position(ARRAY['low', 'medium', 'high', 'critical'], h.rating) > array_position(ARRAY['low', 'medium', 'high', 'critical'], h.previous_rating)
                    UNION ALL
                    SELECT c.id, 6, l.at::date, 'foundation-model providers or sub-processors changed on ' || to_char(l.at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
                    FROM audit_log l JOIN assessed c ON l.entity = 'vendor' AND l.entity_id = c.slug
                    WHERE l.at > c.last_completed AND l.at <= \(asOf) AND l.before IS NOT NULL AND (l.before->'fourth_parties') IS DISTINCT FROM (l.after->'fourth_parties')
                ), triggered AS (
                    SELECT vendor_id, array_agg(reason ORDER BY kind, at, reason) AS triggers FROM events GROUP BY vendor_id
                )
                SELECT c.id, c.slug, c.name, c.tier, c.contact_email, c.last_completed, c.open_id,
                    CASE WHEN c.last_completed IS NULL THEN 'never assessed'
                         WHEN c.last_completed + make_interval(months => c.months::int) <= \(asOf)
                         THEN 'last completed ' || to_char(c.last_completed AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '; the ' || c.tier
                              || ' tier is re-assessed every ' || c.months || ' months'
                    END AS cadence,
                    COALESCE(t.triggers, '{}') AS triggers,
                    CASE WHEN c.check_in_months > 0 AND c.last_completed IS NOT NULL
                              AND c.last_any + make_interval(months => c.check_in_months::int) <= \(asOf)
                         THEN 'last assessed or checked in ' || to_char(c.last_any AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '; the ' || c.tier
                              || ' tier checks in every ' || c.check_in_months || ' months'
                    END AS check_in
                FROM candidates c LEFT JOIN triggered t ON t.vendor_id = c.id
                ORDER BY c.slug
                """).map { row in
                ReassessmentCandidate(
                    vendorID: try row.decode(Int.self, "id"), vendor: try row.decode(String.self, "slug"), name: try row.decode(String.self, "name"), tier: try RawColumn.decode(Tier.self, row, "tier"),
                    contactEmail: try row.decode(String?.self, "contact_email"), lastCompleted: try row.decode(Date?.self, "last_completed"),
                    openAssessment: try row.decode(Int?.self, "open_id"), cadence: try row.decode(String?.self, "cadence"),
                    triggers: try row.decode([String].self, "triggers"), checkIn: try row.decode(String?.self, "check_in"))
            }
        }
    }

    /// Runs `body` holding the job's advisory lock, so that runs on several machines or processes take turns:
    /// the second finds what the first sent. With `wait` false, returns nil at once when another run holds it.
    public func withRunLock<Result>(wait: Bool = true, _ body: () throws -> Result) throws -> Result? {
        try database.withConnection { connection in
            let key = "tprm.reassess"
            if wait {
                try connection.execute("SELECT pg_advisory_lock(hashtext(\(key)))")
            } else {
                guard try connection.query("SELECT pg_try_advisory_lock(hashtext(\(key)))")[0].decode(Bool.self, at: 0) else { return nil }
            }
            defer { _ = try? connection.execute("SELECT pg_advisory_unlock(hashtext(\(key)))") }
            return try body()
        }
    }
}
