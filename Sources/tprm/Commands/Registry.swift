import CivilTime
import ArgumentParser
import Foundation
import Storage
import SupplierRisk

/// `tprm cert …`: certificates vendors hold.
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert", abstract: "Record and list vendors' certificates.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a certificate a vendor holds.")
        @Argument(help: "The vendor's slug.") var vendor: String
        @Option(help: ArgumentHelp("\(Certification.Standard.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "standard")) var standard: Certification.Standard
        @Option(help: ArgumentHelp("Who issued it.", valueName: "name")) var issuer: String
        @Option(help: ArgumentHelp("What it covers.", valueName: "text")) var scope: String = ""
        @Option(help: ArgumentHelp("Date issued.", valueName: "date"), transform: Arguments.date) var issued: Date?
        @Option(help: ArgumentHelp("Date it expires.", valueName: "date"), transform: Arguments.date) var expires: Date
        @OptionGroup var registry: RegistryOptions

        func validate() throws {
            if issuer.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--issuer must not be empty") }
        }

        func run() async throws {
            let certificate = try CertificationStore(database: try registry.openDatabase()).add(
                vendor: vendor, standard: standard,
                issuer: issuer, scope: scope, issuedOn: issued,
                expiresOn: expires, actor: registry.actorName)
            print("recorded \(certificate.standard.title) for \(vendor), expires \(CivilTime.dayText(certificate.expiresOn))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a vendor's certificates; expired ones are marked.")
        @Argument(help: "The vendor's slug.") var vendor: String
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let certificates = try CertificationStore(database: try registry.openDatabase()).list(vendor: vendor).items
            if json { return try Output.json(certificates) }
            if certificates.isEmpty { return print("no certificates recorded for \(vendor)") }
            let now = Date()
            print(Output.table(["STANDARD", "ISSUER", "EXPIRES", "", "SCOPE"], certificates.map {
                [$0.standard.title, $0.issuer, CivilTime.dayText($0.expiresOn), $0.isExpired(on: now) ? "EXPIRED" : "", $0.scope]
            }))
        }
    }
}

