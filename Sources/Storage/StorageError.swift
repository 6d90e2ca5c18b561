import Postgres

/// A write the registry refused, in words for the person who tried it.
///
/// Constraint violations never reach a user as a raw SQLSTATE: each known
/// constraint maps to the field it guards and what it wants.
public enum StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Something with that key exists already.
    case duplicate(String)
    /// Nothing with that key exists.
    case notFound(String)
    /// A field's value is not acceptable.
    case invalid(field: String, reason: String)
    /// The thing is in a state that does not allow this (an assessment already completed, say); the request may be
    /// right another time.
    case conflict(field: String, reason: String)

    /// PostgreSQL cannot take a value it was given (a NUL character, a number out of range: SQLSTATE class 22).
    case unacceptable(String)
    /// The database cannot be reached: down, restarting, or the connection broke. The same request may work shortly.
    case unavailable(String)
    /// Every connection stayed in use for the whole wait.
    case busy(String)
    /// The database refused for a reason none of the others name; the message is PostgreSQL's code and words.
    case failed(String)

    /// The message, naming the thing and the reason.
    public var description: String {
        switch self {
        case .duplicate(let message), .notFound(let message), .unacceptable(let message), .unavailable(let message), .busy(let message),
             .failed(let message):
            message
        case .invalid(let field, let reason), .conflict(let field, let reason): "\(field): \(reason)"
        }
    }

    /// Whether the request itself was wrong (as opposed to the database being down, busy or failing).
    public var isUsageError: Bool {
        switch self {
        case .duplicate, .notFound, .invalid, .conflict: true
        case .unacceptable, .unavailable, .busy, .failed: false
        }
    }

    /// The error as it leaves Storage: a ``PostgresError`` or a pool error becomes a `StorageError` (a known
    /// constraint as the field it guards, naming `subject`); anything else, a `StorageError` among them, is unchanged.
    static func translating(_ error: any Error, subject: String?) -> any Error {
        switch error {
        case let error as PostgresError:
            if let constraint = error.constraint {
                if let message = messages[constraint] { return message(subject ?? "it") }
                switch error.code {
                case .uniqueViolation: return StorageError.duplicate("\(subject ?? "the record") already exists (\(constraint))")
                case .foreignKeyViolation: return StorageError.notFound("\(subject ?? "the record") refers to something that does not exist (\(constraint))")
                case .checkViolation, .notNullViolation: return StorageError.invalid(field: constraint, reason: "not accepted (\(error.message))")
                default: break
                }
            }
            if error.code.class == "22" { return StorageError.unacceptable(error.message) }
            if error.isConnectionFailure { return StorageError.unavailable(error.description) }
            return StorageError.failed(error.description)
        case let error as PostgresPoolError:
            return StorageError.busy(error.description)
        default:
            return error
        }
    }

    private static let messages: [String: @Sendable (String) -> StorageError] = [
        "assessments_one_open": { .duplicate("\($0) has an open assessment, sent a moment ago; send with --force to replace it") },
        "api_tokens_name_key": { .duplicate("a token named \($0) exists") },
        "users_email_key": { .duplicate("a user with email \($0) exists") },
        "users_email_format": { _ in .invalid(field: "email", reason: "is not an email address") },
        "users_name_present": { _ in .invalid(field: "name", reason: "must be 1 to 200 characters") },
        "api_tokens_name_format": { _ in .invalid(field: "name", reason: "use lower-case letters, digits and single hyphens, at most 64") },
        "vendors_slug_key": { .duplicate("a vendor with slug \($0) exists") },
        "vendors_slug_format": { _ in .invalid(field: "slug", reason: "use lower-case letters, digits and single hyphens, at most 64") },
        "vendors_name_present": { _ in .invalid(field: "name", reason: "must be 1 to 200 characters") },
        "vendors_business_owner_present": { _ in .invalid(field: "business owner", reason: "must not be empty") },
        "vendors_contact_email_format": { _ in .invalid(field: "contact email", reason: "is not an email address") },
        "contracts_vendor_reference_key": { .duplicate("vendor \($0) already has a contract with that reference") },
        "contracts_dates_ordered": { _ in .invalid(field: "expires", reason: "must be after the effective date") },
        "contracts_value_has_currency": { _ in .invalid(field: "currency", reason: "give both a value and its currency, or neither") },
        "contracts_currency_format": { _ in .invalid(field: "currency", reason: "must be a three-letter ISO 4217 code such as EUR") },
        "contracts_renewal_notice_days_range": { _ in .invalid(field: "renewal notice", reason: "must be 0 to 3650 days") },
        "contracts_annual_value_positive": { _ in .invalid(field: "value", reason: "must not be negative") },
        "certifications_dates_ordered": { _ in .invalid(field: "issued", reason: "must be before the expiry date") },
        "certifications_issuer_present": { _ in .invalid(field: "issuer", reason: "must not be empty") },
        "incidents_detected_after_occurred": { _ in .invalid(field: "detected", reason: "cannot be before the incident occurred") },
        "incidents_notified_after_occurred": { _ in .invalid(field: "notified", reason: "cannot be before the incident occurred") },
        "incidents_resolution_when_resolved": { _ in .invalid(field: "status", reason: "a resolved or closed incident needs its resolution time, an open one none") },
        "incidents_resolved_after_occurred": { _ in .invalid(field: "resolved", reason: "cannot be before the incident occurred") },
        "incidents_title_present": { _ in .invalid(field: "title", reason: "must be 1 to 300 characters") },
        "incidents_aware_after_occurred": { _ in .invalid(field: "aware", reason: "cannot be before the incident occurred") },
        "vendors_prohibited_not_active": { _ in
            .invalid(field: "status", reason: "a vendor whose use is prohibited by the EU AI Act (Art. 5) cannot be active")
        },
    ]
}
