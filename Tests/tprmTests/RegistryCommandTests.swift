import Foundation
import Postgres
import TestSupport
import Testing

/// The registry from the command line, as an analyst uses it.
@Suite struct RegistryCommandTests {
    let database: String

    init() throws {
        database = try TestDatabase.migrated("cliregistry").connectionString
    }

    func tprm(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(
            Subprocess.tprmExecutable, arguments + ["--actor", "analyst"],
            environment: ["DATABASE_URL": database, "TPRM_CATALOG": TestDatabase.repositoryRoot.appendingPathComponent("questionnaires").path],
            currentDirectory: TestDatabase.repositoryRoot)
    }

    func count(_ table: String) throws -> Int {
        let connection = try Connection(configuration: try PostgresConfiguration(database))
        return try connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"))[0].decode(Int.self, at: 0)
    }

    static let acme = ["vendor", "add", "Acme AI", "--owner", "Head of Claims", "--email", "security@acme.example", "--offering", "ai_saas",
                       "--data", "personal,confidential", "--impact", "advisory", "--ai-act", "limited", "--criticality", "high",
                       "--models", "OpenAI", "--regions", "EU"]

    @Test func anAnalystRegistersAVendorAndSeesTierClausesCertificatesAndIncidents() throws {
        let added = try tprm(Self.acme)
        #expect(added.status == 0, "\(added.standardError)")
        #expect(added.standardOutput == "registered acme-ai: tier high (business_criticality = high)\n")

        #expect(try tprm(["cert", "add", "acme-ai", "--standard", "iso_27001", "--issuer", "BSI", "--expires", "2026-01-09"]).status == 0)
        let contract = try tprm(["contract", "add", "acme-ai", "--reference", "MSA-1", "--effective", "2026-01-01", "--expires", "2028-12-31"])
        #expect(contract.standardOutput.hasPrefix("recorded contract #1 MSA-1 with acme-ai"))
        #expect(try tprm(["contract", "clause", "set", "1", "permitted-use", "present", "--verified-by", "legal"]).status == 0)
        #expect(try tprm(["incident", "add", "acme-ai", "--title", "Leak", "--category", "data_leakage_via_model", "--severity", "high",
                          "--occurred", "2026-11-01T10:00Z", "--notified", "2026-11-04T10:00Z"]).status == 0)

        let show = try tprm(["vendor", "show", "acme-ai", "--as-of", "2026-11-29"])
        #expect(show.status == 0)
        let text = show.standardOutput
        #expect(text.contains("Tier: high"))
        #expect(text.contains("▸  business_criticality = high            high"))
        #expect(text.contains("   data_categories includes personal      medium"))
        #expect(text.contains("autonomy           none"))
        #expect(text.contains("ISO/IEC 27001 by BSI, EXPIRED 2026-01-09"))
        #expect(text.contains("Clause gaps: 24 of 25 required clauses not satisfied"))
        #expect(!text.contains("  permitted-use "), "the clause set present is no gap")
        #expect(text.contains("no-training-on-customer-data  not recorded"))
        #expect(text.contains("(notice 72 h after detection, SLA 48 h the library's, none signed: LATE)"))

        let json = try tprm(["vendor", "show", "acme-ai", "--json", "--as-of", "2026-11-29"])
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect((object?["clauseGaps"] as? [Any])?.count == 24)
        #expect((object?["tier"] as? [String: Any])?["tier"] as? String == "high")
        #expect((object?["lateNotices"] as? [Int]) == [1])

        let update = try tprm(["vendor", "update", "acme-ai", "--impact", "automated", "--status", "active"])
        #expect(update.standardOutput == "updated acme-ai: tier high → critical\n")
        let list = try tprm(["vendor", "list", "--tier", "critical"])
        #expect(list.standardOutput.contains("acme-ai  Acme AI  critical  active  Head of Claims"))
        let parties = try tprm(["fourth-party", "list"])
        #expect(parties.standardOutput.contains("OpenAI  foundation_model  1        1         100%"))
        _ = try tprm(["vendor", "add", "Zeta AI", "--owner", "Legal", "--offering", "model_api", "--data", "internal", "--impact", "none",
                      "--ai-act", "minimal", "--criticality", "low"])
        let byTier = try tprm(["vendor", "list", "--sort=-tier"]).standardOutput.split(separator: "\n").dropFirst().map { $0.prefix(while: { $0 != " " }) }
        #expect(byTier == ["acme-ai", "zeta-ai"], "critical before low")
        let byName = try tprm(["vendor", "list", "--sort=-name"]).standardOutput.split(separator: "\n").dropFirst().map { $0.prefix(while: { $0 != " " }) }
        #expect(byName == ["zeta-ai", "acme-ai"])
    }

    @Test(arguments: [
        (["vendor", "add", "X", "--owner", "Y", "--offering", "saas", "--data", "personal", "--impact", "none", "--ai-act", "minimal", "--criticality", "low"],
         "tprm: --offering: unknown value \"saas\" (expected model_api, general_purpose_model, ai_saas, embedded_feature, agent, custom_development) (see tprm vendor add --help)\n"),
        (["vendor", "add", "X", "--owner", "Y"],
         "tprm: the AI profile needs --offering, --data, --impact, --ai-act, --criticality (see tprm vendor add --help)\n"),
        (["vendor", "add", "X", "--owner", "Y", "--email", "not-an-address", "--offering", "ai_saas", "--data", "personal", "--impact", "none", "--ai-act", "minimal", "--criticality", "low"],
         "tprm: --email: \"not-an-address\" is not an email address (see tprm vendor add --help)\n"),
        (["vendor", "show", "nobody"], "tprm: no vendor with slug nobody\n"),
        (["vendor", "update", "nobody", "--status", "active"], "tprm: no vendor with slug nobody\n"),
        (["cert", "add", "nobody", "--standard", "iso_42001", "--issuer", "x", "--expires", "2027-01-01"], "tprm: no vendor with slug nobody\n"),
        (["cert", "add", "nobody", "--standard", "iso42001", "--issuer", "x", "--expires", "2027-01-01"],
         "tprm: --standard: unknown value \"iso42001\" (expected iso_42001, iso_27001, iso_27701, soc2_type1, soc2_type2, other) (see tprm cert add --help)\n"),
        (["contract", "clause", "set", "7", "permitted-use", "signed"],
         "tprm: status: unknown value \"signed\" (expected present, missing, deviation, negotiating, not_applicable) (see tprm contract clause set --help)\n"),
        (["incident", "add", "nobody", "--title", "t", "--category", "bias", "--severity", "low", "--occurred", "yesterday"],
         "tprm: --occurred: \"yesterday\" is not a date (use 2026-11-29, or 2026-11-29T14:30Z for a time) (see tprm incident add --help)\n"),
        (["incident", "add", "nobody", "--title", "t", "--category", "leak", "--severity", "low", "--occurred", "2026-11-01"],
         "tprm: --category: unknown value \"leak\" (expected security_breach, data_leakage_via_model, harmful_output, model_drift, bias, undisclosed_model_change, hallucination, privacy_violation, ip_infringement, outage, other) (see tprm incident add --help)\n"),
        (["vendor", "add", "X", "--owner", "Y", "--offering", "agent", "--data", "personal,dna", "--impact", "none", "--ai-act", "minimal", "--criticality", "low"],
         "tprm: --data: unknown value \"dna\" (expected public, internal, confidential, personal, special_category) (see tprm vendor add --help)\n"),
        (["incident", "update", "1", "--status", ""],
         "tprm: --status: unknown value \"\" (expected open, investigating, resolved, closed) (see tprm incident update --help)\n"),
        (["vendor", "list", "--sort=risk"],
         "tprm: --sort: unknown order \"risk\" (expected name, -name, score, -score, tier, -tier, updated, -updated) (see tprm vendor list --help)\n"),
        (["incident", "update", "1"],
         "tprm: nothing to change: give --status, --severity, --aware, --notified, --resolution or --resolved (see tprm incident update --help)\n"),
        (["contract", "clause", "set", "7", "incident-notification", "present", "--param", "sla_hours"],
         "tprm: --param: \"sla_hours\" is not name=value with a whole number, such as sla_hours=24 (see tprm contract clause set --help)\n"),
        (["vendor", "add", "X", "--owner", "Y", "--offering", "agent", "--data", "personal", "--impact", "none", "--ai-act", "minimal",
          "--autonomy", "full", "--criticality", "low"],
         "tprm: --autonomy: unknown value \"full\" (expected none, recommends, acts_with_approval, acts_autonomously) (see tprm vendor add --help)\n"),
        (["vendor", "add", "X", "--owner", "Y", "--offering", "ai_saas", "--data", "public", "--impact", "none", "--ai-act", "gpai", "--criticality", "low"],
         "tprm: --ai-act: unknown value \"gpai\" (expected minimal, limited, high_risk, prohibited) (see tprm vendor add --help)\n"),
    ])
    func badInputIsRefusedWithItsReasonAndChangesNothing(arguments: [String], message: String) throws {
        let result = try tprm(arguments)
        #expect(result.status == 2)
        #expect(result.standardError == message)
        #expect(try count("vendors") == 0)
        #expect(try count("audit_log") == 0)
    }

    @Test func aNameWithQuotesMarkupAndSQLIsShownVerbatim() throws {
        let name = "O'Brien \"Labs\" <script>alert(1)</script>'); DROP TABLE vendors; --"
        let added = try tprm(["vendor", "add", name, "--slug", "obrien", "--owner", "Legal", "--offering", "agent", "--data", "public",
                              "--impact", "none", "--ai-act", "minimal", "--criticality", "low"])
        #expect(added.status == 0, "\(added.standardError)")
        #expect(try tprm(["vendor", "show", "obrien"]).standardOutput.hasPrefix("\(name) (obrien) · prospect"))
        #expect(try tprm(["vendor", "list"]).standardOutput.contains(name))
        #expect(try count("vendors") == 1)
    }

    @Test func importLoadsAFileOrNothing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let header = "name,business_owner,offering,data_categories,decision_impact,ai_act_class,business_criticality,foundation_models\n"
        let good = directory.appendingPathComponent("vendors.csv")
        try (header + "Acme,Claims,ai_saas,personal,advisory,limited,medium,OpenAI\n\"Beta, Ltd\",Legal,general_purpose_model,internal,none,minimal,low,OpenAI;Mistral\n")
            .write(to: good, atomically: true, encoding: .utf8)
        let bad = directory.appendingPathComponent("bad.csv")
        try (header + "Gamma,Claims,ai_saas,personal,advisory,limited,medium,\nDelta,Claims,ai_saas,personal,autonomous,limited,medium,\n")
            .write(to: bad, atomically: true, encoding: .utf8)

        let refused = try tprm(["vendor", "import", bad.path])
        #expect(refused.status == 2)
        #expect(refused.standardError == """
            tprm: \(bad.path): nothing was imported:
              line 3, column decision_impact: unknown value "autonomous" (expected none, advisory, significant, automated)

            """)
        #expect(try count("vendors") == 0)

        let imported = try tprm(["vendor", "import", good.path])
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(imported.standardOutput == "imported 2 vendors from \(good.path)\n")
        let again = try tprm(["vendor", "import", good.path])
        #expect(again.status == 2)
        #expect(again.standardError.contains("line 2, column slug: a vendor with slug acme exists"))
        #expect(try count("vendors") == 2)
        #expect(try count("audit_log") == 2)
    }
}
