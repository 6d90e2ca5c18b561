import Foundation
public import Logging
public import ServiceLifecycle
public import Storage

/// Identities of tokens seen recently, so most requests skip the token lookup.
///
/// Revocation stays immediate: `tprm token revoke` notifies `token_revoked`
/// in its transaction and ``TokenRevocationListener`` clears the cache; the
/// cache is also cleared whenever that listener (re)connects, since
/// notifications may have been missed, and entries expire after a minute.
///
/// `@unchecked Sendable`: `entries` is read and written only under `lock`.
public final class TokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (identity: ApiIdentity, expires: Date)] = [:]
    private let lifetime: TimeInterval = 60
    private let capacity = 10_000

    public init() {}

    func identity(for token: String) -> ApiIdentity? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[token], entry.expires > Date() else { return nil }
        return entry.identity
    }

    func store(_ identity: ApiIdentity, for token: String) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= capacity { entries.removeAll() }
        entries[token] = (identity, Date().addingTimeInterval(lifetime))
    }

    /// Forgets every identity.
    public func clear() {
        lock.lock()
        entries.removeAll()
        lock.unlock()
    }
}

/// Listens for token revocations and clears the cache: a service of `tprm serve`'s group.
public struct TokenRevocationListener: Service {
    let watch: NotificationWatch

    public init(cache: TokenCache, database: Database, logger: Logger) {
        // Any event: a revocation, or a (re)connection after which some may have been missed.
        watch = NotificationWatch(database: database, channels: [TokenStore.revocationChannel], logger: logger) { cache.clear() }
    }

    public func run() async throws {
        try await watch.run()
    }
}
