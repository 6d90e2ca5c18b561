import HTTPTypes
import Hummingbird
import Mustache

/// What every HTML page of tprm is answered with: its type and a Content-Security-Policy that lets nothing run
/// and nothing load from elsewhere (the pages need no script; the stylesheet and icon are tprm's own).
enum HTMLPage {
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func response(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: contentSecurityPolicy],
                 body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A page of one title and one sentence (`account-message`), for the pages of people's accounts.
    static func message(_ pages: MustacheLibrary, _ status: HTTPResponse.Status, title: String, text: String) -> Response {
        response(status, pages.render(["title": title, "text": text], withTemplate: "account-message") ?? "")
    }
}
