import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import SupplierRisk
import TestSupport
import Testing
@testable import WebService

/// Incidents from the workspace: recorded with every wrong field named and nothing saved, the notice check shown as
/// the score judges it, updated, resolved with how, times shown and sent back unchanged not rewritten.
@Suite struct IncidentFormsTests {
    typealias Browser = SignInTests.Browser

    static func field(_ date: Date) -> String { WorkspaceController.minuteField(date) }

    @Test func anIncidentIsRecordedWithItsNoticeJudgedThenResolved() async throws {
        let fixture = try RelationshipFormsTests.fixture("incident-forms")
        let vendor = try VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering).vendor("acme-ai")
        let sla = try #require(ScoringModel(catalog: ApiTests.catalog).noticeSLA(tier: vendor.tier, clauses: []))
        let occurred = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 5 * 86_400)
        let notified = occurred.addingTimeInterval(Double(sla.hours + 12) * 3_600)
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, vendorPage, _) = try await ana.get(client, "/vendors/acme-ai")
            #expect(vendorPage.contains(#"href="/vendors/acme-ai/incidents/new""#))
            let (_, form, _) = try await ana.get(client, "/vendors/acme-ai/incidents/new")
            let csrf = try Browser.csrf(form)
            let before = try RelationshipFormsTests.state(fixture) + [fixture.count("incidents")]
            let (refused, page, _) = try await ana.post(client, "/vendors/acme-ai/incidents", [
                ("csrf", csrf), ("title", " "), ("category", "gremlins"), ("severity", "high"), ("occurred", "yesterday"),
                ("notified", Self.field(occurred.addingTimeInterval(-3_600))), ("aware", "2999-01-01T00:00"),
            ])
            #expect(refused == .unprocessableContent && page.contains("Nothing was saved"))
            for (name, message) in [("title", "Say what happened, in a line."), ("category", "Choose what kind of incident it is."),
                                    ("occurred", "&quot;yesterday&quot; is not a time: write it as 2026-12-08T09:30 (UTC), or a day as 2026-12-08."),
                                    ("aware", "When the vendor knew is in the future.")] {
                #expect(page.contains(#"id="\#(name)-problem">\#(message)"#), "\(name)")
            }
            #expect(try RelationshipFormsTests.state(fixture) + [fixture.count("incidents")] == before, "nothing saved")

            let (added, _, headers) = try await ana.post(client, "/vendors/acme-ai/incidents", [
                ("csrf", csrf), ("title", "Customer data in another tenant's answers"), ("category", "data_leakage_via_model"), ("severity", "high"),
                ("occurred", Self.field(occurred)), ("detected", ""), ("aware", ""), ("notified", Self.field(notified)),
            ])
            #expect(added == .seeOther)
            let location = try #require(headers[.location])
            let id = try #require(Int(location.dropFirst("/incidents/".count).prefix { $0.isNumber }))
            #expect(try WorkspacePageTests.strings(fixture, "SELECT actor FROM audit_log WHERE entity = 'incident'") == ["ana@example.com"])
            let (_, shown, _) = try await ana.get(client, location)
            #expect(shown.contains("Incident recorded."))
            #expect(shown.contains("The clock starts at detection, \(CivilTime.minuteText(occurred))."))
            #expect(shown.contains("SLA \(sla.hours) hours (the library&#39;s for the tier; none signed)"))
            #expect(shown.contains("Notified \(sla.hours + 12) hours after detection: late."))
            #expect(shown.contains("While the incident is open, a late notice counts in the vendor&#39;s score."))

            // The notice time kept to the second when the form sends back the minute it showed.
            try fixture.execute("UPDATE incidents SET vendor_notified_at = vendor_notified_at + interval '17 seconds'")
            let stored = try WorkspacePageTests.strings(fixture, "SELECT vendor_notified_at::text FROM incidents")
            let (_, page2, _) = try await ana.get(client, "/incidents/\(id)")
            let csrf2 = try Browser.csrf(page2)
            let (noHow, noHowPage, _) = try await ana.post(client, "/incidents/\(id)", [
                ("csrf", csrf2), ("status", "resolved"), ("severity", "high"), ("aware", ""), ("notified", Self.field(notified)), ("resolution", ""), ("resolved", ""),
            ])
            #expect(noHow == .unprocessableContent && noHowPage.contains(#"id="resolution-problem">Say how it was resolved: the committee reads it."#))
            #expect(try WorkspacePageTests.strings(fixture, "SELECT status FROM incidents") == ["open"])
            let (resolved, _, resolvedHeaders) = try await ana.post(client, "/incidents/\(id)", [
                ("csrf", csrf2), ("status", "resolved"), ("severity", "medium"), ("aware", ""), ("notified", Self.field(notified)),
                ("resolution", "Tenant isolation fixed; affected answers purged."), ("resolved", ""),
            ])
            #expect(resolved == .seeOther && resolvedHeaders[.location] == "/incidents/\(id)?done=updated")
            #expect(try WorkspacePageTests.strings(fixture, "SELECT status || ' ' || severity || ' ' || (resolved_at IS NOT NULL)::text FROM incidents")
                    == ["resolved medium true"])
            #expect(try WorkspacePageTests.strings(fixture, "SELECT vendor_notified_at::text FROM incidents") == stored, "not rewritten")
            let (_, after, _) = try await ana.get(client, "/incidents/\(id)?done=updated")
            #expect(after.contains("The incident is resolved: its notice no longer counts in the score."))
            let (_, vendorAfter, _) = try await ana.get(client, "/vendors/acme-ai")
            #expect(vendorAfter.contains(#"<a href="/incidents/\#(id)">Customer data in another tenant&#39;s answers</a>"#))

            let cora = Browser()
            _ = try await cora.signIn(client, email: "cora@example.com")
            let (read, readPage, _) = try await cora.get(client, "/incidents/\(id)")
            #expect(read == .ok && !readPage.contains(#"action="/incidents/"#))
            let (form403, _, _) = try await cora.get(client, "/vendors/acme-ai/incidents/new")
            #expect(form403 == .forbidden)
            let (none, _, _) = try await ana.get(client, "/incidents/999999")
            #expect(none == .notFound)
        }
    }
}
