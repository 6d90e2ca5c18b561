import CivilTime
import Crypto
import Foundation
import Storage
import SupplierRisk

/// The formats a pack is written in.
public enum PackFormat: String, Sendable, CaseIterable {
    case html, csv, json, md

    public var contentType: String {
        switch self {
        case .html: "text/html; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .md: "text/markdown; charset=utf-8"
        }
    }
}

/// Where a pack's bytes go, a chunk at a time: a file, standard output, a buffer.
public typealias PackSink = ([UInt8]) throws -> Void

/// Buffers a pack's bytes and hands them to its sink in chunks, hashing them on the way when asked.
final class PackStream {
    private var buffer: [UInt8] = []
    private let sink: PackSink
    private var hasher: SHA256?
    private static let chunk = 64 * 1024

    init(_ sink: @escaping PackSink, hashing: Bool = false) {
        self.sink = sink
        self.hasher = hashing ? SHA256() : nil
        buffer.reserveCapacity(Self.chunk + 4096)
    }

    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.chunk { try flush() }
    }

    func write(bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunk { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        hasher?.update(data: buffer)
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Hands over what is left; the SHA-256 of everything written, when hashing.
    func finish() throws -> String? {
        try flush()
        return hasher.map { PortalSecret.hex($0.finalize()) }
    }
}

/// A pack's digest, computed as its appendix streams by: the SHA-256 of the pack as canonical JSON (sorted keys,
/// compact, ISO 8601 dates, as `JSONEncoder` writes it) with the digest itself empty. The appendix is the first key,
/// so the JSON can be hashed (and written) profile by profile, the small rest after it.
struct PackDigest {
    private var hasher = SHA256()
    private var json = JSONWriter(capacity: 2048)
    private var profiles = 0
    static let opening = Array(#"{"appendix":["#.utf8)

    init() { hasher.update(data: Self.opening) }

    /// Hashes one profile of the appendix; returns the bytes hashed, as the JSON format writes them.
    mutating func add(_ profile: CommitteePack.Profile) -> [UInt8] {
        json.reset()
        profile.write(to: &json)
        var bytes = profiles > 0 ? [UInt8(ascii: ",")] : []
        bytes.append(contentsOf: json.bytes)
        profiles += 1
        hasher.update(data: bytes)
        return bytes
    }

    /// Hashes the rest of the pack after its appendix; returns the digest.
    mutating func finish(_ head: CommitteePack) -> String {
        hasher.update(data: Self.tail(head, digest: ""))
        return PortalSecret.hex(hasher.finalize())
    }

    /// The canonical JSON after the appendix, with `digest` in its meta.
    static func tail(_ head: CommitteePack, digest: String) -> [UInt8] {
        var meta = head.meta
        meta.digest = digest
        var out = Array(#"],"changes":"#.utf8)
        func field(_ key: String, _ value: some Encodable) {
            out.append(contentsOf: ",\"\(key)\":".utf8)
            out.append(contentsOf: CommitteePack.encode(value))
        }
        out.append(contentsOf: CommitteePack.encode(head.changes))
        field("clauseGaps", head.clauseGaps)
        field("concentration", head.concentration)
        field("expiringCertificates", head.expiringCertificates)
        field("heatMap", head.heatMap)
        field("meta", meta)
        field("openIncidents", head.openIncidents)
        field("summary", head.summary)
        field("topRisks", head.topRisks)
        out.append(UInt8(ascii: "}"))
        return out
    }
}

/// Writes a committee pack as JSON, Markdown, or one self-contained HTML file, and the register as CSV, streaming
/// the appendix and the register rather than holding them.
public enum PackWriter {
    /// Writes the pack whose head (everything but the appendix) is `head`, its appendix profiles coming from
    /// `appendix` one at a time, to `stream`; returns the pack's digest.
    static func write(
        _ head: CommitteePack, as format: PackFormat, appendix: ((CommitteePack.Profile) throws -> Void) throws -> Void, to stream: PackStream
    ) throws -> String {
        var digest = PackDigest()
        switch format {
        case .json:
            try stream.write(bytes: PackDigest.opening)
            try appendix { try stream.write(bytes: digest.add($0)) }
            let value = digest.finish(head)
            try stream.write(bytes: PackDigest.tail(head, digest: value))
            try stream.write("\n")
            return value
        case .html:
            let html = HTMLPack(pack: head, stylesheet: try Stylesheet.text())
            try stream.write(html.opening())
            var profiles = 0
            try appendix { profile in
                _ = digest.add(profile)
                profiles += 1
                try stream.write(html.article(profile))
            }
            let value = digest.finish(head)
            try stream.write(html.closing(digest: value, profiles: profiles))
            return value
        case .md:
            try appendix { _ = digest.add($0) }
            var pack = head
            pack.meta.digest = digest.finish(head)
            try stream.write(markdown(pack))
            return pack.meta.digest
        case .csv:
            preconditionFailure("the CSV register is written by csvRecord(_:cadence:), row by row")
        }
    }


    /// `scoring model 2 (digest …)`, or both where the pack's scores come from two.
    static func modelsText(_ pack: CommitteePack) -> String {
        guard !pack.meta.modelVersions.isEmpty else { return "no scoring model yet" }
        let names = pack.meta.modelVersions.map { digest in
            pack.meta.models.first { $0.digest == digest }.map { "model \($0.version) (\(digest))" } ?? "model \(digest)"
        }
        return "scores by scoring " + names.joined(separator: " and ")
    }

    /// `The scoring model changed on 2026-12-01 from version 1 to version 2: 380 scores changed, 41 ratings worse, 96 better`.
    static func modelChangeText(_ change: CommitteePack.ModelChange) -> String {
        guard let previous = change.previousVersion else {
            return "The first scoring model, version \(change.version) (\(change.digest)), scored vendors from \(CivilTime.dayText(change.at))"
        }
        return "The scoring model changed on \(CivilTime.dayText(change.at)) from version \(previous) (\(change.previousDigest ?? "")) to version \(change.version)"
            + " (\(change.digest)): \(change.scoresChanged) scores changed when rescored under it, \(change.ratingsWorse) ratings worse, \(change.ratingsBetter) better"
    }

    /// ` (model 1 → 2)` when a rating change spans two scoring models, else nothing.
    static func modelsMoved(_ change: CommitteePack.RatingChange) -> String {
        guard let from = change.fromModel, let to = change.toModel, from != to else { return "" }
        return " (model \(from) → \(to))"
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// When a vendor assessed on `last` is due again: the tier's cadence later (12 months if the catalog has none);
    /// nil when never assessed. The register's "next due" and the appendix's "next assessment" both.
    static func nextAssessment(after last: Date?, tier: Tier, cadence: [Tier: ScoringConfiguration.Cadence]) -> Date? {
        last.flatMap { utc.date(byAdding: .month, value: cadence[tier]?.months ?? 12, to: $0) }
    }

    static func score(_ value: Decimal?) -> String {
        guard let value else { return "—" }
        return hundredths(Int((NSDecimalNumber(decimal: value).doubleValue * 100).rounded()))
    }

    // MARK: Markdown

    /// The summary and the changes, for the minutes.
    public static func markdown(_ pack: CommitteePack) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var lines: [String] = []
        let summary = pack.summary
        lines.append("# TPRM committee pack, \(CivilTime.dayText(pack.meta.asOf))")
        lines.append("")
        lines.append("Changes since \(CivilTime.dayText(pack.meta.since)). Digest `\(pack.meta.digest)`; \(modelsText(pack)).")
        lines.append("")
        lines.append("## Where the portfolio stands")
        lines.append("")
        lines.append("- \(summary.vendors) vendors, \(summary.scored) scored; average residual risk \(score(summary.averageScore)) of 100.")
        lines.append("- By tier: " + summary.byTier.map { "\($0.key) \($0.count)" }.joined(separator: ", ") + ".")
        lines.append("- By rating: " + summary.byRating.map { "\($0.key) \($0.count)" }.joined(separator: ", ") + ".")
        lines.append("- Fourth-party concentration (HHI): \(pack.concentration.hhi)" + (pack.concentration.providers.first.map { "; largest provider \($0.name) with \($0.vendors) vendors (\($0.criticalVendors) critical)" } ?? "") + ".")
        lines.append("")
        lines.append("## Top risks")
        lines.append("")
        lines.append("| Vendor | Tier | Score | Rating | Largest drivers |")
        lines.append("|---|---|---:|---|---|")
        for vendor in pack.topRisks {
            lines.append("| \(cell(vendor.name)) | \(vendor.tier.rawValue) | \(score(vendor.score)) | \(vendor.rating.rawValue) | \(cell(vendor.drivers.map(\.text).joined(separator: "; "))) |")
        }
        let changes = pack.changes
        lines.append("")
        lines.append("## What changed since \(CivilTime.dayText(pack.meta.since))")
        lines.append("")
        let totals = changes.totals
        func names(_ total: Int, _ listed: [String]) -> String {
            listed.isEmpty ? "none" : "\(total) (" + (total > listed.count ? "the latest \(listed.count): " : "") + cell(listed.joined(separator: ", ")) + ")"
        }
        lines.append("- New vendors: \(names(totals.newVendors, changes.newVendors)).")
        lines.append("- Offboarded: \(names(totals.offboarded, changes.offboarded)).")
        for change in changes.modelChanges { lines.append("- \(modelChangeText(change)).") }
        lines.append("- Ratings worse: \(totals.ratingsWorse); better: \(totals.ratingsBetter)"
            + (totals.ratingsWorse + totals.ratingsBetter > changes.ratingsWorse.count + changes.ratingsBetter.count ? " (the latest \(changes.listLimit) of each below)" : "") + ".")
        for change in changes.ratingsWorse + changes.ratingsBetter {
            lines.append("  - \(cell(change.vendor)): \(change.from.rawValue) → \(change.to.rawValue) on \(CivilTime.dayText(change.at))\(modelsMoved(change)) (\(cell(change.reason?.text ?? "")))")
        }
        lines.append("- Incidents opened: \(totals.incidentsOpened); closed: \(totals.incidentsClosed); open now: \(pack.openIncidents.count).")
        lines.append("- Assessments sent: \(changes.assessmentsSent); completed: \(changes.assessmentsCompleted); became overdue: \(changes.assessmentsOverdue).")
        lines.append("- Clause gaps opened: \(totals.clauseGapsOpened); closed: \(totals.clauseGapsClosed).")
        lines.append("- Incident notices later than the contract allows: \(totals.notificationBreaches).")
        lines.append("- Certificates expiring within 90 days: \(pack.expiringCertificates.count).")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: CSV

    /// The CSV register's header, after the UTF-8 byte-order mark that makes Excel read it as UTF-8.
    static let csvHeader = "\u{FEFF}" + ["vendor", "name", "tier", "status", "score", "rating", "top_drivers", "last_assessed", "next_due",
                                         "open_incidents", "clause_gaps"].joined(separator: ",") + "\r\n"

    /// One vendor of the register as a CSV record: RFC 4180 quoting, CRLF line end.
    static func csvRecord(_ row: RegisterRow, cadence: [Tier: ScoringConfiguration.Cadence], sentences: ScoreSentences = .standard, library: ClauseLibrary? = nil) -> String {
        let next = nextAssessment(after: row.lastAssessed, tier: row.tier, cadence: cadence)
        let fields = [
            row.slug, row.name, row.tier.rawValue, row.status, row.hundredths.map(Self.hundredths) ?? "", row.rating?.rawValue ?? "",
            row.drivers.map { sentences.text($0, library: library) }.joined(separator: "; "), row.lastAssessed.map(CivilTime.dayText) ?? "", next.map(CivilTime.dayText) ?? "never assessed",
            String(row.openIncidents), String(row.clauseGaps),
        ]
        return fields.map(quote).joined(separator: ",") + "\r\n"
    }

    /// 5739 → "57.39", without a formatter: the register writes one a row.
    public static func hundredths(_ value: Int) -> String {
        let fraction = abs(value) % 100
        return "\(value / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// A CSV field, quoted when it holds a comma, quote, CR or LF (quotes doubled), and guarded against
    /// spreadsheet formulas. Works on UTF-8 bytes: the register writes eleven a row.
    public static func quote(_ field: String) -> String {
        var text = field
        if let first = text.utf8.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@"),
           Double(text) == nil {
            text = "'" + text
        }
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }) else { return text }
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            out.append(byte)
            if byte == UInt8(ascii: "\"") { out.append(byte) }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}
