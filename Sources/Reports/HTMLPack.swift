import CivilTime
import Foundation
import SupplierRisk

/// The pack as one self-contained HTML file: tprm's stylesheet inline, charts drawn as inline SVG, no script and no
/// external request; printable on A4 with a page per section; each chart has a title and a table behind it.
struct HTMLPack {
    let pack: CommitteePack
    /// tprm's stylesheet (``Stylesheet``), carried inline.
    let stylesheet: String

    /// Escapes text for HTML content and attribute values. Works on the UTF-8 bytes (the characters escaped are all
    /// ASCII) and returns the text itself when nothing needs escaping, as most names and drivers do.
    static func escape(_ text: String) -> String {
        func special(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
        }
        guard text.utf8.contains(where: special) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    func e(_ text: String) -> String { Self.escape(text) }
    func day(_ date: Date) -> String { CivilTime.dayText(date) }
    func score(_ value: Decimal?) -> String { PackWriter.score(value) }

    /// A horizontal bar chart with a title, and the same figures as a table for screen readers.
    func barChart(id: String, title: String, _ counts: [CommitteePack.Count], unit: String = "vendors") -> String {
        SVGChart.bars(id: id, title: title, counts.map { (key: $0.key, count: $0.count) }, unit: unit)
    }

    /// The 12-month trend as a line, with its table.
    func trendChart() -> String {
        let points = pack.summary.trend
        return SVGChart.line(
            id: "trend", title: "Average residual risk, last 12 months", caption: "Average residual risk by month",
            points.map { (label: $0.month, value: $0.averageScore.map { NSDecimalNumber(decimal: $0).doubleValue }) },
            columns: ["Month", "Average", "Vendors scored"]
        ) { [points[$0].month, score(points[$0].averageScore), String(points[$0].scored)] }
    }

    /// Tier × rating band, as a table (a table is the chart here, read the same by everyone), each cell shaded as the
    /// workspace's heat map shades it: darker the higher the tier and the rating together, blank where no vendor is.
    func heatMap() -> String {
        let tiers = Tier.allCases.reversed()
        var html = "<table class=\"heat\"><caption>Vendors by tier (rows) and rating band (columns)</caption><thead><tr><th scope=\"col\">Tier \\ rating</th>"
        html += Rating.allCases.reversed().map { "<th scope=\"col\">\($0.rawValue)</th>" }.joined() + "</tr></thead><tbody>"
        for tier in tiers {
            html += "<tr><th scope=\"row\">\(tier.rawValue)</th>"
            for rating in Rating.allCases.reversed() {
                let count = pack.heatMap.first { $0.tier == tier && $0.rating == rating }?.count ?? 0
                let shade = count == 0 ? "none" : String(Tier.allCases.firstIndex(of: tier)! + Rating.allCases.firstIndex(of: rating)!)
                html += "<td class=\"heat-\(shade)\">\(count)</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table>"
    }

    func table(_ caption: String, _ header: [String], _ rows: [[String]], empty: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(e(empty))</p>" }
        return "<table><caption>\(e(caption))</caption><thead><tr>" + header.map { "<th scope=\"col\">\(e($0))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { "<tr>" + $0.map { "<td>\(e($0))</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>"
    }

    /// Everything before the appendix's pages.
    func opening() -> String {
        let summary = pack.summary, changes = pack.changes
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>TPRM committee pack, \(day(pack.meta.asOf))</title>
            <style>\(stylesheet)</style></head><body class="pack">
            <header><h1>TPRM committee pack</h1><p>As of \(day(pack.meta.asOf)); changes since \(day(pack.meta.since)).</p></header>
            <section id="summary"><h2>Where the portfolio stands</h2>
            <p>\(summary.vendors) vendors, \(summary.scored) scored. Average residual risk <strong>\(score(summary.averageScore))</strong> of 100.</p>
            <div class="charts">
            """
        html += barChart(id: "tiers", title: "Vendors by tier", summary.byTier)
        html += barChart(id: "ratings", title: "Vendors by rating band", summary.byRating)
        html += barChart(id: "distribution", title: "Scored vendors by residual risk", summary.distribution)
        html += trendChart()
        html += "</div><h3>Heat map</h3>" + heatMap() + "</section>"
        html += "<section id=\"top\"><h2>Top \(pack.topRisks.count) vendors by residual risk</h2>"
        html += table("Top risks and their three largest drivers", ["Vendor", "Tier", "Score", "Rating", "Largest drivers"],
                      pack.topRisks.map { [$0.name, $0.tier.rawValue, score($0.score), $0.rating.rawValue, $0.drivers.map(\.text).joined(separator: " · ")] }, empty: "No vendor is scored yet.")
        html += "</section><section id=\"changes\"><h2>What changed since \(day(pack.meta.since))</h2>"
        let totals = changes.totals
        /// "12" or "5,000 (the latest 100 below)".
        func count(_ total: Int, _ listed: Int) -> String { total > listed ? "\(total) (the latest \(listed) below)" : "\(total)" }
        html += "<ul><li>New vendors: \(count(totals.newVendors, changes.newVendors.count))\(changes.newVendors.isEmpty ? "" : " — " + e(changes.newVendors.joined(separator: ", ")))</li>"
        html += "<li>Offboarded: \(count(totals.offboarded, changes.offboarded.count))\(changes.offboarded.isEmpty ? "" : " — " + e(changes.offboarded.joined(separator: ", ")))</li>"
        html += "<li>Assessments sent \(changes.assessmentsSent), completed \(changes.assessmentsCompleted), became overdue \(changes.assessmentsOverdue)</li>"
        html += changes.modelChanges.map { "<li>\(e(PackWriter.modelChangeText($0)))</li>" }.joined() + "</ul>"
        /// A rating change's "from" and "to", with the model versions where the model changed between them.
        func rated(_ change: CommitteePack.RatingChange) -> [String] {
            let spans = change.fromModel != nil && change.toModel != nil && change.fromModel != change.toModel
            return [change.vendor, change.from.rawValue + (spans ? " (model \(change.fromModel!))" : ""), change.to.rawValue + (spans ? " (model \(change.toModel!))" : ""),
                    day(change.at), change.reason?.text ?? ""]
        }
        html += table("Ratings that worsened: \(count(totals.ratingsWorse, changes.ratingsWorse.count))", ["Vendor", "From", "To", "On", "Largest driver now"],
                      changes.ratingsWorse.map(rated), empty: "No rating worsened.")
        html += table("Ratings that improved: \(count(totals.ratingsBetter, changes.ratingsBetter.count))", ["Vendor", "From", "To", "On", "Largest driver now"],
                      changes.ratingsBetter.map(rated), empty: "No rating improved.")
        html += table("Incidents opened: \(count(totals.incidentsOpened, changes.incidentsOpened.count))", ["Vendor", "Incident", "Severity", "Occurred"],
                      changes.incidentsOpened.map { [$0.vendor, $0.title, $0.severity, day($0.at)] }, empty: "No incident was opened.")
        html += table("Incidents closed: \(count(totals.incidentsClosed, changes.incidentsClosed.count))", ["Vendor", "Incident", "Severity", "Resolved"],
                      changes.incidentsClosed.map { [$0.vendor, $0.title, $0.severity, day($0.at)] }, empty: "No incident was closed.")
        html += table("Clause gaps opened: \(count(totals.clauseGapsOpened, changes.clauseGapsOpened.count))", ["Vendor", "Clause", "Status", "On"],
                      changes.clauseGapsOpened.map { [$0.vendor, $0.clause, $0.status, day($0.at)] }, empty: "No clause gap was opened.")
        html += table("Clause gaps closed: \(count(totals.clauseGapsClosed, changes.clauseGapsClosed.count))", ["Vendor", "Clause", "Status", "On"],
                      changes.clauseGapsClosed.map { [$0.vendor, $0.clause, $0.status, day($0.at)] }, empty: "No clause gap was closed.")
        html += table("Incident notices later than the contract allows: \(count(totals.notificationBreaches, changes.notificationBreaches.count))",
                      ["Vendor", "Incident", "Notice"], changes.notificationBreaches.map { [$0.vendor, $0.incident, $0.detail] }, empty: "No notification breach.")
        html += "</section><section id=\"concentration\"><h2>Fourth-party concentration</h2>"
        html += "<p>Herfindahl–Hirschman index of the portfolio's dependencies: <strong>\(pack.concentration.hhi)</strong> (above 2,500 is highly concentrated).</p>"
        html += table("Providers by dependent vendors", ["Provider", "Vendors", "Critical vendors", "Share"],
                      pack.concentration.providers.map { [$0.name, String($0.vendors), String($0.criticalVendors), String(format: "%.1f%%", NSDecimalNumber(decimal: $0.share).doubleValue * 100)] },
                      empty: "No fourth party is recorded.")
        html += "</section><section id=\"open\"><h2>Open incidents, contract gaps, expiring certificates</h2>"
        html += table("Open incidents", ["Vendor", "Incident", "Severity", "Status", "Occurred"],
                      pack.openIncidents.map { [$0.vendor, $0.title, $0.severity, $0.status ?? "", day($0.at)] }, empty: "No incident is open.")
        html += table("Contract gaps by clause", ["Clause", "Vendors lacking it"],
                      pack.clauseGaps.map { [$0.clause, String($0.vendors)] }, empty: "No required clause is missing.")
        html += table("Certificates expiring within 90 days", ["Vendor", "Standard", "Expires"],
                      pack.expiringCertificates.map { [$0.vendor, $0.standard, day($0.expiresOn)] }, empty: "No certificate expires within 90 days.")
        html += "</section><section id=\"appendix\"><h2>Appendix: critical and high vendors</h2>"
        return html
    }

    /// One critical or high vendor's page of the appendix.
    func article(_ profile: CommitteePack.Profile) -> String {
        var html = "<article><h3>\(e(profile.name)) <span class=\"tag \(profile.tier.rawValue)\">\(profile.tier.rawValue)</span></h3>"
        html += "<p>\(e(profile.vendor)) · status \(e(profile.status)) · owner \(e(profile.businessOwner)) · \(e(profile.offering)) · AI Act \(e(profile.aiActClass))"
            + " · decisions \(e(profile.decisionImpact)) · criticality \(e(profile.businessCriticality)) · data \(e(profile.dataCategories.joined(separator: ", ")))</p>"
        html += "<p>Score <strong>\(score(profile.score))</strong>\(profile.rating.map { " (\($0.rawValue))" } ?? ""); "
            + "last assessed \(profile.lastAssessed.map(day) ?? "never"); next assessment \(profile.nextAssessment.map(day) ?? "due now").</p>"
        if !profile.drivers.isEmpty { html += "<h4>Largest drivers</h4><ol>" + profile.drivers.map { "<li>\(e($0.text))</li>" }.joined() + "</ol>" }
        html += "<h4>Answers that failed</h4>" + list(profile.failedAnswers.map(\.text), empty: "None.")
        html += "<h4>Clause gaps</h4><p\(profile.clauseGaps.isEmpty ? " class=\"empty\">None." : ">" + e(profile.clauseGaps.joined(separator: ", ")) + ".")</p>"
        html += "<h4>Open incidents</h4>" + list(profile.incidents.map { "\($0.severity): \($0.title) (\($0.status ?? "open"), since \(day($0.at)))" }, empty: "None.")
        return html + "</article>"
    }

    func list(_ items: [String], empty: String) -> String {
        items.isEmpty ? "<p class=\"empty\">\(e(empty))</p>" : "<ul>" + items.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
    }

    /// The end of the appendix and the footer with the digest.
    func closing(digest: String, profiles: Int) -> String {
        (profiles == 0 ? "<p class=\"empty\">No vendor is critical or high.</p>" : "") + "</section><footer><p>\(e(PackWriter.modelsText(pack).prefix(1).uppercased() + PackWriter.modelsText(pack).dropFirst())). Content digest (SHA-256) <code>\(digest)</code>.</p></footer></body></html>\n"
    }
}
