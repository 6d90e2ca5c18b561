import Foundation
import HTTPTypes
import Hummingbird
import Storage
import SupplierRisk

/// `/register-vendor` and `/vendors/{slug}/edit`: an analyst registers a vendor, or changes its profile, in two steps.
/// The profile is first previewed, showing the tier the rules give it and the facts that set it; only then can it be
/// saved, and only with the tier previewed (a profile changed after its preview is previewed again). Every problem
/// is shown beside its field, with everything typed kept, and nothing is saved. Registering has a path of its own,
/// not under `/vendors/`, where any word could be a slug. `/vendors/{slug}/status` moves a vendor along its life,
/// with the reason kept in the audit log (required to offboard).
extension WorkspaceController {
    /// The form as posted: every field text, the data categories a list (`data[]`).
    struct VendorRegistrationForm: Decodable {
        var csrf: String?
        var action: String?
        /// The tier shown by the preview this form came from.
        var previewed: String?
        var name: String?
        var slug: String?
        var owner: String?
        var contact: String?
        var status: String?
        var offering: String?
        var description: String?
        var data: [String]?
        var impact: String?
        var act: String?
        var autonomy: String?
        var criticality: String?
        var regions: String?
        var models: String?
        var processors: String?
    }

    /// A form read: the draft when every field is right, else the problem of each field that is not.
    struct CheckedRegistration {
        var draft: VendorDraft?
        var problems: [(field: String, message: String)] = []
    }

    /// The words of a list typed one to a line or separated by commas, trimmed, without blanks or repeats.
    static func listed(_ text: String?) -> [String] {
        var seen = Set<String>()
        return (text ?? "").split(whereSeparator: { $0 == "," || $0.isNewline }).map { VendorRules.trimmed(String($0)) }
            .filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }

    /// Checks every field of the form, as the API checks a new vendor, collecting each problem rather than the first.
    static func check(_ form: VendorRegistrationForm) -> CheckedRegistration {
        var checked = CheckedRegistration()
        func problem(_ field: String, _ message: String) { checked.problems.append((field, message)) }
        func choice<Value: ProfileValue>(_ text: String?, _ field: String, _ what: String) -> Value? {
            guard let text, !text.isEmpty else {
                problem(field, "Choose the \(what).")
                return nil
            }
            guard let value = Value(rawValue: text) else {
                problem(field, "\"\(text)\" is not a \(what): choose one of \(Value.expected).")
                return nil
            }
            return value
        }
        let name = VendorRules.trimmed(form.name ?? "")
        if name.isEmpty {
            problem("name", "Give the vendor's name.")
        } else if let message = VendorRules.problem(name: name) {
            problem("name", "The name \(message).")
        }
        let typedSlug = VendorRules.trimmed(form.slug ?? "")
        let slug = typedSlug.isEmpty ? VendorRules.slug(from: name) : typedSlug
        if !name.isEmpty || !typedSlug.isEmpty, let message = VendorRules.problem(slug: slug) { problem("slug", "The slug \"\(slug)\" \(message).") }
        let owner = VendorRules.trimmed(form.owner ?? "")
        if owner.isEmpty { problem("owner", "Name the business owner inside your organisation.") }
        let contact = VendorRules.trimmed(form.contact ?? "")
        if !contact.isEmpty, let message = VendorRules.problem(email: contact) { problem("contact", "\"\(contact)\" \(message).") }
        let status = Vendor.Status(rawValue: form.status ?? "prospect")
        if status == nil { problem("status", "\"\(form.status ?? "")\" is not a status: choose one of \(Vendor.Status.allCases.map(\.rawValue).joined(separator: ", ")).") }
        let offering: AIProfile.Offering? = choice(form.offering, "offering", "kind of AI offered")
        var categories = Set<AIProfile.DataCategory>()
        for text in form.data ?? [] {
            if let category = AIProfile.DataCategory(rawValue: text) { categories.insert(category) } else {
                problem("data", "\"\(text)\" is not a data category: choose among \(AIProfile.DataCategory.expected).")
            }
        }
        if (form.data ?? []).isEmpty { problem("data", "Tick at least one kind of data the AI touches.") }
        let impact: AIProfile.DecisionImpact? = choice(form.impact, "impact", "decision impact")
        let act: AIProfile.AIActClass? = choice(form.act, "act", "EU AI Act class")
        let autonomy: AIProfile.Autonomy? = choice(form.autonomy ?? "none", "autonomy", "autonomy")
        let criticality: AIProfile.BusinessCriticality? = choice(form.criticality, "criticality", "business criticality")
        let description = VendorRules.trimmed(form.description ?? "")
        if description.count > 2000 { problem("description", "Keep the description to 2,000 characters; it has \(description.count).") }
        let models = listed(form.models), processors = listed(form.processors)
        for party in models + processors where party.unicodeScalars.count > 200 {
            problem(models.contains(party) ? "models" : "processors", "\"\(party.prefix(40))…\" is longer than 200 characters.")
        }
        if let status, let act, let offering, let impact, let autonomy, let criticality, checked.problems.isEmpty {
            let profile = AIProfile(offering: offering, description: description, dataCategories: categories, decisionImpact: impact,
                                    aiActClass: act, autonomy: autonomy, businessCriticality: criticality, hostingRegions: listed(form.regions))
            if let message = VendorRules.problem(status: status, profile: profile) {
                problem("status", message.prefix(1).uppercased() + message.dropFirst() + ".")
                return checked
            }
            checked.draft = VendorDraft(slug: slug, name: name, status: status, businessOwner: owner, contactEmail: contact.isEmpty ? nil : contact,
                                        profile: profile, foundationModels: models, subProcessors: processors)
        }
        return checked
    }

