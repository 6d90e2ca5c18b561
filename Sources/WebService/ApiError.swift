import Foundation
public import Hummingbird
import Outreach
import Reports
import Storage
import SupplierRisk

/// An error as the API reports it: a status and `{"error": {"code", "message", "field"}}`.
public struct ApiError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let field: String?
    /// Headers the status calls for, such as `Allow` with 405 or `Retry-After` with 429.
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    /// 405 for a path that exists with another method, with the methods it takes in `Allow`.
    static func methodNotAllowed(_ method: HTTPRequest.Method, path: String, allowed: [HTTPRequest.Method]) -> ApiError {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return ApiError(.methodNotAllowed, code: "method_not_allowed", message: "\(path) does not take \(method.rawValue); it takes \(list)", headers: [.allow: list])
    }

    /// 422 for an import file with problems: every one, a line each.
    static func importRefused(_ problems: VendorCSV.ProblemList) -> ApiError {
        ApiError(.unprocessableContent, code: "invalid_csv", message: "nothing was imported: " + problems.problems.map(\.description).joined(separator: "; "))
    }

    /// 422 for a field whose value is not acceptable.
    /// A page cursor this list did not give out.
    static let badCursor = ApiError(.badRequest, code: "invalid_query", message: "cursor is not one this list gave out; start again without it", field: "cursor")

    static func invalid(_ field: String, _ message: String) -> ApiError {
        ApiError(.unprocessableContent, code: "invalid", message: message, field: field)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder().encode(ErrorBody(error: .init(code: code, message: message, field: field)))
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The API's error for any error a handler throws; internal detail never reaches the body.
    static func from(_ error: any Error) -> (any Error)? {
        switch error {
        case let error as ApiError:
            return error
        case is PageMark.Invalid:
            return ApiError.badCursor
        case OutreachError.conflict(let message):
            return ApiError(.conflict, code: "conflict", message: message)
        case OutreachError.refused(let message):
            return ApiError(.unprocessableContent, code: "refused", message: message)
        case let error as ReportError:
            return ApiError(.unprocessableContent, code: "invalid", message: error.description, field: error.field)
        case let error as StorageError:
            switch error {
            case .duplicate(let message): return ApiError(.conflict, code: "conflict", message: message)
            case .notFound(let message): return ApiError(.notFound, code: "not_found", message: message)
            case .invalid(let field, let reason): return ApiError(.unprocessableContent, code: "invalid", message: "\(field): \(reason)", field: field)
            case .conflict(let field, let reason): return ApiError(.conflict, code: "conflict", message: "\(field): \(reason)", field: field)
            case .unacceptable(let message):
                // A value in the request PostgreSQL cannot take (a NUL character, an out-of-range number).
                return ApiError(.badRequest, code: "invalid_value", message: "a value in the request is not acceptable: \(message)")
            case .unavailable:
                return ApiError(.serviceUnavailable, code: "unavailable", message: "the database is unavailable; try again shortly")
            case .busy:
                return ApiError(.serviceUnavailable, code: "unavailable", message: "the database is busy; try again shortly")
            case .failed:
                return ApiError(.internalServerError, code: "internal", message: "internal error; see the server log with this request's id")
            }
        case is any HTTPResponseError:
            return nil  // Hummingbird's own (413, 404 of the router …) keep their status.
        default:
            return ApiError(.internalServerError, code: "internal", message: "internal error; see the server log with this request's id")
        }
    }
}

/// `{"error": {"code", "message", "field"}}`.
private struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
        let field: String?
    }
    let error: Detail
}

/// Turns thrown errors into the API's JSON errors, logging the unexpected ones with their detail.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            guard let mapped = ApiError.from(error) else { throw error }
            if let apiError = mapped as? ApiError, apiError.status == .internalServerError || apiError.status == .serviceUnavailable {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            throw mapped
        }
    }
}
