import Foundation
import Storage
import SupplierRisk
import Synchronization

/// Vendor pages as rendered (the part below the person's header), kept in memory while they are still true.
///
/// A vendor page reads the vendor, its score, history, certificates, contracts, incidents, assessments, fourth
/// parties and audit trail, and prices the what-if actions by scoring the vendor again once per action: about twenty
/// times the work of the API's JSON score. Most of the time none of it has changed since the last reader, so a page is
/// kept with the vendor's ``VendorRevision`` read before it was made, and served again while a fresh read of the
/// revision (one indexed row) is equal: the database moves the revision in the transaction of every write to what
/// the page shows, whoever writes it, and the score's own time moves when the worker rewrites the score.
///
/// Two things on the page are not the vendor's own and move without its revision: the other vendors sharing its
/// fourth parties, and the judgments made against the clock (a certificate expiring within 90 days, the staleness
/// the what-if prices). A page is therefore also made again once it is `maxAge` old, as the portfolio's figures are
/// (the same setting). The pages kept take at most `capacity` bytes (a vendor page is some 50 to 150 KB); the one
/// used longest ago makes room.
final class VendorPageCache: Sendable {
    let maxAge: TimeInterval
    let capacity: Int

    /// A page as it was made.
    struct Page: Sendable {
        let title: String
        /// The vendor's status, for the analyst's status form around the page.
        let status: Vendor.Status
        /// The vendor's name and standing, above the forms of an analyst's page.
        let head: String
        /// The rest of the page.
        let body: String

        /// What it takes in memory, near enough: its text's bytes.
        var size: Int { title.utf8.count + head.utf8.count + body.utf8.count }
    }

    private struct Entry {
        let revision: VendorRevision
        let madeAt: Date
        let page: Page
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// The bytes of the pages kept.
        var bytes = 0
        /// A counter standing for time of use: a larger value was used later.
        var uses: UInt64 = 0
        var hits = 0, misses = 0
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - maxAge: how old a kept page may be; 0 keeps none.
    ///   - capacity: how many bytes of pages are kept at most (32 MiB unless given).
    init(maxAge: TimeInterval, capacity: Int = 32 << 20) {
        self.maxAge = maxAge
        self.capacity = capacity
    }

    /// The page kept for the vendor, if it was made at `revision` and is younger than `maxAge`.
    func page(_ slug: String, revision: VendorRevision, now: Date) -> Page? {
        state.withLock { state in
            guard var entry = state.entries[slug], entry.revision == revision, now.timeIntervalSince(entry.madeAt) < maxAge else {
                state.misses += 1
                return nil
            }
            state.uses += 1
            entry.lastUsed = state.uses
            state.entries[slug] = entry
            state.hits += 1
            return entry.page
        }
    }

    /// Keeps a page made from a reading that started after `revision` was read.
    func keep(_ page: Page, slug: String, revision: VendorRevision, madeAt: Date) {
        let size = page.size
        guard maxAge > 0 else { return }
        state.withLock { state in
            if let replaced = state.entries.removeValue(forKey: slug) { state.bytes -= replaced.page.size }
            guard size <= capacity else { return }
            while state.bytes + size > capacity, let oldest = state.entries.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                state.entries[oldest.key] = nil
                state.bytes -= oldest.value.page.size
            }
            state.uses += 1
            state.entries[slug] = Entry(revision: revision, madeAt: madeAt, page: page, lastUsed: state.uses)
            state.bytes += size
        }
    }

    /// How many requests were served from memory and how many made their page, since start; how many pages are kept
    /// and their bytes.
    var statistics: (hits: Int, misses: Int, kept: Int, bytes: Int) {
        state.withLock { ($0.hits, $0.misses, $0.entries.count, $0.bytes) }
    }
}