/// `tprm contract …`: contracts and their clauses.
struct ContractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contract", abstract: "Record contracts and the status of each library clause.",
        subcommands: [Add.self, Show.self, Clause.self, Clauses.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a contract with a vendor; prints its id.")
        @Argument(help: "The vendor's slug.") var vendor: String
        @Option(help: ArgumentHelp("Our reference: a contract number or title, unique per vendor.", valueName: "text")) var reference: String
        @Option(help: ArgumentHelp("Date it takes effect.", valueName: "date"), transform: Arguments.date) var effective: Date
        @Option(help: ArgumentHelp("Date it ends.", valueName: "date"), transform: Arguments.date) var expires: Date?
        @Option(name: .customLong("renewal-notice-days"), help: ArgumentHelp("Days before expiry to give notice.", valueName: "days")) var renewalNoticeDays: Int?
        @Option(help: ArgumentHelp("Annual value, such as 120000.50 (with --currency).", valueName: "amount"), transform: Arguments.decimal) var value: Decimal?
        @Option(help: ArgumentHelp("ISO 4217 code of the value, such as EUR.", valueName: "code")) var currency: String?
        @OptionGroup var registry: RegistryOptions

        func validate() throws {
            if (value == nil) != (currency == nil) { throw ValidationError("give --value and --currency together") }
            if let renewalNoticeDays, renewalNoticeDays < 0 { throw ValidationError("--renewal-notice-days must not be negative") }
        }

        func run() async throws {
            let contract = try ContractStore(database: try registry.openDatabase()).add(
                vendor: vendor, reference: reference, effectiveOn: effective,
                expiresOn: expires, renewalNoticeDays: renewalNoticeDays,
                annualValue: value, currency: currency?.uppercased(), actor: registry.actorName)
            print("recorded contract #\(contract.id) \(contract.reference) with \(vendor); set its clauses with: tprm contract clause set \(contract.id) KEY STATUS")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a contract with its clause statuses and the gaps against the vendor's required clauses.")
        @Argument(help: "The contract's id.") var contract: Int
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let database = try registry.openDatabase()
            let library = try registry.catalog.clauseLibrary()
            let contract = try ContractStore(database: database).contract(self.contract)
            let vendor = try VendorStore(database: database, tiering: try registry.catalog.scoring().tiering).vendor(contract.vendor)
            let gaps = library.gaps(tier: vendor.tier, profile: vendor.profile, recorded: contract.clauses)
            if json { return try Output.json(contract) }
            print("#\(contract.id) \(contract.reference) with \(vendor.name) (\(vendor.slug), tier \(vendor.tier.rawValue))")
            var terms = "from \(CivilTime.dayText(contract.effectiveOn))"
            if let expires = contract.expiresOn { terms += " to \(CivilTime.dayText(expires))" }
            if let deadline = contract.renewalNoticeDeadline { terms += ", renewal notice by \(CivilTime.dayText(deadline))" }
            if let value = contract.annualValue, let currency = contract.currency { terms += ", \(value) \(currency) a year" }
            print(terms)
            print("")
            if contract.clauses.isEmpty { print("no clause statuses recorded") } else {
                print(Output.table(["CLAUSE", "STATUS", "SIGNED", "VERIFIED BY", "NOTE"], contract.clauses.map {
                    [$0.key, $0.status.rawValue, $0.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "), $0.verifiedBy ?? "", $0.note]
                }))
            }
            print("")
            print("gaps: \(gaps.count) required clauses not satisfied")
            for gap in gaps { print("  \(gap.clause.key) (\(gap.status?.rawValue ?? "not recorded")): \(gap.clause.title)") }
        }
    }

    struct Clause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set clause statuses.", subcommands: [Set.self])

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Set the status of a library clause in a contract.")
            @Argument(help: "The contract's id.") var contract: Int
            @Argument(help: "The clause's key (tprm contract clauses lists them).") var key: String
            @Argument(help: ArgumentHelp("\(ClauseStatus.allCases.map(\.rawValue).joined(separator: ", ")).")) var status: ClauseStatus
            @Option(help: ArgumentHelp("What was agreed or is missing.", valueName: "text")) var note: String = ""
            @Option(name: .customLong("verified-by"), help: ArgumentHelp("Who checked the contract text.", valueName: "name")) var verifiedBy: String?
            @Option(name: .customLong("param"), help: ArgumentHelp(
                "A number the contract signed for the clause, as name=value (repeat for several), such as sla_hours=24.", valueName: "name=value"))
            var parameters: [String] = []
            @OptionGroup var registry: RegistryOptions

            func validate() throws {
                _ = try Self.parameters(parameters)
            }

            /// `sla_hours=24` pairs, each a name and a whole number.
            static func parameters(_ pairs: [String]) throws -> [String: Int] {
                var parameters: [String: Int] = [:]
                for pair in pairs {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, !parts[0].isEmpty, let value = Int(parts[1]) else {
                        throw ValidationError("--param: \"\(pair)\" is not name=value with a whole number, such as sla_hours=24")
                    }
                    guard parameters.updateValue(value, forKey: parts[0]) == nil else { throw ValidationError("--param: \(parts[0]) is given twice") }
                }
                return parameters
            }

            func run() async throws {
                let status = status
                let signed = try Self.parameters(parameters)
                try ContractStore(database: try registry.openDatabase()).setClause(
                    contract: contract, key: key, status: status, note: note, verifiedBy: verifiedBy, parameters: signed,
                    library: try registry.catalog.clauseLibrary(), actor: registry.actorName)
                let numbers = signed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                print("contract #\(contract): \(key) is \(status.rawValue)" + (numbers.isEmpty ? "" : ", signed with \(numbers)"))
            }
        }
    }

    struct Clauses: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the clause library: keys, titles and who must have each.")
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let library = try registry.catalog.clauseLibrary()
            if json { return try Output.json(library.clauses) }
            print(Output.table(["KEY", "REQUIRED FOR", "TITLE"], library.clauses.map { clause in
                let tiers = Tier.allCases.reversed().filter { clause.requiredTiers.contains($0) }.map(\.rawValue)
                let required = (tiers.isEmpty ? [] : [tiers.joined(separator: ",")]) + clause.requiredWhen
                return [clause.key, required.joined(separator: "; "), clause.title]
            }))
        }
    }
}

