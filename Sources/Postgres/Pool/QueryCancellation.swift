import CLibPQ
import Synchronization

/// What an `async` pool call needs to honour its task's cancellation: the work is skipped when the task is
/// cancelled before it starts, and a statement running when it is cancelled is cancelled on the server
/// (`PQcancel`, which libpq makes safe to call from another thread with a `PGcancel` taken beforehand).
final class QueryCancellation: Sendable {
    private enum State {
        case waiting
        case running(OpaquePointer)
        case finished
        case cancelled
    }

    /// `OpaquePointer` to a `PGcancel`, used only under the lock; it is freed under the lock too, so a cancel never
    /// races its release.
    private struct Guarded: @unchecked Sendable { var state: State = .waiting }
    private let guarded = Mutex(Guarded())

    var isCancelled: Bool {
        guarded.withLock { if case .cancelled = $0.state { true } else { false } }
    }

    /// Marks the work as started on `connection` (again, for a transaction tried again); false when the task was
    /// cancelled already (nothing should run).
    func start(on connection: Connection) -> Bool {
        let cancel = PQgetCancel(connection.handle)
        return guarded.withLock { guarded in
            switch guarded.state {
            case .waiting, .finished: break
            case .running, .cancelled:
                if let cancel { PQfreeCancel(cancel) }
                return false
            }
            if let cancel { guarded.state = .running(cancel) } else { guarded.state = .finished }
            return true
        }
    }

    /// Marks the work as done; a cancel after this does nothing.
    func finish() {
        guarded.withLock { guarded in
            if case .running(let cancel) = guarded.state { PQfreeCancel(cancel) }
            if case .cancelled = guarded.state { return }
            guarded.state = .finished
        }
    }

    /// The task was cancelled: skip the work if it has not started, ask the server to cancel it if it runs.
    func cancel() {
        guarded.withLock { guarded in
            switch guarded.state {
            case .waiting:
                guarded.state = .cancelled
            case .running(let cancel):
                var message = [CChar](repeating: 0, count: 256)
                _ = PQcancel(cancel, &message, Int32(message.count))
                PQfreeCancel(cancel)
                guarded.state = .cancelled
            case .finished, .cancelled:
                break
            }
        }
    }
}
