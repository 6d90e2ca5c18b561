import CLibPQ
import Foundation
public import Logging

/// Receives `NOTIFY` messages on a connection of its own.
///
/// `run` blocks its thread, waiting on the connection's socket with `poll`
/// (no sleep loop) and handing each notification to the handler as it
/// arrives. If the connection breaks, the listener reconnects with backoff,
/// listens again and reports ``Event/connected``: notifications sent while it
/// was away are lost, so a consumer should then look for work itself.
///
/// `@unchecked Sendable`: the connection is touched only by the thread inside
/// `run`; `stop()` only flips a locked flag and writes to a pipe.
public final class PostgresListener: @unchecked Sendable {
    /// What the listener reports.
    public enum Event: Sendable, Hashable {
        /// The listener is (again) listening; work may have been missed while it was not.
        case connected
        /// A notification arrived.
        case notification(channel: String, payload: String, senderPID: Int32)
        /// The connection broke; the listener will reconnect.
        case disconnected(reason: String)
    }

    private let configuration: PostgresConfiguration
    private let channels: [String]
    private let logger: Logger
    private let stopFlag = NSLock()
    private var stopped = false
    /// A pipe that wakes `poll` when `stop()` is called.
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// Creates a listener for the given channels; nothing happens until `run`.
    public init(configuration: PostgresConfiguration, channels: [String], logger: Logger = Logger(label: "tprm.postgres.listener")) {
        self.configuration = configuration
        self.channels = channels
        self.logger = logger
        var descriptors: [Int32] = [0, 0]
        precondition(pipe(&descriptors) == 0, "pipe() failed: \(errno)")
        wakeRead = descriptors[0]
        wakeWrite = descriptors[1]
        _ = fcntl(wakeRead, F_SETFL, fcntl(wakeRead, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    /// Makes `run` return soon; safe from any thread.
    public func stop() {
        stopFlag.lock()
        stopped = true
        stopFlag.unlock()
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private var isStopped: Bool {
        stopFlag.lock()
        defer { stopFlag.unlock() }
        return stopped
    }

    /// Listens until `stop()` is called, calling `handler` on this thread for every event.
    ///
    /// - Parameter reconnectDelay: the first wait before reconnecting; it doubles up to 30 s.
    public func run(reconnectDelay: Duration = .milliseconds(250), _ handler: (Event) -> Void) {
        var delay = reconnectDelay
        while !isStopped {
            do {
                let connection = try Connection(configuration: configuration, logger: logger)
                for channel in channels {
                    try connection.executeScript("LISTEN \(try connection.escapeIdentifier(channel))")
                }
                delay = reconnectDelay
                handler(.connected)
                let reason = listen(on: connection, handler)
                if let reason { handler(.disconnected(reason: reason)) }
            } catch {
                logger.debug("listener cannot connect", metadata: ["error": "\(error)"])
                handler(.disconnected(reason: "\(error)"))
            }
            if isStopped { break }
            waitForWake(timeout: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }

    /// Delivers notifications until the connection breaks (returns why) or `stop()` (returns nil).
    private func listen(on connection: Connection, _ handler: (Event) -> Void) -> String? {
        let handle = connection.handle
        while !isStopped {
            var descriptors = [
                pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return "poll failed: errno \(errno)"
            }
            if descriptors[1].revents != 0 { drainWakePipe() }
            if descriptors[0].revents != 0 {
                guard PQconsumeInput(handle) == 1 else { return PostgresError.connectionMessage(handle) }
                while let notification = PQnotifies(handle) {
                    let event = Event.notification(
                        channel: String(cString: notification.pointee.relname),
                        payload: String(cString: notification.pointee.extra),
                        senderPID: notification.pointee.be_pid)
                    PQfreemem(notification)
                    handler(event)
                }
                if PQstatus(handle) != CONNECTION_OK { return PostgresError.connectionMessage(handle) }
            }
        }
        return nil
    }

    private func waitForWake(timeout: Duration) {
        var descriptor = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: timeout.postgresMilliseconds)
        if poll(&descriptor, 1, milliseconds) > 0 { drainWakePipe() }
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }
}
