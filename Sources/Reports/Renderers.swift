public import Foundation
public import Storage
public import SupplierRisk

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

/// Writes a committee pack as JSON, Markdown, the CSV register, or one self-contained HTML file.
public enum PackWriter {
    public static func write(_ pack: CommitteePack, register: [RegisterRow], as format: PackFormat, cadence: [Tier: ScoringConfiguration.Cadence]) -> String {
        switch format {
        case .json: pack.canonicalJSON(pretty: true) + "\n"
        case .md: markdown(pack)
        case .csv: csv(register, cadence: cadence)
        case .html: HTMLPack(pack: pack).render()
        }
    }

    static func day(_ date: Date) -> String { AnswerForm.dayText(date) }

    static func score(_ value: Decimal?) -> String {
        guard let value else { return "—" }
        return String(format: "%.2f", NSDecimalNumber(decimal: value).doubleValue)
    }

    // MARK: Markdown

    /// The summary and the changes, for the minutes.
    public static func markdown(_ pack: CommitteePack) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var lines: [String] = []
        let summary = pack.summary
        lines.append("# TPRM committee pack, \(day(pack.meta.asOf))")
        lines.append("")
        lines.append("Changes since \(day(pack.meta.since)). Digest `\(pack.meta.digest)`; scoring model \(pack.meta.modelVersions.joined(separator: ", ")).")
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
            lines.append("| \(cell(vendor.name)) | \(vendor.tier.rawValue) | \(score(vendor.score)) | \(vendor.rating.rawValue) | \(cell(vendor.drivers.joined(separator: "; "))) |")
        }
        let changes = pack.changes
        lines.append("")
        lines.append("## What changed since \(day(pack.meta.since))")
        lines.append("")
        lines.append("- New vendors: \(changes.newVendors.isEmpty ? "none" : changes.newVendors.joined(separator: ", ")).")
        lines.append("- Offboarded: \(changes.offboarded.isEmpty ? "none" : changes.offboarded.joined(separator: ", ")).")
        lines.append("- Ratings worse: \(changes.ratingsWorse.count); better: \(changes.ratingsBetter.count).")
        for change in changes.ratingsWorse + changes.ratingsBetter {
            lines.append("  - \(cell(change.vendor)): \(change.from.rawValue) → \(change.to.rawValue) on \(day(change.at)) (\(cell(change.reason)))")
        }
        lines.append("- Incidents opened: \(changes.incidentsOpened.count); closed: \(changes.incidentsClosed.count); open now: \(pack.openIncidents.count).")
        lines.append("- Assessments sent: \(changes.assessmentsSent); completed: \(changes.assessmentsCompleted); became overdue: \(changes.assessmentsOverdue).")
        lines.append("- Clause gaps opened: \(changes.clauseGapsOpened.count); closed: \(changes.clauseGapsClosed.count).")
        lines.append("- Incident notices later than the contract allows: \(changes.notificationBreaches.count).")
        lines.append("- Certificates expiring within 90 days: \(pack.expiringCertificates.count).")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: CSV

    /// The vendor register, one row per vendor: RFC 4180 quoting, CRLF line ends, UTF-8 with a byte-order mark.
    public static func csv(_ register: [RegisterRow], cadence: [Tier: ScoringConfiguration.Cadence]) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var out = "\u{FEFF}"
        out += ["vendor", "name", "tier", "status", "score", "rating", "top_drivers", "last_assessed", "next_due", "open_incidents", "clause_gaps"].joined(separator: ",") + "\r\n"
        for row in register {
            let next = row.lastAssessed.flatMap { calendar.date(byAdding: .month, value: cadence[row.tier]?.months ?? 12, to: $0) }
            let fields = [
                row.slug, row.name, row.tier.rawValue, row.status, row.hundredths.map(Self.hundredths) ?? "", row.rating?.rawValue ?? "",
                row.drivers.joined(separator: "; "), row.lastAssessed.map(day) ?? "", next.map(day) ?? "never assessed",
                String(row.openIncidents), String(row.clauseGaps),
            ]
            out += fields.map(quote).joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// 5739 → "57.39", without a formatter: the register writes one a row.
    static func hundredths(_ value: Int) -> String {
        let fraction = abs(value) % 100
        return "\(value / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// A CSV field, quoted when it holds a comma, quote, CR or LF (quotes doubled), and guarded against
    /// spreadsheet formulas.
    static func quote(_ field: String) -> String {
        var text = field
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
