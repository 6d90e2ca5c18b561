extension PostgresError {
    /// A SQLSTATE: five characters, the first two naming its class.
    ///
    /// Match a code with `~=` in a `switch` or compare it with `==`:
    /// ```swift
    /// catch let error as PostgresError where error.code == .uniqueViolation
    /// ```
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        /// The five-character SQLSTATE.
        public let rawValue: String

        /// Creates a code from its five characters.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Creates a code from a literal such as `"23505"`.
        public init(stringLiteral value: String) { self.rawValue = value }

        /// The class of the code: its first two characters.
        public var `class`: Substring { rawValue.prefix(2) }

        /// Matches a code in a `switch`.
        public static func ~= (pattern: Code, value: Code) -> Bool { pattern == value }

        // Class 08: connection exception.
        /// The connection broke.
        public static let connectionFailure: Code = "08006"
        /// The connection could not be opened.
        public static let unableToConnect: Code = "08001"
        /// The connection does not exist (it was closed).
        public static let connectionDoesNotExist: Code = "08003"

        // Class 23: integrity constraint violation.
        /// A NOT NULL constraint was violated.
        public static let notNullViolation: Code = "23502"
        /// A foreign key constraint was violated.
        public static let foreignKeyViolation: Code = "23503"
        /// A unique constraint was violated.
        public static let uniqueViolation: Code = "23505"
        /// A check constraint was violated.
        public static let checkViolation: Code = "23514"
        /// An exclusion constraint was violated.
        public static let exclusionViolation: Code = "23P01"

        // Class 22: data exception.
        /// A value was not valid for its type.
        public static let invalidTextRepresentation: Code = "22P02"
        /// A character string did not fit its column.
        public static let stringDataRightTruncation: Code = "22001"
        /// A byte sequence was not valid in the encoding (for example a NUL byte in text).
        public static let characterNotInRepertoire: Code = "22021"

        // Class 25 and 40: transactions.
        /// A statement ran in a transaction that had already failed.
        public static let inFailedSQLTransaction: Code = "25P02"
        /// A serializable transaction could not be serialised.
        public static let serializationFailure: Code = "40001"
        /// A deadlock was detected.
        public static let deadlockDetected: Code = "40P01"

        // Class 42: syntax error or access rule violation.
        /// The statement had a syntax error.
        public static let syntaxError: Code = "42601"
        /// A table or view does not exist.
        public static let undefinedTable: Code = "42P01"
        /// A column does not exist.
        public static let undefinedColumn: Code = "42703"
        /// A function does not exist.
        public static let undefinedFunction: Code = "42883"
        /// An object already exists.
        public static let duplicateObject: Code = "42710"
        /// A table already exists.
        public static let duplicateTable: Code = "42P07"
        /// The role lacks a privilege.
        public static let insufficientPrivilege: Code = "42501"

        // Class 57: operator intervention.
        /// The statement was cancelled, by a statement timeout or a cancel request.
        public static let queryCanceled: Code = "57014"
        /// The server is shutting down.
        public static let adminShutdown: Code = "57P01"
        /// The server crashed.
        public static let crashShutdown: Code = "57P02"
        /// The server is starting up or in recovery.
        public static let cannotConnectNow: Code = "57P03"

        // Class 26 and 0A: prepared statements.
        /// A prepared statement does not exist (for example after `DISCARD ALL`).
        public static let invalidSQLStatementName: Code = "26000"
        /// A feature is not supported; also "cached plan must not change result type",
        /// when a table a prepared statement reads has changed shape.
        public static let featureNotSupported: Code = "0A000"

        // Class P0: PL/pgSQL.
        /// `RAISE EXCEPTION` in a function.
        public static let raiseException: Code = "P0001"

        // Class 55: object not in prerequisite state.
        /// A lock could not be obtained without waiting (`NOWAIT`).
        public static let lockNotAvailable: Code = "55P03"
    }
}
