import ArgumentParser
import Foundation
import Storage
import SupplierRisk

/// `tprm vendor …`: the supplier registry.
struct VendorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vendor",
        abstract: "Register and look up AI suppliers.",
        subcommands: [Add.self, List.self, Show.self, Update.self, Import.self]
    )
}

/// The AI profile options shared by `vendor add` and `vendor update`.
struct ProfileOptions: ParsableArguments {
    @Option(help: ArgumentHelp("What kind of AI: \(AIProfile.Offering.expected).", valueName: "kind")) var offering: AIProfile.Offering?
    @Option(help: ArgumentHelp("What the AI does for us, in a sentence.", valueName: "text")) var description: String?
    @Option(help: ArgumentHelp("Data it touches, comma-separated: \(AIProfile.DataCategory.expected).", valueName: "list"), transform: Arguments.values(AIProfile.DataCategory.self)) var data: [AIProfile.DataCategory]?
    @Option(help: ArgumentHelp("How far it decides about people: \(AIProfile.DecisionImpact.expected).", valueName: "impact")) var impact: AIProfile.DecisionImpact?
    @Option(name: .customLong("ai-act"), help: ArgumentHelp("EU AI Act class: \(AIProfile.AIActClass.expected).", valueName: "class")) var aiAct: AIProfile.AIActClass?
    @Option(help: ArgumentHelp("How far the AI acts on its own: \(AIProfile.Autonomy.expected) (default none).", valueName: "level")) var autonomy: AIProfile.Autonomy?
    @Option(help: ArgumentHelp("Business criticality: \(AIProfile.BusinessCriticality.expected).", valueName: "level")) var criticality: AIProfile.BusinessCriticality?
    @Option(help: ArgumentHelp("Hosting regions, comma-separated (EU, eu-west-1 …).", valueName: "list")) var regions: String?
    @Option(help: ArgumentHelp("Foundation-model providers, comma-separated.", valueName: "list")) var models: String?
    @Option(name: .customLong("sub-processors"), help: ArgumentHelp("Sub-processors, comma-separated.", valueName: "list")) var subProcessors: String?

    /// Applies the options given to a draft.
    func apply(to draft: inout VendorDraft) throws {
        if let offering { draft.profile.offering = offering }
        if let description { draft.profile.description = description }
        if let data { draft.profile.dataCategories = Set(data) }
        if let impact { draft.profile.decisionImpact = impact }
        if let aiAct { draft.profile.aiActClass = aiAct }
        if let autonomy { draft.profile.autonomy = autonomy }
        if let criticality { draft.profile.businessCriticality = criticality }
        if let regions { draft.profile.hostingRegions = Arguments.list(regions) }
        if let models { draft.foundationModels = Arguments.list(models) }
        if let subProcessors { draft.subProcessors = Arguments.list(subProcessors) }
    }
}

/// Checks the identifying fields every way in shares.
enum VendorFields {
    static func check(slug: String?, email: String?, owner: String?) throws {
        if let slug, let problem = VendorRules.problem(slug: slug) { throw ValidationError("--slug: \"\(slug)\" \(problem)") }
        if let email, let problem = VendorRules.problem(email: email) { throw ValidationError("--email: \"\(email)\" \(problem)") }
        if let owner, owner.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--owner must not be empty") }
    }
}

