public import Foundation
import Synchronization
package import Postgres
public import SupplierRisk

/// One batch of the rescore queue, claimed inside a transaction on a connection of its own.
///
/// The queue rows stay locked (`FOR UPDATE SKIP LOCKED`) until `finish`
/// commits scores, history and the removal of the jobs together, so a
/// worker killed mid-batch leaves its jobs to another.
public enum RescoreBatch {
    /// A claimed vendor and what it is scored from.
    public struct Job: Sendable {
        public let vendorID: Int
        public let attempts: Int
        /// The inputs, or why they could not be loaded.
        public let inputs: Result<ScoringInputs, LoadError>
        /// The score stored now, if any: a score that stays the same writes no history, so it needs no summary.
        public let previous: (hundredths: Int, rating: Rating)?
    }

    /// Why a vendor's inputs could not be read.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The outcome of scoring one job.
    public enum Outcome: Sendable {
        /// The score with its stored breakdown and, when it differs from the score stored before (a history row),
        /// its summary (``ScoreRecord``), made where the score was computed.
        case scored(Score, breakdown: String, summary: String?)
        case failed(String)

        /// Scores `inputs` with `model`, encoding what is stored.
        public static func scoring(_ inputs: ScoringInputs, with model: ScoringModel, previous: (hundredths: Int, rating: Rating)?) -> Outcome {
            let score = model.score(inputs)
            let changed = previous.map { $0.hundredths != score.hundredths || $0.rating != score.rating } ?? true
            return .scored(score, breakdown: ScoreRecord.breakdown(score), summary: changed ? ScoreRecord.summary(score.summary) : nil)
        }
    }

    /// Claims up to `limit` due jobs and loads their inputs in a few set-based queries.
    /// Call inside a transaction; the claim lasts until it ends.
    static func claim(_ connection: Connection, limit: Int, asOf: Date, questionnaires: QuestionnaireCache = QuestionnaireCache()) throws -> [Job] {
        let claimed = try connection.query("""
            SELECT q.vendor_id, q.attempts, s.hundredths, s.rating
            FROM (SELECT vendor_id, attempts FROM rescore_queue WHERE next_attempt_at <= now()
                  ORDER BY next_attempt_at, vendor_id LIMIT \(limit) FOR UPDATE SKIP LOCKED) q
            LEFT JOIN scores s ON s.vendor_id = q.vendor_id
            ORDER BY q.vendor_id
            """).decode((Int, Int, Int?, String?).self)
        guard !claimed.isEmpty else { return [] }
        let inputs = try loadInputs(connection, vendorIDs: claimed.map(\.0), asOf: asOf, questionnaires: questionnaires)
        return claimed.map { vendorID, attempts, hundredths, rating in
            Job(vendorID: vendorID, attempts: attempts, inputs: inputs[vendorID] ?? .failure(LoadError(description: "vendor \(vendorID) is gone")),
                previous: hundredths.flatMap { hundredths in rating.flatMap(Rating.init(rawValue:)).map { (hundredths, $0) } })
        }
    }

    /// Questionnaire snapshots already read, by content hash: a snapshot never changes, so a worker reads and
    /// decodes each once, not once a batch.
    public final class QuestionnaireCache: Sendable {
        private let snapshots = Mutex<[String: Result<Questionnaire, LoadError>]>([:])

        public init() {}

        func known(_ hashes: some Sequence<String>) -> [String: Result<Questionnaire, LoadError>] {
            snapshots.withLock { snapshots in
                var found: [String: Result<Questionnaire, LoadError>] = [:]
                for hash in hashes { found[hash] = snapshots[hash] }
                return found
            }
        }

        func add(_ read: [String: Result<Questionnaire, LoadError>]) {
            snapshots.withLock { $0.merge(read) { _, new in new } }
        }
    }

