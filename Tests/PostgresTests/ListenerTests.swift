import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct ListenerTests {
    /// Events seen by a listener running on its own thread.
    final class Inbox: @unchecked Sendable {
        private let condition = NSCondition()
        private var events: [PostgresListener.Event] = []

        func add(_ event: PostgresListener.Event) {
            condition.lock()
            events.append(event)
            condition.broadcast()
            condition.unlock()
        }

        /// Waits until `predicate` holds for the events so far, at most `timeout` seconds.
        func wait(timeout: TimeInterval = 10, until predicate: ([PostgresListener.Event]) -> Bool) -> [PostgresListener.Event] {
            let deadline = Date().addingTimeInterval(timeout)
            condition.lock()
            defer { condition.unlock() }
            while !predicate(events), condition.wait(until: deadline) {}
            return events
        }
    }

    func notifications(_ events: [PostgresListener.Event]) -> [String] {
        events.compactMap {
            if case .notification(let channel, let payload, _) = $0 { "\(channel):\(payload)" } else { nil }
        }
    }

    func connectedCount(_ events: [PostgresListener.Event]) -> Int {
        events.filter { $0 == .connected }.count
    }

    @Test func deliversChannelAndPayload() throws {
        let configuration = try TestDatabase.create("listen")
        let listener = PostgresListener(configuration: configuration, channels: ["rescore", "Mixed Case"])
        let inbox = Inbox()
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            listener.run { inbox.add($0) }
            finished.signal()
        }
        _ = inbox.wait { connectedCount($0) == 1 }
        let sender = try Connection(configuration: configuration)
        try sender.notify("rescore", payload: "vendor 42 ✓")
        try sender.transaction { connection in
            try connection.notify("Mixed Case", payload: "after commit")
        }
        #expect(throws: PostgresError.self) {
            try sender.transaction { connection in
                try connection.notify("rescore", payload: "rolled back")
                throw PostgresError(code: "P0001", message: "abort")
            }
        }
        try sender.notify("rescore", payload: "last")
        let events = inbox.wait { notifications($0).count >= 3 }
        #expect(notifications(events) == ["rescore:vendor 42 ✓", "Mixed Case:after commit", "rescore:last"])
        listener.stop()
        #expect(finished.wait(timeout: .now() + 5) == .success, "stop() ends run()")
    }

    @Test func reconnectsAfterItsConnectionIsKilled() throws {
        let configuration = try TestDatabase.create("relisten")
        let listener = PostgresListener(configuration: configuration, channels: ["jobs"])
        let inbox = Inbox()
        Thread.detachNewThread { listener.run(reconnectDelay: .milliseconds(50)) { inbox.add($0) } }
        defer { listener.stop() }
        _ = inbox.wait { connectedCount($0) == 1 }
        let admin = try Connection(configuration: configuration)
        try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN \"jobs\"'")
        let events = inbox.wait { connectedCount($0) == 2 }
        #expect(events.contains { if case .disconnected = $0 { true } else { false } })
        #expect(connectedCount(events) == 2)
        try admin.notify("jobs", payload: "after reconnect")
        let later = inbox.wait { notifications($0).contains("jobs:after reconnect") }
        #expect(notifications(later) == ["jobs:after reconnect"])
    }
}
