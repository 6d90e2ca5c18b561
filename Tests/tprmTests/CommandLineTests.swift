import Foundation
import Postgres
import TestSupport
import Testing

@testable import tprm

/// `tprm` as a user runs it: a process, its output and its exit code.
@Suite struct CommandLineTests {
    func tprm(_ arguments: [String], databaseURL: String?, currentDirectory: URL? = nil) throws -> Subprocess.Result {
        try Subprocess.run(
            Subprocess.tprmExecutable, arguments,
            environment: ["DATABASE_URL": databaseURL, "TPRM_MIGRATIONS": nil],
            currentDirectory: currentDirectory)
    }

    func migrations(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-cli-sql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func migrateAppliesListsAndThenReportsUpToDate() throws {
        let database = try TestDatabase.create("climigrate").connectionString
        let sql = try migrations([
            "001_vendors.sql": "CREATE TABLE vendors (id bigserial PRIMARY KEY);",
            "002_tier.sql": "ALTER TABLE vendors ADD COLUMN tier text;",
        ])
        let first = try tprm(["migrate", "--migrations", sql.path], databaseURL: database)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput == "applied 001_vendors.sql\napplied 002_tier.sql\napplied 2; 2 migrations in all\n")
        let second = try tprm(["migrate", "--migrations", sql.path], databaseURL: database)
        #expect(second.status == 0)
        #expect(second.standardOutput == "up to date: 2 migrations applied, none pending\n")

        try "CREATE INDEX vendors_tier ON vendors (tier);".write(to: sql.appendingPathComponent("003_index.sql"), atomically: true, encoding: .utf8)
        let status = try tprm(["migrate", "--status", "--migrations", sql.path], databaseURL: database)
        #expect(status.status == 0)
        let lines = status.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("VERSION  FILE"))
        #expect(lines[1].hasPrefix("1        001_vendors.sql  applied "))
        #expect(lines[3] == "3        003_index.sql    pending")
        #expect(lines.contains("2 applied, 1 pending"))

