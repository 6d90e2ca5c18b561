import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Reports
import Storage
import SupplierRisk

/// `/reports`: the committee pack from the browser. An analyst generates one for a `since` and an `as of` (by
/// default, as `tprm report committee`: since the last pack recorded, else 90 days, as of now) in any of the four
/// formats, recorded with its parameters and digest; everyone signed in sees the packs recorded and downloads any
/// again (`/reports/packs/{id}`), made anew from the same parameters, which give the same digest.
extension WorkspaceController {
    struct PackForm: Decodable {
        var csrf: String?
        var since: String?
        var asOf: String?
        var format: String?
    }

    static let packsShown = 50

    @Sendable func packPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let made = request.uri.queryParameters.get("made") == "1"
        return try await packPage(person, typed: [:], problems: [], done: made ? "Pack recorded. Download it from the list below." : nil, status: .ok)
    }

    func packPage(_ person: SignedInPerson, typed: [String: String], problems: [(field: String, message: String)], done: String?,
                  status: HTTPResponse.Status) async throws -> Response {
        let store = CommitteeReportStore(database: database)
        let now = Date()
        let (packs, last) = try await blocking.run { (try store.packs(limit: Self.packsShown), try store.lastPack(before: now)) }
        var page = Self.signedIn(person, at: "reports")
        page["done"] = done
        page["defaultSince"] = last.map { "the last pack's as-of, \(CivilTime.minuteText($0))" } ?? "90 days before the as-of (no pack is recorded yet)"
        page["form"] = typed
        page["formats"] = PackFormat.allCases.map {
            ["value": $0.rawValue, "label": Self.formatLabels[$0] ?? $0.rawValue, "selected": (typed["format"] ?? "html") == $0.rawValue] as [String: Any]
        }
        Self.showProblems(problems, in: &page)
        page["packs"] = packs.map { pack -> [String: Any] in
            ["id": pack.id, "since": CivilTime.minuteText(pack.since), "asOf": CivilTime.minuteText(pack.asOf), "format": pack.format,
             "digest": pack.digest, "by": pack.generatedBy, "at": CivilTime.minuteText(pack.generatedAt),
             "models": pack.modelVersions.map { String($0.prefix(12)) }.joined(separator: ", ")]
        }
        page["hasPacks"] = !packs.isEmpty
        return HTMLPage.response(status, pages.render(page, withTemplate: "reports") ?? "")
    }

    static let formatLabels: [PackFormat: String] = [
        .html: "HTML, to print or save as PDF", .md: "Markdown", .json: "JSON, every figure", .csv: "CSV, the vendor register",
    ]

    /// A date typed as 2026-12-31 (midnight UTC) or 2026-12-31T09:30, or nil.
    static func moment(_ text: String) -> Date? {
        if let day = day(text) { return day }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return CivilTime.date(rfc3339: trimmed.count == 16 ? trimmed + ":00Z" : trimmed)
    }

    @Sendable func generatePack(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let form = try await postedForm(PackForm.self, request, person, csrf: \.csrf, what: "Generating a committee pack")
            var typed: [String: String] = [:]
            typed["since"] = (form.since ?? "").trimmingCharacters(in: .whitespaces)
            typed["asOf"] = (form.asOf ?? "").trimmingCharacters(in: .whitespaces)
            typed["format"] = form.format ?? ""
            var problems: [(field: String, message: String)] = []
            let format = PackFormat(rawValue: typed["format"]!)
            if format == nil { problems.append(("format", "Choose a format: HTML, Markdown, JSON or CSV.")) }
            var since: Date?, asOf: Date?
            if !typed["since"]!.isEmpty {
                since = Self.moment(typed["since"]!)
                if since == nil { problems.append(("since", "\"\(typed["since"]!)\" is not a date: write it as 2026-12-31, or leave it empty.")) }
            }
            if !typed["asOf"]!.isEmpty {
                asOf = Self.moment(typed["asOf"]!)
                if asOf == nil { problems.append(("asOf", "\"\(typed["asOf"]!)\" is not a date: write it as 2026-12-31, or leave it empty for now.")) }
                else if asOf! > Date() { problems.append(("asOf", "A pack is as of now or a past date: tprm does not know the future.")) }
            }
            if let since, since >= (asOf ?? Date()) { problems.append(("since", "The changes must start before the as-of date.")) }
            guard problems.isEmpty, let format else {
                return try await packPage(person, typed: typed, problems: problems, done: nil, status: .unprocessableContent)
            }
            let (report, from, to) = (CommitteeReport(database: database, catalog: catalog), since, asOf)
            do {
                _ = try await blocking.run { try report.generate(since: from, asOf: to, format: format, actor: person.user.email, record: true) { _ in } }
            } catch let error as ReportError {
                return try await packPage(person, typed: typed, problems: [("since", Self.sentence("\(error)"))], done: nil, status: .unprocessableContent)
            }
            return SignInController.redirect(to: "/reports?made=1")
        }
    }

    @Sendable func packDownload(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let text = try context.parameters.require("id")
        let store = CommitteeReportStore(database: database)
        guard let id = Int(text), let pack = try await blocking.run({ try store.pack(id) }), let format = PackFormat(rawValue: pack.format) else {
            return notFound(person, "There is no recorded pack \(text).")
        }
        var response = try await ReportController.packResponse(
            report: CommitteeReport(database: database, catalog: catalog), blocking: blocking, since: pack.since, asOf: pack.asOf, format: format,
            actor: person.user.email, record: false, status: .ok)
        response.headers[.contentDisposition] = "attachment; filename=\"tprm-committee-\(CivilTime.dayText(pack.asOf))-\(pack.id).\(format.rawValue)\""
        return response
    }
}
