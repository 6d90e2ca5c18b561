import CivilTime
import Foundation
import Hummingbird
import Mustache
import Outreach
import Reports
import Storage
import SupplierRisk

/// Lets a workspace page through only for a person signed in; anyone else is sent to `/login`, with the page
/// asked for as `next` so that signing in comes back to it.
struct SignedInMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let sessions: SessionStore
    let blocking: BlockingWork
    /// Single sign-on through a trusted reverse proxy, when configured.
    let pages: MustacheLibrary
    var proxy: AuthProxy? = nil
    var cookies = SessionCookies(secure: false)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let existing = try await request.cookies[SessionCookies.session].asyncMap { cookie in try await blocking.run { try sessions.person(session: cookie.value) } } ?? nil
        // The proxy's header counts only from a trusted proxy's address; from anywhere else it is ignored. A session of
        // another person than the one the proxy vouches for is not used: the proxy decides who is signed in.
        if let proxy, let vouched = request.headers[proxy.header].map({ UserStore.normalized($0) }), !vouched.isEmpty,
           proxy.trusts(context.clientKey), existing?.user.email != vouched {
            let client = context.clientKey
            guard let opened = try await blocking.run({ try sessions.signInByProxy(email: vouched, client: client) }) else {
                return HTMLPage.message(pages, .forbidden, title: "You cannot use tprm",
                                        text: "Your sign-on was accepted, but tprm has no enabled account for \(vouched). Ask a tprm administrator for one.")
            }
            context.person = opened.person
            var response = try await next(request, context)
            response.setCookie(cookies.session(opened.session, until: opened.expiresAt))
            return response
        }
        guard let person = existing else {
            let asked = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            let encoded = asked.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? "/"
            return SignInController.redirect(to: asked == "/" ? "/login" : "/login?next=" + encoded)
        }
        context.person = person
        return try await next(request, context)
    }
}

extension Optional {
    /// The value transformed by an async function, or nil.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}

/// The workspace's pages for people signed in.
struct WorkspaceController {
    let pages: MustacheLibrary
    let database: Database
    let catalog: Catalog
    /// The model what-if prices actions with, made once.
    let model: ScoringModel
    let blocking: BlockingWork
    let portfolio: PortfolioCache
    /// Vendor pages kept while still true.
    let vendorPages: VendorPageCache
    /// Sends questionnaires, as the API and the CLI do.
    let invitations: Invitations
    /// How long a verdict's page waits for the rescored score.
    let rescoreWait: Duration
    var store: WorkspaceStore { WorkspaceStore(database: database) }
    var cadence: [Tier: ScoringConfiguration.Cadence] { catalog.scoring.cadence }

    init(pages: MustacheLibrary, database: Database, catalog: Catalog, blocking: BlockingWork, portfolio: PortfolioCache, vendorPages: VendorPageCache,
         invitations: Invitations, rescoreWait: Duration = .seconds(3)) {
        self.portfolio = portfolio
        self.rescoreWait = rescoreWait
        self.invitations = invitations
        self.vendorPages = vendorPages
        self.pages = pages
        self.database = database
        self.catalog = catalog
        self.model = ScoringModel(catalog: catalog)
        self.blocking = blocking
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/", use: portfolio)
        group.get("/vendors", use: vendorList)
        group.get("/vendors.csv", use: vendorCSV)
        group.get("/vendors/:slug", use: vendorPage)
        group.get("/register-vendor", use: registrationForm)
        group.post("/register-vendor", use: register)
        group.get("/import-vendors", use: importForm)
        group.post("/import-vendors", use: importVendors)
        group.get("/vendors/:slug/edit", use: editForm)
        group.post("/vendors/:slug/edit", use: edit)
        group.post("/vendors/:slug/status", use: changeStatus)
        group.get("/vendors/:slug/send", use: sendForm)
        group.post("/vendors/:slug/send", use: send)
        group.post("/assessments/:id/relink", use: relinkAssessment)
        group.post("/assessments/:id/cancel", use: cancelAssessment)
        group.post("/assessments/:id/verdict", use: giveVerdict)
        group.post("/assessments/:id/accept-domain", use: acceptDomain)
        group.post("/assessments/:id/request-changes", use: requestChanges)
        group.post("/assessments/:id/complete", use: completeReview)
        group.get("/vendors/:slug/contracts/new", use: contractForm)
        group.post("/vendors/:slug/contracts", use: addContract)
        group.get("/vendors/:slug/certificates/new", use: certificateForm)
        group.post("/vendors/:slug/certificates", use: addCertificate)
        group.get("/vendors/:slug/documents/:id", use: documentDownload)
        group.get("/vendors/:slug/incidents/new", use: incidentForm)
        group.post("/vendors/:slug/incidents", use: addIncident)
        group.get("/incidents/:id", use: incidentPage)
        group.post("/incidents/:id", use: updateIncident)
        group.get("/contracts/:id", use: contractPage)
        group.post("/contracts/:id/clauses/:key", use: setClause)
        group.get("/fourth-parties", use: fourthParties)
        group.get("/admin/audit", use: auditPage)
        group.get("/admin/outbox", use: outboxPage)
        group.post("/admin/outbox/retry", use: retryOutbox)
        group.get("/reports", use: packPage)
        group.post("/reports", use: generatePack)
        group.get("/reports/packs/:id", use: packDownload)
        group.get("/assessments", use: assessmentList)
        group.get("/assessments/:id", use: assessmentPage)
        group.get("/assessments/:id/evidence/:file", use: evidenceDownload)
    }

