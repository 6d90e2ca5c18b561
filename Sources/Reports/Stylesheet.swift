import Crypto
public import Foundation

/// tprm's one stylesheet (`Resources/tprm.css`), for every page it shows: the supplier portal, the workspace and
/// the committee pack. The pages link it; the pack, a file that must stand alone, carries it inline, and the
/// server lets that copy apply by its hash (``policySource``) rather than by allowing inline styles.
public enum Stylesheet {
    /// The stylesheet is missing: the module's resource bundle was not installed beside the executable.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    private static let loaded: Result<String, Missing> = {
        guard let url = Bundle.module.url(forResource: "tprm", withExtension: "css"), let text = try? String(contentsOf: url, encoding: .utf8) else {
            return .failure(Missing(description: "the stylesheet tprm.css cannot be read: copy tprm_Reports.resources beside the tprm executable"))
        }
        return .success(text)
    }()

    /// The stylesheet's text, read once.
    ///
    /// - Throws: ``Missing`` when the resource bundle is not where the executable looks for it.
    public static func text() throws(Missing) -> String { try loaded.get() }

    /// The Content-Security-Policy source (`'sha256-…'`) that lets an inline copy of the stylesheet apply and no
    /// other inline style.
    public static func policySource() throws(Missing) -> String {
        "'sha256-\(Data(SHA256.hash(data: Data(try text().utf8))).base64EncodedString())'"
    }
}
