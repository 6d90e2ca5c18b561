import Foundation
import Postgres
import Storage
import SupplierRisk
import TestSupport
import Testing

@Suite struct ImportTests {
    static let header = "name,slug,status,business_owner,contact_email,offering,description,data_categories,decision_impact,ai_act_class,business_criticality,hosting_regions,foundation_models,sub_processors\n"

    static func line(_ i: Int) -> String {
        let impact = ["none", "advisory", "significant", "automated"][i % 4]
        let model = ["OpenAI", "Anthropic", "Mistral"][i % 3]
        return "\"Vendor \(i), Inc.\",vendor-\(i),active,Procurement,ai@vendor\(i).example,ai_saas,\"Summaries, \"\"smart\"\" ones\",internal;personal,\(impact),limited,medium,EU;US,\(model),AWS\n"
    }

    func rows(_ text: String) throws -> [VendorCSV.Row] {
        try VendorCSV.parse(text).get()
    }

    @Test func tenThousandVendorsImportInOneGo() throws {
        let registry = try Registry("import10k")
        let text = Self.header + (0..<10_000).map(Self.line).joined()
        let imported = try registry.vendors.importVendors(try rows(text), actor: "importer")
        #expect(imported == 10_000)
        #expect(try registry.count("vendors") == 10_000)
        #expect(try registry.count("audit_log") == 10_000, "one audit row per vendor")
        let vendor = try registry.vendors.vendor("vendor-7")
        #expect(vendor.name == "Vendor 7, Inc.")
        #expect(vendor.profile.description == "Summaries, \"smart\" ones")
        #expect(vendor.tier == .critical, "automated decisions")
        #expect(vendor.foundationModels == ["Anthropic"])
        #expect(vendor.subProcessors == ["AWS"])
        let concentration = try FourthPartyStore(database: registry.database).concentration().items
        #expect(concentration.first { $0.name == "AWS" }?.vendors == 10_000)
    }

    @Test func oneBadLineRejectsTheFileNamingLineAndColumn() throws {
        var lines = (0..<50).map(Self.line)
        lines[16] = lines[16].replacingOccurrences(of: ",limited,", with: ",limitted,")
        lines[30] = lines[30].replacingOccurrences(of: "ai@vendor30.example", with: "ai at vendor30")
        let result = VendorCSV.parse(Self.header + lines.joined())
        guard case .failure(let problems) = result else {
            Issue.record("the file was accepted")
            return
        }
        #expect(problems.description == """
            line 18, column ai_act_class: unknown value "limitted" (expected minimal, limited, high_risk, prohibited)
            line 32, column contact_email: "ai at vendor30" is not an email address
            """)
    }

    @Test func anExistingSlugRejectsTheFileAndNothingIsImported() throws {
        let registry = try Registry("importdupe")
        try registry.vendors.add(Registry.draft("vendor-3"), actor: "alice")
        let error = #expect(throws: VendorCSV.ProblemList.self) {
            try registry.vendors.importVendors(try rows(Self.header + (0..<10).map(Self.line).joined()), actor: "importer")
        }
        #expect(error?.description == "line 5, column slug: a vendor with slug vendor-3 exists")
        #expect(try registry.count("vendors") == 1)
        #expect(try registry.count("fourth_parties") == 0)
        #expect(try registry.count("audit_log") == 1)
    }

    @Test(arguments: [
        ("name,business_owner,data_categories,decision_impact,ai_act_class,business_criticality\n",
         "line 1, column offering: the header lacks this required column"),
        (header + "Acme,,prospect,Procurement,,ai_saas,,internal,none,minimal,low,,,\nAcme,,prospect,Procurement,,ai_saas,,internal,none,minimal,low,,,\n",
         "line 3, column slug: \"acme\" is already used on line 2"),
        (header + "\"Acme,acme,prospect,Procurement,,ai_saas,,internal,none,minimal,low,,,\n", "line 2, column 1: a quoted field is never closed"),
        (header + "Acme,acme,prospect,Procurement\n", "line 2, column -: has 4 fields, the header 14"),
        (header + "Acme,ACME!,prospect,Procurement,,ai_saas,,internal,none,minimal,low,,,\n",
         "line 2, column slug: \"ACME!\" use lower-case letters, digits and single hyphens, such as acme-ai"),
        (header + "Acme,,prospect,,,ai_saas,,,none,minimal,low,,,\n",
         "line 2, column business_owner: is required\nline 2, column data_categories: is required (values separated by ;)"),
        (header, "line 2, column -: the file has a header but no vendors"),
        ("", "line 1, column -: the file is empty; it needs a header row"),
        ("name,tier\n", "line 1, column 2: unknown column \"tier\" (expected name, business_owner, offering, data_categories, decision_impact, ai_act_class, business_criticality, slug, status, contact_email, description, autonomy, hosting_regions, foundation_models, sub_processors)\nline 1, column business_owner: the header lacks this required column\nline 1, column offering: the header lacks this required column\nline 1, column data_categories: the header lacks this required column\nline 1, column decision_impact: the header lacks this required column\nline 1, column ai_act_class: the header lacks this required column\nline 1, column business_criticality: the header lacks this required column"),
    ])
    func badFilesAreRefusedWithTheirPosition(text: String, message: String) {
        guard case .failure(let problems) = VendorCSV.parse(text) else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(problems.description == message)
    }

    @Test func slugsAreMadeFromNamesWhenLeftEmpty() throws {
        let parsed = try rows(Self.header + "\"Acme AI, Inc.\",,,Procurement,,model_api,,public,none,minimal,low,,,\n")
        #expect(parsed.map(\.draft.slug) == ["acme-ai-inc"])
        #expect(parsed.map(\.draft.status) == [.prospect])
    }
}
