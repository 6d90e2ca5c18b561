import CivilTime
import Foundation
import Hummingbird
import Reports
import Storage
import SupplierRisk

/// `/vendors/{slug}`: everything tprm knows of one vendor, and why its score is what it is.
extension WorkspaceController {
    /// What the page reads, in one go on the request's thread.
    struct VendorReading {
        let standing: VendorStanding
        let score: StoredScore?
        let history: [ScoreHistoryEntry]
        let actions: [WhatIf]
        let incidents: [Incident]
        let assessments: [AssessmentSummary]
        let fourthParties: [SharedFourthParty]
        let audit: [AuditEntry]
        /// The files of its certificates and contracts.
        let documents: [DocumentRecord]
        /// The domain title of each question of the assessments scored (the full one and the check-in), by question id.
        let domains: [String: String]
    }

    /// How much of each part the page shows at once; the score's other lines are one click away, on the page.
    static let historyShown = 24, actionsShown = 5, listShown = 20, linesShown = 12

    func read(_ slug: String, now: Date) throws -> VendorReading {
        let dossier = try VendorStore(database: database, tiering: catalog.scoring.tiering).dossier(slug)
        let scores = ScoringStore(database: database)
        let history = try scores.history(slug).items
        let inputs = try scores.inputs(slug, asOf: now)
        var domains: [String: String] = [:]
        for questionnaire in [inputs.checkIn?.questionnaire, inputs.assessment?.questionnaire].compactMap({ $0 }) {
            let titles = Dictionary(questionnaire.domains.map { ($0.key, $0.title) }, uniquingKeysWith: { first, _ in first })
            for question in questionnaire.questions { domains[question.id] = titles[question.domain] ?? question.domain }
        }
        return VendorReading(
            standing: VendorStanding(dossier, scoring: catalog.scoring, library: catalog.clauses, now: now),
            score: try scores.score(slug),
            history: Array(history.suffix(Self.historyShown)),
            actions: Array(WhatIf.actions(for: inputs, model: model).prefix(Self.actionsShown)),
            incidents: try IncidentStore(database: database).list(vendor: slug, limit: Self.listShown).items,
            assessments: try AssessmentOutreachStore(database: database).list(vendor: slug, limit: Self.listShown),
            fourthParties: try FourthPartyStore(database: database).sharing(vendor: slug),
            audit: Array(try AuditLog(database: database).entries(entity: "vendor", id: slug).items.suffix(Self.listShown).reversed()),
            documents: try DocumentStore(database: database).list(vendor: slug),
            domains: domains)
    }

