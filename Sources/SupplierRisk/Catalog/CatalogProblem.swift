import Foundation

/// One thing wrong in a catalog file, at a position: `scoring.yaml:12:5: unknown tier "extreme" …`.
public struct CatalogProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as given to the loader.
    public let file: String
    /// The 1-based line.
    public let line: Int
    /// The 1-based column, in Unicode scalars.
    public let column: Int
    /// What is wrong and what was expected.
    public let message: String

    /// Creates a problem.
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, the form editors and CI logs understand.
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Every problem found in the catalog; loading never stops at the first.
public struct CatalogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in file order.
    public let problems: [CatalogProblem]

    public init(problems: [CatalogProblem]) { self.problems = problems }

    /// One problem a line.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
