public import Foundation

/// Where links point, who mail comes from, and how it is delivered.
public struct OutreachConfiguration: Sendable {
    /// The address suppliers reach `tprm serve` at, such as https://tprm.example.com (`TPRM_PUBLIC_URL`).
    public var publicURL: String
    /// How mail leaves: `file:DIR`, `sendmail:COMMAND` or `webhook:URL` (`TPRM_MAIL`).
    public var transport: MailTransportSpec
    /// The sender of every email, and whom suppliers may write to (`TPRM_MAIL_FROM`).
    public var from: String
    /// The TPRM team's mailbox, copied on escalations (`TPRM_MAILBOX`; the sender when unset).
    public var mailbox: String
    /// How long a link stays usable after the due date.
    public var grace: TimeInterval
    /// Attempts before a message is left dead, and the delay before the first retry (doubling each time).
    public var maxAttempts: Int
    public var backoff: Duration

    public init(
        publicURL: String = "http://127.0.0.1:8080", transport: MailTransportSpec = .file(URL(fileURLWithPath: ".tprm/mail")),
        from: String = "tprm@localhost", mailbox: String? = nil, grace: TimeInterval = 14 * 86_400, maxAttempts: Int = 6, backoff: Duration = .seconds(30)
    ) {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.transport = transport
        self.from = from
        self.mailbox = mailbox ?? from
        self.grace = grace
        self.maxAttempts = maxAttempts
        self.backoff = backoff
    }

    /// Reads `TPRM_PUBLIC_URL`, `TPRM_MAIL`, `TPRM_MAIL_FROM` and `TPRM_MAILBOX` from `environment`.
    ///
    /// - Throws: ``OutreachError/configuration(_:)`` naming the variable that is wrong.
    public static func from(environment: [String: String]) throws -> OutreachConfiguration {
        let publicURL = environment["TPRM_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://127.0.0.1:8080"
        guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw OutreachError.configuration("TPRM_PUBLIC_URL: \"\(publicURL)\" is not an http or https address, such as https://tprm.example.com")
        }
        let transport = try MailTransportSpec.parse(environment["TPRM_MAIL"].flatMap { $0.isEmpty ? nil : $0 } ?? "file:.tprm/mail")
        let from = environment["TPRM_MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "tprm@localhost"
        guard MailFormat.isAddress(from) else { throw OutreachError.configuration("TPRM_MAIL_FROM: \"\(from)\" is not an email address") }
        let mailbox = environment["TPRM_MAILBOX"].flatMap { $0.isEmpty ? nil : $0 }
        if let mailbox, !MailFormat.isAddress(mailbox) { throw OutreachError.configuration("TPRM_MAILBOX: \"\(mailbox)\" is not an email address") }
        return OutreachConfiguration(publicURL: publicURL, transport: transport, from: from, mailbox: mailbox)
    }

    /// The portal link of a token.
    public func link(_ token: String) -> String { "\(publicURL)/portal/\(token)" }
}

/// Why outreach could not do what was asked.
public enum OutreachError: Error, CustomStringConvertible, Equatable {
    /// A setting is wrong; the message names it.
    case configuration(String)
    /// The request cannot be met; the message says why.
    case refused(String)
    /// The request cannot be met while the thing is as it is (a vendor without a contact address); the message
    /// says what to change.
    case conflict(String)

    public var description: String {
        switch self {
        case .configuration(let message), .refused(let message), .conflict(let message): message
        }
    }
}
