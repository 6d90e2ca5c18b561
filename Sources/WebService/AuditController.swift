import Foundation
import Hummingbird
import Storage
import SupplierRisk

/// `/api/v1/audit`: the audit log (admin only).
struct AuditController {
    let log: AuditLog
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("audit", use: audit)
    }

    @Sendable func audit(_ request: Request, context: AppRequestContext) async throws -> Listing<AuditEntry> {
        _ = try context.require(.admin)
        let query = QueryInput(request)
        let entity = query.text("entity"), id = query.text("id"), actor = query.text("actor")
        let paging = try Paging(request, scope: "audit:\(entity ?? ""):\(id ?? ""):\(actor ?? "")")
        return Listing(
            key: "entries",
            page: try await blocking.run { try log.entries(entity: entity, id: id, actor: actor, after: paging.after, limit: paging.limit) }, paging: paging)
    }
}