extension VendorCommand {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a vendor with its AI profile; prints its tier and why.",
            discussion: """
                Example:
                  tprm vendor add "Acme AI" --owner "Head of Claims" --email security@acme.example \\
                    --offering ai_saas --data personal,confidential --impact advisory \\
                    --ai-act limited --criticality high --models OpenAI --regions EU
                """
        )

        @Argument(help: "The vendor's name.") var name: String
        @Option(help: ArgumentHelp("Short name for the command line (default: made from the name).", valueName: "slug")) var slug: String?
        @Option(help: ArgumentHelp("Who in our organisation answers for the relationship.", valueName: "name")) var owner: String
        @Option(help: ArgumentHelp("Whom at the vendor questionnaires go to.", valueName: "address")) var email: String?
        @Option(help: ArgumentHelp("prospect, onboarding, active or offboarded.", valueName: "status")) var status: Vendor.Status = .prospect
        @OptionGroup var profile: ProfileOptions
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print the vendor as JSON.") var json = false

        func validate() throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("the vendor's name must not be empty") }
            let derived = slug ?? VendorRules.slug(from: name)
            if slug == nil, derived.isEmpty { throw ValidationError("cannot make a slug from \"\(name)\"; pass --slug") }
            try VendorFields.check(slug: derived, email: email, owner: owner)
            let given: [(String, Bool)] = [
                ("--offering", profile.offering != nil), ("--data", profile.data != nil), ("--impact", profile.impact != nil),
                ("--ai-act", profile.aiAct != nil), ("--criticality", profile.criticality != nil),
            ]
            let missing = given.filter { !$0.1 }.map(\.0)
            if !missing.isEmpty { throw ValidationError("the AI profile needs \(missing.joined(separator: ", "))") }
        }

        func run() async throws {
            let scoring = try registry.catalog.scoring()
            var draft = VendorDraft(
                slug: slug ?? VendorRules.slug(from: name), name: name.trimmingCharacters(in: .whitespaces),
                status: status, businessOwner: owner, contactEmail: email,
                profile: AIProfile(offering: .aiSaaS, description: "", dataCategories: [], decisionImpact: .none, aiActClass: .minimal, businessCriticality: .low, hostingRegions: []),
                foundationModels: [], subProcessors: [])
            try profile.apply(to: &draft)
            let vendor = try VendorStore(database: try registry.openDatabase(), tiering: scoring.tiering).add(draft, actor: registry.actorName)
            if json { return try Output.json(vendor) }
            let assessment = scoring.tiering.assess(vendor.profile)
            print("registered \(vendor.slug): tier \(vendor.tier.rawValue) (\(assessment.decisive.map(\.fact).joined(separator: "; ")))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List vendors, filtered by tier, status or name.")

        @Option(help: ArgumentHelp("Only this tier: critical, high, medium, low.", valueName: "tier")) var tier: Tier?
        @Option(help: ArgumentHelp("Only this status.", valueName: "status")) var status: Vendor.Status?
        @Option(help: ArgumentHelp("Only names or slugs containing this text.", valueName: "text")) var search: String?
        @Option(help: ArgumentHelp("Order by name, score, tier or updated; a leading - reverses it (--sort=-score: riskiest first).", valueName: "order"))
        var sort = "name"
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            _ = try order()
        }

        func order() throws -> VendorSort {
            guard let order = VendorSort(sort) else {
                throw ValidationError("--sort: unknown order \"\(sort)\" (expected \(VendorSort.expected))")
            }
            return order
        }

        func run() async throws {
            let store = VendorStore(database: try registry.openDatabase(), tiering: try registry.catalog.scoring().tiering)
            let vendors = try store.list(
                tier: tier,
                status: status,
                search: search, sort: try order())
            if json { return try Output.json(vendors) }
            if vendors.isEmpty { return print("no vendors") }
            print(Output.table(["SLUG", "NAME", "TIER", "STATUS", "OWNER"], vendors.map { [$0.slug, $0.name, $0.tier.rawValue, $0.status.rawValue, $0.businessOwner] }))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a vendor's details or AI profile; prints the tier when it changes.")

        @Argument(help: "The vendor's slug.") var vendor: String
        @Option(help: ArgumentHelp("A new name.", valueName: "name")) var name: String?
        @Option(help: ArgumentHelp("A new slug.", valueName: "slug")) var slug: String?
        @Option(help: ArgumentHelp("A new business owner.", valueName: "name")) var owner: String?
        @Option(help: ArgumentHelp("A new contact address.", valueName: "address")) var email: String?
        @Option(help: ArgumentHelp("prospect, onboarding, active or offboarded.", valueName: "status")) var status: Vendor.Status?
        @OptionGroup var profile: ProfileOptions
        @OptionGroup var registry: RegistryOptions
        @Flag(help: "Print the vendor as JSON.") var json = false

        func validate() throws {
            try VendorFields.check(slug: slug, email: email, owner: owner)
            if let name, name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name must not be empty") }
        }

        func run() async throws {
            let store = VendorStore(database: try registry.openDatabase(), tiering: try registry.catalog.scoring().tiering)
            let before = try store.vendor(vendor)
            let after = try store.update(vendor, actor: registry.actorName) { draft in
                if let name { draft.name = name.trimmingCharacters(in: .whitespaces) }
                if let slug { draft.slug = slug }
                if let owner { draft.businessOwner = owner }
                if let email { draft.contactEmail = email }
                if let status { draft.status = status }
                try profile.apply(to: &draft)
            }
            if json { return try Output.json(after) }
            if after == before { return print("\(after.slug): nothing changed") }
            print(after.tier == before.tier ? "updated \(after.slug)" : "updated \(after.slug): tier \(before.tier.rawValue) → \(after.tier.rawValue)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register many vendors from a CSV file, all or none.",
            discussion: """
                The first row names the columns: name, business_owner, offering, data_categories, \
                decision_impact, ai_act_class, business_criticality (required), and slug, status, \
                contact_email, description, hosting_regions, foundation_models, sub_processors. \
                Lists are separated by ';'. One bad line imports nothing; every problem is listed \
                with its line and column.
                """
        )

        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError.usage("\(file): cannot be read")
            }
            guard let text = String(data: data, encoding: .utf8) else { throw CLIError.usage("\(file): is not UTF-8 text") }
            let rows: [VendorCSV.Row]
            switch VendorCSV.parse(text) {
            case .success(let parsed): rows = parsed
            case .failure(let problems): throw CLIError.usage("\(file): nothing was imported:\n" + problems.problems.map { "  \($0)" }.joined(separator: "\n"))
            }
            let store = VendorStore(database: try registry.openDatabase(), tiering: try registry.catalog.scoring().tiering)
            do {
                let count = try store.importVendors(rows, actor: registry.actorName)
                print("imported \(count) vendors from \(file)")
            } catch let problems as VendorCSV.ProblemList {
                throw CLIError.usage("\(file): nothing was imported:\n" + problems.problems.map { "  \($0)" }.joined(separator: "\n"))
            }
        }
    }
}
