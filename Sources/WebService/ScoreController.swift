import Foundation
import Hummingbird
import Storage
import SupplierRisk

/// `/api/v1/vendors/{slug}/score…` and `/api/v1/rescore`: stored scores, their history, what-if, and rescoring.
struct ScoreController {
    let store: ScoringStore
    /// The model what-if prices actions with, made once.
    let model: ScoringModel
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("vendors/:slug/score", use: score)
        group.get("vendors/:slug/score/history", use: history)
        group.get("vendors/:slug/score/what-if", use: whatIf)
        group.post("vendors/:slug/rescore", use: rescore)
        group.post("rescore", use: rescoreAll)
    }

    @Sendable func score(_ request: Request, context: AppRequestContext) async throws -> ScoreResponse {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        guard let stored = try await blocking.run({ try store.score(slug) }) else {
            throw ApiError(.notFound, code: "not_scored", message: "\(slug) has no score yet; a worker scores it shortly")
        }
        return ScoreResponse(stored: stored)
    }

    struct Queued: ResponseEncodable {
        let queued: Int
    }

    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> Listing<ScoreHistoryEntry> {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        let paging = try Paging(request, scope: "history:\(slug)")
        return Listing(key: "history", page: try await blocking.run { try store.history(slug, after: paging.after, limit: paging.limit) }, paging: paging)
    }

    @Sendable func whatIf(_ request: Request, context: AppRequestContext) async throws -> Listing<WhatIf> {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        return Listing(key: "actions", items: try await blocking.run { WhatIf.actions(for: try store.inputs(slug, asOf: Date()), model: model) })
    }

    @Sendable func rescore(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Queued> {
        _ = try context.require(.analyst)
        let slug = try context.parameters.require("slug")
        return EditedResponse(status: .accepted, response: Queued(queued: try await blocking.run { try store.enqueue([slug]) }))
    }

    @Sendable func rescoreAll(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Queued> {
        _ = try context.require(.analyst)
        return EditedResponse(status: .accepted, response: Queued(queued: try await blocking.run { try store.enqueueAll() }))
    }
}
