import CivilTime
import ArgumentParser
import Foundation
import Logging
import Outreach
import Storage
import SupplierRisk

/// Where portal links point and how mail leaves: `TPRM_PUBLIC_URL`, `TPRM_MAIL`, `TPRM_MAIL_FROM`, `TPRM_MAILBOX`.
struct OutreachOptions: ParsableArguments {
    @Option(name: .customLong("public-url"), help: ArgumentHelp("The address suppliers reach tprm serve at (default: $TPRM_PUBLIC_URL, else http://127.0.0.1:8080).", valueName: "url"))
    var publicURL: String?
    @Option(help: ArgumentHelp("file:DIR, sendmail:COMMAND or webhook:URL (default: $TPRM_MAIL, else file:.tprm/mail).", valueName: "transport"))
    var mail: String?

    func configuration() throws -> OutreachConfiguration {
        var environment = ProcessInfo.processInfo.environment
        if let publicURL { environment["TPRM_PUBLIC_URL"] = publicURL }
        if let mail { environment["TPRM_MAIL"] = mail }
        return try OutreachConfiguration.from(environment: environment)
    }
}

/// `tprm assessment …`: sent questionnaires and their review.
struct AssessmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assessment", abstract: "List, show and review sent questionnaires; issue a new private link.",
        subcommands: [List.self, Show.self, Review.self, Relink.self, Cancel.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List assessments, newest first.")
        @Option(help: ArgumentHelp("Only this vendor's.", valueName: "slug")) var vendor: String?
        @Option(help: ArgumentHelp("Only these statuses, comma-separated: sent, in_progress, submitted, under_review, completed, expired, cancelled.", valueName: "statuses"),
                transform: Arguments.values(AssessmentStatus.self))
        var status: [AssessmentStatus]?
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let statuses = status ?? []
            let assessments = try AssessmentOutreachStore(database: try registry.openDatabase()).list(vendor: vendor, statuses: statuses)
            if json { return try Output.json(assessments) }
            if assessments.isEmpty { return print("no assessments") }
            print(Output.table(["ID", "VENDOR", "QUESTIONNAIRE", "STATUS", "SENT", "DUE", "ANSWERED", "FLAGGED"], assessments.map {
                ["\($0.id)", $0.vendor, $0.questionnaire, $0.status.rawValue + ($0.overdueAt != nil && $0.status.isEditable ? " (overdue)" : ""),
                 CivilTime.dayText($0.sentAt), CivilTime.dayText($0.dueAt), "\($0.answered)", "\($0.flagged)"]
            }))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an assessment: each answer with its evidence and verdict.")
        @Argument(help: "The assessment's id.") var id: Int
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let detail = try AssessmentOutreachStore(database: try registry.openDatabase()).detail(id)
            if json { return try Output.json(detail) }
            let summary = detail.summary
            print("assessment #\(summary.id): \(summary.vendorName) (\(summary.vendor)), \(summary.questionnaire) v\(summary.questionnaireVersion), \(summary.reason.rawValue)")
            print("status \(summary.status.rawValue); sent \(CivilTime.dayText(summary.sentAt)) to \(summary.recipient ?? "?"), due \(CivilTime.dayText(summary.dueAt))"
                  + (summary.submittedAt.map { ", submitted \(Output.timestamp($0))" } ?? "")
                  + (detail.linkExpiresAt.map { "; link valid until \(CivilTime.dayText($0))" } ?? "; no valid link"))
            if let note = summary.changesRequested { print("changes requested: \(note)") }
            let answers = Dictionary(uniqueKeysWithValues: detail.answers.map { ($0.questionID, $0) })
            for question in detail.questionnaire.questions {
                guard let answer = answers[question.id] else { continue }
                let files = detail.evidence.filter { $0.questionID == question.id }.map { "\($0.filename) (#\($0.id), sha256 \($0.sha256.prefix(12))…)" }
                let verdict = answer.verdict.map { " [\($0.rawValue)\(answer.reviewerNote.map { ": \($0)" } ?? "")]" } ?? ""
                print("  \(question.id)  \(Self.describe(answer.value, question))\(verdict)")
                for file in files { print("          evidence: \(file)") }
            }
            let unanswered = detail.questionnaire.questions.filter { answers[$0.id] == nil }.count
            if unanswered > 0 { print("  (\(unanswered) questions unanswered or not shown)") }
        }

        static func describe(_ value: Answer.Value, _ question: Questionnaire.Question) -> String {
            func label(_ option: String) -> String { question.options.first { $0.value == option }?.label ?? option }
            switch value {
            case .option(let option): return label(option)
            case .options(let options): return options.map(label).joined(separator: ", ")
            case .number(let number): return "\(number)"
            case .date(let date): return CivilTime.dayText(date)
            case .text(let text): return "\"\(text.replacingOccurrences(of: "\n", with: " ").prefix(80))\""
            case .file: return "(document)"
            }
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept or flag answers, request changes, or complete a submitted assessment.",
            discussion: """
                Examples: tprm assessment review 12 --accept GOV-01,GOV-02 ; tprm assessment review 12 --flag DAT-04 --note "DPA unsigned" ; \
                tprm assessment review 12 --request-changes "Please attach the signed DPA" ; tprm assessment review 12 --complete
                """)
        @Argument(help: "The assessment's id.") var id: Int
        @Option(help: ArgumentHelp("Questions whose answers are accepted, comma-separated.", valueName: "ids")) var accept: String?
        @Option(help: ArgumentHelp("Questions whose answers are flagged as failed, comma-separated.", valueName: "ids")) var flag: String?
        @Option(help: ArgumentHelp("A note on the accepted or flagged answers, shown to the supplier.", valueName: "text")) var note: String?
        @Option(name: .customLong("request-changes"), help: ArgumentHelp("Send the assessment back to the supplier with this message.", valueName: "text"))
        var requestChanges: String?
        @Flag(help: "Complete the assessment.") var complete = false
        @OptionGroup var registry: RegistryOptions
        @OptionGroup var outreach: OutreachOptions

        func validate() throws {
            let actions = [accept != nil || flag != nil, requestChanges != nil, complete].filter { $0 }.count
            guard actions == 1 else { throw ValidationError("give one of --accept/--flag, --request-changes or --complete") }
        }

        func run() async throws {
            let database = try registry.openDatabase()
            let store = AssessmentOutreachStore(database: database)
            if let requestChanges {
                let invitations = Invitations(database: database, catalog: try registry.catalog.load(), configuration: try outreach.configuration())
                let summary = try invitations.requestChanges(id, note: requestChanges, actor: registry.actorName)
                return print("assessment #\(summary.id) sent back to \(summary.recipient ?? "the supplier"): status \(summary.status.rawValue)")
            }
            if complete {
                let summary = try store.complete(id, actor: registry.actorName)
                return print("assessment #\(summary.id) completed: \(summary.accepted) accepted, \(summary.flagged) flagged, \(summary.answered - summary.accepted - summary.flagged) not reviewed; the vendor is queued for rescoring")
            }
            for (list, verdict) in [(accept, Answer.Verdict.accepted), (flag, .flagged)] {
                for question in list.map(Arguments.list) ?? [] {
                    _ = try store.review(id, question: question, verdict: verdict, note: note, actor: registry.actorName)
                    print("\(question): \(verdict.rawValue)")
                }
            }
        }
    }

    struct Relink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an open assessment's links and email a new one.")
        @Argument(help: "The assessment's id.") var id: Int
        @OptionGroup var registry: RegistryOptions
        @OptionGroup var outreach: OutreachOptions

        func run() async throws {
            let invitations = Invitations(database: try registry.openDatabase(), catalog: try registry.catalog.load(), configuration: try outreach.configuration())
            let sent = try invitations.relink(id, actor: registry.actorName)
            print("assessment #\(id): earlier links revoked; a new one was emailed to \(sent.assessment.recipient ?? "?")")
            print("private link (shown once): \(sent.link)")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an open assessment; its links stop working.")
        @Argument(help: "The assessment's id.") var id: Int
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            let summary = try AssessmentOutreachStore(database: try registry.openDatabase()).cancel(id, actor: registry.actorName)
            print("assessment #\(summary.id) cancelled")
        }
    }
}

