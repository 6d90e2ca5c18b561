import CivilTime
public import Foundation
import Postgres
public import SupplierRisk

/// One vendor of the portfolio as it stood on a day: its registered state (from the audit log) and its
/// score (from the score history), with its three largest drivers.
public struct RegisterRow: Sendable, Hashable {
    public let slug: String
    public let name: String
    public let tier: Tier
    public let status: String
    /// Residual risk in hundredths (0–10000); nil when not scored by then.
    public let hundredths: Int?
    public let rating: Rating?
    public let modelVersion: String?
    /// The three largest lines of the score's breakdown, largest first.
    public let drivers: [Score.Line]
    public let lastAssessed: Date?
    public let openIncidents: Int
    public let clauseGaps: Int
}

/// A critical or high vendor for the pack's appendix: its register row, its profile as it stood, and the
/// details behind its score.
public struct AppendixRow: Sendable {
    public let register: RegisterRow
    public let businessOwner: String
    public let offering: String
    public let aiActClass: String
    public let decisionImpact: String
    public let businessCriticality: String
    public let dataCategories: [String]
    /// The answers of its score's breakdown that earned no credit, or a knock-out, by question id.
    public let failedAnswers: [Score.Line]
    /// The keys of the required clauses missing from its contracts in force.
    public let clauseGapKeys: [String]
    /// Its incidents open as of the pack's date, most severe first: (title, severity, status, occurred).
    public let incidents: [(title: String, severity: String, status: String, occurredAt: Date)]
}

/// The portfolio's figures as of a moment, counted by the database over the register.
public struct PortfolioFigures: Sendable {
    public struct Group: Sendable, Hashable {
        public let tier: Tier
        /// nil: not scored.
        public let rating: Rating?
        /// Residual risk in tens, 0 (0–10) to 9 (90–100); nil when not scored.
        public let bucket: Int?
        public let count: Int
        /// The sum of the group's scores, in hundredths.
        public let hundredths: Int
    }

    /// Vendors grouped by tier, rating and score bucket: every count of the summary and heat map adds these up.
    public let groups: [Group]
    /// The scoring model versions (digests) of the scores in the portfolio, sorted.
    public let modelVersions: [String]
    /// Every model a worker has scored with by then: digest, version of scoring.yaml, and when first used, oldest first.
    public let models: [(digest: String, version: Int, firstUsedAt: Date)]
    /// The ten highest residual risks, highest first (ties by slug).
    public let top: [RegisterRow]
}

/// The facts of a committee pack, read as of one moment, every one from dated records. The register itself is
/// not here: it is streamed (``CommitteeReportStore/PackReading/forEachAppendixRow(_:)``).
public struct CommitteeFacts: Sendable {
    public let figures: PortfolioFigures
    /// Average residual risk (hundredths) of the scored portfolio at the end of each of the 12 months up to `asOf`.
    public let trend: [(month: String, average: Int?, scored: Int)]
    public let newVendors: [String]
    public let offboarded: [String]
    /// Rating changes in the window: vendor, from, to, when, and the largest driver after the change.
    /// Rating changes in the window: vendor, from, to, when, the largest driver after the change, and the model versions
    /// of the score before and after (they differ where the model changed between them).
    public let ratingChanges: [(vendor: String, from: Rating, to: Rating, at: Date, reason: Score.Line?, fromModel: Int?, toModel: Int?)]
    /// Scoring models first used in the window.
    public let modelChanges: [ModelChange]
    public let incidentsOpened: [(vendor: String, title: String, severity: String, occurredAt: Date)]
    public let incidentsClosed: [(vendor: String, title: String, severity: String, resolvedAt: Date)]
    public let openIncidents: [(vendor: String, title: String, severity: String, status: String, occurredAt: Date)]
    public let assessmentsSent: Int
    public let assessmentsCompleted: Int
    public let assessmentsOverdue: Int
    /// Providers with how many portfolio vendors, and critical ones, depend on each.
    public let fourthParties: [(name: String, vendors: Int, critical: Int)]
    public let expiringCertificates: [(vendor: String, standard: String, expiresOn: Date)]
    /// Required clauses missing from contracts in force, with how many portfolio vendors lack each (from the scores' breakdowns).
    public let clauseGaps: [(clause: String, vendors: Int)]
    /// Clause statuses changed in the window: to missing, deviation or negotiating (opened), or to present or not applicable (closed).
    public let gapsOpened: [(vendor: String, clause: String, status: String, at: Date)]
    public let gapsClosed: [(vendor: String, clause: String, status: String, at: Date)]
    /// Incidents of the window whose vendor notice came later than the contract allows (or has not come).
    public let slaBreaches: [(vendor: String, title: String, detail: String)]
    /// How many items each list of changes had in all (each list holds its latest ``CommitteeReportStore/listLimit``).
    public let totals: ChangeTotals
}

