public import Foundation
import Postgres
public import SupplierRisk

/// Which vendors a list shows: each field narrows it, nil leaves it open.
public struct VendorFilter: Sendable, Hashable {
    public var tier: Tier?
    public var rating: Rating?
    public var status: Vendor.Status?
    /// Part of the name or slug, any case.
    public var search: String?
    /// Part of the business owner, any case.
    public var owner: String?
    /// The work queue the vendor is in.
    public var needs: WorkQueue?
    /// The name of a fourth party the vendor depends on, exactly.
    public var fourthParty: String?

    public init(tier: Tier? = nil, rating: Rating? = nil, status: Vendor.Status? = nil, search: String? = nil, owner: String? = nil, needs: WorkQueue? = nil,
                fourthParty: String? = nil) {
        self.fourthParty = fourthParty
        self.tier = tier
        self.rating = rating
        self.status = status
        self.search = search
        self.owner = owner
        self.needs = needs
    }

    /// The condition over a vendor `v`; a work queue is judged by `rules`. Offboarded vendors are in a work queue
    /// never: nothing waits on a supplier that has left.
    func condition(_ rules: WorkQueues?) -> PostgresQuery {
        var condition: PostgresQuery = "TRUE"
        if let tier { condition = "\(condition) AND v.tier = \(tier.rawValue)" }
        if let status { condition = "\(condition) AND v.status = \(status.rawValue)" }
        if let search { condition = "\(condition) AND (v.name ILIKE '%' || \(Self.literal(search)) || '%' OR v.slug ILIKE '%' || \(Self.literal(search)) || '%')" }
        if let owner { condition = "\(condition) AND v.business_owner ILIKE '%' || \(Self.literal(owner)) || '%'" }
        if let rating { condition = "\(condition) AND EXISTS (SELECT 1 FROM scores s WHERE s.vendor_id = v.id AND s.rating = \(rating.rawValue))" }
        if let fourthParty {
            condition = """
                \(condition) AND EXISTS (SELECT 1 FROM vendor_fourth_parties l JOIN fourth_parties f ON f.id = l.fourth_party_id
                                         WHERE l.vendor_id = v.id AND f.name = \(fourthParty))
                """
        }
        if let needs, let rules { condition = "\(condition) AND v.status <> 'offboarded' AND \(rules.condition(needs))" }
        return condition
    }

