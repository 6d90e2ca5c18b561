import Foundation
public import Logging
import Postgres
public import ServiceLifecycle

/// Calls `onEvent` on every `NOTIFY` on its channels and whenever the listener's connection drops or comes back,
/// when some may have been missed: a service of a `ServiceGroup`, which stops it on graceful shutdown. The listener holds a connection of
/// its own, outside the database's pool.
public struct NotificationWatch: Service {
    let configuration: PostgresConfiguration
    let channels: [String]
    let logger: Logger
    let onEvent: @Sendable () -> Void

    /// Watches `channels` of `database`.
    public init(database: Database, channels: [String], logger: Logger, onEvent: @escaping @Sendable () -> Void) {
        self.configuration = database.address.configuration
        self.channels = channels
        self.logger = logger
        self.onEvent = onEvent
    }

    public func run() async throws {
        let listener = PostgresListener(configuration: configuration, channels: channels, logger: logger)
        let onEvent = self.onEvent
        await withGracefulShutdownHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // libpq blocks: the listener waits on a thread of its own.
                Thread.detachNewThread {
                    listener.run { _ in onEvent() }
                    continuation.resume()
                }
            }
        } onGracefulShutdown: {
            listener.stop()
        }
    }
}