/// `tprm outbox …`: emails waiting, sent and dead.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "List the outbox, deliver what is due, retry dead messages.", subcommands: [List.self, Deliver.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List messages, newest first.")
        @Option(help: ArgumentHelp("pending, sent or dead.", valueName: "status")) var status: OutboxMessage.Status?
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let messages = try OutboxStore(database: try registry.openDatabase()).list(status: status)
            if json { return try Output.json(messages) }
            if messages.isEmpty { return print("no messages") }
            print(Output.table(["ID", "KIND", "TO", "STATUS", "ATTEMPTS", "CREATED", "LAST ERROR"], messages.map {
                ["\($0.id)", $0.message.kind.rawValue, $0.message.recipients.joined(separator: ","), $0.status.rawValue, "\($0.attempts)",
                 Output.timestamp($0.createdAt), String(($0.lastError ?? "").prefix(60))]
            }))
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliver every message due now, then exit (tprm serve and tprm worker do this continuously).")
        @OptionGroup var registry: RegistryOptions
        @OptionGroup var outreach: OutreachOptions

        func run() async throws {
            let configuration = try outreach.configuration()
            let delivery = OutboxDelivery(database: try registry.openDatabase(), transport: configuration.transport.transport(from: configuration.from),
                                          configuration: configuration, logger: Logger(label: "tprm.outbox"))
            let pass = try delivery.deliverDue()
            print("delivered \(pass.sent) through \(configuration.transport); \(pass.failed) failed and will be retried; \(pass.dead) dead")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue dead messages again: one by id, or --all.")
        @Argument(help: "The message's id.") var id: Int?
        @Flag(help: "Every dead message.") var all = false
        @OptionGroup var registry: RegistryOptions

        func validate() throws {
            guard (id != nil) != all else { throw ValidationError("give a message id or --all") }
        }

        func run() async throws {
            let count = try OutboxStore(database: try registry.openDatabase()).retry(id)
            print("queued \(count) message\(count == 1 ? "" : "s") again")
        }
    }
}

