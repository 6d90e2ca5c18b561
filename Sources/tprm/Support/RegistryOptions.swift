import CatalogFiles
public import ArgumentParser
import Foundation
import Reports
import Storage
import SupplierRisk

/// Where the catalog is: `--catalog`, else `TPRM_CATALOG`, else `./questionnaires`.
struct CatalogOptions: ParsableArguments {
    @Option(name: .customLong("catalog"), help: ArgumentHelp(
        "Directory of the catalog: scoring.yaml, contract-clauses.yaml, questionnaires (default: $TPRM_CATALOG, else ./questionnaires).",
        valueName: "dir"))
    var path: String?

    var directory: URL {
        URL(fileURLWithPath: path ?? ProcessInfo.processInfo.environment["TPRM_CATALOG"].flatMap { $0.isEmpty ? nil : $0 } ?? "questionnaires")
    }

    /// A missing directory is a configuration error.
    func checkExists() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError.usage("catalog directory \(directory.path) does not exist (pass --catalog DIR or set TPRM_CATALOG)")
        }
    }

    /// The whole catalog; its problems end the command with `exitCode`.
    func load(exitCode: Int32 = CLIError.usageExitCode) throws -> Catalog {
        try checked(exitCode: exitCode) { directory throws(CatalogError) in try Catalog.load(directory) }
    }

    /// The scoring configuration alone.
    func scoring() throws -> ScoringConfiguration {
        try checked { directory throws(CatalogError) in try ScoringConfiguration.load(directory.appendingPathComponent("scoring.yaml")) }
    }

    /// The contract clause library alone.
    func clauseLibrary() throws -> ClauseLibrary {
        try checked { directory throws(CatalogError) in try ClauseLibrary.load(directory.appendingPathComponent("contract-clauses.yaml")) }
    }

    private func checked<Value>(exitCode: Int32 = CLIError.usageExitCode, _ load: (URL) throws(CatalogError) -> Value) throws -> Value {
        try checkExists()
        do {
            return try load(directory)
        } catch {
            throw CLIError(message: "the catalog has problems (run tprm questionnaire lint):\n\(error)", exitCode: exitCode)
        }
    }
}

/// What every registry command needs: the database, the catalog and who is acting.
struct RegistryOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var catalog: CatalogOptions

    @Option(help: ArgumentHelp("Who is making the change, for the audit log (default: your login name).", valueName: "name"))
    var actor: String?

    /// The audit log's actor: `--actor`, else the login name.
    var actorName: String {
        if let actor, !actor.trimmingCharacters(in: .whitespaces).isEmpty { return actor }
        return ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
    }

    /// The database, with a small pool: a command does one thing at a time.
    func openDatabase() throws -> Database {
        try database.open(maximumConnections: 2)
    }
}

/// Parses enum values from the command line with messages that list what is accepted.
/// What an option's transform refuses, said after the option's name by ``Tprm/usageLine(for:arguments:)``:
/// `--as-of: "soon" is not a date (use 2026-11-29, or 2026-11-29T14:30Z for a time)`.
struct ArgumentProblem: Error, CustomStringConvertible {
    let description: String
}

/// The enums options and arguments take, read by the parser from their raw values. A wrong one is said as
/// `--format: unknown value "pdf" (expected html, csv, json, md)`.
extension AIProfile.AIActClass: ExpressibleByArgument {}
extension AIProfile.Autonomy: ExpressibleByArgument {}
extension AIProfile.BusinessCriticality: ExpressibleByArgument {}
extension AIProfile.DataCategory: ExpressibleByArgument {}
extension AIProfile.DecisionImpact: ExpressibleByArgument {}
extension AIProfile.Offering: ExpressibleByArgument {}
extension ApiRole: ExpressibleByArgument {}
extension AssessmentReason: ExpressibleByArgument {}
extension AssessmentStatus: ExpressibleByArgument {}
extension Certification.Standard: ExpressibleByArgument {}
extension ClauseStatus: ExpressibleByArgument {}
extension Incident.Category: ExpressibleByArgument {}
extension Incident.Severity: ExpressibleByArgument {}
extension Incident.Status: ExpressibleByArgument {}
extension OutboxMessage.Status: ExpressibleByArgument {}
extension PackFormat: ExpressibleByArgument {}
extension Tier: ExpressibleByArgument {}
extension Vendor.Status: ExpressibleByArgument {}

/// Parsers for option values that are not single enums, for `@Option(transform:)`.
enum Arguments {
    /// A comma-separated list: `personal,internal`.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A comma-separated list of an enum's raw values.
    static func values<Value: RawRepresentable<String> & CaseIterable>(_ type: Value.Type) -> @Sendable (String) throws -> [Value] {
        { text in
            let expected = Value.allCases.map(\.rawValue).joined(separator: ", ")
            let items = list(text)
            guard !items.isEmpty else { throw ArgumentProblem(description: "give at least one value (expected \(expected))") }
            return try items.map { item in
                guard let value = Value(rawValue: item) else { throw ArgumentProblem(description: "unknown value \"\(item)\" (expected \(expected))") }
                return value
            }
        }
    }

    /// `2026-11-29`, or a time: `2026-11-29T14:30Z`, `2026-11-29 14:30`, `2026-11-29T14:30:00+01:00` (UTC when no zone).
    @Sendable static func date(_ text: String) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if trimmed.count == 10, let date = day.date(from: trimmed) { return date }
        // Normalise to YYYY-MM-DDTHH:MM:SS followed by a zone, which ISO8601DateFormatter reads.
        let parts = trimmed.split(maxSplits: 1, whereSeparator: { $0 == "T" || $0 == " " }).map(String.init)
        if parts.count == 2, parts[0].count == 10 {
            var time = parts[1]
            var zone = "Z"
            if let start = time.firstIndex(where: { $0 == "Z" || $0 == "z" || $0 == "+" || $0 == "-" }) {
                zone = String(time[start...]).uppercased()
                time = String(time[..<start])
            }
            if time.filter({ $0 == ":" }).count == 1 { time += ":00" }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime]
            if let date = formatter.date(from: "\(parts[0])T\(time)\(zone)") { return date }
        }
        throw ArgumentProblem(description: "\"\(text)\" is not a date (use 2026-11-29, or 2026-11-29T14:30Z for a time)")
    }

    @Sendable static func decimal(_ text: String) throws -> Decimal {
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !value.isNaN,
              text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" })
        else { throw ArgumentProblem(description: "\"\(text)\" is not a number (use digits and a point, such as 120000.50)") }
        return value
    }
}
