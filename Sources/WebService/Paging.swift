import Foundation
import Hummingbird
import Storage

/// Every list of the API pages the same way: `limit` and an opaque `cursor` in, `{"<key>": [...], "next": "…"}` out.

/// Opaque page cursors: base64url of the list they belong to and the last row's sort keys.
///
/// The scope (such as `vendors:-score` or `incidents:acme`) keeps a cursor from being used on another list
/// or in another order, where it would skip or repeat rows.
enum Cursor {
    struct Content: Codable {
        let scope: String
        let keys: [String]
    }

    static func encode(_ mark: PageMark, scope: String) -> String {
        let data = (try? JSONEncoder().encode(Content(scope: scope, keys: mark.keys))) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String, scope: String) throws -> PageMark {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let content = try? JSONDecoder().decode(Content.self, from: data), content.scope == scope else {
            throw ApiError.badCursor
        }
        return PageMark(keys: content.keys)
    }
}

/// The `limit` and `cursor` of a list request.
struct Paging {
    let limit: Int
    let after: PageMark?
    let scope: String

    /// Reads `limit` (1 to 500, `defaultLimit` when absent) and `cursor` from the query.
    init(_ request: Request, scope: String, defaultLimit: Int = 100) throws {
        let query = QueryInput(request)
        limit = try query.integer("limit", in: 1...500) ?? defaultLimit
        // An empty cursor is the first page, as openapi.yaml says.
        after = try query.text("cursor").map { try Cursor.decode($0, scope: scope) }
        self.scope = scope
    }

    /// The cursor of the page after `page`, if there is one.
    func next<Item>(_ page: Page<Item>) -> String? {
        page.next.map { Cursor.encode($0, scope: scope) }
    }
}

/// A list under a named key, and the cursor of the next page if there is one: `{"certifications": [...], "next": "…"}`.
struct Listing<Item: Encodable & Sendable>: ResponseEncodable {
    let key: String
    let items: [Item]
    var next: String? = nil

    init(key: String, items: [Item]) {
        self.key = key
        self.items = items
    }

    init(key: String, page: Page<Item>, paging: Paging) {
        self.key = key
        items = page.items
        next = paging.next(page)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(items, forKey: AnyKey(key))
        try container.encodeIfPresent(next, forKey: AnyKey("next"))
    }
}

/// A coding key named at run time: the list's key.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
