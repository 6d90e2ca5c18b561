import Foundation
import Postgres
import TestSupport
import Testing

/// Scores from the command line: seed, score, read, explain.
@Suite struct ScoreCommandTests {
    let database: String

    init() throws {
        database = try TestDatabase.migrated("cliscore").connectionString
    }

    func tprm(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(
            Subprocess.tprmExecutable, arguments,
            environment: ["DATABASE_URL": database, "TPRM_CATALOG": TestDatabase.repositoryRoot.appendingPathComponent("questionnaires").path])
    }

    @Test func seedScoreShowHistoryAndWhatIf() throws {
        let seeded = try tprm(["demo", "seed", "--vendors", "30", "--seed", "5"])
        #expect(seeded.status == 0, "\(seeded.standardError)")
        #expect(seeded.standardOutput.hasPrefix("seeded 30 vendors"))
        let worker = try tprm(["worker", "--once"])
        #expect(worker.standardOutput.hasPrefix("scored 30 vendors"))

        let slug = try #require(try tprm(["vendor", "list"]).standardOutput.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init))
        let show = try tprm(["score", "show", slug])
        #expect(show.status == 0)
        let lines = show.standardOutput.split(separator: "\n").map(String.init)
        let total = try #require(lines.first?.split(separator: " ").dropFirst(3).first.map(String.init))
        #expect(lines.last?.hasSuffix("adding up to \(total)") == true, "the lines add up to the score shown")

        let json = try JSONSerialization.jsonObject(with: Data(try tprm(["score", "show", slug, "--json"]).standardOutput.utf8)) as? [String: Any]
        let score = json?["score"] as? [String: Any]
        let parts = (score?["lines"] as? [[String: Any]])?.compactMap { $0["hundredths"] as? Int } ?? []
        #expect(parts.reduce(0, +) == score?["hundredths"] as? Int)

        #expect(try tprm(["score", "history", slug]).standardOutput.split(separator: "\n").count == 2, "a header and the first score")
        // The riskiest vendor of the portfolio (the demo's dates follow the clock, so which one varies) has something to do.
        let riskiest = try #require(try tprm(["vendor", "list", "--sort=-score"]).standardOutput.split(separator: "\n").dropFirst().first?
            .split(separator: " ").first.map(String.init))
        let whatIf = try tprm(["score", "what-if", riskiest])
        #expect(whatIf.status == 0)
        #expect(whatIf.standardOutput.contains("LOWERS BY"), "\(whatIf.standardOutput)")
    }

    @Test(arguments: [
        (["score", "show", "nobody"], 2, "tprm: no vendor with slug nobody\n"),
        (["score", "what-if", "nobody"], 2, "tprm: no vendor with slug nobody\n"),
        (["rescore", "nobody"], 2, "tprm: no vendor with slug nobody\n"),
        (["rescore"], 2, "tprm: name the vendors to rescore, or give --all (see tprm rescore --help)\n"),
        (["rescore", "a", "--all"], 2, "tprm: give vendors or --all, not both (see tprm rescore --help)\n"),
        (["worker", "--lanes", "0"], 2, "tprm: --lanes must be 1 to 16 (see tprm worker --help)\n"),
        (["demo", "seed", "--vendors", "0"], 2, "tprm: --vendors must be 1 to 1000000 (see tprm demo seed --help)\n"),
    ])
    func badInputIsRefusedAndQueuesNothing(arguments: [String], status: Int32, message: String) throws {
        let result = try tprm(arguments)
        #expect(result.status == status)
        #expect(result.standardError == message)
        let connection = try Connection(configuration: try PostgresConfiguration(database))
        #expect(try connection.query("SELECT count(*) FROM rescore_queue")[0].decode(Int.self, at: 0) == 0)
        #expect(try connection.query("SELECT count(*) FROM vendors")[0].decode(Int.self, at: 0) == 0)
    }

    @Test func aVendorNotYetScoredSaysHowToScoreIt() throws {
        #expect(try tprm(["vendor", "add", "Fresh Co", "--owner", "X", "--offering", "agent", "--data", "public", "--impact", "none",
                          "--ai-act", "minimal", "--criticality", "low"]).status == 0)
        let show = try tprm(["score", "show", "fresh-co"])
        #expect(show.status == 1)
        #expect(show.standardError == "tprm: fresh-co has no score yet: start a worker (tprm worker) or run tprm worker --once\n")
    }
}
