import CivilTime
import Foundation
import HTTPTypes
import Hummingbird
import Storage
import SupplierRisk

/// Incidents from the workspace: record one at a vendor (`/vendors/{slug}/incidents`), and on its page
/// (`/incidents/{id}`) see the notice check as the score judges it, update it, resolve or close it.
extension WorkspaceController {
    struct IncidentForm: Decodable {
        var csrf: String?
        var title: String?
        var category: String?
        var severity: String?
        var status: String?
        var occurred: String?
        var detected: String?
        var aware: String?
        var notified: String?
        var resolution: String?
        var resolved: String?
    }

    @Sendable func incidentForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            guard person.user.role >= .analyst else { return readOnly(person, "Recording an incident") }
            return incidentFormPage(person, vendor: vendor, typed: ["severity": "medium"], problems: [], status: .ok)
        }
    }

    /// A moment typed as 2026-12-08T09:30 (UTC) or 2026-12-08, checked; empty is nil. Adds a problem for `field` when
    /// it is not a moment, or is in the future.
    static func moment(_ typed: [String: String], _ field: String, _ label: String, into problems: inout [(field: String, message: String)]) -> Date? {
        let text = typed[field] ?? ""
        guard !text.isEmpty else { return nil }
        guard let date = moment(text) else {
            problems.append((field, "\"\(text)\" is not a time: write it as 2026-12-08T09:30 (UTC), or a day as 2026-12-08."))
            return nil
        }
        if date > Date().addingTimeInterval(300) { problems.append((field, "\(label) is in the future.")) }
        return date
    }

    @Sendable func addIncident(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            let form = try await postedForm(IncidentForm.self, request, person, csrf: \.csrf, what: "Recording an incident")
            let typed = ["title": form.title, "category": form.category, "severity": form.severity, "occurred": form.occurred,
                         "detected": form.detected, "aware": form.aware, "notified": form.notified]
                .mapValues { ($0 ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
            var problems: [(field: String, message: String)] = []
            let title = typed["title"]!
            if title.isEmpty { problems.append(("title", "Say what happened, in a line.")) }
            if title.count > 300 { problems.append(("title", "Keep the title to 300 characters; it has \(title.count).")) }
            let category = Incident.Category(rawValue: typed["category"]!)
            if category == nil { problems.append(("category", "Choose what kind of incident it is.")) }
            let severity = Incident.Severity(rawValue: typed["severity"]!)
            if severity == nil { problems.append(("severity", "Choose its severity.")) }
            let occurred = Self.moment(typed, "occurred", "When it happened", into: &problems)
            if occurred == nil, typed["occurred"]!.isEmpty { problems.append(("occurred", "Give when it happened.")) }
            let detected = Self.moment(typed, "detected", "When it was detected", into: &problems)
            let aware = Self.moment(typed, "aware", "When the vendor knew", into: &problems)
            let notified = Self.moment(typed, "notified", "When the vendor told us", into: &problems)
            if let occurred {
                if let detected, detected < occurred { problems.append(("detected", "It was detected before it happened (\(CivilTime.minuteText(occurred))).")) }
                if let notified, notified < occurred { problems.append(("notified", "The vendor told us before it happened (\(CivilTime.minuteText(occurred))).")) }
                if let aware, aware < occurred { problems.append(("aware", "The vendor knew before it happened (\(CivilTime.minuteText(occurred))).")) }
            }
            guard problems.isEmpty, let category, let severity, let occurred else {
                return incidentFormPage(person, vendor: vendor, typed: typed, problems: problems, status: .unprocessableContent)
            }
            let store = IncidentStore(database: database)
            do {
                let incident = try await blocking.run {
                    try store.add(vendor: vendor.slug, title: title, category: category, severity: severity, occurredAt: occurred,
                                  detectedAt: detected ?? occurred, vendorAwareAt: aware, vendorNotifiedAt: notified, actor: person.user.email)
                }
                return SignInController.redirect(to: "/incidents/\(incident.id)?done=recorded")
            } catch StorageError.invalid(let field, let reason) {
                return incidentFormPage(person, vendor: vendor, typed: typed, problems: [(Self.incidentField(field), Self.sentence(reason))],
                                        status: .unprocessableContent)
            }
        }
    }

    /// A time as a datetime-local field holds it: 2026-12-08T09:30 (UTC).
    static func minuteField(_ date: Date) -> String {
        String(CivilTime.minuteText(date).prefix(16)).replacingOccurrences(of: " ", with: "T")
    }

    /// The form's field for a Storage field of an incident.
    static func incidentField(_ field: String) -> String {
        ["detectedAt": "detected", "vendorNotifiedAt": "notified", "vendorAwareAt": "aware", "resolvedAt": "resolved", "occurredAt": "occurred"][field] ?? field
    }

    func incidentFormPage(_ person: SignedInPerson, vendor: Vendor, typed: [String: String], problems: [(field: String, message: String)],
                          status: HTTPResponse.Status) -> Response {
        var page = Self.signedIn(person, at: "vendors")
        page["vendor"] = ["slug": vendor.slug, "name": vendor.name]
        page["form"] = typed
        Self.showProblems(problems, in: &page)
        page["categories"] = Self.choices(Incident.Category.allCases.map(\.rawValue), typed["category"])
        page["severities"] = Self.choices(Incident.Severity.allCases.map(\.rawValue), typed["severity"])
        return HTMLPage.response(status, pages.render(page, withTemplate: "incident-form") ?? "")
    }

    static func choices(_ values: [String], _ chosen: String?) -> [[String: Any]] {
        values.map { ["value": $0, "label": $0.replacingOccurrences(of: "_", with: " "), "selected": chosen == $0] }
    }

    @Sendable func incidentPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let text = try context.parameters.require("id")
        guard let id = Int(text), id > 0 else { return notFound(person, "There is no incident \(text): an incident is a number, such as 12.") }
        let done = request.uri.queryParameters.get("done").flatMap { ["recorded": "Incident recorded.", "updated": "Incident updated."][String($0)] }
        return try await incidentPage(person, id: id, done: done, typed: nil, problems: [], status: .ok)
    }

    func incidentPage(_ person: SignedInPerson, id: Int, done: String?, typed: [String: String]?, problems: [(field: String, message: String)],
                      status: HTTPResponse.Status) async throws -> Response {
        let (incidents, vendors) = (IncidentStore(database: database), VendorStore(database: database, tiering: catalog.scoring.tiering))
        let (scoring, library) = (catalog.scoring, catalog.clauses)
        let now = Date()
        let found: (Incident, VendorStanding)
        do {
            found = try await blocking.run {
                let incident = try incidents.incident(id)
                return (incident, VendorStanding(try vendors.dossier(incident.vendor), scoring: scoring, library: library, now: now))
            }
        } catch StorageError.notFound {
            return notFound(person, "There is no incident \(id).")
        }
        let (incident, standing) = found
        var page = Self.signedIn(person, at: "vendors")
        page["done"] = done
        page["vendor"] = ["slug": standing.dossier.vendor.slug, "name": standing.dossier.vendor.name]
        func minute(_ date: Date?) -> String { date.map(CivilTime.minuteText) ?? "—" }
        page["incident"] = [
            "id": incident.id, "title": incident.title, "category": incident.category.rawValue.replacingOccurrences(of: "_", with: " "),
            "severity": incident.severity.rawValue, "status": incident.status.rawValue, "occurred": minute(incident.occurredAt),
            "detected": minute(incident.detectedAt), "aware": minute(incident.vendorAwareAt), "notified": minute(incident.vendorNotifiedAt),
            "resolution": incident.resolution ?? "—", "resolved": minute(incident.resolvedAt),
        ]
        page["notice"] = Self.noticeCheck(incident, sla: standing.noticeSLA, now: now)
        if person.user.role >= .analyst {
            func text(_ date: Date?) -> String { date.map(Self.minuteField) ?? "" }
            let values = typed ?? ["status": incident.status.rawValue, "severity": incident.severity.rawValue, "aware": text(incident.vendorAwareAt),
                                   "notified": text(incident.vendorNotifiedAt), "resolution": incident.resolution ?? "", "resolved": text(incident.resolvedAt)]
            var form: [String: Any] = ["values": values, "statuses": Self.choices(Incident.Status.allCases.map(\.rawValue), values["status"]),
                                       "severities": Self.choices(Incident.Severity.allCases.map(\.rawValue), values["severity"])]
            Self.showProblems(problems, in: &form)
            page["change"] = form
        }
        return HTMLPage.response(status, pages.render(page, withTemplate: "incident") ?? "")
    }

    /// The notice check in words, as the score judges it: the clock from the vendor's awareness (else detection), the
    /// SLA signed (else the library's for the tier), and whether the notice is late.
    static func noticeCheck(_ incident: Incident, sla: (hours: Int, source: Score.SLASource)?, now: Date) -> [String: Any] {
        let from = incident.vendorAwareAt == nil ? "detection" : "the vendor's awareness"
        var check: [String: Any] = ["from": "The clock starts at \(from), \(CivilTime.minuteText(incident.noticeClockStart))."]
        guard let sla else {
            check["verdict"] = "No notice SLA applies: the vendor's contract signs none and the library sets none for its tier."
            return check
        }
        let due = incident.noticeClockStart.addingTimeInterval(Double(sla.hours) * 3_600)
        check["sla"] = "SLA \(sla.hours) hours (\(sla.source == .contract ? "as signed in the contract" : "the library's for the tier; none signed")): due by \(CivilTime.minuteText(due))."
        let late = incident.isNoticeLate(slaHours: sla.hours, now: now)
        check["late"] = late
        if let hours = incident.noticeHours {
            check["verdict"] = "Notified \(Int(hours.rounded())) hours after \(from): \(late ? "late" : "on time")."
        } else {
            check["verdict"] = late ? "Not notified yet, and past due: late." : "Not notified yet; not late until \(CivilTime.minuteText(due))."
        }
        check["counts"] = incident.isOpen ? "While the incident is open, a late notice counts in the vendor's score." : "The incident is \(incident.status.rawValue): its notice no longer counts in the score."
        return check
    }

    @Sendable func updateIncident(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let text = try context.parameters.require("id")
            guard let id = Int(text), id > 0 else { return notFound(person, "There is no incident \(text).") }
            let form = try await postedForm(IncidentForm.self, request, person, csrf: \.csrf, what: "Updating an incident")
            let typed = ["status": form.status, "severity": form.severity, "aware": form.aware, "notified": form.notified,
                         "resolution": form.resolution, "resolved": form.resolved].mapValues { ($0 ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
            var problems: [(field: String, message: String)] = []
            let status = Incident.Status(rawValue: typed["status"]!)
            if status == nil { problems.append(("status", "Choose where handling stands.")) }
            let severity = Incident.Severity(rawValue: typed["severity"]!)
            if severity == nil { problems.append(("severity", "Choose its severity.")) }
            let aware = Self.moment(typed, "aware", "When the vendor knew", into: &problems)
            let notified = Self.moment(typed, "notified", "When the vendor told us", into: &problems)
            let resolved = Self.moment(typed, "resolved", "When it was resolved", into: &problems)
            let resolution = typed["resolution"]!
            if let status, status == .resolved || status == .closed, resolution.isEmpty {
                problems.append(("resolution", "Say how it was resolved: the committee reads it."))
            }
            if resolution.count > 4000 { problems.append(("resolution", "Keep the resolution to 4,000 characters.")) }
            guard problems.isEmpty else {
                return try await incidentPage(person, id: id, done: nil, typed: typed, problems: problems, status: .unprocessableContent)
            }
            // A time shown and sent back unchanged is not written again: the form shows minutes, the record may hold seconds.
            let store = IncidentStore(database: database)
            let current: Incident
            do {
                current = try await blocking.run { try store.incident(id) }
            } catch StorageError.notFound {
                return notFound(person, "There is no incident \(id).")
            }
            func unchanged(_ field: String, _ date: Date?) -> Bool { typed[field] == date.map(Self.minuteField) }
            let change = IncidentChange(status: status, severity: severity, vendorAwareAt: unchanged("aware", current.vendorAwareAt) ? nil : aware,
                                        vendorNotifiedAt: unchanged("notified", current.vendorNotifiedAt) ? nil : notified,
                                        resolution: resolution.isEmpty ? nil : resolution,
                                        resolvedAt: unchanged("resolved", current.resolvedAt) ? nil : resolved)
            do {
                _ = try await blocking.run { try store.update(id, change, actor: person.user.email) }
            } catch StorageError.notFound {
                return notFound(person, "There is no incident \(id).")
            } catch StorageError.invalid(let field, let reason) {
                return try await incidentPage(person, id: id, done: nil, typed: typed, problems: [(Self.incidentField(field), Self.sentence(reason))],
                                              status: .unprocessableContent)
            }
            return SignInController.redirect(to: "/incidents/\(id)?done=updated")
        }
    }
}
