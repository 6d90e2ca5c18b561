import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Outreach
import Storage
import TestSupport
import Testing
@testable import WebService

/// `/api/v1/users`: accounts managed over the API as `tprm user` manages them, admin only, every change audited.
@Suite struct UserApiTests {
    typealias Fixture = ApiTests.Fixture

    func headers(_ token: String, json: Bool = true) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(token)"]
        if json { fields[.contentType] = "application/json" }
        return fields
    }

    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    func error(_ buffer: ByteBuffer) -> [String: String] {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: [String: String]]
        return object?["error"] ?? [:]
    }

    static func userActors(_ fixture: Fixture) throws -> [String] {
        try fixture.database.withConnection { connection in
            try connection.query("SELECT DISTINCT actor FROM audit_log WHERE entity = 'user'").map { try $0.decode(String.self, at: 0) }
        }
    }

    @Test func anAdminAddsAnAccountWithALinkChangesItsRoleDisablesAndResetsIt() async throws {
        let fixture = try Fixture("users-api", outreach: OutreachConfiguration(publicURL: "https://tprm.example"))
        try await fixture.app.test(.router) { client in
            let body = #"{"email": "Ana@Example.com", "name": "Ana Analyst", "role": "analyst"}"#
            try await client.execute(uri: "/api/v1/users", method: .post, headers: headers(fixture.admin), body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                let created = try object(response.body)
                let user = try #require(created["user"] as? [String: Any])
                #expect(user["email"] as? String == "ana@example.com" && user["hasPassword"] as? Bool == false)
                let link = try #require(created["passwordLink"] as? [String: Any])
                #expect((link["url"] as? String)?.hasPrefix("https://tprm.example/password/") == true)
            }
            #expect(try fixture.count("outbox") == 1, "the link is also emailed")
            try await client.execute(uri: "/api/v1/users/ana@example.com", method: .patch, headers: headers(fixture.admin),
                                     body: ByteBuffer(string: #"{"role": "committee", "disabled": true}"#)) { response in
                #expect(response.status == .ok)
                let user = try object(response.body)
                #expect(user["role"] as? String == "committee" && user["disabledAt"] != nil)
            }
            try await client.execute(uri: "/api/v1/users/ana@example.com/reset", method: .post, headers: headers(fixture.admin, json: false)) { response in
                #expect(response.status == .conflict, "a disabled account gets no link")
                #expect(error(response.body)["message"]?.contains("is disabled") == true)
            }
            try await client.execute(uri: "/api/v1/users/ana@example.com", method: .patch, headers: headers(fixture.admin),
                                     body: ByteBuffer(string: #"{"disabled": false}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/users/ana@example.com/reset", method: .post, headers: headers(fixture.admin, json: false)) { response in
                #expect(response.status == .created)
                let reset = try object(response.body)
                #expect((reset["passwordLink"] as? [String: Any])?["url"] != nil)
            }
            try await client.execute(uri: "/api/v1/users", method: .get, headers: headers(fixture.admin, json: false)) { response in
                let users = try #require((try object(response.body))["users"] as? [[String: Any]])
                #expect(users.map { $0["email"] as? String } == ["ana@example.com"])
                #expect(!String(buffer: response.body).contains("password_hash") && !String(buffer: response.body).contains("$2b$"))
            }
            let actors = try Self.userActors(fixture)
            #expect(actors == ["admin"], "every change is audited with the token's name")
        }
    }

    @Test func onlyAnAdminManagesAccountsAndWrongInputChangesNothing() async throws {
        let fixture = try Fixture("users-api-refused")
        try await fixture.app.test(.router) { client in
            for token in [fixture.analyst, fixture.committee] {
                try await client.execute(uri: "/api/v1/users", method: .post, headers: headers(token),
                                         body: ByteBuffer(string: #"{"email": "x@example.com", "name": "X", "role": "admin"}"#)) { response in
                    #expect(response.status == .forbidden)
                    #expect(error(response.body)["message"]?.contains("this needs admin") == true)
                }
                try await client.execute(uri: "/api/v1/users", method: .get, headers: headers(token, json: false)) { #expect($0.status == .forbidden) }
            }
            for (body, field, message) in [
                (#"{"email": "not an email", "name": "X", "role": "analyst"}"#, "email", "email: \"not an email\""),
                (#"{"email": "x@example.com", "name": "  ", "role": "analyst"}"#, "name", "name: must not be empty"),
                (#"{"email": "x@example.com", "name": "X", "role": "owner"}"#, "role", "owner"),
                (#"{"email": "x@example.com", "name": "X", "role": "analyst", "password": "password1234"}"#, "password", "password: "),
            ] {
                try await client.execute(uri: "/api/v1/users", method: .post, headers: headers(fixture.admin), body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .unprocessableContent, "\(body)")
                    #expect(error(response.body)["field"] == field)
                    #expect(error(response.body)["message"]?.contains(message) == true, "\(error(response.body))")
                }
            }
            try await client.execute(uri: "/api/v1/users/nobody@example.com", method: .patch, headers: headers(fixture.admin),
                                     body: ByteBuffer(string: #"{"role": "admin"}"#)) { #expect($0.status == .notFound) }
            #expect(try fixture.count("users") == 0 && fixture.count("outbox") == 0, "nothing was made")

            try await client.execute(uri: "/api/v1/users", method: .post, headers: headers(fixture.admin),
                                     body: ByteBuffer(string: #"{"email": "x@example.com", "name": "X", "role": "analyst", "password": "a quiet lantern over seven hills"}"#)) { response in
                #expect(response.status == .created)
                let created = try object(response.body)
                #expect(created["passwordLink"] == nil, "a password given: no link")
            }
            try await client.execute(uri: "/api/v1/users", method: .post, headers: headers(fixture.admin),
                                     body: ByteBuffer(string: #"{"email": "X@example.com", "name": "Again", "role": "admin"}"#)) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/api/v1/users/x@example.com", method: .patch, headers: headers(fixture.admin),
                                     body: ByteBuffer(string: #"{}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(error(response.body)["message"]?.contains("nothing to change") == true)
            }
            let user = try UserStore(database: fixture.database).user("x@example.com")
            #expect(user.role == .analyst && user.name == "X" && user.isEnabled)
        }
    }
}
