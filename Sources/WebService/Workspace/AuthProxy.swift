import Foundation
public import HTTPTypes

/// Single sign-on behind a reverse proxy (oauth2-proxy and the like): a request from one of `trusted` carrying the
/// `header` (such as `X-Forwarded-Email`) is signed in as the enabled account with that email. The header from any
/// other address is ignored, since anyone can send it.
public struct AuthProxy: Sendable {
    public let header: HTTPField.Name
    public let trusted: [CIDR]

    /// Reads `TPRM_AUTH_PROXY_HEADER` and `TPRM_TRUSTED_PROXIES` (comma-separated CIDRs); nil without a header.
    /// - Throws: ``Problem`` naming the variable and the value that is wrong.
    public init?(environment: [String: String]) throws(Problem) {
        guard let name = environment["TPRM_AUTH_PROXY_HEADER"]?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return nil }
        guard let header = HTTPField.Name(name) else { throw Problem(description: "TPRM_AUTH_PROXY_HEADER: \"\(name)\" is not a header name") }
        let list = (environment["TPRM_TRUSTED_PROXIES"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !list.isEmpty else {
            throw Problem(description: "TPRM_TRUSTED_PROXIES must name the proxy's addresses (CIDRs such as 127.0.0.1/32) when TPRM_AUTH_PROXY_HEADER is set")
        }
        var trusted: [CIDR] = []
        for text in list {
            guard let cidr = CIDR(text) else {
                throw Problem(description: "TPRM_TRUSTED_PROXIES: \"\(text)\" is not an address or CIDR (10.0.0.0/8, 127.0.0.1, ::1/128)")
            }
            trusted.append(cidr)
        }
        self.init(header: header, trusted: trusted)
    }

    public init(header: HTTPField.Name, trusted: [CIDR]) {
        self.header = header
        self.trusted = trusted
    }

    /// Whether a peer address (as text) is one of the trusted proxies.
    func trusts(_ address: String) -> Bool {
        guard let bytes = CIDR.bytes(address) else { return false }
        return trusted.contains { $0.contains(bytes) }
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }
}

/// An IPv4 or IPv6 network: an address and a prefix length (an address alone is the whole of it).
public struct CIDR: Sendable, Hashable {
    let network: [UInt8]
    let prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let bytes = Self.bytes(parts[0]) else { return nil }
        let bits = bytes.count * 8
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...bits).contains(prefix), parts[1].allSatisfy(\.isNumber) else { return nil }
            self.prefix = prefix
        } else {
            self.prefix = bits
        }
        network = bytes
    }

    /// The bytes of an IPv4 (4) or IPv6 (16) address; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is read as IPv4.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return Array(bytes[12...]) }
        return bytes
    }

    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == network.count else { return false }
        var left = prefix
        for (a, n) in zip(address, network) where left > 0 {
            let bits = min(left, 8)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if a & mask != n & mask { return false }
            left -= bits
        }
        return true
    }
}
