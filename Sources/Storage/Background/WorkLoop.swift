public import Foundation
public import Logging
import Postgres
public import ServiceLifecycle
import Synchronization

/// The one loop of every background job: do a pass of work, and when there is none, wait for a `NOTIFY` on the
/// loop's channels, the poll interval or the next scheduled time, whichever comes first; after a failure, back off
/// (doubling, up to a bound) instead of spinning; stop gracefully, after the pass in hand.
///
/// Rescoring, outbox delivery, the reminder job and the daily re-assessment are each a `WorkLoop`, and each is a
/// swift-service-lifecycle `Service`: `tprm serve` and `tprm worker` run theirs in one `ServiceGroup`, which stops
/// them on SIGTERM or SIGINT. Passes run on threads of their own (libpq blocks), one per lane; a listener thread
/// wakes them.
public final class WorkLoop: Service, Sendable {
    /// When an idle loop looks again.
    public enum Schedule: Sendable {
        /// After this long (and at once on a notification).
        case every(Duration)
        /// At the moment this gives for the current time: a time of day, say.
        case at(@Sendable (Date) -> Date)
    }

    /// What a pass sees of its loop.
    public struct Pass: Sendable {
        /// Which lane runs it, from 0.
        public let lane: Int
        let loop: WorkLoop
        /// Whether the loop is stopping: a long pass ends after the item in hand.
        public var isStopping: Bool { loop.isStopping }
    }

    /// What a pass did: `.worked` runs the next pass at once, `.idle` waits.
    public enum Outcome: Sendable { case worked, idle }

    public let name: String
    private let channels: [String]
    private let listenerConfiguration: PostgresConfiguration?  // from the listening database's address
    private let lanes: Int
    private let schedule: Schedule
    private let startIdle: Bool
    private let backoff: ClosedRange<Duration>
    private let logger: Logger
    private let start: (@Sendable () throws -> Void)?
    private let body: @Sendable (Pass) throws -> Outcome

    private struct State {
        var stopping = false
        var listener: PostgresListener?
        var passes = 0
        var failures = 0
    }
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - name: for logs and errors, such as `rescore`.
    ///   - channels: `LISTEN` channels whose notifications wake the loop; none for a scheduled job.
    ///   - listener: the database to listen on (a connection of its own, outside its pool); required with channels.
    ///   - lanes: passes in flight at once.
    ///   - schedule: when an idle loop looks again.
    ///   - startIdle: wait for the schedule before the first pass (a daily job does not run at start).
    ///   - backoff: the first and the longest wait after a failed pass.
    ///   - start: run once before the first pass; a failure stops the loop with that error.
    ///   - pass: one pass of work.
    public init(
        name: String, channels: [String] = [], listener: Database? = nil, lanes: Int = 1, schedule: Schedule,
        startIdle: Bool = false, backoff: ClosedRange<Duration> = .seconds(1)...(.seconds(60)), logger: Logger,
        start: (@Sendable () throws -> Void)? = nil, pass: @escaping @Sendable (Pass) throws -> Outcome
    ) {
        precondition(channels.isEmpty || listener != nil, "a loop that listens needs a database to listen on")
        self.name = name
        self.channels = channels
        self.listenerConfiguration = listener?.address.configuration
        self.lanes = max(1, lanes)
        self.schedule = schedule
        self.startIdle = startIdle
        self.backoff = backoff
        self.logger = logger
        self.start = start
        self.body = pass
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Passes run so far, and how many failed: for tests and logs.
    public var counts: (passes: Int, failures: Int) { state.withLock { ($0.passes, $0.failures) } }

    /// Runs until the service group shuts down gracefully (or ``stop()``), then returns after the passes in hand.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Thread.detachNewThread { [self] in
                    continuation.resume(with: Result { try runBlocking() })
                }
            }
        } onGracefulShutdown: { [self] in
            stop()
        }
    }

    /// Runs on the calling thread until ``stop()``: for a thread of the caller's own.
    public func runBlocking() throws {
        if let start {
            try start()
        }
        let listening = DispatchGroup()
        if !channels.isEmpty, let listenerConfiguration {
            let listener = PostgresListener(configuration: listenerConfiguration, channels: channels, logger: logger)
            let stopping = state.withLock { state in
                state.listener = listener
                return state.stopping
            }
            if !stopping {
                listening.enter()
                Thread.detachNewThread { [self] in
                    listener.run { event in
                        switch event {
                        case .notification, .connected: for _ in 0..<lanes { wake.signal() }
                        case .disconnected(let reason):
                            logger.warning("listener disconnected; polling meanwhile", metadata: ["loop": "\(name)", "reason": "\(reason)"])
                        }
                    }
                    listening.leave()
                }
            }
        }
        let lanesDone = DispatchGroup()
        for lane in 0..<lanes {
            lanesDone.enter()
            Thread.detachNewThread { [self] in
                defer { lanesDone.leave() }
                runLane(lane)
            }
        }
        lanesDone.wait()
        state.withLock { $0.listener }?.stop()
        listening.wait()
    }

    private func runLane(_ lane: Int) {
        var failures = 0
        if startIdle { waitForSchedule() }
        while !isStopping {
            do {
                let outcome = try body(Pass(lane: lane, loop: self))
                state.withLock { $0.passes += 1 }
                failures = 0
                if outcome == .worked { continue }
                waitForSchedule()
            } catch {
                failures += 1
                state.withLock { $0.passes += 1; $0.failures += 1 }
                let delay = Self.backoff(after: failures, in: backoff)
                logger.error("a pass failed; its work stays queued", metadata: [
                    "loop": "\(name)", "lane": "\(lane)", "error": "\(error)", "retry in": "\(delay)"])
                _ = wake.wait(timeout: .now() + delay.timeInterval)
            }
        }
    }

    private func waitForSchedule() {
        guard !isStopping else { return }
        switch schedule {
        case .every(let interval):
            _ = wake.wait(timeout: .now() + interval.timeInterval)
        case .at(let next):
            // Woken early (a stop, or a notification the job does not listen for): look at the clock again.
            let due = next(Date())
            while !isStopping, due > Date() {
                _ = wake.wait(timeout: .now() + min(due.timeIntervalSinceNow, 3600))
            }
        }
    }

    /// The wait after `failures` failed passes in a row: the first bound, doubling, at most the second.
    public static func backoff(after failures: Int, in bounds: ClosedRange<Duration>) -> Duration {
        var delay = bounds.lowerBound
        for _ in 1..<max(1, failures) where delay < bounds.upperBound { delay *= 2 }
        return min(delay, bounds.upperBound)
    }

    /// Makes the loop return after the passes in hand.
    public func stop() {
        let listener = state.withLock { state in
            state.stopping = true
            return state.listener
        }
        listener?.stop()
        for _ in 0..<lanes { wake.signal() }
    }
}
