import CivilTime
import Foundation
import Mustache
import Storage
import SupplierRisk

/// The supplier portal's HTML, from Mustache templates. Every value is escaped by `{{…}}`;
/// nothing is inserted unescaped. No script: the pages work in any browser, and show-if questions
/// appear when the answers are saved.
struct PortalPages: Sendable {
    let library: MustacheLibrary

    init() {
        var templates: [String: MustacheTemplate] = [:]
        for (name, text) in Self.templates { templates[name] = try! MustacheTemplate(string: text) }
        library = MustacheLibrary(templates: templates)
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

    static let head = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <link rel="stylesheet" href="/portal/static/portal.css">
        <link rel="icon" href="/portal/static/icon.svg" type="image/svg+xml">
        """

    static let templates: [String: String] = [
        "assessment": head + """
            <title>{{title}} · {{vendor}}</title>
            </head>
            <body>
            <header><p class="brand">Supplier due diligence</p><h1>{{title}}</h1><p>For {{vendor}} · due {{due}}</p></header>
            <main>
            {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
            {{#receipt}}
            <section class="receipt" aria-labelledby="receipt-title">
            <h2 id="receipt-title">Thank you: your answers were submitted</h2>
            <p>Submitted {{submitted}}. Your receipt: <strong>{{reference}}</strong>. Status: {{status}}.</p>
            <p>We will contact you if anything needs to change. This page stays available until the link expires.</p>
            </section>
            {{/receipt}}
            {{#changesRequested}}
            <section class="changes" aria-labelledby="changes-title"><h2 id="changes-title">Our reviewer asked for changes</h2>
            <p class="note">{{changesRequested}}</p><p>Notes on single answers are shown beside them. Submit again when you are done.</p></section>
            {{/changesRequested}}
            {{#hasProblems}}<div class="problems" role="alert"><h2>{{problemCount}} answer(s) need attention</h2><p>Nothing was saved. Each problem is shown beside its question.</p>{{#formProblems}}<p class="error">{{message}}</p>{{/formProblems}}</div>{{/hasProblems}}
            {{#editable}}
            <p>{{description}}</p>
            <p class="progress"><label for="progress">{{answered}} of {{total}} questions answered</label>
            <progress id="progress" max="100" value="{{percent}}">{{percent}}%</progress></p>
            <form method="post" action="/portal/assessment" id="answers">
            <input type="hidden" name="csrf" value="{{csrf}}">
            {{/editable}}
            {{#domains}}
            <section class="domain"><h2>{{title}}</h2>
            {{#questions}}
            <div class="question{{#error}} invalid{{/error}}{{#flagged}} flagged{{/flagged}}" id="q-{{qid}}">
            {{#editable}}
            <fieldset{{#error}} aria-invalid="true" aria-describedby="{{qid}}-error"{{/error}}>
            <legend><span class="qid">{{qid}}</span> {{text}}{{#required}} <span class="required">(required)</span>{{/required}}</legend>
            <p class="help" id="{{qid}}-help">{{help}}</p>
            {{#reviewerNote}}<p class="review-note"><strong>Reviewer:</strong> {{reviewerNote}}</p>{{/reviewerNote}}
            {{#error}}<p class="error" id="{{qid}}-error">{{error}}</p>{{/error}}
            {{#choice}}<label class="option" for="{{optionID}}"><input type="radio" id="{{optionID}}" name="q.{{qid}}" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>
            {{/choice}}
            {{#multi}}<label class="option" for="{{optionID}}"><input type="checkbox" id="{{optionID}}" name="q.{{qid}}" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label>
            {{/multi}}
            {{#number}}<label for="{{qid}}-input">Number</label> <input type="text" inputmode="decimal" id="{{qid}}-input" name="q.{{qid}}" value="{{value}}">{{/number}}
            {{#date}}<label for="{{qid}}-input">Date</label> <input type="date" id="{{qid}}-input" name="q.{{qid}}" value="{{value}}">{{/date}}
            {{#textArea}}<label for="{{qid}}-input">Your answer</label><textarea id="{{qid}}-input" name="q.{{qid}}" rows="4" maxlength="10000">{{value}}</textarea>{{/textArea}}
            {{#controls}}<p class="hint">Save to see the follow-up questions for your answer.</p>{{/controls}}
            {{#evidenceAllowed}}
            <details class="evidence"{{#evidenceOpen}} open{{/evidenceOpen}}>
            <summary>{{evidenceLabel}}</summary>
            {{#files}}<p class="file">Attached: {{name}} ({{size}})</p>{{/files}}
            <label for="{{qid}}-file">Document</label>
            <input type="file" id="{{qid}}-file" name="file" form="upload-{{qid}}" accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.txt,.csv">
            <button type="submit" form="upload-{{qid}}" class="secondary">Upload</button>
            <p class="hint">PDF, PNG, JPEG, DOCX, XLSX, TXT or CSV, up to 20 MB. Uploading saves nothing else: save your answers first.</p>
            </details>
            {{/evidenceAllowed}}
            </fieldset>
            {{/editable}}
            {{^editable}}
            <h3><span class="qid">{{qid}}</span> {{text}}</h3>
            <p class="answer">{{answerText}}{{#files}}<br>Attached: {{name}} ({{size}}){{/files}}</p>
            {{/editable}}
            </div>
            {{/questions}}
            </section>
            {{/domains}}
            {{#editable}}
            <div class="actions">
            <button type="submit" name="action" value="save">Save draft</button>
            <button type="submit" name="action" value="submit" class="primary">Submit answers</button>
            </div>
            </form>
            {{#domains}}{{#questions}}{{#evidenceAllowed}}
            <form method="post" action="/portal/assessment/evidence" enctype="multipart/form-data" id="upload-{{qid}}" class="upload">
            <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="question" value="{{qid}}">
            </form>
            {{/evidenceAllowed}}{{/questions}}{{/domains}}
            {{/editable}}
            </main>
            </body>
            </html>
            """,
        "not-found": head + """
            <title>Link not found</title>
            </head>
            <body><main><h1>This link does not work</h1>
            <p>It may have expired or been replaced by a newer one. Please ask the person who sent it to you for a new link.</p>
            </main></body></html>
            """,
        "message": head + """
            <title>{{title}}</title>
            </head>
            <body><main><h1>{{title}}</h1><p>{{text}}</p><p><a href="/portal/assessment">Back to the questionnaire</a></p></main></body></html>
            """,
        "continue": head + """
            <meta http-equiv="refresh" content="0; url=/portal/assessment">
            <title>Opening the questionnaire</title>
            </head>
            <body><main><h1>Opening the questionnaire…</h1><p><a href="/portal/assessment">Continue to the questionnaire</a></p></main></body></html>
            """,
    ]

    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f3b57"/>        <path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" fill="none"/></svg>
        """

    static let stylesheet = """
        :root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b; line-height: 1.5; }
        body { margin: 0; background: #f6f7f9; }
        header { background: #1f3b57; color: #fff; padding: 16px 20px; }
        header h1 { margin: 4px 0; font-size: 1.5rem; }
        .brand { margin: 0; opacity: .8; font-size: .9rem; }
        main { max-width: 820px; margin: 0 auto; padding: 16px 20px 64px; }
        .domain { background: #fff; border: 1px solid #d9dde3; border-radius: 8px; padding: 8px 16px 16px; margin: 16px 0; }
        .question { border-top: 1px solid #eceef1; padding: 12px 0; }
        fieldset { border: 0; padding: 0; margin: 0; min-width: 0; }
        legend { font-weight: 600; }
        .qid { color: #566; font-weight: 400; font-size: .85rem; }
        .required { color: #8a1c1c; font-weight: 400; font-size: .85rem; }
        .help, .hint { color: #555; font-size: .9rem; margin: 4px 0; }
        .option { display: block; padding: 6px 0; }
        input[type=text], input[type=date], textarea { width: 100%; max-width: 100%; box-sizing: border-box; font: inherit; padding: 8px; border: 1px solid #99a; border-radius: 4px; }
        input[type=radio], input[type=checkbox] { width: 1.2em; height: 1.2em; vertical-align: middle; }
        .invalid { background: #fff5f5; }
        .error { color: #a00; font-weight: 600; }
        .problems, .changes { background: #fff5f5; border: 1px solid #e3b1b1; border-radius: 8px; padding: 8px 16px; }
        .changes { background: #fffbea; border-color: #e6d28a; }
        .note { white-space: pre-wrap; }
        .review-note { background: #fffbea; padding: 6px 8px; border-radius: 4px; }
        .flagged { border-left: 4px solid #c77; padding-left: 8px; }
        .notice { background: #eef7ee; border: 1px solid #9c9; border-radius: 8px; padding: 8px 16px; }
        .receipt { background: #eef7ee; border: 1px solid #9c9; border-radius: 8px; padding: 8px 16px; }
        .evidence { margin-top: 8px; padding: 8px; background: #f3f5f8; border-radius: 4px; }
        .evidence summary { cursor: pointer; font-weight: 600; }
        .actions { position: sticky; bottom: 0; background: #f6f7f9; padding: 12px 0; display: flex; gap: 12px; flex-wrap: wrap; }
        button { font: inherit; padding: 10px 18px; border-radius: 6px; border: 1px solid #1f3b57; background: #fff; color: #1f3b57; cursor: pointer; }
        button.primary { background: #1f3b57; color: #fff; }
        button.secondary { padding: 4px 12px; }
        progress { width: 100%; height: 12px; }
        .answer { margin: 4px 0 0; }
        @media (max-width: 600px) { main { padding: 8px 12px 64px; } .domain { padding: 4px 10px 12px; } }
        @media print { .actions, .evidence input, .evidence button { display: none; } }
        """
}
