import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Storage
import TestSupport
import Testing
@testable import WebService

/// Single sign-on through a reverse proxy: the header counts only from a trusted address, only for an enabled
/// account, and the session it opens is an ordinary one.
@Suite struct AuthProxyTests {
    typealias Fixture = ApiTests.Fixture
    static let header = HTTPField.Name("X-Forwarded-Email")!

    static func proxy(_ networks: String) throws -> AuthProxy {
        try #require(try AuthProxy(environment: ["TPRM_AUTH_PROXY_HEADER": "X-Forwarded-Email", "TPRM_TRUSTED_PROXIES": networks]))
    }

    static func audit(_ fixture: Fixture) throws -> [String] {
        try fixture.database.withConnection { connection in
            try connection.query("SELECT action || ' ' || actor || ' ' || COALESCE(after->>'via', '') || ' ' || COALESCE(after->>'reason', '') FROM audit_log WHERE entity = 'user' AND action LIKE 'sign_in%' ORDER BY id")
                .map { try $0.decode(String.self, at: 0) }
        }
    }

    @Test func aTrustedProxysHeaderSignsInAnEnabledAccountWithAnOrdinarySession() async throws {
        let fixture = try Fixture("proxy-trusted", authProxy: try Self.proxy("10.0.0.0/8, 127.0.0.1/32"))
        try SignInTests.person(fixture)
        try SignInTests.person(fixture, email: "gone@example.com", name: "Gone")
        try UserStore(database: fixture.database).setEnabled("gone@example.com", false, actor: "admin")
        try await fixture.app.test(.live) { client in
            let cookie = try await client.execute(uri: "/vendors", method: .get, headers: [Self.header: "Ana@Example.com"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<span title=\"ana@example.com\">"))
                let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("tprm_session=") })
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
                return String(cookie.split(separator: ";")[0])
            }
            // The session is an ordinary one: it works without the header, until signed out.
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .ok) }
            for email in ["nobody@example.com", "gone@example.com"] {
                try await client.execute(uri: "/", method: .get, headers: [Self.header: email]) { response in
                    #expect(response.status == .forbidden, "\(email)")
                    #expect(String(buffer: response.body).contains("tprm has no enabled account for \(email)"))
                    #expect(!response.headers[values: .setCookie].contains { $0.hasPrefix("tprm_session=") })
                }
            }
        }
        #expect(try Self.audit(fixture) == [
            "sign_in ana@example.com proxy ", "sign_in_refused nobody@example.com proxy unknown account", "sign_in_refused gone@example.com proxy account disabled",
        ])
        #expect(try SessionStore(database: fixture.database).openSessions("gone@example.com") == 0)
    }

    @Test func theHeaderFromAnUntrustedAddressIsIgnored() async throws {
        let fixture = try Fixture("proxy-untrusted", authProxy: try Self.proxy("10.0.0.0/8"))
        try SignInTests.person(fixture)
        try await fixture.app.test(.live) { client in
            try await client.execute(uri: "/", method: .get, headers: [Self.header: "ana@example.com"]) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login")
            }
        }
        #expect(try Self.audit(fixture).isEmpty, "nothing happened")
        #expect(try fixture.count("sessions") == 0)
    }

    @Test func networksAndSettingsAreReadStrictly() throws {
        func within(_ network: String, _ address: String) throws -> Bool {
            try #require(CIDR(network)).contains(try #require(CIDR.bytes(address)))
        }
        let inside = try within("10.1.0.0/16", "10.1.255.7"), outside = try within("10.1.0.0/16", "10.2.0.1")
        #expect(inside && !outside)
        let mapped = try within("127.0.0.1", "::ffff:127.0.0.1")
        #expect(mapped, "an IPv4-mapped peer is its IPv4 address")
        let v6 = try within("fd00::/8", "fd12:3456::1"), crossed = try within("::1/128", "127.0.0.1")
        #expect(v6 && !crossed)
        for wrong in ["10.0.0.0/33", "10.0.0/8", "example.com", "10.0.0.0/-1", "::1/129", ""] { #expect(CIDR(wrong) == nil, "\(wrong)") }
        let none = try AuthProxy(environment: [:])
        #expect(none == nil, "no header: no single sign-on")
        for (environment, message) in [
            (["TPRM_AUTH_PROXY_HEADER": "X-Forwarded-Email"], "TPRM_TRUSTED_PROXIES must name"),
            (["TPRM_AUTH_PROXY_HEADER": "X-Forwarded-Email", "TPRM_TRUSTED_PROXIES": "10.0.0.0/8, everyone"], "\"everyone\" is not an address or CIDR"),
            (["TPRM_AUTH_PROXY_HEADER": "X Forwarded", "TPRM_TRUSTED_PROXIES": "10.0.0.0/8"], "is not a header name"),
        ] {
            let error = #expect(throws: AuthProxy.Problem.self) { try AuthProxy(environment: environment) }
            #expect(error?.description.contains(message) == true, "\(environment)")
        }
    }
}
