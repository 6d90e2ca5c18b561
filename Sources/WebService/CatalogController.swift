import Foundation
import Hummingbird
import Storage
import SupplierRisk

/// `/api/v1/questionnaires`: the questionnaire catalog.
struct CatalogController {
    let catalog: Catalog
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("questionnaires", use: questionnaires)
        group.get("questionnaires/:key", use: questionnaire)
    }

    @Sendable func questionnaires(_ request: Request, context: AppRequestContext) async throws -> Listing<Questionnaire> {
        _ = try context.require(.committee)
        return Listing(key: "questionnaires", items: catalog.questionnaires)
    }

    @Sendable func questionnaire(_ request: Request, context: AppRequestContext) async throws -> Item<Questionnaire> {
        _ = try context.require(.committee)
        let key = try context.parameters.require("key")
        guard let questionnaire = catalog.questionnaire(key) else {
            throw ApiError(.notFound, code: "not_found", message: "no questionnaire \"\(key)\"")
        }
        return Item(value: questionnaire)
    }
}
