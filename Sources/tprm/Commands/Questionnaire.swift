import CatalogFiles
import ArgumentParser
import CivilTime
import Foundation
import Outreach
import SupplierRisk

/// `tprm questionnaire …`: the catalog of questionnaires.
struct QuestionnaireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questionnaire", abstract: "Check, list and read the questionnaire catalog.",
        subcommands: [Lint.self, List.self, Show.self, Send.self])

    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check catalog files and report every problem as file:line:column; exit 1 if there are any.",
            discussion: "With no paths, checks the whole catalog directory, including that every tier has one questionnaire.")

        @Argument(help: "Files to check (default: the whole catalog).") var paths: [String] = []
        @OptionGroup var location: CatalogOptions

        func run() async throws {
            var problems: [CatalogProblem] = []
            var checked = 0
            if paths.isEmpty {
                try location.checkExists()
                do { _ = try Catalog.load(location.directory) } catch { problems = error.problems }
                checked = Catalog.questionnaireFiles(in: location.directory).count + 2
            } else {
                for path in paths {
                    guard FileManager.default.fileExists(atPath: path) else { throw CLIError.usage("\(path): no such file") }
                    do { try Catalog.lint(URL(fileURLWithPath: path)) } catch { problems += error.problems }
                    checked += 1
                }
            }
            for problem in problems { print(problem) }
            if !problems.isEmpty {
                throw CLIError.failure("\(problems.count) problem\(problems.count == 1 ? "" : "s") in the catalog")
            }
            print("\(checked) files checked, no problems")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the questionnaires and the tiers they are sent to.")
        @OptionGroup var location: CatalogOptions
        @Flag(help: "Print JSON.") var json = false

        struct Line: Encodable { let key: String; let version: Int; let title: String; let tiers: [Tier]; let questions: Int }

        func run() async throws {
            let catalog = try location.load(exitCode: CLIError.failureExitCode)
            let lines = catalog.questionnaires.map { Line(key: $0.key, version: $0.version, title: $0.title, tiers: $0.tiers, questions: $0.questions.count) }
            if json { return try Output.json(lines) }
            print(Output.table(["KEY", "VERSION", "TIERS", "QUESTIONS", "TITLE"], lines.map {
                [$0.key, String($0.version), $0.tiers.map(\.rawValue).joined(separator: ","), String($0.questions), $0.title]
            }))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a questionnaire as a readable outline, domain by domain.")
        @Argument(help: "The questionnaire's key (tprm questionnaire list shows them).") var key: String
        @OptionGroup var location: CatalogOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let catalog = try location.load(exitCode: CLIError.failureExitCode)
            guard let questionnaire = catalog.questionnaire(key) else {
                throw CLIError.usage("no questionnaire \"\(key)\" (expected \(catalog.questionnaires.map(\.key).joined(separator: ", ")))")
            }
            if json { return try Output.json(questionnaire) }
            var lines = ["\(questionnaire.title) (\(questionnaire.key), version \(questionnaire.version)) · tiers: \(questionnaire.tiers.map(\.rawValue).joined(separator: ", "))",
                         questionnaire.description, ""]
            for (index, domain) in questionnaire.domains.enumerated() {
                let questions = questionnaire.questions.filter { $0.domain == domain.key }
                lines.append("\(index + 1). \(domain.title) (weight \(domain.weight), \(questions.count) questions)")
                for question in questions {
                    var flags: [String] = [question.type.rawValue]
                    if let weight = question.weight { flags.append("weight \(weight)") }
                    if question.key { flags.append("key control") }
                    if question.evidence == .required {
                        flags.append(question.evidenceWhen.isEmpty ? "evidence required" : "evidence required for \(question.evidenceWhen.joined(separator: ", "))")
                    }
                    if let rule = question.rule { flags.append("judged by \(Self.rule(rule))") }
                    if !question.required { flags.append("optional") }
                    lines.append("   \(question.id)  \(question.text)")
                    lines.append("           [\(flags.joined(separator: ", "))]")
                    if !question.options.isEmpty, question.type != .yesNo {
                        let listed: Bool = switch question.rule {
                        case .allOf?, .noneOf?: true
                        default: false
                        }
                        lines.append("           " + question.options.map { listed ? $0.label : "\($0.label) (\($0.score))" }.joined(separator: " · "))
                    }
                    if let showIf = question.showIf { lines.append("           asked when \(Self.condition(showIf))") }
                    if !question.knockOut.isEmpty { lines.append("           knock-out: \(question.knockOut.joined(separator: ", "))") }
                    lines.append("           refs: \(question.references.map(\.description).joined(separator: "; "))")
                }
                lines.append("")
            }
            print(lines.joined(separator: "\n"))
        }

        static func rule(_ rule: Questionnaire.MultiRule) -> String {
            switch rule {
            case .worst: "the worst option chosen"
            case .best: "the best option chosen"
            case .allOf(let options): "all of \(options.joined(separator: ", "))"
            case .noneOf(let options): "none of \(options.joined(separator: ", "))"
            }
        }

        static func condition(_ showIf: Questionnaire.ShowIf) -> String {
            showIf.any.map { condition in
                switch condition {
                case .answer(let question, let values): "\(question) is \(values.joined(separator: " or "))"
                case .profile(let fact): "our profile has \(fact.text)"
                }
            }.joined(separator: ", or ")
        }
    }
}

extension QuestionnaireCommand {
    /// `tprm questionnaire send VENDOR`.
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a vendor a questionnaire: a private link by email, due in --due days.",
            discussion: """
                The questionnaire follows the vendor's tier unless --template names one. The invitation goes to the \
                vendor's contact email (or --to) through the outbox; tprm serve or tprm worker delivers it. The link \
                is printed once: only its hash is kept.
                """)

        @Argument(help: "The vendor's slug.") var vendor: String
        @Option(help: ArgumentHelp("A questionnaire's key (default: the one for the vendor's tier).", valueName: "key")) var template: String?
        @Option(help: ArgumentHelp("Days until it is due.", valueName: "days")) var due: Int = 30
        @Option(help: ArgumentHelp("onboarding, periodic or triggered.", valueName: "reason")) var reason: AssessmentReason = .onboarding
        @Option(help: ArgumentHelp("Send to this address rather than the vendor's contact email.", valueName: "address")) var to: String?
        @Flag(help: "Cancel the vendor's open assessment, if any, and send a new one.") var force = false
        @OptionGroup var registry: RegistryOptions
        @OptionGroup var outreach: OutreachOptions
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...365).contains(due) else { throw ValidationError("--due: give 1 to 365 days, not \(due)") }
        }

        func run() async throws {
            let invitations = Invitations(database: try registry.openDatabase(), catalog: try registry.catalog.load(), configuration: try outreach.configuration())
            let sent = try invitations.send(
                vendor: vendor, template: template, dueDays: due, reason: reason,
                recipient: to, force: force, actor: registry.actorName)
            if json { return try Output.json(["assessment": AnyEncodable(sent.assessment), "link": AnyEncodable(sent.link)]) }
            let summary = sent.assessment
            print("sent assessment #\(summary.id) to \(summary.recipient ?? "?"): \(summary.questionnaire) v\(summary.questionnaireVersion), due \(CivilTime.dayText(summary.dueAt))")
            print("private link (shown once): \(sent.link)")
        }
    }
}
