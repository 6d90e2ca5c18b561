import Foundation
import HTTPTypes
import Hummingbird
import Storage
import SupplierRisk

/// What every form of the workspace shares: the form read with the session's token checked and the person's role,
/// the vendor of the path, and the pages that refuse (read only, expired form, not found).
extension WorkspaceController {
    /// The vendor at the path's slug, or the not-found page.
    func pathVendor(_ context: AppRequestContext, _ person: SignedInPerson) async throws -> Vendor {
        let given = try context.parameters.require("slug")
        let slug = given.removingPercentEncoding ?? given
        let store = VendorStore(database: database, tiering: catalog.scoring.tiering)
        do {
            return try await blocking.run { try store.vendor(slug) }
        } catch StorageError.notFound {
            throw Refusal(response: notFound(person, "There is no vendor \(slug). It may have been renamed; find it in the vendor list."))
        }
    }

    /// The page to answer with instead: a lookup or a form refused, thrown to ``answering(_:)``.
    struct Refusal: Error {
        let response: Response
    }

    /// The response of a form's handler, or the page of a refusal it threw on the way.
    func answering(_ handler: () async throws -> Response) async throws -> Response {
        do {
            return try await handler()
        } catch let refusal as Refusal {
            return refusal.response
        }
    }

    /// The form of a posted page, read with the session's token checked and the person's role.
    ///
    /// - Throws: ``Refusal`` with the page to answer with: the form unreadable, its token not the session's, or the
    ///   person's role one that reads only.
    func postedForm<Form: Decodable>(_ type: Form.Type, _ request: Request, _ person: SignedInPerson, csrf: (Form) -> String?,
                                     what: String, role: ApiRole = .analyst) async throws -> Form {
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let form = try? URLEncodedFormDecoder().decode(Form.self, from: String(decoding: body.readableBytesView, as: UTF8.self)) else {
            throw Refusal(response: HTMLPage.response(
                .badRequest, pages.render(errorPage(person, "This form could not be read", "Open the page again and send the form from there."),
                                          withTemplate: "workspace-error") ?? ""))
        }
        guard let token = csrf(form), PortalSecret.constantTimeEqual(Array(token.utf8), Array(person.csrfToken.utf8)) else {
            throw Refusal(response: forgedForm(person))
        }
        guard person.user.role >= role else { throw Refusal(response: roleRefusal(person, what)) }
        return form
    }

    /// A form's problems as its page shows them: listed at the top (`problems`, `hasProblems`) and each beside its field
    /// (`<field>Problem`, the first one of a field).
    static func showProblems(_ problems: [(field: String, message: String)], in page: inout [String: Any]) {
        page["problems"] = problems.map { ["field": $0.field, "message": $0.message] }
        page["hasProblems"] = !problems.isEmpty
        for (field, message) in Dictionary(problems.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first }) {
            page[field + "Problem"] = message
        }
    }

    /// A page of the workspace's errors (`workspace-error`), with the person's header.
    func errorPage(_ person: SignedInPerson, _ title: String, _ text: String) -> [String: Any] {
        var page = Self.signedIn(person)
        page["title"] = title
        page["text"] = text
        page["signedIn"] = true
        return page
    }

    /// 403 for a committee member on a page that changes something: the committee reads, it does not change.
    func readOnly(_ person: SignedInPerson, _ what: String) -> Response {
        let text = "\(what) is for analysts. Your role, \(person.user.role.rawValue), reads everything in tprm and changes nothing; ask a tprm administrator if you need another role."
        return HTMLPage.response(.forbidden, pages.render(errorPage(person, "Read only", text), withTemplate: "workspace-error") ?? "")
    }

    /// 403 for something a higher role does: the read-only page for the committee, the administrators' one for an analyst.
    func roleRefusal(_ person: SignedInPerson, _ what: String) -> Response {
        person.user.role >= .analyst ? adminOnly(person, what) : readOnly(person, what)
    }

    /// 403 for a page of the administration to anyone but an administrator.
    func adminOnly(_ person: SignedInPerson, _ what: String) -> Response {
        let text = "\(what) is for tprm administrators. Your role is \(person.user.role.rawValue); ask an administrator if you need it."
        return HTMLPage.response(.forbidden, pages.render(errorPage(person, "For administrators", text), withTemplate: "workspace-error") ?? "")
    }

    /// 403 for a form without the session's token: another site's, or one kept open across a sign-out.
    func forgedForm(_ person: SignedInPerson) -> Response {
        HTMLPage.response(.forbidden, pages.render(errorPage(person, "This form had expired",
                                                             "Nothing was saved. Open the page again and send the form from there."),
                                                   withTemplate: "workspace-error") ?? "")
    }
}
