import CatalogFiles
import ArgumentParser
import Foundation
import Postgres
import Storage
import SupplierRisk

/// The Swift side of `scripts/bench`: each subcommand does one measured piece
/// of work through the `Postgres` module; the script times it beside
/// PostgreSQL's own tools doing the same work.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tprm-bench",
        abstract: "Benchmark workloads for scripts/bench (not for direct use).",
        subcommands: [Copy.self, CopyFile.self, Insert.self, InsertSQL.self, Select.self, Submissions.self, RegisterSQL.self, ScoringCPU.self]
    )
}

struct Target: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "The database to work on.")
    var databaseURL: String

    func configuration() throws -> PostgresConfiguration {
        try PostgresConfiguration(databaseURL)
    }
}

/// The rows every COPY and INSERT benchmark writes, the same for tprm and for psql.
enum Workload {
    static let base = Date(timeIntervalSince1970: 1_764_406_000)

    static func row(_ i: Int) -> (Int, String, Double, Date, String?) {
        (i, "vendor \(i)\twith a tab \\ and a backslash", Double(i) / 7, base.addingTimeInterval(Double(i)), i % 10 == 0 ? nil : "note \(i)")
    }

    /// `COPY` text of rows `0..<count`, as `tprm-bench copy` sends it.
    static func copyText(rows count: Int) -> [UInt8] {
        var buffer: [UInt8] = []
        for i in 0..<count {
            let (id, name, score, at, note) = row(i)
            id.encodeCopyField(into: &buffer)
            buffer.append(9)
            name.encodeCopyField(into: &buffer)
            buffer.append(9)
            score.encodeCopyField(into: &buffer)
            buffer.append(9)
            at.encodeCopyField(into: &buffer)
            buffer.append(9)
            note.encodeCopyField(into: &buffer)
            buffer.append(10)
        }
        return buffer
    }
}

extension Bench {
    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "COPY the workload rows into bench_rows.")
        @OptionGroup var target: Target
        @Option var rows: Int

        func run() throws {
            let connection = try Connection(configuration: target.configuration())
            let count = try connection.copyFrom("COPY bench_rows (id, name, score, at, note) FROM STDIN") { copy in
                for i in 0..<rows {
                    let (id, name, score, at, note) = Workload.row(i)
                    try copy.row(id, name, score, at, note)
                }
            }
            guard count == rows else { throw ValidationError("copied \(count) rows, expected \(rows)") }
        }
    }

    struct CopyFile: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the workload rows as a COPY text file, for psql \\copy.")
        @Option var rows: Int
        @Option var out: String

        func run() throws {
            try Data(Workload.copyText(rows: rows)).write(to: URL(fileURLWithPath: out))
        }
    }

    struct Insert: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "INSERT the workload rows, many rows a statement, parameters bound.")
        @OptionGroup var target: Target
        @Option var rows: Int
        @Option var batch: Int

        func run() throws {
            let connection = try Connection(configuration: target.configuration())
            var start = 0
            while start < rows {
                let end = min(start + batch, rows)
                var bindings = PostgresBindings()
                var sql = "INSERT INTO bench_rows (id, name, score, at, note) VALUES "
                for i in start..<end {
                    let (id, name, score, at, note) = Workload.row(i)
                    let n = bindings.count
                    sql += (i == start ? "" : ",") + "($\(n + 1),$\(n + 2),$\(n + 3),$\(n + 4),$\(n + 5))"
                    bindings.append(id)
                    bindings.append(name)
                    bindings.append(score)
                    bindings.append(at)
                    bindings.append(note)
                }
                try connection.execute(PostgresQuery(unsafeSQL: sql, bindings: bindings))
                start = end
            }
        }
    }

    struct InsertSQL: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the same INSERT statements with literal values, for psql -f.")
        @Option var rows: Int
        @Option var batch: Int
        @Option var out: String

        func run() throws {
            func literal(_ text: String) -> String {
                "E'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\t", with: "\\t") + "'"
            }
            var script = ""
            var start = 0
            while start < rows {
                let end = min(start + batch, rows)
                script += "INSERT INTO bench_rows (id, name, score, at, note) VALUES "
                for i in start..<end {
                    let (id, name, score, at, note) = Workload.row(i)
                    var stamp: [UInt8] = []
                    at.encodeCopyField(into: &stamp)
                    script += (i == start ? "" : ",")
                        + "(\(id),\(literal(name)),\(score),'\(String(decoding: stamp, as: UTF8.self))',\(note.map(literal) ?? "NULL"))"
                }
                script += ";\n"
                start = end
            }
            try script.write(toFile: out, atomically: true, encoding: .utf8)
        }
    }

    struct Select: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Point selects on pgbench_accounts through the pool; prints transactions per second.")
        @OptionGroup var target: Target
        @Option var threads: Int
        @Option var seconds: Int
        @Option(help: "The pgbench scale the table was made with.") var scale: Int

        func run() throws {
            let pool = PostgresPool(configuration: try target.configuration(), maximumConnections: threads)
            let accounts = scale * 100_000
            // Open every connection before the clock starts, as pgbench does.
            for _ in 0..<threads {
                try pool.withConnection { _ in try pool.withConnection { _ in } }
            }
            let counts = Counts(threads)
            let deadline = Date().addingTimeInterval(TimeInterval(seconds))
            let group = DispatchGroup()
            let started = Date()
            for thread in 0..<threads {
                group.enter()
                Thread.detachNewThread {
                    // A cheap generator, as pgbench uses: a getrandom call per query would be measured too.
                    var generator = SplitMix64(seed: UInt64(thread + 1))
                    var done = 0
                    while Date() < deadline {
                        let aid = Int.random(in: 1...accounts, using: &generator)
                        let balance = try? pool.withConnection { connection in
                            try connection.query("SELECT abalance FROM pgbench_accounts WHERE aid = \(aid)")[0].decode(Int.self, at: 0)
                        }
                        if balance != nil { done += 1 }
                    }
                    counts.set(thread, done)
                    group.leave()
                }
            }
            group.wait()
            let elapsed = Date().timeIntervalSince(started)
            print(String(format: "%.1f", Double(counts.total) / elapsed))
        }
    }
}

