import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct TransactionTests {
    struct Abort: Error {}

    func count(_ connection: Connection) throws -> Int {
        try connection.query("SELECT count(*) FROM items")[0].decode(Int.self, at: 0)
    }

    func makeConnection(_ label: String) throws -> Connection {
        let connection = try Connection(configuration: try TestDatabase.create(label))
        try connection.executeScript("CREATE TABLE items (name text NOT NULL)")
        return connection
    }

    @Test func commitsWhenTheBodyReturns() throws {
        let connection = try makeConnection("commit")
        let value = try connection.transaction { connection in
            try connection.execute("INSERT INTO items VALUES (\("a")), (\("b"))")
        }
        #expect(value == 2)
        #expect(try count(connection) == 2)
        #expect(!connection.isInTransaction)
    }

    @Test func rollsBackWhenTheBodyThrows() throws {
        let connection = try makeConnection("rollback")
        #expect(throws: Abort.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO items VALUES (\("a"))")
                throw Abort()
            }
        }
        #expect(try count(connection) == 0)
        #expect(!connection.isInTransaction)
    }

    @Test func rollsBackWhenAStatementFails() throws {
        let connection = try makeConnection("stmtfail")
        #expect(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO items VALUES (\("a"))")
                try connection.execute("INSERT INTO items VALUES (\(String?.none))")
            }
        }
        #expect(try count(connection) == 0)
    }

    @Test func innerSavepointRollbackKeepsTheOuterWork() throws {
        let connection = try makeConnection("savepoint")
        try connection.transaction { connection in
            try connection.execute("INSERT INTO items VALUES (\("outer"))")
            #expect(throws: PostgresError.self) {
                try connection.transaction { connection in
                    try connection.execute("INSERT INTO items VALUES (\("inner"))")
                    try connection.execute("INSERT INTO items VALUES (\(String?.none))")
                }
            }
            try connection.transaction { connection in
                try connection.execute("INSERT INTO items VALUES (\("second inner"))")
            }
        }
        let names = try connection.query("SELECT name FROM items ORDER BY name").map { try $0.decode(String.self, at: 0) }
        #expect(names == ["outer", "second inner"])
    }

    @Test func outerRollbackUndoesCommittedSavepoints() throws {
        let connection = try makeConnection("outerrollback")
        #expect(throws: Abort.self) {
            try connection.transaction { connection in
                try connection.transaction { try $0.execute("INSERT INTO items VALUES (\("inner"))") }
                throw Abort()
            }
        }
        #expect(try count(connection) == 0)
    }
}

@Suite struct TransactionRetryTests {
    @Test func aDeadlockedTransactionIsRunAgainAndBothCommit() throws {
        let configuration = try TestDatabase.create("deadlock")
        let pool = PostgresPool(configuration: configuration, maximumConnections: 4)
        try pool.withConnection { try $0.executeScript("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL); INSERT INTO accounts VALUES (1, 0), (2, 0)") }
        let runs = Locked(0)
        let bothLocked = DispatchGroup()
        bothLocked.enter()
        bothLocked.enter()
        let done = DispatchGroup()
        let failures = Locked(0)
        // Each takes its first row, waits until the other has taken its own, then wants the other's.
        for (first, second) in [(1, 2), (2, 1)] {
            done.enter()
            Thread.detachNewThread {
                var waited = false
                do {
                    try pool.transaction { connection in
                        runs.withValue { $0 += 1 }
                        try connection.execute("UPDATE accounts SET balance = balance + 1 WHERE id = \(first)")
                        if !waited {
                            waited = true
                            bothLocked.leave()
                            bothLocked.wait()
                        }
                        try connection.execute("UPDATE accounts SET balance = balance + 10 WHERE id = \(second)")
                    }
                } catch {
                    failures.withValue { $0 += 1 }
                }
                done.leave()
            }
        }
        done.wait()
        #expect(failures.value == 0, "the deadlock's victim was tried again")
        // One body ran again; rarely the retry takes its first row back before the other transaction gets it and
        // the two deadlock once more, so a body may run again.
        #expect((3...6).contains(runs.value), "the victim's body ran again: \(runs.value) runs")
        let balances = try pool.withConnection { try $0.query("SELECT balance FROM accounts ORDER BY id").map { try $0.decode(Int.self, at: 0) } }
        #expect(balances == [11, 11], "both transfers applied once")
    }
}
