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
            var digest: String?
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
                #expect(String(buffer: response.body).contains(digest ?? "-"), "the same pack, the same digest")
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
        #expect(try fixture.count("report_packs") == 2, "refused requests record nothing")
    }
}
