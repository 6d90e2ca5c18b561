public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
public import Storage

/// How mail leaves tprm, from `TPRM_MAIL`.
public enum MailTransportSpec: Sendable, Equatable, CustomStringConvertible {
    /// `file:DIR`: each message an RFC 5322 `.eml` file in DIR (the default, `.tprm/mail`).
    case file(URL)
    /// `sendmail:COMMAND`: the message on the command's standard input, as `/usr/sbin/sendmail -t -i` takes it.
    case sendmail([String])
    /// `webhook:URL`: a JSON POST of the message.
    case webhook(URL)

    /// Parses `file:DIR`, `sendmail:COMMAND ARGS…` or `webhook:URL`.
    /// - Throws: ``OutreachError/configuration(_:)`` saying what is expected.
    public static func parse(_ text: String) throws -> MailTransportSpec {
        let expected = "expected file:DIR, sendmail:COMMAND (such as sendmail:/usr/sbin/sendmail -t -i) or webhook:URL"
        guard let colon = text.firstIndex(of: ":") else { throw OutreachError.configuration("TPRM_MAIL: \"\(text)\" is not a transport; \(expected)") }
        let kind = text[..<colon], rest = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        guard !rest.isEmpty else { throw OutreachError.configuration("TPRM_MAIL: \"\(text)\" names no \(kind == "file" ? "directory" : kind == "webhook" ? "URL" : "command"); \(expected)") }
        switch kind {
        case "file":
            return .file(URL(fileURLWithPath: rest))
        case "sendmail":
            let words = rest.split(separator: " ").map(String.init)
            guard words[0].hasPrefix("/") else { throw OutreachError.configuration("TPRM_MAIL: give the command's full path, such as sendmail:/usr/sbin/sendmail -t -i") }
            return .sendmail(words)
        case "webhook":
            guard let url = URL(string: rest), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw OutreachError.configuration("TPRM_MAIL: \"\(rest)\" is not an http or https URL")
            }
            return .webhook(url)
        default:
            throw OutreachError.configuration("TPRM_MAIL: unknown transport \"\(kind)\"; \(expected)")
        }
    }

    public var description: String {
        switch self {
        case .file(let directory): "file:\(directory.path)"
        case .sendmail(let command): "sendmail:\(command.joined(separator: " "))"
        case .webhook(let url): "webhook:\(url.absoluteString)"
        }
    }

    /// The transport this spec describes.
    public func transport(from: String) -> any MailTransport {
        switch self {
        case .file(let directory): FileTransport(directory: directory, from: from)
        case .sendmail(let command): SendmailTransport(command: command, from: from)
        case .webhook(let url): WebhookTransport(url: url, from: from)
        }
    }
}

/// Delivers one message, or throws with a reason kept as the message's last error.
public protocol MailTransport: Sendable {
    func deliver(_ message: OutboxMessage) throws
}

/// Writes `<id>-<kind>.eml` files; written whole under a temporary name, then renamed, so a reader never
/// sees half a message, and a second delivery of one message replaces its file rather than adding one.
public struct FileTransport: MailTransport {
    public let directory: URL
    let from: String

    public init(directory: URL, from: String) {
        self.directory = directory
        self.from = from
    }

    public func deliver(_ message: OutboxMessage) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = String(format: "%08d-%@.eml", message.id, message.message.kind.rawValue)
        let temporary = directory.appendingPathComponent(".\(name).\(UUID().uuidString)")
        try Data(MailFormat.eml(message, from: from).utf8).write(to: temporary)
        guard rename(temporary.path, directory.appendingPathComponent(name).path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw OutreachError.refused("cannot write \(name) in \(directory.path): \(reason)")
        }
    }
}

/// Pipes the message to a sendmail-compatible command (msmtp, postfix, exim all provide one).
public struct SendmailTransport: MailTransport {
    public let command: [String]
    let from: String
    /// How long the command may take before it is killed and the attempt counted failed.
    public var timeout: Duration = .seconds(60)

    public init(command: [String], from: String) {
        self.command = command
        self.from = from
    }

    public func deliver(_ message: OutboxMessage) throws {
        let result = try ChildProcess.run(command, input: Data(MailFormat.eml(message, from: from).utf8), timeout: timeout)
        guard result.status == 0 else {
            let detail = result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            throw OutreachError.refused("\(command[0]) exited with status \(result.status)\(detail.isEmpty ? "" : ": \(detail.prefix(500))")")
        }
    }
}

/// POSTs `{"id", "kind", "from", "to", "subject", "text", "html"}` as JSON; any 2xx is a delivery.
/// The `Idempotency-Key` header is the same on every attempt of one message.
public struct WebhookTransport: MailTransport {
    public let url: URL
    let from: String
    public var timeout: TimeInterval = 30

    public init(url: URL, from: String) {
        self.url = url
        self.from = from
    }

    struct Body: Encodable {
        let id: Int, kind: String, from: String, to: [String], subject: String, text: String, html: String
    }

    public func deliver(_ message: OutboxMessage) throws {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("tprm-outbox-\(message.id)", forHTTPHeaderField: "Idempotency-Key")
        request.httpBody = try JSONEncoder().encode(Body(
            id: message.id, kind: message.message.kind.rawValue, from: from, to: message.message.recipients,
            subject: message.message.subject, text: message.message.text, html: message.message.html))
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, response, error in
            outcome.set(status: (response as? HTTPURLResponse)?.statusCode, error: error.map { "\($0.localizedDescription)" })
            done.signal()
        }.resume()
        done.wait()
        let (status, error) = outcome.get()
        if let error { throw OutreachError.refused("POST \(url.absoluteString) failed: \(error)") }
        guard let status, (200..<300).contains(status) else {
            throw OutreachError.refused("POST \(url.absoluteString) answered \(status.map(String.init) ?? "nothing")")
        }
    }

    /// `@unchecked Sendable`: `status` and `error` are read and written only under `lock`.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var status: Int?
        private var error: String?
        func set(status: Int?, error: String?) { lock.withLock { self.status = status; self.error = error } }
        func get() -> (Int?, String?) { lock.withLock { (status, error) } }
    }
}
