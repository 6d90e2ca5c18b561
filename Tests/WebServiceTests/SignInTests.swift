import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Storage
import TestSupport
import Testing
@testable import WebService

/// Signing in to the workspace and out again, as a browser does it: cookies, the forms' tokens, the limits on
/// failures, and every way a session ends.
@Suite struct SignInTests {
    typealias Fixture = ApiTests.Fixture
    static let password = "correct horse battery staple"

    static func person(_ fixture: Fixture, email: String = "ana@example.com", name: String = "Ana <b>Analyst</b>") throws {
        _ = try UserStore(database: fixture.database).add(email: email, name: name, role: .analyst, password: password, actor: "admin") { _, _ in
            fatalError("a password was given: no link")
        }
    }

    /// A browser's cookie jar, enough for these pages: a name's last value wins, an empty value removes it.
    final class Browser: @unchecked Sendable {
        var cookies: [String: String] = [:]

        func take(_ headers: HTTPFields) {
            for header in headers[values: .setCookie] {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty { cookies[name] = nil } else { cookies[name] = value }
            }
        }

        var header: HTTPFields {
            var fields = HTTPFields()
            if !cookies.isEmpty { fields[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            return fields
        }

        func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, String, HTTPFields) {
            try await client.execute(uri: uri, method: .get, headers: header) { response in
                self.take(response.headers)
                return (response.status, String(buffer: response.body), response.headers)
            }
        }

        func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)]) async throws -> (HTTPResponse.Status, String, HTTPFields) {
            var headers = header
            headers[.contentType] = "application/x-www-form-urlencoded"
            return try await client.execute(uri: uri, method: .post, headers: headers, body: PasswordPageTests.form(fields)) { response in
                self.take(response.headers)
                return (response.status, String(buffer: response.body), response.headers)
            }
        }

        /// The hidden `csrf` field of the page.
        static func csrf(_ page: String) throws -> String {
            let marker = #"name="csrf" value=""#
            let start = try #require(page.range(of: marker)).upperBound
            return String(page[start...].prefix { $0 != "\"" })
        }

        /// Opens the sign-in page and posts it.
        func signIn(_ client: some TestClientProtocol, email: String = "ana@example.com", password: String = SignInTests.password,
                    next: String = "/") async throws -> (HTTPResponse.Status, String, HTTPFields) {
            let (_, page, _) = try await get(client, "/login?next=" + next.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            return try await post(client, "/login", [("email", email), ("password", password), ("csrf", try Self.csrf(page)), ("next", next)])
        }
    }

    static func sessionHash(_ fixture: Fixture) throws -> String {
        try fixture.database.withConnection { try $0.query("SELECT token_hash FROM sessions")[0].decode(String.self, at: 0) }
    }

    func audit(_ fixture: Fixture, _ action: String) throws -> [String] {
        try fixture.database.withConnection { connection in
            try connection.query("SELECT actor FROM audit_log WHERE action = \(action) ORDER BY id").map { try $0.decode(String.self, at: 0) }
        }
    }

    @Test func signingInComesBackToThePageAskedForAndSigningOutEndsTheSession() async throws {
        let fixture = try Fixture("signin")
        try Self.person(fixture)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            let (asked, _, askedHeaders) = try await browser.get(client, "/?view=mine")
            #expect(asked == .seeOther)
            #expect(askedHeaders[.location] == "/login?next=/%3Fview%3Dmine")

            let (page, form, headers) = try await browser.get(client, "/login?next=/%3Fview%3Dmine")
            #expect(page == .ok)
            #expect(form.contains(#"name="next" value="/?view&#61;mine""#) || form.contains(#"name="next" value="/?view=mine""#))
            #expect(headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let signInCookie = try #require(headers[values: .setCookie].first { $0.hasPrefix("tprm_signin=") })
            #expect(signInCookie.contains("HttpOnly") && signInCookie.contains("SameSite=Strict") && signInCookie.contains("Path=/login"))

            let (status, _, signedIn) = try await browser.post(
                client, "/login", [("email", " Ana@Example.com "), ("password", Self.password), ("csrf", try Browser.csrf(form)), ("next", "/?view=mine")])
            #expect(status == .seeOther)
            #expect(signedIn[.location] == "/?view=mine")
            let cookie = try #require(signedIn[values: .setCookie].first { $0.hasPrefix("tprm_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/") && !cookie.contains("Secure"))
            let secret = try #require(browser.cookies["tprm_session"])
            let stored = try Self.sessionHash(fixture)
            #expect(stored == PortalSecret.sha256Hex(Array(secret.utf8)) && stored != secret, "only the hash of the session's id is kept")

            let (home, body, _) = try await browser.get(client, "/")
            #expect(home == .ok)
            #expect(body.contains("<span title=\"ana@example.com\">Ana &lt;b&gt;Analyst&lt;/b&gt; · analyst</span>"), "the name is escaped")

            let (out, _, outHeaders) = try await browser.post(client, "/logout", [("csrf", try Browser.csrf(body))])
            #expect(out == .seeOther && outHeaders[.location] == "/login?signed_out=1")
            #expect(browser.cookies["tprm_session"] == nil, "the cookie is cleared")
            browser.cookies["tprm_session"] = secret  // a copy kept elsewhere no longer works
            do {
                let got = try await browser.get(client, "/")
                #expect(got.0 == .seeOther)
            }
        }
        #expect(try audit(fixture, "sign_in") == ["ana@example.com"])
        #expect(try audit(fixture, "sign_out") == ["ana@example.com"])
    }

    @Test func wrongPasswordsAreCountedPerAccountThenRefusedWith429() async throws {
        let fixture = try Fixture("signinlock", sessions: SessionPolicy(accountFailures: 3, clientFailures: 100))
        try Self.person(fixture)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            for attempt in ["wrong one here", "another wrong one", "still not it"] {
                let (status, body, _) = try await browser.signIn(client, password: attempt)
                #expect(status == .unauthorized)
                #expect(body.contains("The email or the password is not right."))
                #expect(body.contains(#"value="ana@example.com""#), "the email typed stays in the form")
            }
            let (status, body, headers) = try await browser.signIn(client)
            #expect(status == .tooManyRequests, "even the right password waits once the account is limited")
            #expect(body.contains("Too many failed sign-ins. Please wait"))
            let wait = try #require(headers[.retryAfter].flatMap(Int.init))
            #expect(wait > 0 && wait <= 15 * 60)
            #expect(browser.cookies["tprm_session"] == nil)
        }
        #expect(try fixture.count("sessions") == 0)
        #expect(try audit(fixture, "sign_in_refused") == Array(repeating: "ana@example.com", count: 3), "the limited attempt is not counted")
        // The failures leave the window: the account may sign in again.
        try fixture.execute("UPDATE sign_in_failures SET at = at - interval '16 minutes'")
        try await fixture.app.test(.router) { client in
            do {
                let got = try await Browser().signIn(client)
                #expect(got.0 == .seeOther)
            }
        }
    }

    @Test func failuresFromOneClientAreLimitedAcrossAccounts() async throws {
        let fixture = try Fixture("signinclient", sessions: SessionPolicy(accountFailures: 100, clientFailures: 2))
        try Self.person(fixture)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            do {
                let got = try await browser.signIn(client, email: "nobody@example.com", password: "guess number one")
                #expect(got.0 == .unauthorized)
            }
            do {
                let got = try await browser.signIn(client, email: "someone@example.com", password: "guess number two")
                #expect(got.0 == .unauthorized)
            }
            let (status, _, headers) = try await browser.signIn(client)
            #expect(status == .tooManyRequests)
            #expect(headers[.retryAfter] != nil)
        }
        #expect(try fixture.count("sessions") == 0)
        #expect(try audit(fixture, "sign_in_refused") == ["nobody@example.com", "someone@example.com"])
    }

    @Test func nextNeverLeavesTheSite() async throws {
        for hostile in ["//evil.example/", "/\\evil.example", "https://evil.example/", "evil.example", "/ok\u{0}", "/a b", "javascript:alert(1)", ""] {
            #expect(SignInController.safeNext(hostile) == "/", "\(hostile)")
        }
        #expect(SignInController.safeNext("/vendors?tier=critical") == "/vendors?tier=critical")
        let fixture = try Fixture("signinnext")
        try Self.person(fixture)
        try await fixture.app.test(.router) { client in
            let (status, _, headers) = try await Browser().signIn(client, next: "//evil.example/")
            #expect(status == .seeOther && headers[.location] == "/")
        }
    }

    @Test func formsWithoutTheirTokenAreRefusedAndChangeNothing() async throws {
        let fixture = try Fixture("signincsrf")
        try Self.person(fixture)
        try await fixture.app.test(.router) { client in
            let browser = Browser()
            // A post from another site carries no sign-in cookie (it is SameSite=Strict) and no token of ours.
            let (forged, body, _) = try await browser.post(client, "/login", [("email", "ana@example.com"), ("password", Self.password), ("csrf", PortalSecret.generate())])
            #expect(forged == .forbidden)
            #expect(body.contains("This form had expired. Please sign in again."))
            #expect(try fixture.count("sessions") == 0)

            let (blank, blankBody, _) = try await browser.signIn(client, email: " ", password: "")
            #expect(blank == .unprocessableContent && blankBody.contains("Type your email and your password."))

            do {
                let got = try await browser.signIn(client)
                #expect(got.0 == .seeOther)
            }
            let (out, outBody, _) = try await browser.post(client, "/logout", [("csrf", "forged")])
            #expect(out == .forbidden && outBody.contains("You are still signed in"))
            do {
                let got = try await browser.get(client, "/")
                #expect(got.0 == .ok, "still signed in")
            }
        }
        #expect(try SessionStore(database: fixture.database).openSessions("ana@example.com") == 1)
        #expect(try audit(fixture, "sign_out").isEmpty)
    }

    @Test func sessionsEndWhenIdleWhenOldWhenDisabledAndWhenThePasswordChanges() throws {
        let fixture = try Fixture("sessionsend")
        try Self.person(fixture)
        let store = SessionStore(database: fixture.database, policy: SessionPolicy(idle: 600, lifetime: 3600))
        func signIn() throws -> String {
            guard case .signedIn(_, let session, _) = try store.signIn(email: "ana@example.com", password: Self.password, client: "test") else {
                Issue.record("not signed in")
                return ""
            }
            return session
        }
        let idle = try signIn()
        #expect(try store.person(session: idle)?.user.email == "ana@example.com")
        try fixture.execute("UPDATE sessions SET last_seen_at = now() - interval '11 minutes'")
        #expect(try store.person(session: idle) == nil, "idle longer than its idle time")

        let old = try signIn()
        try fixture.execute("UPDATE sessions SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 second', last_seen_at = now() WHERE ended_at IS NULL")
        #expect(try store.person(session: old) == nil, "past its lifetime, however busy")

        let users = UserStore(database: fixture.database)
        let beforeDisable = try signIn()
        try users.setEnabled("ana@example.com", false, actor: "admin")
        #expect(try store.person(session: beforeDisable) == nil)
        try users.setEnabled("ana@example.com", true, actor: "admin")
        #expect(try store.person(session: beforeDisable) == nil, "enabling again does not revive the session")

        let beforeChange = try signIn()
        let link = try users.reset("ana@example.com", actor: "admin") { user, _ in
            OutgoingMessage(kind: .passwordLink, dedupeKey: "reset:\(user.email)", recipients: [user.email], subject: "s", text: "t", html: "h")
        }
        #expect(try store.person(session: beforeChange) != nil, "a reset link alone ends nothing")
        try users.setPassword(link: link.token, password: "a different long passphrase")
        #expect(try store.person(session: beforeChange) == nil)
        let ended = try fixture.database.withConnection { connection in
            try connection.query("SELECT ended_why FROM sessions WHERE ended_at IS NOT NULL ORDER BY id").map { try $0.decode(String.self, at: 0) }
        }
        // Disabling ends every session not yet ended, the idle and the expired ones with it.
        #expect(ended == ["disabled", "disabled", "disabled", "password_changed"])
        #expect(try store.person(session: "not-a-session") == nil)
    }
}
