import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Outreach
import Storage
import SupplierRisk

/// `/vendors/{slug}/send`: an analyst sends a vendor its due-diligence questionnaire: the template of its tier
/// preselected, the recipient (the vendor's contact unless another is typed), the due date and the reason. The
/// private link is shown once, on the page that confirms the sending, with a copy of the email the supplier gets.
extension WorkspaceController {
    /// The form as posted.
    struct SendForm: Decodable {
        var csrf: String?
        var template: String?
        var to: String?
        var due: String?
        var reason: String?
        /// "yes" to cancel an open questionnaire and send this one instead.
        var replace: String?
    }

    /// How long a questionnaire may be given: at most a year, at least a day.
    static let dueDays = 1...365

    @Sendable func sendForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        guard person.user.role >= .analyst else { return readOnly(person, "Sending a questionnaire") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            let form = SendForm(template: catalog.questionnaire(for: vendor.tier)?.key, to: vendor.contactEmail,
                                due: CivilTime.dayText(Date().addingTimeInterval(30 * 86_400)), reason: AssessmentReason.onboarding.rawValue)
            return sendPage(person, vendor: vendor, form: form, problems: [], status: .ok)
        }
    }

    @Sendable func send(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            let form = try await postedForm(SendForm.self, request, person, csrf: \.csrf, what: "Sending a questionnaire")
            var problems: [(field: String, message: String)] = []
            let template = form.template ?? ""
            if catalog.questionnaire(template) == nil {
                problems.append(("template", "Choose a questionnaire: \(catalog.questionnaires.map(\.key).joined(separator: ", "))."))
            }
            let to = VendorRules.trimmed(form.to ?? "")
            if to.isEmpty {
                problems.append(("to", "Give the address the questionnaire goes to."))
            } else if !VendorRules.isEmailAddress(to) {
                problems.append(("to", "\"\(to)\" is not an email address."))
            }
            let reason = AssessmentReason(rawValue: form.reason ?? "")
            if reason == nil {
                problems.append(("reason", "Choose a reason: \(AssessmentReason.allCases.map(\.rawValue).joined(separator: ", "))."))
            }
            // The due date as a whole number of days from today (UTC), as the CLI's --due counts them.
            var days = 0
            if let due = JSONBody.date(VendorRules.trimmed(form.due ?? "")) {
                days = Int((due.timeIntervalSince(Date()) / 86_400).rounded(.up))
                if !Self.dueDays.contains(days) { problems.append(("due", "Give a due date from tomorrow to a year from today.")) }
            } else {
                problems.append(("due", "\"\(form.due ?? "")\" is not a date: write it as 2026-12-31."))
            }
            guard problems.isEmpty, let reason else { return sendPage(person, vendor: vendor, form: form, problems: problems, status: .unprocessableContent) }
            let (invitations, dueDays) = (self.invitations, days)
            do {
                let sent = try await blocking.run {
                    try invitations.send(vendor: vendor.slug, template: template, dueDays: dueDays, reason: reason, recipient: to,
                                         force: form.replace == "yes", actor: person.user.email)
                }
                return sentPage(person, sent: sent)
            } catch StorageError.duplicate {
                return sendPage(person, vendor: vendor, form: form, problems: [(
                    "replace", "\(vendor.name) has a questionnaire out already. Tick \"Replace it\" to cancel that one and send this instead."
                )], status: .conflict)
            } catch let error as OutreachError {
                return sendPage(person, vendor: vendor, form: form, problems: [("to", Self.sentence(error.description))], status: .unprocessableContent)
            }
        }
    }

    /// The sending form, with what was typed and the problems beside their fields.
    func sendPage(_ person: SignedInPerson, vendor: Vendor, form: SendForm, problems: [(field: String, message: String)],
                  status: HTTPResponse.Status) -> Response {
        var page = Self.signedIn(person, at: "vendors")
        let byField = Dictionary(problems.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
        page["vendor"] = ["slug": vendor.slug, "name": vendor.name, "tier": vendor.tier.rawValue]
        let tierTemplate = catalog.questionnaire(for: vendor.tier)?.key
        page["templates"] = catalog.questionnaires.map { questionnaire -> [String: Any] in
            ["value": questionnaire.key, "label": "\(questionnaire.title) (\(questionnaire.key) v\(questionnaire.version), \(questionnaire.questions.count) questions)"
                + (questionnaire.key == tierTemplate ? " — the \(vendor.tier.rawValue) tier's" : ""),
             "selected": questionnaire.key == form.template]
        }
        page["reasons"] = AssessmentReason.allCases.map { ["value": $0.rawValue, "label": $0.rawValue.replacingOccurrences(of: "_", with: " "),
                                                          "selected": $0.rawValue == form.reason] as [String: Any] }
        page["to"] = form.to ?? ""
        page["due"] = form.due ?? ""
        page["replace"] = form.replace == "yes"
        for field in ["template", "to", "due", "reason", "replace"] { if let problem = byField[field] { page[field + "Problem"] = problem } }
        page["problems"] = problems.map { ["field": $0.field, "message": $0.message] }
        page["hasProblems"] = !problems.isEmpty
        return HTMLPage.response(status, pages.render(page, withTemplate: "questionnaire-send") ?? "")
    }

    /// The confirmation: the private link, shown this once, and the invitation as the supplier receives it (for a
    /// new link, the email is the invitation sent again).
    func sentPage(_ person: SignedInPerson, sent: Invitations.Sent, relinked: Bool = false) -> Response {
        var page = Self.signedIn(person, at: "vendors")
        let (slug, name) = (sent.assessment.vendor, sent.assessment.vendorName)
        page["heading"] = relinked ? "A new link sent to \(name)" : "Questionnaire sent to \(name)"
        page["relinked"] = relinked
        page["vendor"] = ["slug": slug, "name": name]
        page["id"] = sent.assessment.id
        page["recipient"] = sent.assessment.recipient ?? ""
        page["due"] = CivilTime.dayText(sent.assessment.dueAt)
        page["questionnaire"] = "\(sent.assessment.questionnaire) v\(sent.assessment.questionnaireVersion)"
        page["link"] = sent.link
        if let message = sent.message { page["email"] = ["subject": message.subject, "to": message.recipients.joined(separator: ", "), "text": message.text] }
        return HTMLPage.response(.created, pages.render(page, withTemplate: "questionnaire-sent") ?? "")
    }
}
