public import Foundation
public import Storage
import SupplierRisk

/// Writes an outbox message as an RFC 5322 email: multipart/alternative with a plain-text and an HTML part,
/// quoted-printable UTF-8, non-ASCII subjects encoded by RFC 2047.
public enum MailFormat {
    /// Whether `text` is a plain address, `local@domain`, with nothing a header could be tricked with.
    /// The rule is the registry's (`VendorRules.isEmailAddress`); a mailbox on `localhost` is accepted too, for a
    /// relay on the same machine.
    public static func isAddress(_ text: String) -> Bool {
        if text.hasSuffix("@localhost") { return VendorRules.isEmailAddress(text + ".localdomain") }
        return VendorRules.isEmailAddress(text)
    }

    /// The message as an .eml file's bytes, with CRLF line ends.
    public static func eml(_ stored: OutboxMessage, from: String, date: Date = Date(), domain: String = "tprm.local") -> String {
        let message = stored.message
        let boundary = "tprm-\(stored.id)-\(String(stored.message.dedupeKey.hashValue.magnitude, radix: 36))"
        var lines = [
            "From: \(from)",
            "To: \(message.recipients.joined(separator: ", "))",
            "Subject: \(encodedHeader(message.subject))",
            "Date: \(rfc5322Date(date))",
            "Message-ID: <outbox-\(stored.id)@\(domain)>",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            "X-Tprm-Kind: \(message.kind.rawValue)",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            quotedPrintable(message.text),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            quotedPrintable(message.html),
            "--\(boundary)--",
            "",
        ]
        lines = lines.map { $0.replacingOccurrences(of: "\r\n", with: "\n") }
        return lines.joined(separator: "\n").replacingOccurrences(of: "\n", with: "\r\n")
    }

    /// A header value, RFC 2047-encoded (base64 UTF-8) when it is not plain ASCII.
    static func encodedHeader(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard flat.unicodeScalars.contains(where: { !$0.isASCII }) else { return flat }
        return "=?UTF-8?B?\(Data(flat.utf8).base64EncodedString())?="
    }

    /// Quoted-printable (RFC 2045): lines of at most 76 characters, soft breaks with `=`.
    public static func quotedPrintable(_ text: String) -> String {
        var output: [String] = []
        for line in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast)
                let piece = literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
                if current.count + piece.count > 75 {
                    output.append(current + "=")
                    current = ""
                }
                current += piece
            }
            output.append(current)
        }
        return output.joined(separator: "\n")
    }

    /// Decodes quoted-printable text (for tests and tools reading .eml files).
    public static func decodeQuotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "").utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "="), index + 2 < source.count,
               let value = UInt8(String(decoding: source[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
