public import Foundation

/// Something that went wrong at or with a vendor's AI.
public struct Incident: Sendable, Hashable, Codable {
    /// The database's identifier.
    public var id: Int
    /// The vendor's slug.
    public var vendor: String
    /// A short title.
    public var title: String
    /// What kind of incident.
    public var category: Category
    /// How bad.
    public var severity: Severity
    /// When it happened.
    public var occurredAt: Date
    /// When anyone noticed.
    public var detectedAt: Date
    /// When the vendor itself became aware, where recorded: its notice period runs from then.
    public var vendorAwareAt: Date?
    /// When the vendor told us, if it has.
    public var vendorNotifiedAt: Date?
    /// Where handling stands.
    public var status: Status
    /// What was done, once resolved.
    public var resolution: String?
    /// When it was resolved.
    public var resolvedAt: Date?

    /// Creates an incident record.
    public init(
        id: Int, vendor: String, title: String, category: Category, severity: Severity, occurredAt: Date, detectedAt: Date,
        vendorAwareAt: Date? = nil, vendorNotifiedAt: Date?, status: Status, resolution: String?, resolvedAt: Date?
    ) {
        self.id = id
        self.vendor = vendor
        self.title = title
        self.category = category
        self.severity = severity
        self.occurredAt = occurredAt
        self.detectedAt = detectedAt
        self.vendorAwareAt = vendorAwareAt
        self.vendorNotifiedAt = vendorNotifiedAt
        self.status = status
        self.resolution = resolution
        self.resolvedAt = resolvedAt
    }

    /// Whether it is still being handled.
    public var isOpen: Bool { status == .open || status == .investigating }

    /// When the vendor's notice period starts: when it became aware, where recorded, else when the incident was detected.
    public var noticeClockStart: Date { vendorAwareAt ?? detectedAt }

    /// Hours from the start of the notice period to the vendor's notice, if it gave one.
    public var noticeHours: Double? {
        vendorNotifiedAt.map { max(0, $0.timeIntervalSince(noticeClockStart)) / 3600 }
    }

    /// Whether the vendor's notice came later than `slaHours` after its notice period started (or has not come and
    /// is overdue by `now`).
    public func isNoticeLate(slaHours: Int, now: Date) -> Bool {
        let deadline = noticeClockStart.addingTimeInterval(Double(slaHours) * 3600)
        return (vendorNotifiedAt ?? now) > deadline
    }

    /// Kinds of incident, the AI-specific ones included.
    public enum Category: String, Sendable, Hashable, Codable, CaseIterable {
        case securityBreach = "security_breach"
        case dataLeakageViaModel = "data_leakage_via_model"
        case harmfulOutput = "harmful_output"
        case modelDrift = "model_drift"
        case bias
        case undisclosedModelChange = "undisclosed_model_change"
        case hallucination
        case privacyViolation = "privacy_violation"
        case ipInfringement = "ip_infringement"
        case outage
        case other
    }

    /// How bad an incident is.
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable {
        case low, medium, high, critical
    }

    /// Where handling stands.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case open, investigating, resolved, closed
    }
}
