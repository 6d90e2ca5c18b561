import Foundation
import Hummingbird
import Outreach
import Storage
import SupplierRisk

/// `/api/v1/users`: the people who sign in, as `tprm user` manages them (admin only). A new account, or a reset,
/// answers with its one-time link to set the password, shown once and also emailed through the outbox.
struct UserController {
    let store: UserStore
    let outreach: OutreachConfiguration
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("users", use: users)
        group.post("users", use: addUser)
        group.get("users/:email", use: user)
        group.patch("users/:email", use: updateUser)
        group.post("users/:email/reset", use: reset)
    }

    struct NewUser: Decodable {
        let email: String, name: String, role: String, password: String?
    }

    struct UserUpdate: Decodable {
        let role: String?, disabled: Bool?
    }

    /// A one-time link as the API gives it out.
    struct Link: Encodable, Sendable {
        let url: String
        let expiresAt: Date
    }

    struct Created: ResponseEncodable {
        let user: User
        /// Absent when a password was given.
        let passwordLink: Link?
    }

    struct Reset: ResponseEncodable {
        let passwordLink: Link
    }

    func link(_ link: PasswordLink) -> Link { Link(url: Messages.passwordURL(outreach, link.token), expiresAt: link.expiresAt) }

    @Sendable func users(_ request: Request, context: AppRequestContext) async throws -> Listing<User> {
        _ = try context.require(.admin)
        return Listing(key: "users", items: try await blocking.run { try store.list() })
    }

    @Sendable func user(_ request: Request, context: AppRequestContext) async throws -> Item<User> {
        _ = try context.require(.admin)
        let email = try context.parameters.require("email")
        return Item(value: try await blocking.run { try store.user(email.removingPercentEncoding ?? email) })
    }

    @Sendable func addUser(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Created> {
        let identity = try context.require(.admin)
        let body = try await JSONBody.decode(NewUser.self, from: request, context: context)
        let email = UserStore.normalized(body.email)
        if let problem = VendorRules.problem(email: email) { throw ApiError.invalid("email", "email: \"\(body.email)\" \(problem)") }
        try JSONBody.requireText(body.name, "name")
        let role = try JSONBody.value(body.role, ApiRole.self, "role")
        if let password = body.password, let problem = PasswordPolicy.problem(password, email: email) {
            throw ApiError.invalid("password", "password: \(problem)")
        }
        let messages = Messages(configuration: outreach)
        let (user, made) = try await blocking.run {
            try store.add(email: email, name: body.name, role: role, password: body.password, actor: identity.name) { user, link in
                messages.passwordLink(user, link, isNew: true)
            }
        }
        return EditedResponse(status: .created, response: Created(user: user, passwordLink: made.map(link)))
    }

    @Sendable func updateUser(_ request: Request, context: AppRequestContext) async throws -> Item<User> {
        let identity = try context.require(.admin)
        let given = try context.parameters.require("email")
        let email = given.removingPercentEncoding ?? given
        let body = try await JSONBody.decode(UserUpdate.self, from: request, context: context)
        let role = try body.role.map { try JSONBody.value($0, ApiRole.self, "role") }
        guard role != nil || body.disabled != nil else { throw ApiError.invalid("role", "give role, disabled or both: nothing to change") }
        return Item(value: try await blocking.run {
            // Both changes, or the first refused, in the order a person would make them; each is audited on its own.
            var user = try store.user(email)
            if let role { user = try store.setRole(email, role, actor: identity.name) }
            if let disabled = body.disabled { user = try store.setEnabled(email, !disabled, actor: identity.name) }
            return user
        })
    }

    @Sendable func reset(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Reset> {
        let identity = try context.require(.admin)
        let given = try context.parameters.require("email")
        let email = given.removingPercentEncoding ?? given
        let messages = Messages(configuration: outreach)
        let made = try await blocking.run {
            try store.reset(email, actor: identity.name) { user, link in messages.passwordLink(user, link, isNew: false) }
        }
        return EditedResponse(status: .created, response: Reset(passwordLink: link(made)))
    }
}
