public import Foundation
public import Postgres
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
    }

    /// Why a vendor's inputs could not be read.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The outcome of scoring one job.
    public enum Outcome: Sendable {
        /// The score with its stored breakdown and summary (``ScoreRecord``), made where the score was computed.
        case scored(Score, breakdown: String, summary: String)
        case failed(String)

        /// Scores `inputs` with `model`, encoding what is stored.
        public static func scoring(_ inputs: ScoringInputs, with model: ScoringModel) -> Outcome {
            let score = model.score(inputs)
            return .scored(score, breakdown: ScoreRecord.breakdown(score), summary: ScoreRecord.summary(score.summary))
        }
    }

    /// Claims up to `limit` due jobs and loads their inputs in a few set-based queries.
    /// Call inside a transaction; the claim lasts until it ends.
    public static func claim(_ connection: Connection, limit: Int, asOf: Date, catalog: Catalog) throws -> [Job] {
        let claimed = try connection.query("""
            SELECT vendor_id, attempts FROM rescore_queue WHERE next_attempt_at <= now()
            ORDER BY next_attempt_at, vendor_id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """).decode((Int, Int).self)
        guard !claimed.isEmpty else { return [] }
        let inputs = try loadInputs(connection, vendorIDs: claimed.map(\.0), asOf: asOf)
        return claimed.map { vendorID, attempts in
            Job(vendorID: vendorID, attempts: attempts, inputs: inputs[vendorID] ?? .failure(LoadError(description: "vendor \(vendorID) is gone")))
        }
    }

    /// Loads the scoring inputs of vendors in a few set-based queries, whatever their number.
    public static func loadInputs(_ connection: Connection, vendorIDs ids: [Int], asOf: Date) throws -> [Int: Result<ScoringInputs, LoadError>] {
        let idList = ids.map(String.init)

        var vendors: [Int: Vendor] = [:]
        for row in try connection.query(PostgresQuery(
            unsafeSQL: "SELECT \(VendorStore.columns) FROM vendors v WHERE v.id = ANY($1::bigint[])", bindings: bindings(idList))) {
            let vendor = try VendorStore.vendor(row)
            vendors[vendor.id] = vendor
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
        var questionnaires: [String: Result<Questionnaire, LoadError>] = [:]
        for (hash, content) in try connection.query("""
            SELECT content_hash, content::text FROM questionnaire_snapshots WHERE content_hash = ANY(\(Array(Set(latest.map(\.2))))::text[])
            """).decode((String, String).self) {
            do {
                questionnaires[hash] = .success(try JSONDecoder().decode(Questionnaire.self, from: Data(content.utf8)))
            } catch {
                questionnaires[hash] = .failure(LoadError(description: "questionnaire snapshot \(hash.prefix(12)) cannot be read: \(error)"))
            }
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
        for row in try connection.query(PostgresQuery(unsafeSQL: """
            SELECT i.vendor_id, \(IncidentStore.columns)
            FROM incidents i JOIN vendors v ON v.id = i.vendor_id WHERE i.vendor_id = ANY($1::bigint[])
            """, bindings: bindings(idList))) {
            incidents[try row.decode(Int.self, "vendor_id"), default: []].append(try IncidentStore.incident(row))
        }
        var certifications: [Int: [Certification]] = [:]
        for row in try connection.query(PostgresQuery(unsafeSQL: """
            SELECT c.vendor_id, c.id, c.standard, c.issuer, c.scope, c.issued_on, c.expires_on
            FROM certifications c WHERE c.vendor_id = ANY($1::bigint[])
            """, bindings: bindings(idList))) {
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

    /// Stores the outcomes: scores and history for the scored (history only where score or rating changed),
    /// retry with backoff for the failed (given up after `maxAttempts`), and removes the scored jobs. Call in the claiming transaction.
    public static func finish(_ connection: Connection, jobs: [Job], outcomes: [Outcome], modelVersion: String, asOf: Date, maxAttempts: Int) throws {
        var ids: [String] = [], hundredths: [String] = [], ratings: [String] = [], breakdowns: [String] = [], summaries: [String] = []
        var failedIDs: [String] = [], errors: [String] = [], attempts: [String] = []
        for (job, outcome) in zip(jobs, outcomes) {
            switch outcome {
            case .scored(let score, let breakdown, let summary):
                ids.append(String(job.vendorID))
                hundredths.append(String(score.hundredths))
                ratings.append(score.rating.rawValue)
                breakdowns.append(breakdown)
                summaries.append(summary)
            case .failed(let error):
                failedIDs.append(String(job.vendorID))
                errors.append(error)
                attempts.append(String(job.attempts + 1))
            }
        }
        if !ids.isEmpty {
            try connection.execute("""
                WITH new AS (
                    SELECT * FROM unnest(\(ids)::bigint[], \(hundredths)::int[], \(ratings)::text[], \(breakdowns)::json[], \(summaries)::jsonb[])
                        AS n (vendor_id, hundredths, rating, breakdown, summary)
                ), history AS (
                    INSERT INTO score_history (vendor_id, hundredths, rating, previous_hundredths, previous_rating, model_version, breakdown, summary)
                    SELECT new.vendor_id, new.hundredths, new.rating, old.hundredths, old.rating, \(modelVersion), new.breakdown, new.summary
                    FROM new LEFT JOIN scores old ON old.vendor_id = new.vendor_id
                    WHERE old.vendor_id IS NULL OR old.hundredths <> new.hundredths OR old.rating <> new.rating
                )
                INSERT INTO scores (vendor_id, hundredths, rating, breakdown, model_version, as_of, computed_at)
                SELECT vendor_id, hundredths, rating, breakdown, \(modelVersion), \(asOf), clock_timestamp() FROM new
                ON CONFLICT (vendor_id) DO UPDATE SET hundredths = EXCLUDED.hundredths, rating = EXCLUDED.rating,
                    breakdown = EXCLUDED.breakdown, model_version = EXCLUDED.model_version, as_of = EXCLUDED.as_of, computed_at = clock_timestamp()
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

    private static func bindings(_ ids: [String]) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(ids)
        return bindings
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
