import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Reports
import Storage
import SupplierRisk

/// `/vendors`: the vendor list with its search, filters, order and pages, and the same list as CSV (`/vendors.csv`).
///
/// The filters come from a form sent with GET, so a filtered list is a link to keep or share; "any" is sent
/// empty and means no filter. A value the form does not offer (typed into the address) is shown as a problem
/// beside the filters, answered 400, and lists nothing rather than something else.
struct VendorListQuery {
    var filter = VendorFilter()
    var sort = VendorSort(key: .name)
    var after: PageMark?
    /// What is wrong with the query, by parameter, in the order of the form.
    var problems: [(field: String, message: String)] = []
    /// The parameters as given, to fill the form in again.
    var given: [String: String] = [:]

    static let pageSize = 50

    init(_ request: Request) {
        let parameters = request.uri.queryParameters
        func text(_ name: String) -> String? {
            guard let value = parameters.get(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            given[name] = value
            return value
        }
        func choice<Value: RawRepresentable<String> & CaseIterable>(_ name: String, _ type: Value.Type, _ what: String) -> Value? {
            guard let text = text(name) else { return nil }
            guard let value = Value(rawValue: text) else {
                problems.append((name, "\(what) \"\(text)\" is not one of: \(Value.allCases.map(\.rawValue).joined(separator: ", "))."))
                return nil
            }
            return value
        }
        filter.search = text("q").map { String($0.prefix(200)) }
        filter.tier = choice("tier", Tier.self, "Tier")
        filter.rating = choice("rating", Rating.self, "Rating")
        filter.status = choice("status", Vendor.Status.self, "Status")
        filter.owner = text("owner").map { String($0.prefix(200)) }
        filter.needs = choice("needs", WorkQueue.self, "Needs action")
        filter.fourthParty = text("fourth_party").map { String($0.prefix(200)) }
        if let sortText = text("sort") {
            if let sort = VendorSort(sortText) { self.sort = sort } else {
                problems.append(("sort", "Order \"\(sortText)\" is not one of: \(VendorSort.expected)."))
            }
        }
        if let cursor = text("after") {
            do {
                after = try Cursor.decode(cursor, scope: scope)
            } catch {
                problems.append(("after", "This page link belongs to another order or is out of date: start again from the first page."))
            }
        }
    }

    /// A cursor belongs to the order it was read in.
    var scope: String { "workspace-vendors:\(sort)" }

    /// The query of this list with `changes` made (nil removes a parameter), for links.
    func link(_ path: String = "/vendors", _ changes: [String: String?] = [:]) -> String {
        var parameters = given
        parameters["after"] = nil
        for (name, value) in changes { parameters[name] = value }
        let pairs = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.encode($0.value))" }
        return pairs.isEmpty ? path : path + "?" + pairs.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}

extension WorkspaceController {
    static let sortLabels: [(String, String)] = [
        ("name", "Name, A to Z"), ("-name", "Name, Z to A"), ("-score", "Residual risk, highest first"), ("score", "Residual risk, lowest first"),
        ("-tier", "Tier, critical first"), ("tier", "Tier, low first"), ("-updated", "Changed most recently"), ("updated", "Changed longest ago"),
    ]

