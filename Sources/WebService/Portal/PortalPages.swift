import CivilTime
import Foundation
import Mustache
import Storage
import SupplierRisk

/// The supplier portal's HTML, from the Mustache templates of `Resources/Templates` (``WebResources``). Every
/// value is escaped by `{{…}}`; nothing is inserted unescaped. No script: the pages work in any browser, and
/// show-if questions appear when the answers are saved.
struct PortalPages: Sendable {
    let library: MustacheLibrary

    init(resources: WebResources) {
        library = resources.templates
    }

    /// The questionnaire as a form, or, once submitted, read-only with the receipt.
    func assessment(_ view: PortalView, posted: [String: [String]]? = nil, problems: [AnswerForm.Problem] = [], notice: String? = nil) -> String {
        let questionnaire = view.questionnaire
        let editable = view.assessment.status.isEditable
        // What to show: the posted values when a refused form comes back, else the stored answers.
        let current: [String: [String]] = posted ?? view.answers.mapValues(Self.formValues)
        let answersForVisibility: [String: Answer.Value] = current.reduce(into: [:]) { result, entry in
            guard let question = questionnaire.question(entry.key) else { return }
            if question.type == .multi { result[entry.key] = .options(entry.value) } else if let first = entry.value.first { result[entry.key] = .option(first) }
        }
        let shown = questionnaire.visible(answers: answersForVisibility, profile: view.profile)
        let controlling = Set(questionnaire.questions.flatMap { $0.showIf?.gates ?? [] })
        let errors = Dictionary(problems.map { ($0.questionID, $0.message) }, uniquingKeysWith: { first, _ in first })
        var answeredCount = 0
        var domains: [[String: Any]] = []
        for domain in questionnaire.domains {
            var questions: [[String: Any]] = []
            for question in questionnaire.questions where question.domain == domain.key && shown.contains(question.id) {
                let values = current[question.id] ?? []
                let hasFile = view.evidence.contains { $0.questionID == question.id }
                let answered = question.type == .file ? hasFile : values.contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                if answered { answeredCount += 1 }
                let stored = view.answers[question.id]
                var item: [String: Any] = [
                    "qid": question.id, "text": question.text, "help": question.help, "required": question.required,
                    "evidenceLabel": Self.evidenceLabel(question, answersForVisibility[question.id] ?? (values.isEmpty ? nil : .text(values[0]))),
                    "evidenceAllowed": true,
                    // Open where a document is asked for or already attached; elsewhere one click away, without script.
                    "evidenceOpen": question.evidence == .required || question.type == .file || hasFile,
                    "controls": controlling.contains(question.id) && editable,
                    "files": view.evidence.filter { $0.questionID == question.id }.map { ["name": $0.filename, "size": Self.size($0.size)] },
                    "answerText": Self.display(question, values),
                ]
                if let error = errors[question.id] { item["error"] = error }
                if let note = stored?.reviewerNote, !note.isEmpty { item["reviewerNote"] = note }
                if stored?.verdict == .flagged { item["flagged"] = true }
                switch question.type {
                case .yesNo, .single:
                    item["choice"] = question.options.map { ["value": $0.value, "label": $0.label, "checked": values.first == $0.value, "optionID": "\(question.id)-\($0.value)"] }
                case .multi:
                    item["multi"] = question.options.map { ["value": $0.value, "label": $0.label, "checked": values.contains($0.value), "optionID": "\(question.id)-\($0.value)"] }
                case .number: item["number"] = ["value": values.first ?? ""]
                case .date: item["date"] = ["value": values.first ?? ""]
                case .text: item["textArea"] = ["value": values.first ?? ""]
                case .file: item["fileOnly"] = true
                }
                questions.append(item)
            }
            if !questions.isEmpty { domains.append(["title": domain.title, "questions": questions]) }
        }
        let summary = view.assessment
        var context: [String: Any] = [
            "vendor": summary.vendorName, "title": questionnaire.title, "description": questionnaire.description,
            "due": CivilTime.dayText(summary.dueAt), "csrf": view.csrfToken, "domains": domains, "editable": editable,
            "answered": answeredCount, "total": shown.count, "percent": shown.isEmpty ? 0 : answeredCount * 100 / shown.count,
            "problemCount": problems.count, "hasProblems": !problems.isEmpty,
            "formProblems": problems.filter { !shown.contains($0.questionID) }.map { ["message": $0.message] },
        ]
        if let notice { context["notice"] = notice }
        if let note = summary.changesRequested, editable { context["changesRequested"] = note }
        if !editable, let submitted = summary.submittedAt {
            context["receipt"] = [
                "submitted": submitted.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)),
                "reference": "TPRM-\(summary.id)-\(Int(submitted.timeIntervalSince1970))", "status": summary.status.rawValue.replacingOccurrences(of: "_", with: " "),
            ]
        }
        return library.render(context, withTemplate: "assessment") ?? ""
    }

    /// The one page for every link that does not work: unknown, expired, revoked or cancelled alike.
    func notFound() -> String { library.render([String: Any](), withTemplate: "not-found") ?? "" }

    /// A short page with a message, such as a refused form or too many requests.
    func message(title: String, text: String) -> String { library.render(["title": title, "text": text], withTemplate: "message") ?? "" }

    /// The page a link answers with: it sets the session and moves on to the address without the token.
    /// A page rather than a 303, so that the SameSite=Strict cookie is sent: browsers leave such cookies
    /// off a redirect chain that began on another site (the mail client).
    func continuePage() -> String { library.render([String: Any](), withTemplate: "continue") ?? "" }

    /// What the upload beside a question says: whether a document is needed for the answer as it stands.
    static func evidenceLabel(_ question: Questionnaire.Question, _ answer: Answer.Value?) -> String {
        guard question.evidence == .required else { return "Attach a supporting document (optional)" }
        if let answer, question.needsEvidence(for: answer) { return "Attach a supporting document (required for this answer)" }
        if question.evidenceWhen.isEmpty { return "Attach a supporting document (required)" }
        let labels = question.evidenceWhen.map { value in question.options.first { $0.value == value }?.label ?? value }
        return "Attach a supporting document (required if you answer \(labels.joined(separator: " or ")))"
    }

    static func formValues(_ answer: StoredAnswer) -> [String] {
        switch answer.value {
        case .option(let option): [option]
        case .options(let options): options
        case .number(let number): [number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)]
        case .date(let date): [CivilTime.dayText(date)]
        case .text(let text): [text]
        case .file: []
        }
    }

    static func display(_ question: Questionnaire.Question, _ values: [String]) -> String {
        switch question.type {
        case .yesNo, .single, .multi:
            values.map { value in question.options.first { $0.value == value }?.label ?? value }.joined(separator: ", ")
        case .file: ""
        default: values.joined(separator: ", ")
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : bytes >= 1024 ? "\(bytes / 1024) KB" : "\(bytes) bytes"
    }
}
