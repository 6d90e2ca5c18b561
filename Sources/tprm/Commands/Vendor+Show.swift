import CivilTime
import ArgumentParser
import Foundation
import Storage
import SupplierRisk

extension VendorCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a vendor: profile, tier and why, certificates, clause gaps, open incidents."
        )

        @Argument(help: "The vendor's slug.") var vendor: String
        @Option(name: .customLong("as-of"), help: ArgumentHelp("Judge expiry and lateness on this date (default: now).", valueName: "date"), transform: Arguments.date) var asOf: Date?
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        struct Report: Encodable {
            let dossier: VendorDossier
            let tier: TierAssessment
            let requiredClauses: [String]
            let clauseGaps: [Gap]
            let expiredCertifications: [Int]
            let lateNotices: [Int]

            struct Gap: Encodable {
                let clause: String
                let title: String
                let status: String
            }
        }

        func run() async throws {
            let now = asOf ?? Date()
            let scoring = try registry.catalog.scoring()
            let library = try registry.catalog.clauseLibrary()
            let dossier = try VendorStore(database: try registry.openDatabase(), tiering: scoring.tiering).dossier(vendor)
            let standing = VendorStanding(dossier, scoring: scoring, library: library, now: now)
            let report = Report(
                dossier: dossier, tier: standing.tier,
                requiredClauses: standing.requiredClauses.map(\.key),
                clauseGaps: standing.clauseGaps.map { Report.Gap(clause: $0.clause.key, title: $0.clause.title, status: $0.status?.rawValue ?? "not recorded") },
                expiredCertifications: dossier.certifications.filter { standing.expiredCertifications.contains($0.id) }.map(\.id),
                lateNotices: dossier.openIncidents.filter { standing.lateNotices.contains($0.id) }.map(\.id))
            let current = standing.contractsInForce, sla = standing.noticeSLA
            if json { return try Output.json(report) }
            print(render(report, current: current, sla: sla, now: now))
        }

        func render(_ report: Report, current: [Contract], sla: (hours: Int, source: Score.SLASource)?, now: Date) -> String {
            let vendor = report.dossier.vendor
            var lines: [String] = []
            lines.append("\(vendor.name) (\(vendor.slug)) · \(vendor.status.rawValue) · owner: \(vendor.businessOwner)" + (vendor.contactEmail.map { " · contact: \($0)" } ?? ""))
            lines.append("")
            lines.append("Tier: \(vendor.tier.rawValue)")
            if report.tier.tier != vendor.tier {
                lines.append("  note: the rules in scoring.yaml now give tier \(report.tier.tier.rawValue); any vendor update applies them")
            }
            let decisive = Set(report.tier.decisive.map(\.fact))
            lines.append(Output.table(["", "FACT", "REACHES"], report.tier.reasons.map {
                [decisive.contains($0.fact) ? "▸" : " ", $0.kind == .override ? "override: \($0.fact)" : $0.fact, $0.tier.rawValue]
            }).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            lines.append("")
            lines.append("AI profile")
            let profile = vendor.profile
            lines.append(Output.table(["", ""], [
                ["offering", profile.offering.rawValue + (profile.description.isEmpty ? "" : ": \(profile.description)")],
                ["data", profile.dataCategories.map(\.rawValue).sorted().joined(separator: ", ")],
                ["decision impact", profile.decisionImpact.rawValue],
                ["EU AI Act", profile.aiActClass.rawValue],
                ["autonomy", profile.autonomy.rawValue],
                ["criticality", profile.businessCriticality.rawValue],
                ["regions", profile.hostingRegions.isEmpty ? "-" : profile.hostingRegions.joined(separator: ", ")],
                ["foundation models", vendor.foundationModels.isEmpty ? "-" : vendor.foundationModels.joined(separator: ", ")],
                ["sub-processors", vendor.subProcessors.isEmpty ? "-" : vendor.subProcessors.joined(separator: ", ")],
            ]).split(separator: "\n").dropFirst().map { "  " + $0 }.joined(separator: "\n"))
            lines.append("")
            lines.append("Certificates")
            if report.dossier.certifications.isEmpty { lines.append("  none recorded") }
            for certificate in report.dossier.certifications {
                let expired = report.expiredCertifications.contains(certificate.id)
                lines.append("  \(certificate.standard.title) by \(certificate.issuer), \(expired ? "EXPIRED" : "expires") \(CivilTime.dayText(certificate.expiresOn))"
                             + (certificate.scope.isEmpty ? "" : " — \(certificate.scope)"))
            }
            lines.append("")
            lines.append("Contracts in force")
            if current.isEmpty { lines.append("  none recorded") }
            for contract in current {
                var line = "  #\(contract.id) \(contract.reference), from \(CivilTime.dayText(contract.effectiveOn))"
                if let expires = contract.expiresOn { line += " to \(CivilTime.dayText(expires))" }
                if let deadline = contract.renewalNoticeDeadline { line += ", renewal notice by \(CivilTime.dayText(deadline))" }
                lines.append(line)
            }
            lines.append("")
            lines.append("Clause gaps: \(report.clauseGaps.count) of \(report.requiredClauses.count) required clauses not satisfied")
            if !report.clauseGaps.isEmpty {
                lines.append(Output.table(["CLAUSE", "STATUS", "TITLE"], report.clauseGaps.map { [$0.clause, $0.status, $0.title] })
                    .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            }
            lines.append("")
            lines.append("Open incidents")
            if report.dossier.openIncidents.isEmpty { lines.append("  none") }
            for incident in report.dossier.openIncidents {
                var line = "  #\(incident.id) \(CivilTime.dayText(incident.occurredAt)) \(incident.severity.rawValue) \(incident.category.rawValue): \(incident.title)"
                if let sla {
                    let from = incident.vendorAwareAt == nil ? "detection" : "the vendor's awareness"
                    let notice = incident.noticeHours.map { "notice \(Int($0.rounded())) h after \(from)" } ?? "no notice yet"
                    let source = sla.source == .contract ? "as signed" : "the library's, none signed"
                    line += " (\(notice), SLA \(sla.hours) h \(source)\(report.lateNotices.contains(incident.id) ? ": LATE" : ""))"
                }
                lines.append(line)
            }
            return lines.joined(separator: "\n")
        }
    }
}
