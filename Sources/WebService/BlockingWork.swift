import Foundation

/// Runs blocking work (libpq through Storage) on a Dispatch queue, never on the Swift concurrency
/// database or an event loop, and suspends the calling task meanwhile.
struct BlockingWork: Sendable {
    private let queue = DispatchQueue(label: "tprm.web.blocking", attributes: .concurrent)

    func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Swift.Result { try body() }) }
        }
    }
}
