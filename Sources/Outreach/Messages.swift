import CivilTime
public import Foundation
import Mustache
import SupplierRisk
public import Storage

/// The emails tprm writes, from Mustache templates: a plain-text and an HTML version of each.
///
/// Text templates use triple braces (no escaping); HTML templates double braces, so every value a supplier
/// or analyst typed is escaped.
public struct Messages: Sendable {
    let configuration: OutreachConfiguration
    let library: MustacheLibrary

    public init(configuration: OutreachConfiguration) {
        self.configuration = configuration
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in Self.templates {
            // The templates are constants of this file; a test renders every one.
            templates[name] = try! MustacheTemplate(string: text)
        }
        library = MustacheLibrary(templates: templates)
    }

    /// The invitation to answer a questionnaire, with its private link.
    public func invitation(_ summary: AssessmentSummary, link: String, questions: Int, assessmentID: Int? = nil) -> OutgoingMessage {
        render(.invitation, key: "invitation:assessment:\(assessmentID ?? summary.id)", to: [summary.recipient ?? configuration.mailbox], summary,
               subject: "Due-diligence questionnaire from us: please answer by \(day(summary.dueAt))",
               extra: ["link": link, "questions": questions])
    }

    /// A reminder `days` before the due date. The link is not repeated: only its hash is kept.
    public func reminder(_ summary: AssessmentSummary, days: Int) -> OutgoingMessage {
        render(.reminder, key: "reminder:\(days):assessment:\(summary.id)", to: [summary.recipient ?? configuration.mailbox], summary,
               subject: "Reminder: our questionnaire is due in \(days) day\(days == 1 ? "" : "s") (\(day(summary.dueAt)))",
               extra: ["days": days, "plural": days != 1])
    }

    /// The reviewer's request for changes.
    public func changesRequested(_ summary: AssessmentSummary, note: String) -> OutgoingMessage {
        render(.changesRequested, key: "changes_requested:assessment:\(summary.id)", to: [summary.recipient ?? configuration.mailbox], summary,
               subject: "Changes requested on your questionnaire answers", extra: ["note": note])
    }

    /// The notice to the supplier that its questionnaire is overdue.
    public func overdue(_ summary: AssessmentSummary) -> OutgoingMessage {
        render(.overdue, key: "overdue:assessment:\(summary.id)", to: [summary.recipient ?? configuration.mailbox], summary,
               subject: "Overdue: our questionnaire was due on \(day(summary.dueAt))", extra: [:])
    }

    /// The escalation of an overdue assessment to the vendor's business owner and the TPRM mailbox.
    public func escalation(_ summary: AssessmentSummary, businessOwner: String, ownerAddress: String?) -> OutgoingMessage {
        render(.escalation, key: "escalation:assessment:\(summary.id)", to: [ownerAddress, configuration.mailbox].compactMap { $0 }.uniqued(), summary,
               subject: "Escalation: \(summary.vendorName) has not answered its questionnaire (due \(day(summary.dueAt)))",
               extra: ["owner": businessOwner])
    }

    /// The one-time link to set the password of an account: a new one (`isNew`) or a reset.
    public func passwordLink(_ user: User, _ link: PasswordLink, isNew: Bool) -> OutgoingMessage {
        let context: [String: Any] = [
            "name": user.name, "email": user.email, "role": user.role.rawValue, "link": Self.passwordURL(configuration, link.token),
            "expires": CivilTime.minuteText(link.expiresAt), "isNew": isNew, "from": configuration.from,
        ]
        return OutgoingMessage(
            kind: .passwordLink, dedupeKey: "password_link:\(PortalSecret.sha256Hex(Array(link.token.utf8)))", recipients: [user.email],
            subject: isNew ? "Your tprm account: set your password" : "Set a new password for tprm",
            text: library.render(context, withTemplate: "password_link.txt") ?? "",
            html: library.render(context, withTemplate: "password_link.html") ?? "")
    }

    /// Where a set-password link opens.
    public static func passwordURL(_ configuration: OutreachConfiguration, _ token: String) -> String {
        "\(configuration.publicURL)/password/\(token)"
    }

    // MARK: Rendering

    func render(_ kind: OutgoingMessage.Kind, key: String, to recipients: [String], _ summary: AssessmentSummary, subject: String, extra: [String: Any]) -> OutgoingMessage {
        var context: [String: Any] = [
            "vendor": summary.vendorName, "due": day(summary.dueAt), "from": configuration.from, "mailbox": configuration.mailbox,
            "reason": summary.reason.rawValue, "questionnaire": summary.questionnaire, "sent": day(summary.sentAt),
            "portal": "\(configuration.publicURL)/portal",
        ]
        if let trigger = summary.triggerReason { context["trigger"] = trigger }
        for (name, value) in extra { context[name] = value }
        let name = kind.rawValue
        return OutgoingMessage(
            kind: kind, dedupeKey: key, recipients: recipients, subject: subject,
            text: library.render(context, withTemplate: "\(name).txt") ?? "",
            html: library.render(context, withTemplate: "\(name).html") ?? "")
    }

    func day(_ date: Date) -> String { CivilTime.dayText(date) }

    static let footerText = """

        Questions? Write to {{{from}}}.
        This message was sent by tprm, our third-party risk system.
        """
    static let footerHTML = """
        <p style="color:#555;font-size:13px">Questions? Write to <a href="mailto:{{from}}">{{from}}</a>.<br>
        This message was sent by tprm, our third-party risk system.</p>
        """

