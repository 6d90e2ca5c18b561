/// A vendor file for `tprm vendor import`: CSV with a header row, one vendor a line.
///
/// Columns (any order; those marked * are required):
/// `name`*, `slug` (made from the name when empty), `status` (default prospect),
/// `business_owner`*, `contact_email`, `offering`*, `description`,
/// `data_categories`*, `decision_impact`*, `ai_act_class`*, `autonomy` (default none), `business_criticality`*,
/// `hosting_regions`, `foundation_models`, `sub_processors`.
/// Lists hold values separated by `;`. Every problem is reported, with line and column.
public enum VendorCSV {
    /// One vendor read from the file.
    public struct Row: Sendable, Hashable {
        /// The line the record starts on.
        public let line: Int
        /// The vendor it describes.
        public let draft: VendorDraft

        /// Creates a row.
        public init(line: Int, draft: VendorDraft) {
            self.line = line
            self.draft = draft
        }
    }

    /// A problem at a line and column of the file.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public let line: Int
        public let column: String
        public let message: String

        /// Creates a problem.
        public init(line: Int, column: String, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }

        /// `line 17, column decision_impact: unknown value "autonomous" (expected …)`.
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    static let required = ["name", "business_owner", "offering", "data_categories", "decision_impact", "ai_act_class", "business_criticality"]
    static let optional = ["slug", "status", "contact_email", "description", "autonomy", "hosting_regions", "foundation_models", "sub_processors"]

