import ArgumentParser
import Foundation
import Logging
import Outreach
import ScoringPipeline
import ServiceLifecycle
import Storage
import SupplierRisk

/// `tprm worker`: the rescoring pipeline.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Turn queued vendors into stored scores and deliver the outbox; several workers may share one database.",
        discussion: """
            At start, vendors with no score or a score from another version of scoring.yaml \
            are queued. Stops on SIGTERM or SIGINT after storing the batches in flight; \
            the rest stays queued for the next worker.
            """)

    @Option(name: .customLong("batch-size"), help: "Vendors claimed per transaction.") var batchSize: Int = 500
    @Option(help: "Batches in flight at once.") var lanes: Int = 2
    @Flag(help: "Score what is queued now, then exit.") var once = false
    @Flag(name: .customLong("no-outreach"), help: "Do not deliver the outbox in this process.") var noOutreach = false
    @OptionGroup var registry: RegistryOptions
    @OptionGroup var outreach: OutreachOptions

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 10000") }
        guard (1...16).contains(lanes) else { throw ValidationError("--lanes must be 1 to 16") }
    }

    func run() async throws {
        let catalog = try registry.catalog.load()
        let database = try registry.database.open(maximumConnections: lanes + 2)
        var settings = RescoreWorker.Configuration()
        settings.batchSize = batchSize
        settings.lanes = lanes
        let version = try ModelVersion.compute(catalogDirectory: registry.catalog.directory)
        let worker = RescoreWorker(database: database, catalog: catalog, modelVersion: version, configuration: settings)
        let outreachConfiguration = try outreach.configuration()
        let delivery = noOutreach ? nil : OutboxDelivery(
            database: database, transport: outreachConfiguration.transport.transport(from: outreachConfiguration.from),
            configuration: outreachConfiguration, logger: Logger(label: "tprm.outbox"))
        if once {
            let (queued, retiered) = try worker.prepare()
            let scored = try worker.drain()
            print("scored \(scored) vendors (\(queued) queued for model \(version)\(retiered > 0 ? ", \(retiered) changed tier" : ""))")
            if let delivery {
                let pass = try delivery.deliverDue()
                if pass.sent + pass.failed + pass.dead > 0 { print("delivered \(pass.sent) emails; \(pass.failed) will be retried; \(pass.dead) dead") }
            }
            return
        }
        FileHandle.standardError.write(Data("tprm worker: model \(version), \(lanes) lanes of \(batchSize); stop with Ctrl-C or SIGTERM\n".utf8))
        // One service group, as in tprm serve: SIGTERM or SIGINT stops every loop after the work in hand.
        var services: [any Service] = [worker.loop()]
        if let delivery { services.append(delivery.loop()) }
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "tprm.worker")))
        try await group.run()
    }
}

