import Foundation

/// A token bucket per client: `capacity` requests at once, refilled at `perMinute` a minute.
///
/// Kept in process memory: each instance of `tprm serve` limits on its own, which bounds guessing at
/// instances × rate; link tokens have 256 bits, so the limit is about load and noise, not odds.
///
/// `@unchecked Sendable`: `buckets` is read and written only under `lock`; the rest is immutable.
public final class RateLimiter: @unchecked Sendable {
    let capacity: Double
    let perSecond: Double
    private var buckets: [String: (tokens: Double, at: ContinuousClock.Instant)] = [:]
    private let lock = NSLock()

    public init(capacity: Int = 20, perMinute: Int = 20) {
        self.capacity = Double(capacity)
        self.perSecond = Double(perMinute) / 60
    }

    /// Takes one request's token for `client`; nil when allowed, else the seconds to wait.
    func take(_ client: String, now: ContinuousClock.Instant = .now) -> Int? {
        lock.withLock {
            if buckets.count > 10_000 { buckets = buckets.filter { now - $0.value.at < .seconds(capacity / perSecond) } }
            var bucket = buckets[client] ?? (capacity, now)
            let elapsed = now - bucket.at
            bucket.tokens = min(capacity, bucket.tokens + Double(elapsed.components.seconds) * perSecond + Double(elapsed.components.attoseconds) / 1e18 * perSecond)
            bucket.at = now
            guard bucket.tokens >= 1 else {
                buckets[client] = bucket
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            buckets[client] = bucket
            return nil
        }
    }
}