        let json = try tprm(["migrate", "--status", "--json", "--migrations", sql.path], databaseURL: database)
        let decoded = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]]
        #expect(decoded?.map { $0["file"] as? String } == ["001_vendors.sql", "002_tier.sql", "003_index.sql"])
        #expect(decoded?.last?["appliedAt"] == nil)
    }

    @Test func dbCheckReportsServerAndMigrationsAndFailsWhenPending() throws {
        let database = try TestDatabase.create("clicheck").connectionString
        let sql = try migrations(["001_vendors.sql": "CREATE TABLE vendors (id bigserial PRIMARY KEY);"])
        let pending = try tprm(["db", "check", "--migrations", sql.path], databaseURL: database)
        #expect(pending.status == 1)
        #expect(pending.standardOutput.contains("server:     PostgreSQL 1"))
        #expect(pending.standardOutput.contains("migrations: 0 applied, 1 pending"))
        #expect(pending.standardError == "tprm: 1 migrations pending (001_vendors.sql): run tprm migrate\n")

        #expect(try tprm(["migrate", "--migrations", sql.path], databaseURL: database).status == 0)
        let current = try tprm(["db", "check", "--migrations", sql.path], databaseURL: database)
        #expect(current.status == 0)
        #expect(current.standardOutput.contains("migrations: 1 applied, 0 pending (latest 001_vendors.sql)"))
        #expect(current.standardError.isEmpty)
    }

    @Test func malformedDatabaseURLIsAConfigurationError() throws {
        let result = try tprm(["db", "check"], databaseURL: "postgresql://localhost:notaport/tprm")
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("tprm: DATABASE_URL is not a valid PostgreSQL URL: "))
        #expect(result.standardError.filter { $0 == "\n" }.count == 1, "one line")
        let flag = try tprm(["migrate", "--database-url", "host=x dbnme=y"], databaseURL: nil)
        #expect(flag.status == 2)
        #expect(flag.standardError.hasPrefix("tprm: --database-url is not a valid PostgreSQL URL: "))
    }

    @Test func aConnectionSettingLibpqWouldRejectOnlyWhenConnectingIsAConfigurationError() throws {
        let result = try tprm(["db", "check"], databaseURL: "postgresql://localhost/tprm?sslmode=maybe")
        #expect(result.status == 2)
        #expect(result.standardError == "tprm: DATABASE_URL is not a valid PostgreSQL URL: invalid sslmode \"maybe\" (expected disable, allow, prefer, require, verify-ca, verify-full)\n")
    }

    @Test func usageErrorsAreOneLineWithAPointerToHelp() throws {
        let typo = try tprm(["migrat"], databaseURL: nil)
        #expect(typo.status == 2)
        #expect(typo.standardError == "tprm: unexpected argument 'migrat' (see tprm --help)\n")
        let misuse = try tprm(["migrate", "--json"], databaseURL: nil)
        #expect(misuse.status == 2)
        #expect(misuse.standardError == "tprm: --json goes with --status (see tprm migrate --help)\n")
        let notANumber = try tprm(["db", "check", "--connect-timeout", "abc"], databaseURL: nil)
        #expect(notANumber.status == 2)
        #expect(notANumber.standardError == "tprm: the value 'abc' is invalid for '--connect-timeout <seconds>' (see tprm db check --help)\n")
    }

    @Test func unreachableServerFailsWithinTheConnectTimeout() throws {
        let result = try tprm(
            ["db", "check", "--connect-timeout", "3"],
            databaseURL: "postgresql:///tprm?host=/nonexistent/tprm-socket&user=postgres")
        #expect(result.status == 1)
        #expect(result.standardError.hasPrefix("tprm: cannot connect to database tprm on /nonexistent/tprm-socket (user postgres): "))
        #expect(result.standardError.filter { $0 == "\n" }.count == 1, "one line")
        #expect(result.duration < .seconds(3))
    }

    @Test func noDatabaseConfiguredSaysHowToConfigureOne() throws {
        let elsewhere = FileManager.default.temporaryDirectory
        let result = try tprm(["db", "check"], databaseURL: nil, currentDirectory: elsewhere)
        #expect(result.status == 2)
        #expect(result.standardError == "tprm: no database configured: set DATABASE_URL, pass --database-url, or start the local cluster with scripts/pg-local start\n")
    }

    @Test func missingMigrationsDirectoryIsAConfigurationError() throws {
        let database = try TestDatabase.create("clinodir").connectionString
        let result = try tprm(["migrate", "--migrations", "/nonexistent/sql"], databaseURL: database)
        #expect(result.status == 2)
        #expect(result.standardError == "tprm: migrations directory /nonexistent/sql does not exist (pass --migrations DIR or set TPRM_MIGRATIONS)\n")
    }

    @Test func brokenMigrationExitsOneNamingFileAndLine() throws {
        let database = try TestDatabase.create("clibroken").connectionString
        let sql = try migrations(["001_broken.sql": "CREATE TABLE ok (id int);\nCREATE TABLE bad (id nosuchtype);\n"])
        let result = try tprm(["migrate", "--migrations", sql.path], databaseURL: database)
        #expect(result.status == 1)
        #expect(result.standardError == "tprm: 001_broken.sql:2:22: type \"nosuchtype\" does not exist (SQLSTATE 42704); the migration was rolled back\n")
        let connection = try Connection(configuration: try PostgresConfiguration(database))
        #expect(try connection.query("SELECT to_regclass('ok') IS NULL")[0].decode(Bool.self, at: 0), "nothing of the file stayed")
    }

    @Test func usageErrorsExitTwo() async throws {
        #expect(await Tprm.run(arguments: ["migrate", "--json"]) == 2)
        #expect(await Tprm.run(arguments: ["no-such-command"]) == 2)
        #expect(await Tprm.run(arguments: ["db", "check", "--connect-timeout", "0"]) == 2)
        #expect(await Tprm.run(arguments: ["--help"]) == 0)
    }

    @Test func argumentsParseIntoCommands() throws {
        let command = try Tprm.parseAsRoot(["migrate", "--status", "--migrations", "/tmp/sql", "--database-url", "postgresql:///x"])
        let migrate = try #require(command as? Migrate)
        #expect(migrate.status)
        #expect(migrate.migrationOptions.migrations == "/tmp/sql")
        #expect(migrate.database.databaseURL == "postgresql:///x")
        #expect(migrate.migrationOptions.schema(environment: [:]).directory.lastPathComponent == "/tmp/sql".split(separator: "/").last.map(String.init))
        #expect(try MigrationOptions.parse([]).schema(environment: ["TPRM_MIGRATIONS": "/srv/tprm/sql"]).directory.path == "/srv/tprm/sql")
    }

    @Test func databaseURLComesFromTheFlagThenTheEnvironment() throws {
        let fromFlag = try DatabaseOptions.parse(["--database-url", "postgresql://a@h1/db1"])
        #expect(try fromFlag.address(environment: ["DATABASE_URL": "postgresql://b@h2/db2"]).description == "database db1 on h1 (user a)")
        let fromEnvironment = try DatabaseOptions.parse([])
        #expect(try fromEnvironment.address(environment: ["DATABASE_URL": "postgresql://b@h2/db2"]).description == "database db2 on h2 (user b)")
    }
}
