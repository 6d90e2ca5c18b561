import CLibPQ

/// An error reported by PostgreSQL or by libpq while talking to it.
///
/// Errors the server raises carry its SQLSTATE and diagnostic fields. Errors
/// raised on the client side (the connection could not be opened, or broke)
/// carry a connection-exception code of class `08`, so callers can tell the
/// two apart with ``isConnectionFailure``.
///
/// `description` is safe to log: it holds the code and the primary message
/// only. The detail field can contain the values of a row (for a unique
/// violation, the duplicate key), so it appears in `debugDescription` only.
public struct PostgresError: Error, Sendable, Hashable {
    /// The SQLSTATE of the error.
    public var code: Code
    /// The primary, human-readable message.
    public var message: String
    /// An optional secondary message with more detail; may contain data values.
    public var detail: String?
    /// An optional suggestion what to do about the problem.
    public var hint: String?
    /// The schema of the object the error concerns.
    public var schema: String?
    /// The table the error concerns.
    public var table: String?
    /// The column the error concerns.
    public var column: String?
    /// The constraint that was violated.
    public var constraint: String?
    /// The 1-based character offset into the statement where the server found the error.
    public var position: Int?
    /// The server's context lines (for example the PL/pgSQL call stack).
    public var context: String?

    /// Creates an error from its fields.
    public init(
        code: Code,
        message: String,
        detail: String? = nil,
        hint: String? = nil,
        schema: String? = nil,
        table: String? = nil,
        column: String? = nil,
        constraint: String? = nil,
        position: Int? = nil,
        context: String? = nil
    ) {
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.schema = schema
        self.table = table
        self.column = column
        self.constraint = constraint
        self.position = position
        self.context = context
    }

    /// Whether the connection failed or broke, as opposed to a statement failing.
    ///
    /// A connection that raised such an error is dropped by the pool.
    public var isConnectionFailure: Bool {
        code.class == "08" || code == .adminShutdown || code == .crashShutdown || code == .cannotConnectNow
    }
}

extension PostgresError: CustomStringConvertible {
    /// The SQLSTATE and primary message, never bound values or row data.
    public var description: String {
        "\(message) (SQLSTATE \(code.rawValue))"
    }
}

extension PostgresError: CustomDebugStringConvertible {
    /// Every field, including detail, which may contain row data.
    public var debugDescription: String {
        var parts = ["\(code.rawValue): \(message)"]
        if let detail { parts.append("detail: \(detail)") }
        if let hint { parts.append("hint: \(hint)") }
        if let schema { parts.append("schema: \(schema)") }
        if let table { parts.append("table: \(table)") }
        if let column { parts.append("column: \(column)") }
        if let constraint { parts.append("constraint: \(constraint)") }
        if let position { parts.append("position: \(position)") }
        if let context { parts.append("context: \(context)") }
        return parts.joined(separator: "; ")
    }
}

extension PostgresError {
    /// Reads the diagnostic fields of a failed result.
    init(result: OpaquePointer, connection: OpaquePointer?) {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let primary = field(CLibPQ_DIAG_MESSAGE_PRIMARY)
        let fallback = String(cString: PQresultErrorMessage(result)).trimmingWhitespace()
        self.init(
            code: field(CLibPQ_DIAG_SQLSTATE).map(Code.init(rawValue:)) ?? .connectionFailure,
            message: primary ?? (fallback.isEmpty ? connection.map(Self.connectionMessage) ?? "unknown error" : fallback),
            detail: field(CLibPQ_DIAG_MESSAGE_DETAIL),
            hint: field(CLibPQ_DIAG_MESSAGE_HINT),
            schema: field(CLibPQ_DIAG_SCHEMA_NAME),
            table: field(CLibPQ_DIAG_TABLE_NAME),
            column: field(CLibPQ_DIAG_COLUMN_NAME),
            constraint: field(CLibPQ_DIAG_CONSTRAINT_NAME),
            position: field(CLibPQ_DIAG_STATEMENT_POSITION).flatMap { Int($0) },
            context: field(CLibPQ_DIAG_CONTEXT)
        )
    }

    /// An error from the connection's own message, for failures with no result.
    static func connection(_ connection: OpaquePointer?, code: Code = .connectionFailure) -> PostgresError {
        PostgresError(code: code, message: connection.map(connectionMessage) ?? "out of memory")
    }

    /// libpq's last message for a connection, on one line.
    static func connectionMessage(_ connection: OpaquePointer) -> String {
        let text = String(cString: PQerrorMessage(connection))
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        return lines.isEmpty ? "connection failed" : lines.joined(separator: "; ")
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
