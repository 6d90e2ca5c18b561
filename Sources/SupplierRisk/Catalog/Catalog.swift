public import Foundation

/// The whole catalog directory: scoring rules, clause library and questionnaires.
public struct Catalog: Sendable {
    public let scoring: ScoringConfiguration
    public let clauses: ClauseLibrary
    public let questionnaires: [Questionnaire]

    /// The names of the scoring and clause files of a catalog; every other `.yaml` is a questionnaire.
    public static let scoringFile = "scoring.yaml"
    public static let clausesFile = "contract-clauses.yaml"

    /// A catalog's files as text, read by the caller (the `CatalogFiles` module reads a directory): the domain
    /// reads no files.
    public struct Source: Sendable {
        /// A file's path, as problems name it, and its text; nil text when it could not be read as UTF-8.
        public typealias File = (path: String, text: String?)
        /// The directory, as problems about the catalog as a whole name it.
        public var directory: String
        public var scoring: File
        public var clauses: File
        /// Every questionnaire file, in order.
        public var questionnaires: [File]

        public init(directory: String, scoring: File, clauses: File, questionnaires: [File]) {
            self.directory = directory
            self.scoring = scoring
            self.clauses = clauses
            self.questionnaires = questionnaires
        }
    }

    /// Validates every file of a catalog, reporting every problem of every file.
    ///
    /// - Throws: ``CatalogError``.
    public static func parse(_ source: Source) throws(CatalogError) -> Catalog {
        var problems: [CatalogProblem] = []
        func attempt<Value>(_ file: Source.File, _ body: (String) throws(CatalogError) -> Value) -> Value? {
            guard let text = file.text else {
                problems.append(CatalogProblem(file: file.path, line: 1, column: 1, message: "cannot be read as UTF-8 text"))
                return nil
            }
            do { return try body(text) } catch {
                problems += error.problems
                return nil
            }
        }
        let scoring = attempt(source.scoring) { (text) throws(CatalogError) in try ScoringConfiguration.parse(text, file: source.scoring.path) }
        let clauses = attempt(source.clauses) { (text) throws(CatalogError) in try ClauseLibrary.parse(text, file: source.clauses.path) }
        var questionnaires: [Questionnaire] = []
        for file in source.questionnaires {
            if let questionnaire = attempt(file, { (text) throws(CatalogError) in try Questionnaire.parse(text, file: file.path, key: Self.key(ofFile: file.path)) }) {
                questionnaires.append(questionnaire)
            }
        }
        problems += tierProblems(questionnaires, directory: source.directory)
        if let scoring { problems += checkInProblems(scoring, questionnaires, scoringFile: source.scoring.path) }
        guard problems.isEmpty, let scoring, let clauses else { throw CatalogError(problems: problems) }
        return Catalog(scoring: scoring, clauses: clauses, questionnaires: questionnaires)
    }

    /// A questionnaire's key is its file's name without the extension: `ai-supplier-essentials.yaml`.
    public static func key(ofFile path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name
    }

    /// Validates one file's text, of the kind its name says.
    public static func lint(_ text: String, file path: String) throws(CatalogError) {
        switch path.split(separator: "/").last.map(String.init) ?? path {
        case scoringFile: _ = try ScoringConfiguration.parse(text, file: path)
        case clausesFile: _ = try ClauseLibrary.parse(text, file: path)
        default: _ = try Questionnaire.parse(text, file: path, key: key(ofFile: path))
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
    static func checkInProblems(_ scoring: ScoringConfiguration, _ questionnaires: [Questionnaire], scoringFile: String) -> [CatalogProblem] {
        Tier.allCases.reversed().compactMap { tier in
            guard let key = scoring.cadence[tier]?.checkIn, !questionnaires.contains(where: { $0.key == key }) else { return nil }
            return CatalogProblem(
                file: scoringFile, line: 1, column: 1,
                message: "cadence.\(tier.rawValue).check_in: no questionnaire \"\(key)\" in the catalog (it has \(questionnaires.map(\.key).joined(separator: ", ")))")
        }
    }

    /// Every tier must be served by exactly one questionnaire.
    static func tierProblems(_ questionnaires: [Questionnaire], directory: String) -> [CatalogProblem] {
        Tier.allCases.reversed().compactMap { tier in
            let serving = questionnaires.filter { $0.tiers.contains(tier) }.map(\.key)
            if serving.count == 1 { return nil }
            let message = serving.isEmpty
                ? "no questionnaire is sent to tier \(tier.rawValue)"
                : "tier \(tier.rawValue) is served by more than one questionnaire: \(serving.joined(separator: ", "))"
            return CatalogProblem(file: directory, line: 1, column: 1, message: message)
        }
    }
}
