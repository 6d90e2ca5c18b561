public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes JSON straight into bytes, for the hot paths where `JSONEncoder` showed at the top of profiles
/// (the rescoring pipeline, the vendor API).
///
/// The caller writes keys in sorted order and leaves out absent optionals, so the output is byte for byte
/// what `JSONEncoder` with `.sortedKeys` and `.iso8601` dates writes; tests hold the two together.
///
/// The structural methods are inlinable: the pipeline writes tens of values per vendor from another module, and
/// inlined there, the closures of `object`, `array` and `list` cost nothing.
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    @inlinable public var bytes: [UInt8] { storage }
    @usableFromInline var storage: [UInt8] = []
    /// Whether the next value in the current object or array needs a comma first.
    @usableFromInline var needsComma = false

    @inlinable public init(capacity: Int = 512) { storage.reserveCapacity(capacity) }

    public var string: String { String(decoding: storage, as: UTF8.self) }

    /// Empties the writer, keeping its capacity, to write the next document.
    public mutating func reset() {
        storage.removeAll(keepingCapacity: true)
        needsComma = false
    }

    @inlinable public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        storage.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        storage.append(UInt8(ascii: "}"))
        needsComma = true
    }

    @inlinable public mutating func array<Element>(_ elements: some Sequence<Element>, _ body: (inout JSONWriter, Element) -> Void) {
        separate()
        storage.append(UInt8(ascii: "["))
        needsComma = false
        for element in elements { body(&self, element) }
        storage.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// An array whose elements `body` writes.
    @inlinable public mutating func list(_ body: (inout JSONWriter) -> Void) {
        separate()
        storage.append(UInt8(ascii: "["))
        needsComma = false
        body(&self)
        storage.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"key":`; the value follows.
    @inlinable public mutating func key(_ key: StaticString) {
        separate()
        storage.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { storage.append(contentsOf: $0) }
        storage.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    /// A string value known to need no escaping: a code such as `"ok"`.
    @inlinable public mutating func code(_ text: StaticString) {
        separate()
        storage.append(UInt8(ascii: "\""))
        text.withUTF8Buffer { storage.append(contentsOf: $0) }
        storage.append(UInt8(ascii: "\""))
        needsComma = true
    }

    @inlinable public mutating func value(_ text: String) {
        separate()
        Self.appendQuoted(text, to: &storage)
        needsComma = true
    }

    @inlinable public mutating func value(_ number: Int) {
        separate()
        Self.appendDigits(number, to: &storage)
        needsComma = true
    }

    /// Appends an integer's decimal digits, without making a `String` of it.
    @usableFromInline static func appendDigits(_ number: Int, to out: inout [UInt8]) {
        if number < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        guard magnitude >= 10 else {
            out.append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// A number written as given (the caller passes a valid JSON number, such as a `Decimal`'s description).
    public mutating func number(_ literal: String) {
        separate()
        storage.append(contentsOf: literal.utf8)
        needsComma = true
    }

    @inlinable public mutating func null() {
        separate()
        storage.append(contentsOf: "null".utf8)
        needsComma = true
    }

    public mutating func value(_ strings: [String]) {
        array(strings) { $0.value($1) }
    }

    /// A date as ISO 8601 in UTC to the second, as `JSONEncoder`'s `.iso8601` strategy writes it.
    public mutating func value(_ date: Date) {
        separate()
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = Int(parts.tm_year) + 1900
        let text = "\(year < 1000 ? String(repeating: "0", count: 4 - String(year).count) : "")\(year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
        storage.append(UInt8(ascii: "\""))
        storage.append(contentsOf: text.utf8)
        storage.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A key and a string value, left out when `text` is nil (as synthesized `Codable` does).
    public mutating func field(_ key: StaticString, _ text: String?) {
        guard let text else { return }
        self.key(key)
        value(text)
    }

    @inlinable mutating func separate() {
        if needsComma { storage.append(UInt8(ascii: ",")) }
        needsComma = false
    }

    /// Appends a JSON string literal, copying the runs between characters that need escaping.
    ///
    /// Escapes what `JSONEncoder` escapes: quote, backslash, control characters and `/` (as `\/`).
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Native strings lend their bytes in place; others (bridged, say) are made contiguous first.
        if text.utf8.withContiguousStorageIfAvailable({ appendEscaped($0, to: &out) }) == nil {
            var text = text
            text.withUTF8 { appendEscaped($0, to: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            let escape: [UInt8]
            switch byte {
            case UInt8(ascii: "\""): escape = Array("\\\"".utf8)
            case UInt8(ascii: "\\"): escape = Array("\\\\".utf8)
            case UInt8(ascii: "/"): escape = Array("\\/".utf8)
            case UInt8(ascii: "\n"): escape = Array("\\n".utf8)
            case UInt8(ascii: "\r"): escape = Array("\\r".utf8)
            case UInt8(ascii: "\t"): escape = Array("\\t".utf8)
            case 0x08: escape = Array("\\b".utf8)
            case 0x0C: escape = Array("\\f".utf8)
            case 0..<0x20: escape = Array("\\u00".utf8) + [hex(byte >> 4), hex(byte & 0xf)]
            default: continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            out.append(contentsOf: escape)
            runStart = index + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    private static func hex(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

extension Vendor {
    /// Writes the vendor as `Codable` would, keys sorted.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.key("businessOwner"); json.value(businessOwner)
            json.field("contactEmail", contactEmail)
            json.key("createdAt"); json.value(createdAt)
            json.key("foundationModels"); json.value(foundationModels)
            json.key("id"); json.value(id)
            json.key("name"); json.value(name)
            json.key("profile")
            json.object { json in
                json.key("aiActClass"); json.value(profile.aiActClass.rawValue)
                json.key("autonomy"); json.value(profile.autonomy.rawValue)
                json.key("businessCriticality"); json.value(profile.businessCriticality.rawValue)
                json.key("dataCategories"); json.value(profile.dataCategories.map(\.rawValue).sorted())
                json.key("decisionImpact"); json.value(profile.decisionImpact.rawValue)
                json.key("description"); json.value(profile.description)
                json.key("hostingRegions"); json.value(profile.hostingRegions)
                json.key("offering"); json.value(profile.offering.rawValue)
            }
            json.key("slug"); json.value(slug)
            json.key("status"); json.value(status.rawValue)
            json.key("subProcessors"); json.value(subProcessors)
            json.key("tier"); json.value(tier.rawValue)
            json.key("updatedAt"); json.value(updatedAt)
        }
    }
}

extension TierAssessment {
    /// Writes the assessment as `Codable` would, keys sorted.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.key("reasons")
            json.array(reasons) { json, reason in
                json.object { json in
                    json.key("fact"); json.value(reason.fact)
                    json.key("kind"); json.value(reason.kind.rawValue)
                    json.key("tier"); json.value(reason.tier.rawValue)
                }
            }
            json.key("tier"); json.value(tier.rawValue)
        }
    }
}
