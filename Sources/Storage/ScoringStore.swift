public import Foundation
import Postgres
public import SupplierRisk

/// A vendor's stored score.
public struct StoredScore: Sendable, Hashable, Encodable {
    public let vendor: String
    public let score: Score
    /// The digest of the model files it was computed with.
    public let modelVersion: String
    /// The version of scoring.yaml that model was (nil for a digest no worker registered).
    public let model: Int?
    public let asOf: Date
    public let computedAt: Date
}

/// One row of a vendor's score history.
public struct ScoreHistoryEntry: Sendable, Hashable, Codable {
    public let hundredths: Int
    public let rating: Rating
    public let previousHundredths: Int?
    public let previousRating: Rating?
    public let modelVersion: String
    /// The version of scoring.yaml of that model.
    public let model: Int?
    public let computedAt: Date
}

/// The rescore queue and stored scores.
public struct ScoringStore: Sendable {
    let database: Database

    /// Creates a store on the database.
    public init(database: Database) { self.database = database }

    /// One batch of the rescore queue in one transaction: claims up to `limit` due vendors (`SKIP LOCKED`, so
    /// lanes and workers never share one) with their inputs, lets `score` turn them into outcomes, and stores the
    /// scores, history and retries; returns how many it took (0 when nothing is due). The claim lasts until the
    /// transaction ends, so a worker that dies mid-batch leaves its vendors queued.
    public func scoreBatch(
        limit: Int, asOf: Date, questionnaires: RescoreBatch.QuestionnaireCache, modelVersion: String, maxAttempts: Int,
        score: ([RescoreBatch.Job]) -> [RescoreBatch.Outcome]
    ) throws -> Int {
        try database.transaction { connection in
            let jobs = try RescoreBatch.claim(connection, limit: limit, asOf: asOf, questionnaires: questionnaires)
            guard !jobs.isEmpty else { return 0 }
            try RescoreBatch.finish(connection, jobs: jobs, outcomes: score(jobs), modelVersion: modelVersion, asOf: asOf, maxAttempts: maxAttempts)
            return jobs.count
        }
    }

    /// Queues vendors for rescoring by slug; returns how many were queued.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` naming the first unknown slug; nothing is queued then.
    @discardableResult
    public func enqueue(_ slugs: [String]) throws -> Int {
        try database.transaction { connection in
            let known = try connection.query("SELECT slug FROM vendors WHERE slug = ANY(\(slugs))").map { try $0.decode(String.self, at: 0) }
            if let unknown = slugs.first(where: { !known.contains($0) }) { throw StorageError.notFound("no vendor with slug \(unknown)") }
            return try Self.enqueue(connection, where: "slug = ANY(\(slugs))")
        }
    }

    /// Queues every vendor that is not offboarded; returns how many.
    @discardableResult
    public func enqueueAll() throws -> Int {
        try database.transaction { try Self.enqueue($0, where: "status <> 'offboarded'") }
    }

    /// Queues vendors with no score, or a score from another model version; returns how many.
    @discardableResult
    public func enqueueOutdated(modelVersion: String) throws -> Int {
        try database.transaction { connection in
            try Self.enqueue(connection, where: """
                status <> 'offboarded' AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.vendor_id = vendors.id AND s.model_version = \(modelVersion))
                """)
        }
    }

    static func enqueue(_ connection: Connection, where condition: PostgresQuery) throws -> Int {
        // Jobs already due are left as they are: a worker may hold them (FOR UPDATE SKIP LOCKED), and touching them
        // would wait for its batch. Jobs waiting out a backoff, or retried after a failure, start again now.
        let count = try connection.query("""
            WITH target AS (SELECT id FROM vendors WHERE \(condition)),
            added AS (INSERT INTO rescore_queue (vendor_id) SELECT id FROM target ON CONFLICT (vendor_id) DO NOTHING),
            restarted AS (
                UPDATE rescore_queue q SET next_attempt_at = now(), attempts = 0, last_error = NULL FROM target t
                WHERE q.vendor_id = t.id AND (q.next_attempt_at > now() OR q.attempts > 0)
            )
            SELECT count(*) FROM target
            """)[0].decode(Int.self, at: 0)
        if count > 0 { try connection.notify("rescore") }
        return count
    }

    /// Records the model a worker scores with (its digest and the version of scoring.yaml), once; returns when it was
    /// first used.
    @discardableResult
    public func register(model digest: String, version: Int) throws -> Date {
        try database.withConnection { connection in
            let rows = try connection.query("""
                WITH new AS (INSERT INTO scoring_models (digest, version) VALUES (\(digest), \(version)) ON CONFLICT (digest) DO NOTHING RETURNING first_used_at)
                SELECT first_used_at FROM new UNION ALL SELECT first_used_at FROM scoring_models WHERE digest = \(digest)
                """)
            if let row = rows.first { return try row.decode(Date.self, at: 0) }
            // Another worker inserted the row while this statement ran: the insert waited for its commit and did
            // nothing, and the statement's snapshot, older than that commit, does not show it. A new statement does.
            return try connection.query("SELECT first_used_at FROM scoring_models WHERE digest = \(digest)")[0].decode(Date.self, at: 0)
        }
    }