/// Per-thread counters, each written once by its own thread.
///
/// `@unchecked Sendable`: `values` is read and written only under `lock`.
final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int]
    init(_ count: Int) { values = Array(repeating: 0, count: count) }
    func set(_ index: Int, _ value: Int) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }
    var total: Int {
        lock.lock()
        defer { lock.unlock() }
        return values.reduce(0, +)
    }
}

extension Bench {
    /// Flags one credited answer of a different vendor `rate` times a second and records when each change committed.
    struct Submissions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Answer reviews at a steady rate, each committed with its time in bench_submissions.")
        @OptionGroup var target: Target
        @Option var rate: Int
        @Option var seconds: Int

        func run() throws {
            let connection = try Connection(configuration: target.configuration())
            try connection.executeScript("""
                DROP TABLE IF EXISTS bench_submissions;
                CREATE TABLE bench_submissions (vendor_id bigint PRIMARY KEY, committed_at timestamptz NOT NULL)
                """)
            // One answer of each vendor that its score credits (an "ok" or "pt" line), in the assessment it was scored
            // from: a reviewer flagging it must move the score, so every change reaches the stored row.
            let targets = try connection.query("""
                SELECT DISTINCT ON (latest.vendor_id) latest.vendor_id, latest.id, l.line->>1
                FROM (SELECT DISTINCT ON (vendor_id) id, vendor_id FROM assessments
                      WHERE status IN ('submitted', 'under_review', 'completed') AND reason <> 'check_in'
                      ORDER BY vendor_id, submitted_at DESC, id DESC) latest
                JOIN scores sc ON sc.vendor_id = latest.vendor_id
                CROSS JOIN LATERAL json_array_elements(sc.breakdown->'l') AS l (line)
                JOIN answers a ON a.assessment_id = latest.id AND a.question_id = l.line->>1
                WHERE l.line->>0 = 'q' AND l.line->>2 IN ('ok', 'pt') AND a.verdict IS DISTINCT FROM 'flagged'
                ORDER BY latest.vendor_id, l.line->>1 LIMIT \(rate * seconds)
                """).decode((Int, Int, String).self)
            let interval = 1.0 / Double(rate)
            let start = Date()
            for (index, (vendor, assessment, question)) in targets.enumerated() {
                let due = start.addingTimeInterval(Double(index) * interval)
                let wait = due.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                try connection.transaction { connection in
                    try connection.execute("""
                        UPDATE answers SET verdict = 'flagged', reviewed_at = now() WHERE assessment_id = \(assessment) AND question_id = \(question)
                        """)
                    try connection.execute("INSERT INTO bench_submissions VALUES (\(vendor), clock_timestamp())")
                }
            }
        }
    }
}

/// Prints the committee pack's register query, exactly as `tprm report committee --format csv` runs it, with its
/// as-of date written in, so that the script can time `COPY (…) TO STDOUT` of the very same query.
struct RegisterSQL: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "register-sql")

    @Option(name: .customLong("as-of"), help: "The as-of moment, ISO 8601.") var asOf: String

    func run() throws {
        guard let moment = try? Date(asOf, strategy: .iso8601) else { throw ValidationError("--as-of: not an ISO 8601 time: \(asOf)") }
        print(CommitteeReportStore.registerQuery(asOf: moment))
    }
}

/// The pipeline's work between the database reads and writes, on one thread: the inputs of `--vendors` vendors read
/// once, then scored and encoded `--repeat` times. For profiling the scoring model; `scripts/bench` does not call it.
struct ScoringCPU: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scoring-cpu")
    @OptionGroup var target: Target
    @Option var catalog: String
    @Option var vendors: Int = 5_000
    @Option var `repeat`: Int = 5

    func run() throws {
        let catalog = try Catalog.load(URL(fileURLWithPath: self.catalog))
        let model = ScoringModel(catalog: catalog)
        let connection = try Connection(configuration: target.configuration())
        let ids = try connection.query("SELECT id FROM vendors ORDER BY id LIMIT \(vendors)").decode(Int.self)
        let start = Date()
        let loaded = try RescoreBatch.loadInputs(connection, vendorIDs: ids, asOf: Date())
        let inputs = loaded.values.compactMap { try? $0.get() }
        let read = Date().timeIntervalSince(start)
        // As a rescore that changes nothing: the stored score is the one computed, so no summary is made.
        let previous = inputs.map { input in model.score(input) }.map { (hundredths: $0.hundredths, rating: $0.rating) }
        var best = Double.infinity, bytes = 0
        for _ in 0..<`repeat` {
            let round = Date()
            bytes = 0
            for (input, previous) in zip(inputs, previous) {
                if case .scored(_, let breakdown, _) = RescoreBatch.Outcome.scoring(input, with: model, previous: previous) { bytes += breakdown.utf8.count }
            }
            best = min(best, Date().timeIntervalSince(round))
        }
        print("read \(inputs.count) vendors in \(Int(read * 1000)) ms; scored and encoded in \(Int(best / Double(inputs.count) * 1e9) / 1000) µs a vendor (best of \(`repeat`)); \(bytes / max(1, inputs.count)) B of breakdown each")
    }
}