/// `tprm outreach remind`: the reminder job.
struct OutreachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outreach", abstract: "Reminders, overdue notices and escalations.", subcommands: [Remind.self])

    struct Remind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remind suppliers 7, 3 and 1 days before the due date; mark, notify and escalate overdue ones; expire dead links.",
            discussion: "Each email happens at most once, however often this runs. tprm serve runs it every hour.")
        @Option(name: .customLong("as-of"), help: ArgumentHelp("Run as if on this date (YYYY-MM-DD or an ISO 8601 time).", valueName: "date"), transform: Arguments.date) var asOf: Date?
        @Flag(name: .customLong("dry-run"), help: "Change nothing; print what would be done.") var dryRun = false
        @OptionGroup var registry: RegistryOptions
        @OptionGroup var outreach: OutreachOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let reminders = Reminders(database: try registry.openDatabase(), catalog: try registry.catalog.load(), configuration: try outreach.configuration())
            let outcome = try reminders.run(asOf: asOf ?? Date(), dryRun: dryRun, actor: registry.actorName)
            if json { return try Output.json(outcome) }
            let verb = dryRun ? "would " : ""
            print("\(verb)remind \(outcome.reminded.count), \(verb)mark overdue and escalate \(outcome.overdue.count), \(verb)expire \(outcome.expired.count)"
                  + (outcome.reminded.isEmpty && outcome.overdue.isEmpty && outcome.expired.isEmpty ? "" : " (assessments \((outcome.reminded + outcome.overdue + outcome.expired).map { "#\($0)" }.joined(separator: ", ")))"))
        }
    }
}

/// Encodes any value, for small JSON envelopes.
struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// `tprm reassess`: the periodic re-assessment job.
struct ReassessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reassess",
        abstract: "Send every due vendor a new questionnaire, then remind, mark overdue and escalate.",
        discussion: """
            Due: the tier's cadence (questionnaires/scoring.yaml) has passed since the last completed assessment, \
            or an active vendor was never assessed; or, since then, a certificate expired or expires within 30 days, \
            a contract entered its renewal notice period, a high or critical incident occurred, the tier changed, \
            the rating worsened, or its foundation-model providers or sub-processors changed. A vendor with an open \
            assessment is skipped. Safe to run concurrently and repeatedly: nothing is sent twice. \
            Exit 0 when the run went well, whatever was due; 1 when it failed; 2 for bad options.
            """)

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Run as if on this date (YYYY-MM-DD or an ISO 8601 time).", valueName: "date"), transform: Arguments.date) var asOf: Date?
    @Flag(name: .customLong("dry-run"), help: "Change nothing; print what would be done.") var dryRun = false
    @Option(help: ArgumentHelp("Days until the new assessments are due.", valueName: "days")) var due: Int = 30
    @OptionGroup var registry: RegistryOptions
    @OptionGroup var outreach: OutreachOptions
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (1...365).contains(due) else { throw ValidationError("--due: give 1 to 365 days, not \(due)") }
    }

    func run() async throws {
        let job = Reassessment(database: try registry.openDatabase(), catalog: try registry.catalog.load(), configuration: try outreach.configuration())
        guard let summary = try job.run(asOf: asOf ?? Date(), dryRun: dryRun, dueDays: due, actor: registry.actorName)
        else { throw CLIError.failure("another run holds the lock") }
        if json { return try Output.json(summary) }
        let verb = dryRun ? "would send" : "sent"
        print("\(dryRun ? "dry run: " : "")\(summary.vendors) active vendors, \(summary.due) due: \(verb) \(summary.sent), skipped \(summary.skipped); "
              + "\(dryRun ? "would remind" : "reminded") \(summary.reminders.reminded.count), \(dryRun ? "would escalate" : "escalated") \(summary.reminders.overdue.count) overdue, "
              + "\(dryRun ? "would expire" : "expired") \(summary.reminders.expired.count)")
        guard !summary.entries.isEmpty else { return }
        print(Output.table(["VENDOR", "TIER", "ACTION", "REASON", "WHY", "DETAIL"], summary.entries.map {
            [$0.vendor, $0.tier.rawValue, $0.action.rawValue, $0.reason.rawValue, $0.why, $0.detail]
        }))
    }
}
