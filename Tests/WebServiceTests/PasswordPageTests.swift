import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Storage
import TestSupport
import Testing
import WebService

/// Setting a password with a one-time link, as a person does it in the browser: every refusal changes nothing.
@Suite struct PasswordPageTests {
    typealias Fixture = ApiTests.Fixture

    static func link(_ fixture: Fixture, email: String = "ana@example.com", name: String = "Ana <b>\"Analyst\"</b>") throws -> String {
        let (_, link) = try UserStore(database: fixture.database).add(email: email, name: name, role: .analyst, password: nil, actor: "admin") { user, link in
            OutgoingMessage(kind: .passwordLink, dedupeKey: "password_link:\(user.email)", recipients: [user.email], subject: "s", text: "t", html: "h")
        }
        return try #require(link).token
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return ByteBuffer(string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    func post(_ client: some TestClientProtocol, _ fields: [(String, String)], type: String = "application/x-www-form-urlencoded") async throws
        -> (HTTPResponse.Status, String) {
        try await client.execute(uri: "/password", method: .post, headers: [.contentType: type], body: Self.form(fields)) {
            ($0.status, String(buffer: $0.body))
        }
    }

    func hasPassword(_ fixture: Fixture) throws -> Bool {
        try UserStore(database: fixture.database).user("ana@example.com").hasPassword
    }

    @Test func aLinkOpensTheFormAndSetsThePasswordOnce() async throws {
        let fixture = try Fixture("passwordpage")
        let token = try Self.link(fixture)
        try await fixture.app.test(.router) { client in
            let page = try await client.execute(uri: "/password/\(token)", method: .get) { ($0.status, String(buffer: $0.body), $0.headers) }
            #expect(page.0 == .ok)
            #expect(page.1.contains("For Ana &lt;b&gt;&quot;Analyst&quot;&lt;/b&gt; (ana@example.com)"), "the name is escaped")
            #expect(page.1.contains(#"<input type="hidden" name="token" value="\#(token)">"#))
            #expect(page.2[.contentSecurityPolicy]?.contains("default-src 'none'") == true)

            let (status, body) = try await post(client, [("token", token), ("password", "correct horse battery staple"), ("confirm", "correct horse battery staple")])
            #expect(status == .ok)
            #expect(body.contains("The password of ana@example.com is set, and this link is used up."))
            #expect(try hasPassword(fixture))

            let again = try await client.execute(uri: "/password/\(token)", method: .get) { $0.status }
            #expect(again == .notFound, "a link works once")
            let (reuse, _) = try await post(client, [("token", token), ("password", "another fine passphrase"), ("confirm", "another fine passphrase")])
            #expect(reuse == .notFound)
        }
    }

    @Test func aRefusedPasswordComesBackWithItsReasonAndChangesNothing() async throws {
        let fixture = try Fixture("passwordbad")
        let token = try Self.link(fixture)
        try await fixture.app.test(.router) { client in
            let cases: [([(String, String)], HTTPResponse.Status, String)] = [
                ([("token", token), ("password", "short"), ("confirm", "short")], .unprocessableContent, "the password must be at least 12 characters"),
                ([("token", token), ("password", "correct horse battery staple"), ("confirm", "correct horse battery")], .unprocessableContent,
                 "the two passwords differ: type the same one twice"),
                ([("token", token), ("password", "Welcome2026!!"), ("confirm", "Welcome2026!!")], .unprocessableContent,
                 "the password is one of the most common ones (or one with digits and symbols added): choose another"),
                ([("token", "not-a-link"), ("password", "correct horse battery staple"), ("confirm", "correct horse battery staple")], .notFound,
                 "This link does not work"),
                ([("token", token), ("password", "correct horse battery staple")], .badRequest, "The form could not be read"),
            ]
            for (fields, status, message) in cases {
                let (got, body) = try await post(client, fields)
                #expect(got == status, "\(fields.map(\.0))")
                #expect(body.contains(message), "\(message)")
                if status == .unprocessableContent { #expect(body.contains(#"aria-invalid="true""#) && body.contains(#"id="password-error""#)) }
            }
            let (type, _) = try await post(client, [("token", token)], type: "application/json")
            #expect(type == .unsupportedMediaType)
            #expect(try !hasPassword(fixture))
            #expect(try AuditLog(database: fixture.database).entries(entity: "user", id: "ana@example.com").items.map(\.action) == ["create"],
                    "only the account's creation")
        }
    }

    @Test func lookupsAreLimitedPerClient() async throws {
        let fixture = try Fixture("passwordlimit", limiter: RateLimiter(capacity: 2, perMinute: 1))
        try await fixture.app.test(.router) { client in
            for _ in 0..<2 { #expect(try await client.execute(uri: "/password/guess", method: .get) { $0.status } == .notFound) }
            let limited = try await client.execute(uri: "/password/guess", method: .get) { ($0.status, $0.headers[.retryAfter]) }
            #expect(limited.0 == .tooManyRequests)
            #expect(limited.1 != nil)
        }
    }
}