    /// Parses and validates the whole file; returns the rows, or every problem found.
    public static func parse(_ text: String) -> Result<[Row], ProblemList> {
        var problems: [Problem] = []
        let records: [(line: Int, fields: [String])]
        do {
            records = try CSVRecords.parse(text)
        } catch {
            return .failure(ProblemList(problems: [error]))
        }
        guard let header = records.first else {
            return .failure(ProblemList(problems: [Problem(line: 1, column: "-", message: "the file is empty; it needs a header row")]))
        }
        let names = header.fields.map { $0.trimmed.lowercased() }
        for (index, name) in names.enumerated() where !(required + optional).contains(name) {
            problems.append(Problem(line: header.line, column: "\(index + 1)", message: "unknown column \"\(name)\" (expected \((required + optional).joined(separator: ", ")))"))
        }
        for name in required where !names.contains(name) {
            problems.append(Problem(line: header.line, column: name, message: "the header lacks this required column"))
        }
        if !problems.isEmpty { return .failure(ProblemList(problems: problems)) }

        var rows: [Row] = []
        var slugs: [String: Int] = [:]
        for record in records.dropFirst() {
            if record.fields.allSatisfy({ $0.trimmed.isEmpty }) { continue }
            if record.fields.count != names.count {
                problems.append(Problem(line: record.line, column: "-", message: "has \(record.fields.count) fields, the header \(names.count)"))
                continue
            }
            let field = Dictionary(uniqueKeysWithValues: zip(names, record.fields.map(\.trimmed)))
            var rowProblems: [Problem] = []
            func fail(_ column: String, _ message: String) { rowProblems.append(Problem(line: record.line, column: column, message: message)) }
            func text(_ column: String) -> String? {
                guard let value = field[column], !value.isEmpty else {
                    if required.contains(column) { fail(column, "is required") }
                    return nil
                }
                return value
            }
            func value<Value: RawRepresentable<String> & CaseIterable>(_ column: String, _ type: Value.Type) -> Value? {
                guard let raw = text(column) else { return nil }
                guard let value = Value(rawValue: raw) else {
                    fail(column, "unknown value \"\(raw)\" (expected \(Value.allCases.map(\.rawValue).joined(separator: ", ")))")
                    return nil
                }
                return value
            }
            func list(_ column: String) -> [String] {
                (field[column] ?? "").split(separator: ";").map { String($0).trimmed }.filter { !$0.isEmpty }
            }

            let name = text("name")
            if let name, name.count > 200 { fail("name", "is longer than 200 characters") }
            var slug = field["slug"].flatMap { $0.isEmpty ? nil : $0 } ?? name.map(VendorRules.slug(from:)) ?? ""
            if name != nil, let problem = VendorRules.problem(slug: slug) {
                fail("slug", "\"\(slug)\" \(problem)")
                slug = ""
            }
            if !slug.isEmpty, let first = slugs[slug] {
                fail("slug", "\"\(slug)\" is already used on line \(first)")
            }
            let status = field["status"].flatMap { $0.isEmpty ? nil : $0 } == nil ? Vendor.Status.prospect : value("status", Vendor.Status.self)
            let owner = text("business_owner")
            let email = text("contact_email")
            if let email, let problem = VendorRules.problem(email: email) { fail("contact_email", "\"\(email)\" \(problem)") }
            let offering = value("offering", AIProfile.Offering.self)
            var categories: Set<AIProfile.DataCategory> = []
            let categoryNames = list("data_categories")
            if categoryNames.isEmpty { fail("data_categories", "is required (values separated by ;)") }
            for raw in categoryNames {
                if let category = AIProfile.DataCategory(rawValue: raw) {
                    categories.insert(category)
                } else {
                    fail("data_categories", "unknown value \"\(raw)\" (expected \(AIProfile.DataCategory.expected))")
                }
            }
            let impact = value("decision_impact", AIProfile.DecisionImpact.self)
            let act = value("ai_act_class", AIProfile.AIActClass.self)
            let autonomy = field["autonomy"].flatMap { $0.isEmpty ? nil : $0 } == nil ? AIProfile.Autonomy.none : value("autonomy", AIProfile.Autonomy.self)
            let criticality = value("business_criticality", AIProfile.BusinessCriticality.self)

            if act == .prohibited, status == .active {
                fail("status", "a vendor whose use is prohibited by the EU AI Act (Art. 5) cannot be active")
            }
            guard rowProblems.isEmpty, let name, let status, let owner, let offering, let impact, let act, let autonomy, let criticality else {
                problems += rowProblems
                continue
            }
            slugs[slug] = record.line
            rows.append(Row(line: record.line, draft: VendorDraft(
                slug: slug, name: name, status: status, businessOwner: owner, contactEmail: email,
                profile: AIProfile(
                    offering: offering, description: field["description"] ?? "", dataCategories: categories,
                    decisionImpact: impact, aiActClass: act, autonomy: autonomy, businessCriticality: criticality, hostingRegions: list("hosting_regions")),
                foundationModels: list("foundation_models"), subProcessors: list("sub_processors"))))
        }
        if rows.isEmpty && problems.isEmpty {
            problems.append(Problem(line: records.count + 1, column: "-", message: "the file has a header but no vendors"))
        }
        return problems.isEmpty ? .success(rows) : .failure(ProblemList(problems: problems))
    }

    /// Every problem of a file.
    public struct ProblemList: Error, Sendable, Hashable, CustomStringConvertible {
        public let problems: [Problem]

        /// Creates a list.
        public init(problems: [Problem]) { self.problems = problems }

        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }
}

/// RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks.
enum CSVRecords {
    static func parse(_ text: String) throws(VendorCSV.Problem) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quotedFieldEnded = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return iterator.next()
        }
        while let scalar = next() {
            if inQuotes {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; quotedFieldEnded = true; pending = following }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !quotedFieldEnded:
                inQuotes = true
            case ",":
                fields.append(field)
                field = ""
                quotedFieldEnded = false
            case "\r":
                continue
            case "\n":
                fields.append(field)
                records.append((recordLine, fields))
                fields = []
                field = ""
                quotedFieldEnded = false
                line += 1
                recordLine = line
            default:
                if quotedFieldEnded {
                    throw VendorCSV.Problem(line: line, column: "\(fields.count + 1)", message: "text after a closing quote; a quote inside a field is written twice (\"\")")
                }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes {
            throw VendorCSV.Problem(line: recordLine, column: "\(fields.count + 1)", message: "a quoted field is never closed")
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append((recordLine, fields))
        }
        return records
    }
}

extension String {
    var trimmed: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
