import Foundation
import Hummingbird
import Outreach
import Storage
import SupplierRisk

/// `/api/v1/assessments`: sending questionnaires and reviewing the answers.
struct AssessmentController {
    let invitations: Invitations
    let store: AssessmentOutreachStore
    let catalog: Catalog
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("vendors/:slug/assessments", use: send)
        group.get("assessments", use: list)
        group.get("assessments/:id", use: show)
        group.put("assessments/:id/answers/:question/verdict", use: verdict)
        group.post("assessments/:id/request-changes", use: requestChanges)
        group.post("assessments/:id/complete", use: complete)
        group.post("assessments/:id/cancel", use: cancel)
        group.post("assessments/:id/relink", use: relink)
        group.get("assessments/:id/evidence/:file", use: evidence)
    }

    struct SendBody: Decodable {
        let template: String?, dueDays: Int?, reason: String?, to: String?, force: Bool?
    }

    /// A sent assessment and its private link, shown this once.
    struct SentResponse: ResponseEncodable {
        let assessment: AssessmentSummary
        let link: String
    }

    @Sendable func send(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SentResponse> {
        let identity = try context.require(.analyst)
        let slug = try context.parameters.require("slug")
        let body = try await JSONBody.decode(SendBody.self, from: request, context: context)
        let reason = try body.reason.map { try JSONBody.value($0, AssessmentReason.self, "reason") } ?? .onboarding
        if let days = body.dueDays, !(1...365).contains(days) { throw ApiError.invalid("dueDays", "dueDays: give 1 to 365 days, not \(days)") }
        if let template = body.template, catalog.questionnaire(template) == nil {
            throw ApiError.invalid("template", "template: no questionnaire \"\(template)\" (expected \(catalog.questionnaires.map(\.key).joined(separator: ", ")))")
        }
        let to = body.to.flatMap { $0.isEmpty ? nil : $0 }
        if let to, !VendorRules.isEmailAddress(to) { throw ApiError.invalid("to", "to: \"\(to)\" is not an email address") }
        let invitations = self.invitations
        let sent = try await blocking.run {
            try invitations.send(vendor: slug, template: body.template, dueDays: body.dueDays ?? 30, reason: reason, recipient: to,
                                 force: body.force ?? false, actor: identity.name)
        }
        return EditedResponse(status: .created, response: SentResponse(assessment: sent.assessment, link: sent.link))
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Listing<AssessmentSummary> {
        _ = try context.require(.committee)
        let query = QueryInput(request)
        let vendor = query.text("vendor")
        let statuses = try query.values("status", AssessmentStatus.self)
        let paging = try Paging(request, scope: "assessments:\(vendor ?? ""):\(statuses.map(\.rawValue).sorted().joined(separator: ","))")
        let store = self.store
        return Listing(
            key: "assessments",
            page: try await blocking.run { try store.page(vendor: vendor, statuses: statuses, after: paging.after, limit: paging.limit) }, paging: paging)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Item<AssessmentDetail> {
        _ = try context.require(.committee)
        let id = try context.pathID("id")
        let store = self.store
        return Item(value: try await blocking.run { try store.detail(id) })
    }

    struct VerdictBody: Decodable {
        let verdict: String, note: String?
    }

    @Sendable func verdict(_ request: Request, context: AppRequestContext) async throws -> Item<StoredAnswer> {
        let identity = try context.require(.analyst)
        let id = try context.pathID("id")
        let question = try context.parameters.require("question")
        let body = try await JSONBody.decode(VerdictBody.self, from: request, context: context)
        let verdict = try JSONBody.value(body.verdict, Answer.Verdict.self, "verdict")
        let store = self.store
        return Item(value: try await blocking.run { try store.review(id, question: question, verdict: verdict, note: body.note, actor: identity.name) })
    }

    struct NoteBody: Decodable {
        let note: String
    }

    @Sendable func requestChanges(_ request: Request, context: AppRequestContext) async throws -> Item<AssessmentSummary> {
        let identity = try context.require(.analyst)
        let id = try context.pathID("id")
        let body = try await JSONBody.decode(NoteBody.self, from: request, context: context)
        guard !body.note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ApiError.invalid("note", "note: say what should change; the note is sent to the supplier")
        }
        let invitations = self.invitations
        return Item(value: try await blocking.run { try invitations.requestChanges(id, note: body.note, actor: identity.name) })
    }

    @Sendable func complete(_ request: Request, context: AppRequestContext) async throws -> Item<AssessmentSummary> {
        let identity = try context.require(.analyst)
        let id = try context.pathID("id")
        let store = self.store
        return Item(value: try await blocking.run { try store.complete(id, actor: identity.name) })
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Item<AssessmentSummary> {
        let identity = try context.require(.analyst)
        let id = try context.pathID("id")
        let store = self.store
        return Item(value: try await blocking.run { try store.cancel(id, actor: identity.name) })
    }

    @Sendable func relink(_ request: Request, context: AppRequestContext) async throws -> SentResponse {
        let identity = try context.require(.analyst)
        let id = try context.pathID("id")
        let invitations = self.invitations
        let sent = try await blocking.run { try invitations.relink(id, actor: identity.name) }
        return SentResponse(assessment: sent.assessment, link: sent.link)
    }

    /// An evidence file, as an attachment: never shown inline, whatever its type.
    @Sendable func evidence(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.require(.committee)
        let id = try context.pathID("id"), file = try context.pathID("file")
        let store = self.store
        let (record, content) = try await blocking.run { try store.evidenceContent(assessment: id, file: file) }
        return Self.evidenceResponse(record, content)
    }

    /// An evidence file as every route serves it: an attachment (the stored name is safe in a header: the database
    /// takes letters, digits, `._ -` only), under a policy that lets nothing in it run.
    static func evidenceResponse(_ record: EvidenceFile, _ content: Data) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: record.contentType, .contentDisposition: "attachment; filename=\"\(record.filename)\"",
                      .contentSecurityPolicy: "default-src 'none'; sandbox"],
            body: .init(byteBuffer: ByteBuffer(bytes: content)))
    }
}
