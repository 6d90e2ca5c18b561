import CivilTime
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

/// The relationship's records from the workspace: a contract with its signed copy and its clause page, a certificate
/// with its file; uploads checked as the portal checks evidence, every problem beside its field, nothing saved on any.
@Suite struct RelationshipFormsTests {
    typealias Fixture = ApiTests.Fixture
    typealias Browser = SignInTests.Browser

    static func fixture(_ label: String) throws -> Fixture {
        let fixture = try VendorRegistrationTests.fixture(label)
        _ = try VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering)
            .add(WorkspacePageTests.draft("acme-ai", name: "Acme AI"), actor: "test")
        return fixture
    }

    /// A multipart form as a browser sends it: the fields, then a file when given.
    static func upload(_ browser: Browser, _ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)],
                       file: (name: String, content: [UInt8])?) async throws -> (HTTPResponse.Status, String, HTTPFields) {
        let boundary = "----tprmform\(UUID().uuidString)"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.content + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers = browser.header
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            browser.take(response.headers)
            return (response.status, String(buffer: response.body), response.headers)
        }
    }

    static func state(_ fixture: Fixture) throws -> [Int] {
        try ["contracts", "certifications", "documents", "contract_clauses", "audit_log"].map { try fixture.count($0) }
    }

    @Test func aContractWithItsSignedCopyIsRecordedAndItsClausesSet() async throws {
        let fixture = try Self.fixture("contract-forms")
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, vendorPage, _) = try await ana.get(client, "/vendors/acme-ai")
            #expect(vendorPage.contains(#"href="/vendors/acme-ai/contracts/new""#) && vendorPage.contains(#"href="/vendors/acme-ai/certificates/new""#))
            let (shown, form, _) = try await ana.get(client, "/vendors/acme-ai/contracts/new")
            #expect(shown == .ok && form.contains(#"enctype="multipart/form-data""#))
            let csrf = try Browser.csrf(form)
            let unchanged = try Self.state(fixture)

            // Every problem at once, what was typed kept; the file asked for again.
            let (refused, page, _) = try await Self.upload(ana, client, "/vendors/acme-ai/contracts", [
                ("csrf", csrf), ("reference", ""), ("effective", "2026-13-01"), ("expires", "2025-01-01"), ("notice", "ninety"),
                ("value", "12k"), ("currency", "euro"),
            ], file: ("contract.pdf", Array("<html><script>alert(1)</script></html>".utf8)))
            #expect(refused == .unprocessableContent && page.contains("Nothing was saved"))
            for (field, message) in [
                ("reference", "Give the contract&#39;s reference: its number or title."),
                ("effective", "&quot;2026-13-01&quot; is not a date: write it as 2026-12-31."),
                ("notice", "Give the renewal notice as a number of days from 0 to 3,650."),
                ("value", "&quot;12k&quot; is not an amount"), ("currency", "Give the value&#39;s currency as its three-letter code, such as EUR."),
                ("file", "Contract.pdf is markup (HTML, SVG or XML)"),
            ] {
                #expect(page.contains(#"id="\#(field)-problem">\#(message)"#), "\(field)")
            }
            #expect(page.contains(#"value="ninety""#) && page.contains(#"value="euro""#), "what was typed is kept")
            let (ended, endedPage, _) = try await Self.upload(ana, client, "/vendors/acme-ai/contracts", [
                ("csrf", csrf), ("reference", "MSA-1"), ("effective", "2026-01-01"), ("expires", "2025-12-31"),
            ], file: nil)
            #expect(ended == .unprocessableContent && endedPage.contains("The contract must end after it takes effect (2026-01-01)."))
            let (forged, _, _) = try await Self.upload(ana, client, "/vendors/acme-ai/contracts", [
                ("csrf", "wrong"), ("reference", "MSA-1"), ("effective", "2026-01-01"),
            ], file: nil)
            #expect(forged == .forbidden)
            #expect(try Self.state(fixture) == unchanged, "nothing saved by a refused form")

            // Recorded with its signed copy, audited with the person's email; the contract's page lists every clause.
            let (added, _, headers) = try await Self.upload(ana, client, "/vendors/acme-ai/contracts", [
                ("csrf", csrf), ("reference", "MSA-2026"), ("effective", "2026-01-01"), ("expires", "2028-12-31"), ("notice", "90"),
                ("value", "120,000.50"), ("currency", "eur"),
            ], file: ("signed msa.pdf", PortalTests.pdf))
            #expect(added == .seeOther)
            let location = try #require(headers[.location])
            let id = try #require(Int(location.dropFirst("/contracts/".count).prefix { $0.isNumber }))
            #expect(location == "/contracts/\(id)?done=added")
            #expect(try WorkspacePageTests.strings(fixture, "SELECT actor FROM audit_log WHERE entity = 'contract'") == ["ana@example.com"])
            #expect(try WorkspacePageTests.strings(fixture, "SELECT currency || ' ' || annual_value::text FROM contracts") == ["EUR 120000.50"])
            let (_, contractPage, _) = try await ana.get(client, location)
            #expect(contractPage.contains("Contract recorded."))
            #expect(contractPage.contains("signed msa.pdf</a> (opens in the browser)"))
            let library = ApiTests.catalog.clauses
            let vendor = try VendorStore(database: fixture.database, tiering: ApiTests.catalog.scoring.tiering).vendor("acme-ai")
            let required = library.required(tier: vendor.tier, profile: vendor.profile)
            #expect(contractPage.components(separatedBy: #"<div class="question"#).count - 1 == library.clauses.count)
            #expect(contractPage.components(separatedBy: "<strong>required for this tier</strong>").count - 1 == required.count)
            #expect(contractPage.contains("(the \(vendor.tier.rawValue) tier expects 48)") || vendor.tier != .high)

            // The signed copy opens in the browser, for this vendor only.
            let document = try WorkspacePageTests.integer(fixture, "SELECT id::int FROM documents")
            let (opened, _, fileHeaders) = try await ana.get(client, "/vendors/acme-ai/documents/\(document)")
            #expect(opened == .ok && fileHeaders[.contentDisposition] == #"inline; filename="signed msa.pdf""#)
            let (elsewhere, _, _) = try await ana.get(client, "/vendors/someone-else/documents/\(document)")
            #expect(elsewhere == .notFound)

            // Two clauses set; a wrong one refused beside its clause, with what was typed.
            let csrfNow = try Browser.csrf(contractPage)
            let before = try Self.state(fixture)
            let (bad, badPage, _) = try await ana.post(client, "/contracts/\(id)/clauses/incident-notification", [
                ("csrf", csrfNow), ("status", "missing"), ("parameter[sla_hours]", "24"), ("note", "they offer 24h"),
            ])
            #expect(bad == .unprocessableContent)
            #expect(badPage.contains(#"id="problem-incident-notification">Only a clause in force (present or deviation) has signed numbers"#))
            #expect(badPage.contains(#"value="they offer 24h""#))
            let (notNumber, notNumberPage, _) = try await ana.post(client, "/contracts/\(id)/clauses/incident-notification", [
                ("csrf", csrfNow), ("status", "present"), ("parameter[sla_hours]", "a day"),
            ])
            #expect(notNumber == .unprocessableContent && notNumberPage.contains("Sla Hours is a whole number from 0 to 1,000,000, not &quot;a day&quot;."))
            let (noStatus, noStatusPage, _) = try await ana.post(client, "/contracts/\(id)/clauses/incident-notification", [("csrf", csrfNow), ("status", "")])
            #expect(noStatus == .unprocessableContent && noStatusPage.contains("Choose the clause&#39;s status:"))
            #expect(try Self.state(fixture) == before)
            let (set, _, setHeaders) = try await ana.post(client, "/contracts/\(id)/clauses/incident-notification", [
                ("csrf", csrfNow), ("status", "present"), ("parameter[sla_hours]", "24"), ("note", "clause 14.2"),
            ])
            #expect(set == .seeOther && setHeaders[.location] == "/contracts/\(id)?done=clause#clause-incident-notification")
            let (deviation, _, _) = try await ana.post(client, "/contracts/\(id)/clauses/audit-rights", [
                ("csrf", csrfNow), ("status", "deviation"), ("note", "remote audits only"),
            ])
            #expect(deviation == .seeOther)
            #expect(try WorkspacePageTests.strings(fixture, "SELECT clause_key || '=' || status || ':' || parameters::text || ':' || verified_by FROM contract_clauses ORDER BY clause_key")
                    == ["audit-rights=deviation:{}:ana@example.com", #"incident-notification=present:{"sla_hours": 24}:ana@example.com"#])
            let (_, after, _) = try await ana.get(client, "/contracts/\(id)")
            #expect(after.contains("signed: sla hours 24"))
            let (_, vendorAfter, _) = try await ana.get(client, "/vendors/acme-ai")
            #expect(vendorAfter.contains(#"<a href="/contracts/\#(id)">MSA-2026</a>"#) && vendorAfter.contains("signed msa.pdf</a>"))

            // The committee reads the contract, and is offered no form.
            let cora = Browser()
            _ = try await cora.signIn(client, email: "cora@example.com")
            let (read, readPage, _) = try await cora.get(client, "/contracts/\(id)")
            #expect(read == .ok && !readPage.contains("/clauses/"))
            let (form403, _, _) = try await cora.get(client, "/vendors/acme-ai/contracts/new")
            #expect(form403 == .forbidden)
            let (none, _, _) = try await ana.get(client, "/contracts/999999")
            #expect(none == .notFound)
        }
    }

    @Test func aCertificateIsAddedWithItsFileAndRenewedAsANewOne() async throws {
        let fixture = try Self.fixture("certificate-forms")
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, form, _) = try await ana.get(client, "/vendors/acme-ai/certificates/new")
            let csrf = try Browser.csrf(form)
            let unchanged = try Self.state(fixture)
            let (refused, page, _) = try await Self.upload(ana, client, "/vendors/acme-ai/certificates", [
                ("csrf", csrf), ("standard", "iso_9001"), ("issuer", " "), ("issued", "2026-06-01"), ("expires", "2026-01-01"),
            ], file: ("cert.pdf", [0x00, 0x01, 0x02, 0xFF]))
            #expect(refused == .unprocessableContent)
            for (field, message) in [("standard", "Choose the standard the certificate is for."), ("issuer", "Give the body that issued the certificate."),
                                     ("expires", "A certificate expires after it is issued (2026-06-01)."),
                                     ("file", "Cert.pdf is not a PDF, PNG, JPEG, DOCX, XLSX, TXT or CSV file (judged from its content)")] {
                #expect(page.contains(#"id="\#(field)-problem">\#(message)"#), "\(field)")
            }
            // A file over 20 MB is refused beside the field; a body far over it before it is read.
            let large = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0x20, count: 20 * 1024 * 1024)
            let (tooLarge, tooLargePage, _) = try await Self.upload(ana, client, "/vendors/acme-ai/certificates", [
                ("csrf", csrf), ("standard", "iso_42001"), ("issuer", "BSI"), ("expires", "2027-03-31"),
            ], file: ("cert.pdf", large))
            #expect(tooLarge == .unprocessableContent && tooLargePage.contains(#"id="file-problem">The file is larger than 20 MB; nothing was saved."#))
            let (huge, hugePage, _) = try await Self.upload(ana, client, "/vendors/acme-ai/certificates", [("csrf", csrf)],
                                                            file: ("cert.pdf", large + [UInt8](repeating: 0x20, count: 128 * 1024)))
            #expect(huge == .contentTooLarge && hugePage.contains("The file is larger than 20 MB. Nothing was saved."))
            #expect(try Self.state(fixture) == unchanged)
            let (added, _, headers) = try await Self.upload(ana, client, "/vendors/acme-ai/certificates", [
                ("csrf", csrf), ("standard", "iso_42001"), ("issuer", "BSI"), ("scope", "AI management system"), ("expires", "2027-03-31"),
            ], file: ("iso42001", PortalTests.pdf))
            #expect(added == .seeOther && headers[.location] == "/vendors/acme-ai#certificates")
            #expect(try WorkspacePageTests.strings(fixture, "SELECT filename || ' ' || content_type || ' ' || uploaded_by FROM documents")
                    == ["iso42001.pdf application/pdf ana@example.com"], "a name whose extension matches the type")
            let certificate = try WorkspacePageTests.integer(fixture, "SELECT id::int FROM certifications")
            let (_, renew, _) = try await ana.get(client, "/vendors/acme-ai/certificates/new?renew=\(certificate)")
            #expect(renew.contains(#"<option value="iso_42001" selected>"#) && renew.contains(#"value="BSI""#))
            let (renewed, _, _) = try await Self.upload(ana, client, "/vendors/acme-ai/certificates", [
                ("csrf", csrf), ("standard", "iso_42001"), ("issuer", "BSI"), ("scope", "AI management system"), ("expires", "2030-03-31"),
            ], file: nil)
            #expect(renewed == .seeOther)
            #expect(try fixture.count("certifications") == 2)
            let (_, vendorPage, _) = try await ana.get(client, "/vendors/acme-ai")
            #expect(vendorPage.contains("iso42001.pdf</a>") && vendorPage.contains("2030-03-31"))
            #expect(!vendorPage.contains(#"<a href="" download></a>"#) && vendorPage.contains("<td>—</td></tr>"), "the renewal without a file has none")
        }
    }
}
