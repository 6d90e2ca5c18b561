import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Outreach
import Storage
import SupplierRisk
import TestSupport
import Testing
@testable import WebService

/// Administration in the workspace: the audit log with its filters, the outbox's dead messages retried; for the admin
/// role only.
@Suite struct AdminPagesTests {
    typealias Browser = SignInTests.Browser

    @Test func anAdministratorReadsTheAuditLogAndRetriesADeadMessage() async throws {
        let fixture = try VendorRegistrationTests.fixture("admin-pages")
        _ = try UserStore(database: fixture.database).add(email: "ada@example.com", name: "Ada", role: .admin, password: SignInTests.password, actor: "test") { _, _ in
            fatalError("a password was given: no link")
        }
        let vendors = VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering)
        _ = try vendors.add(WorkspacePageTests.draft("acme-ai"), actor: "ana@example.com")
        _ = try vendors.add(WorkspacePageTests.draft("lumen-ai"), actor: "bob@example.com")
        let outbox = OutboxStore(database: fixture.database)
        _ = try outbox.enqueue(OutgoingMessage(kind: .invitation, dedupeKey: "test:1", recipients: ["risk@acme.example"], subject: "Questionnaire",
                                               text: "text", html: "<p>html</p>"))
        try fixture.execute("UPDATE outbox SET status = 'dead', attempts = 5, last_error = 'SMTP 550 mailbox unavailable'")
        let dead = try WorkspacePageTests.integer(fixture, "SELECT id::int FROM outbox")
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, portfolio, _) = try await ana.get(client, "/")
            #expect(!portfolio.contains(#"href="/admin/audit""#), "no administration in an analyst's menu")
            for path in ["/admin/audit", "/admin/outbox"] {
                let (status, page, _) = try await ana.get(client, path)
                #expect(status == .forbidden && page.contains("is for tprm administrators"), "\(path)")
            }

            let ada = Browser()
            _ = try await ada.signIn(client, email: "ada@example.com")
            let (status, log, _) = try await ada.get(client, "/admin/audit")
            #expect(status == .ok && log.contains(#"href="/admin/audit" aria-current="page">Administration"#))
            let lumen = try #require(log.range(of: "vendor lumen-ai")), acme = try #require(log.range(of: "vendor acme-ai"))
            #expect(lumen.lowerBound < acme.lowerBound, "newest first")
            let (_, mine, _) = try await ada.get(client, "/admin/audit?actor=ana%40example.com&entity=vendor")
            #expect(mine.contains("vendor acme-ai") && !mine.contains("vendor lumen-ai") && mine.contains(#"value="ana@example.com""#))
            let (_, none, _) = try await ada.get(client, "/admin/audit?entity=nothing")
            #expect(none.contains("No change matches these filters."))
            let (stale, stalePage, _) = try await ada.get(client, "/admin/audit?after=bogus")
            #expect(stale == .badRequest && stalePage.contains("This page link belongs to another list or is out of date"))

            let (_, page, _) = try await ada.get(client, "/admin/outbox")
            #expect(page.contains("0 waiting to be sent, 1 dead.") && page.contains("SMTP 550 mailbox unavailable") && page.contains("Retry \(dead)"))
            let csrf = try Browser.csrf(page)
            let (wrong, wrongPage, _) = try await ada.post(client, "/admin/outbox/retry", [("csrf", csrf), ("id", "first")])
            #expect(wrong == .unprocessableContent && wrongPage.contains("&quot;first&quot; is not a message: retry one from the list, or all. Nothing was changed."))
            let (gone, gonePage, _) = try await ada.post(client, "/admin/outbox/retry", [("csrf", csrf), ("id", "999999")])
            #expect(gone == .conflict && gonePage.contains("Message 999999 is not a dead message"))
            let (forged, _, _) = try await ada.post(client, "/admin/outbox/retry", [("csrf", "nope"), ("id", String(dead))])
            #expect(forged == .forbidden)
            let (analyst, analystPage, _) = try await ana.post(client, "/admin/outbox/retry", [("csrf", try Browser.csrf(portfolio)), ("id", String(dead))])
            #expect(analyst == .forbidden && analystPage.contains("Retrying messages is for tprm administrators"))
            #expect(try WorkspacePageTests.strings(fixture, "SELECT status FROM outbox") == ["dead"], "nothing changed")

            let (retried, _, headers) = try await ada.post(client, "/admin/outbox/retry", [("csrf", csrf), ("id", String(dead))])
            #expect(retried == .seeOther && headers[.location] == "/admin/outbox?queued=1")
            #expect(try WorkspacePageTests.strings(fixture, "SELECT status || ' ' || attempts FROM outbox") == ["pending 0"])
            #expect(try WorkspacePageTests.strings(fixture, "SELECT actor || ' ' || entity_id FROM audit_log WHERE entity = 'outbox'") == ["ada@example.com \(dead)"])
            let (_, after, _) = try await ada.get(client, "/admin/outbox?queued=1")
            #expect(after.contains("1 message put back in the queue") && after.contains("No dead message.") && after.contains("1 waiting to be sent, 0 dead."))
        }
    }
}