    @Sendable func vendorPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let given = try context.parameters.require("slug")
        return try await vendorPage(person, slug: given.removingPercentEncoding ?? given)
    }

    /// The vendor page for `person`: the part kept for everyone, with the person's header and, for an analyst, the
    /// forms that change the vendor (a problem of the status form above it, with the reason typed).
    func vendorPage(_ person: SignedInPerson, slug: String, statusProblem: String? = nil, chosen: String? = nil, reason: String = "",
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        let now = Date()
        let missing = "There is no vendor \(slug). It may have been renamed; find it in the vendor list."
        // The revision is read before the reading: a page kept with it is never older than the revision says.
        let store = store
        guard let revision = try await blocking.run({ try store.revision(slug) }) else { return notFound(person, missing) }
        let page: VendorPageCache.Page
        if let kept = vendorPages.page(slug, revision: revision, now: now) {
            page = kept
        } else {
            let reading: VendorReading
            do {
                reading = try await blocking.run { try read(slug, now: now) }
            } catch StorageError.notFound {
                return notFound(person, missing)
            }
            let vendor = reading.standing.dossier.vendor
            let (head, body) = vendorBody(reading, now: now)
            page = VendorPageCache.Page(title: vendor.name, status: vendor.status, head: head, body: body)
            vendorPages.keep(page, slug: slug, revision: revision, madeAt: now)
        }
        var frame = Self.signedIn(person, at: "vendors")
        frame["title"] = page.title
        frame["head"] = page.head
        frame["body"] = page.body
        frame["slug"] = slug
        // The status chosen in a form refused comes back chosen; else the vendor's own.
        let selected = chosen ?? page.status.rawValue
        frame["statuses"] = Vendor.Status.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == selected] as [String: Any] }
        frame["statusProblem"] = statusProblem
        frame["reason"] = reason
        return HTMLPage.response(status, pages.render(frame, withTemplate: "vendor") ?? "")
    }

    /// The page below the person's header, the same for everyone, in two parts (the vendor's name and standing, then
    /// the rest), between which an analyst's page has its forms: what ``VendorPageCache`` keeps.
    func vendorBody(_ reading: VendorReading, now: Date) -> (head: String, body: String) {
        var page: [String: Any] = [:]
        let standing = reading.standing, vendor = standing.dossier.vendor
        page["vendor"] = ["slug": vendor.slug, "name": vendor.name, "status": vendor.status.rawValue, "tier": vendor.tier.rawValue,
                          "owner": vendor.businessOwner, "contact": vendor.contactEmail ?? "none recorded"]
        page["tierNote"] = standing.tier.tier == vendor.tier ? nil : "The rules in scoring.yaml now give the \(standing.tier.tier.rawValue) tier; the next change to the vendor applies them."
        let decisive = Set(standing.tier.decisive.map(\.fact))
        page["reasons"] = standing.tier.reasons.map {
            ["fact": $0.kind == .override ? "override: \($0.fact)" : $0.fact, "tier": $0.tier.rawValue, "decisive": decisive.contains($0.fact)] as [String: Any]
        }
        let profile = vendor.profile
        page["profile"] = [
            ["name": "Offering", "value": profile.offering.rawValue + (profile.description.isEmpty ? "" : ": \(profile.description)")],
            ["name": "Data", "value": profile.dataCategories.map(\.rawValue).sorted().joined(separator: ", ")],
            ["name": "Decision impact", "value": profile.decisionImpact.rawValue],
            ["name": "EU AI Act class", "value": profile.aiActClass.rawValue],
            ["name": "Autonomy", "value": profile.autonomy.rawValue],
            ["name": "Business criticality", "value": profile.businessCriticality.rawValue],
            ["name": "Hosting regions", "value": profile.hostingRegions.isEmpty ? "none recorded" : profile.hostingRegions.joined(separator: ", ")],
        ]
        if let stored = reading.score { page["score"] = scoreSection(stored, domains: reading.domains) }
        if reading.history.count > 1 {
            page["history"] = SVGChart.line(
                id: "history", title: "Residual risk over time", caption: "Every change of the score or rating",
                reading.history.map { (label: CivilTime.dayText($0.computedAt), value: Double($0.hundredths) / 100) },
                columns: ["When", "Residual risk", "Rating"], folded: true
            ) { [CivilTime.minuteText(reading.history[$0].computedAt), PackWriter.hundredths(reading.history[$0].hundredths), reading.history[$0].rating.rawValue] }
        }
        page["actions"] = reading.actions.map {
            ["action": $0.action, "target": $0.target, "after": PackWriter.hundredths($0.hundredths), "reduction": PackWriter.hundredths($0.reduction)]
        }
        func file(_ document: DocumentRecord) -> [String: Any] {
            ["name": document.filename, "link": "/vendors/\(standing.dossier.vendor.slug)/documents/\(document.id)", "opens": Self.inlineTypes.contains(document.contentType)]
        }
        page["certificates"] = standing.dossier.certifications.sorted { $0.expiresOn > $1.expiresOn }.map { certificate -> [String: Any] in
            let expired = standing.expiredCertifications.contains(certificate.id)
            let soon = !expired && certificate.expiresOn < now.addingTimeInterval(Double(WorkQueues.certificateWindowDays) * 86_400)
            var row: [String: Any] = ["standard": certificate.standard.title, "issuer": certificate.issuer, "scope": certificate.scope,
                                      "expires": CivilTime.dayText(certificate.expiresOn), "state": expired ? "expired" : soon ? "expiring" : "in force",
                                      "mark": expired || soon]
            if let document = reading.documents.first(where: { $0.certification == certificate.id }) { row["file"] = file(document) }
            return row
        }
        page["contracts"] = standing.contractsInForce.map { contract -> [String: Any] in
            var row: [String: Any] = ["id": contract.id, "reference": contract.reference, "from": CivilTime.dayText(contract.effectiveOn),
                                      "to": contract.expiresOn.map(CivilTime.dayText) ?? "open-ended"]
            if let deadline = contract.renewalNoticeDeadline { row["notice"] = CivilTime.dayText(deadline) }
            if let document = reading.documents.first(where: { $0.contract == contract.id }) { row["file"] = file(document) }
            return row
        }
        let gaps = Dictionary(standing.clauseGaps.map { ($0.clause.key, $0.status) }, uniquingKeysWith: { first, _ in first })
        let signed = Dictionary(standing.contractsInForce.flatMap(\.clauses).map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        page["clauses"] = standing.requiredClauses.map { clause -> [String: Any] in
            let gap = gaps.keys.contains(clause.key)
            let status = gap ? (gaps[clause.key]??.rawValue ?? "not recorded") : (signed[clause.key]?.status.rawValue ?? "present")
            var row: [String: Any] = ["key": clause.key, "title": clause.title, "status": status.replacingOccurrences(of: "_", with: " "), "gap": gap]
            if let parameters = signed[clause.key]?.parameters, !parameters.isEmpty {
                row["parameters"] = parameters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            }
            return row
        }
        page["gapCount"] = standing.clauseGaps.count
        page["requiredCount"] = standing.requiredClauses.count
        page["incidents"] = reading.incidents.map { incident -> [String: Any] in
            var row: [String: Any] = ["id": incident.id, "title": incident.title, "severity": incident.severity.rawValue, "category": incident.category.rawValue.replacingOccurrences(of: "_", with: " "),
                                      "status": incident.status.rawValue, "occurred": CivilTime.dayText(incident.occurredAt)]
            let from = incident.vendorAwareAt == nil ? "detection" : "the vendor's awareness"
            var notice = incident.noticeHours.map { "notified \(Int($0.rounded())) h after \(from)" } ?? "not notified yet"
            if let sla = standing.noticeSLA {
                notice += "; SLA \(sla.hours) h (\(sla.source == .contract ? "as signed" : "the library's; none signed"))"
            }
            row["notice"] = notice
            row["late"] = standing.lateNotices.contains(incident.id)
            return row
        }
        page["assessments"] = reading.assessments.map(Self.assessmentRow)
        page["fourthParties"] = reading.fourthParties.map { party -> [String: Any] in
            var row: [String: Any] = ["name": party.name, "role": party.role == "foundation_model" ? "foundation model" : "sub-processor",
                                      "others": party.others.map { ["slug": $0.slug, "name": $0.name] }, "hasOthers": !party.others.isEmpty,
                                      "otherCount": party.otherCount]
            // Left out when none: Mustache opens a section for any number, 0 included.
            if party.otherCount > party.others.count { row["more"] = party.otherCount - party.others.count }
            return row
        }
        page["audit"] = reading.audit.map { ["at": CivilTime.minuteText($0.at), "actor": $0.actor, "action": $0.action.replacingOccurrences(of: "_", with: " ")] }
        // Mustache opens a section for a list once per item: each list's table is shown under a flag of its own.
        for key in ["actions", "certificates", "contracts", "incidents", "assessments", "fourthParties", "audit"] {
            page["has" + key.prefix(1).uppercased() + key.dropFirst()] = !((page[key] as? [Any])?.isEmpty ?? true)
        }
        page["madeAt"] = CivilTime.minuteText(now)
        page["maxAge"] = PortfolioCache.describe(vendorPages.maxAge)
        return (pages.render(page, withTemplate: "vendor-head") ?? "", pages.render(page, withTemplate: "vendor-body") ?? "")
    }

    /// The score: the total, its parts, and every line, largest first.
    func scoreSection(_ stored: StoredScore, domains: [String: String]) -> [String: Any] {
        let score = stored.score
        let components = ScoringParameters.Component.allCases.map { (key: $0.rawValue, count: score.hundredths(of: $0)) }.sorted { $0.count > $1.count }
        let counted = score.lines.filter { $0.hundredths > 0 }.sorted(by: Score.byWeight)
        let free = score.lines.filter { $0.hundredths == 0 }
        func domain(_ line: Score.Line) -> String? { line.source.kind == .question ? domains[line.source.id] : nil }
        let rows: [[String: Any]] = counted.enumerated().map { index, line in
            var row: [String: Any] = ["n": index + 1, "points": PackWriter.hundredths(line.hundredths), "component": line.component.rawValue,
                                      "source": line.source.description, "why": ScoreSentences.standard.text(line, library: catalog.clauses)]
            if let domain = domain(line) { row["domain"] = domain }
            return row
        }
        // The controls' points by the questionnaire's domains, largest first: where the answers cost most.
        var byDomain: [String: Int] = [:]
        for line in counted where line.component == .controls { byDomain[domain(line) ?? "other control lines", default: 0] += line.hundredths }
        let domainBars = byDomain.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { (key: $0.key, count: $0.value) }
        return [
            "total": PackWriter.hundredths(score.hundredths), "rating": score.rating.rawValue,
            "model": stored.model.map { "model \($0)" } ?? "model \(stored.modelVersion.prefix(12))", "asOf": CivilTime.minuteText(stored.asOf),
            "components": SVGChart.bars(id: "components", title: "Residual risk by component, largest first", components, unit: "points", folded: true, format: PackWriter.hundredths),
            "domains": domainBars.isEmpty ? "" : SVGChart.bars(
                id: "domains", title: "The controls' points by questionnaire domain, largest first", domainBars, unit: "points", folded: true,
                format: PackWriter.hundredths),
            "lines": rows.prefix(Self.linesShown).map { $0 }, "moreLines": rows.dropFirst(Self.linesShown).map { $0 },
            "hasMoreLines": rows.count > Self.linesShown, "moreCount": max(rows.count - Self.linesShown, 0), "shown": Self.linesShown,
            "free": free.map(\.source.description).joined(separator: ", "), "hasFree": !free.isEmpty, "freeCount": free.count,
            "sum": PackWriter.hundredths(score.lines.reduce(0) { $0 + $1.hundredths }), "lineCount": score.lines.count,
        ]
    }

    /// The 404 page of the workspace, with the person's header.
    func notFound(_ person: SignedInPerson, _ text: String) -> Response {
        var page = Self.signedIn(person)
        page["title"] = "Not found"
        page["text"] = text
        page["signedIn"] = true
        return HTMLPage.response(.notFound, pages.render(page, withTemplate: "workspace-error") ?? "")
    }
}
