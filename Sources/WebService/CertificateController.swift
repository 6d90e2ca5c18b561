import Foundation
import Hummingbird
import Storage
import SupplierRisk

/// `/api/v1/vendors/{slug}/certifications`: the certificates a vendor holds.
struct CertificateController {
    let store: CertificationStore
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("vendors/:slug/certifications", use: certifications)
        group.post("vendors/:slug/certifications", use: addCertification)
    }

    struct NewCertification: Decodable {
        let standard: String, issuer: String, scope: String?, issuedOn: Date?, expiresOn: Date
    }

    @Sendable func certifications(_ request: Request, context: AppRequestContext) async throws -> Listing<Certification> {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        let paging = try Paging(request, scope: "certifications:\(slug)")
        return Listing(key: "certifications", page: try await blocking.run { try store.list(vendor: slug, after: paging.after, limit: paging.limit) }, paging: paging)
    }

    @Sendable func addCertification(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Item<Certification>> {
        let identity = try context.require(.analyst)
        let slug = try context.parameters.require("slug")
        let body = try await JSONBody.decode(NewCertification.self, from: request, context: context)
        let standard = try JSONBody.value(body.standard, Certification.Standard.self, "standard")
        try JSONBody.requireText(body.issuer, "issuer")
        let certificate = try await blocking.run {
            try store.add(vendor: slug, standard: standard, issuer: body.issuer, scope: body.scope ?? "", issuedOn: body.issuedOn, expiresOn: body.expiresOn, actor: identity.name)
        }
        return EditedResponse(status: .created, response: Item(value: certificate))
    }
}