/// `tprm incident …`: incidents at vendors.
struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident", abstract: "Record and follow incidents at vendors.", subcommands: [Add.self, Update.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an incident; prints its id.")
        @Argument(help: "The vendor's slug.") var vendor: String
        @Option(help: ArgumentHelp("A short title.", valueName: "text")) var title: String
        @Option(help: ArgumentHelp("\(Incident.Category.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "category")) var category: Incident.Category
        @Option(help: ArgumentHelp("low, medium, high or critical.", valueName: "severity")) var severity: Incident.Severity
        @Option(help: ArgumentHelp("When it happened (2026-11-29T14:30Z; UTC without a zone).", valueName: "time"), transform: Arguments.date) var occurred: Date
        @Option(help: ArgumentHelp("When it was noticed (default: when it happened).", valueName: "time"), transform: Arguments.date) var detected: Date?
        @Option(help: ArgumentHelp("When the vendor itself became aware, if known: its notice period runs from then.", valueName: "time"), transform: Arguments.date) var aware: Date?
        @Option(help: ArgumentHelp("When the vendor told us, if it has.", valueName: "time"), transform: Arguments.date) var notified: Date?
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            let occurredAt = occurred
            let incident = try IncidentStore(database: try registry.openDatabase()).add(
                vendor: vendor, title: title, category: category,
                severity: severity, occurredAt: occurredAt,
                detectedAt: detected ?? occurredAt,
                vendorAwareAt: aware,
                vendorNotifiedAt: notified, actor: registry.actorName)
            print("recorded incident #\(incident.id) at \(vendor)")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an incident's status, severity, notice time or resolution.")
        @Argument(help: "The incident's id.") var incident: Int
        @Option(help: ArgumentHelp("open, investigating, resolved or closed.", valueName: "status")) var status: Incident.Status?
        @Option(help: ArgumentHelp("low, medium, high or critical.", valueName: "severity")) var severity: Incident.Severity?
        @Option(help: ArgumentHelp("When the vendor itself became aware.", valueName: "time"), transform: Arguments.date) var aware: Date?
        @Option(help: ArgumentHelp("When the vendor told us.", valueName: "time"), transform: Arguments.date) var notified: Date?
        @Option(help: ArgumentHelp("What was done.", valueName: "text")) var resolution: String?
        @Option(help: ArgumentHelp("When it was resolved (default: now, when resolving).", valueName: "time"), transform: Arguments.date) var resolved: Date?
        @OptionGroup var registry: RegistryOptions

        func validate() throws {
            if status == nil, severity == nil, aware == nil, notified == nil, resolution == nil, resolved == nil {
                throw ValidationError("nothing to change: give --status, --severity, --aware, --notified, --resolution or --resolved")
            }
        }

        func run() async throws {
            let change = IncidentChange(
                status: status,
                severity: severity,
                vendorAwareAt: aware,
                vendorNotifiedAt: notified,
                resolution: resolution, resolvedAt: resolved)
            let incident = try IncidentStore(database: try registry.openDatabase()).update(incident, change, actor: registry.actorName)
            print("incident #\(incident.id) is \(incident.status.rawValue)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List incidents, of one vendor or all.")
        @Argument(help: "A vendor's slug (default: all vendors).") var vendor: String?
        @Flag(help: "Only open and investigating ones.") var open = false
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let incidents = try IncidentStore(database: try registry.openDatabase()).list(vendor: vendor, openOnly: open).items
            if json { return try Output.json(incidents) }
            if incidents.isEmpty { return print("no incidents") }
            print(Output.table(["ID", "VENDOR", "OCCURRED", "SEVERITY", "CATEGORY", "STATUS", "TITLE"], incidents.map {
                [String($0.id), $0.vendor, CivilTime.dayText($0.occurredAt), $0.severity.rawValue, $0.category.rawValue, $0.status.rawValue, $0.title]
            }))
        }
    }
}

/// `tprm fourth-party list`: concentration on foundation-model providers and sub-processors.
struct FourthPartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fourth-party", abstract: "Fourth parties our vendors depend on.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List fourth parties with how many vendors, and critical ones, depend on each.")
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let rows = try FourthPartyStore(database: try registry.openDatabase()).concentration().items
            if json { return try Output.json(rows) }
            if rows.isEmpty { return print("no fourth parties recorded") }
            print(Output.table(["NAME", "ROLE", "VENDORS", "CRITICAL", "SHARE"], rows.map {
                [$0.name, $0.roles.joined(separator: ","), String($0.vendors), String($0.criticalVendors), String(format: "%.0f%%", $0.share * 100)]
            }))
        }
    }
}
