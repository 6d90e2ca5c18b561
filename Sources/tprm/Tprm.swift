import ArgumentParser
import Foundation

/// The `tprm` command: third-party AI supplier risk management.
@main
struct Tprm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tprm",
        abstract: "Manage the risk of third-party AI suppliers.",
        discussion: """
            Configuration comes from the environment (DATABASE_URL, TPRM_MIGRATIONS), \
            overridden by flags. With neither, tprm uses the private cluster of \
            scripts/pg-local in this repository.

            Exit codes: 0 ok, 1 failure, 2 usage or configuration error.
            """,
        subcommands: [Migrate.self, DatabaseCommand.self, VendorCommand.self, CertCommand.self, ContractCommand.self, IncidentCommand.self, FourthPartyCommand.self, QuestionnaireCommand.self, AssessmentCommand.self, OutboxCommand.self, OutreachCommand.self, ReassessCommand.self, ReportCommand.self, WorkerCommand.self, RescoreCommand.self, ScoreCommand.self, DemoCommand.self, ServeCommand.self, TokenCommand.self, UserCommand.self]
    )

    /// Runs the command, mapping every error to one line on stderr and an exit code.
    static func main() async {
        let code = await run(arguments: Array(CommandLine.arguments.dropFirst()))
        Foundation.exit(code)
    }

    /// Parses and runs `arguments`; returns the exit code. Tests call this too.
    static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("tprm: \(error.message)\n".utf8))
            return error.exitCode
        } catch {
            let code = exitCode(for: error).rawValue
            if code == 0 {
                print(fullMessage(for: error))
                return 0
            }
            if code == ExitCode.validationFailure.rawValue {
                FileHandle.standardError.write(Data("tprm: \(usageLine(for: error, arguments: arguments))\n".utf8))
                return CLIError.usageExitCode
            }
            let failure = CLIError(error)
            FileHandle.standardError.write(Data("tprm: \(failure.message)\n".utf8))
            return failure.exitCode
        }
    }

    /// The first line of ArgumentParser's message, without its `Error:` prefix,
    /// and where to read more: `unexpected argument 'migrat' (see tprm --help)`.
    static func usageLine(for error: any Error, arguments: [String]) -> String {
        let message = fullMessage(for: error)
        var line = message.split(separator: "\n").first.map(String.init) ?? message
        if line.hasPrefix("Error: ") { line.removeFirst("Error: ".count) }
        if let said = valueProblem(message) {
            line = said
        } else if let first = line.first {
            line = first.lowercased() + line.dropFirst()
        }
        // The subcommands named before the first option, as far as they exist.
        var command: any ParsableCommand.Type = Tprm.self
        var subcommands: [String] = []
        for argument in arguments.prefix(while: { !$0.hasPrefix("-") }) {
            guard let next = command.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            subcommands.append(argument)
            command = next
        }
        return "\(line) (see tprm \((subcommands + ["--help"]).joined(separator: " ")))"
    }

    /// ArgumentParser's words for a value an option or argument could not take, in tprm's:
    /// `The value 'pdf' is invalid for '--format <format>'. Please provide one of 'html', 'csv', 'json' or 'md'.`
    /// becomes `--format: unknown value "pdf" (expected html, csv, json, md)`, and a transform's
    /// ``ArgumentProblem`` follows the option's name: `--as-of: "soon" is not a date (…)`. Nil for other messages.
    static func valueProblem(_ message: String) -> String? {
        var text = message
        if text.hasPrefix("Error: ") { text.removeFirst("Error: ".count) }
        let prefix = "The value '"
        guard text.hasPrefix(prefix), let valueEnd = text.range(of: "' is invalid for '") else { return nil }
        let value = String(text[text.index(text.startIndex, offsetBy: prefix.count)..<valueEnd.lowerBound])
        let rest = text[valueEnd.upperBound...]
        guard let nameEnd = rest.firstIndex(of: "'") else { return nil }
        // `--format <format>` names the option; `<status>` an argument, said as `status`.
        var name = String(rest[..<nameEnd])
        if name.hasPrefix("<") { name = String(name.dropFirst().dropLast()) } else if let space = name.firstIndex(of: " ") { name = String(name[..<space]) }
        let after = rest[rest.index(after: nameEnd)...]
        if after.hasPrefix(": ") { return "\(name): \(after.dropFirst(2).split(separator: "\n").first ?? "")" }
        guard after.hasPrefix(". Please provide one of") else { return nil }
        let choices: [String]
        if after.split(separator: "\n").first?.hasSuffix("following:") == true {
            choices = after.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
        } else {
            choices = (after.split(separator: "\n").first ?? "").split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        }
        return "\(name): unknown value \"\(value)\" (expected \(choices.joined(separator: ", ")))"
    }
}
