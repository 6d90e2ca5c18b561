import Postgres
import TestSupport
import Testing

/// Fragments compose by interpolation: each binds its own values, numbered after those before it.
@Suite struct QueryFragmentTests {
    @Test func aFragmentsPlaceholdersFollowTheValuesBoundBeforeIt() {
        let tier = "high", search = "acme"
        var condition: PostgresQuery = "TRUE"
        condition = "\(condition) AND v.tier = \(tier)"
        condition = "\(condition) AND (v.name ILIKE '%' || \(search) || '%' OR v.slug ILIKE '%' || \(search) || '%')"
        let query: PostgresQuery = "SELECT v.id FROM vendors v WHERE v.status = \("active") AND \(condition) LIMIT \(11)"
        #expect(query.sql == "SELECT v.id FROM vendors v WHERE v.status = $1 AND TRUE AND v.tier = $2 AND (v.name ILIKE '%' || $3 || '%' OR v.slug ILIKE '%' || $4 || '%') LIMIT $5")
        #expect(query.bindings.count == 5)
    }

    @Test func placeholdersInQuotesAndDollarQuotesAreLeftAlone() {
        let fragment: PostgresQuery = "x = \(1) AND y = '$1' AND \"col$1\" = $$ $1 $$ AND z = \(2)"
        let query: PostgresQuery = "SELECT \(0), \(fragment)"
        #expect(query.sql == "SELECT $1, x = $2 AND y = '$1' AND \"col$1\" = $$ $1 $$ AND z = $3")
    }

    @Test func composedValuesReachTheServerInOrder() throws {
        let connection = try Connection(configuration: try TestDatabase.create("fragments"))
        let inner: PostgresQuery = "\("b")::text || \(Optional<String>.none)::text IS NULL"
        let rows = try connection.query("SELECT \("a")::text, \(inner), \(42)::bigint, \("c")::text")
        #expect(try rows[0].decode(String.self, at: 0) == "a")
        #expect(try rows[0].decode(Bool.self, at: 1) == true)
        #expect(try rows[0].decode(Int.self, at: 2) == 42)
        #expect(try rows[0].decode(String.self, at: 3) == "c")
    }
}