    /// Queue counts: waiting now, waiting for a retry, and given up (kept with their error).
    public func queueDepth() throws -> (due: Int, retrying: Int, failed: Int) {
        try database.withConnection { connection in
            try connection.query("""
                SELECT count(*) FILTER (WHERE next_attempt_at <= now()),
                       count(*) FILTER (WHERE next_attempt_at > now() AND next_attempt_at < 'infinity'),
                       count(*) FILTER (WHERE next_attempt_at = 'infinity')
                FROM rescore_queue
                """)[0].decode((Int, Int, Int).self)
        }
    }

    /// How many of these vendors (all when nil) wait in the queue to be scored, not counting those given up on.
    public func pending(_ slugs: [String]?) throws -> Int {
        try database.withConnection { connection in
            try connection.query("""
                SELECT count(*) FROM rescore_queue q JOIN vendors v ON v.id = q.vendor_id
                WHERE q.next_attempt_at < 'infinity' AND (\(slugs)::text[] IS NULL OR v.slug = ANY(\(slugs)::text[]))
                """)[0].decode(Int.self, at: 0)
        }
    }

    /// The vendors given up on, with their last error.
    public func failures() throws -> [(vendor: String, attempts: Int, error: String)] {
        try database.withConnection { connection in
            try connection.query("""
                SELECT v.slug, q.attempts, COALESCE(q.last_error, '') FROM rescore_queue q JOIN vendors v ON v.id = q.vendor_id
                WHERE q.next_attempt_at = 'infinity' ORDER BY v.slug
                """).decode((String, Int, String).self).map { ($0.0, $0.1, $0.2) }
        }
    }

    /// The stored score of a vendor, if it has one.
    public func score(_ slug: String) throws -> StoredScore? {
        try database.withConnection { connection in
            _ = try VendorLookup.id(connection, slug: slug)
            guard let row = try connection.query("""
                SELECT v.slug, s.hundredths, s.rating, s.breakdown::text, s.model_version, m.version, s.as_of, s.computed_at
                FROM scores s JOIN vendors v ON v.id = s.vendor_id LEFT JOIN scoring_models m ON m.digest = s.model_version WHERE v.slug = \(slug)
                """).first else { return nil }
            let (vendor, hundredths, rating, breakdown, version, model, asOf, computedAt) = try row.decode((String, Int, String, String, String, Int?, Date, Date).self)
            let score: Score
            do {
                score = try ScoreRecord.score(breakdown: breakdown, hundredths: hundredths, rating: Rating(rawValue: rating) ?? .critical)
            } catch {
                throw StorageError.invalid(field: "score", reason: "the stored score of \(slug) cannot be read: \(error)")
            }
            return StoredScore(vendor: vendor, score: score, modelVersion: version, model: model, asOf: asOf, computedAt: computedAt)
        }
    }

    /// A vendor's scoring inputs as of a date, read as the pipeline reads them.
    public func inputs(_ slug: String, asOf: Date) throws -> ScoringInputs {
        try database.withConnection { connection in
            let id = try VendorLookup.id(connection, slug: slug)
            switch try RescoreBatch.loadInputs(connection, vendorIDs: [id], asOf: asOf)[id] {
            case .success(let inputs)?: return inputs
            case .failure(let error)?: throw StorageError.invalid(field: "inputs", reason: error.description)
            case nil: throw StorageError.notFound("no vendor with slug \(slug)")
            }
        }
    }

    /// A vendor's score history, oldest first: `limit` after `mark`, or all without a limit.
    public func history(_ slug: String, after mark: PageMark? = nil, limit: Int? = nil) throws -> Page<ScoreHistoryEntry> {
        try database.withConnection { connection in
            try Keyset(keys: [("h.id", .bigint)], descending: false).read(
                connection, columns: "h.hundredths, h.rating, h.previous_hundredths, h.previous_rating, h.model_version, h.computed_at, m.version",
                from: "score_history h LEFT JOIN scoring_models m ON m.digest = h.model_version",
                where: "h.vendor_id = \(try VendorLookup.id(connection, slug: slug))", after: mark, limit: limit
            ) { row in
                ScoreHistoryEntry(
                    hundredths: try row.decode(Int.self, at: 0), rating: try RawColumn.decode(Rating.self, row, "rating"),
                    previousHundredths: try row.decode(Int?.self, at: 2),
                    previousRating: try row.decode(String?.self, at: 3).flatMap(Rating.init(rawValue:)),
                    modelVersion: try row.decode(String.self, at: 4), model: try row.decode(Int?.self, at: 6), computedAt: try row.decode(Date.self, at: 5))
            }
        }
    }
}
