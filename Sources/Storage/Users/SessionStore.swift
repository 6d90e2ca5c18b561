public import Foundation
import HummingbirdBcrypt
import Postgres

/// How long sessions last and how many failed sign-ins are allowed.
public struct SessionPolicy: Sendable, Hashable {
    /// A session ends after this long without a request.
    public var idle: TimeInterval
    /// A session ends this long after sign-in, however busy.
    public var lifetime: TimeInterval
    /// Failed sign-ins for one email within `window` before that email is refused for a while.
    public var accountFailures: Int
    /// Failed sign-ins from one client within `window` before that client is refused for a while.
    public var clientFailures: Int
    /// The window failures are counted over; a refusal lasts until enough failures leave it.
    public var window: TimeInterval

    public init(idle: TimeInterval = 30 * 60, lifetime: TimeInterval = 12 * 3600, accountFailures: Int = 5, clientFailures: Int = 20,
                window: TimeInterval = 15 * 60) {
        self.idle = idle
        self.lifetime = lifetime
        self.accountFailures = accountFailures
        self.clientFailures = clientFailures
        self.window = window
    }
}

/// A person signed in to the workspace: who, and the token every form of the session carries.
public struct SignedInPerson: Sendable, Hashable {
    public let user: User
    public let csrfToken: String
}

/// What a sign-in attempt came to.
public enum SignInOutcome: Sendable, Hashable {
    /// The session's secret (for the cookie, shown once: only its hash is kept) and when it ends at the latest.
    case signedIn(SignedInPerson, session: String, expiresAt: Date)
    /// Wrong email or password, a disabled account or one without a password: all alike to the caller.
    case refused
    /// Too many failures for this email or from this client: try again after this many seconds.
    case limited(retryAfter: Int)
}

/// Sessions of people signed in to the workspace, and the count of failed sign-ins, both in PostgreSQL so that
/// several instances of `tprm serve` share them.
public struct SessionStore: Sendable {
    let database: Database
    public let policy: SessionPolicy

    public init(database: Database, policy: SessionPolicy = SessionPolicy()) {
        self.database = database
        self.policy = policy
    }

    /// A hash nobody's password matches, verified when the account is unknown so that the answer takes as long.
    static let decoy = Bcrypt.hash(PortalSecret.generate(), cost: UserStore.bcryptCost)

    /// Checks an email and password from `client` (an address); on success opens a session. Failures are counted
    /// and audited with the email typed as the actor; an attempt while limited is answered without checking the
    /// password and is not counted, so a locked account does not stay locked by being tried.
    ///
    /// An attempt is counted as a failure before its password is checked, and forgiven if it was right: attempts
    /// made in parallel cannot all pass a count that none of them has added to yet.
    public func signIn(email typed: String, password: String, client: String) throws -> SignInOutcome {
        let email = UserStore.normalized(typed)
        if let wait = try countAttempt(email: email, client: client) { return .limited(retryAfter: wait) }
        let stored: (id: Int, hash: String?, disabled: Bool)? = try database.withConnection { connection in
            try connection.query("SELECT id, password_hash, disabled_at IS NOT NULL FROM users WHERE email = \(email)").first
                .map { try $0.decode((Int, String?, Bool).self) }
        }
        // bcrypt takes a quarter of a second: no connection is held meanwhile.
        let matches = Bcrypt.verify(password, hash: stored?.hash ?? Self.decoy)
        let why: String? = switch stored {
        case nil: "unknown account"
        case let stored? where stored.hash == nil: "no password set"
        case let stored? where stored.disabled: "account disabled"
        case _ where !matches: "wrong password"
        default: nil
        }
        let actor = email.isEmpty ? "unknown" : email
        if let why {
            try database.withConnection { connection in
                try Audit.record(connection, actor: actor, action: .signInRefused, entity: "user", id: actor, before: nil,
                                 after: Self.json(["client": client, "reason": why]))
            }
            return .refused
        }
        let session = PortalSecret.generate(), csrf = PortalSecret.generate()
        let expires = Date().addingTimeInterval(policy.lifetime)
        let user = try database.transaction(subject: email) { connection in
            try connection.execute("""
                INSERT INTO sessions (user_id, token_hash, csrf_token, client, idle, expires_at)
                VALUES (\(stored!.id), \(PortalSecret.sha256Hex(Array(session.utf8))), \(csrf), \(client), \(policy.idle) * interval '1 second', \(expires))
                """)
            try connection.execute("DELETE FROM sign_in_failures WHERE email = \(email)")
            try Audit.record(connection, actor: email, action: .signIn, entity: "user", id: email, before: nil, after: Self.json(["client": client]))
            return try UserStore.read(connection, email: email)!
        }
        return .signedIn(SignedInPerson(user: user, csrfToken: csrf), session: session, expiresAt: expires)
    }

