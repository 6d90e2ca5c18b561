public import Foundation
import Postgres

/// What an API token may do.
public enum ApiRole: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Read-only: the TPRM committee's dashboards.
    case committee
    /// Everything but tokens and the audit log: procurement analysts and their tools.
    case analyst
    /// Everything.
    case admin

    /// Orders roles by what they may do.
    public static func < (lhs: ApiRole, rhs: ApiRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// An API token as listed: never the token itself.
public struct ApiToken: Sendable, Hashable, Codable {
    public let name: String
    public let role: ApiRole
    public let createdAt: Date
    public let revokedAt: Date?
}

/// Who a request acts as: the token's name (the audit log's actor) and role.
public struct ApiIdentity: Sendable, Hashable {
    public let name: String
    public let role: ApiRole
}

/// API tokens, stored as the SHA-256 of the token.
public struct TokenStore: Sendable {
    let database: Database

    /// Creates a store on the database.
    public init(database: Database) { self.database = database }

    /// Creates a token; returns it. It is shown this once: only its hash is kept.
    ///
    /// - Throws: ``StorageError/duplicate(_:)`` when the name is taken, ``StorageError/invalid(field:reason:)``.
    public func create(name: String, role: ApiRole, actor: String) throws -> String {
        var random = SystemRandomNumberGenerator()
        let token = "tprm_" + (0..<4).map { _ in String(format: "%016llx", random.next() as UInt64) }.joined()
        try database.transaction(subject: name) { connection in
            let id = try connection.query("""
                INSERT INTO api_tokens (name, role, token_hash) VALUES (\(name), \(role.rawValue), encode(sha256(convert_to(\(token), 'UTF8')), 'hex'))
                RETURNING id
                """)[0].decode(Int.self, at: 0)
            let after = try connection.query("SELECT (to_jsonb(t) - 'token_hash')::text FROM api_tokens t WHERE id = \(id)")[0].decode(String.self, at: 0)
            try Audit.record(connection, actor: actor, action: .create, entity: "api_token", id: name, before: nil, after: after)
        }
        return token
    }

    /// Every token, newest first.
    public func list() throws -> [ApiToken] {
        try database.withConnection { connection in
            try connection.query("SELECT name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at DESC, id DESC").map { row in
                ApiToken(name: try row.decode(String.self, at: 0), role: try RawColumn.decode(ApiRole.self, row, "role"),
                         createdAt: try row.decode(Date.self, at: 2), revokedAt: try row.decode(Date?.self, at: 3))
            }
        }
    }

    /// Revokes a token at once.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` for an unknown or already revoked name.
    public func revoke(name: String, actor: String) throws {
        try database.transaction { connection in
            guard let before = try connection.query("""
                SELECT (to_jsonb(t) - 'token_hash')::text FROM api_tokens t WHERE name = \(name) AND revoked_at IS NULL FOR UPDATE
                """).first?.decode(String.self, at: 0) else {
                throw StorageError.notFound("no active token named \(name)")
            }
            let after = try connection.query("""
                UPDATE api_tokens t SET revoked_at = now() WHERE name = \(name) RETURNING (to_jsonb(t) - 'token_hash')::text
                """)[0].decode(String.self, at: 0)
            try Audit.record(connection, actor: actor, action: .update, entity: "api_token", id: name, before: before, after: after)
            // Servers that cache identities drop them when this commits.
            try connection.notify(Self.revocationChannel)
        }
    }

    /// The channel a revocation is announced on.
    public static let revocationChannel = "token_revoked"

    /// Who a presented token is, or nil when it is unknown or revoked. Compares hashes, found by index.
    public func identify(_ token: String) throws -> ApiIdentity? {
        guard token.hasPrefix("tprm_"), token.count == 69 else { return nil }
        return try database.withConnection { connection in
            guard let row = try connection.query("""
                SELECT name, role FROM api_tokens
                WHERE token_hash = encode(sha256(convert_to(\(token), 'UTF8')), 'hex') AND revoked_at IS NULL
                """).first else { return nil }
            return ApiIdentity(name: try row.decode(String.self, at: 0), role: try RawColumn.decode(ApiRole.self, row, "role"))
        }
    }
}
