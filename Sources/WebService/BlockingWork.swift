import Foundation

/// Where request handlers run, and may block on libpq: a task executor over a Dispatch concurrent queue.
///
/// `tprm serve` runs the HTTP server's tasks with this executor as their preference (``runApplication``), so a
/// handler is already on one of its threads when it calls a store: the call runs where the handler is, with no
/// hand-over to another thread and back. Blocking is allowed here, unlike on Swift's cooperative pool, because
/// the queue's threads are not the ones that run the rest of Swift concurrency.
final class RequestExecutor: TaskExecutor {
    private static let marker = DispatchSpecificKey<ObjectIdentifier>()
    private let queue = DispatchQueue(label: "tprm.web.requests", attributes: .concurrent)

    init() {
        queue.setSpecific(key: Self.marker, value: ObjectIdentifier(self))
    }

    /// Whether the calling code runs on this executor's threads.
    var isCurrent: Bool { DispatchQueue.getSpecific(key: Self.marker) == ObjectIdentifier(self) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}

/// Runs blocking work (libpq through Storage) on the ``RequestExecutor``, never on the Swift concurrency pool or an
/// event loop: in place when the task already runs there (every request of `tprm serve`), else after moving to it.
struct BlockingWork: Sendable {
    let executor: RequestExecutor

    init(executor: RequestExecutor = RequestExecutor()) {
        self.executor = executor
    }

    func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        // The preference alone moves nothing: a nonisolated async call is what runs on the preferred executor (at
        // once when the task is on it already).
        try await withTaskExecutorPreference(executor) { try await Self.here(body) }
    }

    private nonisolated static func here<Result>(_ body: () throws -> Result) async throws -> Result {
        try body()
    }
}
