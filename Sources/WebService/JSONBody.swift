import Foundation
import HTTPTypes
import Hummingbird

/// Reading JSON request bodies the same way on every route.
enum JSONBody {
    /// Decodes the body as `T`: 415 unless it is JSON, 413 over the size limit, 400 naming what is wrong.
    /// Dates are ISO 8601: `2026-11-29` or `2026-11-29T14:30:00Z`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: AppRequestContext) async throws -> T {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw ApiError(.unsupportedMediaType, code: "unsupported_media_type", message: "send the body as application/json")
        }
        let bytes = try await request.body.collect(upTo: context.maxUploadSize)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = date(text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a date (use 2026-11-29 or 2026-11-29T14:30:00Z)"))
        }
        do {
            return try decoder.decode(T.self, from: Data(bytes.readableBytesView))
        } catch let error as DecodingError {
            throw ApiError(.badRequest, code: "invalid_json", message: describe(error))
        }
    }

    /// A date as the API takes it: 2026-11-29 (midnight UTC) or 2026-11-29T14:30:00Z.
    static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if text.count == 10, let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return date }
        return nil
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing \((context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: "."))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "the body does not match what this route takes"
        }
    }

    /// A raw value of an enum, or 422 naming the field and what it accepts.
    /// The enum value `text` names; an unknown one is a 422 naming the field (400 for a query parameter).
    static func value<Value: RawRepresentable<String> & CaseIterable>(
        _ text: String, _ type: Value.Type, _ field: String, status: HTTPResponse.Status = .unprocessableContent
    ) throws -> Value {
        guard let value = Value(rawValue: text) else {
            let message = "\(field): unknown value \"\(text)\" (expected \(Value.allCases.map(\.rawValue).joined(separator: ", ")))"
            throw status == .unprocessableContent ? ApiError.invalid(field, message) : ApiError(status, code: "invalid_query", message: message, field: field)
        }
        return value
    }
}