    /// Loads the scoring inputs of vendors in a few set-based queries, whatever their number.
    package static func loadInputs(_ connection: Connection, vendorIDs ids: [Int], asOf: Date,
                                  questionnaires cache: QuestionnaireCache = QuestionnaireCache()) throws -> [Int: Result<ScoringInputs, LoadError>] {
        let idList = ids.map(String.init)

        // What scoring reads of a vendor: its slug, tier and profile (not its fourth parties or contacts).
        var vendors: [Int: (slug: String, tier: Tier, profile: AIProfile)] = [:]
        for row in try connection.query("SELECT v.id, v.slug, v.tier, \(VendorStore.profileColumns) FROM vendors v WHERE v.id = ANY(\(idList)::bigint[])") {
            vendors[try row.decode(Int.self, at: 0)] = (try row.decode(String.self, at: 1), try RawColumn.decode(Tier.self, row, "tier"), try VendorStore.profile(row))
        }
        // The latest submitted or completed full assessment of each vendor, and any check-in submitted since, with their
        // questionnaires (each distinct one read once) and answers.
        let latest = try connection.query("""
            WITH full_assessment AS (
                SELECT DISTINCT ON (vendor_id) id, vendor_id, content_hash, submitted_at
                FROM assessments WHERE vendor_id = ANY(\(idList)::bigint[]) AND status IN ('submitted', 'under_review', 'completed') AND reason <> 'check_in'
                ORDER BY vendor_id, submitted_at DESC, id DESC
            ), check_in AS (
                SELECT DISTINCT ON (c.vendor_id) c.id, c.vendor_id, c.content_hash
                FROM assessments c JOIN full_assessment f ON f.vendor_id = c.vendor_id
                WHERE c.status IN ('submitted', 'under_review', 'completed') AND c.reason = 'check_in' AND c.submitted_at > f.submitted_at
                ORDER BY c.vendor_id, c.submitted_at DESC, c.id DESC
            )
            SELECT id, vendor_id, content_hash, false FROM full_assessment UNION ALL SELECT id, vendor_id, content_hash, true FROM check_in
            """).decode((Int, Int, String, Bool).self)
        let hashes = Set(latest.map(\.2))
        var questionnaires = cache.known(hashes)
        let unread = hashes.filter { questionnaires[$0] == nil }
        if !unread.isEmpty {
            var read: [String: Result<Questionnaire, LoadError>] = [:]
            for (hash, content) in try connection.query("""
                SELECT content_hash, content::text FROM questionnaire_snapshots WHERE content_hash = ANY(\(Array(unread))::text[])
                """).decode((String, String).self) {
                do {
                    read[hash] = .success(try JSONDecoder().decode(Questionnaire.self, from: Data(content.utf8)))
                } catch {
                    read[hash] = .failure(LoadError(description: "questionnaire snapshot \(hash.prefix(12)) cannot be read: \(error)"))
                }
            }
            cache.add(read)
            questionnaires.merge(read) { _, new in new }
        }
        let assessments = latest
        var answers: [Int: [String: Answer]] = [:]
        for (assessment, question, answeredAt, evidence, verdict, option, options, number, date, text, file) in try connection.query("""
            SELECT assessment_id, question_id, answered_at, cardinality(evidence_refs) > 0, verdict,
                   option_value, options_value, number_value, date_value, text_value, file_value
            FROM answers WHERE assessment_id = ANY(\(latest.map { String($0.0) })::bigint[])
            """).decode((Int, String, Date, Bool, String?, String?, [String]?, Double?, Date?, String?, Bool).self) {
            guard let value = AnswerColumns.value(option: option, options: options, number: number, date: date, text: text, file: file) else { continue }
            answers[assessment, default: [:]][question] = Answer(
                value: value, answeredAt: answeredAt, hasEvidence: evidence, verdict: verdict.flatMap(Answer.Verdict.init(rawValue:)))
        }
        var clauses: [Int: [ClauseStatusRecord]] = [:]
        for (vendorID, key, status, updatedAt, parameters) in try connection.query("""
            SELECT k.vendor_id, c.clause_key, c.status, c.updated_at, NULLIF(c.parameters, '{}')
            FROM contract_clauses c JOIN contracts k ON k.id = c.contract_id
            WHERE k.vendor_id = ANY(\(idList)::bigint[]) AND k.effective_on <= \(asOf)::date AND (k.expires_on IS NULL OR k.expires_on >= \(asOf)::date)
            """).decode((Int, String, String, Date, JSONB<[String: Int]>?).self) {
            // Most clauses carry no signed numbers: NULL for those, so that only the few with some are decoded.
            guard let status = ClauseStatus(rawValue: status) else { continue }
            clauses[vendorID, default: []].append(ClauseStatusRecord(
                key: key, status: status, note: "", verifiedBy: nil, updatedAt: updatedAt, parameters: parameters?.value ?? [:]))
        }
        var incidents: [Int: [Incident]] = [:]
        for row in try connection.query("""
            SELECT i.vendor_id, \(IncidentStore.columns)
            FROM incidents i JOIN vendors v ON v.id = i.vendor_id WHERE i.vendor_id = ANY(\(idList)::bigint[])
            """) {
            incidents[try row.decode(Int.self, "vendor_id"), default: []].append(try IncidentStore.incident(row))
        }
        var certifications: [Int: [Certification]] = [:]
        for row in try connection.query("""
            SELECT c.vendor_id, \(CertificationStore.columns)
            FROM certifications c WHERE c.vendor_id = ANY(\(idList)::bigint[])
            """) {
            certifications[try row.decode(Int.self, "vendor_id"), default: []].append(try CertificationStore.certification(row))
        }

        var byVendor: [Int: (full: (Int, String)?, checkIn: (Int, String)?)] = [:]
        for (id, vendorID, hash, isCheckIn) in assessments {
            if isCheckIn { byVendor[vendorID, default: (nil, nil)].checkIn = (id, hash) } else { byVendor[vendorID, default: (nil, nil)].full = (id, hash) }
        }
        var result: [Int: Result<ScoringInputs, LoadError>] = [:]
        vendors: for (vendorID, vendor) in vendors {
            var read: [AssessmentInputs?] = []
            for entry in [byVendor[vendorID]?.full, byVendor[vendorID]?.checkIn] {
                guard let (id, hash) = entry else {
                    read.append(nil)
                    continue
                }
                switch questionnaires[hash] ?? .failure(LoadError(description: "questionnaire snapshot \(hash.prefix(12)) is missing")) {
                case .success(let questionnaire): read.append(AssessmentInputs(id: id, questionnaire: questionnaire, answers: answers[id] ?? [:]))
                case .failure(let error):
                    result[vendorID] = .failure(LoadError(description: "assessment \(id): \(error)"))
                    continue vendors
                }
            }
            result[vendorID] = .success(ScoringInputs(
                vendor: vendor.slug, tier: vendor.tier, profile: vendor.profile, assessment: read[0], checkIn: read[1],
                clauses: clauses[vendorID] ?? [], incidents: incidents[vendorID] ?? [], certifications: certifications[vendorID] ?? [], asOf: asOf))
        }
        return result
    }

