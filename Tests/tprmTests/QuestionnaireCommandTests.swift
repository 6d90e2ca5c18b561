import Foundation
import TestSupport
import Testing

@Suite struct QuestionnaireCommandTests {
    let catalog = TestDatabase.repositoryRoot.appendingPathComponent("questionnaires")

    func tprm(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(Subprocess.tprmExecutable, arguments, environment: ["TPRM_CATALOG": catalog.path])
    }

    @Test func theShippedCatalogLintsClean() throws {
        let result = try tprm(["questionnaire", "lint"])
        #expect(result.status == 0)
        #expect(result.standardOutput == "4 files checked, no problems\n")
    }

    @Test func aBrokenFileIsReportedWithPositionsAndExitsOne() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-lint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("ai-supplier-essentials.yaml")
        let text = try String(contentsOf: catalog.appendingPathComponent("ai-supplier-essentials.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "  - id: GOV-02", with: "  - id: GOV-01")
            .replacingOccurrences(of: "[GDPR:Art.44]", with: "[GDPR:Article44]")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try tprm(["questionnaire", "lint", file.path])
        #expect(result.status == 1)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("\(file.path):35:9: question GOV-01: duplicate id (first on line 25)"))
        #expect(lines[1].hasPrefix("\(file.path):"))
        #expect(lines[1].contains("\"GDPR:Article44\" is not a valid GDPR reference"))
        #expect(result.standardError == "tprm: 2 problems in the catalog\n")
    }

    @Test func listAndShowReadTheCatalog() throws {
        let list = try tprm(["questionnaire", "list"])
        #expect(list.standardOutput.contains("ai-supplier-due-diligence  2        critical,high  99"))
        let show = try tprm(["questionnaire", "show", "ai-supplier-due-diligence"])
        #expect(show.status == 0)
        #expect(show.standardOutput.contains("3. Data provenance and customer data (weight 12, 11 questions)"))
        #expect(show.standardOutput.contains("knock-out: always"))
        #expect(show.standardOutput.contains("[multi, weight 1, judged by the worst option chosen]"), "SEC-03: a rule, not a sum")
        #expect(show.standardOutput.contains("key control"))
        #expect(show.standardOutput.contains("asked when SCO-04 is yes, or our profile has ai_act_class = limited"))
        let unknown = try tprm(["questionnaire", "show", "due-diligence"])
        #expect(unknown.status == 2)
        #expect(unknown.standardError == "tprm: no questionnaire \"due-diligence\" (expected ai-supplier-due-diligence, ai-supplier-essentials)\n")
    }
}
