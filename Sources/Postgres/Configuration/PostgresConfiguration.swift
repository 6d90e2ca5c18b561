import CLibPQ

/// Where and how to connect: a `postgresql://` URL or a libpq conninfo string,
/// with the timeouts and session settings tprm applies to every connection.
///
/// Anything libpq understands works, including unix-socket hosts
/// (`postgresql:///tprm?host=/path/to/socket-dir`), `sslmode`, and the `PG*`
/// environment variables for what the string leaves out.
public struct PostgresConfiguration: Sendable {
    /// The connection string as given.
    public let connectionString: String
    /// How long opening a connection may take. libpq counts whole seconds, at least 2.
    public var connectTimeout: Duration
    /// The server-side limit for each statement, or `nil` for the server's default.
    public var statementTimeout: Duration?
    /// The name the server shows for these connections in `pg_stat_activity`.
    public var applicationName: String
    /// How many statements each connection keeps prepared, so that a statement run
    /// again skips parsing and planning; 0 turns the cache off (needed behind a
    /// pooler in transaction mode, such as PgBouncer's).
    public var preparedStatementCacheSize: Int = 256

    /// The parsed keywords of the connection string (no defaults filled in).
    let keywords: [String: String]

    /// Validates a connection string.
    ///
    /// - Parameters:
    ///   - connectionString: a `postgresql://` or `postgres://` URL, or `key=value` conninfo.
    ///   - connectTimeout: how long opening a connection may take.
    ///   - statementTimeout: the server-side limit for each statement.
    ///   - applicationName: shown in `pg_stat_activity`.
    /// - Throws: ``PostgresConfigurationError`` naming what libpq could not parse.
    public init(
        _ connectionString: String,
        connectTimeout: Duration = .seconds(5),
        statementTimeout: Duration? = nil,
        applicationName: String = "tprm"
    ) throws(PostgresConfigurationError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            let reason = errorMessage.map { String(cString: $0).trimmingWhitespace() } ?? "out of memory"
            if let errorMessage { PQfreemem(errorMessage) }
            throw PostgresConfigurationError(reason: reason)
        }
        defer { PQconninfoFree(options) }
        var keywords: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                keywords[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        // libpq checks these only when connecting; a typo is a configuration error, found now.
        for key in ["port", "connect_timeout"] {
            guard let value = keywords[key] else { continue }
            for part in value.split(separator: ",", omittingEmptySubsequences: false)
            where !part.isEmpty && !part.allSatisfy({ ("0"..."9").contains($0) }) {
                throw PostgresConfigurationError(reason: "invalid \(key) \"\(part)\" (expected a number)")
            }
        }
        for (key, allowed) in Self.enumeratedKeywords {
            if let value = keywords[key], !allowed.contains(value) {
                throw PostgresConfigurationError(reason: "invalid \(key) \"\(value)\" (expected \(allowed.joined(separator: ", ")))")
            }
        }
        self.connectionString = connectionString
        self.connectTimeout = connectTimeout
        self.statementTimeout = statementTimeout
        self.applicationName = applicationName
        self.keywords = keywords
    }

    /// Keywords with a fixed set of values, which libpq checks only when connecting.
    static let enumeratedKeywords: [(String, [String])] = [
        ("sslmode", ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]),
        ("gssencmode", ["disable", "prefer", "require"]),
        ("target_session_attrs", ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"]),
        ("channel_binding", ["disable", "prefer", "require"]),
    ]

    /// Where the string points, without its password: `database tprm on /run/pg (user postgres)`.
    public var summary: String {
        let database = keywords["dbname"] ?? keywords["user"] ?? "(default)"
        let host = keywords["host"] ?? keywords["hostaddr"] ?? "(default host)"
        var text = "database \(database) on \(host)"
        if let port = keywords["port"] { text += ":\(port)" }
        if let user = keywords["user"] { text += " (user \(user))" }
        return text
    }

    /// The keyword/value pairs given to `PQconnectdbParams`.
    ///
    /// The timeout and application name come before the expanded string, so
    /// that values written in the string win, as an operator expects.
    var connectParameters: [(String, String)] {
        let seconds = max(2, Int((connectTimeout.components.seconds)) + (connectTimeout.components.attoseconds > 0 ? 1 : 0))
        return [
            ("connect_timeout", String(seconds)),
            ("application_name", applicationName),
            ("client_encoding", "UTF8"),
            ("dbname", connectionString),
        ]
    }
}

/// A connection string libpq cannot parse.
public struct PostgresConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What libpq found wrong, for example `invalid URI query parameter: "foo"`.
    public let reason: String
    /// The reason, for a person.
    public var description: String { "invalid connection string: \(reason)" }
}

extension PostgresConfiguration {
    /// The same server, user and settings, connected to another database.
    ///
    /// - Throws: ``PostgresConfigurationError`` if the result cannot be parsed (it always can).
    public func replacingDatabase(with database: String) throws(PostgresConfigurationError) -> PostgresConfiguration {
        var keywords = self.keywords
        keywords["dbname"] = database
        let conninfo = keywords.sorted { $0.key < $1.key }
            .map { key, value in
                let escaped = value.replacingAll("\\", with: "\\\\").replacingAll("'", with: "\\'")
                return "\(key)='\(escaped)'"
            }
            .joined(separator: " ")
        return try PostgresConfiguration(
            conninfo, connectTimeout: connectTimeout, statementTimeout: statementTimeout, applicationName: applicationName)
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
