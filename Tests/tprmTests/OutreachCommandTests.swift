import Foundation
import Postgres
import TestSupport
import Testing

/// Sending and reviewing questionnaires from the command line.
@Suite struct OutreachCommandTests {
    let database: String
    let mail: URL

    init() throws {
        database = try TestDatabase.migrated("clioutreach").connectionString
        mail = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-cli-mail-\(UUID().uuidString)")
    }

    func tprm(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(
            Subprocess.tprmExecutable, arguments + ["--actor", "analyst"],
            environment: [
                "DATABASE_URL": database, "TPRM_CATALOG": TestDatabase.repositoryRoot.appendingPathComponent("questionnaires").path,
                "TPRM_MAIL": "file:\(mail.path)", "TPRM_PUBLIC_URL": "https://tprm.example.com", "TPRM_MAIL_FROM": "tprm@bank.example",
            ],
            currentDirectory: TestDatabase.repositoryRoot)
    }

    func count(_ table: String) throws -> Int {
        let connection = try Connection(configuration: try PostgresConfiguration(database))
        return try connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"))[0].decode(Int.self, at: 0)
    }

    @Test func anAnalystSendsReviewsAndCompletesFromTheCommandLine() throws {
        #expect(try tprm(RegistryCommandTests.acme).status == 0)
        let sent = try tprm(["questionnaire", "send", "acme-ai", "--due", "14"])
        #expect(sent.status == 0, "\(sent.standardError)")
        #expect(sent.standardOutput.hasPrefix("sent assessment #1 to security@acme.example: ai-supplier-due-diligence v2, due "), "the high tier's questionnaire")
        let link = try #require(sent.standardOutput.split(separator: "\n").last?.replacingOccurrences(of: "private link (shown once): ", with: ""))
        #expect(link.hasPrefix("https://tprm.example.com/portal/") && link.count == "https://tprm.example.com/portal/".count + 43)

        let again = try tprm(["questionnaire", "send", "acme-ai"])
        #expect(again.status == 2)
        #expect(again.standardError.hasPrefix("tprm: acme-ai has an open assessment (#1, sent "))
        #expect(again.standardError.hasSuffix("send with --force to cancel it and send a new one\n"))
        #expect(try count("assessments") == 1 && count("outbox") == 1, "nothing sent twice")

        #expect(try tprm(["outbox", "list"]).standardOutput.contains("invitation  security@acme.example  pending"))
        let delivered = try tprm(["outbox", "deliver"])
        #expect(delivered.standardOutput == "delivered 1 through file:\(mail.path); 0 failed and will be retried; 0 dead\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mail.path) == ["00000001-invitation.eml"])

        let list = try tprm(["assessment", "list"])
        #expect(list.standardOutput.contains("1   acme-ai  ai-supplier-due-diligence  sent"))
        let review = try tprm(["assessment", "review", "1", "--complete"])
        #expect(review.status == 2)
        #expect(review.standardError == "tprm: assessment: #1 is sent; only a submitted assessment can be completed\n")

        let relinked = try tprm(["assessment", "relink", "1"])
        #expect(relinked.status == 0)
        #expect(!relinked.standardOutput.contains(link), "a new link")
        #expect(try count("assessment_links WHERE revoked_at IS NOT NULL") == 1)

        let forced = try tprm(["questionnaire", "send", "acme-ai", "--force", "--template", "ai-supplier-essentials", "--to", "risk-team@acme.example"])
        #expect(forced.status == 0, "\(forced.standardError)")
        #expect(try tprm(["assessment", "list", "--status", "cancelled"]).standardOutput.contains("1   acme-ai"))
        #expect(try tprm(["assessment", "show", "2"]).standardOutput.contains("status sent; sent "))
    }

