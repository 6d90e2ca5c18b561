import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Reports
import Storage
import SupplierRisk

/// `/contracts/{id}`: a contract, its signed copy, and every clause of the library with the ones the vendor's tier
/// and profile require marked; an analyst sets each clause's status, signed numbers and note
/// (`/contracts/{id}/clauses/{key}`), audited, the vendor rescored.
extension WorkspaceController {
    /// A clause's form sent back: the clause, the problem, and what was typed.
    struct ClauseProblem {
        let key: String
        let text: String
        let typed: [String: String]
    }

    @Sendable func contractPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let text = try context.parameters.require("id")
        guard let id = Int(text), id > 0 else { return notFound(person, "There is no contract \(text): a contract is a number, such as 12.") }
        let done = request.uri.queryParameters.get("done").flatMap { ["added": "Contract recorded. Set the status of each clause below.",
                                                                      "clause": "Clause saved."][String($0)] }
        return try await contractPage(person, id: id, done: done, problem: nil, status: .ok)
    }

    func contractPage(_ person: SignedInPerson, id: Int, done: String?, problem: ClauseProblem?, status: HTTPResponse.Status) async throws -> Response {
        let (contracts, vendors, documents) = (ContractStore(database: database), VendorStore(database: database, tiering: catalog.scoring.tiering),
                                               DocumentStore(database: database))
        let found: (Contract, Vendor, [DocumentRecord])
        do {
            found = try await blocking.run {
                let contract = try contracts.contract(id)
                return (contract, try vendors.vendor(contract.vendor), try documents.list(vendor: contract.vendor))
            }
        } catch StorageError.notFound {
            return notFound(person, "There is no contract \(id).")
        }
        let (contract, vendor, files) = found
        var page = Self.signedIn(person, at: "vendors")
        page["done"] = done
        page["vendor"] = ["slug": vendor.slug, "name": vendor.name, "tier": vendor.tier.rawValue]
        var summary: [String: Any] = [
            "id": contract.id, "reference": contract.reference, "from": CivilTime.dayText(contract.effectiveOn),
            "to": contract.expiresOn.map(CivilTime.dayText) ?? "open-ended",
            "value": contract.annualValue.map { "\($0.formatted(.number.precision(.fractionLength(0...2)))) \(contract.currency ?? "")" } ?? "—",
        ]
        if let days = contract.renewalNoticeDays { summary["notice"] = "\(days) days" + (contract.renewalNoticeDeadline.map { ", by \(CivilTime.dayText($0))" } ?? "") }
        if let file = files.first(where: { $0.contract == contract.id }) {
            summary["document"] = ["name": file.filename, "link": "/vendors/\(vendor.slug)/documents/\(file.id)", "type": file.contentType,
                                   "sha256": file.sha256, "by": file.uploadedBy, "opens": Self.inlineTypes.contains(file.contentType)]
        }
        page["contract"] = summary
        let canChange = person.user.role >= .analyst
        let recorded = Dictionary(contract.clauses.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        let clauses = catalog.clauses.clauses.map { clause -> [String: Any] in
            let record = recorded[clause.key]
            let required = clause.isRequired(tier: vendor.tier, profile: vendor.profile)
            let typed = problem?.key == clause.key ? problem?.typed : nil
            let chosen = typed?["status"] ?? record?.status.rawValue ?? ""
            var row: [String: Any] = [
                "key": clause.key, "title": clause.title, "why": clause.why, "importance": clause.importance.rawValue, "required": required,
                "status": record.map { $0.status.rawValue.replacingOccurrences(of: "_", with: " ") } ?? "not recorded",
                "gap": required && !(record?.status.isInForce ?? false) && record?.status != .notApplicable,
                "note": typed?["note"] ?? record?.note ?? "", "verifiedBy": record?.verifiedBy ?? "",
                "updated": record.map { CivilTime.minuteText($0.updatedAt) } ?? "",
                "canChange": canChange, "contract": contract.id,
                "statuses": [["value": "", "label": "choose", "selected": chosen.isEmpty]] + ClauseStatus.allCases.map {
                    ["value": $0.rawValue, "label": $0.rawValue.replacingOccurrences(of: "_", with: " "), "selected": chosen == $0.rawValue] as [String: Any]
                },
                "parameters": clause.parameters.keys.sorted().map { name -> [String: Any] in
                    ["name": name, "label": name.replacingOccurrences(of: "_", with: " "), "key": clause.key,
                     "value": typed?["parameter-" + name] ?? record?.parameters[name].map(String.init) ?? "",
                     "expected": clause.parameter(name, tier: vendor.tier).map { "the \(vendor.tier.rawValue) tier expects \($0.formatted())" } ?? ""]
                },
            ]
            if let problem, problem.key == clause.key { row["problem"] = problem.text }
            row["hasParameters"] = !clause.parameters.isEmpty
            row["signed"] = (record?.parameters ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key.replacingOccurrences(of: "_", with: " ")) \($0.value.formatted())" }
                .joined(separator: ", ")
            return row
        }
        // The clauses the vendor must have come first, in the library's order.
        page["clauses"] = clauses.filter { $0["required"] as? Bool == true } + clauses.filter { $0["required"] as? Bool != true }
        page["requiredCount"] = clauses.filter { $0["required"] as? Bool == true }.count
        return HTMLPage.response(status, pages.render(page, withTemplate: "contract") ?? "")
    }

    /// A clause's form: the status, the note, and the signed numbers as `parameter[sla_hours]`.
    struct ClauseForm: Decodable {
        var csrf: String?
        var status: String?
        var note: String?
        var parameter: [String: String]?
    }

    @Sendable func setClause(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let text = try context.parameters.require("id")
            guard let id = Int(text), id > 0 else { return notFound(person, "There is no contract \(text).") }
            let key = try context.parameters.require("key")
            let form = try await postedForm(ClauseForm.self, request, person, csrf: \.csrf, what: "Setting a contract's clauses")
            guard let clause = catalog.clauses.clause(key) else { return notFound(person, "The clause library has no clause \(key).") }
            var typed = ["status": form.status ?? "", "note": form.note ?? ""]
            for (name, value) in form.parameter ?? [:] { typed["parameter-" + name] = value }
            typed = typed.mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            func refuse(_ text: String, _ status: HTTPResponse.Status = .unprocessableContent) async throws -> Response {
                try await contractPage(person, id: id, done: nil, problem: ClauseProblem(key: key, text: text, typed: typed), status: status)
            }
            guard let status = ClauseStatus(rawValue: typed["status"] ?? "") else {
                return try await refuse("Choose the clause's status: \(ClauseStatus.allCases.map { $0.rawValue.replacingOccurrences(of: "_", with: " ") }.joined(separator: ", ")).")
            }
            var parameters: [String: Int] = [:]
            for name in clause.parameters.keys.sorted() {
                guard let given = typed["parameter-" + name], !given.isEmpty else { continue }
                guard let number = Int(given.replacingOccurrences(of: ",", with: "")), (0...ClauseLibrary.largestParameter).contains(number) else {
                    return try await refuse("\(name.replacingOccurrences(of: "_", with: " ").capitalized) is a whole number from 0 to \(ClauseLibrary.largestParameter.formatted()), not \"\(given)\".")
                }
                parameters[name] = number
            }
            if !parameters.isEmpty, !status.isInForce {
                return try await refuse("Only a clause in force (present or deviation) has signed numbers: clear them, or choose present or deviation.")
            }
            let note = typed["note"] ?? ""
            if note.count > 2000 { return try await refuse("Keep the note to 2,000 characters; it has \(note.count.formatted()).") }
            let (store, library, signed) = (ContractStore(database: database), catalog.clauses, parameters)
            do {
                _ = try await blocking.run {
                    try store.setClause(contract: id, key: key, status: status, note: note, verifiedBy: person.user.email, parameters: signed,
                                        library: library, actor: person.user.email)
                }
            } catch StorageError.notFound {
                return notFound(person, "There is no contract \(id).")
            } catch StorageError.invalid(_, let reason) {
                return try await refuse(Self.sentence(reason))
            }
            return SignInController.redirect(to: "/contracts/\(id)?done=clause#clause-\(key)")
        }
    }
}
