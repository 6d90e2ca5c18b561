public import Foundation
import HummingbirdBcrypt
import Postgres

/// A person who signs in, as listed: never the password or its hash.
public struct User: Sendable, Hashable, Codable {
    public let email: String
    public let name: String
    public let role: ApiRole
    /// Whether a password is set (a new account has none until its link is used).
    public let hasPassword: Bool
    public let disabledAt: Date?
    public let createdAt: Date

    /// Whether the account may sign in.
    public var isEnabled: Bool { disabledAt == nil }
}

/// A one-time link to set a password: the token, shown once (only its hash is kept), and when it expires.
public struct PasswordLink: Sendable, Hashable {
    public let token: String
    public let expiresAt: Date
}

/// The accounts of the people who use tprm, every change audited with the actor.
public struct UserStore: Sendable {
    let database: Database

    /// Creates a store on the database.
    public init(database: Database) { self.database = database }

    /// How long a set-password link works.
    public static let linkLifetime: TimeInterval = 72 * 3600
    /// The bcrypt cost of stored passwords (2^12 rounds).
    public static let bcryptCost: UInt8 = 12

    /// An email as accounts are named: trimmed and lower-case.
    public static func normalized(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Creates an account. With a password (already checked by ``PasswordPolicy``) it may sign in at once; without,
    /// a one-time link is made and `message(link)` is written to the outbox in the same transaction.
    ///
    /// - Returns: the account, and the link when one was made.
    /// - Throws: ``StorageError/duplicate(_:)`` for an email in use, ``StorageError/invalid(field:reason:)``.
    public func add(
        email: String, name: String, role: ApiRole, password: String?, actor: String,
        message: (User, PasswordLink) -> OutgoingMessage
    ) throws -> (User, PasswordLink?) {
        let email = Self.normalized(email)
        let hash = password.map { Bcrypt.hash($0, cost: Self.bcryptCost) }
        return try database.transaction(subject: email) { connection in
            let id = try connection.query("""
                INSERT INTO users (email, name, role, password_hash, password_changed_at)
                VALUES (\(email), \(name.trimmingCharacters(in: .whitespacesAndNewlines)), \(role.rawValue), \(hash), \(hash == nil ? nil : Date()))
                RETURNING id
                """)[0].decode(Int.self, at: 0)
            try Audit.record(connection, actor: actor, action: .create, entity: "user", id: email, before: nil, after: try Self.snapshot(connection, id: id))
            let user = try Self.read(connection, email: email)!
            guard hash == nil else { return (user, nil) }
            let link = try Self.newLink(connection, userID: id, actor: actor)
            _ = try OutboxStore.enqueue(connection, message(user, link), assessment: nil)
            return (user, link)
        }
    }

    /// Every account, by email.
    public func list() throws -> [User] {
        try database.withConnection { connection in
            try connection.query("SELECT \(Self.columns) FROM users u ORDER BY u.email").map(Self.user)
        }
    }

    /// One account.
    ///
    /// - Throws: ``StorageError/notFound(_:)``.
    public func user(_ email: String) throws -> User {
        let email = Self.normalized(email)
        guard let user = try database.withConnection({ try Self.read($0, email: email) }) else { throw Self.unknown(email) }
        return user
    }

    /// Disables or enables an account; returns it. Disabling keeps the account and its history, and ends its sessions.
    @discardableResult
    public func setEnabled(_ email: String, _ enabled: Bool, actor: String) throws -> User {
        try change(email, actor: actor) { connection, id in
            try connection.execute("""
                UPDATE users SET disabled_at = CASE WHEN \(enabled) THEN NULL ELSE COALESCE(disabled_at, now()) END, updated_at = now() WHERE id = \(id)
                """)
            if !enabled {
                try Self.revokeLinks(connection, userID: id)
                try SessionStore.endAll(connection, userID: id, why: "disabled")
            }
        }
    }

    /// Gives an account another role; returns it.
    @discardableResult
    public func setRole(_ email: String, _ role: ApiRole, actor: String) throws -> User {
        try change(email, actor: actor) { connection, id in
            try connection.execute("UPDATE users SET role = \(role.rawValue), updated_at = now() WHERE id = \(id)")
        }
    }

    /// Makes a new set-password link for an enabled account, revoking earlier ones, and writes `message(link)` to
    /// the outbox; the current password keeps working until the link is used.
    ///
    /// - Throws: ``StorageError/notFound(_:)``; ``StorageError/conflict(field:reason:)`` for a disabled account.
    public func reset(_ email: String, actor: String, message: (User, PasswordLink) -> OutgoingMessage) throws -> PasswordLink {
        let email = Self.normalized(email)
        return try database.transaction(subject: email) { connection in
            guard let id = try Self.id(connection, email: email, locking: true), let user = try Self.read(connection, email: email) else {
                throw Self.unknown(email)
            }
            guard user.isEnabled else {
                throw StorageError.conflict(field: "email", reason: "\(email) is disabled: enable it first (tprm user enable \(email))")
            }
            let link = try Self.newLink(connection, userID: id, actor: actor)
            try Audit.record(connection, actor: actor, action: .update, entity: "user", id: email,
                             before: nil, after: #"{"password_link": "sent"}"#)
            _ = try OutboxStore.enqueue(connection, message(user, link), assessment: nil)
            return link
        }
    }

    /// The account a working link was made for, and when the link expires; nil for a link that is unknown, used,
    /// revoked or expired, or whose account is disabled.
    public func account(forLink token: String) throws -> (user: User, expiresAt: Date)? {
        try database.withConnection { connection in
            try connection.query("""
                SELECT \(Self.columns), l.expires_at FROM password_links l JOIN users u ON u.id = l.user_id
                WHERE \(Self.working(link: token))
                """).first.map { (try Self.user($0), try $0.decode(Date.self, "expires_at")) }
        }
    }

    /// Sets the password of the account a link was made for (the password already checked by ``PasswordPolicy``)
    /// and uses the link up, ending every session of the account; returns it.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` for a link that is unknown, used, revoked or expired (all alike),
    ///   or whose account is disabled.
    @discardableResult
    public func setPassword(link token: String, password: String) throws -> User {
        let hash = Bcrypt.hash(password, cost: Self.bcryptCost)
        return try database.transaction { connection in
            guard let row = try connection.query("""
                SELECT l.id, u.id, u.email FROM password_links l JOIN users u ON u.id = l.user_id
                WHERE \(Self.working(link: token))
                FOR UPDATE OF l, u
                """).first else {
                throw StorageError.notFound("this link does not work: it may have been used, replaced or have expired; ask for a new one")
            }
            let (linkID, userID, email) = try row.decode((Int, Int, String).self)
            let before = try Self.snapshot(connection, id: userID)
            try connection.execute("UPDATE password_links SET used_at = now() WHERE id = \(linkID)")
            try connection.execute("UPDATE users SET password_hash = \(hash), password_changed_at = now(), updated_at = now() WHERE id = \(userID)")
            try SessionStore.endAll(connection, userID: userID, why: "password_changed")
            try Audit.record(connection, actor: email, action: .update, entity: "user", id: email, before: before, after: try Self.snapshot(connection, id: userID))
            return try Self.read(connection, email: email)!
        }
    }

    // MARK: Rows

    static let columns: PostgresQuery = "u.email, u.name, u.role, u.password_hash IS NOT NULL AS has_password, u.disabled_at, u.created_at"

    static func user(_ row: PostgresRow) throws -> User {
        User(email: try row.decode(String.self, "email"), name: try row.decode(String.self, "name"), role: try RawColumn.decode(ApiRole.self, row, "role"),
             hasPassword: try row.decode(Bool.self, "has_password"), disabledAt: try row.decode(Date?.self, "disabled_at"),
             createdAt: try row.decode(Date.self, "created_at"))
    }

    static func read(_ connection: Connection, email: String) throws -> User? {
        try connection.query("SELECT \(columns) FROM users u WHERE u.email = \(email)").first.map(user)
    }

    static func id(_ connection: Connection, email: String, locking: Bool = false) throws -> Int? {
        let lock: PostgresQuery = locking ? " FOR UPDATE" : ""
        return try connection.query("SELECT id FROM users WHERE email = \(email)\(lock)").first?.decode(Int.self, at: 0)
    }

    /// The account as the audit log keeps it: without the password hash.
    static func snapshot(_ connection: Connection, id: Int) throws -> String {
        try connection.query("""
            SELECT (to_jsonb(u) - 'password_hash' || jsonb_build_object('has_password', u.password_hash IS NOT NULL))::text FROM users u WHERE id = \(id)
            """)[0].decode(String.self, at: 0)
    }

    /// The condition on `l` (password_links) and `u` (users) of a link that works: its token, unused, not revoked, not
    /// expired, its account enabled.
    static func working(link token: String) -> PostgresQuery {
        """
        l.token_hash = \(PortalSecret.sha256Hex(Array(token.utf8))) AND l.used_at IS NULL AND l.revoked_at IS NULL
          AND l.expires_at > now() AND u.disabled_at IS NULL
        """
    }

    static func unknown(_ email: String) -> StorageError { .notFound("no user with email \(email)") }

    /// Applies `body` to an account, auditing before and after; returns the account.
    func change(_ email: String, actor: String, _ body: (Connection, Int) throws -> Void) throws -> User {
        let email = Self.normalized(email)
        return try database.transaction(subject: email) { connection in
            guard let id = try Self.id(connection, email: email, locking: true) else { throw Self.unknown(email) }
            let before = try Self.snapshot(connection, id: id)
            try body(connection, id)
            let after = try Self.snapshot(connection, id: id)
            if after != before { try Audit.record(connection, actor: actor, action: .update, entity: "user", id: email, before: before, after: after) }
            return try Self.read(connection, email: email)!
        }
    }

    static func newLink(_ connection: Connection, userID: Int, actor: String) throws -> PasswordLink {
        try revokeLinks(connection, userID: userID)
        let token = PortalSecret.generate()
        let expires = Date().addingTimeInterval(linkLifetime)
        try connection.execute("""
            INSERT INTO password_links (user_id, token_hash, created_by, expires_at)
            VALUES (\(userID), \(PortalSecret.sha256Hex(Array(token.utf8))), \(actor), \(expires))
            """)
        return PasswordLink(token: token, expiresAt: expires)
    }

    static func revokeLinks(_ connection: Connection, userID: Int) throws {
        try connection.execute("UPDATE password_links SET revoked_at = now() WHERE user_id = \(userID) AND used_at IS NULL AND revoked_at IS NULL")
    }
}
