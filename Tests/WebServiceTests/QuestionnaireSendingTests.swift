import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Outreach
import HummingbirdTesting
import Storage
import SupplierRisk
import TestSupport
import Testing
@testable import WebService

/// Sending a questionnaire from the workspace: the tier's template chosen, every wrong field named and nothing sent,
/// the private link shown once with the email, an open questionnaire replaced only when asked.
@Suite struct QuestionnaireSendingTests {
    typealias Browser = SignInTests.Browser

    @Test func anAnalystSendsTheTiersQuestionnaireAndSeesTheLinkOnce() async throws {
        let fixture = try VendorRegistrationTests.fixture("send-questionnaire")
        let tiering = ApiTests.catalog.scoring.tiering
        var draft = WorkspacePageTests.draft("acme-ai", name: "Acme AI")
        draft.contactEmail = "risk@acme.example"
        let vendor = try VendorStore(database: fixture.database, tiering: tiering).add(draft, actor: "test")
        let expected = try #require(ApiTests.catalog.questionnaire(for: vendor.tier))
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, page, _) = try await ana.get(client, "/vendors/acme-ai")
            #expect(page.contains(#"href="/vendors/acme-ai/send""#))
            let (status, form, _) = try await ana.get(client, "/vendors/acme-ai/send")
            #expect(status == .ok && form.contains(#"<option value="\#(expected.key)" selected>"#) && form.contains(#"value="risk@acme.example""#))
            let csrf = try Browser.csrf(form)

            let (refused, refusal, _) = try await ana.post(client, "/vendors/acme-ai/send", [
                ("csrf", csrf), ("template", "nope"), ("to", "not-an-address"), ("due", "tomorrow"), ("reason", "whim"),
            ])
            #expect(refused == .unprocessableContent && refusal.contains("Nothing was sent"))
            for (field, message) in [("template", "Choose a questionnaire: "), ("to", "&quot;not-an-address&quot; is not an email address."),
                                     ("due", "&quot;tomorrow&quot; is not a date: write it as 2026-12-31."), ("reason", "Choose a reason: ")] {
                #expect(refusal.contains(#"id="\#(field)-problem">\#(message)"#), "\(field)")
            }
            let (late, latePage, _) = try await ana.post(client, "/vendors/acme-ai/send", [
                ("csrf", csrf), ("template", expected.key), ("to", "risk@acme.example"), ("due", "2020-01-01"), ("reason", "onboarding"),
            ])
            #expect(late == .unprocessableContent && latePage.contains("Give a due date from tomorrow to a year from today."))
            #expect(try fixture.count("assessments") == 0 && fixture.count("outbox") == 0, "nothing sent")

            let due = CivilTime.dayText(Date().addingTimeInterval(20 * 86_400))
            let fields = [("csrf", csrf), ("template", expected.key), ("to", "Security@Acme.example"), ("due", due), ("reason", "onboarding")]
            let (sent, confirmation, _) = try await ana.post(client, "/vendors/acme-ai/send", fields)
            #expect(sent == .created)
            #expect(confirmation.contains("The private link, shown this once") && confirmation.contains("/portal/"))
            #expect(confirmation.contains("<strong>Subject:</strong> Due-diligence questionnaire from us"), "a copy of the email")
            #expect(confirmation.contains(", due \(due)."))
            #expect(try fixture.count("assessments") == 1 && fixture.count("outbox WHERE kind = 'invitation'") == 1)
            let audit = try AuditLog(database: fixture.database).entries(entity: "assessment").items
            #expect(audit.map(\.actor) == ["ana@example.com"])

            // A second one while the first is out: refused unless replacing is asked for.
            let (again, againPage, _) = try await ana.post(client, "/vendors/acme-ai/send", fields)
            #expect(again == .conflict && againPage.contains("has a questionnaire out already. Tick &quot;Replace it&quot;"))
            #expect(try fixture.count("assessments") == 1)
            let (replaced, _, _) = try await ana.post(client, "/vendors/acme-ai/send", fields + [("replace", "yes")])
            #expect(replaced == .created)
            #expect(try fixture.count("assessments WHERE status = 'cancelled'") == 1 && fixture.count("assessments") == 2)