    /// The work queues judged now.
    var rules: WorkQueues { WorkQueues(now: Date(), cadence: cadence) }

    @Sendable func portfolio(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let person = context.person else { return SignInController.redirect(to: "/login") }
        let (store, cadence) = (store, cadence)
        let overview = try await portfolio.overview(blocking: blocking) { try store.overview(WorkQueues(now: Date(), cadence: cadence)) }
        var page = Self.signedIn(person, at: "portfolio")
        page["vendors"] = overview.vendors
        page["scored"] = overview.scored
        page["asOf"] = CivilTime.minuteText(overview.asOf)
        page["maxAge"] = PortfolioCache.describe(portfolio.maxAge)
        page["average"] = overview.averageHundredths.map(PackWriter.hundredths) ?? "—"
        page["work"] = WorkQueue.allCases.map { queue in
            ["key": queue.rawValue, "title": queue.title, "explanation": queue.explanation, "count": overview.work[queue] ?? 0] as [String: Any]
        }
        page["trend"] = SVGChart.line(
            id: "trend", title: "Average residual risk, last 12 months", caption: "Average residual risk by month",
            overview.trend.map { (label: $0.month, value: $0.average.map { Double($0) / 100 }) },
            columns: ["Month", "Average", "Vendors scored"], folded: true
        ) { [overview.trend[$0].month, overview.trend[$0].average.map(PackWriter.hundredths) ?? "—", String(overview.trend[$0].scored)] }
        let ratings = Rating.allCases.reversed()
        page["ratings"] = ratings.map(\.rawValue)
        page["heat"] = Tier.allCases.reversed().map { tier in
            let cells: [[String: Any]] = ratings.map { rating in
                let count = overview.count(tier, rating)
                // The shade grows with the tier and the rating together: the top left corner is the worst place to be.
                let severity = Tier.allCases.firstIndex(of: tier)! + Rating.allCases.firstIndex(of: rating)!
                var cell: [String: Any] = ["count": count, "shade": count == 0 ? "none" : String(severity)]
                if count > 0 { cell["link"] = "/vendors?tier=\(tier.rawValue)&rating=\(rating.rawValue)" }
                return cell
            } + [["count": overview.count(tier, nil), "shade": "none"]]
            let total = Rating.allCases.reduce(overview.count(tier, nil)) { $0 + overview.count(tier, $1) }
            return ["tier": tier.rawValue, "cells": cells, "total": total] as [String: Any]
        }
        return HTMLPage.response(.ok, pages.render(page, withTemplate: "portfolio") ?? "")
    }

    /// What the page header shows of the person, the sign-out form's token, and which page of the menu is open.
    static func signedIn(_ person: SignedInPerson, at page: String? = nil) -> [String: Any] {
        ["name": person.user.name, "email": person.user.email, "role": person.user.role.rawValue, "csrf": person.csrfToken,
         "nav": page.map { [$0: true] } ?? [:], "canChange": person.user.role >= .analyst, "isAdmin": person.user.role >= .admin]
    }

}
