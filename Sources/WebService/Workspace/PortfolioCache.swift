import Foundation
import Storage
import Synchronization

/// The portfolio overview, computed at most once per `maxAge` and served from memory in between.
///
/// At 50,000 vendors the overview (the work queues' counts, the heat map, the 12-month trend over the score history)
/// takes PostgreSQL seconds, far more than a page may: so the page shows the last overview with the moment it was
/// computed ("figures as of"), and once that is older than `maxAge` the next request starts one refresh in the
/// background and is answered with the figures it has (stale while revalidating). Only the first requests of a
/// process wait for the figures, all of them for the one computation the first started. The lists a count links to
/// are read live.
final class PortfolioCache: Sendable {
    let maxAge: TimeInterval
    private struct State {
        var overview: PortfolioOverview?
        var computedAt: Date = .distantPast
        var refreshing = false
        /// The computation of the first figures, while it runs: requests arriving meanwhile wait for it rather than
        /// start their own (at 50,000 vendors each takes PostgreSQL a second, and they would share two cores).
        var first: Task<PortfolioOverview, any Error>?
    }
    private let state = Mutex(State())

    init(maxAge: TimeInterval) { self.maxAge = maxAge }

    /// How long an age is, as a page says it: in seconds below a minute, else in whole minutes.
    static func describe(_ age: TimeInterval) -> String {
        age >= 60 ? "\(Int(age / 60)) minute\(age >= 120 ? "s" : "")" : "\(Int(age)) seconds"
    }

    /// The overview: the one held when younger than `maxAge`, else (the first time) one computed now, else the one
    /// held while a refresh runs in the background.
    func overview(blocking: BlockingWork, _ compute: @escaping @Sendable () throws -> PortfolioOverview) async throws -> PortfolioOverview {
        let now = Date()
        enum Plan { case serve(PortfolioOverview), serveAndRefresh(PortfolioOverview), compute, wait(Task<PortfolioOverview, any Error>) }
        let plan: Plan = state.withLock { state in
            guard maxAge > 0 else { return .compute }
            guard let overview = state.overview else {
                let first = state.first ?? Task { try await blocking.run(compute) }
                state.first = first
                return .wait(first)
            }
            if now.timeIntervalSince(state.computedAt) < maxAge || state.refreshing { return .serve(overview) }
            state.refreshing = true
            return .serveAndRefresh(overview)
        }
        switch plan {
        case .serve(let overview):
            return overview
        case .serveAndRefresh(let overview):
            Task {
                let fresh = try? await blocking.run(compute)
                self.state.withLock { state in
                    if let fresh { (state.overview, state.computedAt) = (fresh, fresh.asOf) }
                    state.refreshing = false
                }
            }
            return overview
        case .compute:
            return try await blocking.run(compute)
        case .wait(let first):
            let result = await first.result
            state.withLock { state in
                if case .success(let fresh) = result, fresh.asOf >= state.computedAt { (state.overview, state.computedAt) = (fresh, fresh.asOf) }
                // A failed computation is not kept: the next request starts another.
                if state.first == first { state.first = nil }
            }
            return try result.get()
        }
    }
}
