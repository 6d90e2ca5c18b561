import Foundation

/// A multipart/form-data body (RFC 7578), parsed whole: the portal's upload form.
struct MultipartForm {
    struct Part {
        let name: String
        let filename: String?
        let contentType: String?
        let data: ArraySlice<UInt8>
    }

    let parts: [Part]

    enum Problem: Error, Equatable {
        case notMultipart
        case malformed(String)
    }

    /// The boundary of a `multipart/form-data; boundary=…` content type.
    static func boundary(of contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
                return (1...70).contains(value.count) ? value : nil
            }
        }
        return nil
    }

    init(body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        guard var position = Self.find(delimiter, in: body, from: 0) else { throw Problem.malformed("no part starts with the boundary") }
        while true {
            position += delimiter.count
            if body[position...].starts(with: Array("--".utf8)) { break }
            guard body[position...].starts(with: [13, 10]) else { throw Problem.malformed("a boundary is not followed by a line end") }
            position += 2
            guard let headerEnd = Self.find([13, 10, 13, 10], in: body, from: position) else { throw Problem.malformed("a part's headers do not end") }
            let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = Self.find([13, 10] + delimiter, in: body, from: contentStart) else { throw Problem.malformed("a part does not end with the boundary") }
            var name: String?, filename: String?, contentType: String?
            for line in headers.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = Self.parameter("name", in: line)
                    filename = Self.parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { throw Problem.malformed("a part has no name") }
            parts.append(Part(name: name, filename: filename, contentType: contentType, data: body[contentStart..<next]))
            position = next + 2
        }
        self.parts = parts
    }

    func value(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }.map { String(decoding: $0.data, as: UTF8.self) }
    }

    func file(_ name: String) -> Part? { parts.first { $0.name == name && $0.filename != nil } }

    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

/// What an uploaded document is, judged from its first bytes rather than its name.
enum EvidenceType {
    static let maximumSize = 20 * 1024 * 1024

    /// The content type of `data`, or nil when it is none of the accepted kinds.
    static func detect(_ data: ArraySlice<UInt8>, filename: String) -> String? {
        let head = Array(data.prefix(8))
        if head.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            // Office Open XML is a ZIP whose entries name the application's folder.
            let names = data.prefix(64 * 1024)
            if MultipartForm.find(Array("word/".utf8), in: Array(names), from: 0) != nil { return "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }
            if MultipartForm.find(Array("xl/".utf8), in: Array(names), from: 0) != nil { return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }
            return nil
        }
        // Text: valid UTF-8 without NUL or other binary control bytes.
        guard !data.contains(0), String(validating: data, as: UTF8.self) != nil,
              !data.contains(where: { $0 < 0x20 && $0 != 9 && $0 != 10 && $0 != 13 && $0 != 12 }) else { return nil }
        return filename.lowercased().hasSuffix(".csv") ? "text/csv" : "text/plain"
    }

    /// A file as tprm keeps one: its type judged from the content, markup refused, a safe name whose extension matches
    /// the type; or, when refused, why (a sentence fragment naming the file, ending "nothing was saved").
    static func accepted(_ data: ArraySlice<UInt8>, filename: String) -> Result<(filename: String, type: String), Refused> {
        guard data.count <= maximumSize else { return .failure(Refused(tooLarge: true, message: "the file is larger than 20 MB; nothing was saved")) }
        let given = sanitize(filename)
        guard let type = detect(data, filename: given) else {
            return .failure(Refused(message: "\(given) is not a PDF, PNG, JPEG, DOCX, XLSX, TXT or CSV file (judged from its content); nothing was saved"))
        }
        guard !type.hasPrefix("text/") || !isMarkup(data) else {
            return .failure(Refused(message: "\(given) is markup (HTML, SVG or XML), which a browser would open as a page; save it as a PDF and upload that; nothing was saved"))
        }
        return .success((named(given, as: type), type))
    }

    /// Why a file was refused.
    struct Refused: Error {
        var tooLarge = false
        let message: String
    }

    /// The file-name extensions each accepted type may have, the first the one given to a name that has none of them.
    static let extensions: [String: [String]] = [
        "application/pdf": ["pdf"], "image/png": ["png"], "image/jpeg": ["jpg", "jpeg"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ["docx"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["xlsx"],
        "text/plain": ["txt", "text", "md", "log"], "text/csv": ["csv"],
    ]

    /// `filename` (already sanitized) with an extension its content's `type` has: kept when it has one, else the type's
    /// extension appended (`policy.pdf` holding text becomes `policy.pdf.txt`), so that whoever downloads it opens it
    /// as what it is.
    static func named(_ filename: String, as type: String) -> String {
        let allowed = extensions[type] ?? []
        let given = filename.contains(".") ? filename.split(separator: ".").last.map { $0.lowercased() } : nil
        if let given, allowed.contains(given) { return filename }
        let suffix = "." + (allowed.first ?? "bin")
        return String(filename.prefix(120 - suffix.count)).trimmingCharacters(in: .whitespaces) + suffix
    }

    /// The tags and schemes that make a text markup a browser would render and could run: HTML, SVG or other XML,
    /// whatever the file is called.
    static let markup = ["<!doctype", "<html", "<?xml", "<svg", "<script", "<iframe", "<object", "<embed", "<body", "<head", "<meta",
                         "<style", "<link", "<form", "<img", "<math", "<xml", "xmlns", "javascript:"]

    /// Whether a text file (one ``detect`` judged text) is markup: refused as evidence, since a reviewer who opens it
    /// would be opening a web page the supplier wrote.
    static func isMarkup(_ data: ArraySlice<UInt8>) -> Bool {
        let lowered = String(decoding: data, as: UTF8.self).lowercased()
        return markup.contains { lowered.contains($0) }
    }

    /// A name safe to store and show: the last path component, letters, digits, dot, dash, underscore and space,
    /// no leading dot, at most 120 characters.
    static func sanitize(_ filename: String) -> String {
        let last = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var safe = String(last.unicodeScalars.map { scalar -> Character in
            let character = Character(scalar)
            return scalar.isASCII && (character.isLetter || character.isNumber || "._- ".contains(character)) ? character : "_"
        })
        while safe.hasPrefix(".") || safe.hasPrefix(" ") { safe.removeFirst() }
        safe = String(safe.prefix(120)).trimmingCharacters(in: .whitespaces)
        return safe.isEmpty || safe.allSatisfy({ $0 == "." || $0 == "_" }) ? "evidence" : safe
    }
}