    @Sendable func registrationForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        guard person.user.role >= .analyst else { return readOnly(person, "Registering a vendor") }
        return vendorFormPage(person, form: VendorRegistrationForm(status: "prospect", autonomy: "none"), status: .ok)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let form = try await postedForm(VendorRegistrationForm.self, request, person, csrf: \.csrf, what: "Registering a vendor")
            let checked = Self.check(form)
            guard let draft = checked.draft else { return vendorFormPage(person, form: form, problems: checked.problems, status: .unprocessableContent) }
            let assessment = catalog.scoring.tiering.assess(draft.profile)
            // Registered only from a preview of the same tier; anything else (a first submit, a profile changed since) is
            // shown as a preview first.
            guard form.action == "save", form.previewed == assessment.tier.rawValue else {
                return vendorFormPage(person, form: form, preview: assessment, changed: form.action == "save", status: .ok)
            }
            let store = VendorStore(database: database, tiering: catalog.scoring.tiering)
            do {
                let vendor = try await blocking.run { try store.add(draft, actor: person.user.email) }
                return SignInController.redirect(to: "/vendors/\(vendor.slug)?registered=1")
            } catch StorageError.duplicate(let message) {
                return vendorFormPage(person, form: form, problems: [("slug", Self.sentence(message) + " Give this vendor another slug.")], status: .conflict)
            } catch StorageError.invalid(let field, let reason) {
                return vendorFormPage(person, form: form, problems: [(Self.formField(field), Self.sentence(reason))], status: .unprocessableContent)
            }
        }
    }

    /// The form filled in from a vendor as it is.
    static func form(_ vendor: Vendor) -> VendorRegistrationForm {
        let profile = vendor.profile
        return VendorRegistrationForm(
            name: vendor.name, slug: vendor.slug, owner: vendor.businessOwner, contact: vendor.contactEmail, status: vendor.status.rawValue,
            offering: profile.offering.rawValue, description: profile.description, data: profile.dataCategories.map(\.rawValue).sorted(),
            impact: profile.decisionImpact.rawValue, act: profile.aiActClass.rawValue, autonomy: profile.autonomy.rawValue,
            criticality: profile.businessCriticality.rawValue, regions: profile.hostingRegions.joined(separator: ", "),
            models: vendor.foundationModels.joined(separator: ", "), processors: vendor.subProcessors.joined(separator: ", "))
    }

    @Sendable func editForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        guard person.user.role >= .analyst else { return readOnly(person, "Changing a vendor") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            return vendorFormPage(person, form: Self.form(vendor), editing: vendor, status: .ok)
        }
    }

    @Sendable func edit(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            let posted = try await postedForm(VendorRegistrationForm.self, request, person, csrf: \.csrf, what: "Changing a vendor")
            // The slug and the status are not this form's: they stay as they are.
            var form = posted
            form.slug = vendor.slug
            form.status = vendor.status.rawValue
            let checked = Self.check(form)
            guard let draft = checked.draft else {
                // A profile that an active vendor cannot have is a problem of the EU AI Act class here, the field shown.
                let problems = checked.problems.map { $0.field == "status" ? (field: "act", message: $0.message) : $0 }
                return vendorFormPage(person, form: form, editing: vendor, problems: problems, status: .unprocessableContent)
            }
            let assessment = catalog.scoring.tiering.assess(draft.profile)
            guard form.action == "save", form.previewed == assessment.tier.rawValue else {
                return vendorFormPage(person, form: form, editing: vendor, preview: assessment, changed: form.action == "save", status: .ok)
            }
            let store = VendorStore(database: database, tiering: catalog.scoring.tiering)
            _ = try await blocking.run {
                try store.update(vendor.slug, actor: person.user.email) { current in
                    current.name = draft.name
                    current.businessOwner = draft.businessOwner
                    current.contactEmail = draft.contactEmail
                    current.profile = draft.profile
                    current.foundationModels = draft.foundationModels
                    current.subProcessors = draft.subProcessors
                }
            }
            return SignInController.redirect(to: "/vendors/\(vendor.slug)?updated=1")
        }
    }

    /// The status form of the vendor page.
    struct StatusForm: Decodable {
        var csrf: String?
        var status: String?
        var reason: String?
    }

    /// Moves a vendor to another status, with the reason in the audit log; offboarding needs one. A problem is shown
    /// on the vendor's page above the form, and nothing changes.
    @Sendable func changeStatus(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        return try await answering {
            let vendor = try await pathVendor(context, person)
            let form = try await postedForm(StatusForm.self, request, person, csrf: \.csrf, what: "Changing a vendor's status")
            let reason = VendorRules.trimmed(form.reason ?? "")
            func refused(_ message: String) async throws -> Response {
                try await vendorPage(person, slug: vendor.slug, statusProblem: message, chosen: form.status, reason: reason, status: .unprocessableContent)
            }
            guard let status = form.status.flatMap(Vendor.Status.init(rawValue:)) else {
                return try await refused("Choose a status: \(Vendor.Status.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard status != vendor.status else { return try await refused("The vendor is \(status.rawValue) already.") }
            if status == .offboarded, reason.isEmpty { return try await refused("Say why the vendor is offboarded: the reason is kept in the audit log.") }
            guard reason.count <= 2000 else { return try await refused("Keep the reason to 2,000 characters; it has \(reason.count).") }
            if let problem = VendorRules.problem(status: status, profile: vendor.profile) { return try await refused(Self.sentence(problem)) }
            let store = VendorStore(database: database, tiering: catalog.scoring.tiering)
            _ = try await blocking.run {
                try store.update(vendor.slug, actor: person.user.email, reason: reason.isEmpty ? nil : reason) { $0.status = status }
            }
            return SignInController.redirect(to: "/vendors/\(vendor.slug)?status=\(status.rawValue)")
        }
    }

    /// A message from Storage as a sentence: a capital first, a full stop last.
    static func sentence(_ text: String) -> String {
        let trimmed = text.hasSuffix(".") ? text : text + "."
        return trimmed.prefix(1).uppercased() + trimmed.dropFirst()
    }

    /// The form's field for a Storage field name.
    static func formField(_ field: String) -> String {
        ["businessOwner": "owner", "contactEmail": "contact", "foundationModels": "models", "subProcessors": "processors"][field] ?? field
    }

    /// The vendor form, registering or (with `editing`) changing a vendor: what was typed, its problems beside their
    /// fields, and the preview.
    func vendorFormPage(_ person: SignedInPerson, form: VendorRegistrationForm, editing: Vendor? = nil, problems: [(field: String, message: String)] = [],
                        preview: TierAssessment? = nil, changed: Bool = false, status: HTTPResponse.Status) -> Response {
        var page = Self.signedIn(person, at: "vendors")
        if let editing {
            page["editing"] = ["slug": editing.slug, "tier": editing.tier.rawValue]
            page["heading"] = "Edit \(editing.name)"
            page["formAction"] = "/vendors/\(editing.slug)/edit"
            page["saveLabel"] = "Save with"
            page["saveHint"] = "save the profile with this tier"
            page["cancel"] = "/vendors/\(editing.slug)"
        } else {
            page["heading"] = "Register a vendor"
            page["formAction"] = "/register-vendor"
            page["saveLabel"] = "Register as"
            page["saveHint"] = "register the vendor with this tier"
            page["cancel"] = "/vendors"
        }
        let byField = Dictionary(problems.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
        func field(_ name: String, _ value: String?) -> [String: Any] {
            var field: [String: Any] = ["value": value ?? ""]
            if let problem = byField[name] { field["problem"] = problem }
            return field
        }
        func options<Value: RawRepresentable<String> & CaseIterable>(_ type: Value.Type, _ chosen: String?) -> [[String: Any]] {
            Value.allCases.map { ["value": $0.rawValue, "label": $0.rawValue.replacingOccurrences(of: "_", with: " "), "selected": $0.rawValue == chosen] }
        }
        page["fields"] = [
            "name": field("name", form.name), "slug": field("slug", form.slug), "owner": field("owner", form.owner),
            "contact": field("contact", form.contact), "status": field("status", form.status), "offering": field("offering", form.offering),
            "description": field("description", form.description), "data": field("data", nil), "impact": field("impact", form.impact),
            "act": field("act", form.act), "autonomy": field("autonomy", form.autonomy), "criticality": field("criticality", form.criticality),
            "regions": field("regions", form.regions), "models": field("models", form.models), "processors": field("processors", form.processors),
        ]
        page["statuses"] = options(Vendor.Status.self, form.status)
        page["offerings"] = options(AIProfile.Offering.self, form.offering)
        page["categories"] = AIProfile.DataCategory.allCases.map {
            ["value": $0.rawValue, "label": $0.rawValue.replacingOccurrences(of: "_", with: " "), "checked": (form.data ?? []).contains($0.rawValue)] as [String: Any]
        }
        page["impacts"] = options(AIProfile.DecisionImpact.self, form.impact)
        page["acts"] = options(AIProfile.AIActClass.self, form.act)
        page["autonomies"] = options(AIProfile.Autonomy.self, form.autonomy)
        page["criticalities"] = options(AIProfile.BusinessCriticality.self, form.criticality)
        page["problems"] = problems.map { ["field": $0.field, "message": $0.message] }
        page["hasProblems"] = !problems.isEmpty
        if let preview {
            let decisive = Set(preview.decisive.map(\.fact))
            page["preview"] = [
                "tier": preview.tier.rawValue, "changed": changed,
                "reasons": preview.reasons.map { ["fact": $0.kind == .override ? "override: \($0.fact)" : $0.fact, "tier": $0.tier.rawValue,
                                                  "decisive": decisive.contains($0.fact)] as [String: Any] },
                "slug": Self.check(form).draft?.slug ?? "",
            ] as [String: Any]
        }
        return HTMLPage.response(status, pages.render(page, withTemplate: "vendor-form") ?? "")
    }
}