    @Test(arguments: [
        (["questionnaire", "send", "nobody"], "tprm: no vendor with slug nobody\n"),
        (["questionnaire", "send", "acme-ai", "--template", "iso"],
         "tprm: no questionnaire \"iso\" (expected ai-supplier-due-diligence, ai-supplier-essentials)\n"),
        (["questionnaire", "send", "acme-ai", "--reason", "annual"],
         "tprm: --reason: unknown value \"annual\" (expected onboarding, periodic, triggered, check_in) (see tprm questionnaire send --help)\n"),
        (["questionnaire", "send", "acme-ai", "--due", "0"], "tprm: --due: give 1 to 365 days, not 0 (see tprm questionnaire send --help)\n"),
        (["questionnaire", "send", "acme-ai", "--to", "not an address"], "tprm: --to: \"not an address\" is not an email address\n"),
        (["questionnaire", "send", "acme-ai", "--mail", "smtp:x"],
         "tprm: TPRM_MAIL: unknown transport \"smtp\"; expected file:DIR, sendmail:COMMAND (such as sendmail:/usr/sbin/sendmail -t -i) or webhook:URL\n"),
        (["assessment", "show", "9"], "tprm: no assessment with id 9\n"),
        (["assessment", "review", "9"], "tprm: give one of --accept/--flag, --request-changes or --complete (see tprm assessment review --help)\n"),
        (["outbox", "retry"], "tprm: give a message id or --all (see tprm outbox retry --help)\n"),
        (["outreach", "remind", "--as-of", "tomorrow"],
         "tprm: --as-of: \"tomorrow\" is not a date (use 2026-11-29, or 2026-11-29T14:30Z for a time) (see tprm outreach remind --help)\n"),
    ])
    func badInputIsRefusedWithItsReasonAndSendsNothing(arguments: [String], message: String) throws {
        #expect(try tprm(RegistryCommandTests.acme).status == 0)
        let result = try tprm(arguments)
        #expect(result.status == 2)
        #expect(result.standardError == message)
        #expect(try count("assessments") == 0)
        #expect(try count("outbox") == 0)
    }

    @Test func theReminderJobReportsWhatItDid() throws {
        #expect(try tprm(RegistryCommandTests.acme).status == 0)
        #expect(try tprm(["questionnaire", "send", "acme-ai", "--due", "5"]).status == 0)
        let dry = try tprm(["outreach", "remind", "--dry-run"])
        #expect(dry.standardOutput == "would remind 1, would mark overdue and escalate 0, would expire 0 (assessments #1)\n")
        #expect(try count("outbox") == 1)
        #expect(try tprm(["outreach", "remind"]).standardOutput == "remind 1, mark overdue and escalate 0, expire 0 (assessments #1)\n")
        #expect(try tprm(["outreach", "remind"]).standardOutput == "remind 0, mark overdue and escalate 0, expire 0\n")
        let json = try tprm(["outreach", "remind", "--json", "--as-of", "2099-01-01"])
        #expect(json.standardOutput.contains(#""overdue" : ["#))
        #expect(try count("outbox WHERE kind = 'escalation'") == 1)
    }
}

@Suite struct ReassessCommandTests {
    @Test func twoRunsStartedTogetherSendOneAssessmentAndOneEmailPerDueVendor() throws {
        let database = try TestDatabase.migrated("clireassess").connectionString
        let mail = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-cli-reassess-\(UUID().uuidString)")
        let environment: [String: String?] = [
            "DATABASE_URL": database, "TPRM_CATALOG": TestDatabase.repositoryRoot.appendingPathComponent("questionnaires").path,
            "TPRM_MAIL": "file:\(mail.path)", "TPRM_PUBLIC_URL": "https://tprm.example.com",
        ]
        @Sendable func tprm(_ arguments: [String]) throws -> Subprocess.Result {
            try Subprocess.run(Subprocess.tprmExecutable, arguments, environment: environment, currentDirectory: TestDatabase.repositoryRoot)
        }
        #expect(try tprm(["demo", "seed", "--vendors", "40", "--seed", "3"]).status == 0)
        let plan = try tprm(["reassess", "--dry-run", "--json", "--as-of", "2027-12-01"])
        let planned = try JSONSerialization.jsonObject(with: Data(plan.standardOutput.utf8)) as? [String: Any]
        let entries = planned?["entries"] as? [[String: Any]] ?? []
        let toSend = entries.filter { $0["action"] as? String == "sent" }.count
        #expect(toSend > 5, "the demo portfolio has vendors due by then: \(plan.standardOutput.prefix(300))")

        let results = Locked<[Subprocess.Result]>([])
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                if let result = try? tprm(["reassess", "--as-of", "2027-12-01"]) { results.withValue { $0.append(result) } }
                group.leave()
            }
        }
        group.wait()
        #expect(results.value.map(\.status) == [0, 0], "both runs end well: \(results.value.map(\.standardError))")
        let connection = try Connection(configuration: try PostgresConfiguration(database))
        func count(_ sql: String) throws -> Int { try connection.query(PostgresQuery(unsafeSQL: sql))[0].decode(Int.self, at: 0) }
        #expect(try count("SELECT count(*) FROM assessments WHERE sent_by = 'tprm reassess' OR reason IN ('periodic', 'triggered') AND status = 'sent'") == toSend)
        #expect(try count("SELECT count(*) FROM outbox WHERE kind = 'invitation'") == toSend, "one email per due vendor")
        #expect(try count("SELECT count(*) FROM (SELECT vendor_id FROM assessments WHERE status = 'sent' GROUP BY vendor_id HAVING count(*) > 1) x") == 0)
        let summaries = results.value.map(\.standardOutput)
        #expect(summaries.contains { $0.contains("due: sent \(toSend), skipped") }, "one run sent them")
        #expect(summaries.contains { $0.contains("due: sent 0, skipped") }, "the other found them open")

        let bad = try tprm(["reassess", "--as-of", "soon"])
        #expect(bad.status == 2)
        #expect(bad.standardError == "tprm: --as-of: \"soon\" is not a date (use 2026-11-29, or 2026-11-29T14:30Z for a time) (see tprm reassess --help)\n")
    }
}

