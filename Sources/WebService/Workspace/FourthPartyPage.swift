import Foundation
import Hummingbird
import Reports
import Storage

/// `/fourth-parties`: who the portfolio depends on, how concentrated that is (HHI), and each provider's vendors.
extension WorkspaceController {
    @Sendable func fourthParties(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let providers = try await blocking.run { try FourthPartyStore(database: database).concentration().items }
        var page = Self.signedIn(person, at: "fourthParties")
        let hhi = FourthPartyConcentration.hhi(providers.map(\.vendors))
        page["hhi"] = hhi
        page["judgement"] = hhi > 2500 ? "highly concentrated" : hhi >= 1500 ? "moderately concentrated" : "not concentrated"
        page["dependencies"] = providers.reduce(0) { $0 + $1.vendors }
        page["hasProviders"] = !providers.isEmpty
        page["providers"] = providers.map { provider -> [String: Any] in
            ["name": provider.name, "roles": provider.roles.map { $0 == "foundation_model" ? "foundation model" : "sub-processor" }.joined(separator: ", "),
             "vendors": provider.vendors, "critical": provider.criticalVendors, "share": String(format: "%.1f%%", provider.share * 100),
             "link": "/vendors?fourth_party=" + VendorListQuery.encode(provider.name)]
        }
        if !providers.isEmpty {
            page["chart"] = SVGChart.bars(
                id: "providers", title: "Vendors depending on each provider, the ten most depended on",
                providers.prefix(10).map { (key: $0.name, count: $0.vendors) }, folded: true)
        }
        return HTMLPage.response(.ok, pages.render(page, withTemplate: "fourth-parties") ?? "")
    }
}
