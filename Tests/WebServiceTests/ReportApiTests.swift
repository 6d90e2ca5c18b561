import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
import WebService

@Suite struct ReportApiTests {
    @Test func theCommitteeReadsItsPackInEveryFormatAndBadParametersAre400() async throws {
        let fixture = try ApiTests.Fixture("apireport")
        try await fixture.app.test(.router) { client in
            let token: HTTPFields = [.authorization: "Bearer \(fixture.committee)"]
            var digest: String?, stylesheet = ""
            try await client.execute(uri: "/api/v1/reports/committee?asOf=2026-11-29&since=2026-09-01", method: .get, headers: token) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                let meta = body?["meta"] as? [String: Any]
                #expect(meta?["asOf"] as? String == "2026-11-29T00:00:00Z")
                digest = meta?["digest"] as? String
                #expect(response.headers.contains { $0.name.canonicalName == "x-pack-digest" && $0.value == digest })
            }
            try await client.execute(uri: "/api/v1/reports/committee?asOf=2026-11-29&since=2026-09-01&format=html", method: .get, headers: token) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"tprm-committee-2026-11-29.html\"")
                let pack = String(buffer: response.body)
                #expect(pack.contains(digest ?? "-"), "the same pack, the same digest")
                // The pack carries tprm's stylesheet inline, and the policy lets that copy apply by its hash: no inline
                // style else, no style attribute (which no hash covers).
                let style = try #require(pack.components(separatedBy: "<style>").dropFirst().first?.components(separatedBy: "</style>").first)
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy == "default-src 'none'; style-src 'sha256-\(Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString())'; img-src data:")
                #expect(!pack.contains(" style=") && pack.components(separatedBy: "<style>").count == 2)
                #expect(pack.contains("<body class=\"pack\">"))
                stylesheet = style
            }
            // The same stylesheet the portal and the workspace link.
            try await client.execute(uri: "/portal/static/tprm.css", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/css; charset=utf-8")
                #expect(String(buffer: response.body) == stylesheet && stylesheet.contains("body.pack") && stylesheet.contains("table.heat"))
            }
            for (query, field) in [("format=pdf", "format"), ("asOf=yesterday", "asOf"), ("since=2026-13-01", "since")] {
                try await client.execute(uri: "/api/v1/reports/committee?\(query)", method: .get, headers: token) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    #expect(String(buffer: response.body).contains(#""field":"\#(field)""#))
                }
            }
            try await client.execute(uri: "/api/v1/reports/committee?since=2026-12-01&asOf=2026-11-01", method: .get, headers: token) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("is not before the as-of date"))
            }
        }
        #expect(try fixture.count("report_packs") == 0, "a GET previews: it records nothing, refused or not")
    }

    @Test func aPostRecordsThePackAndMovesTheNextDefaultSince() async throws {
        let fixture = try ApiTests.Fixture("apireportpost")
        try await fixture.app.test(.router) { client in
            let token: HTTPFields = [.authorization: "Bearer \(fixture.analyst)"]
            func since(_ method: HTTPRequest.Method, _ query: String = "") async throws -> (HTTPResponse.Status, String?) {
                try await client.execute(uri: "/api/v1/reports/committee\(query)", method: method, headers: token) { response in
                    let body = try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                    return (response.status, (body?["meta"] as? [String: Any])?["since"] as? String)
                }
            }
            let (status, first) = try await since(.get, "?asOf=2026-11-29")
            #expect(status == .ok)
            #expect(first == "2026-08-31T00:00:00Z", "no pack recorded yet: 90 days before as-of")
            #expect(try await since(.get, "?asOf=2026-11-29").1 == first, "a GET moved nothing")
            #expect(try fixture.count("report_packs") == 0)

            let (created, recordedSince) = try await since(.post, "?asOf=2026-11-29")
            #expect(created == .created)
            #expect(recordedSince == first, "the POST is the pack the GET showed")
            #expect(try fixture.count("report_packs") == 1)
            #expect(try await since(.get, "?asOf=2026-12-15").1 == "2026-11-29T00:00:00Z", "the next pack starts where the recorded one ended")

            let (refused, _) = try await since(.post, "?format=pdf")
            #expect(refused == .badRequest)
            let (anonymous, _) = try await client.execute(uri: "/api/v1/reports/committee", method: .post) { ($0.status, 0) }
            #expect(anonymous == .unauthorized)
            try await client.execute(uri: "/api/v1/reports/committee", method: .post, headers: [.authorization: "Bearer \(fixture.committee)"]) { response in
                #expect(response.status == .forbidden, "the committee role reads; recording takes an analyst")
                #expect(String(buffer: response.body).contains("token committee has role committee; this needs analyst"))
            }
        }
        #expect(try fixture.count("report_packs") == 1, "a refused POST records nothing")
    }
}
