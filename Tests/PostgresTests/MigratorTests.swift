import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct MigratorTests {
    /// A temporary migrations directory.
    struct Directory {
        let url: URL

        init(_ files: [String: String]) throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-migrations-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for (name, text) in files { try write(name, text) }
        }

        func write(_ name: String, _ text: String) throws {
            try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }

    static let first = "CREATE TABLE vendors (id bigserial PRIMARY KEY, name text NOT NULL);\n"
    static let second = "ALTER TABLE vendors ADD COLUMN tier text;\nCREATE INDEX vendors_tier ON vendors (tier);\n"
    static let tenth = "INSERT INTO vendors (name, tier) VALUES ('seed', 'low');\n"

    func tables(_ connection: Connection) throws -> [String] {
        try connection.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").map { try $0.decode(String.self, at: 0) }
    }

    @Test func appliesInNumericOrderAndOnlyOnce() throws {
        // 010 sorts before 002 as text; numbers decide.
        let directory = try Directory(["010_seed.sql": Self.tenth, "001_vendors.sql": Self.first, "002_tier.sql": Self.second, "README.md": "not a migration"])
        let connection = try Connection(configuration: try TestDatabase.create("migrate"))
        let migrator = Migrator(directory: directory.url)
        let applied = try migrator.migrate(on: connection)
        #expect(applied.map(\.fileName) == ["001_vendors.sql", "002_tier.sql", "010_seed.sql"])
        #expect(try connection.query("SELECT tier FROM vendors")[0].decode(String.self, at: 0) == "low")
        let recorded = try connection.query("SELECT version, name, length(checksum) FROM schema_migrations ORDER BY version").decode((Int, String, Int).self)
        #expect(recorded.map(\.0) == [1, 2, 10])
        #expect(recorded.map(\.1) == ["vendors", "tier", "seed"])
        #expect(recorded.allSatisfy { $0.2 == 64 })

        #expect(try migrator.migrate(on: connection).isEmpty, "a second run applies nothing")
        #expect(try connection.query("SELECT count(*) FROM vendors")[0].decode(Int.self, at: 0) == 1)
        let status = try migrator.status(on: connection)
        #expect(status.map(\.migration.version) == [1, 2, 10])
        #expect(status.allSatisfy { $0.appliedAt != nil })
    }

    @Test func statusListsPendingMigrations() throws {
        let directory = try Directory(["001_vendors.sql": Self.first])
        let connection = try Connection(configuration: try TestDatabase.create("status"))
        let migrator = Migrator(directory: directory.url)
        #expect(try migrator.status(on: connection).map(\.appliedAt) == [nil], "fresh database: everything pending")
        try migrator.migrate(on: connection)
        try directory.write("002_tier.sql", Self.second)
        let status = try migrator.status(on: connection)
        #expect(status.map(\.migration.fileName) == ["001_vendors.sql", "002_tier.sql"])
        #expect(status[0].appliedAt != nil)
        #expect(status[1].appliedAt == nil)
    }

    @Test func refusesAnAppliedFileThatChanged() throws {
        let directory = try Directory(["001_vendors.sql": Self.first])
        let connection = try Connection(configuration: try TestDatabase.create("changed"))
        let migrator = Migrator(directory: directory.url)
        try migrator.migrate(on: connection)
        try directory.write("001_vendors.sql", Self.first + "-- a harmless comment is still a change\n")
        try directory.write("002_tier.sql", Self.second)
        let error = #expect(throws: MigrationError.self) { try migrator.migrate(on: connection) }
        #expect(error == .changed("001_vendors.sql"))
        #expect(error?.description == "001_vendors.sql has changed since it was applied; applied migrations are never edited, add a new file instead")
        #expect(try tables(connection) == ["schema_migrations", "vendors"])
        #expect(try connection.query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'vendors' AND column_name = 'tier'")[0].decode(Int.self, at: 0) == 0, "nothing pending was applied")
    }

    @Test func refusesRepeatedNumbersAndBadNames() throws {
        let connection = try Connection(configuration: try TestDatabase.create("dupes"))
        let duplicated = try Directory(["001_vendors.sql": Self.first, "1_other.sql": Self.second])
        let duplicate = #expect(throws: MigrationError.self) { try Migrator(directory: duplicated.url).migrate(on: connection) }
        #expect(duplicate?.description == "migration number 1 is used by more than one file: 001_vendors.sql, 1_other.sql")
        let badlyNamed = try Directory(["001_vendors.sql": Self.first, "vendors-v2.sql": Self.second])
        let badName = #expect(throws: MigrationError.self) { try Migrator(directory: badlyNamed.url).migrate(on: connection) }
        #expect(badName == .badFileName("vendors-v2.sql"))
        #expect(try tables(connection).isEmpty, "nothing applied")
        let missing = #expect(throws: MigrationError.self) { try Migrator(directory: URL(fileURLWithPath: "/nonexistent/sql")).load() }
        #expect(missing?.description == "migrations directory /nonexistent/sql does not exist")
    }

    @Test func refusesANewFileNumberedBeforeAnAppliedOne() throws {
        let directory = try Directory(["001_vendors.sql": Self.first, "005_tier.sql": Self.second])
        let connection = try Connection(configuration: try TestDatabase.create("order"))
        let migrator = Migrator(directory: directory.url)
        try migrator.migrate(on: connection)
        try directory.write("003_late.sql", Self.tenth)
        let error = #expect(throws: MigrationError.self) { try migrator.migrate(on: connection) }
        #expect(error == .outOfOrder("003_late.sql", appliedAfter: "005_tier.sql"))
    }

    @Test func refusesWhenAnAppliedFileIsGone() throws {
        let directory = try Directory(["001_vendors.sql": Self.first, "002_tier.sql": Self.second])
        let connection = try Connection(configuration: try TestDatabase.create("gone"))
        let migrator = Migrator(directory: directory.url)
        try migrator.migrate(on: connection)
        try FileManager.default.removeItem(at: directory.url.appendingPathComponent("002_tier.sql"))
        let error = #expect(throws: MigrationError.self) { try migrator.migrate(on: connection) }
        #expect(error == .missing(version: 2, name: "tier"))
    }

    @Test func aBrokenFileIsRolledBackAndNamedWithItsLine() throws {
        let broken = """
            -- adds incidents
            CREATE TABLE incidents (id bigserial PRIMARY KEY);
            ALTER TABLE vendors ADD COLUMN ünïcode_note text;
            CREATE TABLE broken (id bigint REFERENCES nowhere (id));
            """
        let directory = try Directory(["001_vendors.sql": Self.first, "002_incidents.sql": broken, "003_seed.sql": Self.tenth])
        let connection = try Connection(configuration: try TestDatabase.create("broken"))
        let error = #expect(throws: MigrationError.self) { try Migrator(directory: directory.url).migrate(on: connection) }
        guard case .failed(let file, let line, let column, let underlying) = error else {
            Issue.record("expected a failed migration, got \(String(describing: error))")
            return
        }
        #expect(file == "002_incidents.sql")
        #expect(line == 4)
        #expect(column == 1)
        #expect(underlying.code == .undefinedTable)
        #expect(error?.description == "002_incidents.sql:4:1: relation \"nowhere\" does not exist (SQLSTATE 42P01); the migration was rolled back")
        #expect(try tables(connection) == ["schema_migrations", "vendors"], "002 left nothing behind and 003 did not run")
        #expect(try connection.query("SELECT version FROM schema_migrations").map { try $0.decode(Int.self, at: 0) } == [1])
    }

    @Test func syntaxErrorsPointAtTheLineAndColumn() throws {
        let directory = try Directory(["001_bad.sql": "CREATE TABLE a (id int);\n\nCREATE TABEL b (id int);\n"])
        let connection = try Connection(configuration: try TestDatabase.create("syntaxmig"))
        let error = #expect(throws: MigrationError.self) { try Migrator(directory: directory.url).migrate(on: connection) }
        #expect(error?.description == "001_bad.sql:3:8: syntax error at or near \"TABEL\" (SQLSTATE 42601); the migration was rolled back")
        #expect(try tables(connection) == ["schema_migrations"])
    }

    @Test func concurrentMigratorsApplyEachFileOnce() throws {
        let slow = "CREATE TABLE counter (n int); INSERT INTO counter VALUES (1); SELECT pg_sleep(0.3);\n"
        let directory = try Directory(["001_counter.sql": slow, "002_bump.sql": "UPDATE counter SET n = n + 1;\n"])
        let configuration = try TestDatabase.create("concurrent")
        let migrator = Migrator(directory: directory.url)
        let group = DispatchGroup()
        let results = Failures()
        for _ in 0..<4 {
            DispatchQueue.global().async(group: group) {
                do {
                    let connection = try Connection(configuration: configuration)
                    results.append("applied \(try migrator.migrate(on: connection).count)")
                } catch {
                    results.append("error \(error)")
                }
            }
        }
        group.wait()
        #expect(results.all.sorted() == ["applied 0", "applied 0", "applied 0", "applied 2"])
        let connection = try Connection(configuration: configuration)
        #expect(try connection.query("SELECT n FROM counter")[0].decode(Int.self, at: 0) == 2)
    }
}
