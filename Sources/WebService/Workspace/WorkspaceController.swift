import Foundation
import Hummingbird
import Mustache
import Storage

/// Lets a workspace page through only for a person signed in; anyone else is sent to `/login`, with the page
/// asked for as `next` so that signing in comes back to it.
struct SignedInMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: SessionStore
    let blocking: BlockingWork

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.cookies[SessionCookies.session]?.value,
              let person = try await blocking.run({ try sessions.person(session: token) }) else {
            let asked = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            let encoded = asked.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? "/"
            return SignInController.redirect(to: asked == "/" ? "/login" : "/login?next=" + encoded)
        }
        var context = context
        context.person = person
        return try await next(request, context)
    }
}

/// The workspace's pages for people signed in.
struct WorkspaceController {
    let pages: MustacheLibrary

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/", use: home)
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return HTMLPage.response(.ok, pages.render(Self.signedIn(person), withTemplate: "home") ?? "")
    }

    /// What the page header shows of the person, and the sign-out form's token.
    static func signedIn(_ person: SignedInPerson) -> [String: Any] {
        ["name": person.user.name, "email": person.user.email, "role": person.user.role.rawValue, "csrf": person.csrfToken]
    }
}
