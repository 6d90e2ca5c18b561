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
                the same --since and --as-of give the same digest. --no-record previews a pack without recording it, so that \
                the next pack's changes still start where the last recorded one ended. Formats: html (one self-contained file with charts, \
                printable), csv (the vendor register, for Excel), json, md (the summary and changes, for the minutes).
                """)

        @Option(help: ArgumentHelp("Changes since this date (YYYY-MM-DD or an ISO 8601 time).", valueName: "date"), transform: Arguments.date) var since: Date?
        @Option(name: .customLong("as-of"), help: ArgumentHelp("The pack as it stood on this date (default: now).", valueName: "date"), transform: Arguments.date) var asOf: Date?
        @Option(help: ArgumentHelp("html, csv, json or md.", valueName: "format")) var format: PackFormat
        @Option(help: ArgumentHelp("Write to this file rather than standard output.", valueName: "path")) var out: String?
        @Flag(name: .customLong("no-record"), help: "Preview: record nothing, so the next pack's default --since stays as it is.") var noRecord = false
        @OptionGroup var registry: RegistryOptions

        func validate() throws {
            if let out, out.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--out: give a file path") }
        }

        func run() async throws {
            let report = CommitteeReport(database: try registry.openDatabase(), catalog: try registry.catalog.load())
            let since = since, asOf = asOf
            let format = format
            guard let out else {
                // Standard output, as it is written: a pack of any size streams through.
                let output = FileHandle.standardOutput
                _ = try report.generate(since: since, asOf: asOf, format: format, actor: registry.actorName, record: !noRecord) { try output.write(contentsOf: $0) }
                return
            }
            // A file appears whole or not at all: written beside its place, then renamed over it.
            let target = URL(fileURLWithPath: out)
            let partial = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).\(getpid()).partial")
            guard FileManager.default.createFile(atPath: partial.path, contents: nil), let file = try? FileHandle(forWritingTo: partial) else {
                throw CLIError.usage("--out: cannot write \(out): \(String(cString: strerror(errno)))")
            }
            let generated: CommitteeReport.Generated
            do {
                defer { try? file.close() }
                generated = try report.generate(since: since, asOf: asOf, format: format, actor: registry.actorName, record: !noRecord) { try file.write(contentsOf: $0) }
                guard rename(partial.path, target.path) == 0 else {
                    throw CLIError.usage("--out: cannot write \(out): \(String(cString: strerror(errno)))")
                }
            } catch {
                try? FileManager.default.removeItem(at: partial)
                throw error
            }
            print("wrote \(out): \(generated.vendors) vendors as of \(Output.timestamp(generated.asOf)), changes since \(Output.timestamp(generated.since)); digest \(generated.digest)")
        }
    }
}
