import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ScoringPipeline
import Storage
import SupplierRisk
import TestSupport
import Testing
@testable import WebService

/// The committee pack from the browser: generated for the dates and format asked, recorded with who made it, listed,
/// and downloaded again as the same bytes.
@Suite struct PackPageTests {
    typealias Browser = SignInTests.Browser

    @Test func anAnalystGeneratesAPackAndAnyoneDownloadsTheSameBytesAgain() async throws {
        let fixture = try VendorRegistrationTests.fixture("pack-page")
        let vendors = VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering)
        for slug in ["acme-ai", "lumen-vision"] { _ = try vendors.add(WorkspacePageTests.draft(slug), actor: "test") }
        _ = try RescoreWorker(database: fixture.database, catalog: ApiTests.catalog, modelVersion: "test").drain()
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (status, page, _) = try await ana.get(client, "/reports")
            #expect(status == .ok && page.contains("No pack recorded yet.") && page.contains("90 days before the as-of (no pack is recorded yet)"))
            let csrf = try Browser.csrf(page)

            let (refused, refusal, _) = try await ana.post(client, "/reports", [("csrf", csrf), ("since", "last meeting"), ("asOf", "2999-01-01"), ("format", "pdf")])
            #expect(refused == .unprocessableContent)
            for (field, message) in [("since", "&quot;last meeting&quot; is not a date: write it as 2026-12-31, or leave it empty."),
                                     ("asOf", "A pack is as of now or a past date: tprm does not know the future."),
                                     ("format", "Choose a format: HTML, Markdown, JSON or CSV.")] {
                #expect(refusal.contains(#"id="\#(field)-problem">\#(message)"#), "\(field)")
            }
            #expect(refusal.contains(#"value="last meeting""#))
            let (backwards, backwardsPage, _) = try await ana.post(client, "/reports", [("csrf", csrf), ("since", "2026-06-01"), ("asOf", "2026-05-01"), ("format", "csv")])
            #expect(backwards == .unprocessableContent && backwardsPage.contains("The changes must start before the as-of date."))
            #expect(try fixture.count("report_packs") == 0, "nothing recorded")

            for format in ["csv", "html"] {
                let (made, _, headers) = try await ana.post(client, "/reports", [("csrf", csrf), ("since", ""), ("asOf", ""), ("format", format)])
                #expect(made == .seeOther && headers[.location] == "/reports?made=1")
            }
            let recorded = try WorkspacePageTests.strings(fixture, "SELECT id || ' ' || format || ' ' || digest || ' ' || generated_by FROM report_packs ORDER BY id")
            #expect(recorded.count == 2 && recorded.allSatisfy { $0.hasSuffix(" ana@example.com") })
            let (_, listed, _) = try await ana.get(client, "/reports?made=1")
            #expect(listed.contains("Pack recorded.") && listed.contains("since the last pack") == false)
            #expect(listed.contains("the last pack&#39;s as-of"), "the next pack starts where this one ended")

            // Downloaded again, by a committee member: the very bytes recorded, as the digest shows.
            let cora = Browser()
            _ = try await cora.signIn(client, email: "cora@example.com")
            let (_, readOnly, _) = try await cora.get(client, "/reports")
            #expect(!readOnly.contains(#"action="/reports""#))
            for row in recorded {
                let parts = row.split(separator: " ")
                let (id, format, digest) = (String(parts[0]), String(parts[1]), String(parts[2]))
                #expect(listed.contains(#"<a href="/reports/packs/\#(id)" download>pack \#(id)</a>"#) && listed.contains("<code>\(digest)</code>"))
                let (ok, body, headers) = try await cora.get(client, "/reports/packs/\(id)")
                #expect(ok == .ok && headers[HTTPField.Name("X-Pack-Digest")!] == digest, "\(format)")
                #expect(headers[.contentDisposition]?.hasPrefix("attachment; filename=\"tprm-committee-") == true)
                if format == "csv" {
                    #expect(PortalSecret.sha256Hex(Data(body.utf8)) == digest, "the file is the one recorded")
                    #expect(body.contains("acme-ai") && body.contains("lumen-vision"))
                }
            }
            #expect(try fixture.count("report_packs") == 2, "downloading again records nothing")
            let (none, _, _) = try await cora.get(client, "/reports/packs/999")
            #expect(none == .notFound)
        }
    }
}
