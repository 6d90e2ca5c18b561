import Foundation

/// Charts drawn on the server as inline SVG, with no script and no style attribute (so a page's
/// Content-Security-Policy can forbid inline styles): the committee pack and the workspace draw theirs here.
/// Each chart is a `figure` holding the SVG (labelled by its title), a caption, and the same figures as a table.
public enum SVGChart {
    /// The fill of a rating, tier or "not scored" bar.
    public static let colors: [String: String] = ["critical": "#b3261e", "high": "#e8710a", "medium": "#f2c94c", "low": "#2e7d32", "not scored": "#9e9e9e"]

    static func e(_ text: String) -> String { HTMLPack.escape(text) }

    /// A horizontal bar per item, with its count (written by `format`), and a table of the same counts.
    public static func bars(
        id: String, title: String, _ items: [(key: String, count: Int)], unit: String = "vendors", folded: Bool = false,
        format: (Int) -> String = { String($0) }
    ) -> String {
        let maximum = max(items.map(\.count).max() ?? 0, 1)
        // Room for the longest label (about 7 units a character at the chart's 12-unit type), within bounds.
        let longest = items.map(\.key.count).max() ?? 0
        let rowHeight = 26, labelWidth = min(max(110, longest * 7 + 16), 340), barWidth = 400
        var svg = "<svg role=\"img\" aria-labelledby=\"\(id)-title\" viewBox=\"0 0 \(labelWidth + barWidth + 60) \(items.count * rowHeight + 10)\" class=\"chart\">"
        svg += "<title id=\"\(id)-title\">\(e(title))</title>"
        for (index, item) in items.enumerated() {
            let y = index * rowHeight + 5
            let width = Int(Double(item.count) / Double(maximum) * Double(barWidth))
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\">\(e(item.key))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(max(width, 1))\" height=\"\(rowHeight - 8)\" fill=\"\(colors[item.key] ?? "#1f3b57")\"/>"
            svg += "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 17)\">\(e(format(item.count)))</text>"
        }
        svg += "</svg>"
        let table = "<table class=\"behind\"><caption>\(e(title))</caption><thead><tr><th scope=\"col\"></th><th scope=\"col\">\(e(unit))</th></tr></thead><tbody>"
            + items.map { "<tr><th scope=\"row\">\(e($0.key))</th><td>\(e(format($0.count)))</td></tr>" }.joined() + "</tbody></table>"
        return "<figure>\(svg)<figcaption>\(e(title))</figcaption>\(fold(table, folded))</figure>"
    }

    /// A line over points on a 0–100 scale (a missing value leaves its point out), every other label shown from the
    /// last; the table behind it lists each point with `columns` (its header) and `cells` (its cells, escaped here).
    /// A `folded` table is in a `details` element, opened on demand (on a screen; the pack prints its tables open).
    public static func line(
        id: String, title: String, caption: String, _ points: [(label: String, value: Double?)],
        columns: [String], folded: Bool = false, cells: (Int) -> [String]
    ) -> String {
        let width = 560, height = 200, left = 40, bottom = 30
        // The last label is centred on the last point: 30 units to its right keep a YYYY-MM label inside the chart.
        let step = Double(width - left - 30) / Double(max(points.count - 1, 1))
        var svg = "<svg role=\"img\" aria-labelledby=\"\(id)-title\" viewBox=\"0 0 \(width) \(height)\" class=\"chart\"><title id=\"\(id)-title\">\(e(title))</title>"
        for value in stride(from: 0, through: 100, by: 25) {
            let y = Double(height - bottom) - Double(value) / 100 * Double(height - bottom - 10)
            svg += "<line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#ddd\"/><text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(value)</text>"
        }
        var path: [String] = []
        for (index, point) in points.enumerated() {
            let x = Double(left) + Double(index) * step
            if (points.count - 1 - index) % 2 == 0 {
                svg += "<text x=\"\(x)\" y=\"\(height - 8)\" text-anchor=\"middle\">\(e(point.label))</text>"
            }
            guard let value = point.value else { continue }
            let y = Double(height - bottom) - value / 100 * Double(height - bottom - 10)
            path.append("\(path.isEmpty ? "M" : "L")\(String(format: "%.1f", x)),\(String(format: "%.1f", y))")
            svg += "<circle cx=\"\(String(format: "%.1f", x))\" cy=\"\(String(format: "%.1f", y))\" r=\"3\" fill=\"#1f3b57\"/>"
        }
        if !path.isEmpty { svg += "<path d=\"\(path.joined(separator: " "))\" fill=\"none\" stroke=\"#1f3b57\" stroke-width=\"2\"/>" }
        svg += "</svg>"
        let table = "<table class=\"behind\"><caption>\(e(caption))</caption><thead><tr>" + columns.map { "<th scope=\"col\">\(e($0))</th>" }.joined() + "</tr></thead><tbody>"
            + points.indices.map { index in
                let row = cells(index)
                return "<tr><th scope=\"row\">\(e(row.first ?? ""))</th>" + row.dropFirst().map { "<td>\(e($0))</td>" }.joined() + "</tr>"
            }.joined() + "</tbody></table>"
        return "<figure>\(svg)<figcaption>\(e(title))</figcaption>\(fold(table, folded))</figure>"
    }

    /// The table behind a chart, in a `details` element when `folded`.
    static func fold(_ table: String, _ folded: Bool) -> String {
        folded ? "<details><summary>The figures as a table</summary>\(table)</details>" : table
    }
}
