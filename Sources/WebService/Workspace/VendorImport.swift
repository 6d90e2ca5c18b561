import Foundation
import HTTPTypes
import Hummingbird
import Storage
import SupplierRisk

/// `/import-vendors`: an analyst uploads a CSV file of vendors, as `tprm vendor import` reads one. All or nothing: on
/// any problem nothing is imported and every problem is listed with its line and column.
extension WorkspaceController {
    /// The largest file taken: some 10,000 vendors.
    static let importLimit = 5 * 1024 * 1024

    @Sendable func importForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        guard person.user.role >= .analyst else { return readOnly(person, "Importing vendors") }
        return importPage(person, problems: [], status: .ok)
    }

    @Sendable func importVendors(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        // The role is known before the body is read: a committee member's file is not even looked at.
        guard person.user.role >= .analyst else { return readOnly(person, "Importing vendors") }
        func refused(_ status: HTTPResponse.Status, _ message: String) -> Response {
            importPage(person, problems: [VendorCSV.Problem(line: 0, column: "file", message: message)], status: status)
        }
        guard let boundary = MultipartForm.boundary(of: request.headers[.contentType]) else {
            return refused(.unsupportedMediaType, "The upload could not be read: use the form's Import button.")
        }
        let bytes: ByteBuffer
        do {
            bytes = try await request.body.collect(upTo: Self.importLimit + 64 * 1024)
        } catch {
            return refused(.contentTooLarge, "The file is larger than 5 MB: split it, and import each part.")
        }
        guard let form = try? MultipartForm(body: Array(bytes.readableBytesView), boundary: boundary) else {
            return refused(.badRequest, "The upload could not be read: use the form's Import button.")
        }
        guard let csrf = form.value("csrf"), PortalSecret.constantTimeEqual(Array(csrf.utf8), Array(person.csrfToken.utf8)) else {
            return forgedForm(person)
        }
        guard let file = form.file("file"), !file.data.isEmpty else { return refused(.unprocessableContent, "Choose a CSV file to import.") }
        guard file.data.count <= Self.importLimit else { return refused(.contentTooLarge, "The file is larger than 5 MB: split it, and import each part.") }
        guard let text = String(validating: file.data, as: UTF8.self) else {
            return refused(.unprocessableContent, "The file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8.")
        }
        let rows: [VendorCSV.Row]
        switch VendorCSV.parse(text) {
        case .success(let parsed): rows = parsed
        case .failure(let problems): return importPage(person, problems: problems.problems, status: .unprocessableContent)
        }
        let store = VendorStore(database: database, tiering: catalog.scoring.tiering)
        do {
            let imported = try await blocking.run { try store.importVendors(rows, actor: person.user.email) }
            return SignInController.redirect(to: "/vendors?sort=-updated&imported=\(imported)")
        } catch let problems as VendorCSV.ProblemList {
            return importPage(person, problems: problems.problems, status: .unprocessableContent)
        }
    }

    /// The import page: the form, what the file holds, and the problems of the last file sent.
    func importPage(_ person: SignedInPerson, problems: [VendorCSV.Problem], status: HTTPResponse.Status) -> Response {
        var page = Self.signedIn(person, at: "vendors")
        page["problems"] = problems.map { ["line": $0.line == 0 ? "—" : String($0.line), "column": $0.column, "message": $0.message] }
        page["hasProblems"] = !problems.isEmpty
        page["count"] = problems.count
        // The values each column takes, from the types that read them.
        page["statuses"] = Vendor.Status.allCases.map(\.rawValue).joined(separator: ", ")
        page["offerings"] = AIProfile.Offering.expected
        page["categories"] = AIProfile.DataCategory.expected
        page["impacts"] = AIProfile.DecisionImpact.expected
        page["acts"] = AIProfile.AIActClass.expected
        page["autonomies"] = AIProfile.Autonomy.expected
        page["criticalities"] = AIProfile.BusinessCriticality.expected
        return HTMLPage.response(status, pages.render(page, withTemplate: "vendor-import") ?? "")
    }
}