    static let templates: [String: String] = [
        "invitation.txt": """
            Hello {{{vendor}}},

            As part of our {{{reason}}} review of your service{{#trigger}} ({{{trigger}}}){{/trigger}}, please answer our
            due-diligence questionnaire on AI governance, data use, security and resilience ({{{questions}}} questions).
            It is due on {{{due}}}.

            Open your private link:

            {{{link}}}

            The link is for your organisation only: do not forward it outside your team. You can save a draft,
            come back later with the same link, and attach documents to support your answers.
            """ + "\n" + footerText,
        "invitation.html": """
            <p>Hello {{vendor}},</p>
            <p>As part of our {{reason}} review of your service{{#trigger}} ({{trigger}}){{/trigger}}, please answer our
            due-diligence questionnaire on AI governance, data use, security and resilience ({{questions}} questions).
            It is due on <strong>{{due}}</strong>.</p>
            <p><a href="{{link}}">Open the questionnaire</a></p>
            <p>The link is for your organisation only: do not forward it outside your team. You can save a draft,
            come back later with the same link, and attach documents to support your answers.</p>
            """ + footerHTML,
        "reminder.txt": """
            Hello {{{vendor}}},

            Our due-diligence questionnaire, sent on {{{sent}}}, is due in {{{days}}} day{{#plural}}s{{/plural}}, on {{{due}}}.
            Please use the private link in our invitation of {{{sent}}}. If you cannot find it, write to {{{from}}}
            and we will send a new one.
            """ + "\n" + footerText,
        "reminder.html": """
            <p>Hello {{vendor}},</p>
            <p>Our due-diligence questionnaire, sent on {{sent}}, is due in <strong>{{days}} day{{#plural}}s{{/plural}}</strong>, on {{due}}.</p>
            <p>Please use the private link in our invitation of {{sent}}. If you cannot find it, write to
            <a href="mailto:{{from}}">{{from}}</a> and we will send a new one.</p>
            """ + footerHTML,
        "changes_requested.txt": """
            Hello {{{vendor}}},

            Thank you for your answers. Our reviewer has asked for changes before we can complete the assessment:

            {{{note}}}

            Please open the questionnaire with the private link from our invitation, make the changes and submit
            again by {{{due}}}. The reviewer's notes are shown beside the answers concerned.
            """ + "\n" + footerText,
        "changes_requested.html": """
            <p>Hello {{vendor}},</p>
            <p>Thank you for your answers. Our reviewer has asked for changes before we can complete the assessment:</p>
            <blockquote style="border-left:3px solid #999;padding-left:12px;white-space:pre-wrap">{{note}}</blockquote>
            <p>Please open the questionnaire with the private link from our invitation, make the changes and submit
            again by {{due}}. The reviewer's notes are shown beside the answers concerned.</p>
            """ + footerHTML,
        "overdue.txt": """
            Hello {{{vendor}}},

            Our due-diligence questionnaire was due on {{{due}}} and we have not received your answers.
            Please complete it now with the private link from our invitation of {{{sent}}}, or tell us at
            {{{from}}} when we can expect it.
            """ + "\n" + footerText,
        "overdue.html": """
            <p>Hello {{vendor}},</p>
            <p>Our due-diligence questionnaire was due on <strong>{{due}}</strong> and we have not received your answers.
            Please complete it now with the private link from our invitation of {{sent}}, or tell us at
            <a href="mailto:{{from}}">{{from}}</a> when we can expect it.</p>
            """ + footerHTML,
        "escalation.txt": """
            To {{{owner}}} and the TPRM team,

            {{{vendor}}} has not answered the {{{questionnaire}}} questionnaire sent on {{{sent}}}, due {{{due}}}.
            The supplier has been reminded. Please follow up with your contact there; until the assessment is
            completed, the vendor's score counts its controls as not assessed.
            """ + "\n" + footerText,
        "escalation.html": """
            <p>To {{owner}} and the TPRM team,</p>
            <p><strong>{{vendor}}</strong> has not answered the {{questionnaire}} questionnaire sent on {{sent}}, due {{due}}.
            The supplier has been reminded. Please follow up with your contact there; until the assessment is
            completed, the vendor's score counts its controls as not assessed.</p>
            """ + footerHTML,
        "password_link.txt": """
            Hello {{{name}}},

            {{#isNew}}An account was made for you in tprm, our third-party AI supplier risk system ({{{email}}}, role {{{role}}}).{{/isNew}}{{^isNew}}A new password was asked for your tprm account ({{{email}}}).{{/isNew}}
            Set your password with this one-time link, which works until {{{expires}}}:

            {{{link}}}

            If you did not expect this message, ignore it: nothing changes until the link is used.
            """ + "\n" + footerText,
        "password_link.html": """
            <p>Hello {{name}},</p>
            <p>{{#isNew}}An account was made for you in tprm, our third-party AI supplier risk system ({{email}}, role {{role}}).{{/isNew}}{{^isNew}}A new password was asked for your tprm account ({{email}}).{{/isNew}}
            Set your password with this one-time link, which works until {{expires}}:</p>
            <p><a href="{{link}}">Set my password</a></p>
            <p>If you did not expect this message, ignore it: nothing changes until the link is used.</p>
            """ + footerHTML,
    ]
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