    /// Opens a session for the enabled account `email` vouched for by a trusted reverse proxy (single sign-on): no
    /// password is checked, since the proxy signed the person in; audited as a sign-in "via proxy". Nil for an
    /// account that is unknown, or disabled (refused, and audited as such).
    public func signInByProxy(email typed: String, client: String) throws -> (person: SignedInPerson, session: String, expiresAt: Date)? {
        let email = UserStore.normalized(typed)
        let session = PortalSecret.generate(), csrf = PortalSecret.generate()
        let expires = Date().addingTimeInterval(policy.lifetime)
        return try database.transaction(subject: email) { connection in
            guard let (id, disabled) = try connection.query("SELECT id, disabled_at IS NOT NULL FROM users WHERE email = \(email)").first
                .map({ try $0.decode((Int, Bool).self) }) else {
                try Audit.record(connection, actor: email.isEmpty ? "unknown" : email, action: .signInRefused, entity: "user", id: email.isEmpty ? "unknown" : email,
                                 before: nil, after: Self.json(["client": client, "reason": "unknown account", "via": "proxy"]))
                return nil
            }
            guard !disabled else {
                try Audit.record(connection, actor: email, action: .signInRefused, entity: "user", id: email, before: nil,
                                 after: Self.json(["client": client, "reason": "account disabled", "via": "proxy"]))
                return nil
            }
            try connection.execute("""
                INSERT INTO sessions (user_id, token_hash, csrf_token, client, idle, expires_at)
                VALUES (\(id), \(PortalSecret.sha256Hex(Array(session.utf8))), \(csrf), \(client), \(policy.idle) * interval '1 second', \(expires))
                """)
            try Audit.record(connection, actor: email, action: .signIn, entity: "user", id: email, before: nil, after: Self.json(["client": client, "via": "proxy"]))
            return (SignedInPerson(user: try UserStore.read(connection, email: email)!, csrfToken: csrf), session, expires)
        }
    }

    /// Counts an attempt as a failure, unless `email` or `client` has reached its limit: then the seconds until it may
    /// try again, and nothing is counted. The account and the client are locked meanwhile (in that order, by every
    /// attempt, so that two never wait for each other), so the count and the addition to it are one step.
    func countAttempt(email: String, client: String) throws -> Int? {
        try database.transaction { connection in
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext('tprm sign-in account ' || \(email)))")
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext('tprm sign-in client ' || \(client)))")
            if let wait = try Self.retryAfter(connection, email: email, client: client, policy: policy) { return wait }
            try connection.execute("DELETE FROM sign_in_failures WHERE (email = \(email) OR client = \(client)) AND at <= now() - \(policy.window) * interval '1 second'")
            try connection.execute("INSERT INTO sign_in_failures (email, client) VALUES (\(email), \(client))")
            return nil
        }
    }

    /// Seconds until `email` or `client` may try again, or nil when neither has reached its limit.
    static func retryAfter(_ connection: Connection, email: String, client: String, policy: SessionPolicy) throws -> Int? {
        func wait(_ column: PostgresQuery, _ value: String, limit: Int) throws -> Double? {
            // The limit-th newest failure in the window: once it leaves the window, fewer than `limit` remain.
            try connection.query("""
                SELECT extract(epoch FROM at + \(policy.window) * interval '1 second' - now())::float8 FROM sign_in_failures
                WHERE \(column) = \(value) AND at > now() - \(policy.window) * interval '1 second'
                ORDER BY at DESC OFFSET \(limit - 1) LIMIT 1
                """).first?.decode(Double.self, at: 0)
        }
        let waits = [try wait("email", email, limit: policy.accountFailures), try wait("client", client, limit: policy.clientFailures)].compactMap { $0 }
        return waits.max().map { max(1, Int($0.rounded(.up))) }
    }

    /// The person a session's secret belongs to, while the session lasts: not ended, within its lifetime, used
    /// within its idle time, its account enabled. A request moves the idle clock (at most once a minute, so that
    /// reading pages does not write on every request).
    public func person(session token: String) throws -> SignedInPerson? {
        guard PortalSecret.isWellFormed(token) else { return nil }
        return try database.withConnection { connection in
            guard let row = try connection.query("""
                SELECT \(UserStore.columns), s.id AS session_id, s.csrf_token, s.last_seen_at < now() - interval '60 seconds' AS stale
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(PortalSecret.sha256Hex(Array(token.utf8))) AND s.ended_at IS NULL AND s.expires_at > now()
                  AND s.last_seen_at + s.idle > now() AND u.disabled_at IS NULL
                """).first else { return nil }
            if try row.decode(Bool.self, "stale") {
                try connection.execute("UPDATE sessions SET last_seen_at = now() WHERE id = \(try row.decode(Int.self, "session_id"))")
            }
            return SignedInPerson(user: try UserStore.user(row), csrfToken: try row.decode(String.self, "csrf_token"))
        }
    }

    /// Ends the session of a secret (signing out); audited. An unknown or ended session is left as it is.
    public func signOut(session token: String) throws {
        guard PortalSecret.isWellFormed(token) else { return }
        try database.transaction { connection in
            guard let email = try connection.query("""
                UPDATE sessions s SET ended_at = now(), ended_why = 'signed_out' FROM users u
                WHERE u.id = s.user_id AND s.token_hash = \(PortalSecret.sha256Hex(Array(token.utf8))) AND s.ended_at IS NULL
                RETURNING u.email
                """).first?.decode(String.self, at: 0) else { return }
            try Audit.record(connection, actor: email, action: .signOut, entity: "user", id: email, before: nil, after: nil)
        }
    }

    /// Sessions open now, per account email: for tests and `tprm user list`.
    public func openSessions(_ email: String) throws -> Int {
        try database.withConnection { connection in
            try connection.query("""
                SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE u.email = \(UserStore.normalized(email)) AND s.ended_at IS NULL AND s.expires_at > now() AND s.last_seen_at + s.idle > now()
                """)[0].decode(Int.self, at: 0)
        }
    }

    /// Ends every open session of an account, inside the transaction of the change that ends them.
    static func endAll(_ connection: Connection, userID: Int, why: String) throws {
        try connection.execute("UPDATE sessions SET ended_at = now(), ended_why = \(why) WHERE user_id = \(userID) AND ended_at IS NULL")
    }

    static func json(_ fields: [String: String]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
    }
}