    /// Stores the outcomes: scores and history for the scored (a score is rewritten only where its breakdown, points,
    /// rating or model changed, history only where score or rating changed),
    /// retry with backoff for the failed (given up after `maxAttempts`), and removes the scored jobs. Call in the claiming transaction.
    static func finish(_ connection: Connection, jobs: [Job], outcomes: [Outcome], modelVersion: String, asOf: Date, maxAttempts: Int) throws {
        // Summaries go only with scores that changed (a history row); "" stands for none.
        var ids: [String] = [], hundredths: [String] = [], ratings: [String] = [], breakdowns: [String] = [], summaries: [String] = []
        var clauseGaps: [String] = [], lateNotices: [String] = []
        var failedIDs: [String] = [], errors: [String] = [], attempts: [String] = []
        for (job, outcome) in zip(jobs, outcomes) {
            switch outcome {
            case .scored(let score, let breakdown, let summary):
                ids.append(String(job.vendorID))
                hundredths.append(String(score.hundredths))
                ratings.append(score.rating.rawValue)
                breakdowns.append(breakdown)
                summaries.append(summary ?? "")
                clauseGaps.append(String(score.clauseGapCount))
                lateNotices.append(String(score.lateNoticeCount))
            case .failed(let error):
                failedIDs.append(String(job.vendorID))
                errors.append(error)
                attempts.append(String(job.attempts + 1))
            }
        }
        if !ids.isEmpty {
            try connection.execute("""
                WITH new AS (
                    SELECT * FROM unnest(\(ids)::bigint[], \(hundredths)::int[], \(ratings)::text[], \(breakdowns)::json[], \(summaries)::text[],
                                         \(clauseGaps)::int[], \(lateNotices)::int[])
                        AS n (vendor_id, hundredths, rating, breakdown, summary, clause_gaps, late_notices)
                ), history AS (
                    INSERT INTO score_history (vendor_id, hundredths, rating, previous_hundredths, previous_rating, model_version, breakdown, summary)
                    SELECT new.vendor_id, new.hundredths, new.rating, old.hundredths, old.rating, \(modelVersion), new.breakdown, new.summary::jsonb
                    FROM new LEFT JOIN scores old ON old.vendor_id = new.vendor_id
                    WHERE old.vendor_id IS NULL OR old.hundredths <> new.hundredths OR old.rating <> new.rating
                )
                INSERT INTO scores (vendor_id, hundredths, rating, breakdown, model_version, as_of, computed_at, clause_gaps, late_notices)
                SELECT vendor_id, hundredths, rating, breakdown, \(modelVersion), \(asOf), clock_timestamp(), clause_gaps, late_notices FROM new
                ON CONFLICT (vendor_id) DO UPDATE SET hundredths = EXCLUDED.hundredths, rating = EXCLUDED.rating,
                    clause_gaps = EXCLUDED.clause_gaps, late_notices = EXCLUDED.late_notices,
                    breakdown = EXCLUDED.breakdown, model_version = EXCLUDED.model_version, as_of = EXCLUDED.as_of, computed_at = clock_timestamp()
                -- A score computed again exactly as stored keeps its row (and the moment it was computed): rewriting
                -- it would cost a new row version, its compression and WAL for every vendor of a nightly rescore.
                -- (The breakdowns, read out of their compression, are compared last.)
                WHERE scores.model_version <> EXCLUDED.model_version OR scores.hundredths <> EXCLUDED.hundredths
                   OR scores.rating <> EXCLUDED.rating OR scores.breakdown::text <> EXCLUDED.breakdown::text
                """)
            try connection.execute("DELETE FROM rescore_queue WHERE vendor_id = ANY(\(ids)::bigint[])")
        }
        if !failedIDs.isEmpty {
            // Backoff: 2^attempts seconds, at most an hour; after maxAttempts the job stays with its error and is not retried.
            try connection.execute("""
                UPDATE rescore_queue q SET attempts = f.attempts, last_error = f.error,
                    next_attempt_at = CASE WHEN f.attempts >= \(maxAttempts) THEN 'infinity'
                                           ELSE now() + least(3600, power(2, f.attempts)) * interval '1 second' END
                FROM unnest(\(failedIDs)::bigint[], \(errors)::text[], \(attempts)::int[]) AS f (vendor_id, error, attempts)
                WHERE q.vendor_id = f.vendor_id
                """)
        }
    }
}

