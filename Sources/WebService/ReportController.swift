import Foundation
import HTTPTypes
import Hummingbird
import Postgres
import Reports
import SupplierRisk

/// `GET /api/v1/reports/committee`: the committee pack, with the parameters of `tprm report committee`.
struct ReportController {
    let pool: PostgresPool
    let catalog: Catalog
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("reports/committee", use: committee)
    }

    @Sendable func committee(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.require(.committee)
        let query = request.uri.queryParameters
        func date(_ name: String) throws -> Date? {
            try query.get(name).map { text in
                guard let date = JSONBody.date(String(text)) else {
                    throw ApiError(.badRequest, code: "invalid_query", message: "\(name): \"\(text)\" is not a date (use 2026-11-29 or 2026-11-29T14:30:00Z)", field: name)
                }
                return date
            }
        }
        let format = try query.get("format").map { try JSONBody.value(String($0), PackFormat.self, "format", status: .badRequest) } ?? .json
        let since = try date("since"), asOf = try date("asOf")
        let report = CommitteeReport(pool: pool, catalog: catalog)
        let generated = try await blocking.run { try report.generate(since: since, asOf: asOf, format: format, actor: identity.name) }
        var headers: HTTPFields = [.contentType: format.contentType]
        headers[HTTPField.Name("X-Pack-Digest")!] = generated.digest
        if format == .html || format == .csv {
            headers[.contentDisposition] = "attachment; filename=\"tprm-committee-\(AnswerForm.dayText(generated.asOf)).\(format.rawValue)\""
        }
        if format == .html {
            headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: generated.content)))
    }
}
