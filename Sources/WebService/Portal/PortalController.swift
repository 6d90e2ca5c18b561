import Foundation
import HTTPTypes
import Hummingbird
import Storage
import SupplierRisk

/// The supplier portal at /portal: a private link opens a session; the supplier answers, attaches
/// documents and submits, with no account and no script.
struct PortalController {
    let store: PortalStore
    let blocking: BlockingWork
    let limiter: RateLimiter
    /// Whether cookies are marked Secure: the portal is reached over https.
    let secureCookies: Bool
    let pages: PortalPages
    let resources: WebResources

    static let cookieName = "tprm_portal"

    func addRoutes(to router: Router<AppRequestContext>) {
        for (name, type) in [("tprm.css", "text/css; charset=utf-8"), ("icon.svg", "image/svg+xml")] {
            let body = ByteBuffer(bytes: resources.files[name] ?? [])
            router.get("/portal/static/\(name)") { _, _ in
                Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: body))
            }
        }
        router.get("/portal/assessment", use: show)
        router.post("/portal/assessment", use: save)
        router.post("/portal/assessment/evidence", use: upload)
        router.get("/portal/:token", use: open)
    }

    // MARK: Routes

    /// Exchanges a link's token for a session cookie, then moves to the address without the token.
    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let wait = limiter.take(context.clientKey) {
            var response = html(.tooManyRequests, pages.message(title: "Too many attempts", text: "Please wait \(wait) seconds and open the link again."))
            response.headers[.retryAfter] = String(wait)
            return response
        }
        let token = context.parameters.get("token") ?? ""
        let session = PortalSecret.generate(), csrf = PortalSecret.generate()
        guard let expiry = try await blocking.run({ try store.open(token: token, session: session, csrfToken: csrf) }) else {
            return html(.notFound, pages.notFound())
        }
        var response = html(.ok, pages.continuePage())
        let maxAge = max(1, Int(expiry.timeIntervalSinceNow))
        response.setCookie(Cookie(
            name: Self.cookieName, value: session, maxAge: maxAge, path: "/portal", secure: secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let view = try await view(request) else { return html(.notFound, pages.notFound()) }
        let notice: String? = switch request.uri.queryParameters.get("done") {
        case "saved": "Your draft is saved. You can come back with the same link until it expires."
        case "uploaded": "The document is attached."
        case "submitted": nil
        default: nil
        }
        return html(.ok, pages.assessment(view, notice: notice))
    }

    /// Saves the answers as a draft, or submits them: all or nothing.
    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let view = try await view(request) else { return html(.notFound, pages.notFound()) }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return html(.unsupportedMediaType, pages.message(title: "The form could not be read", text: "Please use the questionnaire page to send your answers."))
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let form: AnswersForm
        do {
            form = try URLEncodedFormDecoder().decode(AnswersForm.self, from: String(decoding: body.readableBytesView, as: UTF8.self))
        } catch {
            return html(.badRequest, pages.message(title: "The form could not be read", text: "Please use the questionnaire page to send your answers. Nothing was saved."))
        }
        guard let csrf = form.csrf, PortalSecret.constantTimeEqual(Array(csrf.utf8), Array(view.csrfToken.utf8)) else {
            return forged()
        }
        guard view.assessment.status.isEditable else {
            return html(.ok, pages.assessment(view, notice: "These answers were submitted already; nothing was changed."))
        }
        let submitting = form.action == "submit"
        let answers = form.q ?? [:]
        let files = Set(view.evidence.map(\.questionID))
        switch AnswerForm.read(view.questionnaire, profile: view.profile, fields: answers, files: files, submitting: submitting) {
        case .failure(let refused):
            return html(.unprocessableContent, pages.assessment(view, posted: answers, problems: refused.problems))
        case .success(let values):
            let assessment = view.assessment
            let outcome = try await blocking.run {
                try store.save(assessment: assessment.id, answers: values, submit: submitting, actor: "supplier \(assessment.vendor) (portal)")
            }
            return redirect(outcome == .saved ? "/portal/assessment?done=saved" : "/portal/assessment?done=submitted")
        }
    }

    /// Attaches a document to one question.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let view = try await view(request) else { return html(.notFound, pages.notFound()) }
        guard let boundary = MultipartForm.boundary(of: request.headers[.contentType]) else {
            return html(.unsupportedMediaType, pages.message(title: "The upload could not be read", text: "Please use the Upload button beside the question."))
        }
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: EvidenceType.maximumSize + 64 * 1024)
        } catch {
            return html(.contentTooLarge, pages.message(title: "The file is too large", text: "Documents may be up to 20 MB. Nothing was saved."))
        }
        let form: MultipartForm
        do {
            form = try MultipartForm(body: Array(bytes.readableBytesView), boundary: boundary)
        } catch {
            return html(.badRequest, pages.message(title: "The upload could not be read", text: "Please try again with the Upload button beside the question."))
        }
        guard let csrf = form.value("csrf"), PortalSecret.constantTimeEqual(Array(csrf.utf8), Array(view.csrfToken.utf8)) else { return forged() }
        guard view.assessment.status.isEditable else {
            return html(.conflict, pages.assessment(view, notice: "These answers were submitted already; the document was not added."))
        }
        let questionID = form.value("question") ?? ""
        func refuse(_ status: HTTPResponse.Status, _ message: String) -> Response {
            html(status, pages.assessment(view, problems: [AnswerForm.Problem(questionID, message)]))
        }
        guard view.questionnaire.question(questionID) != nil,
              view.questionnaire.visible(answers: view.answers.mapValues(\.value), profile: view.profile).contains(questionID) else {
            return html(.unprocessableContent, pages.message(title: "The upload could not be saved", text: "That question is not asked in this questionnaire. Nothing was saved."))
        }
        guard let file = form.file("file"), !file.data.isEmpty else { return refuse(.unprocessableContent, "choose a file to upload first") }
        let filename: String, type: String
        switch EvidenceType.accepted(file.data, filename: file.filename ?? "") {
        case .success(let kept): (filename, type) = kept
        case .failure(let refused): return refuse(refused.tooLarge ? .contentTooLarge : .unprocessableContent, refused.message)
        }
        let assessment = view.assessment
        let content = Data(file.data)
        _ = try await blocking.run {
            try store.addEvidence(assessment: assessment.id, question: questionID, filename: filename, contentType: type, content: content,
                                  actor: "supplier \(assessment.vendor) (portal)")
        }
        return redirect("/portal/assessment?done=uploaded#q-\(questionID)")
    }

    // MARK: Helpers

    func view(_ request: Request) async throws -> PortalView? {
        guard let session = request.cookies[Self.cookieName]?.value else { return nil }
        return try await blocking.run { try store.view(session: session) }
    }

    func forged() -> Response {
        html(.forbidden, pages.message(
            title: "This form cannot be accepted",
            text: "It was not sent from your questionnaire page, or the page is out of date. Open the questionnaire again and retry; nothing was saved."))
    }

    func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
        HTMLPage.response(status, body)
    }

    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .contentSecurityPolicy: HTMLPage.contentSecurityPolicy])
    }
}

/// The questionnaire form as the page posts it (application/x-www-form-urlencoded): the session's CSRF token,
/// which button was pressed, and each question's values as `q[DAT-01][]`, one per ticked box of a multi-select.
struct AnswersForm: Decodable {
    let csrf: String?
    let action: String?
    let q: [String: [String]]?
}
