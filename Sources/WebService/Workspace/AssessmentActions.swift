import Foundation
import HTTPTypes
import Hummingbird
import Outreach
import Storage
import SupplierRisk

/// `/assessments/{id}/relink` and `/assessments/{id}/cancel`: an analyst sends a new private link for an open
/// questionnaire (the old ones stop working; the new one is shown once), or cancels it with the reason, which the
/// audit log keeps.
extension WorkspaceController {
    /// The forms' fields: the session's token, and the reason to cancel.
    struct AssessmentActionForm: Decodable {
        var csrf: String?
        var reason: String?
    }

    /// The assessment of the path, as a number; else the not-found page.
    func pathAssessment(_ context: AppRequestContext, _ person: SignedInPerson) throws -> Int {
        let text = try context.parameters.require("id")
        guard let id = Int(text), id > 0 else { throw Refusal(response: notFound(person, "There is no assessment \(text): an assessment is a number, such as 12.")) }
        return id
    }

    @Sendable func relinkAssessment(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let id = try pathAssessment(context, person)
            _ = try await postedForm(AssessmentActionForm.self, request, person, csrf: \.csrf, what: "Sending a new link")
            let invitations = self.invitations
            do {
                let sent = try await blocking.run { try invitations.relink(id, actor: person.user.email) }
                return sentPage(person, sent: sent, relinked: true)
            } catch StorageError.notFound {
                return notFound(person, "There is no assessment \(id).")
            } catch StorageError.conflict(_, let reason) {
                return try await assessmentPage(person, id: id, cancelProblem: Self.sentence(reason), status: .conflict)
            }
        }
    }

    @Sendable func cancelAssessment(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let id = try pathAssessment(context, person)
            let form = try await postedForm(AssessmentActionForm.self, request, person, csrf: \.csrf, what: "Cancelling a questionnaire")
            let reason = VendorRules.trimmed(form.reason ?? "")
            guard !reason.isEmpty else {
                return try await assessmentPage(person, id: id, cancelProblem: "Say why the questionnaire is cancelled: the reason is kept in the audit log.",
                                                status: .unprocessableContent)
            }
            guard reason.count <= 2000 else {
                return try await assessmentPage(person, id: id, cancelProblem: "Keep the reason to 2,000 characters; it has \(reason.count).", reason: reason,
                                                status: .unprocessableContent)
            }
            let store = AssessmentOutreachStore(database: database)
            do {
                _ = try await blocking.run { try store.cancel(id, actor: person.user.email, reason: reason) }
            } catch StorageError.notFound {
                return notFound(person, "There is no assessment \(id).")
            } catch StorageError.conflict(_, let problem) {
                return try await assessmentPage(person, id: id, cancelProblem: Self.sentence(problem), reason: reason, status: .conflict)
            }
            return SignInController.redirect(to: "/assessments/\(id)?cancelled=1")
        }
    }
}
