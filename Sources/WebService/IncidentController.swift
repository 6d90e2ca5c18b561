import Foundation
import Hummingbird
import Storage
import SupplierRisk

/// `/api/v1/vendors/{slug}/incidents` and `/api/v1/incidents/{id}`: incidents and their notice.
struct IncidentController {
    let store: IncidentStore
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("vendors/:slug/incidents", use: incidents)
        group.post("vendors/:slug/incidents", use: addIncident)
        group.patch("incidents/:id", use: updateIncident)
    }

    struct NewIncident: Decodable {
        let title: String, category: String, severity: String, occurredAt: Date, detectedAt: Date?, vendorAwareAt: Date?, vendorNotifiedAt: Date?
    }

    struct IncidentUpdate: Decodable {
        let status: String?, severity: String?, vendorAwareAt: Date?, vendorNotifiedAt: Date?, resolution: String?, resolvedAt: Date?
    }

    @Sendable func incidents(_ request: Request, context: AppRequestContext) async throws -> Listing<Incident> {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        let openOnly = try QueryInput(request).flag("open")
        let paging = try Paging(request, scope: "incidents:\(slug):\(openOnly)")
        return Listing(
            key: "incidents",
            page: try await blocking.run { try store.list(vendor: slug, openOnly: openOnly, after: paging.after, limit: paging.limit) }, paging: paging)
    }

    @Sendable func addIncident(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Item<Incident>> {
        let identity = try context.require(.analyst)
        let slug = try context.parameters.require("slug")
        let body = try await JSONBody.decode(NewIncident.self, from: request, context: context)
        let category = try JSONBody.value(body.category, Incident.Category.self, "category")
        let severity = try JSONBody.value(body.severity, Incident.Severity.self, "severity")
        try JSONBody.requireText(body.title, "title")
        let incident = try await blocking.run {
            try store.add(vendor: slug, title: body.title, category: category, severity: severity, occurredAt: body.occurredAt,
                          detectedAt: body.detectedAt ?? body.occurredAt, vendorAwareAt: body.vendorAwareAt, vendorNotifiedAt: body.vendorNotifiedAt,
                          actor: identity.name)
        }
        return EditedResponse(status: .created, response: Item(value: incident))
    }

    @Sendable func updateIncident(_ request: Request, context: AppRequestContext) async throws -> Item<Incident> {
        let identity = try context.require(.analyst)
        let incident = try context.pathID("id")
        let body = try await JSONBody.decode(IncidentUpdate.self, from: request, context: context)
        let change = IncidentChange(
            status: try body.status.map { try JSONBody.value($0, Incident.Status.self, "status") },
            severity: try body.severity.map { try JSONBody.value($0, Incident.Severity.self, "severity") },
            vendorAwareAt: body.vendorAwareAt, vendorNotifiedAt: body.vendorNotifiedAt, resolution: body.resolution, resolvedAt: body.resolvedAt)
        return Item(value: try await blocking.run { try store.update(incident, change, actor: identity.name) })
    }
}
