import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import SupplierRisk
import TestSupport
import Testing
@testable import WebService

/// Importing vendors from a CSV file in the workspace: all or nothing, every problem with its line and column.
@Suite struct VendorImportTests {
    typealias Browser = SignInTests.Browser

    static let header = "name,business_owner,offering,data_categories,decision_impact,ai_act_class,business_criticality,foundation_models\n"

    /// Sends `content` as the import form's file, with `csrf`.
    static func upload(_ browser: Browser, _ client: some TestClientProtocol, csrf: String, filename: String = "vendors.csv",
                       _ content: String) async throws -> (HTTPResponse.Status, String, HTTPFields) {
        let boundary = "----tprmimport\(UUID().uuidString)"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: text/csv\r\n\r\n"
            + content + "\r\n--\(boundary)--\r\n"
        var headers = browser.header
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.execute(uri: "/import-vendors", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status, String(buffer: response.body), response.headers)
        }
    }

    @Test func aFileIsImportedWholeOrNotAtAllWithEveryProblemAtItsLineAndColumn() async throws {
        let fixture = try VendorRegistrationTests.fixture("vendor-import")
        try await fixture.app.test(.router) { client in
            let ana = Browser()
            _ = try await ana.signIn(client)
            let (_, list, _) = try await ana.get(client, "/vendors")
            #expect(list.contains(#"href="/import-vendors""#))
            let (status, form, _) = try await ana.get(client, "/import-vendors")
            #expect(status == .ok && form.contains(#"enctype="multipart/form-data""#) && form.contains(AIProfile.Offering.expected))
            let csrf = try Browser.csrf(form)

            let wrong = Self.header
                + "Good One,Claims,ai_saas,personal,advisory,limited,high,OpenAI\n"
                + "Bad One,,oracle,personal,advisory,limited,high,\n"
                + #"<script>x</script>,Legal,agent,secret,advisory,limited,low,"# + "\n"
            let (refused, page, _) = try await Self.upload(ana, client, csrf: csrf, wrong)
            #expect(refused == .unprocessableContent && page.contains("Nothing was imported"))
            for (line, column) in [(3, "business_owner"), (3, "offering"), (4, "data_categories")] {
                #expect(page.contains(#"<tr><td class="num">\#(line)</td><td>\#(column)</td>"#), "line \(line), \(column)")
            }
            #expect(!page.contains("<script>x"), "what the file holds is escaped")
            #expect(try fixture.count("vendors") == 0, "nothing, not even the good line")

            let (empty, emptyPage, _) = try await Self.upload(ana, client, csrf: csrf, "")
            #expect(empty == .unprocessableContent && emptyPage.contains("Choose a CSV file to import."))
            let (forged, _, _) = try await Self.upload(ana, client, csrf: "forged", Self.header + "X,Y,ai_saas,personal,advisory,limited,high,\n")
            #expect(forged == .forbidden)
            #expect(try fixture.count("vendors") == 0)

            let right = Self.header + "Good One,Claims,ai_saas,personal,advisory,limited,high,OpenAI\n" + "Second Co,Legal,agent,internal,none,minimal,low,\n"
            let (done, _, headers) = try await Self.upload(ana, client, csrf: csrf, right)
            #expect(done == .seeOther && headers[.location] == "/vendors?sort=-updated&imported=2")
            #expect(try fixture.count("vendors") == 2)
            let (_, after, _) = try await ana.get(client, "/vendors?sort=-updated&imported=2")
            #expect(after.contains("2 vendor(s) imported") && after.contains(#"href="/vendors/good-one""#))
            let audit = try AuditLog(database: fixture.database).entries(entity: "vendor").items
            #expect(audit.count == 2 && audit.allSatisfy { $0.actor == "ana@example.com" })
            // The same file again: the slugs are taken, nothing is imported twice.
            let (again, againPage, _) = try await Self.upload(ana, client, csrf: csrf, right)
            #expect(again == .unprocessableContent && againPage.contains("good-one"))
            #expect(try fixture.count("vendors") == 2)
        }
    }
}
