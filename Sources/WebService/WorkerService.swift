public import Postgres
public import ScoringPipeline
public import ServiceLifecycle

/// The rescoring worker as a service of `tprm serve`'s group: stopped gracefully with it.
public struct WorkerService: Service {
    let worker: RescoreWorker
    let listener: PostgresConfiguration

    public init(worker: RescoreWorker, listener: PostgresConfiguration) {
        self.worker = worker
        self.listener = listener
    }

    public func run() async throws {
        let worker = self.worker
        let listener = self.listener
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Thread.detachNewThread {
                    do {
                        try worker.run(listenerConfiguration: listener)
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        } onGracefulShutdown: {
            worker.stop()
        }
    }
}

import Foundation
