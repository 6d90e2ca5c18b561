import Foundation
import Postgres
import TestSupport
import Testing

/// `tprm user …`: accounts from the command line, each change audited, each wrong input refused with its reason.
@Suite struct UserCommandTests {
    let database: String

    init() throws {
        database = try TestDatabase.migrated("cliusers").connectionString
    }

    var environment: [String: String?] {
        ["DATABASE_URL": database, "TPRM_CATALOG": TestDatabase.repositoryRoot.appendingPathComponent("questionnaires").path,
         "TPRM_PUBLIC_URL": "https://tprm.example.com", "TPRM_MAIL": nil]
    }

    func tprm(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(Subprocess.tprmExecutable, arguments + ["--actor", "admin@example.com"], environment: environment)
    }

    /// `tprm user add … --password-stdin` with `password` on standard input.
    func add(_ email: String, password: String) throws -> Subprocess.Result {
        try Subprocess.run("/bin/sh", ["-c", #"printf '%s\n' "$1" | exec "$0" user add --email "$2" --name Bob --role committee --password-stdin"#,
                                       Subprocess.tprmExecutable, password, email], environment: environment)
    }

    func scalar(_ sql: String) throws -> Int {
        try Connection(configuration: try PostgresConfiguration(database)).query(PostgresQuery(unsafeSQL: sql))[0].decode(Int.self, at: 0)
    }

    @Test func addPrintsAOneTimeLinkAndMailsItThenRoleDisableEnableAndReset() throws {
        let added = try tprm(["user", "add", "--email", "Ana@Example.com", "--name", "Ana Analyst", "--role", "analyst"])
        #expect(added.status == 0, "\(added.standardError)")
        let lines = added.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "added ana@example.com (analyst)")
        let link = try #require(lines.last)
        #expect(link.hasPrefix("https://tprm.example.com/password/") && link.count == "https://tprm.example.com/password/".count + 43)
        #expect(try scalar("SELECT count(*) FROM outbox WHERE kind = 'password_link' AND 'ana@example.com' = ANY(recipients)") == 1)

        #expect(try tprm(["user", "role", "ana@example.com", "admin"]).standardOutput == "ana@example.com is now admin\n")
        #expect(try tprm(["user", "disable", "ana@example.com"]).standardOutput == "disabled ana@example.com\n")
        let refused = try tprm(["user", "reset", "ana@example.com"])
        #expect(refused.status == 2)
        #expect(refused.standardError == "tprm: email: ana@example.com is disabled: enable it first (tprm user enable ana@example.com)\n")
        #expect(try tprm(["user", "enable", "ana@example.com"]).standardOutput == "enabled ana@example.com\n")
        let reset = try tprm(["user", "reset", "ana@example.com"])
        #expect(reset.status == 0)
        #expect(reset.standardOutput.contains("https://tprm.example.com/password/"))
        #expect(try scalar("SELECT count(*) FROM password_links WHERE revoked_at IS NULL AND used_at IS NULL") == 1, "the reset revoked the first link")

        let list = try tprm(["user", "list"])
        #expect(list.standardOutput.contains("ana@example.com  Ana Analyst  admin  not set   enabled"))
        #expect(try scalar("SELECT count(*) FROM audit_log WHERE entity = 'user' AND actor = 'admin@example.com'") == 5,
                "add, role, disable, enable and reset, one row each; the refused reset none")
    }

    @Test func aPasswordFromStandardInputIsCheckedAndNeverShown() throws {
        let weak = try add("bob@example.com", password: "Password2026!")
        #expect(weak.status == 2)
        #expect(weak.standardError
                == "tprm: --password-stdin: the password is one of the most common ones (or one with digits and symbols added): choose another\n")
        #expect(try scalar("SELECT count(*) FROM users") == 0)

        let good = try add("bob@example.com", password: "a long and unusual phrase")
        #expect(good.status == 0, "\(good.standardError)")
        #expect(good.standardOutput == "added bob@example.com (committee)\n", "no link when the password is given")
        #expect(try scalar("SELECT count(*) FROM users WHERE password_hash LIKE '$2b$12$%'") == 1, "bcrypt, cost 12")
        #expect(try scalar("SELECT count(*) FROM outbox") == 0)
    }

    @Test(arguments: [
        (["user", "add", "--email", "not-an-address", "--name", "X", "--role", "admin"],
         "tprm: --email: \"not-an-address\" is not an email address (see tprm user add --help)\n"),
        (["user", "add", "--email", "x@example.com", "--name", "X", "--role", "root"],
         "tprm: --role: unknown value \"root\" (expected committee, analyst, admin) (see tprm user add --help)\n"),
        (["user", "add", "--email", "x@example.com", "--name", " ", "--role", "admin"], "tprm: --name must not be empty (see tprm user add --help)\n"),
        (["user", "role", "nobody@example.com", "admin"], "tprm: no user with email nobody@example.com\n"),
        (["user", "disable", "nobody@example.com"], "tprm: no user with email nobody@example.com\n"),
        (["user", "reset", "nobody@example.com"], "tprm: no user with email nobody@example.com\n"),
    ])
    func wrongInputIsRefusedWithItsReasonAndChangesNothing(arguments: [String], message: String) throws {
        let result = try tprm(arguments)
        #expect(result.status == 2)
        #expect(result.standardError == message)
        #expect(try scalar("SELECT count(*) FROM users") == 0)
        #expect(try scalar("SELECT count(*) FROM audit_log") == 0)
    }

    @Test func aSecondAccountWithTheSameEmailIsRefused() throws {
        #expect(try tprm(["user", "add", "--email", "ana@example.com", "--name", "Ana", "--role", "analyst"]).status == 0)
        let again = try tprm(["user", "add", "--email", "ANA@example.com", "--name", "Other", "--role", "admin"])
        #expect(again.status == 2)
        #expect(again.standardError == "tprm: a user with email ana@example.com exists\n")
        #expect(try scalar("SELECT count(*) FROM users") == 1)
    }
}
