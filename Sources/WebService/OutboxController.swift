import Foundation
import Hummingbird
import Storage

/// `/api/v1/outbox`: the emails waiting, sent and dead, and sending a dead one again (analyst and up).
struct OutboxController {
    let store: OutboxStore
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("outbox", use: outbox)
        group.post("outbox/:id/retry", use: retry)
    }

    @Sendable func outbox(_ request: Request, context: AppRequestContext) async throws -> Listing<OutboxMessage> {
        _ = try context.require(.analyst)
        let status = try QueryInput(request).value("status", OutboxMessage.Status.self)
        let paging = try Paging(request, scope: "outbox:\(status?.rawValue ?? "")")
        return Listing(key: "messages", page: try await blocking.run { try store.page(status: status, after: paging.after, limit: paging.limit) }, paging: paging)
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Item<[String: Int]> {
        _ = try context.require(.analyst)
        let id = try context.pathID("id")
        return Item(value: ["queued": try await blocking.run { try store.retry(id) }])
    }
}