    @Sendable func vendorList(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let query = VendorListQuery(request)
        let rules = rules
        var page = Self.signedIn(person, at: "vendors")
        var rows: [[String: Any]] = []
        if query.problems.isEmpty {
            let (filter, sort, after) = (query.filter, query.sort, query.after)
            let found = try await blocking.run { try store.vendors(filter, rules: rules, sort: sort, after: after, limit: VendorListQuery.pageSize) }
            rows = found.items.map { Self.row($0, now: rules.now) }
            if let next = found.next {
                page["next"] = query.link("/vendors", ["after": Cursor.encode(next, scope: query.scope)])
            }
            if query.after != nil { page["first"] = query.link() }
        }
        page["rows"] = rows
        page["hasRows"] = !rows.isEmpty
        page["hasProblems"] = !query.problems.isEmpty
        page["empty"] = query.problems.isEmpty && rows.isEmpty
        page["problems"] = query.problems.map { ["field": $0.field, "message": $0.message] }
        page["csv"] = query.link("/vendors.csv")
        page["q"] = query.given["q"] ?? ""
        page["owner"] = query.given["owner"] ?? ""
        func options<Value: RawRepresentable<String>>(_ name: String, _ values: [Value]) -> [[String: Any]] {
            values.map { ["value": $0.rawValue, "selected": query.given[name] == $0.rawValue] }
        }
        page["tiers"] = options("tier", Array(Tier.allCases.reversed()))
        page["ratings"] = options("rating", Array(Rating.allCases.reversed()))
        page["statuses"] = options("status", Vendor.Status.allCases)
        page["queues"] = WorkQueue.allCases.map { ["value": $0.rawValue, "label": $0.title, "selected": query.filter.needs == $0] as [String: Any] }
        page["sorts"] = Self.sortLabels.map { ["value": $0.0, "label": $0.1, "selected": query.sort.description == $0.0] as [String: Any] }
        if let needs = query.filter.needs { page["needs"] = ["title": needs.title, "explanation": needs.explanation] }
        page["fourthParty"] = query.given["fourth_party"] ?? ""
        // After an import: how many, said once above the list (left out when none: Mustache opens a section for 0).
        if let imported = request.uri.queryParameters.get("imported").flatMap(Int.init), imported > 0 { page["imported"] = imported }
        return HTMLPage.response(query.problems.isEmpty ? .ok : .badRequest, pages.render(page, withTemplate: "vendors") ?? "")
    }

    /// The filtered list as CSV, every vendor in the list's order; a wrong filter is a 400 page, as on the list.
    @Sendable func vendorCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = VendorListQuery(request)
        guard query.problems.isEmpty, query.after == nil else { return try await vendorList(request, context: context) }
        let rules = rules
        let (filter, sort) = (query.filter, query.sort)
        let rows = try await blocking.run { try store.vendors(filter, rules: rules, sort: sort, after: nil, limit: nil).items }
        var csv = "\u{FEFF}vendor,name,tier,status,business_owner,score,rating,change_30_days,last_assessed,next_due,open_assessment\r\n"
        for row in rows {
            // Text is quoted and guarded against spreadsheet formulas; numbers and dates are written as they are, so a
            // spreadsheet reads a negative change as a number.
            let text = [row.slug, row.name, row.tier.rawValue, row.status.rawValue, row.businessOwner].map(PackWriter.quote)
            let plain = [
                row.hundredths.map(PackWriter.hundredths) ?? "", row.rating?.rawValue ?? "", Self.change(row).map { Self.signed($0, minus: "-") } ?? "",
                row.lastAssessed.map(CivilTime.dayText) ?? "", row.nextDue.map(CivilTime.dayText) ?? "", row.openAssessment?.status ?? "",
            ]
            csv += (text + plain).joined(separator: ",") + "\r\n"
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"vendors-\(CivilTime.dayText(rules.now)).csv\""],
            body: .init(byteBuffer: ByteBuffer(string: csv)))
    }

    /// The change of a vendor's score over the last 30 days, in hundredths; nil when it had no score then or now.
    static func change(_ row: VendorListRow) -> Int? {
        guard let now = row.hundredths, let then = row.monthAgoHundredths else { return nil }
        return now - then
    }

    /// Hundredths with their sign: +1.20, −0.50 (`minus` being the sign to write).
    static func signed(_ value: Int, minus: String) -> String {
        (value > 0 ? "+" : value < 0 ? minus : "") + PackWriter.hundredths(abs(value))
    }

    static func row(_ row: VendorListRow, now: Date) -> [String: Any] {
        var cells: [String: Any] = [
            "slug": row.slug, "name": row.name, "tier": row.tier.rawValue, "status": row.status.rawValue, "owner": row.businessOwner,
            "score": row.hundredths.map(PackWriter.hundredths) ?? "not scored", "rating": row.rating?.rawValue ?? "—",
            "last": row.lastAssessed.map(CivilTime.dayText) ?? "never", "next": row.nextDue.map(CivilTime.dayText) ?? "now",
            "overdue": row.nextDue.map { $0 < now } ?? false,
        ]
        // A key left out, not an empty text: Mustache opens a section for any text, even an empty one.
        if let open = row.openAssessment { cells["open"] = open.status.replacingOccurrences(of: "_", with: " ") }
        if let change = change(row) {
            cells["change"] = change == 0 ? "no change" : signed(change, minus: "−")
            cells["direction"] = change > 0 ? "up" : change < 0 ? "down" : ""
        } else {
            cells["change"] = "—"
        }
        return cells
    }
}
