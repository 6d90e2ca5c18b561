import Foundation
import Postgres
import Storage
import Synchronization
import TestSupport
import Testing

/// Workers starting at once on a new model all record it, and all learn the same first use.
@Suite struct ScoringModelRegistrationTests {
    @Test func workersRegisteringOneNewModelAtOnceAllSucceed() throws {
        let database = Database(configuration: try TestDatabase.migrated("modelrace"), maximumConnections: 8)
        let store = ScoringStore(database: database)
        for round in 0..<20 {
            let results = Mutex<[Result<Date, any Error>]>([])
            let start = DispatchSemaphore(value: 0), done = DispatchGroup()
            for _ in 0..<8 {
                done.enter()
                Thread.detachNewThread {
                    start.wait()
                    let result = Result { try store.register(model: "race-\(round)", version: 2) }
                    results.withLock { $0.append(result) }
                    done.leave()
                }
            }
            for _ in 0..<8 { start.signal() }
            done.wait()
            let dates = try results.withLock { try $0.map { try $0.get() } }
            #expect(dates.count == 8)
            #expect(Set(dates).count == 1, "every worker sees the one first use")
        }
        #expect(try database.withConnection { try $0.query("SELECT count(*) FROM scoring_models WHERE digest LIKE 'race-%'")[0].decode(Int.self, at: 0) } == 20)
    }
}
