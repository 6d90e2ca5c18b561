import ArgumentParser
import Foundation
import Reports
import Storage

/// `tprm report committee`: the TPRM committee's pack.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Reports for the TPRM committee.", subcommands: [Committee.self])

    struct Committee: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The committee pack: the portfolio, what changed, the suppliers that need a decision.",
            discussion: """
                Without --since, the changes are since the previous pack recorded by tprm (each pack is recorded with its \
                parameters and content digest), else the last 90 days. --as-of rebuilds the pack as it stood on that date; \
                the same --since and --as-of give the same digest. Formats: html (one self-contained file with charts, \
                printable), csv (the vendor register, for Excel), json, md (the summary and changes, for the minutes).
                """)

        @Option(help: ArgumentHelp("Changes since this date (YYYY-MM-DD or an ISO 8601 time).", valueName: "date")) var since: String?
        @Option(name: .customLong("as-of"), help: ArgumentHelp("The pack as it stood on this date (default: now).", valueName: "date")) var asOf: String?
        @Option(help: ArgumentHelp("html, csv, json or md.", valueName: "format")) var format: String
        @Option(help: ArgumentHelp("Write to this file rather than standard output.", valueName: "path")) var out: String?
        @OptionGroup var registry: RegistryOptions

        func validate() throws {
            _ = try Arguments.value(format, PackFormat.self, option: "--format")
            if let since { _ = try Arguments.date(since, option: "--since") }
            if let asOf { _ = try Arguments.date(asOf, option: "--as-of") }
        }

        func run() async throws {
            let report = CommitteeReport(pool: try registry.pool(), catalog: try registry.catalog.load())
            let generated = try report.generate(
                since: try since.map { try Arguments.date($0, option: "--since") }, asOf: try asOf.map { try Arguments.date($0, option: "--as-of") },
                format: try Arguments.value(format, PackFormat.self, option: "--format"), actor: registry.actorName)
            guard let out else { return print(generated.content, terminator: "") }
            do {
                try Data(generated.content.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw CLIError.usage("--out: cannot write \(out): \(error.localizedDescription)")
            }
            print("wrote \(out): \(generated.vendors) vendors as of \(Output.timestamp(generated.asOf)), changes since \(Output.timestamp(generated.since)); digest \(generated.digest)")
        }
    }
}
