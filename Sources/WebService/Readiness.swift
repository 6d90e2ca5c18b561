import Foundation
import Storage
import Synchronization

/// What `/readyz` answers: whether the database is reachable and every migration applied, checked at the first
/// probe and then at most once an `interval` while it is ready, however often the probes come (so an outage shows
/// within an interval); while it is not, every probe checks again. A check reads the migration files
/// and `schema_migrations` and hashes the files in process; one check runs at a time, and probes meanwhile get
/// the last answer.
final class Readiness: Sendable {
    private struct Checked {
        var at: ContinuousClock.Instant?
        var problem: ApiError?
        var running = false
    }

    private let database: Database
    private let schema: Schema
    private let interval: Duration
    private let checked = Mutex(Checked())
    private let blocking: BlockingWork

    init(database: Database, migrations: URL, interval: Duration, blocking: BlockingWork) {
        self.database = database
        self.blocking = blocking
        self.schema = Schema(migrations: migrations)
        self.interval = interval
    }

    /// Why the service is not ready, or nil when it is.
    func problem() async -> ApiError? {
        enum Next { case answer(ApiError?), check, wait }
        let now = ContinuousClock.now
        let next: Next = checked.withLock { checked in
            if let at = checked.at, now - at < interval || checked.running { return .answer(checked.problem) }
            if checked.running { return .wait }
            checked.running = true
            return .check
        }
        switch next {
        case .answer(let problem):
            return problem
        case .wait:
            return ApiError(.serviceUnavailable, code: "starting", message: "the first readiness check is still running")
        case .check:
            let problem = await check()
            // A failed check is not kept: the next probe checks again, so recovery shows at once.
            checked.withLock { $0 = Checked(at: problem == nil ? ContinuousClock.now : nil, problem: problem, running: false) }
            return problem
        }
    }

    private func check() async -> ApiError? {
        let database = self.database, schema = self.schema
        do {
            let pending = try await blocking.run { try schema.pending(database) }
            return pending == 0 ? nil : ApiError(.serviceUnavailable, code: "migrations_pending", message: "\(pending) migrations are pending: run tprm migrate")
        } catch {
            return ApiError(.serviceUnavailable, code: "unavailable", message: "the database is unreachable")
        }
    }
}
