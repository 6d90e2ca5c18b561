import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Outreach
import Storage
import SupplierRisk

/// Administration, for the admin role: the audit log with filters (`/admin/audit`), and the outbox with its dead
/// messages and their retry (`/admin/outbox`).
extension WorkspaceController {
    static let adminPageSize = 50

    @Sendable func auditPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        guard person.user.role >= .admin else { return roleRefusal(person, "The audit log") }
        let parameters = request.uri.queryParameters
        func filter(_ name: String) -> String? {
            parameters.get(name).map { String($0).trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let (entity, id, actor) = (filter("entity"), filter("id"), filter("actor"))
        var page = Self.signedIn(person, at: "admin")
        page["filters"] = ["entity": entity ?? "", "id": id ?? "", "actor": actor ?? ""]
        let scope = "workspace-audit:\(entity ?? ""):\(id ?? ""):\(actor ?? "")"
        var after: PageMark?
        var problem: String?
        if let cursor = filter("after") {
            do { after = try Cursor.decode(cursor, scope: scope) } catch { problem = "This page link belongs to another list or is out of date: start again from the first page." }
        }
        var query = [("entity", entity), ("id", id), ("actor", actor)].compactMap { pair in pair.1.map { "\(pair.0)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" } }
        if problem == nil {
            let (log, mark) = (AuditLog(database: database), after)
            let found = try await blocking.run { try log.entries(entity: entity, id: id, actor: actor, newestFirst: true, after: mark, limit: Self.adminPageSize) }
            page["entries"] = found.items.map { entry -> [String: Any] in
                ["at": CivilTime.minuteText(entry.at), "actor": entry.actor, "action": entry.action, "entity": entry.entity, "id": entry.entityID,
                 "before": entry.before ?? "", "after": entry.after ?? "", "hasBefore": entry.before != nil]
            }
            page["hasEntries"] = !found.items.isEmpty
            if let next = found.next {
                query.append("after=" + Cursor.encode(next, scope: scope))
                page["next"] = "/admin/audit?" + query.joined(separator: "&")
            }
        }
        page["problem"] = problem
        return HTMLPage.response(problem == nil ? .ok : .badRequest, pages.render(page, withTemplate: "admin-audit") ?? "")
    }

    @Sendable func outboxPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        guard person.user.role >= .admin else { return roleRefusal(person, "The outbox") }
        let done = request.uri.queryParameters.get("queued").flatMap { Int(String($0)) }
        return try await outboxPage(person, done: done.map { "\($0) message\($0 == 1 ? "" : "s") put back in the queue: the next delivery sends \($0 == 1 ? "it" : "them")." },
                                    problem: nil, status: .ok)
    }

    func outboxPage(_ person: SignedInPerson, done: String?, problem: String?, status: HTTPResponse.Status) async throws -> Response {
        let store = OutboxStore(database: database)
        let (dead, pending, depth) = try await blocking.run {
            (try store.list(status: .dead, limit: Self.adminPageSize), try store.list(status: .pending, limit: Self.adminPageSize), try store.depth())
        }
        var page = Self.signedIn(person, at: "admin")
        page["done"] = done
        page["problem"] = problem
        page["depth"] = ["pending": depth.pending, "dead": depth.dead]
        func row(_ message: OutboxMessage) -> [String: Any] {
            ["id": message.id, "kind": message.message.kind.rawValue.replacingOccurrences(of: "_", with: " "),
             "to": message.message.recipients.joined(separator: ", "), "subject": message.message.subject, "attempts": message.attempts,
             "error": message.lastError ?? "—", "created": CivilTime.minuteText(message.createdAt), "next": CivilTime.minuteText(message.nextAttemptAt),
             "assessment": message.assessmentID as Any? ?? ""]
        }
        page["dead"] = dead.map(row)
        page["hasDead"] = !dead.isEmpty
        page["pending"] = pending.map(row)
        page["hasPending"] = !pending.isEmpty
        return HTMLPage.response(status, pages.render(page, withTemplate: "admin-outbox") ?? "")
    }

    struct RetryForm: Decodable {
        var csrf: String?
        var id: String?
    }

    @Sendable func retryOutbox(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let form = try await postedForm(RetryForm.self, request, person, csrf: \.csrf, what: "Retrying messages", role: .admin)
            let given = (form.id ?? "").trimmingCharacters(in: .whitespaces)
            let id: Int?
            if given.isEmpty || given == "all" {
                id = nil
            } else if let number = Int(given), number > 0 {
                id = number
            } else {
                return try await outboxPage(person, done: nil, problem: "\"\(given)\" is not a message: retry one from the list, or all.", status: .unprocessableContent)
            }
            let store = OutboxStore(database: database)
            do {
                let queued = try await blocking.run { try store.retry(id, actor: person.user.email) }
                return SignInController.redirect(to: "/admin/outbox?queued=\(queued)")
            } catch StorageError.notFound {
                return try await outboxPage(person, done: nil, problem: "Message \(given) is not a dead message: it was sent or retried already.",
                                            status: .conflict)
            }
        }
    }
}
