public import Hummingbird
public import Foundation
public import Storage

/// The request context of tprm's routes: Hummingbird's core, plus who the caller is.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API token's identity, once the auth middleware has checked it.
    public var identity: ApiIdentity?
    /// The person signed in to the workspace, once ``SignedInMiddleware`` has checked the session.
    public var person: SignedInPerson?
    /// The peer's IP address as text, for per-client rate limits ("unknown" in router tests).
    let clientKey: String

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.person = nil
        self.clientKey = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// JSON bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1024 * 1024 }

    /// Responses write dates as ISO 8601 and keys sorted, so equal data gives equal bytes.
    public var responseEncoder: JSONEncoder { Self.encoder }

    /// Made once: configuring an encoder for every response showed in the request path.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// The caller, who must hold at least `role`.
    ///
    /// - Throws: ``ApiError`` 401 when unauthenticated, 403 when the role is too weak.
    func require(_ role: ApiRole) throws -> ApiIdentity {
        guard let identity else { throw ApiError(.unauthorized, code: "unauthenticated", message: "a bearer token is required") }
        guard identity.role >= role else {
            throw ApiError(.forbidden, code: "forbidden", message: "token \(identity.name) has role \(identity.role.rawValue); this needs \(role.rawValue)")
        }
        return identity
    }
}

extension AppRequestContext {
    /// A positive number from the path, such as the `id` of `/assessments/:id`; else a 400 naming it.
    func pathID(_ name: String) throws -> Int {
        let text = try parameters.require(name)
        guard let id = Int(text), id > 0 else { throw ApiError(.badRequest, code: "invalid_path", message: "\(name) must be a positive number, not \"\(text)\"", field: name) }
        return id
    }
}

/// Any one value as the response, encoded as it is.
struct Item<Value: Encodable & Sendable>: ResponseEncodable {
    let value: Value
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
