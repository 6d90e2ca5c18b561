/// Why an assessment was sent.
public enum AssessmentReason: String, Sendable, Hashable, Codable, CaseIterable {
    case onboarding, periodic, triggered
    /// The lighter questionnaire between full assessments of a tier that has check-ins (the critical tier's quarterly one).
    case checkIn = "check_in"
}

/// Where an assessment stands: sent → in progress → submitted → under review → completed, or expired or cancelled.
public enum AssessmentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case sent, inProgress = "in_progress", submitted, underReview = "under_review", completed, expired, cancelled

    /// Sent and not yet completed, expired or cancelled: a vendor has at most one.
    public var isOpen: Bool { [.sent, .inProgress, .submitted, .underReview].contains(self) }
    /// The supplier may still change answers.
    public var isEditable: Bool { self == .sent || self == .inProgress }
    /// Submitted and waiting for, or in, review.
    public var isInReview: Bool { self == .submitted || self == .underReview }

    /// What someone can do to an assessment, each allowed in some statuses only.
    public enum Action: Sendable, Hashable, CaseIterable {
        /// The supplier saves or submits answers, or adds a document.
        case answer
        /// A reviewer accepts or flags an answer.
        case review
        /// A reviewer sends it back to the supplier with a message.
        case requestChanges
        /// A reviewer completes the review.
        case complete
        /// An analyst cancels it.
        case cancel
        /// An analyst sends the supplier a new link.
        case relink
    }

    /// Whether `action` is allowed in this status.
    public func allows(_ action: Action) -> Bool {
        switch action {
        case .answer: isEditable
        case .review, .requestChanges, .complete: isInReview
        case .cancel, .relink: isOpen
        }
    }

    /// Why `action` is not allowed in this status, for the assessment named `name` (`#12`); nil when it is.
    public func problem(_ action: Action, name: String) -> String? {
        guard !allows(action) else { return nil }
        switch action {
        case .answer: return "\(name) is \(rawValue); answers and documents can no longer be changed"
        case .review: return "\(name) is \(rawValue); answers are reviewed once submitted"
        case .requestChanges: return "\(name) is \(rawValue); only a submitted assessment can be sent back"
        case .complete: return "\(name) is \(rawValue); only a submitted assessment can be completed"
        case .cancel: return "\(name) is \(rawValue) and cannot be cancelled"
        case .relink: return "\(name) is \(rawValue); only an open assessment gets a new link"
        }
    }
}
