import Foundation
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

/// What PostgreSQL or the pool throws leaves Storage as a StorageError, so that no layer above maps Postgres's own.
@Suite struct DatabaseErrorTests {
    static let tiering = try! ScoringConfiguration.load(
        TestDatabase.repositoryRoot.appendingPathComponent("questionnaires/scoring.yaml")).tiering

    @Test func anUnreachableDatabaseIsUnavailable() throws {
        let database = Database(try DatabaseAddress("postgresql:///tprm?host=/nonexistent/socket/dir", connectTimeout: .seconds(1)))
        let error = #expect(throws: StorageError.self) { _ = try VendorStore(database: database, tiering: Self.tiering).vendor("acme") }
        guard case .unavailable(let message)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(message.contains("cannot connect to database tprm on /nonexistent/socket/dir"))
        #expect(error?.isUsageError == false)
    }

    @Test func aFullPoolIsBusy() throws {
        let database = Database(configuration: try TestDatabase.migrated("errorsbusy"), maximumConnections: 1, acquireTimeout: .milliseconds(200))
        let store = VendorStore(database: database, tiering: Self.tiering)
        let error = try database.pool.withConnection { _ in
            #expect(throws: StorageError.self) { _ = try store.vendor("acme") }
        }
        #expect(error == .busy("no database connection became free within 0.2 s (all are busy)"))
    }

    @Test func aValueTheServerCannotTakeIsUnacceptableAndChangesNothing() throws {
        let registry = try Registry("errorsnul")
        let error = #expect(throws: StorageError.self) { _ = try registry.vendors.add(Registry.draft("acme", name: "Acme\u{0}AI"), actor: "alice") }
        guard case .unacceptable(let message)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(message.contains("0x00"), "\(message)")
        #expect(try registry.count("vendors") == 0)
        #expect(try registry.count("audit_log") == 0)
    }

    @Test func anAddressThatIsNoURLIsRefusedWithLibpqsReason() {
        #expect(throws: StorageError.invalid(field: "url", reason: "missing \"=\" after \"not\" in connection info string")) {
            try DatabaseAddress("not a url")
        }
    }
}