/// Answer values as stored in the typed value columns of `answers`.
enum AnswerColumns {
    static func value(option: String?, options: [String]?, number: Double?, date: Date?, text: String?, file: Bool) -> Answer.Value? {
        if let option { return .option(option) }
        if let options { return .options(options) }
        if let number { return .number(number) }
        if let date { return .date(date) }
        if let text { return .text(text) }
        return file ? .file : nil
    }

    /// Stores answers through COPY: (assessment id, question id, answer) each; returns how many.
    @discardableResult
    static func copy(_ connection: Connection, _ answers: some Sequence<(Int, String, Answer)>) throws -> Int {
        try connection.copyFrom("""
            COPY answers (assessment_id, question_id, option_value, options_value, number_value, date_value, text_value, file_value,
                          answered_at, evidence_refs, verdict, reviewed_at) FROM STDIN
            """) { copy in
            for (assessment, question, answer) in answers {
                let (option, options, number, date, text, file) = columns(answer.value)
                try copy.row(assessment, question, option, options, number, date, text, file, answer.answeredAt,
                             answer.hasEvidence ? ["attached"] : [String](), answer.verdict?.rawValue, answer.verdict == nil ? nil : answer.answeredAt)
            }
        }
    }

    /// The six columns for a value, in table order: option, options, number, date, text, file.
    static func columns(_ value: Answer.Value) -> (String?, [String]?, Double?, Date?, String?, Bool) {
        switch value {
        case .option(let option): (option, nil, nil, nil, nil, false)
        case .options(let options): (nil, options, nil, nil, nil, false)
        case .number(let number): (nil, nil, number, nil, nil, false)
        case .date(let date): (nil, nil, nil, date, nil, false)
        case .text(let text): (nil, nil, nil, nil, text, false)
        case .file: (nil, nil, nil, nil, nil, true)
        }
    }
}
