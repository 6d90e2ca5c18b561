public import Foundation

/// One schema change: a file `NNN_name.sql` of the migrations directory.
public struct Migration: Sendable, Hashable {
    /// The number the file starts with; migrations apply in its order.
    public let version: Int
    /// The part of the file name after the number, without `.sql`.
    public let name: String
    /// The file name, for messages: `002_vendors.sql`.
    public let fileName: String
    /// The file's text.
    public let sql: String

    /// Reads a migration file.
    ///
    /// - Throws: ``MigrationError`` when the name is not `NNN_name.sql` or the file is not UTF-8.
    public init(file: URL) throws(MigrationError) {
        let fileName = file.lastPathComponent
        guard let (version, name) = Self.parse(fileName: fileName) else {
            throw .badFileName(fileName)
        }
        guard let data = try? Data(contentsOf: file), let sql = String(data: data, encoding: .utf8) else {
            throw .unreadable(fileName)
        }
        self.init(version: version, name: name, fileName: fileName, sql: sql)
    }

    /// Creates a migration from its parts.
    public init(version: Int, name: String, fileName: String, sql: String) {
        self.version = version
        self.name = name
        self.fileName = fileName
        self.sql = sql
    }

    /// `001_create_vendors.sql` → (1, "create_vendors"); anything else → nil.
    static func parse(fileName: String) -> (Int, String)? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore]
        let name = stem[stem.index(after: underscore)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let version = Int(digits),
              !name.isEmpty, name.allSatisfy({ $0.isASCIIDigit || ("a"..."z").contains($0) || $0 == "_" })
        else { return nil }
        return (version, String(name))
    }

    /// The 1-based line and column of a 0-based character offset in the file,
    /// counting characters as PostgreSQL does (Unicode scalars).
    func lineAndColumn(ofOffset offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for (index, scalar) in sql.unicodeScalars.enumerated() {
            if index >= offset { break }
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

/// A problem with the migrations directory or with applying a migration.
public enum MigrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The migrations directory does not exist.
    case directoryMissing(String)
    /// A `.sql` file not named `NNN_name.sql` (lower-case name, digits and underscores).
    case badFileName(String)
    /// A file that cannot be read as UTF-8.
    case unreadable(String)
    /// Two files with the same number.
    case duplicateVersion(Int, [String])
    /// A file applied earlier whose text has changed since.
    case changed(String)
    /// A migration the database has applied whose file is gone.
    case missing(version: Int, name: String)
    /// A new file numbered below one already applied.
    case outOfOrder(String, appliedAfter: String)
    /// A file the server refused, with the line and column of the error; it was rolled back.
    case failed(file: String, line: Int, column: Int, error: PostgresError)

    /// What went wrong and what to do, naming the file.
    public var description: String {
        switch self {
        case .directoryMissing(let path):
            "migrations directory \(path) does not exist"
        case .badFileName(let file):
            "\(file): a migration must be named NNN_name.sql (digits, underscore, lower-case letters, digits and underscores)"
        case .unreadable(let file):
            "\(file): cannot be read as UTF-8 text"
        case .duplicateVersion(let version, let files):
            "migration number \(version) is used by more than one file: \(files.joined(separator: ", "))"
        case .changed(let file):
            "\(file) has changed since it was applied; applied migrations are never edited, add a new file instead"
        case .missing(let version, let name):
            "migration \(version) (\(name)) was applied to this database but its file is missing"
        case .outOfOrder(let file, let applied):
            "\(file) is numbered before \(applied), which is already applied; give it a number after the last applied one"
        case .failed(let file, let line, let column, let error):
            "\(file):\(line):\(column): \(error.message) (SQLSTATE \(error.code.rawValue)); the migration was rolled back"
        }
    }
}
