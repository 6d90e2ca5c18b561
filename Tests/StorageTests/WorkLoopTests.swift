import Foundation
import Logging
import Postgres
import ServiceLifecycle
import Storage
import Synchronization
import TestSupport
import Testing

/// The one loop of every background job: it stops while waiting and after the pass in hand, backs off after
/// failures, wakes on NOTIFY, and runs as a Service of a ServiceGroup.
@Suite struct WorkLoopTests {
    let logger = Logger(label: "test")

    /// Runs `loop` on a thread; `finished` is signalled when it returns.
    func start(_ loop: WorkLoop) -> DispatchSemaphore {
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? loop.runBlocking()
            finished.signal()
        }
        return finished
    }

    /// Waits (a liveness guard, not a timing assertion) until `condition` holds.
    func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return true
    }

    @Test func aLoopWaitingForAnHourStopsWhenAsked() {
        let loop = WorkLoop(name: "idle", schedule: .every(.seconds(3600)), logger: logger) { _ in .idle }
        let finished = start(loop)
        #expect(eventually { loop.counts.passes == 1 }, "the first pass runs at start")
        loop.stop()
        #expect(finished.wait(timeout: .now() + 30) == .success, "the wait ends at stop, not after the hour")
        #expect(loop.counts.passes == 1)
    }

    @Test func aStopDuringAPassLetsItFinishAndRunsNoOther() {
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let sawStopping = Mutex(false)
        let loop = WorkLoop(name: "busy", schedule: .every(.milliseconds(1)), logger: logger) { pass in
            entered.signal()
            release.wait()
            sawStopping.withLock { $0 = pass.isStopping }
            return .worked
        }
        let finished = start(loop)
        entered.wait()
        loop.stop()
        release.signal()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(loop.counts.passes == 1, "the pass in hand finished; no other started")
        #expect(sawStopping.withLock { $0 }, "the pass could see the loop stopping, to end after the item in hand")
    }

    @Test func failuresBackOffDoublingUpToTheBound() {
        #expect((1...8).map { WorkLoop.backoff(after: $0, in: .seconds(1)...(.seconds(60))) }
            == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)])
        struct Broken: Error {}
        let attempts = Mutex(0)
        let loop = WorkLoop(name: "flaky", schedule: .every(.seconds(3600)), backoff: .milliseconds(1)...(.milliseconds(4)), logger: logger) { _ in
            let attempt = attempts.withLock { $0 += 1; return $0 }
            if attempt <= 3 { throw Broken() }
            return .idle
        }
        let finished = start(loop)
        #expect(eventually { loop.counts.passes == 4 }, "three failures, each retried after its backoff, then a pass that works")
        loop.stop()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        #expect(loop.counts.failures == 3)
    }

    @Test func aNotificationWakesAnIdleLoop() throws {
        let configuration = try TestDatabase.create("workloopnotify")
        let loop = WorkLoop(name: "notified", channels: ["work_loop_test"], listener: Database(configuration: configuration), schedule: .every(.seconds(3600)), logger: logger) { _ in .idle }
        let finished = start(loop)
        defer { loop.stop(); _ = finished.wait(timeout: .now() + 30) }
        let connection = try Connection(configuration: configuration)
        // The listener's first connect wakes the loop once; each NOTIFY after that wakes it again.
        #expect(eventually { loop.counts.passes >= 2 })
        let before = loop.counts.passes
        try connection.notify("work_loop_test")
        #expect(eventually { loop.counts.passes > before }, "woken long before its hour")
    }

    @Test func aScheduledLoopWaitsForItsTime() {
        let loop = WorkLoop(name: "daily", schedule: .at { $0.addingTimeInterval(3600) }, startIdle: true, logger: logger) { _ in .idle }
        let finished = start(loop)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(loop.counts.passes == 0, "a daily job does not run at start")
        loop.stop()
        #expect(finished.wait(timeout: .now() + 30) == .success)
    }

    @Test func asAServiceItStopsWithItsGroup() async throws {
        let loop = WorkLoop(name: "service", schedule: .every(.seconds(3600)), logger: logger) { _ in .idle }
        let group = ServiceGroup(services: [loop], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while loop.counts.passes == 0 { try await Task.sleep(for: .milliseconds(10)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(loop.counts.passes == 1)
    }
}