/// A scoring model first used in a pack's window, with the one it replaced and what moved when vendors were
/// rescored under it.
public struct ModelChange: Sendable, Codable, Hashable {
    public let digest: String
    /// The version of scoring.yaml.
    public let version: Int
    /// When a worker first scored with it.
    public let at: Date
    public let previousDigest: String?
    public let previousVersion: Int?
    /// Vendors whose score changed when rescored under it.
    public let scoresChanged: Int
    public let ratingsWorse: Int
    public let ratingsBetter: Int
}

/// How many of each kind of change a pack's window held, though its lists show only the latest.
public struct ChangeTotals: Sendable, Codable, Hashable {
    public var newVendors = 0
    public var offboarded = 0
    public var ratingsWorse = 0
    public var ratingsBetter = 0
    public var incidentsOpened = 0
    public var incidentsClosed = 0
    public var clauseGapsOpened = 0
    public var clauseGapsClosed = 0
    public var notificationBreaches = 0
}

/// Reads the facts of a committee pack as of a moment, from the audit log, the score history and the dated
/// records, so a pack for a past date can be rebuilt as it stood. The register is streamed through a cursor,
/// so memory stays bounded however large the portfolio.
/// A committee pack as recorded: its parameters, its digest, who made it and when.
public struct RecordedPack: Sendable, Hashable {
    public let id: Int
    public let since: Date
    public let asOf: Date
    public let format: String
    public let digest: String
    public let modelVersions: [String]
    public let generatedBy: String
    public let generatedAt: Date
}

