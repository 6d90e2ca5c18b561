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
        subcommands: [Migrate.self, Database.self, VendorCommand.self, CertCommand.self, ContractCommand.self, IncidentCommand.self, FourthPartyCommand.self, QuestionnaireCommand.self, AssessmentCommand.self, OutboxCommand.self, OutreachCommand.self, ReassessCommand.self, ReportCommand.self, WorkerCommand.self, RescoreCommand.self, ScoreCommand.self, DemoCommand.self, ServeCommand.self, TokenCommand.self]
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
        if let first = line.first { line = first.lowercased() + line.dropFirst() }
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
}