/// `tprm rescore`: queue vendors for rescoring.
struct RescoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescore", abstract: "Queue vendors for rescoring; with --wait, return when a worker has scored them.")

    @Argument(help: "Vendors' slugs.") var vendors: [String] = []
    @Flag(help: "Every vendor that is not offboarded.") var all = false
    @Flag(help: "Wait until a running worker has scored them (progress on a terminal).") var wait = false
    @OptionGroup var registry: RegistryOptions

    func validate() throws {
        if all && !vendors.isEmpty { throw ValidationError("give vendors or --all, not both") }
        if !all && vendors.isEmpty { throw ValidationError("name the vendors to rescore, or give --all") }
    }

    func run() async throws {
        let store = ScoringStore(database: try registry.openDatabase())
        let queued = all ? try store.enqueueAll() : try store.enqueue(vendors)
        print("queued \(queued) vendors")
        guard wait else { return }
        let filter = all ? nil : vendors
        let terminal = isatty(STDOUT_FILENO) == 1
        var remaining = try store.pending(filter)
        var lastProgress = Date()
        var hinted = false
        while remaining > 0 {
            if terminal {
                let done = queued - min(queued, remaining)
                let width = 30
                let filled = queued == 0 ? width : width * done / queued
                FileHandle.standardOutput.write(Data("\r[\(String(repeating: "#", count: filled))\(String(repeating: " ", count: width - filled))] \(done)/\(queued)".utf8))
            }
            try await Task.sleep(for: .milliseconds(200))
            let now = try store.pending(filter)
            if now < remaining { lastProgress = Date() }
            remaining = now
            if !hinted, Date().timeIntervalSince(lastProgress) > 15 {
                FileHandle.standardError.write(Data("\ntprm: no progress for 15 s; is a worker running? (tprm worker)\n".utf8))
                hinted = true
            }
        }
        if terminal { print("\r[\(String(repeating: "#", count: 30))] \(queued)/\(queued)") }
        let failures = try store.failures().filter { all || vendors.contains($0.vendor) }
        for failure in failures { FileHandle.standardError.write(Data("tprm: \(failure.vendor) could not be scored: \(failure.error)\n".utf8)) }
        if !failures.isEmpty { throw CLIError.failure("\(failures.count) vendors could not be scored") }
        print("scored")
    }
}

/// `tprm score …`: stored scores.
struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Read vendors' residual-risk scores.", subcommands: [Show.self, History.self, WhatIfCommand.self])

    struct WhatIfCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "what-if",
            abstract: "The actions that would lower a vendor's residual risk, ranked by how much, computed by the same model.")
        @Argument(help: "The vendor's slug.") var vendor: String
        @Option(help: "How many actions to show.") var limit: Int = 15
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let catalog = try registry.catalog.load()
            let model = ScoringModel(catalog: catalog)
            let inputs = try ScoringStore(database: try registry.openDatabase()).inputs(vendor, asOf: Date())
            let current = model.score(inputs)
            let actions = Array(WhatIf.actions(for: inputs, model: model).prefix(limit))
            if json { return try Output.json(actions) }
            print("\(vendor): residual risk \(Points.text(current.hundredths)) (\(current.rating.rawValue)) now")
            if actions.isEmpty { return print("nothing in tprm's reach would lower it") }
            print(Output.table(["LOWERS BY", "TO", "ACTION"], actions.map { [Points.text($0.reduction), Points.text($0.hundredths), $0.action] }))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A vendor's score, rating, components and every line of its breakdown.")
        @Argument(help: "The vendor's slug.") var vendor: String
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard let stored = try ScoringStore(database: try registry.openDatabase()).score(vendor) else {
                throw CLIError.failure("\(vendor) has no score yet: start a worker (tprm worker) or run tprm worker --once")
            }
            if json { return try Output.json(stored) }
            let catalog = try? registry.catalog.load()
            print(Self.report(stored, library: catalog?.clauses))
        }

        /// The score as a committee member reads it: the total and how it is made, then every line with points,
        /// largest first, and the questions that cost nothing.
        static func report(_ stored: StoredScore, library: ClauseLibrary?, sentences: ScoreSentences = .standard) -> String {
            let score = stored.score
            var out = ["\(stored.vendor): residual risk \(Points.text(score.hundredths)) of 100, rating \(score.rating.rawValue)"]
            let model = stored.model.map { "model \($0) (scoring.yaml version \($0), digest \(stored.modelVersion))" } ?? "model digest \(stored.modelVersion)"
            out.append("scored by \(model), as of \(Output.timestamp(stored.asOf))")
            out.append("")
            if case .tier(let tier, let inherent)? = score.lines.first(where: { $0.outcome == .residualFloor })?.detail {
                let floor = score.lines.first { $0.outcome == .residualFloor }?.weight ?? 0
                let controllable = inherent * (1 - floor)
                let gap = controllable > 0 ? Double(score.hundredths(of: .controls)) / 100 / controllable : 0
                out.append("tier \(tier.rawValue): inherent risk \(ScoreSentences.number(inherent)); \(ScoreSentences.number(floor * 100))% of it stays whatever the controls,")
                out.append("the rest (\(ScoreSentences.number(controllable))) counts as far as controls leave it: control effectiveness \(ScoreSentences.number((1 - gap) * 100))%, gap \(ScoreSentences.number(gap * 100))%")
                out.append("")
            }
            out.append(Output.table(["COMPONENT", "POINTS"], ScoringParameters.Component.allCases.map { [$0.rawValue, Points.text(score.hundredths(of: $0))] }))
            out.append("")
            let counted = score.lines.filter { $0.hundredths > 0 || $0.component == .rating }.sorted(by: Score.byWeight)
            out.append(Output.table(["POINTS", "COMPONENT", "SOURCE", "WHY"], counted.map {
                [Points.text($0.hundredths), $0.component.rawValue, $0.source.description, sentences.text($0, library: library)]
            }))
            let free = score.lines.filter { $0.hundredths == 0 && $0.component != .rating }
            for (outcome, words) in [(Score.Outcome.credited, "full credit"), (.notApplicable, "not applicable, full credit")] {
                let ids = free.filter { $0.outcome == outcome }.map(\.source.id)
                if !ids.isEmpty { out.append("\n\(ids.count) at no points, \(words): " + ids.joined(separator: ", ")) }
            }
            let other = free.filter { $0.outcome != .credited && $0.outcome != .notApplicable }
            if !other.isEmpty { out.append("\n\(other.count) more at no points (rounded down): " + other.map(\.source.id).joined(separator: ", ")) }
            out.append("")
            out.append("\(score.lines.count) lines, adding up to \(Points.text(score.lines.reduce(0) { $0 + $1.hundredths }))")
            return out.joined(separator: "\n")
        }
    }

    struct History: AsyncParsableCommand {
        static func before(_ entry: ScoreHistoryEntry) -> String {
            guard let previous = entry.previousHundredths else { return "-" }
            return "\(Points.text(previous)) \(entry.previousRating?.rawValue ?? "")"
        }

        static let configuration = CommandConfiguration(abstract: "Every change of a vendor's score or rating, oldest first.")
        @Argument(help: "The vendor's slug.") var vendor: String
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let history = try ScoringStore(database: try registry.openDatabase()).history(vendor).items
            if json { return try Output.json(history) }
            if history.isEmpty { return print("no score history for \(vendor)") }
            print(Output.table(["WHEN", "SCORE", "RATING", "BEFORE", "MODEL"], history.map { entry in
                [Output.timestamp(entry.computedAt), Points.text(entry.hundredths), entry.rating.rawValue, Self.before(entry),
                 entry.model.map { "\($0) (\(entry.modelVersion))" } ?? entry.modelVersion]
            }))
        }
    }
}

/// Hundredths of a point as text: `54.23`.
enum Points {
    static func text(_ hundredths: Int) -> String {
        String(format: "%d.%02d", hundredths / 100, hundredths % 100)
    }
}
