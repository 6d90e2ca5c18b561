public import Foundation
public import SupplierRisk

/// Reads the catalog from its directory: the one place tprm reads catalog files, so that the domain
/// (SupplierRisk) only parses the texts it is given.
extension Catalog {
    /// Loads and validates every file of `directory`, reporting every problem of every file.
    ///
    /// - Throws: ``CatalogError``.
    public static func load(_ directory: URL) throws(CatalogError) -> Catalog {
        func file(_ url: URL) -> Source.File {
            (url.path, FileManager.default.contents(atPath: url.path).flatMap { String(data: $0, encoding: .utf8) })
        }
        return try parse(Source(
            directory: directory.path,
            scoring: file(directory.appendingPathComponent(scoringFile)),
            clauses: file(directory.appendingPathComponent(clausesFile)),
            questionnaires: questionnaireFiles(in: directory).map(file)))
    }

    /// The questionnaire files of a catalog directory: every `.yaml` but the scoring and clause files, by name.
    public static func questionnaireFiles(in directory: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") && $0 != scoringFile && $0 != clausesFile }
            .sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// Validates one file of any kind, by its name.
    public static func lint(_ file: URL) throws(CatalogError) {
        guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8) else {
            throw CatalogError(problems: [CatalogProblem(file: file.path, line: 1, column: 1, message: "cannot be read as UTF-8 text")])
        }
        try lint(text, file: file.path)
    }
}

extension Questionnaire {
    /// Reads and validates a questionnaire file; its key must be the file's name.
    ///
    /// - Throws: ``CatalogError`` listing every problem with its line and column.
    public static func load(_ file: URL) throws(CatalogError) -> Questionnaire {
        try parse(try text(file), file: file.path, key: Catalog.key(ofFile: file.path))
    }
}

extension ScoringConfiguration {
    /// Reads and validates a scoring file.
    public static func load(_ file: URL) throws(CatalogError) -> ScoringConfiguration {
        try parse(try text(file), file: file.path)
    }
}

extension ClauseLibrary {
    /// Reads and validates a clause library file.
    public static func load(_ file: URL) throws(CatalogError) -> ClauseLibrary {
        try parse(try text(file), file: file.path)
    }
}

/// A catalog file's text, or the problem of reading it.
func text(_ file: URL) throws(CatalogError) -> String {
    guard let data = FileManager.default.contents(atPath: file.path), let text = String(data: data, encoding: .utf8) else {
        throw CatalogError(problems: [CatalogProblem(file: file.path, line: 1, column: 1, message: "cannot be read as UTF-8 text")])
    }
    return text
}
