public import Foundation

/// The whole catalog directory: scoring rules, clause library and questionnaires.
public struct Catalog: Sendable {
    public let scoring: ScoringConfiguration
    public let clauses: ClauseLibrary
    public let questionnaires: [Questionnaire]

    static let scoringFile = "scoring.yaml"
    static let clausesFile = "contract-clauses.yaml"

    /// Loads and validates every file of `directory`, reporting every problem of every file.
    ///
    /// - Throws: ``CatalogError``.
    public static func load(_ directory: URL) throws(CatalogError) -> Catalog {
        var problems: [CatalogProblem] = []
        func attempt<Value>(_ body: () throws(CatalogError) -> Value) -> Value? {
            do { return try body() } catch {
                problems += error.problems
                return nil
            }
        }
        let scoring = attempt { () throws(CatalogError) in try ScoringConfiguration.load(directory.appendingPathComponent(scoringFile)) }
        let clauses = attempt { () throws(CatalogError) in try ClauseLibrary.load(directory.appendingPathComponent(clausesFile)) }
        var questionnaires: [Questionnaire] = []
        for file in questionnaireFiles(in: directory) {
            if let questionnaire = attempt({ () throws(CatalogError) in try Questionnaire.load(file) }) { questionnaires.append(questionnaire) }
        }
        problems += tierProblems(questionnaires, directory: directory)
        if let scoring { problems += checkInProblems(scoring, questionnaires, directory: directory) }
        guard problems.isEmpty, let scoring, let clauses else { throw CatalogError(problems: problems) }
        return Catalog(scoring: scoring, clauses: clauses, questionnaires: questionnaires)
    }

    /// The questionnaire files of a catalog directory: every `.yaml` but the scoring and clause files.
    public static func questionnaireFiles(in directory: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") && $0 != scoringFile && $0 != clausesFile }
            .sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// Validates one file of any kind, by its name.
    public static func lint(_ file: URL) throws(CatalogError) {
        switch file.lastPathComponent {
        case scoringFile: _ = try ScoringConfiguration.load(file)
        case clausesFile: _ = try ClauseLibrary.load(file)
        default: _ = try Questionnaire.load(file)
        }
    }

    /// The questionnaire a tier is sent.
    public func questionnaire(for tier: Tier) -> Questionnaire? {
        questionnaires.first { $0.tiers.contains(tier) }
    }

    /// The questionnaire with `key`.
    public func questionnaire(_ key: String) -> Questionnaire? {
        questionnaires.first { $0.key == key }
    }

    /// A tier's check-in must send a questionnaire of the catalog.
    static func checkInProblems(_ scoring: ScoringConfiguration, _ questionnaires: [Questionnaire], directory: URL) -> [CatalogProblem] {
        Tier.allCases.reversed().compactMap { tier in
            guard let key = scoring.cadence[tier]?.checkIn, !questionnaires.contains(where: { $0.key == key }) else { return nil }
            return CatalogProblem(
                file: directory.appendingPathComponent(scoringFile).path, line: 1, column: 1,
                message: "cadence.\(tier.rawValue).check_in: no questionnaire \"\(key)\" in the catalog (it has \(questionnaires.map(\.key).joined(separator: ", ")))")
        }
    }

    /// Every tier must be served by exactly one questionnaire.
    static func tierProblems(_ questionnaires: [Questionnaire], directory: URL) -> [CatalogProblem] {
        Tier.allCases.reversed().compactMap { tier in
            let serving = questionnaires.filter { $0.tiers.contains(tier) }.map(\.key)
            if serving.count == 1 { return nil }
            let message = serving.isEmpty
                ? "no questionnaire is sent to tier \(tier.rawValue)"
                : "tier \(tier.rawValue) is served by more than one questionnaire: \(serving.joined(separator: ", "))"
            return CatalogProblem(file: directory.path, line: 1, column: 1, message: message)
        }
    }
}
