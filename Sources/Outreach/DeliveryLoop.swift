public import Foundation
public import Logging
import Metrics
public import Postgres
public import ServiceLifecycle
public import Storage
public import SupplierRisk

/// Delivers the outbox: claims due messages with SKIP LOCKED (and a lease, so two loops never hold one
/// message at once), hands each to the transport, and records the delivery or the failure with backoff.
public final class DeliveryLoop: @unchecked Sendable {
    let pool: PostgresPool
    let transport: any MailTransport
    let configuration: OutreachConfiguration
    let logger: Logger
    /// Messages claimed at a time.
    public var batchSize = 20
    /// How often to look when no notification comes.
    public var pollInterval: Duration = .seconds(5)

    private let lock = NSLock()
    private var stopped = false
    private var listener: PostgresListener?
    private let wake = DispatchSemaphore(value: 0)

    public init(pool: PostgresPool, transport: any MailTransport, configuration: OutreachConfiguration, logger: Logger) {
        self.pool = pool
        self.transport = transport
        self.configuration = configuration
        self.logger = logger
    }

    /// What one pass did.
    public struct Pass: Sendable, Hashable {
        public var sent = 0
        public var failed = 0
        public var dead = 0

        public init(sent: Int = 0, failed: Int = 0, dead: Int = 0) {
            self.sent = sent
            self.failed = failed
            self.dead = dead
        }
    }

    /// Delivers every message due now, batch after batch, then returns.
    @discardableResult
    public func deliverDue(now: @autoclosure () -> Date = Date()) throws -> Pass {
        let store = OutboxStore(pool: pool)
        var pass = Pass()
        while !isStopped {
            let time = now()
            let batch = try store.claim(limit: batchSize, now: time)
            if batch.isEmpty { break }
            for message in batch {
                do {
                    try transport.deliver(message)
                    try store.markSent(message.id)
                    pass.sent += 1
                    Counter(label: "tprm_outbox_delivered_total", dimensions: [("kind", message.message.kind.rawValue)]).increment()
                    logger.info("delivered", metadata: ["outbox": "\(message.id)", "kind": "\(message.message.kind.rawValue)"])
                } catch {
                    let dead = try store.markFailed(message.id, error: "\(error)", maxAttempts: configuration.maxAttempts, backoff: configuration.backoff, now: time)
                    if dead { pass.dead += 1 } else { pass.failed += 1 }
                    Counter(label: "tprm_outbox_failures_total", dimensions: [("outcome", dead ? "dead" : "retry")]).increment()
                    logger.warning(dead ? "delivery failed for the last time; the message is dead" : "delivery failed; it will be retried",
                                   metadata: ["outbox": "\(message.id)", "attempt": "\(message.attempts)", "error": "\(error)"])
                }
            }
        }
        return pass
    }

    var isStopped: Bool { lock.withLock { stopped } }

    /// Delivers until `stop()`, woken by NOTIFY on `outbox` and polling meanwhile.
    public func run(listenerConfiguration: PostgresConfiguration, every job: (interval: Duration, body: @Sendable () -> Void)? = nil) {
        let listener = PostgresListener(configuration: listenerConfiguration, channels: ["outbox"], logger: logger)
        lock.withLock { self.listener = listener }
        let listening = DispatchGroup()
        listening.enter()
        Thread.detachNewThread { [self] in
            listener.run { event in
                switch event {
                case .notification, .connected: wake.signal()
                case .disconnected(let reason): logger.warning("outbox listener disconnected; polling meanwhile", metadata: ["reason": "\(reason)"])
                }
            }
            listening.leave()
        }
        var nextJob = ContinuousClock.now
        while !isStopped {
            if let job, ContinuousClock.now >= nextJob {
                job.body()
                nextJob = ContinuousClock.now + job.interval
            }
            do {
                try deliverDue()
            } catch {
                logger.error("delivery pass failed; messages stay queued", metadata: ["error": "\(error)"])
            }
            _ = wake.wait(timeout: .now() + pollInterval.timeInterval)
        }
        listener.stop()
        listening.wait()
    }

    /// Makes `run` return after the message in hand.
    public func stop() {
        let listener = lock.withLock {
            stopped = true
            return self.listener
        }
        listener?.stop()
        wake.signal()
    }
}

/// Outbox delivery and the hourly reminder job as a service of `tprm serve` or `tprm worker`.
public struct OutreachService: Service {
    let loop: DeliveryLoop
    let listener: PostgresConfiguration
    let reminders: Reminders?
    let logger: Logger

    /// - Parameter reminders: the job to run every hour; nil to leave reminders to `tprm outreach remind`.
    public init(loop: DeliveryLoop, listener: PostgresConfiguration, reminders: Reminders?, logger: Logger) {
        self.loop = loop
        self.listener = listener
        self.reminders = reminders
        self.logger = logger
    }

    public func run() async throws {
        let loop = self.loop, listener = self.listener, reminders = self.reminders, logger = self.logger
        let job: (interval: Duration, body: @Sendable () -> Void)? = reminders.map { reminders in
            (interval: .seconds(3600), body: { @Sendable in
                do {
                    let outcome = try reminders.run()
                    logger.info("outreach reminders", metadata: [
                        "reminded": "\(outcome.reminded.count)", "overdue": "\(outcome.overdue.count)", "expired": "\(outcome.expired.count)"])
                } catch {
                    logger.error("the reminder job failed; it runs again within the hour", metadata: ["error": "\(error)"])
                }
            })
        }
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread {
                    loop.run(listenerConfiguration: listener, every: job)
                    continuation.resume()
                }
            }
        } onGracefulShutdown: {
            loop.stop()
        }
    }
}
