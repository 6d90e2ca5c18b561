import Foundation
import Hummingbird
import Storage
import SupplierRisk

/// `/api/v1/vendors`: the registry and scores over HTTP.
struct VendorController {
    let vendors: VendorStore
    let scores: ScoringStore
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("vendors", use: list)
        group.post("vendors", use: create)
        group.get("vendors/:slug", use: show)
        group.get("vendors/:slug/score", use: score)
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
        let rating = try query.value("rating", Tier.self, expected: Tier.expected)
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

    @Sendable func score(_ request: Request, context: AppRequestContext) async throws -> ScoreResponse {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        guard let stored = try await blocking.run({ try scores.score(slug) }) else {
            throw ApiError(.notFound, code: "not_scored", message: "\(slug) has no score yet; a worker scores it shortly")
        }
        return ScoreResponse(stored: stored)
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
