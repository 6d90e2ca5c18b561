import Foundation
import Hummingbird
import Storage
import SupplierRisk

/// `/api/v1/vendors`: list, register, read, change and import vendors.
struct VendorController {
    let vendors: VendorStore
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("vendors", use: list)
        group.post("vendors", use: create)
        group.get("vendors/:slug", use: show)
        group.patch("vendors/:slug", use: updateVendor)
        group.post("vendors/import", use: importVendors)
    }

    /// A vendor and its tier's reasons, `{"tier": …, "vendor": …}`.
    ///
    /// Written directly rather than through `JSONEncoder`, which took a fifth of the CPU of
    /// `GET /api/v1/vendors/{slug}` under load; a test holds the bytes equal to `JSONEncoder`'s.
    struct VendorResponse: ResponseGenerator {
        let vendor: Vendor
        let tier: TierAssessment

        var json: JSONWriter {
            var json = JSONWriter(capacity: 1024)
            json.object { json in
                json.key("tier")
                tier.write(to: &json)
                json.key("vendor")
                vendor.write(to: &json)
            }
            return json
        }

        func response(from request: Request, context: some RequestContext) throws -> Response {
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: json.bytes)))
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> VendorsResponse {
        _ = try context.require(.committee)
        let query = QueryInput(request)
        let tier = try query.value("tier", Tier.self, expected: Tier.expected)
        let rating = try query.value("rating", Rating.self, expected: Rating.expected)
        let status = try query.value("status", Vendor.Status.self)
        let search = query.text("search")
        let sort = try query.given("sort").map { text in
            guard let sort = VendorSort(text) else {
                throw QueryInput.invalid("sort", "sort: unknown order \"\(text)\" (expected \(VendorSort.expected))")
            }
            return sort
        } ?? VendorSort(key: .name)
        let paging = try Paging(request, scope: "vendors:\(sort)")
        let store = vendors
        let page = try await blocking.run {
            try store.page(tier: tier, rating: rating, status: status, search: search, sort: sort, after: paging.after, limit: paging.limit)
        }
        return VendorsResponse(vendors: page.items, next: paging.next(page))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> VendorResponse {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        let vendor = try await blocking.run { try vendors.vendor(slug) }
        return VendorResponse(vendor: vendor, tier: vendors.tiering.assess(vendor.profile))
    }

    /// The body of `POST /api/v1/vendors`.
    struct NewVendor: Decodable {
        struct Profile: Decodable {
            let offering: String
            let description: String?
            let dataCategories: [String]
            let decisionImpact: String
            let aiActClass: String
            let autonomy: String?
            let businessCriticality: String
            let hostingRegions: [String]?
        }
        let name: String
        let slug: String?
        let status: String?
        let businessOwner: String
        let contactEmail: String?
        let profile: Profile
        let foundationModels: [String]?
        let subProcessors: [String]?
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<VendorResponse> {
        let identity = try context.require(.analyst)
        let body = try await JSONBody.decode(NewVendor.self, from: request, context: context)
        let draft = try Self.draft(body)
        let vendor = try await blocking.run { try vendors.add(draft, actor: identity.name) }
        return EditedResponse(status: .created, response: VendorResponse(vendor: vendor, tier: vendors.tiering.assess(vendor.profile)))
    }

    /// Validates a new vendor's fields, naming the first that is wrong.
    static func draft(_ body: NewVendor) throws -> VendorDraft {
        func value<Value: RawRepresentable<String> & CaseIterable>(_ text: String, _ type: Value.Type, _ field: String) throws -> Value {
            try JSONBody.value(text, type, field)
        }
        if let problem = VendorRules.problem(name: body.name) { throw ApiError.invalid("name", "name: \(problem)") }
        let name = VendorRules.trimmed(body.name)
        let slug = body.slug ?? VendorRules.slug(from: name)
        if let problem = VendorRules.problem(slug: slug) {
            throw ApiError.invalid("slug", "slug: \"\(slug)\" \(problem)")
        }
        let email = body.contactEmail.flatMap { $0.isEmpty ? nil : $0 }
        if let email, let problem = VendorRules.problem(email: email) {
            throw ApiError.invalid("contactEmail", "contactEmail: \"\(email)\" \(problem)")
        }
        guard !VendorRules.isBlank(body.businessOwner) else {
            throw ApiError.invalid("businessOwner", "businessOwner: must not be empty")
        }
        guard !body.profile.dataCategories.isEmpty else {
            throw ApiError.invalid("profile.dataCategories", "profile.dataCategories: give at least one")
        }
        return VendorDraft(
            slug: slug, name: name, status: try body.status.map { try value($0, Vendor.Status.self, "status") } ?? .prospect,
            businessOwner: body.businessOwner, contactEmail: email,
            profile: AIProfile(
                offering: try value(body.profile.offering, AIProfile.Offering.self, "profile.offering"),
                description: body.profile.description ?? "",
                dataCategories: Set(try body.profile.dataCategories.map { try value($0, AIProfile.DataCategory.self, "profile.dataCategories") }),
                decisionImpact: try value(body.profile.decisionImpact, AIProfile.DecisionImpact.self, "profile.decisionImpact"),
                aiActClass: try value(body.profile.aiActClass, AIProfile.AIActClass.self, "profile.aiActClass"),
                autonomy: try body.profile.autonomy.map { try value($0, AIProfile.Autonomy.self, "profile.autonomy") } ?? .none,
                businessCriticality: try value(body.profile.businessCriticality, AIProfile.BusinessCriticality.self, "profile.businessCriticality"),
                hostingRegions: body.profile.hostingRegions ?? []),
            foundationModels: body.foundationModels ?? [], subProcessors: body.subProcessors ?? [])
    }

    struct Imported: ResponseEncodable {
        let imported: Int
    }

    /// A CSV file of vendors, as `tprm vendor import` takes: all or nothing.
    @Sendable func importVendors(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Imported> {
        let identity = try context.require(.analyst)
        guard request.headers[.contentType]?.lowercased().hasPrefix("text/csv") == true else {
            throw ApiError(.unsupportedMediaType, code: "unsupported_media_type", message: "send the vendors as text/csv")
        }
        let bytes = try await request.body.collect(upTo: context.maxUploadSize)
        guard let text = String(validating: bytes.readableBytesView, as: UTF8.self) else {
            throw ApiError(.badRequest, code: "invalid_csv", message: "the file is not UTF-8 text")
        }
        let rows: [VendorCSV.Row]
        switch VendorCSV.parse(text) {
        case .success(let parsed): rows = parsed
        case .failure(let problems): throw ApiError.importRefused(problems)
        }
        let store = vendors
        do {
            return EditedResponse(status: .created, response: Imported(imported: try await blocking.run { try store.importVendors(rows, actor: identity.name) }))
        } catch let problems as VendorCSV.ProblemList {
            throw ApiError.importRefused(problems)
        }
    }

    struct VendorChange: Decodable {
        struct Profile: Decodable {
            let offering: String?, description: String?, dataCategories: [String]?, decisionImpact: String?
            let aiActClass: String?, autonomy: String?, businessCriticality: String?, hostingRegions: [String]?
        }
        let name: String?, status: String?, businessOwner: String?, contactEmail: String?
        let profile: Profile?, foundationModels: [String]?, subProcessors: [String]?
    }

    @Sendable func updateVendor(_ request: Request, context: AppRequestContext) async throws -> VendorResponse {
        let identity = try context.require(.analyst)
        let slug = try context.parameters.require("slug")
        let change = try await JSONBody.decode(VendorChange.self, from: request, context: context)
        if let email = change.contactEmail, !email.isEmpty, let problem = VendorRules.problem(email: email) {
            throw ApiError.invalid("contactEmail", "contactEmail: \"\(email)\" \(problem)")
        }
        if let name = change.name, VendorRules.isBlank(name) { throw ApiError.invalid("name", "name: must not be empty") }
        if let name = change.name, let problem = VendorRules.problem(name: name) { throw ApiError.invalid("name", "name: \(problem)") }
        if let owner = change.businessOwner, VendorRules.isBlank(owner) { throw ApiError.invalid("businessOwner", "businessOwner: must not be empty") }
        if change.profile?.dataCategories?.isEmpty == true { throw ApiError.invalid("profile.dataCategories", "profile.dataCategories: give at least one") }
        let status = try change.status.map { try JSONBody.value($0, Vendor.Status.self, "status") }
        let profile = change.profile
        let offering = try profile?.offering.map { try JSONBody.value($0, AIProfile.Offering.self, "profile.offering") }
        let categories = try profile?.dataCategories.map { try $0.map { try JSONBody.value($0, AIProfile.DataCategory.self, "profile.dataCategories") } }
        let impact = try profile?.decisionImpact.map { try JSONBody.value($0, AIProfile.DecisionImpact.self, "profile.decisionImpact") }
        let act = try profile?.aiActClass.map { try JSONBody.value($0, AIProfile.AIActClass.self, "profile.aiActClass") }
        let autonomy = try profile?.autonomy.map { try JSONBody.value($0, AIProfile.Autonomy.self, "profile.autonomy") }
        let criticality = try profile?.businessCriticality.map { try JSONBody.value($0, AIProfile.BusinessCriticality.self, "profile.businessCriticality") }
        let store = vendors
        let vendor = try await blocking.run {
            try store.update(slug, actor: identity.name) { draft in
                if let name = change.name { draft.name = VendorRules.trimmed(name) }
                if let status { draft.status = status }
                if let owner = change.businessOwner { draft.businessOwner = owner }
                if let email = change.contactEmail { draft.contactEmail = email.isEmpty ? nil : email }
                if let offering { draft.profile.offering = offering }
                if let description = profile?.description { draft.profile.description = description }
                if let categories { draft.profile.dataCategories = Set(categories) }
                if let impact { draft.profile.decisionImpact = impact }
                if let act { draft.profile.aiActClass = act }
                if let autonomy { draft.profile.autonomy = autonomy }
                if let criticality { draft.profile.businessCriticality = criticality }
                if let regions = profile?.hostingRegions { draft.profile.hostingRegions = regions }
                if let models = change.foundationModels { draft.foundationModels = models }
                if let processors = change.subProcessors { draft.subProcessors = processors }
            }
        }
        return VendorResponse(vendor: vendor, tier: store.tiering.assess(vendor.profile))
    }
}

/// `{"vendors": [...], "next": "…"}`: `next` is the cursor of the following page, absent on the last.
struct VendorsResponse: ResponseEncodable {
    let vendors: [Vendor]
    let next: String?
}

/// A stored score, encoded as it is.
struct ScoreResponse: ResponseEncodable {
    let stored: StoredScore
    func encode(to encoder: any Encoder) throws { try stored.encode(to: encoder) }
}
