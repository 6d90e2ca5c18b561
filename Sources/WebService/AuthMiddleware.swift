import Hummingbird
import Storage

/// Checks `Authorization: Bearer <token>` on the API; the caller's role is checked by each route.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let tokens: TokenStore
    let blocking: BlockingWork
    /// Identities seen recently, when the server runs a ``TokenRevocationListener``; nil looks up every time.
    let cache: TokenCache?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw ApiError(.unauthorized, code: "unauthenticated", message: "send Authorization: Bearer <token> (tprm token create)")
        }
        guard header.hasPrefix("Bearer "), case let token = String(header.dropFirst("Bearer ".count)), !token.isEmpty else {
            throw ApiError(.unauthorized, code: "unauthenticated", message: "the Authorization header must be Bearer <token>")
        }
        let identity: ApiIdentity
        if let cached = cache?.identity(for: token) {
            identity = cached
        } else {
            guard let found = try await blocking.run({ try tokens.identify(token) }) else {
                throw ApiError(.unauthorized, code: "unauthenticated", message: "the token is unknown or revoked")
            }
            cache?.store(found, for: token)
            identity = found
        }
        var context = context
        context.identity = identity
        return try await next(request, context)
    }
}
