import CivilTime
import Foundation
import Hummingbird
import SupplierRisk

/// Reading JSON request bodies the same way on every route.
enum JSONBody {
    /// Decodes the body as `T`: 415 unless it is JSON, 413 over the size limit, 400 naming what is wrong.
    /// Dates are ISO 8601: `2026-11-29` or `2026-11-29T14:30:00Z`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: AppRequestContext) async throws -> T {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw ApiError(.unsupportedMediaType, code: "unsupported_media_type", message: "send the body as application/json")
        }
        let bytes = try await request.body.collect(upTo: context.maxUploadSize)
        return try decode(type, from: Data(bytes.readableBytesView))
    }

    /// Decodes `data` as `T`; every way it can be wrong is a 400 naming the field where there is one.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            if let date = date(text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a date (use 2026-11-29 or 2026-11-29T14:30:00Z)"))
        }
        let value: T
        do {
            value = try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ApiError(.badRequest, code: "invalid_json", message: describe(error), field: field(error))
        }
        // An optional field decodes null as absent; no field of the API takes null, so it is refused, not ignored.
        // Fields the route does not read are ignored, nulls in them too.
        if data.contains(UInt8(ascii: "n")), let document = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
           let path = firstNull(in: document, reading: value, path: []) {
            let field = path.joined(separator: ".")
            throw ApiError(.badRequest, code: "invalid_json", message: "\(field): null is not a value here; leave the field out", field: field)
        }
        return value
    }

    /// A 422 unless `text` has something in it besides spaces, tabs and line ends.
    static func requireText(_ text: String, _ field: String) throws {
        if VendorRules.isBlank(text) { throw ApiError.invalid(field, "\(field): must not be empty") }
    }

    /// The path of the first `null` in `document` at a field `value` (the body as decoded) has, if any. The decoded
    /// value's stored properties are the body's fields (the bodies use synthesized coding keys).
    static func firstNull(in document: Any, reading value: Any, path: [String]) -> [String]? {
        func unwrapped(_ value: Any) -> Any? {
            let mirror = Mirror(reflecting: value)
            guard mirror.displayStyle == .optional else { return value }
            return mirror.children.first.flatMap { unwrapped($0.value) }
        }
        switch document {
        case let object as [String: Any]:
            guard let value = unwrapped(value) else { return nil }
            let mirror = Mirror(reflecting: value)
            guard mirror.displayStyle == .struct || mirror.displayStyle == .class else { return nil }
            for child in mirror.children {
                guard let label = child.label, let field = object[label] else { continue }
                if field is NSNull { return path + [label] }
                if let found = firstNull(in: field, reading: child.value, path: path + [label]) { return found }
            }
            return nil
        case let array as [Any]:
            guard let value = unwrapped(value) else { return nil }
            let elements = Mirror(reflecting: value).children.map(\.value)
            for (index, (element, decoded)) in zip(array, elements).enumerated() {
                if element is NSNull { return path + [String(index)] }
                if let found = firstNull(in: element, reading: decoded, path: path + [String(index)]) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    /// The field a decoding error is about, as a dotted path; nil for the body as a whole.
    static func field(_ error: DecodingError) -> String? {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        @unknown default: return nil
        }
        return path.isEmpty ? nil : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// A date as the API takes it (RFC 3339): 2026-11-29 (midnight UTC), or a date and time with its offset,
    /// 2026-11-29T14:30:00Z, 2026-11-29T15:30:00.250+01:00.
    static func date(_ text: String) -> Date? { CivilTime.date(rfc3339: text) }

    /// The message of a decoding error, naming the field by ``field(_:)``'s path and what it takes in plain words.
    static func describe(_ error: DecodingError) -> String {
        let name = field(error) ?? "the body"
        func words(_ type: Any.Type) -> String {
            switch type {
            case is String.Type: "text"
            case is Int.Type, is Double.Type, is Decimal.Type: "a number"
            case is Bool.Type: "true or false"
            case is Date.Type: "a date"
            case is [Any].Type: "a list"
            default: String(describing: type).hasPrefix("Array") ? "a list" : "an object"
            }
        }
        switch error {
        case .keyNotFound:
            return "missing \(name)"
        case .valueNotFound(let type, _):
            return "\(name): null is not a value here; give \(words(type))"
        case .typeMismatch(let type, _):
            return "\(name): give \(words(type))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(name): \(context.debugDescription)"
        @unknown default:
            return "the body does not match what this route takes"
        }
    }

    /// A raw value of an enum, or 422 naming the field and what it accepts.
    /// The enum value `text` names; an unknown one is a 422 naming the field (400 for a query parameter).
    static func value<Value: RawRepresentable<String> & CaseIterable>(_ text: String, _ type: Value.Type, _ field: String) throws -> Value {
        guard let value = Value(rawValue: text) else { throw ApiError.invalid(field, unknownValue(text, field, expected: Value.self)) }
        return value
    }

    /// `status: unknown value "x" (expected a, b)`: how a body field and a query parameter say a value is not one of
    /// an enum's (`list` when the list is not the declaration order).
    static func unknownValue<Value: RawRepresentable<String> & CaseIterable>(_ text: String, _ field: String, expected type: Value.Type, as list: String? = nil) -> String {
        "\(field): unknown value \"\(text)\" (expected \(list ?? Value.allCases.map(\.rawValue).joined(separator: ", ")))"
    }
}
