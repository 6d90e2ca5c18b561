import Foundation
import Hummingbird

/// The query parameters of a request, read the same way on every route: a wrong value is a 400 naming the parameter.
/// Free text given empty (`?search=`) is the same as left out; a typed parameter (an enum, a date, a number) given
/// empty is a wrong value, as openapi.yaml says.
struct QueryInput {
    private let parameters: Parameters

    init(_ request: Request) {
        parameters = request.uri.queryParameters
    }

    static func invalid(_ name: String, _ message: String) -> ApiError {
        ApiError(.badRequest, code: "invalid_query", message: message, field: name)
    }

    /// The free text of `name`, nil when absent or empty.
    func text(_ name: String) -> String? {
        guard let value = parameters.get(name), !value.isEmpty else { return nil }
        return String(value)
    }

    /// The value as given, empty included, for a typed parameter to judge.
    func given(_ name: String) -> String? {
        parameters.get(name).map { String($0) }
    }

    /// The enum value `name` holds; an unknown one is a 400 listing what it takes.
    func value<Value: RawRepresentable<String> & CaseIterable>(_ name: String, _ type: Value.Type, expected: String? = nil) throws -> Value? {
        try given(name).map { try Self.value($0, type, name, expected: expected) }
    }

    /// Every value of a repeated parameter, such as `?status=sent&status=submitted`.
    func values<Value: RawRepresentable<String> & CaseIterable>(_ name: String, _ type: Value.Type) throws -> [Value] {
        try parameters.getAll(name).map { try Self.value(String($0), type, name, expected: nil) }
    }

    private static func value<Value: RawRepresentable<String> & CaseIterable>(_ text: String, _ type: Value.Type, _ name: String, expected: String?) throws -> Value {
        guard let value = Value(rawValue: text) else { throw invalid(name, JSONBody.unknownValue(text, name, expected: type, as: expected)) }
        return value
    }

    /// A date or a date and time, as ``JSONBody/date(_:)`` reads them.
    func date(_ name: String) throws -> Date? {
        try given(name).map { text in
            guard let date = JSONBody.date(text) else {
                throw Self.invalid(name, "\(name): \"\(text)\" is not a date (use 2026-11-29 or 2026-11-29T14:30:00Z)")
            }
            return date
        }
    }

    /// A whole number in `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        try given(name).map { text in
            guard let number = Int(text), range.contains(number) else {
                throw Self.invalid(name, "\(name) must be \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
            }
            return number
        }
    }

    /// `true` or `false`; false when absent.
    func flag(_ name: String) throws -> Bool {
        switch given(name) {
        case nil, "false": return false
        case "true": return true
        case let text?: throw Self.invalid(name, "\(name) must be true or false, not \"\(text)\"")
        }
    }
}
