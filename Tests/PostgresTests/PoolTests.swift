import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct PoolTests {
    @Test func sixtyFourDispatchWorkItemsShareFourConnections() throws {
        let configuration = try TestDatabase.create("pool64")
        let pool = PostgresPool(configuration: configuration, maximumConnections: 4, acquireTimeout: .seconds(30))
        try pool.withConnection { try $0.executeScript("CREATE TABLE hits (worker int NOT NULL, backend int NOT NULL)") }
        let group = DispatchGroup()
        let failures = Failures()
        for worker in 0..<64 {
            DispatchQueue.global().async(group: group) {
                do {
                    try pool.withConnection { connection in
                        try connection.execute("INSERT INTO hits SELECT \(worker), pg_backend_pid() FROM pg_sleep(0.01)")
                    }
                } catch {
                    failures.append("\(error)")
                }
            }
        }
        group.wait()
        #expect(failures.all.isEmpty)
        let rows = try pool.withConnection { try $0.query("SELECT count(*), count(DISTINCT worker), count(DISTINCT backend) FROM hits") }
        let (inserted, workers, backends) = try rows[0].decode((Int, Int, Int).self)
        #expect(inserted == 64)
        #expect(workers == 64)
        #expect(backends <= 4, "never more than four connections")
        #expect(pool.statistics.open <= 4)
        #expect(pool.statistics.inUse == 0)
    }

    @Test func asyncCallersAreServedFromDispatchQueues() async throws {
        let configuration = try TestDatabase.create("poolasync")
        let pool = PostgresPool(configuration: configuration, maximumConnections: 2)
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 1...20 {
                group.addTask {
                    try await pool.withConnection { try $0.query("SELECT \(value) * 2")[0].decode(Int.self, at: 0) }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(sums == 420)
        let inserted = try await pool.transaction { connection in
            try connection.executeScript("CREATE TABLE t (v int)")
            return try connection.execute("INSERT INTO t VALUES (1), (2)")
        }
        #expect(inserted == 2)
    }

    @Test func cancellingATaskCancelsItsStatementOnTheServer() async throws {
        let configuration = try TestDatabase.create("poolcancel")
        let pool = PostgresPool(configuration: configuration, maximumConnections: 1)
        try await pool.transaction { try $0.executeScript("CREATE TABLE t (v int)") }
        let task = Task {
            try await pool.transaction { connection in
                try connection.execute("INSERT INTO t VALUES (1)")
                return try connection.query("SELECT pg_sleep(30)").count
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        // Only the server stopping pg_sleep makes the call throw: had it run its 30 s, the transaction would commit.
        await #expect(throws: CancellationError.self) { try await task.value }
        // The connection went back to the pool usable, and the cancelled transaction left nothing.
        #expect(try await pool.withConnection { try $0.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0) } == 0)
        #expect(pool.statistics.inUse == 0)
    }

    @Test func aTaskCancelledBeforeItGetsAConnectionRunsNothing() async throws {
        let configuration = try TestDatabase.create("poolcancelwait")
        let pool = PostgresPool(configuration: configuration, maximumConnections: 1)
        try await pool.withConnection { try $0.executeScript("CREATE TABLE t (v int)") }
        let task = Task {
            try await pool.withConnection { try $0.execute("INSERT INTO t VALUES (1)") }
        }
        task.cancel()
        _ = try? await task.value
        let cancelledFirst = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pool.withConnection { try $0.execute("INSERT INTO t VALUES (2)") }
        }
        await #expect(throws: CancellationError.self) { try await cancelledFirst.value }
        #expect(try await pool.withConnection { try $0.query("SELECT count(*) FROM t WHERE v = 2")[0].decode(Int.self, at: 0) } == 0)
    }

    @Test func waitingForAConnectionTimesOutWithAClearError() throws {
        let configuration = try TestDatabase.create("pooltimeout")
        let pool = PostgresPool(configuration: configuration, maximumConnections: 1, acquireTimeout: .milliseconds(200))
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? pool.withConnection { _ in
                holding.signal()
                release.wait()
            }
        }
        holding.wait()
        let started = ContinuousClock.now
        let error = #expect(throws: PostgresPoolError.self) { try pool.withConnection { _ in } }
        release.signal()
        #expect(error == .timedOut(after: .milliseconds(200)))
        #expect(error?.description == "no database connection became free within 0.2 s (all are busy)")
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(try pool.withConnection { try $0.query("SELECT 1")[0].decode(Int.self, at: 0) } == 1)
    }

    @Test func aConnectionLeftInATransactionIsRolledBackOnReturn() throws {
        let configuration = try TestDatabase.create("poolleak")
        let pool = PostgresPool(configuration: configuration, maximumConnections: 1)
        try pool.withConnection { connection in
            try connection.executeScript("CREATE TABLE t (v int)")
            try connection.executeScript("BEGIN")
            try connection.execute("INSERT INTO t VALUES (1)")
        }
        let (inTransaction, count) = try pool.withConnection { connection in
            (connection.isInTransaction, try connection.query("SELECT count(*) FROM t")[0].decode(Int.self, at: 0))
        }
        #expect(!inTransaction)
        #expect(count == 0)
    }

    @Test func aTerminatedConnectionIsReplaced() throws {
        let configuration = try TestDatabase.create("poolkill")
        let pool = PostgresPool(configuration: configuration, maximumConnections: 1)
        let first = try pool.withConnection { $0.backendPID }
        let admin = try Connection(configuration: configuration)
        try admin.query("SELECT pg_terminate_backend(\(first))")
        let deadline = ContinuousClock.now + .seconds(5)
        while try admin.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(first)")[0].decode(Int.self, at: 0) > 0,
              ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        let second = try pool.withConnection { $0.backendPID }
        #expect(second != first)
    }

    @Test func recoversAfterTheServerRestarts() throws {
        let cluster = try LocalCluster.start("restart")
        let configuration = try PostgresConfiguration(cluster.url, connectTimeout: .seconds(3))
        let pool = PostgresPool(configuration: configuration, maximumConnections: 3, acquireTimeout: .seconds(2))
        // Fill the pool with idle connections that the outage will kill.
        try pool.withConnection { _ in try pool.withConnection { _ in try pool.withConnection { _ in } } }
        #expect(pool.statistics.open == 3)

        try cluster.stop()
        let outageStarted = ContinuousClock.now
        let outage = #expect(throws: PostgresError.self) { try pool.withConnection { try $0.query("SELECT 1") } }
        #expect(outage?.isConnectionFailure == true)
        #expect(ContinuousClock.now - outageStarted < .seconds(3), "an outage fails fast")

        try cluster.startAgain()
        for _ in 0..<5 {
            #expect(try pool.withConnection { try $0.query("SELECT 1")[0].decode(Int.self, at: 0) } == 1)
        }
        try cluster.restart()
        #expect(try pool.withConnection { try $0.query("SELECT 2")[0].decode(Int.self, at: 0) } == 2)
    }
}

/// Errors collected from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }
    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
