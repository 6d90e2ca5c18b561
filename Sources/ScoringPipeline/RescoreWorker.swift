public import Foundation
public import Logging
import Metrics
import Synchronization
public import Storage
public import SupplierRisk

/// Turns queued vendors into stored scores.
///
/// Each lane of its ``loop(listener:)`` (a ``WorkLoop``) claims a batch with `SKIP LOCKED` and loads its inputs
/// (database), scores every vendor of it at once on all cores (`DispatchQueue.concurrentPerform`), then writes
/// scores, history and job removal in the claiming transaction (database). With two or more lanes one lane's
/// database work overlaps another's scoring. Lanes wake on `NOTIFY rescore` and poll every `pollInterval` as
/// well, so a lost notification or a dead listener delays work but never strands it.
public final class RescoreWorker: Sendable {
    /// How a worker runs.
    public struct Configuration: Sendable {
        /// Jobs claimed per transaction.
        public var batchSize: Int = 500
        /// Batches in flight at once.
        public var lanes: Int = 2
        /// Attempts before a failing vendor is left with its error.
        public var maxAttempts: Int = 5
        /// How often lanes look for work without a notification.
        public var pollInterval: Duration = .seconds(2)

        /// Creates the defaults.
        public init() {}
    }

    private let database: Database
    private let model: ScoringModel
    private let catalog: Catalog
    /// Identifies the scoring files every score was computed with.
    public let modelVersion: String
    private let configuration: Configuration
    private let logger: Logger
    /// Whether this worker's model is recorded in `scoring_models` (once per worker, before its first batch).
    private let registered = Mutex(false)
    /// The questionnaire snapshots this worker has read, shared by its lanes.
    private let questionnaires = RescoreBatch.QuestionnaireCache()

    /// Creates a worker; nothing runs until `run()` or `drain()`.
    public init(database: Database, catalog: Catalog, modelVersion: String, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "tprm.worker")) {
        self.database = database
        self.catalog = catalog
        self.model = ScoringModel(catalog: catalog)
        self.modelVersion = modelVersion
        self.configuration = configuration
        self.logger = logger
    }

    /// Claims, scores and stores one batch; returns how many jobs it took (0 when nothing is due).
    @discardableResult
    public func processBatch(asOf: Date = Date()) throws -> Int {
        try register()
        return try ScoringStore(database: database).scoreBatch(
            limit: configuration.batchSize, asOf: asOf, questionnaires: questionnaires, modelVersion: modelVersion, maxAttempts: configuration.maxAttempts
        ) { jobs in
            let outcomes = score(jobs)
            let failed = outcomes.filter { if case .failed = $0 { true } else { false } }.count
            Counter(label: "tprm_rescored_vendors_total").increment(by: jobs.count - failed)
            if failed > 0 { Counter(label: "tprm_rescore_failures_total").increment(by: failed) }
            logger.debug("scored a batch", metadata: ["jobs": "\(jobs.count)", "failed": "\(failed)"])
            return outcomes
        }
    }

    /// Scores jobs on every core; a job whose inputs failed to load fails alone.
    func score(_ jobs: [RescoreBatch.Job]) -> [RescoreBatch.Outcome] {
        let results = Results(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            switch jobs[index].inputs {
            case .success(let inputs):
                results.set(index, .scoring(inputs, with: model, previous: jobs[index].previous))
            case .failure(let error): results.set(index, .failed(error.description))
            }
        }
        return results.all
    }

    /// Processes batches until nothing is due, on every lane at once so that one lane's database work overlaps
    /// another's scoring; returns how many jobs were taken. The first error of any lane is thrown once every lane
    /// has stopped (the failed batch's jobs stay queued).
    @discardableResult
    public func drain() throws -> Int {
        let progress = DrainProgress()
        let lanes = DispatchGroup()
        for _ in 0..<max(1, configuration.lanes) {
            lanes.enter()
            Thread.detachNewThread { [self] in
                defer { lanes.leave() }
                do {
                    while !progress.failed, case let count = try processBatch(), count > 0 { progress.add(count) }
                } catch {
                    progress.fail(error)
                }
            }
        }
        lanes.wait()
        return try progress.total()
    }

    /// Brings the database in line with this model: when any vendor has no score or one from another
    /// model version, re-tiers vendors the current rules place differently and queues the outdated.
    /// - Returns: how many vendors were queued and how many changed tier.
    @discardableResult
    public func prepare() throws -> (queued: Int, retiered: Int) {
        try register()
        let queued = try ScoringStore(database: database).enqueueOutdated(modelVersion: modelVersion)
        guard queued > 0 else { return (0, 0) }
        let retiered = try VendorStore(database: database, tiering: catalog.scoring.tiering).reassessTiers(actor: "tprm worker (model \(modelVersion))")
        logger.info("queued vendors whose score is missing or from another model version",
                    metadata: ["vendors": "\(queued)", "tiers changed": "\(retiered)"])
        return (queued, retiered)
    }

    /// Records the model in `scoring_models` the first time this worker needs it, so every score it writes names a
    /// known version of scoring.yaml.
    func register() throws {
        // Held across the write, so that the lanes of one worker register once, not all at the same moment.
        try registered.withLock { registered in
            guard !registered else { return }
            try ScoringStore(database: database).register(model: modelVersion, version: catalog.scoring.version)
            registered = true
        }
    }

    /// The worker as a long-running service: prepares (see ``prepare()``), then scores what is queued, batch after
    /// batch on every lane, woken by `NOTIFY rescore` on its own connection and polling meanwhile, until its
    /// service group stops it (or ``WorkLoop/stop()``); the batches in flight are stored first, the rest stays queued.
    public func loop() -> WorkLoop {
        WorkLoop(
            name: "rescore", channels: ["rescore"], listener: database, lanes: configuration.lanes, schedule: .every(configuration.pollInterval),
            logger: logger, start: { [self] in try prepare() }
        ) { [self] _ in
            try processBatch() > 0 ? .worked : .idle
        }
    }
}

/// What the lanes of a drain have done: jobs taken, and the first error.
private final class DrainProgress: Sendable {
    private struct State {
        var count = 0
        var error: (any Error)?
    }
    private let state = Mutex(State())

    var failed: Bool { state.withLock { $0.error != nil } }
    func add(_ jobs: Int) { state.withLock { $0.count += jobs } }
    func fail(_ error: any Error) { state.withLock { if $0.error == nil { $0.error = error } } }
    func total() throws -> Int {
        try state.withLock { state in
            if let error = state.error { throw error }
            return state.count
        }
    }
}

/// Outcomes written by concurrent iterations, each index once.
private final class Results: Sendable {
    private let storage: Mutex<[RescoreBatch.Outcome?]>
    init(count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ outcome: RescoreBatch.Outcome) { storage.withLock { $0[index] = outcome } }
    var all: [RescoreBatch.Outcome] { storage.withLock { $0.map { $0 ?? .failed("not scored") } } }
}
