import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Storage

/// The pages of people's accounts that need no session: setting a password with a one-time link
/// (`tprm user add` or `tprm user reset` made it). The link's secret token is what authorizes the change, so the
/// form carries it; lookups are limited per client like the portal's.
struct AccountController {
    let users: UserStore
    let blocking: BlockingWork
    let limiter: RateLimiter
    let pages: MustacheLibrary

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/password/:token", use: show)
        router.post("/password", use: set)
    }

    /// The set-password form; `posted` problem beside the field when a refused form comes back.
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let refused = limited(context) { return refused }
        let token = context.parameters.get("token") ?? ""
        let users = self.users
        guard let (user, expires) = try await blocking.run({ try users.account(forLink: token) }) else { return notFound() }
        return form(user, token: token, expires: expires, problem: nil, status: .ok)
    }

    @Sendable func set(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let refused = limited(context) { return refused }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return page(.unsupportedMediaType, title: "The form could not be read", text: "Please use the page of your link to set your password.")
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form: PasswordForm
        do {
            form = try URLEncodedFormDecoder().decode(PasswordForm.self, from: String(decoding: body.readableBytesView, as: UTF8.self))
        } catch {
            return page(.badRequest, title: "The form could not be read", text: "Please use the page of your link to set your password. Nothing was changed.")
        }
        let users = self.users
        guard let (user, expires) = try await blocking.run({ try users.account(forLink: form.token) }) else { return notFound() }
        let problem = form.password != form.confirm
            ? "the two passwords differ: type the same one twice"
            : PasswordPolicy.problem(form.password, email: user.email)
        if let problem { return self.form(user, token: form.token, expires: expires, problem: problem, status: .unprocessableContent) }
        do {
            _ = try await blocking.run { try users.setPassword(link: form.token, password: form.password) }
        } catch StorageError.notFound {
            return notFound()  // used a moment ago, in another tab
        }
        return page(.ok, title: "Your password is set", text: "The password of \(user.email) is set, and this link is used up.")
    }

    struct PasswordForm: Decodable {
        let token: String
        let password: String
        let confirm: String
    }

    func form(_ user: User, token: String, expires: Date, problem: String?, status: HTTPResponse.Status) -> Response {
        var context: [String: Any] = [
            "name": user.name, "email": user.email, "token": token, "expires": CivilTime.minuteText(expires), "minimum": PasswordPolicy.minimumLength,
        ]
        if let problem { context["problem"] = problem }
        return html(status, pages.render(context, withTemplate: "password") ?? "")
    }

    func notFound() -> Response {
        page(.notFound, title: "This link does not work",
             text: "It may have been used, replaced by a newer one or have expired. Ask your tprm administrator for a new link.")
    }

    func page(_ status: HTTPResponse.Status, title: String, text: String) -> Response {
        HTMLPage.message(pages, status, title: title, text: text)
    }

    func limited(_ context: AppRequestContext) -> Response? {
        guard let wait = limiter.take(context.clientKey) else { return nil }
        var response = page(.tooManyRequests, title: "Too many attempts", text: "Please wait \(wait) seconds and try again.")
        response.headers[.retryAfter] = String(wait)
        return response
    }

    func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
        HTMLPage.response(status, body)
    }
}
