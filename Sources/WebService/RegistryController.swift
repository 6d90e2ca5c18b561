import Foundation
import Hummingbird
import Postgres
import Storage
import SupplierRisk

/// Certificates, contracts and clauses, incidents, fourth parties, score history and what-if,
/// questionnaires and the audit log, under /api/v1.
struct RegistryController {
    let pool: PostgresPool
    let catalog: Catalog
    let blocking: BlockingWork

    var vendors: VendorStore { VendorStore(pool: pool, tiering: catalog.scoring.tiering) }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.patch("vendors/:slug", use: updateVendor)
        group.get("vendors/:slug/certifications", use: certifications)
        group.post("vendors/:slug/certifications", use: addCertification)
        group.get("vendors/:slug/contracts", use: contracts)
        group.post("vendors/:slug/contracts", use: addContract)
        group.put("contracts/:id/clauses/:key", use: setClause)
        group.get("vendors/:slug/incidents", use: incidents)
        group.post("vendors/:slug/incidents", use: addIncident)
        group.patch("incidents/:id", use: updateIncident)
        group.get("fourth-parties", use: fourthParties)
        group.get("vendors/:slug/score/history", use: history)
        group.get("vendors/:slug/score/what-if", use: whatIf)
        group.get("questionnaires", use: questionnaires)
        group.get("questionnaires/:key", use: questionnaire)
        group.get("audit", use: audit)
        group.post("vendors/:slug/rescore", use: rescore)
        group.post("rescore", use: rescoreAll)
        group.post("vendors/import", use: importVendors)
    }

    // MARK: Rescoring and import

    struct Queued: ResponseEncodable {
        let queued: Int
    }

    struct Imported: ResponseEncodable {
        let imported: Int
    }

    @Sendable func rescore(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Queued> {
        _ = try context.require(.analyst)
        let slug = try context.parameters.require("slug")
        let store = ScoringStore(pool: pool)
        return EditedResponse(status: .accepted, response: Queued(queued: try await blocking.run { try store.enqueue([slug]) }))
    }

    @Sendable func rescoreAll(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Queued> {
        _ = try context.require(.analyst)
        let store = ScoringStore(pool: pool)
        return EditedResponse(status: .accepted, response: Queued(queued: try await blocking.run { try store.enqueueAll() }))
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






    // MARK: Vendors

    struct VendorChange: Decodable {
        struct Profile: Decodable {
            let offering: String?, description: String?, dataCategories: [String]?, decisionImpact: String?
            let aiActClass: String?, autonomy: String?, businessCriticality: String?, hostingRegions: [String]?
        }
        let name: String?, status: String?, businessOwner: String?, contactEmail: String?
        let profile: Profile?, foundationModels: [String]?, subProcessors: [String]?
    }

    @Sendable func updateVendor(_ request: Request, context: AppRequestContext) async throws -> VendorController.VendorResponse {
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
        return VendorController.VendorResponse(vendor: vendor, tier: store.tiering.assess(vendor.profile))
    }

    // MARK: Certificates

    struct NewCertification: Decodable {
        let standard: String, issuer: String, scope: String?, issuedOn: Date?, expiresOn: Date
    }

    @Sendable func certifications(_ request: Request, context: AppRequestContext) async throws -> Listing<Certification> {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        let paging = try Paging(request, scope: "certifications:\(slug)")
        let store = CertificationStore(pool: pool)
        return Listing(key: "certifications", page: try await blocking.run { try store.list(vendor: slug, after: paging.after, limit: paging.limit) }, paging: paging)
    }

    @Sendable func addCertification(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Item<Certification>> {
        let identity = try context.require(.analyst)
        let slug = try context.parameters.require("slug")
        let body = try await JSONBody.decode(NewCertification.self, from: request, context: context)
        let standard = try JSONBody.value(body.standard, Certification.Standard.self, "standard")
        try JSONBody.requireText(body.issuer, "issuer")
        let store = CertificationStore(pool: pool)
        let certificate = try await blocking.run {
            try store.add(vendor: slug, standard: standard, issuer: body.issuer, scope: body.scope ?? "", issuedOn: body.issuedOn, expiresOn: body.expiresOn, actor: identity.name)
        }
        return EditedResponse(status: .created, response: Item(value: certificate))
    }

    // MARK: Contracts

    struct NewContract: Decodable {
        let reference: String, effectiveOn: Date, expiresOn: Date?, renewalNoticeDays: Int?, annualValue: String?, currency: String?
    }

    struct ClauseStatusBody: Decodable {
        let status: String, note: String?, verifiedBy: String?, parameters: [String: Int]?
    }

    @Sendable func contracts(_ request: Request, context: AppRequestContext) async throws -> Listing<Contract> {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        let paging = try Paging(request, scope: "contracts:\(slug)")
        let store = ContractStore(pool: pool)
        return Listing(key: "contracts", page: try await blocking.run { try store.list(vendor: slug, after: paging.after, limit: paging.limit) }, paging: paging)
    }

    @Sendable func addContract(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Item<Contract>> {
        let identity = try context.require(.analyst)
        let slug = try context.parameters.require("slug")
        let body = try await JSONBody.decode(NewContract.self, from: request, context: context)
        try JSONBody.requireText(body.reference, "reference")
        let value = try body.annualValue.map { text -> Decimal in
            guard let value = Self.amount(text) else {
                throw ApiError.invalid("annualValue", "annualValue: \"\(text)\" is not an amount (a string of digits and a point, such as \"120000.50\")")
            }
            return value
        }
        if let currency = body.currency, currency.utf8.count != 3 || !currency.utf8.allSatisfy({ (0x41...0x5A).contains($0 & 0xDF) && $0 < 0x80 }) {
            throw ApiError.invalid("currency", "currency: \"\(currency)\" must be a three-letter ISO 4217 code such as EUR")
        }
        let store = ContractStore(pool: pool)
        let contract = try await blocking.run {
            try store.add(vendor: slug, reference: body.reference, effectiveOn: body.effectiveOn, expiresOn: body.expiresOn,
                          renewalNoticeDays: body.renewalNoticeDays, annualValue: value, currency: body.currency?.uppercased(), actor: identity.name)
        }
        return EditedResponse(status: .created, response: Item(value: contract))
    }

    /// An amount as the API takes it: up to 14 digits, and a point with one or two more (openapi.yaml says the same).
    static func amount(_ text: String) -> Decimal? {
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (1...14).contains(parts[0].count), parts.count == 1 || (1...2).contains(parts[1].count),
              parts.allSatisfy({ $0.allSatisfy { (0x30...0x39).contains($0) } })
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    @Sendable func setClause(_ request: Request, context: AppRequestContext) async throws -> Item<Contract> {
        let identity = try context.require(.analyst)
        let contract = try context.pathID("id")
        let key = try context.parameters.require("key")
        let body = try await JSONBody.decode(ClauseStatusBody.self, from: request, context: context)
        let status = try JSONBody.value(body.status, ClauseStatus.self, "status")
        let store = ContractStore(pool: pool)
        let library = catalog.clauses
        guard library.clause(key) != nil else {
            // The key is part of the path: a clause the library does not have is a resource that does not exist.
            throw ApiError(.notFound, code: "not_found", message: "no clause \"\(key)\" in the clause library (tprm contract clauses lists its keys)", field: "key")
        }
        return Item(value: try await blocking.run {
            try store.setClause(contract: contract, key: key, status: status, note: body.note ?? "", verifiedBy: body.verifiedBy,
                                parameters: body.parameters ?? [:], library: library, actor: identity.name)
        })
    }

    // MARK: Incidents

    struct NewIncident: Decodable {
        let title: String, category: String, severity: String, occurredAt: Date, detectedAt: Date?, vendorAwareAt: Date?, vendorNotifiedAt: Date?
    }

    struct IncidentUpdate: Decodable {
        let status: String?, severity: String?, vendorAwareAt: Date?, vendorNotifiedAt: Date?, resolution: String?, resolvedAt: Date?
    }

    @Sendable func incidents(_ request: Request, context: AppRequestContext) async throws -> Listing<Incident> {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        let openOnly = try QueryInput(request).flag("open")
        let paging = try Paging(request, scope: "incidents:\(slug):\(openOnly)")
        let store = IncidentStore(pool: pool)
        return Listing(
            key: "incidents",
            page: try await blocking.run { try store.list(vendor: slug, openOnly: openOnly, after: paging.after, limit: paging.limit) }, paging: paging)
    }

    @Sendable func addIncident(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Item<Incident>> {
        let identity = try context.require(.analyst)
        let slug = try context.parameters.require("slug")
        let body = try await JSONBody.decode(NewIncident.self, from: request, context: context)
        let category = try JSONBody.value(body.category, Incident.Category.self, "category")
        let severity = try JSONBody.value(body.severity, Incident.Severity.self, "severity")
        try JSONBody.requireText(body.title, "title")
        let store = IncidentStore(pool: pool)
        let incident = try await blocking.run {
            try store.add(vendor: slug, title: body.title, category: category, severity: severity, occurredAt: body.occurredAt,
                          detectedAt: body.detectedAt ?? body.occurredAt, vendorAwareAt: body.vendorAwareAt, vendorNotifiedAt: body.vendorNotifiedAt,
                          actor: identity.name)
        }
        return EditedResponse(status: .created, response: Item(value: incident))
    }

    @Sendable func updateIncident(_ request: Request, context: AppRequestContext) async throws -> Item<Incident> {
        let identity = try context.require(.analyst)
        let incident = try context.pathID("id")
        let body = try await JSONBody.decode(IncidentUpdate.self, from: request, context: context)
        let change = IncidentChange(
            status: try body.status.map { try JSONBody.value($0, Incident.Status.self, "status") },
            severity: try body.severity.map { try JSONBody.value($0, Incident.Severity.self, "severity") },
            vendorAwareAt: body.vendorAwareAt, vendorNotifiedAt: body.vendorNotifiedAt, resolution: body.resolution, resolvedAt: body.resolvedAt)
        let store = IncidentStore(pool: pool)
        return Item(value: try await blocking.run { try store.update(incident, change, actor: identity.name) })
    }

    // MARK: Reading

    @Sendable func fourthParties(_ request: Request, context: AppRequestContext) async throws -> Listing<FourthPartyConcentration> {
        _ = try context.require(.committee)
        let paging = try Paging(request, scope: "fourth-parties")
        let store = FourthPartyStore(pool: pool)
        return Listing(key: "fourthParties", page: try await blocking.run { try store.concentration(after: paging.after, limit: paging.limit) }, paging: paging)
    }

    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> Listing<ScoreHistoryEntry> {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        let paging = try Paging(request, scope: "history:\(slug)")
        let store = ScoringStore(pool: pool)
        return Listing(key: "history", page: try await blocking.run { try store.history(slug, after: paging.after, limit: paging.limit) }, paging: paging)
    }

    @Sendable func whatIf(_ request: Request, context: AppRequestContext) async throws -> Listing<WhatIf> {
        _ = try context.require(.committee)
        let slug = try context.parameters.require("slug")
        let store = ScoringStore(pool: pool)
        let model = ScoringModel(catalog: catalog)
        return Listing(key: "actions", items: try await blocking.run { WhatIf.actions(for: try store.inputs(slug, asOf: Date()), model: model) })
    }

    @Sendable func questionnaires(_ request: Request, context: AppRequestContext) async throws -> Listing<Questionnaire> {
        _ = try context.require(.committee)
        return Listing(key: "questionnaires", items: catalog.questionnaires)
    }

    @Sendable func questionnaire(_ request: Request, context: AppRequestContext) async throws -> Item<Questionnaire> {
        _ = try context.require(.committee)
        let key = try context.parameters.require("key")
        guard let questionnaire = catalog.questionnaire(key) else {
            throw ApiError(.notFound, code: "not_found", message: "no questionnaire \"\(key)\"")
        }
        return Item(value: questionnaire)
    }

    @Sendable func audit(_ request: Request, context: AppRequestContext) async throws -> Listing<AuditEntry> {
        _ = try context.require(.admin)
        let query = QueryInput(request)
        let entity = query.text("entity"), id = query.text("id"), actor = query.text("actor")
        let paging = try Paging(request, scope: "audit:\(entity ?? ""):\(id ?? ""):\(actor ?? "")")
        let log = AuditLog(pool: pool)
        return Listing(
            key: "entries",
            page: try await blocking.run { try log.entries(entity: entity, id: id, actor: actor, after: paging.after, limit: paging.limit) }, paging: paging)
    }
}
