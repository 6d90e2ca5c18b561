import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Storage

/// Signing in to the workspace with email and password, and signing out.
///
/// The sign-in form is protected from cross-site posting by a double-submit token: `GET /login` sets a random
/// value in a strict cookie scoped to `/login` and in the form; a post without both, equal, is refused. Once signed
/// in, every form carries the session's own token (``SignedInPerson/csrfToken``).
struct SignInController {
    let sessions: SessionStore
    let blocking: BlockingWork
    let pages: MustacheLibrary
    let cookies: SessionCookies

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/login", use: show)
        router.post("/login", use: signIn)
        router.post("/logout", use: signOut)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = SignInController.safeNext(request.uri.queryParameters.get("next"))
        if let token = request.cookies[SessionCookies.session]?.value, try await blocking.run({ try sessions.person(session: token) }) != nil {
            return Self.redirect(to: next)  // already signed in
        }
        return form(next: next, email: "", problem: nil, status: .ok)
    }

    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return message(.unsupportedMediaType, title: "The form could not be read", text: "Please sign in with the form of the sign-in page.")
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        let posted: SignInForm
        do {
            posted = try URLEncodedFormDecoder().decode(SignInForm.self, from: String(decoding: body.readableBytesView, as: UTF8.self))
        } catch {
            return message(.badRequest, title: "The form could not be read", text: "Please sign in with the form of the sign-in page.")
        }
        let next = SignInController.safeNext(posted.next)
        guard let cookie = request.cookies[SessionCookies.signInForm]?.value, let token = posted.csrf,
              PortalSecret.constantTimeEqual(Array(cookie.utf8), Array(token.utf8)), PortalSecret.isWellFormed(token) else {
            return form(next: next, email: posted.email ?? "", problem: "This form had expired. Please sign in again.", status: .forbidden)
        }
        let email = posted.email ?? "", password = posted.password ?? ""
        guard !email.trimmingCharacters(in: .whitespaces).isEmpty, !password.isEmpty else {
            return form(next: next, email: email, problem: "Type your email and your password.", status: .unprocessableContent)
        }
        let client = context.clientKey
        switch try await blocking.run({ try sessions.signIn(email: email, password: password, client: client) }) {
        case .refused:
            return form(next: next, email: email, problem: "The email or the password is not right.", status: .unauthorized)
        case .limited(let wait):
            var response = form(
                next: next, email: email,
                problem: "Too many failed sign-ins. Please wait \(Self.minutes(wait)) and try again, or ask your administrator to reset your password.",
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        case .signedIn(_, let session, let expires):
            var response = Self.redirect(to: next)
            response.setCookie(cookies.session(session, until: expires))
            response.setCookie(cookies.cleared(SessionCookies.signInForm, path: "/login"))
            return response
        }
    }

    /// Ends the session; the form carries the session's token, so another site cannot sign a person out.
    @Sendable func signOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024)
        let csrf = (try? URLEncodedFormDecoder().decode(SignOutForm.self, from: String(decoding: body.readableBytesView, as: UTF8.self)))?.csrf
        guard let token = request.cookies[SessionCookies.session]?.value,
              let person = try await blocking.run({ try sessions.person(session: token) }) else {
            var response = Self.redirect(to: "/login")
            response.setCookie(cookies.cleared(SessionCookies.session, path: "/"))
            return response
        }
        guard let csrf, PortalSecret.constantTimeEqual(Array(csrf.utf8), Array(person.csrfToken.utf8)) else {
            return message(.forbidden, title: "You are still signed in", text: "The sign-out form had expired. Use the Sign out button of a page you just opened.")
        }
        try await blocking.run { try sessions.signOut(session: token) }
        var response = Self.redirect(to: "/login?signed_out=1")
        response.setCookie(cookies.cleared(SessionCookies.session, path: "/"))
        return response
    }

    struct SignInForm: Decodable {
        let email: String?
        let password: String?
        let csrf: String?
        let next: String?
    }

    struct SignOutForm: Decodable {
        let csrf: String?
    }

    /// The sign-in form with a fresh double-submit token in the form and its cookie.
    func form(next: String, email: String, problem: String?, status: HTTPResponse.Status) -> Response {
        let token = PortalSecret.generate()
        var context: [String: Any] = ["next": next, "email": email, "csrf": token]
        if let problem { context["problem"] = problem }
        var response = HTMLPage.response(status, pages.render(context, withTemplate: "login") ?? "")
        response.setCookie(cookies.signInForm(token))
        return response
    }

    func message(_ status: HTTPResponse.Status, title: String, text: String) -> Response {
        HTMLPage.message(pages, status, title: title, text: text)
    }

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func minutes(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) seconds" : (seconds + 59) / 60 == 1 ? "a minute" : "\((seconds + 59) / 60) minutes"
    }

    /// Where to go after signing in: a path of this site, never another site. Anything that a browser could read
    /// as another origin (`//host`, `/\host`, a scheme, control characters) becomes `/`.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"), next.count <= 2000,
              !next.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0 == "\\" }) else { return "/" }
        return next
    }
}

/// The cookies of the workspace, Secure when tprm is reached over https.
struct SessionCookies: Sendable {
    static let session = "tprm_session"
    static let signInForm = "tprm_signin"
    let secure: Bool

    func session(_ value: String, until expires: Date) -> Cookie {
        Cookie(name: Self.session, value: value, maxAge: max(1, Int(expires.timeIntervalSinceNow)), path: "/", secure: secure, httpOnly: true,
               sameSite: .lax)
    }

    func signInForm(_ value: String) -> Cookie {
        Cookie(name: Self.signInForm, value: value, maxAge: 3600, path: "/login", secure: secure, httpOnly: true, sameSite: .strict)
    }

    func cleared(_ name: String, path: String) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: path, secure: secure, httpOnly: true, sameSite: .lax)
    }
}
