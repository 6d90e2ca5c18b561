import Foundation
import Postgres
import Storage
import TestSupport
import Testing

/// Accounts: made with a one-time link or a password, changed with an audit row each, never showing a hash.
@Suite struct UserStoreTests {
    static func message(_ user: User, _ link: PasswordLink) -> OutgoingMessage {
        OutgoingMessage(kind: .passwordLink, dedupeKey: "password_link:\(link.token.prefix(8))", recipients: [user.email], subject: "set it",
                        text: "link \(link.token)", html: "<p>link</p>")
    }

    @Test func anAccountWithoutAPasswordGetsALinkByMailThatWorksOnce() throws {
        let registry = try Registry("usersadd")
        let users = UserStore(database: registry.database)
        let (user, link) = try users.add(email: " Ana@Example.COM ", name: " Ana ", role: .analyst, password: nil, actor: "admin@example.com",
                                         message: Self.message)
        #expect(user.email == "ana@example.com" && user.name == "Ana" && user.role == .analyst && !user.hasPassword && user.isEnabled)
        let token = try #require(link?.token)
        #expect(token.count == 43, "256 random bits, base64url")
        #expect(try registry.count("outbox") == 1)
        #expect(try registry.database.withConnection { try $0.query("SELECT text_body FROM outbox")[0].decode(String.self, at: 0) } == "link \(token)")
        #expect(try registry.database.withConnection { try $0.query("SELECT count(*) FROM password_links WHERE token_hash LIKE '%' || \(token) || '%'")[0]
            .decode(Int.self, at: 0) } == 0, "only the hash of the token is kept")

        let set = try users.setPassword(link: token, password: "correct horse battery staple")
        #expect(set.hasPassword)
        #expect(throws: StorageError.notFound("this link does not work: it may have been used, replaced or have expired; ask for a new one")) {
            try users.setPassword(link: token, password: "another long passphrase")
        }
        let audit = try AuditLog(database: registry.database).entries(entity: "user", id: "ana@example.com").items
        #expect(audit.map(\.actor) == ["admin@example.com", "ana@example.com"])
        #expect(audit.allSatisfy { !($0.after ?? "").contains("$2") && !($0.after ?? "").contains("password_hash") }, "no hash in the audit log")
    }

    @Test func wrongPasswordsTriedAllAtOnceAreRefusedNoMoreThanTheLimitAllows() throws {
        let registry = try Registry("signinparallel")
        _ = try UserStore(database: registry.database).add(email: "ana@example.com", name: "Ana", role: .analyst, password: "correct horse battery staple",
                                                            actor: "admin") { _, _ in fatalError("a password was given: no link") }
        let sessions = SessionStore(database: registry.database, policy: SessionPolicy(accountFailures: 3, clientFailures: 100))
        // Twelve guesses at once: each is checked against the count before any has been added to it.
        let outcomes = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 12) { attempt in
            let outcome: String
            switch try? sessions.signIn(email: "ana@example.com", password: "guess number \(attempt)", client: "10.0.0.\(attempt)") {
            case .refused?: outcome = "refused"
            case .limited?: outcome = "limited"
            case .signedIn?: outcome = "signed in"
            case nil: outcome = "error"
            }
            outcomes.withValue { $0.append(outcome) }
        }
        let counted = outcomes.value
        #expect(counted.filter { $0 == "refused" }.count == 3, "three passwords checked, as the limit allows: \(counted)")
        #expect(counted.filter { $0 == "limited" }.count == 9)
        #expect(try registry.count("sign_in_failures") == 3)
        #expect(try AuditLog(database: registry.database).entries(entity: "user", id: "ana@example.com").items.filter { $0.action == "sign_in_refused" }.count == 3)
        // A right password once the account is limited still waits, and is not counted either.
        guard case .limited = try sessions.signIn(email: "ana@example.com", password: "correct horse battery staple", client: "10.0.0.99") else {
            Issue.record("the right password passed a limited account")
            return
        }
        #expect(try registry.count("sign_in_failures") == 3)
    }

    @Test func aRightPasswordIsNotLeftCountedAsAFailure() throws {
        let registry = try Registry("signinright")
        _ = try UserStore(database: registry.database).add(email: "ana@example.com", name: "Ana", role: .analyst, password: "correct horse battery staple",
                                                            actor: "admin") { _, _ in fatalError("a password was given: no link") }
        let sessions = SessionStore(database: registry.database, policy: SessionPolicy(accountFailures: 2, clientFailures: 100))
        for _ in 0..<3 {
            guard case .signedIn = try sessions.signIn(email: "ana@example.com", password: "correct horse battery staple", client: "10.0.0.1") else {
                Issue.record("a right password was refused")
                return
            }
        }
        #expect(try registry.count("sign_in_failures") == 0)
        #expect(try registry.count("sessions") == 3)
    }

    @Test func aResetRevokesEarlierLinksAndADisabledAccountGetsNone() throws {
        let registry = try Registry("usersreset")
        let users = UserStore(database: registry.database)
        let (_, first) = try users.add(email: "bob@example.com", name: "Bob", role: .committee, password: nil, actor: "admin", message: Self.message)
        let second = try users.reset("BOB@example.com", actor: "admin", message: Self.message)
        #expect(throws: StorageError.self) { try users.setPassword(link: first!.token, password: "correct horse battery staple") }
        try users.setEnabled("bob@example.com", false, actor: "admin")
        #expect(throws: StorageError.self, "a disabled account's links stop working") {
            try users.setPassword(link: second.token, password: "correct horse battery staple")
        }
        #expect(throws: StorageError.conflict(field: "email", reason: "bob@example.com is disabled: enable it first (tprm user enable bob@example.com)")) {
            try users.reset("bob@example.com", actor: "admin", message: Self.message)
        }
        #expect(try registry.count("outbox") == 2, "nothing sent for the refused reset")
        try users.setEnabled("bob@example.com", true, actor: "admin")
        #expect(try users.user("bob@example.com").isEnabled)
    }

    @Test func wrongInputIsRefusedWithItsReasonAndChangesNothing() throws {
        let registry = try Registry("usersbad")
        let users = UserStore(database: registry.database)
        _ = try users.add(email: "ana@example.com", name: "Ana", role: .admin, password: "correct horse battery staple", actor: "setup", message: Self.message)
        #expect(try registry.count("outbox") == 0, "an account made with a password gets no link")
        let audits = try registry.count("audit_log")
        #expect(throws: StorageError.duplicate("a user with email ana@example.com exists")) {
            _ = try users.add(email: "ANA@example.com", name: "Other", role: .analyst, password: nil, actor: "setup", message: Self.message)
        }
        #expect(throws: StorageError.invalid(field: "email", reason: "is not an email address")) {
            _ = try users.add(email: "ana at example", name: "Other", role: .analyst, password: nil, actor: "setup", message: Self.message)
        }
        #expect(throws: StorageError.invalid(field: "name", reason: "must be 1 to 200 characters")) {
            _ = try users.add(email: "x@example.com", name: "  ", role: .analyst, password: nil, actor: "setup", message: Self.message)
        }
        #expect(throws: StorageError.notFound("no user with email nobody@example.com")) { try users.setRole("nobody@example.com", .admin, actor: "x") }
        #expect(try users.list().map(\.email) == ["ana@example.com"])
        #expect(try registry.count("audit_log") == audits)
        #expect(try registry.count("password_links") == 0)
    }

    @Test(arguments: [
        ("short pass", "the password must be at least 12 characters"),
        (String(repeating: "é", count: 40), "the password must be at most 72 bytes (bcrypt reads no more)"),
        ("aaaaaaaaaaaaaaa", "the password repeats one or two characters: choose a longer phrase"),
        ("1234567890123", "the password is a run of a keyboard row or of digits: choose another"),
        ("qwertyuiopqwe", "the password is a run of a keyboard row or of digits: choose another"),
        ("P@ssword2026!", "the password is one of the most common ones (or one with digits and symbols added): choose another"),
        ("Summer2026!!!", "the password is one of the most common ones (or one with digits and symbols added): choose another"),
        ("2026-12-02 1234", "the password is one of the most common ones (or one with digits and symbols added): choose another"),
        ("ana.analyst-2026", "the password must not contain your email address"),
    ])
    func aGuessablePasswordIsRefusedWithItsReason(password: String, reason: String) {
        #expect(PasswordPolicy.problem(password, email: "ana.analyst@example.com") == reason)
    }

    @Test func aLongPhraseIsAccepted() {
        #expect(PasswordPolicy.problem("correct horse battery staple", email: "ana@example.com") == nil)
        #expect(PasswordPolicy.problem("Tr0ub4dor&3-lemon-kite", email: "ana@example.com") == nil)
    }
}
