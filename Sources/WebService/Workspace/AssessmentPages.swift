import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import SupplierRisk

/// `/assessments` (the questionnaires sent, by status) and `/assessments/{id}` (every answer with its evidence and
/// verdict), read-only; evidence downloads as an attachment, never shown inline.
extension WorkspaceController {
    static let statusLabels: [(AssessmentStatus, String)] = [
        (.submitted, "waiting for review"), (.underReview, "under review"), (.sent, "sent"), (.inProgress, "in progress"),
        (.completed, "completed"), (.expired, "expired"), (.cancelled, "cancelled"),
    ]

    @Sendable func assessmentList(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let parameters = request.uri.queryParameters
        var page = Self.signedIn(person, at: "assessments")
        var problems: [String] = []
        let statusText = parameters.get("status").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let status = statusText.flatMap(AssessmentStatus.init(rawValue:))
        if let statusText, status == nil {
            problems.append("Status \"\(statusText)\" is not one of: \(AssessmentStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let scope = "workspace-assessments:\(status?.rawValue ?? "")"
        var after: PageMark?
        if let cursor = parameters.get("after").map({ String($0) }), !cursor.isEmpty {
            do { after = try Cursor.decode(cursor, scope: scope) } catch {
                problems.append("This page link belongs to another list or is out of date: start again from the first page.")
            }
        }
        var rows: [[String: Any]] = []
        if problems.isEmpty {
            let (statuses, mark) = (status.map { [$0] } ?? [], after)
            let found = try await blocking.run { try AssessmentOutreachStore(database: database).page(statuses: statuses, after: mark, limit: 50) }
            let now = Date()
            rows = found.items.map { assessment in
                var row = Self.assessmentRow(assessment)
                row["vendor"] = assessment.vendor
                row["vendorName"] = assessment.vendorName
                row["late"] = assessment.status.isEditable && assessment.dueAt < now
                return row
            }
            if let next = found.next {
                page["next"] = "/assessments?" + (status.map { "status=\($0.rawValue)&" } ?? "") + "after=" + Cursor.encode(next, scope: scope)
            }
            if after != nil { page["first"] = "/assessments" + (status.map { "?status=\($0.rawValue)" } ?? "") }
        }
        page["rows"] = rows
        page["hasRows"] = !rows.isEmpty
        page["empty"] = problems.isEmpty && rows.isEmpty
        page["problems"] = problems
        page["hasProblems"] = !problems.isEmpty
        page["statuses"] = [["value": "", "label": "every status", "current": status == nil] as [String: Any]]
            + Self.statusLabels.map { ["value": $0.0.rawValue, "label": $0.1, "current": status == $0.0] as [String: Any] }
        return HTMLPage.response(problems.isEmpty ? .ok : .badRequest, pages.render(page, withTemplate: "assessments") ?? "")
    }

    static func assessmentRow(_ assessment: AssessmentSummary) -> [String: Any] {
        ["id": assessment.id, "questionnaire": "\(assessment.questionnaire) v\(assessment.questionnaireVersion)",
         "reason": assessment.reason.rawValue.replacingOccurrences(of: "_", with: " "),
         "status": assessment.status.rawValue.replacingOccurrences(of: "_", with: " "), "sent": CivilTime.dayText(assessment.sentAt), "due": CivilTime.dayText(assessment.dueAt),
         "submitted": assessment.submittedAt.map(CivilTime.dayText) ?? "—", "completed": assessment.completedAt.map(CivilTime.dayText) ?? "—",
         "answers": "\(assessment.answered) answered, \(assessment.accepted) accepted, \(assessment.flagged) flagged"]
    }

    @Sendable func assessmentPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let text = try context.parameters.require("id")
        guard let id = Int(text), id > 0 else { return notFound(person, "There is no assessment \(text): an assessment is a number, such as 12.") }
        let parameters = request.uri.queryParameters
        let done = parameters.get("cancelled") == "1" ? Self.doneTexts["cancelled"] : parameters.get("done").flatMap { Self.doneTexts[String($0)] }
        return try await assessmentPage(person, id: id, state: ReviewState(done: done))
    }

    /// The assessment page for `person`; for an analyst, with the forms that act on an open questionnaire (a problem of
    /// the cancel form above it, with the reason typed).
    func assessmentPage(_ person: SignedInPerson, id: Int, cancelProblem: String? = nil, reason: String = "",
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        try await assessmentPage(person, id: id, state: ReviewState(status: status, actionProblem: cancelProblem, reason: reason))
    }

    /// The assessment page for `person`, with what a form brings back to it: a problem beside its field with what was
    /// typed, or what was done and how the vendor's score moved.
    func assessmentPage(_ person: SignedInPerson, id: Int, state: ReviewState) async throws -> Response {
        let detail: AssessmentDetail
        do {
            detail = try await blocking.run { try AssessmentOutreachStore(database: database).detail(id) }
        } catch StorageError.notFound {
            return notFound(person, "There is no assessment \(id).")
        }
        var page = Self.signedIn(person, at: "assessments")
        var summary = Self.assessmentRow(detail.summary)
        summary["vendor"] = detail.summary.vendor
        summary["vendorName"] = detail.summary.vendorName
        summary["recipient"] = detail.summary.recipient ?? "—"
        if let why = detail.summary.triggerReason { summary["trigger"] = why }
        if let changes = detail.summary.changesRequested { summary["changes"] = changes }
        page["assessment"] = summary
        // A problem of the forms is shown above them, and also once the questionnaire is no longer open.
        page["actionProblem"] = state.actionProblem
        page["reviewProblem"] = state.reviewProblem
        page["done"] = state.done
        let analyst = person.user.role >= .analyst
        if analyst, detail.summary.status.isOpen {
            var actions: [String: Any] = ["id": detail.summary.id, "reason": state.reason]
            // A key set to nil would still open its section: only a problem there is given.
            if let problem = state.actionProblem { actions["problem"] = problem }
            page["actions"] = actions
        }
        let reviewing = analyst && detail.summary.status.isInReview
        page["reviewing"] = reviewing
        page["score"] = try await scorePanel(detail.summary.vendor, move: state.move)
        let answers = Dictionary(detail.answers.map { ($0.questionID, $0) }, uniquingKeysWith: { _, last in last })
        let files = Dictionary(grouping: detail.evidence, by: \.questionID)
        var unjudged = 0
        page["domains"] = detail.questionnaire.domains.map { domain -> [String: Any] in
            let questions = detail.questionnaire.questions.filter { $0.domain == domain.key }
            var waiting = 0
            let rows = questions.map { question -> [String: Any] in
                var row: [String: Any] = ["id": question.id, "text": question.text, "key": question.key, "assessment": detail.summary.id]
                if let answer = answers[question.id] {
                    row["answer"] = Self.answerText(answer.value, question)
                    if let verdict = answer.verdict { row["verdict"] = verdict.rawValue; row[verdict.rawValue] = true } else { waiting += 1 }
                    if let note = answer.reviewerNote, !note.isEmpty { row["note"] = note }
                    if let who = answer.reviewedBy { row["reviewedBy"] = who }
                    if reviewing {
                        var form: [String: Any] = ["note": answer.reviewerNote ?? ""]
                        if let problem = state.verdictProblem, problem.question == question.id {
                            form["problem"] = problem.text
                            form["note"] = problem.note
                        }
                        row["form"] = form
                    }
                } else {
                    row["answer"] = "not answered"
                    row["unanswered"] = true
                }
                let evidence = (files[question.id] ?? []).map { file -> [String: Any] in
                    ["name": file.filename, "type": file.contentType, "size": ByteCountFormatter.string(fromByteCount: Int64(file.size), countStyle: .file),
                     "bytes": file.size, "sha256": file.sha256, "link": "/assessments/\(detail.summary.id)/evidence/\(file.id)",
                     "opens": Self.inlineTypes.contains(file.contentType)]
                }
                if !evidence.isEmpty { row["evidence"] = evidence }
                return row
            }
            unjudged += waiting
            var section: [String: Any] = ["title": domain.title, "key": domain.key, "questions": rows]
            if reviewing, waiting > 0 { section["accept"] = ["waiting": waiting, "plural": waiting != 1, "assessment": detail.summary.id] as [String: Any] }
            return section
        }
        if reviewing {
            var finish: [String: Any] = ["id": detail.summary.id, "unjudged": unjudged, "someUnjudged": unjudged > 0, "plural": unjudged != 1,
                                         "message": state.message]
            if let problem = state.changesProblem { finish["problem"] = problem }
            page["finish"] = finish
        }
        return HTMLPage.response(state.status, pages.render(page, withTemplate: "assessment-review") ?? "")
    }

    /// An answer in words: an option's label, a list of them, a number, a date, text, or the fact of a file.
    static func answerText(_ value: Answer.Value, _ question: Questionnaire.Question) -> String {
        func label(_ option: String) -> String { question.options.first { $0.value == option }?.label ?? option }
        switch value {
        case .option(let option): return label(option)
        case .options(let options): return options.map(label).joined(separator: "; ")
        case .number(let number): return number.rounded() == number ? String(Int(number)) : String(number)
        case .date(let date): return CivilTime.dayText(date)
        case .text(let text): return text
        case .file: return "a file (below)"
        }
    }

    /// The types a browser shows itself, which the page opens rather than downloads: the file's first bytes must say the
    /// same as its stored type.
    static let inlineTypes: Set<String> = ["application/pdf", "image/png", "image/jpeg"]

    /// An evidence file: a PDF, PNG or JPEG whose content is what its type says opens in the browser, under a policy that
    /// lets no script run; anything else downloads as an attachment.
    @Sendable func evidenceDownload(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        guard let id = Int(try context.parameters.require("id")), let file = Int(try context.parameters.require("file")) else {
            return notFound(person, "There is no such evidence file.")
        }
        do {
            let (record, content) = try await blocking.run { try AssessmentOutreachStore(database: database).evidenceContent(assessment: id, file: file) }
            return Self.fileResponse(filename: record.filename, type: record.contentType, content: content)
        } catch StorageError.notFound {
            return notFound(person, "There is no such evidence file for assessment \(id).")
        }
    }

    /// A stored file (evidence, a certificate's, a signed contract): a PDF, PNG or JPEG whose bytes are what its type
    /// says opens in the browser under a policy that lets no script run; anything else is an attachment that runs
    /// nothing either.
    static func fileResponse(filename: String, type: String, content: Data) -> Response {
        let inline = inlineTypes.contains(type) && EvidenceType.detect(ArraySlice(content), filename: filename) == type
        // The PDF viewer of Chromium does not run in a sandboxed document, so a PDF gets no `sandbox`; it still may
        // load nothing and run no script of the page's origin (served as application/pdf, never sniffed).
        let policy = !inline ? "default-src 'none'; sandbox"
            : type == "application/pdf" ? "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'none'"
            : "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
        return Response(
            status: .ok,
            headers: [.contentType: type, .contentDisposition: "\(inline ? "inline" : "attachment"); filename=\"\(filename)\"", .contentSecurityPolicy: policy],
            body: .init(byteBuffer: ByteBuffer(bytes: content)))
    }
}
