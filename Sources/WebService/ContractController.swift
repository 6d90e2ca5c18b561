import Foundation
import Hummingbird
import Storage
import SupplierRisk

/// `/api/v1/vendors/{slug}/contracts` and `/api/v1/contracts/{id}/clauses/{key}`: contracts and the status of each clause.
struct ContractController {
    let store: ContractStore
    let catalog: Catalog
    let blocking: BlockingWork

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("vendors/:slug/contracts", use: contracts)
        group.post("vendors/:slug/contracts", use: addContract)
        group.put("contracts/:id/clauses/:key", use: setClause)
    }

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
}
