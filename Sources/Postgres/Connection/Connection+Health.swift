import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

extension Connection {
    /// Whether the server has closed this idle connection, found without a round trip.
    ///
    /// A server that shuts down or restarts sends a farewell message and closes
    /// the socket; libpq learns of it only when it next reads. This looks at the
    /// socket without blocking and lets libpq read what is there, so the pool
    /// can drop a dead connection before lending it.
    func serverHasClosed() -> Bool {
        guard PQstatus(handle) == CONNECTION_OK else { return true }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return true }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 0) > 0 else { return false }
        // Readable while idle: a notification, a notice, a farewell FATAL, or the end of the stream.
        guard PQconsumeInput(handle) == 1 else { return true }
        _ = PQisBusy(handle)  // parses what arrived; a FATAL goes to the notice sink
        return noticeSink.receivedFatal || PQstatus(handle) != CONNECTION_OK
    }

    /// Rolls back a transaction the borrower left open. Returns whether the connection is reusable.
    func resetForReuse() -> Bool {
        guard PQstatus(handle) == CONNECTION_OK else { return false }
        switch PQtransactionStatus(handle) {
        case PQTRANS_IDLE:
            return true
        case PQTRANS_INTRANS, PQTRANS_INERROR:
            transactionDepth = 0
            return (try? executeScript("ROLLBACK")) != nil && PQtransactionStatus(handle) == PQTRANS_IDLE
        default:
            return false
        }
    }
}