    /// Text matched as typed inside an ILIKE pattern: `%`, `_` and the escape character itself stand for themselves.
    static func literal(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

/// The portfolio at a glance, as the workspace's first page shows it.
public struct PortfolioOverview: Sendable {
    /// One cell of the heat map: how many vendors of a tier hold a rating (nil: not scored yet).
    public struct Cell: Sendable, Hashable {
        public let tier: Tier
        public let rating: Rating?
        public let count: Int
    }

    public let asOf: Date
    /// Vendors in the portfolio (every status but offboarded).
    public let vendors: Int
    public let cells: [Cell]
    /// The average residual risk of the scored vendors, in hundredths; nil when none is scored.
    public let averageHundredths: Int?
    public let scored: Int
    /// The average at each of the last 12 month ends, the last being now.
    public let trend: [(month: String, average: Int?, scored: Int)]
    /// How many vendors are in each work queue.
    public let work: [WorkQueue: Int]

    /// How many vendors of `tier` hold `rating`.
    public func count(_ tier: Tier, _ rating: Rating?) -> Int {
        cells.first { $0.tier == tier && $0.rating == rating }?.count ?? 0
    }
}

/// A row of the workspace's vendor list.
public struct VendorListRow: Sendable, Hashable {
    public let slug: String
    public let name: String
    public let tier: Tier
    public let status: Vendor.Status
    public let businessOwner: String
    public let hundredths: Int?
    public let rating: Rating?
    /// The score the vendor held 30 days ago; nil when it had none then.
    public let monthAgoHundredths: Int?
    /// When the last full assessment was completed; nil when never.
    public let lastAssessed: Date?
    /// A questionnaire out now: its status and due date.
    public struct OpenAssessment: Sendable, Hashable {
        public let status: String
        public let dueAt: Date
    }
    /// The questionnaire out now, if any.
    public let openAssessment: OpenAssessment?
    /// When the next assessment is due: the open questionnaire's due date, else the tier's cadence after the last.
    public let nextDue: Date?
}

/// What the analysts' workspace reads: the portfolio overview and the vendor list.
public struct WorkspaceStore: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// The portfolio now, read in one snapshot: the heat map, the average and its trend, the work queues' counts.
    public func overview(_ rules: WorkQueues) throws -> PortfolioOverview {
        try database.withConnection { connection in
            try connection.transaction { connection in
                try connection.executeScript("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL jit = off")
                var cells: [PortfolioOverview.Cell] = []
                var vendors = 0, scored = 0, sum = 0
                for row in try connection.query("""
                    SELECT v.tier, s.rating, count(*)::int AS count, COALESCE(sum(s.hundredths), 0)::bigint AS hundredths
                    FROM vendors v LEFT JOIN scores s ON s.vendor_id = v.id WHERE v.status <> 'offboarded' GROUP BY 1, 2
                    """) {
                    let rating = try row.decode(String?.self, "rating")
                    let count = try row.decode(Int.self, "count"), hundredths = try row.decode(Int.self, "hundredths")
                    cells.append(.init(tier: try RawColumn.decode(Tier.self, row, "tier"), rating: rating.flatMap(Rating.init(rawValue:)), count: count))
                    vendors += count
                    if rating != nil {
                        scored += count
                        sum += hundredths
                    }
                }
                let queues = WorkQueue.allCases
                let counts: PostgresQuery = queues.map { "count(*) FILTER (WHERE \(rules.condition($0)))::int" }.joined(separator: ", ")
                let row = try connection.query("SELECT \(counts) FROM vendors v WHERE v.status <> 'offboarded'")[0]
                var work: [WorkQueue: Int] = [:]
                for (index, queue) in queues.enumerated() { work[queue] = try row.decode(Int.self, at: index) }
                let trend = try CommitteeReportStore.monthlyAverages(connection, asOf: rules.now)
                return PortfolioOverview(
                    asOf: rules.now, vendors: vendors, cells: cells,
                    averageHundredths: scored == 0 ? nil : Int((Double(sum) / Double(scored)).rounded()), scored: scored, trend: trend, work: work)
            }
        }
    }

    /// A page of the vendor list: `limit` vendors at most (all without a limit) after `after`, in the order `sort`.
    ///
    /// - Throws: ``PageMark/Invalid`` for a mark this order did not give out.
    public func vendors(_ filter: VendorFilter, rules: WorkQueues, sort: VendorSort, after: PageMark?, limit: Int?) throws -> Page<VendorListRow> {
        let monthAgo = rules.now.addingTimeInterval(-30 * 86_400)
        let columns: PostgresQuery = """
            v.slug, v.name, v.tier, v.status, v.business_owner, s.hundredths, s.rating,
            (SELECT h.hundredths FROM score_history h WHERE h.vendor_id = v.id AND h.computed_at <= \(monthAgo)
             ORDER BY h.computed_at DESC, h.id DESC LIMIT 1) AS month_ago,
            \(WorkQueues.lastCompleted) AS last_assessed,
            o.status AS open_status, o.due_at AS open_due
            """
        let open: PostgresQuery = "LEFT JOIN assessments o ON o.vendor_id = v.id AND o.status = ANY(\(WorkQueues.open)::text[])"
        let condition = filter.condition(rules)
        return try database.withConnection { connection in
            try connection.transaction { connection in
                try connection.executeScript("SET LOCAL jit = off")
                func read(_ keyset: Keyset, _ source: PostgresQuery, where extra: PostgresQuery = "TRUE", after: PageMark?, limit: Int?) throws -> Page<VendorListRow> {
                    try keyset.read(connection, columns: columns, from: source, where: "(\(condition)) AND \(extra)", after: after, limit: limit) { row in
                        try Self.listRow(row, rules: rules)
                    }
                }
                guard sort.key == .score else {
                    let keyset = Keyset(keys: [(sort.key.expression, sort.key.type), ("v.id", .bigint)], descending: sort.descending)
                    return try read(keyset, "vendors v LEFT JOIN scores s ON s.vendor_id = v.id \(open)", after: after, limit: limit)
                }
                // By score: the scored vendors along the index on (hundredths, vendor_id), and apart from them those
                // not scored yet, whose key is -1 (first ascending, last descending). One sort of every vendor joined
                // to its score, for each page, was the list's whole cost at 50,000 vendors.
                let scored = Keyset(keys: [("s.hundredths", .bigint), ("v.id", .bigint)], descending: sort.descending)
                let unscored = Keyset(keys: [("COALESCE(s.hundredths, -1)", .bigint), ("v.id", .bigint)], descending: sort.descending)
                let parts: [(PageMark?, Int?) throws -> Page<VendorListRow>] = [
                    { mark, limit in try read(scored, "vendors v JOIN scores s ON s.vendor_id = v.id \(open)", after: mark, limit: limit) },
                    { mark, limit in
                        try read(unscored, "vendors v LEFT JOIN scores s ON s.vendor_id = v.id \(open)", where: "s.vendor_id IS NULL", after: mark, limit: limit)
                    },
                ]
                let (first, second) = sort.descending ? (parts[0], parts[1]) : (parts[1], parts[0])
                // A mark past the first part (its key -1 descending, a score ascending) reads the second alone.
                if let after, let key = after.keys.first, (key == "-1") == sort.descending {
                    return try second(after, limit)
                }
                let head = try first(after, limit)
                guard head.next == nil else { return head }
                guard let limit else { return Page(items: head.items + (try second(nil, nil)).items, next: nil) }
                if head.items.count == limit {
                    // The first part ends this page exactly: a next page if the second part has anything.
                    return Page(items: head.items, next: try second(nil, 1).items.isEmpty ? nil : head.end)
                }
                let tail = try second(nil, limit - head.items.count)
                return Page(items: head.items + tail.items, next: tail.next, end: tail.end)
            }
        }
    }

    /// A row of the vendor list as read by ``vendors(_:rules:sort:after:limit:)``.
    static func listRow(_ row: PostgresRow, rules: WorkQueues) throws -> VendorListRow {
        let tier = try RawColumn.decode(Tier.self, row, "tier")
        let last = try row.decode(Date?.self, "last_assessed")
        let open = try row.decode(String?.self, "open_status")
        let due = try row.decode(Date?.self, "open_due")
        return VendorListRow(
            slug: try row.decode(String.self, "slug"), name: try row.decode(String.self, "name"), tier: tier,
            status: try RawColumn.decode(Vendor.Status.self, row, "status"), businessOwner: try row.decode(String.self, "business_owner"),
            hundredths: try row.decode(Int?.self, "hundredths"), rating: try row.decode(String?.self, "rating").flatMap(Rating.init(rawValue:)),
            monthAgoHundredths: try row.decode(Int?.self, "month_ago"), lastAssessed: last,
            openAssessment: open.flatMap { status in due.map { VendorListRow.OpenAssessment(status: status, dueAt: $0) } },
            nextDue: due ?? rules.nextAssessment(after: last, tier: tier))
    }
}

/// Where one vendor's data stands: its revision, which the database moves in the same transaction as any write to
/// what the vendor's page shows of it (`013_vendor_revisions.sql`), and the moment its score was last rewritten.
/// Two equal marks, read before two readings of the vendor, mean the readings show the same vendor.
public struct VendorRevision: Sendable, Hashable {
    public let revision: Int
    public let scoreComputedAt: Date?

    public init(revision: Int, scoreComputedAt: Date?) {
        self.revision = revision
        self.scoreComputedAt = scoreComputedAt
    }
}

extension WorkspaceStore {
    /// The vendor's revision, in one indexed read; nil when there is no vendor with the slug.
    public func revision(_ slug: String) throws -> VendorRevision? {
        try database.withConnection { connection in
            try connection.query("""
                SELECT COALESCE(r.revision, 0), s.computed_at
                FROM vendors v LEFT JOIN vendor_revisions r ON r.vendor_id = v.id LEFT JOIN scores s ON s.vendor_id = v.id
                WHERE v.slug = \(slug)
                """).first.map { VendorRevision(revision: try $0.decode(Int.self, at: 0), scoreComputedAt: try $0.decode(Date?.self, at: 1)) }
        }
    }
}