public struct CommitteeReportStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// How many items a list of changes holds at most, the latest first.
    public static let listLimit = 100

    /// The as-of of the latest pack recorded before `date`, if any: "since the last meeting".
    public func lastPack(before date: Date) throws -> Date? {
        try database.withConnection { try $0.query("SELECT max(as_of) FROM report_packs WHERE kind = 'committee' AND as_of < \(date)")[0].decode(Date?.self, at: 0) }
    }

    /// The packs recorded, latest first: `limit` of them.
    public func packs(limit: Int) throws -> [RecordedPack] {
        try recorded(where: "kind = 'committee'", limit: limit)
    }

    /// A recorded pack, by id.
    public func pack(_ id: Int) throws -> RecordedPack? {
        try recorded(where: "id = \(id)", limit: 1).first
    }

    private func recorded(where condition: PostgresQuery, limit: Int) throws -> [RecordedPack] {
        try database.withConnection { connection in
            try connection.query("""
                SELECT id, since, as_of, format, digest, model_versions, generated_by, generated_at FROM report_packs
                WHERE \(condition) ORDER BY generated_at DESC, id DESC LIMIT \(limit)
                """).decode((Int, Date, Date, String, String, [String], String, Date).self).map {
                RecordedPack(id: $0.0, since: $0.1, asOf: $0.2, format: $0.3, digest: $0.4, modelVersions: $0.5, generatedBy: $0.6, generatedAt: $0.7)
            }
        }
    }

    /// Records a generated pack with its parameters and digest.
    public func record(since: Date, asOf: Date, format: String, digest: String, modelVersions: [String], actor: String) throws {
        try database.withConnection { connection in
            try connection.execute("""
                INSERT INTO report_packs (kind, since, as_of, format, digest, model_versions, generated_by)
                VALUES ('committee', \(since), \(asOf), \(format), \(digest), \(modelVersions), \(actor))
                """)
        }
    }

    /// The vendors in the portfolio as of `$1`: registered by then and not offboarded, with their latest score by
    /// then and its summary (`portfolio` and `scored`).
    static let portfolio = """
        WITH state AS (
            -- Each vendor's last audit row by then. The fields are taken out before the sort, so that it sorts
            -- narrow rows rather than whole snapshots.
            SELECT DISTINCT ON (x.id) x.*
            FROM (SELECT (l.after->>'id')::bigint AS id, l.after->>'slug' AS slug, l.after->>'name' AS name, l.after->>'tier' AS tier,
                         l.after->>'status' AS status, l.after->'fourth_parties' AS fourth_parties,
                         l.after->>'business_owner' AS business_owner, l.after->>'offering' AS offering, l.after->>'ai_act_class' AS ai_act_class,
                         l.after->>'decision_impact' AS decision_impact, l.after->>'business_criticality' AS business_criticality,
                         l.after->'data_categories' AS data_categories, l.at, l.id AS audit_id
                  FROM audit_log l WHERE l.entity = 'vendor' AND l.at <= $1 AND l.after IS NOT NULL) x
            ORDER BY x.id, x.at DESC, x.audit_id DESC
        ), portfolio AS (
            SELECT * FROM state WHERE status <> 'offboarded'
        ), latest_score AS (
            -- Which history row is each vendor's latest, sorting ids alone; the breakdowns are read after.
            SELECT DISTINCT ON (h.vendor_id) h.id FROM score_history h WHERE h.computed_at <= $1
            ORDER BY h.vendor_id, h.computed_at DESC, h.id DESC
        ), scored AS (
            -- History rows from before 005_reports.sql have no summary; one is derived from the current score's breakdown
            -- when it is the same score.
            SELECT h.id AS history_id, h.vendor_id, h.hundredths, h.rating, h.model_version,
                   COALESCE(h.summary, score_summary(COALESCE(h.breakdown, (
                       SELECT c.breakdown FROM scores c WHERE c.vendor_id = h.vendor_id AND c.hundredths = h.hundredths
                       AND c.rating = h.rating AND c.computed_at <= $1))), '{"drivers": [], "clauseGaps": [], "lateNotices": [], "failedAnswers": []}') AS summary
            FROM score_history h JOIN latest_score USING (id)
        )
        """

    /// The register's columns, for a row `p` of the portfolio with its score in `s` (a row with `hundredths`, `rating`,
    /// `model_version` and `summary`).
    static func registerColumns(score s: String = "s") -> String {
        """
        p.slug, p.name, p.tier, p.status, \(s).hundredths, \(s).rating, \(s).model_version,
        COALESCE(\(s).summary->'drivers', '[]')::text AS drivers,
        COALESCE(jsonb_array_length(\(s).summary->'clauseGaps'), 0) AS clause_gaps,
        (SELECT max(a.completed_at) FROM assessments a WHERE a.vendor_id = p.id AND a.status = 'completed' AND a.completed_at <= $1) AS last_assessed,
        (SELECT count(*) FROM incidents i WHERE i.vendor_id = p.id AND i.occurred_at <= $1
           AND (i.resolved_at IS NULL OR i.resolved_at > $1)) AS open_incidents
        """
    }

    /// The register query as `COPY (…) TO STDOUT` takes it, with `asOf` written in: for `scripts/bench report`,
    /// which times the very query the CSV register runs. The moment is formatted here from a `Date`, never from text.
    public static func registerQuery(asOf: Date) -> String {
        let moment = asOf.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        return registerSQL.replacingOccurrences(of: "$1", with: "'\(moment)'::timestamptz")
    }

    /// The register as the CSV holds it: every vendor of the portfolio as of `$1`, by slug.
    static let registerSQL = portfolio + """
        SELECT \(registerColumns())
        FROM portfolio p LEFT JOIN scored s ON s.vendor_id = p.id
        ORDER BY p.slug COLLATE "C"
        """

    /// Typed lines of a summary column (JSON text): model-2 lines, or model-1 sentences kept as they were written.
    static func lines(_ row: PostgresRow, _ column: String) throws -> [Score.Line] {
        let text = try row.decode(String.self, column)
        do {
            return try ScoreRecord.lines(text)
        } catch {
            throw PostgresDecodingError(column: column, sqlType: .text, swiftType: "[Score.Line]", reason: error.description)
        }
    }

    static func registerRow(_ row: PostgresRow) throws -> RegisterRow {
        RegisterRow(
            slug: try row.decode(String.self, "slug"), name: try row.decode(String.self, "name"), tier: try RawColumn.decode(Tier.self, row, "tier"),
            status: try row.decode(String.self, "status"), hundredths: try row.decode(Int?.self, "hundredths"),
            rating: try row.decode(String?.self, "rating").flatMap(Rating.init(rawValue:)), modelVersion: try row.decode(String?.self, "model_version"),
            drivers: try lines(row, "drivers"), lastAssessed: try row.decode(Date?.self, "last_assessed"),
            openIncidents: try row.decode(Int.self, "open_incidents"), clauseGaps: try row.decode(Int.self, "clause_gaps"))
    }

    /// Streams the register as of `asOf`, by slug, to `body` (read through a cursor, a batch at a time).
    /// - Returns: how many vendors it held.
    @discardableResult
    public func forEachRegisterRow(asOf: Date, _ body: (RegisterRow) throws -> Void) throws -> Int {
        try database.withConnection { connection in
            var bindings = PostgresBindings()
            bindings.append(asOf)
            return try connection.transaction { connection in
                // JIT compiling this query took 0.4 s of its 1 s at 50,000 vendors, for nothing it runs faster.
                try connection.executeScript("SET LOCAL jit = off")
                return try connection.forEachBatch(PostgresQuery(unsafeSQL: Self.registerSQL, bindings: bindings)) { rows in
                    for row in rows { try body(try Self.registerRow(row)) }
                }
            }
        }
    }

    /// The average residual risk of the portfolio at the end of each of the 12 months up to `asOf` (the last "month
    /// end" being `asOf` itself), with how many vendors were scored then; read on `connection`, in its snapshot.
    static func monthlyAverages(_ connection: Connection, asOf: Date) throws -> [(month: String, average: Int?, scored: Int)] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let months: [(String, Date)] = (0..<12).reversed().map { back in
            let month = calendar.date(byAdding: .month, value: -back, to: asOf)!
            let start = calendar.date(from: calendar.dateComponents([.year, .month], from: month))!
            let end = back == 0 ? asOf : calendar.date(byAdding: DateComponents(month: 1, second: -1), to: start)!
            return (String(CivilTime.dayText(start).prefix(7)), end)
        }
        var trendBindings = PostgresBindings()
        trendBindings.append(asOf)
        // Whole-second month ends as text; the last "month end" is the as-of moment itself, bound exactly.
        trendBindings.append(months.dropLast().map { ISO8601DateFormatter().string(from: $0.1) })
        // The score each vendor held at each month end: one pass over the history, each row spanning until the vendor's
        // next, counted while the vendor was in the portfolio (registered, until offboarded) by its audit rows.
        let averages = try connection.query(PostgresQuery(unsafeSQL: """
            WITH ends AS (SELECT unnest($2::text[])::timestamptz AS e UNION ALL SELECT $1),
            life AS (
                SELECT (after->>'id')::bigint AS vendor_id, min(at) AS registered,
                       max(at) FILTER (WHERE after->>'status' = 'offboarded') AS offboarded
                FROM audit_log WHERE entity = 'vendor' AND at <= $1 AND after IS NOT NULL GROUP BY 1
            ), spans AS (
                -- Each history row holds from its time until the vendor's next one (of two at the same time, the later id).
                SELECT h.vendor_id, h.hundredths, h.computed_at AS from_at,
                       lead(h.computed_at) OVER (PARTITION BY h.vendor_id ORDER BY h.computed_at, h.id) AS to_at
                FROM score_history h WHERE h.computed_at <= $1
            )
            SELECT ends.e, round(avg(s.hundredths))::int, count(s.hundredths)::int
            FROM ends LEFT JOIN (spans s JOIN life l USING (vendor_id))
                 ON s.from_at <= ends.e AND (s.to_at IS NULL OR s.to_at > ends.e)
                 AND l.registered <= ends.e AND (l.offboarded IS NULL OR l.offboarded > ends.e)
            GROUP BY ends.e ORDER BY ends.e
            """, bindings: trendBindings)).map { try $0.decode((Date, Int?, Int).self) }
        return zip(months, averages).map { (month: $0.0, average: $1.1, scored: $1.2) }
    }

    /// Opens one snapshot of the database (a repeatable-read transaction) for reading a whole pack, evaluates the
    /// portfolio as of `asOf` once into a temporary table, and hands `body` the reading.
    public func read<Result>(since: Date, asOf: Date, _ body: (PackReading) throws -> Result) throws -> Result {
        try database.withConnection { connection in
            try connection.transaction { connection in
                try connection.executeScript("""
                    SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
                    -- The appendix's planned cost (a subquery per row, rarely run) tips PostgreSQL into compiling it, which
                    -- took longer than running it; and its sort, of wide rows, spilled to disk at the default work_mem.
                    SET LOCAL jit = off;
                    SET LOCAL work_mem = '64MB';
                    CREATE TEMPORARY TABLE IF NOT EXISTS pack_portfolio (
                        id bigint PRIMARY KEY, slug text NOT NULL, name text NOT NULL, tier text NOT NULL, status text NOT NULL,
                        fourth_parties jsonb, business_owner text, offering text, ai_act_class text, decision_impact text,
                        business_criticality text, data_categories jsonb,
                        history_id bigint, hundredths int, rating text, model_version text, summary jsonb
                    ) ON COMMIT DELETE ROWS
                    """)
                var bindings = PostgresBindings()
                bindings.append(asOf)
                try connection.execute(PostgresQuery(unsafeSQL: Self.portfolio + """
                    INSERT INTO pack_portfolio
                    SELECT p.id, p.slug, p.name, p.tier, p.status, p.fourth_parties, p.business_owner, p.offering, p.ai_act_class,
                           p.decision_impact, p.business_criticality, p.data_categories,
                           s.history_id, s.hundredths, s.rating, s.model_version, s.summary
                    FROM portfolio p LEFT JOIN scored s ON s.vendor_id = p.id
                    """, bindings: bindings))
                // Statistics for the columns the pack's queries filter, group and sort on; the rest would cost more than it helps.
                // A small sample is enough for row counts and a few distinct values.
                try connection.executeScript("SET LOCAL default_statistics_target = 10; ANALYZE pack_portfolio (id, tier, rating, hundredths)")
                return try body(PackReading(connection: connection, since: since, asOf: asOf))
            }
        }
    }

    /// A pack being read: the portfolio as of its date is in `pack_portfolio`, in one snapshot.
    public struct PackReading {
        let connection: Connection
        let since: Date
        let asOf: Date

        func query(_ sql: String) throws -> PostgresRows {
            var bindings = PostgresBindings()
            bindings.append(asOf)
            bindings.append(since)
            return try connection.query(PostgresQuery(unsafeSQL: sql, bindings: bindings))
        }

        /// Streams the critical and high vendors, most critical tier first, then highest residual risk, then slug.
        public func forEachAppendixRow(_ body: (AppendixRow) throws -> Void) throws {
            var bindings = PostgresBindings()
            bindings.append(asOf)
            try connection.forEachBatch(PostgresQuery(unsafeSQL: """
                SELECT p.slug, p.name, p.tier, p.status, p.hundredths, p.rating, p.model_version,
                       COALESCE(p.summary->'drivers', '[]')::text AS drivers,
                       COALESCE(jsonb_array_length(p.summary->'clauseGaps'), 0) AS clause_gaps,
                       a.last_assessed, COALESCE(i.open_incidents, 0) AS open_incidents, COALESCE(i.incidents, '{}') AS incidents,
                       p.business_owner, p.offering, p.ai_act_class, p.decision_impact, p.business_criticality,
                       COALESCE(p.data_categories, '[]') AS data_categories,
                       COALESCE(p.summary->'clauseGaps', '[]') AS clause_gap_keys,
                       COALESCE(p.summary->'failedAnswers', (
                           -- Summaries written before 006_failed_answers.sql lack the key: derived from the breakdown.
                           SELECT score_summary(COALESCE(h.breakdown, (
                               SELECT c.breakdown FROM scores c WHERE c.vendor_id = h.vendor_id AND c.hundredths = h.hundredths
                               AND c.rating = h.rating AND c.computed_at <= $1)))->'failedAnswers'
                           FROM score_history h WHERE h.id = p.history_id), '[]')::text AS failed_answers
                FROM pack_portfolio p
                -- Aggregated once and hash-joined, rather than probed for each of thousands of vendors.
                LEFT JOIN (SELECT vendor_id, max(completed_at) AS last_assessed FROM assessments
                           WHERE status = 'completed' AND completed_at <= $1 GROUP BY 1) a ON a.vendor_id = p.id
                LEFT JOIN (SELECT vendor_id, count(*) AS open_incidents,
                                  array_agg(jsonb_build_object('title', title, 'severity', severity, 'status', status,
                                      'at', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))::text
                                      ORDER BY array_position(ARRAY['critical', 'high', 'medium', 'low'], severity), occurred_at, id) AS incidents
                           FROM incidents WHERE occurred_at <= $1 AND (resolved_at IS NULL OR resolved_at > $1) GROUP BY 1) i ON i.vendor_id = p.id
                WHERE p.tier IN ('critical', 'high')
                ORDER BY p.tier = 'critical' DESC, p.hundredths DESC NULLS LAST, p.slug COLLATE "C"
                """, bindings: bindings)) { rows in
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                struct Incident: Decodable { let title, severity, status: String; let at: Date }
                for row in rows {
                    let incidents = try row.decode([String].self, "incidents").map { try decoder.decode(Incident.self, from: Data($0.utf8)) }
                    try body(AppendixRow(
                        register: try CommitteeReportStore.registerRow(row),
                        businessOwner: try row.decode(String?.self, "business_owner") ?? "", offering: try row.decode(String?.self, "offering") ?? "",
                        aiActClass: try row.decode(String?.self, "ai_act_class") ?? "", decisionImpact: try row.decode(String?.self, "decision_impact") ?? "",
                        businessCriticality: try row.decode(String?.self, "business_criticality") ?? "",
                        dataCategories: try row.decode([String].self, "data_categories"), failedAnswers: try CommitteeReportStore.lines(row, "failed_answers"),
                        clauseGapKeys: try row.decode([String].self, "clause_gap_keys"),
                        incidents: incidents.map { (title: $0.title, severity: $0.severity, status: $0.status, occurredAt: $0.at) }))
                }
            }
        }

        /// Every fact of the pack but the appendix, which is streamed.
        public func facts() throws -> CommitteeFacts {
            let groups = try query("""
                SELECT tier, rating, least(hundredths / 1000, 9) AS bucket, count(*)::int, COALESCE(sum(hundredths), 0)::bigint
                FROM pack_portfolio GROUP BY 1, 2, 3
                """).map { row in
                PortfolioFigures.Group(
                    tier: try RawColumn.decode(Tier.self, row, "tier"), rating: try row.decode(String?.self, at: 1).flatMap(Rating.init(rawValue:)),
                    bucket: try row.decode(Int?.self, at: 2), count: try row.decode(Int.self, at: 3), hundredths: try row.decode(Int.self, at: 4))
            }
            let versions = try query("SELECT DISTINCT model_version COLLATE \"C\" FROM pack_portfolio WHERE model_version IS NOT NULL ORDER BY 1")
                .map { try $0.decode(String.self, at: 0) }
            let top = try query("""
                SELECT \(CommitteeReportStore.registerColumns(score: "p")) FROM pack_portfolio p WHERE p.hundredths IS NOT NULL
                ORDER BY p.hundredths DESC, p.slug COLLATE "C" LIMIT 10
                """).map(CommitteeReportStore.registerRow)
            let models = try query("SELECT digest, version, first_used_at FROM scoring_models WHERE first_used_at <= $1 ORDER BY first_used_at, digest")
                .map { try $0.decode((String, Int, Date).self) }
            let figures = PortfolioFigures(groups: groups, modelVersions: versions, models: models.map { (digest: $0.0, version: $0.1, firstUsedAt: $0.2) }, top: top)
            let trend = try CommitteeReportStore.monthlyAverages(connection, asOf: asOf)
            let window = "AND l.at > $2 AND l.at <= $1"
            // Each list of changes holds its latest `listLimit` items, newest first, and says how many there were in all:
            // a first pack over a freshly imported registry would otherwise list every vendor and clause as new.
            var totals = ChangeTotals()
            func listed(_ total: WritableKeyPath<ChangeTotals, Int>, _ rows: PostgresRows) throws -> PostgresRows {
                totals[keyPath: total] = try rows.first.map { try $0.decode(Int.self, "total") } ?? 0
                return rows
            }
            /// The total of the rows whose `flag` column is `value`, for lists read two kinds at once.
            func total(_ rows: PostgresRows, _ flag: String, _ value: Bool) throws -> Int {
                try rows.first { try $0.decode(Bool.self, flag) == value }?.decode(Int.self, "total") ?? 0
            }
            let limit = CommitteeReportStore.listLimit
            let newVendors = try listed(\.newVendors, query("""
                SELECT l.entity_id, count(*) OVER () AS total FROM audit_log l WHERE l.entity = 'vendor' AND l.action = 'create' \(window)
                ORDER BY l.at DESC, l.id DESC LIMIT \(limit)
                """)).map { try $0.decode(String.self, at: 0) }
            let offboarded = try listed(\.offboarded, query("""
                SELECT slug, count(*) OVER () AS total FROM (
                    SELECT l.after->>'slug' AS slug, max(l.at) AS at FROM audit_log l WHERE l.entity = 'vendor' AND l.after->>'status' = 'offboarded'
                      AND l.before->>'status' IS DISTINCT FROM 'offboarded' \(window) GROUP BY 1) x
                ORDER BY at DESC, slug LIMIT \(limit)
                """)).map { try $0.decode(String.self, at: 0) }
            // Each change with the model of the score before it (the vendor's previous history row), so that a change that
            // came with a new scoring model says so.
            let ratingRows = try query("""
                SELECT slug, previous_rating, rating, computed_at, reason, worse, total, from_model, to_model FROM (
                    SELECT h.id, v.slug, h.previous_rating, h.rating, h.computed_at,
                           jsonb_build_array(COALESCE(h.summary->'drivers'->0, score_summary(h.breakdown)->'drivers'->0))::text AS reason, x.worse,
                           row_number() OVER (PARTITION BY x.worse ORDER BY h.computed_at DESC, h.id DESC) AS n, count(*) OVER (PARTITION BY x.worse) AS total,
                           (SELECT m.version FROM score_history p JOIN scoring_models m ON m.digest = p.model_version
                            WHERE p.vendor_id = h.vendor_id AND p.id < h.id ORDER BY p.id DESC LIMIT 1) AS from_model,
                           (SELECT m.version FROM scoring_models m WHERE m.digest = h.model_version) AS to_model
                    FROM score_history h JOIN vendors v ON v.id = h.vendor_id,
                         LATERAL (SELECT array_position(ARRAY['low', 'medium', 'high', 'critical'], h.rating)
                                         > array_position(ARRAY['low', 'medium', 'high', 'critical'], h.previous_rating) AS worse) x
                    WHERE h.previous_rating IS NOT NULL AND h.previous_rating <> h.rating AND h.computed_at > $2 AND h.computed_at <= $1) r
                WHERE n <= \(limit) ORDER BY computed_at DESC, slug, id DESC
                """)
            totals.ratingsWorse = try total(ratingRows, "worse", true)
            totals.ratingsBetter = try total(ratingRows, "worse", false)
            let ratingChanges = try ratingRows.map { row -> (String, Rating, Rating, Date, Score.Line?, Int?, Int?) in
                (try row.decode(String.self, at: 0), try RawColumn.decode(Rating.self, row, "previous_rating"), try RawColumn.decode(Rating.self, row, "rating"),
                 try row.decode(Date.self, at: 3), try CommitteeReportStore.lines(row, "reason").first,
                 try row.decode(Int?.self, "from_model"), try row.decode(Int?.self, "to_model"))
            }
            // Models first used in the window, each with the one before it and the ratings that moved when vendors were
            // rescored under it (a history row of the new model whose previous row was of another).
            let modelChanges = try query("""
                WITH m AS (
                    SELECT digest, version, first_used_at, lag(digest) OVER w AS previous_digest, lag(version) OVER w AS previous_version
                    FROM scoring_models WHERE first_used_at <= $1 WINDOW w AS (ORDER BY first_used_at, digest)
                )
                SELECT m.digest, m.version, m.first_used_at, m.previous_digest, m.previous_version, c.changed, c.worse, c.better
                FROM m, LATERAL (
                    SELECT count(*)::int AS changed,
                           count(*) FILTER (WHERE array_position(ARRAY['low', 'medium', 'high', 'critical'], h.rating)
                                                > array_position(ARRAY['low', 'medium', 'high', 'critical'], h.previous_rating))::int AS worse,
                           count(*) FILTER (WHERE array_position(ARRAY['low', 'medium', 'high', 'critical'], h.rating)
                                                < array_position(ARRAY['low', 'medium', 'high', 'critical'], h.previous_rating))::int AS better
                    FROM score_history h
                    WHERE h.model_version = m.digest AND h.computed_at <= $1 AND h.previous_hundredths IS NOT NULL
                      AND (SELECT p.model_version FROM score_history p WHERE p.vendor_id = h.vendor_id AND p.id < h.id ORDER BY p.id DESC LIMIT 1)
                          IS DISTINCT FROM m.digest) c
                WHERE m.first_used_at > $2
                ORDER BY m.first_used_at, m.digest
                """).map { row in
                ModelChange(
                    digest: try row.decode(String.self, at: 0), version: try row.decode(Int.self, at: 1), at: try row.decode(Date.self, at: 2),
                    previousDigest: try row.decode(String?.self, at: 3), previousVersion: try row.decode(Int?.self, at: 4),
                    scoresChanged: try row.decode(Int.self, at: 5), ratingsWorse: try row.decode(Int.self, at: 6), ratingsBetter: try row.decode(Int.self, at: 7))
            }
            let opened = try listed(\.incidentsOpened, query("""
                SELECT v.slug, i.title, i.severity, i.occurred_at, count(*) OVER () AS total FROM incidents i JOIN vendors v ON v.id = i.vendor_id
                WHERE i.occurred_at > $2 AND i.occurred_at <= $1 ORDER BY i.occurred_at DESC, i.id DESC LIMIT \(limit)
                """)).map { try $0.decode((String, String, String, Date).self) }
            let closed = try listed(\.incidentsClosed, query("""
                SELECT v.slug, i.title, i.severity, i.resolved_at, count(*) OVER () AS total FROM incidents i JOIN vendors v ON v.id = i.vendor_id
                WHERE i.resolved_at > $2 AND i.resolved_at <= $1 ORDER BY i.resolved_at DESC, i.id DESC LIMIT \(limit)
                """)).map { try $0.decode((String, String, String, Date).self) }
            let open = try query("""
                SELECT v.slug, i.title, i.severity, i.status, i.occurred_at FROM incidents i JOIN vendors v ON v.id = i.vendor_id
                WHERE i.occurred_at <= $1 AND (i.resolved_at IS NULL OR i.resolved_at > $1)
                ORDER BY array_position(ARRAY['critical', 'high', 'medium', 'low'], i.severity), i.occurred_at, i.id
                """).map { try $0.decode((String, String, String, String, Date).self) }
            let (sent, completed, overdue) = try query("""
                SELECT (SELECT count(*) FROM assessments WHERE sent_at > $2 AND sent_at <= $1)::int,
                       (SELECT count(*) FROM assessments WHERE completed_at > $2 AND completed_at <= $1)::int,
                       (SELECT count(*) FROM assessments WHERE overdue_at > $2 AND overdue_at <= $1)::int
                """)[0].decode((Int, Int, Int).self)
            let fourthParties = try query("""
                -- DISTINCT: a vendor may depend on one provider in several roles.
                SELECT f->>'name', count(DISTINCT p.id)::int, count(DISTINCT p.id) FILTER (WHERE p.tier = 'critical')::int
                FROM pack_portfolio p, jsonb_array_elements(p.fourth_parties) AS f
                GROUP BY f->>'name' ORDER BY 2 DESC, 3 DESC, lower(f->>'name')
                """).map { try $0.decode((String, Int, Int).self) }
            let certificates = try query("""
                SELECT p.slug, c.standard, c.expires_on FROM certifications c JOIN pack_portfolio p ON p.id = c.vendor_id
                WHERE c.expires_on >= $1::date AND c.expires_on <= ($1 + interval '90 days')::date
                ORDER BY c.expires_on, p.slug, c.standard, c.id
                """).map { try $0.decode((String, String, Date).self) }
            // A summary lists each missing clause once, so rows count vendors.
            let clauseGaps = try query("""
                SELECT clause, count(*)::int
                FROM pack_portfolio p, jsonb_array_elements_text(p.summary->'clauseGaps') AS clause
                GROUP BY 1 ORDER BY 2 DESC, 1
                """).map { try $0.decode((String, Int).self) }
            // The transitions are found in one scan, kept narrow; only the latest of each kind are joined to their vendors.
            let clauseRows = try query("""
                WITH t AS MATERIALIZED (
                    SELECT id, at, closed FROM (
                        SELECT l.id, l.at, (l.after->>'status') IN ('present', 'not_applicable') AS closed,
                               (l.before->>'status') IN ('present', 'not_applicable') AS was
                        FROM audit_log l WHERE l.entity = 'contract_clause' \(window)) y
                    WHERE closed IS DISTINCT FROM was
                ), totals AS (SELECT closed, count(*) AS total FROM t GROUP BY 1),
                latest AS ((SELECT * FROM t WHERE closed ORDER BY at DESC, id DESC LIMIT \(limit))
                           UNION ALL (SELECT * FROM t WHERE NOT closed ORDER BY at DESC, id DESC LIMIT \(limit)))
                SELECT v.slug, l.after->>'clause_key', l.after->>'status', l.at, x.closed, totals.total
                FROM latest x JOIN totals USING (closed) JOIN audit_log l ON l.id = x.id
                     JOIN contracts k ON k.id = (l.after->>'contract_id')::bigint JOIN vendors v ON v.id = k.vendor_id
                ORDER BY l.at DESC, l.id DESC
                """)
            totals.clauseGapsClosed = try total(clauseRows, "closed", true)
            totals.clauseGapsOpened = try total(clauseRows, "closed", false)
            let clauseChanges = try clauseRows.map { try $0.decode((String, String, String, Date, Bool).self) }
            let breaches = try listed(\.notificationBreaches, query("""
                SELECT p.slug, i.title,
                       CASE WHEN i.vendor_notified_at IS NULL THEN 'no notice from the vendor yet'
                            ELSE 'notified ' || round(extract(epoch FROM i.vendor_notified_at - COALESCE(i.vendor_aware_at, i.detected_at)) / 3600)
                                 || CASE WHEN i.vendor_aware_at IS NULL THEN ' h after it was detected' ELSE ' h after the vendor became aware' END END,
                       count(*) OVER () AS total
                FROM pack_portfolio p, jsonb_array_elements_text(p.summary->'lateNotices') AS late
                JOIN incidents i ON i.id = late::bigint
                WHERE i.occurred_at > $2 AND i.occurred_at <= $1
                ORDER BY i.occurred_at DESC, i.id DESC LIMIT \(limit)
                """)).map { try $0.decode((String, String, String).self) }
            return CommitteeFacts(
                figures: figures, trend: trend, newVendors: newVendors, offboarded: offboarded,
                ratingChanges: ratingChanges.map { (vendor: $0.0, from: $0.1, to: $0.2, at: $0.3, reason: $0.4, fromModel: $0.5, toModel: $0.6) },
                modelChanges: modelChanges,
                incidentsOpened: opened.map { (vendor: $0.0, title: $0.1, severity: $0.2, occurredAt: $0.3) },
                incidentsClosed: closed.map { (vendor: $0.0, title: $0.1, severity: $0.2, resolvedAt: $0.3) },
                openIncidents: open.map { (vendor: $0.0, title: $0.1, severity: $0.2, status: $0.3, occurredAt: $0.4) },
                assessmentsSent: sent, assessmentsCompleted: completed, assessmentsOverdue: overdue,
                fourthParties: fourthParties.map { (name: $0.0, vendors: $0.1, critical: $0.2) },
                expiringCertificates: certificates.map { (vendor: $0.0, standard: $0.1, expiresOn: $0.2) },
                clauseGaps: clauseGaps.map { (clause: $0.0, vendors: $0.1) },
                gapsOpened: clauseChanges.filter { !$0.4 }.map { (vendor: $0.0, clause: $0.1, status: $0.2, at: $0.3) },
                gapsClosed: clauseChanges.filter { $0.4 }.map { (vendor: $0.0, clause: $0.1, status: $0.2, at: $0.3) },
                slaBreaches: breaches.map { (vendor: $0.0, title: $0.1, detail: $0.2) }, totals: totals)
        }
    }
}