            let cora = Browser()
            _ = try await cora.signIn(client, email: "cora@example.com")
            let (read, readPage, _) = try await cora.get(client, "/vendors/acme-ai/send")
            #expect(read == .forbidden && readPage.contains("Sending a questionnaire is for analysts"))
        }
    }

    @Test func anOpenQuestionnaireGetsANewLinkOrIsCancelledWithAReason() async throws {
        let fixture = try VendorRegistrationTests.fixture("relink-cancel")
        var draft = WorkspacePageTests.draft("acme-ai", name: "Acme AI")
        draft.contactEmail = "risk@acme.example"
        _ = try VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering).add(draft, actor: "test")
        let sent = try Invitations(database: fixture.database, catalog: ApiTests.catalog, configuration: OutreachConfiguration())
            .send(vendor: "acme-ai", actor: "test")
        let id = sent.assessment.id
        try await fixture.app.test(.router) { client in
            let ana = Browser(), cora = Browser()
            _ = try await ana.signIn(client)
            _ = try await cora.signIn(client, email: "cora@example.com")
            let (_, page, _) = try await ana.get(client, "/assessments/\(id)")
            #expect(page.contains(#"action="/assessments/\#(id)/relink""#) && page.contains(#"action="/assessments/\#(id)/cancel""#))
            let (_, read, _) = try await cora.get(client, "/assessments/\(id)")
            #expect(!read.contains("/relink") && !read.contains("/cancel\""), "the committee is offered neither")
            let csrf = try Browser.csrf(page)

            let (relinked, confirmation, _) = try await ana.post(client, "/assessments/\(id)/relink", [("csrf", csrf)])
            #expect(relinked == .created && confirmation.contains("A new link sent to Acme AI") && confirmation.contains("The links sent before no longer work."))
            #expect(!confirmation.contains(sent.link) && confirmation.contains("/portal/"), "a new link, not the old one")
            #expect(try fixture.count("assessment_links WHERE revoked_at IS NULL") == 1 && fixture.count("assessment_links") == 2)

            let (noReason, refusal, _) = try await ana.post(client, "/assessments/\(id)/cancel", [("csrf", csrf), ("reason", "  ")])
            #expect(noReason == .unprocessableContent && refusal.contains("Say why the questionnaire is cancelled: the reason is kept in the audit log. Nothing was changed."))
            #expect(try fixture.count("assessments WHERE status = 'cancelled'") == 0)
            let (forged, _, _) = try await ana.post(client, "/assessments/\(id)/cancel", [("csrf", "forged"), ("reason", "x")])
            #expect(forged == .forbidden)
            let (cancelled, _, headers) = try await ana.post(client, "/assessments/\(id)/cancel", [("csrf", csrf), ("reason", "Sent to the wrong <team>")])
            #expect(cancelled == .seeOther && headers[.location] == "/assessments/\(id)?cancelled=1")
            #expect(try fixture.count("assessments WHERE status = 'cancelled'") == 1 && fixture.count("assessment_links WHERE revoked_at IS NULL") == 0)
            let audit = try AuditLog(database: fixture.database).entries(entity: "assessment", id: String(id)).items
            #expect(audit.last?.actor == "ana@example.com" && audit.last?.after?.contains(#""reason": "Sent to the wrong <team>""#) == true)
            let (_, after, _) = try await ana.get(client, "/assessments/\(id)")
            #expect(!after.contains("/relink"), "a cancelled questionnaire offers nothing to do")
            let (again, againPage, _) = try await ana.post(client, "/assessments/\(id)/relink", [("csrf", csrf)])
            #expect(again == .conflict && againPage.contains("Nothing was changed."))
            let (missing, _, _) = try await ana.post(client, "/assessments/999999/cancel", [("csrf", csrf), ("reason", "x")])
            #expect(missing == .notFound)
        }
    }
}
