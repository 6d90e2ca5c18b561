import Testing
@testable import WebService

/// Handlers call the stores (libpq, which blocks) on the request executor, never on Swift's cooperative pool; under
/// `tprm serve` a request runs there from the start, so a store call moves nowhere.
@Suite struct RequestExecutorTests {
    @Test func blockingWorkRunsOnTheRequestExecutorFromAnywhere() async throws {
        let work = BlockingWork()
        #expect(!work.executor.isCurrent, "a test's task starts on the cooperative pool")
        let executor = work.executor
        let moved = try await work.run { executor.isCurrent }
        #expect(moved)
    }

    @Test func underTheExecutorsPreferenceAHandlerAndItsStoreCallsStayOnIt() async throws {
        let work = BlockingWork()
        let executor = work.executor
        // What runApplication gives every connection's task: the preference, inherited by child tasks.
        let places = try await withTaskExecutorPreference(executor) {
            try await withThrowingTaskGroup(of: [Bool].self) { group in
                group.addTask {
                    let before = executor.isCurrent
                    let during = try await work.run { executor.isCurrent }
                    return [before, during, executor.isCurrent]
                }
                return try await group.next() ?? []
            }
        }
        #expect(places == [true, true, true])
    }
}
