import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing
@testable import WebService

/// Registering a vendor in the workspace: a preview of the tier first, then the vendor with that tier; every
/// problem beside its field with what was typed kept, and nothing saved until all is right.
@Suite struct VendorRegistrationTests {
    typealias Fixture = ApiTests.Fixture
    typealias Browser = SignInTests.Browser

    static func fixture(_ label: String) throws -> Fixture {
        let fixture = try Fixture(label)
        for (email, role) in [("ana@example.com", ApiRole.analyst), ("cora@example.com", .committee)] {
            _ = try UserStore(database: fixture.database).add(email: email, name: "Ana", role: role, password: SignInTests.password, actor: "admin") { _, _ in
                fatalError("a password was given: no link")
            }
        }
        return fixture
    }

    /// A whole and right form for a vendor the rules put in the high tier (business criticality high).
    static func fields(_ csrf: String, action: String, previewed: String? = nil, name: String = "Lumen Vision AI") -> [(String, String)] {
        [("csrf", csrf), ("action", action), ("name", name), ("slug", ""), ("owner", "Claims operations"), ("contact", "risk@lumen.example"),
         ("status", "prospect"), ("offering", "ai_saas"), ("description", "reads claim photos"), ("data[]", "personal"), ("data[]", "confidential"),
         ("impact", "advisory"), ("act", "limited"), ("autonomy", "none"), ("criticality", "high"), ("regions", "EU, US"),
         ("models", "OpenAI, Mistral"), ("processors", "AWS")] + (previewed.map { [("previewed", $0)] } ?? [])
    }

    static func registered(_ fixture: Fixture) throws -> Int { try fixture.count("vendors") }

    @Test func anAnalystPreviewsTheTierThenRegistersTheVendorWithIt() async throws {
        let fixture = try Self.fixture("register")
        let tiering = ApiTests.catalog.scoring.tiering
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, list, _) = try await ana.get(client, "/vendors")
            #expect(list.contains("href=\"/register-vendor\""), "the list offers registering to an analyst")
            let (status, form, _) = try await ana.get(client, "/register-vendor")
            #expect(status == .ok && form.contains("Preview the tier") && !form.contains("Register as"), "a first step that only previews")
            let csrf = try Browser.csrf(form)

