import Foundation
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

/// The workspace's vendor list walked page by page in every order and page size: the pages together are the order
/// SQL gives over all vendors, without a repeat or a gap, also where the scored vendors end and the unscored begin
/// (the score order reads the two apart).
@Suite struct VendorListOrderTests {
    @Test func everyOrderWalkedInEveryPageSizeIsTheWholeOrderOnce() throws {
        let registry = try Registry("list-order")
        let criticalities: [AIProfile.BusinessCriticality] = [.low, .critical, .medium, .high, .low, .critical, .medium, .high, .low]
        for (index, criticality) in criticalities.enumerated() {
            try registry.vendors.add(Registry.draft("vendor-\(index)", name: index % 3 == 0 ? "Same Name" : "Vendor \(9 - index)", criticality: criticality),
                                     actor: "test")
        }
        // Six scored, two of them equal so that the id breaks the tie; three never scored.
        try registry.database.withConnection { connection in
            _ = try connection.execute("""
                INSERT INTO scores (vendor_id, hundredths, rating, breakdown, model_version, as_of)
                SELECT id, (ARRAY[4200, 1000, NULL, 7300, 4200, NULL, 9900, 0])[n], 'medium', '{}', 'm', now()
                FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM vendors) v WHERE n IN (1, 2, 4, 5, 7, 8)
                """)
        }
        let store = WorkspaceStore(database: registry.database)
        let rules = WorkQueues(now: Date(), cadence: [:])
        func expected(_ sort: VendorSort, _ filter: PostgresQuery) throws -> [String] {
            let direction = sort.descending ? "DESC" : "ASC"
            let key = ["name": "lower(v.name)", "score": "COALESCE(s.hundredths, -1)", "tier": "array_position(ARRAY['low','medium','high','critical'], v.tier)",
                       "updated": "v.updated_at"][sort.key.rawValue]!
            return try registry.database.withConnection { connection in
                try connection.query("""
                    SELECT v.slug FROM vendors v LEFT JOIN scores s ON s.vendor_id = v.id WHERE \(filter)
                    ORDER BY \(unsafeRaw: key) \(unsafeRaw: direction), v.id \(unsafeRaw: direction)
                    """).map { try $0.decode(String.self, at: 0) }
            }
        }
        for (filter, sql) in [(VendorFilter(), "TRUE" as PostgresQuery), (VendorFilter(tier: .medium), "v.tier = 'medium'")] {
            for key in VendorSort.Key.allCases {
                for descending in [false, true] {
                    let sort = VendorSort(key: key, descending: descending)
                    let whole = try expected(sort, sql)
                    #expect(try store.vendors(filter, rules: rules, sort: sort, after: nil, limit: nil).items.map(\.slug) == whole, "\(sort), all at once")
                    for size in 1...(whole.count + 1) {
                        var walked: [String] = [], mark: PageMark?, pages = 0
                        repeat {
                            let page = try store.vendors(filter, rules: rules, sort: sort, after: mark, limit: size)
                            #expect(page.items.count <= size)
                            #expect(!page.items.isEmpty || walked.isEmpty, "\(sort), \(size) a page: no empty page after the first")
                            walked += page.items.map(\.slug)
                            mark = page.next
                            pages += 1
                        } while mark != nil && pages <= whole.count + 1
                        #expect(walked == whole, "\(sort) in pages of \(size)")
                        #expect(pages == max(1, (whole.count + size - 1) / size), "\(sort) in pages of \(size): a next page only when more follow")
                    }
                }
            }
        }
        #expect(throws: PageMark.Invalid.self) {
            try store.vendors(VendorFilter(), rules: rules, sort: VendorSort(key: .score), after: PageMark(keys: ["many", "1"]), limit: 2)
        }
    }
}