@Suite struct ReportCommandTests {
    @Test func thePackIsWrittenToAFileAndBadOptionsAreRefused() throws {
        let database = try TestDatabase.migrated("clireport").connectionString
        func tprm(_ arguments: [String]) throws -> Subprocess.Result {
            try Subprocess.run(Subprocess.tprmExecutable, arguments, environment: [
                "DATABASE_URL": database, "TPRM_CATALOG": TestDatabase.repositoryRoot.appendingPathComponent("questionnaires").path,
            ], currentDirectory: TestDatabase.repositoryRoot)
        }
        #expect(try tprm(["demo", "seed", "--vendors", "8", "--seed", "2"]).status == 0)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tprm-pack-\(UUID().uuidString).html")
        let written = try tprm(["report", "committee", "--format", "html", "--out", out.path])
        #expect(written.status == 0, "\(written.standardError)")
        #expect(written.standardOutput.hasPrefix("wrote \(out.path): 8 vendors as of "))
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("<!doctype html>"))
        let markdown = try tprm(["report", "committee", "--format", "md"])
        #expect(markdown.standardOutput.contains("## What changed since "))
        // A preview records nothing: the next pack's changes still start where the last recorded one ended.
        let connection = try Connection(configuration: try PostgresConfiguration(database))
        func packs() throws -> Int { try connection.query("SELECT count(*) FROM report_packs")[0].decode(Int.self, at: 0) }
        let recorded = try packs()
        #expect(recorded == 2, "each pack written is recorded")
        let preview = try tprm(["report", "committee", "--format", "md", "--no-record"])
        #expect(preview.status == 0)
        #expect(preview.standardOutput.contains("## What changed since "))
        #expect(try packs() == recorded, "--no-record records nothing")

        for (arguments, message) in [
            (["report", "committee", "--format", "pdf"], "tprm: --format: unknown value \"pdf\" (expected html, csv, json, md) (see tprm report committee --help)\n"),
            (["report", "committee", "--format", "md", "--since", "2026-12-01", "--as-of", "2026-11-01"],
             "tprm: since: 2026-12-01 is not before the as-of date 2026-11-01\n"),
            (["report", "committee", "--format", "csv", "--out", "/nonexistent/dir/pack.csv"], nil),
            (["report", "committee", "--format", "csv", "--out", ""], "tprm: --out: give a file path (see tprm report committee --help)\n"),
        ] as [([String], String?)] {
            let result = try tprm(arguments)
            #expect(result.status == 2, "\(arguments)")
            if let message { #expect(result.standardError == message) } else { #expect(result.standardError.hasPrefix("tprm: --out: cannot write /nonexistent/dir/pack.csv")) }
        }
        // A pack that fails leaves the file it would replace as it was, and nothing half-written beside it.
        let before = try Data(contentsOf: out)
        let failed = try tprm(["report", "committee", "--format", "html", "--since", "2026-12-01", "--as-of", "2026-11-01", "--out", out.path])
        #expect(failed.status == 2)
        #expect(try Data(contentsOf: out) == before)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.hasPrefix(".\(out.lastPathComponent)") }, "no partial file left")
        // The CSV written to a file is the register, byte for byte what standard output gets.
        let csvFile = out.deletingPathExtension().appendingPathExtension("csv")
        let csv = try tprm(["report", "committee", "--format", "csv", "--as-of", "2030-01-01", "--out", csvFile.path])
        #expect(csv.status == 0)
        #expect(Array(try Data(contentsOf: csvFile).prefix(3)) == [0xEF, 0xBB, 0xBF], "the byte-order mark")
        // (Both read back the same way, which drops the mark.)
        #expect(try String(contentsOf: csvFile, encoding: .utf8) == (try tprm(["report", "committee", "--format", "csv", "--as-of", "2030-01-01"]).standardOutput))
        #expect(try String(contentsOf: csvFile, encoding: .utf8).components(separatedBy: "\r\n").count == 1 + 8 + 1, "a header, 8 vendors, a final line end")
    }
}