            let (previewStatus, preview, _) = try await ana.post(client, "/register-vendor", Self.fields(csrf, action: "preview"))
            #expect(previewStatus == .ok)
            #expect(try Self.registered(fixture) == 0, "a preview saves nothing")
            let profile = AIProfile(offering: .aiSaaS, description: "", dataCategories: [.personal, .confidential], decisionImpact: .advisory,
                                    aiActClass: .limited, businessCriticality: .high, hostingRegions: [])
            let expected = tiering.assess(profile)
            #expect(preview.contains("This vendor will be <strong>\(expected.tier.rawValue) tier</strong>"))
            #expect(preview.contains("Registered as <code>lumen-vision-ai</code>"))
            for reason in expected.decisive { #expect(preview.contains("<td>\(reason.fact)</td><td>\(reason.tier.rawValue)</td><td>yes</td>")) }
            #expect(preview.contains(#"name="previewed" value="\#(expected.tier.rawValue)""#))
            #expect(preview.contains(#"value="Lumen Vision AI""#) && preview.contains(#"value="personal" checked"#), "what was typed stays")

            let (done, _, headers) = try await ana.post(client, "/register-vendor", Self.fields(csrf, action: "save", previewed: expected.tier.rawValue))
            #expect(done == .seeOther && headers[.location] == "/vendors/lumen-vision-ai?registered=1")
            let vendor = try VendorStore(database: fixture.database, tiering: tiering).vendor("lumen-vision-ai")
            #expect(vendor.tier == expected.tier && vendor.name == "Lumen Vision AI" && vendor.businessOwner == "Claims operations")
            #expect(vendor.profile.dataCategories == [.personal, .confidential] && vendor.profile.hostingRegions == ["EU", "US"])
            #expect(vendor.foundationModels.sorted() == ["Mistral", "OpenAI"] && vendor.subProcessors == ["AWS"])
            let audit = try AuditLog(database: fixture.database).entries(entity: "vendor", id: "lumen-vision-ai").items
            #expect(audit.map(\.actor) == ["ana@example.com"], "audited with the person's email")
            let (_, page, _) = try await ana.get(client, "/vendors/lumen-vision-ai?registered=1")
            #expect(page.contains("<h1>Lumen Vision AI</h1>"))

            // The same slug again: refused beside the slug, nothing saved, everything typed kept.
            let (again, refused, _) = try await ana.post(client, "/register-vendor", Self.fields(csrf, action: "save", previewed: expected.tier.rawValue))
            #expect(again == .conflict && refused.contains("A vendor with slug lumen-vision-ai exists. Give this vendor another slug."))
            #expect(refused.contains(#"id="slug-problem""#) && refused.contains(#"value="Claims operations""#))
            #expect(try Self.registered(fixture) == 1)
        }
    }

    @Test func aProfileChangedSinceItsPreviewIsPreviewedAgainNotRegistered() async throws {
        let fixture = try Self.fixture("register-changed")
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let csrf = try Browser.csrf(try await ana.get(client, "/register-vendor").1)
            // Previewed as low, then sent with a critical profile: the person sees the new tier before anything is saved.
            var fields = Self.fields(csrf, action: "save", previewed: "low")
            fields.removeAll { $0.0 == "criticality" }
            fields.append(("criticality", "critical"))
            let (status, page, _) = try await ana.post(client, "/register-vendor", fields)
            #expect(status == .ok)
            #expect(page.contains("The profile changed since its preview: check the tier again.") && page.contains("<strong>critical tier</strong>"))
            #expect(try Self.registered(fixture) == 0)
        }
    }

    @Test func everyWrongFieldIsNamedBesideItAndNothingIsSaved() async throws {
        let fixture = try Self.fixture("register-wrong")
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let csrf = try Browser.csrf(try await ana.get(client, "/register-vendor").1)
            let (status, page, _) = try await ana.post(client, "/register-vendor", [
                ("csrf", csrf), ("action", "preview"), ("name", "  "), ("slug", "Bad Slug"), ("owner", ""), ("contact", "not-an-address"),
                ("status", "retired"), ("offering", "oracle"), ("impact", ""), ("act", "limited"), ("criticality", "high"),
                ("models", #"<script>alert("x")</script>"#),
            ])
            #expect(status == .unprocessableContent)
            #expect(page.contains("Nothing was saved"))
            for (field, message) in [
                ("name", "Give the vendor&#39;s name."),
                ("slug", "The slug &quot;Bad Slug&quot; use lower-case letters, digits and single hyphens, such as acme-ai."),
                ("owner", "Name the business owner inside your organisation."),
                ("contact", "&quot;not-an-address&quot; is not an email address."),
                ("status", "&quot;retired&quot; is not a status"),
                ("offering", "&quot;oracle&quot; is not a kind of AI offered"),
                ("data", "Tick at least one kind of data the AI touches."),
                ("impact", "Choose the decision impact."),
            ] {
                #expect(page.contains(#"id="\#(field)-problem">\#(message)"#), "\(field): \(message)")
                #expect(page.contains(##"<a href="#\##(field)">\##(message)"##), "\(field) listed at the top, linked to its field")
            }
            #expect(!page.contains("<script>alert") && page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), "what was typed comes back escaped")
            #expect(page.contains(#"value="not-an-address""#), "and kept")
            // A prohibited use cannot be registered as active.
            var prohibited = Self.fields(csrf, action: "preview")
            prohibited.removeAll { $0.0 == "act" || $0.0 == "status" }
            prohibited += [("act", "prohibited"), ("status", "active")]
            let (refused, body, _) = try await ana.post(client, "/register-vendor", prohibited)
            #expect(refused == .unprocessableContent && body.contains("cannot be active"))
        }
        #expect(try Self.registered(fixture) == 0)
    }

    @Test func aFormWithoutTheSessionsTokenOrFromTheCommitteeSavesNothing() async throws {
        let fixture = try Self.fixture("register-refused")
        try await fixture.app.test(.router) { client in
            let ana = Browser(), cora = Browser()
            _ = try await ana.signIn(client)
            _ = try await cora.signIn(client, email: "cora@example.com")
            for token in ["", "forged", PortalSecret.generate()] {
                let (status, page, _) = try await ana.post(client, "/register-vendor", Self.fields(token, action: "save", previewed: "high"))
                #expect(status == .forbidden && page.contains("This form had expired") && page.contains("Nothing was saved"), "token \"\(token)\"")
            }
            let (read, page, _) = try await cora.get(client, "/register-vendor")
            #expect(read == .forbidden && page.contains("Registering a vendor is for analysts. Your role, committee, reads everything"))
            let (_, list, _) = try await cora.get(client, "/vendors")
            #expect(!list.contains("/register-vendor"), "the committee is not offered the form")
            let csrf = try Browser.csrf(list)
            let (posted, _, _) = try await cora.post(client, "/register-vendor", Self.fields(csrf, action: "save", previewed: "high"))
            #expect(posted == .forbidden)
            let (anonymous, _, headers) = try await Browser().post(client, "/register-vendor", Self.fields("x", action: "save", previewed: "high"))
            #expect(anonymous == .seeOther && headers[.location]?.hasPrefix("/login") == true)
        }
        #expect(try Self.registered(fixture) == 0)
        #expect(try fixture.count("audit_log WHERE entity = 'vendor'") == 0)
    }

    @Test func anAnalystEditsAProfileWithItsNewTierPreviewedAndChangesTheStatusWithAReason() async throws {
        let fixture = try Self.fixture("vendor-edit")
        let tiering = ApiTests.catalog.scoring.tiering
        let store = VendorStore(database: fixture.database, tiering: tiering)
        try store.add(WorkspacePageTests.draft("acme-ai", name: "Acme AI"), actor: "test")
        let before = try store.vendor("acme-ai")
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, page, _) = try await ana.get(client, "/vendors/acme-ai")
            #expect(page.contains(#"href="/vendors/acme-ai/edit""#) && page.contains(#"action="/vendors/acme-ai/status""#), "an analyst's page offers both")
            let (status, form, _) = try await ana.get(client, "/vendors/acme-ai/edit")
            #expect(status == .ok && form.contains("<h1>Edit Acme AI</h1>") && form.contains(#"value="Claims &lt;b&gt;team&lt;/b&gt;""#), "filled in as it is")
            #expect(!form.contains(#"id="slug""#) && !form.contains(#"id="status""#), "the slug and the status are not this form's")
            let csrf = try Browser.csrf(form)
            var fields = Self.fields(csrf, action: "preview", name: "Acme AI Europe")
            fields.removeAll { $0.0 == "criticality" }
            fields.append(("criticality", "critical"))
            let expected = tiering.assess(AIProfile(offering: .aiSaaS, description: "", dataCategories: [.personal, .confidential], decisionImpact: .advisory,
                                                    aiActClass: .limited, businessCriticality: .critical, hostingRegions: []))
            let (_, preview, _) = try await ana.post(client, "/vendors/acme-ai/edit", fields)
            #expect(preview.contains("This vendor will be <strong>\(expected.tier.rawValue) tier</strong>") && preview.contains("Save with \(expected.tier.rawValue) tier"))
            #expect(try store.vendor("acme-ai") == before, "a preview changes nothing")
            // A blank name: beside its field, nothing changed.
            var blank = fields
            blank.removeAll { $0.0 == "name" }
            blank.append(("name", " "))
            let (refused, refusal, _) = try await ana.post(client, "/vendors/acme-ai/edit", blank)
            #expect(refused == .unprocessableContent && refusal.contains(#"id="name-problem">Give the vendor"#))
            #expect(try store.vendor("acme-ai") == before)
            fields = fields.map { $0.0 == "action" ? ("action", "save") : $0 } + [("previewed", expected.tier.rawValue)]
            let (saved, _, headers) = try await ana.post(client, "/vendors/acme-ai/edit", fields)
            #expect(saved == .seeOther && headers[.location] == "/vendors/acme-ai?updated=1")
            let after = try store.vendor("acme-ai")
            #expect(after.name == "Acme AI Europe" && after.tier == expected.tier && after.profile.businessCriticality == .critical && after.status == before.status)
            let (_, shown, _) = try await ana.get(client, "/vendors/acme-ai")
            #expect(shown.contains("<h1>Acme AI Europe</h1>") && shown.contains("<strong>\(expected.tier.rawValue) tier</strong>"), "the kept page was made again")

            // Offboarding asks why; the reason is kept in the audit log.
            let (noReason, page2, _) = try await ana.post(client, "/vendors/acme-ai/status", [("csrf", csrf), ("status", "offboarded"), ("reason", " ")])
            #expect(noReason == .unprocessableContent && page2.contains("Say why the vendor is offboarded: the reason is kept in the audit log. Nothing was changed."))
            #expect(page2.contains(#"<option value="offboarded" selected>"#) && page2.contains("<details class=\"change\" open>"), "the choice comes back, the form open")
            let (same, page3, _) = try await ana.post(client, "/vendors/acme-ai/status", [("csrf", csrf), ("status", after.status.rawValue), ("reason", "")])
            #expect(same == .unprocessableContent && page3.contains("The vendor is \(after.status.rawValue) already."))
            let (unknown, page4, _) = try await ana.post(client, "/vendors/acme-ai/status", [("csrf", csrf), ("status", "retired"), ("reason", "x")])
            #expect(unknown == .unprocessableContent && page4.contains("Choose a status: prospect, onboarding, active, offboarded."))
            #expect(try store.vendor("acme-ai").status == after.status)
            let (moved, _, location) = try await ana.post(client, "/vendors/acme-ai/status", [("csrf", csrf), ("status", "offboarded"), ("reason", "Contract ended <31 Dec>")])
            #expect(moved == .seeOther && location[.location] == "/vendors/acme-ai?status=offboarded")
            #expect(try store.vendor("acme-ai").status == .offboarded)
            let audit = try AuditLog(database: fixture.database).entries(entity: "vendor", id: "acme-ai").items
            #expect(audit.map(\.actor) == ["test", "ana@example.com", "ana@example.com"])
            #expect(audit.last?.after?.contains(#""reason": "Contract ended <31 Dec>""#) == true)
            let (missing, _, _) = try await ana.get(client, "/vendors/nobody/edit")
            #expect(missing == .notFound)
            let (forged, _, _) = try await ana.post(client, "/vendors/acme-ai/status", [("csrf", "forged"), ("status", "active"), ("reason", "")])
            #expect(forged == .forbidden)
            #expect(try store.vendor("acme-ai").status == .offboarded)
        }
    }
}
