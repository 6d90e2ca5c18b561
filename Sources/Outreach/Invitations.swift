public import Foundation
public import Storage
public import SupplierRisk

/// Sends questionnaires: chooses the template, makes the private link, writes the invitation.
public struct Invitations: Sendable {
    let database: Database
    let catalog: Catalog
    let configuration: OutreachConfiguration
    let messages: Messages

    public init(database: Database, catalog: Catalog, configuration: OutreachConfiguration) {
        self.database = database
        self.catalog = catalog
        self.configuration = configuration
        messages = Messages(configuration: configuration)
    }

    /// A sent assessment and its private link, which is shown this once, with the invitation written to the outbox.
    public struct Sent: Sendable {
        public let assessment: AssessmentSummary
        public let link: String
        /// The invitation as it was written to the outbox.
        public var message: OutgoingMessage? = nil
    }

    /// Sends `vendor` a questionnaire: the template for its tier unless `template` is given, due in `dueDays`.
    ///
    /// - Parameter recipient: the address to send to; the vendor's contact email when nil.
    /// - Throws: ``OutreachError/refused(_:)`` for an unknown template, ``OutreachError/conflict(_:)`` for a vendor
    ///   without a contact address;
    ///   ``StorageError`` when the vendor is unknown or has an open assessment (without `force`).
    public func send(
        vendor slug: String, template: String? = nil, dueDays: Int = 30, reason: AssessmentReason = .onboarding, trigger: String? = nil,
        recipient: String? = nil, force: Bool = false, actor: String, now: Date = Date()
    ) throws -> Sent {
        guard (1...365).contains(dueDays) else { throw OutreachError.refused("--due: give 1 to 365 days, not \(dueDays)") }
        let vendor = try VendorStore(database: database, tiering: catalog.scoring.tiering).vendor(slug)
        let questionnaire: Questionnaire
        if let template {
            guard let chosen = catalog.questionnaire(template) else {
                throw OutreachError.refused("no questionnaire \"\(template)\" (expected \(catalog.questionnaires.map(\.key).joined(separator: ", ")))")
            }
            questionnaire = chosen
        } else {
            guard let chosen = catalog.questionnaire(for: vendor.tier) else {
                throw OutreachError.refused("no questionnaire of the catalog is for the \(vendor.tier.rawValue) tier; give --template")
            }
            questionnaire = chosen
        }
        guard let address = recipient ?? vendor.contactEmail else {
            throw OutreachError.conflict("\(slug) has no contact email; set one with tprm vendor update \(slug) --email ADDRESS, or give --to")
        }
        guard MailFormat.isAddress(address) else { throw OutreachError.refused("--to: \"\(address)\" is not an email address") }
        let token = PortalSecret.generate()
        let due = now.addingTimeInterval(Double(dueDays) * 86_400)
        let link = configuration.link(token)
        let new = NewAssessment(
            vendor: slug, questionnaire: questionnaire, reason: reason, triggerReason: trigger, sentAt: now, dueAt: due,
            linkExpiresAt: due.addingTimeInterval(configuration.grace), tokenHash: PortalSecret.hash(token), recipient: address,
            force: force, actor: actor)
        var invitation: OutgoingMessage?
        let summary = try AssessmentOutreachStore(database: database).send(new) { id in
            let message = messages.invitation(new.summary(id: id, vendorName: vendor.name), link: link, questions: questionnaire.questions.count)
            invitation = message
            return message
        }
        return Sent(assessment: summary, link: link, message: invitation)
    }

    /// Revokes an open assessment's links and sends a new one.
    public func relink(_ assessment: Int, actor: String, now: Date = Date()) throws -> Sent {
        let token = PortalSecret.generate()
        let link = configuration.link(token)
        let store = AssessmentOutreachStore(database: database)
        let current = try store.detail(assessment)
        let expiry = max(current.summary.dueAt, now.addingTimeInterval(7 * 86_400)).addingTimeInterval(configuration.grace)
        var invitation: OutgoingMessage?
        let summary = try store.relink(assessment, tokenHash: PortalSecret.hash(token), expiresAt: expiry, actor: actor) { summary in
            let message = messages.invitation(summary, link: link, questions: current.questionnaire.questions.count)
            invitation = message
            return message
        }
        return Sent(assessment: summary, link: link, message: invitation)
    }

    /// Sends a submitted assessment back to the supplier with the reviewer's note, by email.
    public func requestChanges(_ assessment: Int, note: String, actor: String) throws -> AssessmentSummary {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else { throw OutreachError.refused("say what should change: the note is sent to the supplier") }
        return try AssessmentOutreachStore(database: database).requestChanges(assessment, note: note, actor: actor) { summary in
            messages.changesRequested(summary, note: note)
        }
    }
}
