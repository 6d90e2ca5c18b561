import Foundation
import Hummingbird
import Storage
import SupplierRisk

/// `/api/v1/fourth-parties`: the foundation models and sub-processors vendors share.
struct FourthPartyController {
    let store: FourthPartyStore
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("fourth-parties", use: fourthParties)
    }

    @Sendable func fourthParties(_ request: Request, context: AppRequestContext) async throws -> Listing<FourthPartyConcentration> {
        _ = try context.require(.committee)
        let paging = try Paging(request, scope: "fourth-parties")
        return Listing(key: "fourthParties", page: try await blocking.run { try store.concentration(after: paging.after, limit: paging.limit) }, paging: paging)
    }
}
