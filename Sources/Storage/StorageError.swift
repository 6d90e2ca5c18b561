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

    /// The message, naming the thing and the reason.
    public var description: String {
        switch self {
        case .duplicate(let message), .notFound(let message): message
        case .invalid(let field, let reason), .conflict(let field, let reason): "\(field): \(reason)"
        }
    }

    /// The domain error for a constraint violation, or the error unchanged.
    static func mapping(_ error: any Error, subject: String) -> any Error {
        guard let error = error as? PostgresError, let constraint = error.constraint else { return error }
        if let message = messages[constraint] { return message(subject) }
        switch error.code {
        case .uniqueViolation: return StorageError.duplicate("\(subject) already exists (\(constraint))")
        case .foreignKeyViolation: return StorageError.notFound("\(subject) refers to something that does not exist (\(constraint))")
        case .checkViolation, .notNullViolation: return StorageError.invalid(field: constraint, reason: "not accepted (\(error.message))")
        default: return error
        }
    }

    private static let messages: [String: @Sendable (String) -> StorageError] = [
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
