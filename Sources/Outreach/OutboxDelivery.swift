public import Foundation
public import Logging
import Metrics
public import Storage
public import SupplierRisk

/// Delivers the outbox: claims due messages with SKIP LOCKED (and a lease, so two deliveries never hold one
/// message at once), hands each to the transport, and records the delivery or the failure with backoff.
public struct OutboxDelivery: Sendable {
    let database: Database
    let transport: any MailTransport
    let configuration: OutreachConfiguration
    let logger: Logger
    /// Messages claimed at a time.
    public let batchSize: Int

    public init(database: Database, transport: any MailTransport, configuration: OutreachConfiguration, batchSize: Int = 20, logger: Logger) {
        self.database = database
        self.transport = transport
        self.configuration = configuration
        self.batchSize = batchSize
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

    /// Delivers every message due now, batch after batch, then returns; `isStopping` ends it after the batch in hand.
    @discardableResult
    public func deliverDue(now: @autoclosure () -> Date = Date(), isStopping: () -> Bool = { false }) throws -> Pass {
        let store = OutboxStore(database: database)
        var pass = Pass()
        while !isStopping() {
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

    /// Delivery as a long-running service: woken by `NOTIFY outbox`, polling every `pollInterval` meanwhile.
    public func loop(pollInterval: Duration = .seconds(5)) -> WorkLoop {
        WorkLoop(name: "outbox", channels: ["outbox"], listener: database, schedule: .every(pollInterval), logger: logger) { [self] pass in
            try deliverDue(isStopping: { pass.isStopping })
            return .idle
        }
    }
}

extension Reminders {
    /// The reminder job as a long-running service: at start, then every `interval`.
    public func loop(every interval: Duration = .seconds(3600), logger: Logger) -> WorkLoop {
        WorkLoop(name: "reminders", schedule: .every(interval), logger: logger) { [self] _ in
            let outcome = try run()
            logger.info("outreach reminders", metadata: [
                "reminded": "\(outcome.reminded.count)", "overdue": "\(outcome.overdue.count)", "expired": "\(outcome.expired.count)"])
            return .idle
        }
    }
}
