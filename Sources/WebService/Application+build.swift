public import Foundation
import Synchronization
public import Hummingbird
import Mustache
public import Logging
public import ServiceLifecycle
public import Prometheus
import HTTPTypes
public import Outreach
import Reports
public import Storage
public import SupplierRisk

/// What the HTTP service needs.
public struct WebConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var database: Database
    public var catalog: Catalog
    /// The migrations directory, for /readyz to check that the schema is current.
    public var migrations: URL
    /// The OpenAPI document served at /api/v1/openapi.yaml, if it was found.
    public var openAPIDocument: String?
    /// The registry /metrics shows; the process bootstraps swift-metrics with a factory on it.
    public var metrics: PrometheusCollectorRegistry
    /// Token identities seen recently; give one only with a ``TokenRevocationListener`` running.
    public var tokenCache: TokenCache?
    /// Links, mail sender and transport for questionnaires sent over the API.
    public var outreach: OutreachConfiguration
    /// Limits portal link lookups per client.
    public var portalLimiter: RateLimiter
    /// How long /readyz answers from its last check of the database and the migrations before checking again.
    public var readinessInterval: Duration = .seconds(5)
    /// The templates, stylesheet and icon of the pages.
    public var resources: WebResources
    /// How long workspace sessions last and how many failed sign-ins are allowed.
    public var sessionPolicy = SessionPolicy()
    /// How old the portfolio page's figures may be before they are computed again (in the background), and a vendor
    /// page kept in memory before it is made again (at once when the vendor changes); 0 computes them for every request.
    public var portfolioMaxAge: TimeInterval = 60
    /// Single sign-on through a trusted reverse proxy (`TPRM_AUTH_PROXY_HEADER`, `TPRM_TRUSTED_PROXIES`); nil for none.
    public var authProxy: AuthProxy?
    /// How long the page of a reviewer's verdict waits for the worker to rescore the vendor before it says the score is
    /// being updated (the worker usually takes milliseconds; without one in the process, it says so after this).
    public var rescoreWait: Duration = .seconds(3)
    /// Where handlers run and call the stores (``runApplication(_:services:)``).
    let requestExecutor = RequestExecutor()
    public var logger: Logger

    public init(
        host: String, port: Int, database: Database, catalog: Catalog, migrations: URL, openAPIDocument: String? = nil,
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), tokenCache: TokenCache? = nil,
        outreach: OutreachConfiguration = OutreachConfiguration(), portalLimiter: RateLimiter = RateLimiter(), resources: WebResources? = nil,
        logger: Logger
    ) throws(WebResources.Problem) {
        if let resources { self.resources = resources } else { self.resources = try WebResources.shipped() }
        self.outreach = outreach
        self.portalLimiter = portalLimiter
        self.metrics = metrics
        self.tokenCache = tokenCache
        self.host = host
        self.port = port
        self.database = database
        self.catalog = catalog
        self.migrations = migrations
        self.openAPIDocument = openAPIDocument
        self.logger = logger
    }
}

/// The router of every route; tests drive it directly.
public func buildRouter(_ configuration: WebConfiguration) -> Router<AppRequestContext> {
    let blocking = BlockingWork(executor: configuration.requestExecutor)
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorMiddleware())
    let methods = RouteMethods()
    router.add(middleware: NotFoundPageMiddleware(pages: configuration.resources.templates))
    router.add(middleware: MethodNotAllowedMiddleware(methods: methods))
    router.get("/healthz") { _, _ in ["status": "ok"] }
    let readiness = Readiness(
        database: configuration.database, migrations: configuration.migrations, interval: configuration.readinessInterval, blocking: blocking)
    router.get("/readyz") { _, _ -> Response in
        if let problem = await readiness.problem() { throw problem }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ready"}"#)))
    }
    router.get("/metrics") { _, _ -> Response in
        let database = configuration.database
        let registry = configuration.metrics
        let statistics = database.statistics
        let connections = MetricNameDescriptor(namespace: "tprm", metricName: "pool", unitName: "connections", helpText: "Database connections of the pool, by state.")
        let waiting = MetricNameDescriptor(namespace: "tprm", metricName: "pool", unitName: "waiting", helpText: "Requests waiting for a database connection.")
        let queue = MetricNameDescriptor(namespace: "tprm", metricName: "rescore", unitName: "queue", helpText: "Vendors in the rescore queue, by state.")
        registry.makeGauge(descriptor: connections, labels: [("state", "open")]).set(Double(statistics.open))
        registry.makeGauge(descriptor: connections, labels: [("state", "in_use")]).set(Double(statistics.inUse))
        registry.makeGauge(descriptor: waiting, labels: []).set(Double(statistics.waiting))
        let outbox = MetricNameDescriptor(namespace: "tprm", metricName: "outbox", unitName: "messages", helpText: "Emails in the outbox, by state.")
        if let depth = try? await blocking.run({ try OutboxStore(database: database).depth() }) {
            registry.makeGauge(descriptor: outbox, labels: [("state", "pending")]).set(Double(depth.pending))
            registry.makeGauge(descriptor: outbox, labels: [("state", "dead")]).set(Double(depth.dead))
        }
        if let depth = try? await blocking.run({ try ScoringStore(database: database).queueDepth() }) {
            registry.makeGauge(descriptor: queue, labels: [("state", "due")]).set(Double(depth.due))
            registry.makeGauge(descriptor: queue, labels: [("state", "retrying")]).set(Double(depth.retrying))
            registry.makeGauge(descriptor: queue, labels: [("state", "failed")]).set(Double(depth.failed))
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: registry.emitToString())))
    }
    router.get("/api/v1/openapi.yaml") { _, _ -> Response in
        guard let document = configuration.openAPIDocument else {
            throw ApiError(.notFound, code: "not_found", message: "this server was started without its OpenAPI document (TPRM_OPENAPI)")
        }
        return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: document)))
    }
    let api = router.group("api/v1")
        .add(middleware: AuthMiddleware(tokens: TokenStore(database: configuration.database), blocking: blocking, cache: configuration.tokenCache))
    let (database, catalog) = (configuration.database, configuration.catalog)
    VendorController(vendors: VendorStore(database: database, tiering: catalog.scoring.tiering), blocking: blocking).addRoutes(to: api)
    // Each controller holds the stores of its resource, made once here.
    ScoreController(store: ScoringStore(database: database), model: ScoringModel(catalog: catalog), blocking: blocking).addRoutes(to: api)
    CertificateController(store: CertificationStore(database: database), blocking: blocking).addRoutes(to: api)
    ContractController(store: ContractStore(database: database), catalog: catalog, blocking: blocking).addRoutes(to: api)
    IncidentController(store: IncidentStore(database: database), blocking: blocking).addRoutes(to: api)
    FourthPartyController(store: FourthPartyStore(database: database), blocking: blocking).addRoutes(to: api)
    CatalogController(catalog: catalog, blocking: blocking).addRoutes(to: api)
    AuditController(log: AuditLog(database: database), blocking: blocking).addRoutes(to: api)
    ReportController(report: CommitteeReport(database: database, catalog: catalog), blocking: blocking).addRoutes(to: api)
    AssessmentController(
        invitations: Invitations(database: database, catalog: catalog, configuration: configuration.outreach),
        store: AssessmentOutreachStore(database: database), catalog: catalog, blocking: blocking
    ).addRoutes(to: api)
    OutboxController(store: OutboxStore(database: database), blocking: blocking).addRoutes(to: api)
    UserController(store: UserStore(database: database), outreach: configuration.outreach, blocking: blocking).addRoutes(to: api)
    PortalController(
        store: PortalStore(database: database), blocking: blocking, limiter: configuration.portalLimiter,
        secureCookies: configuration.outreach.publicURL.hasPrefix("https:"), pages: PortalPages(resources: configuration.resources),
        resources: configuration.resources
    ).addRoutes(to: router)
    AccountController(users: UserStore(database: database), blocking: blocking, limiter: configuration.portalLimiter, pages: configuration.resources.templates)
        .addRoutes(to: router)
    let sessions = SessionStore(database: database, policy: configuration.sessionPolicy)
    let cookies = SessionCookies(secure: configuration.outreach.publicURL.hasPrefix("https:"))
    SignInController(sessions: sessions, blocking: blocking, pages: configuration.resources.templates, cookies: cookies).addRoutes(to: router)
    WorkspaceController(pages: configuration.resources.templates, database: database, catalog: catalog, blocking: blocking,
                        portfolio: PortfolioCache(maxAge: configuration.portfolioMaxAge),
                        vendorPages: VendorPageCache(maxAge: configuration.portfolioMaxAge),
                        invitations: Invitations(database: database, catalog: catalog, configuration: configuration.outreach),
                        rescoreWait: configuration.rescoreWait)
        .addRoutes(to: router.group().add(middleware: SignedInMiddleware(
            sessions: sessions, blocking: blocking, pages: configuration.resources.templates, proxy: configuration.authProxy, cookies: cookies)))
    methods.record(router.routes)
    return router
}

/// The methods each route path takes, for answering a known path asked with another method: 405 with `Allow`, not the
/// 404 of an unknown path. Filled once, when every route is registered and before the first request.
final class RouteMethods: Sendable {
    private struct Route {
        let segments: [Substring]
        let allowed: [HTTPRequest.Method]
    }
    private let routes = Mutex<[Route]>([])
    private static let order: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]

    /// HEAD is answered wherever GET is (the router's `autoGenerateHeadEndpoints`), so it is allowed with it.
    func record(_ descriptions: [Router<AppRequestContext>.RouteDescription]) {
        let table = Dictionary(grouping: descriptions, by: { $0.path.description }).map { path, routes in
            var taken = Set(routes.map(\.method))
            if taken.contains(.get) { taken.insert(.head) }
            return Route(segments: path.split(separator: "/"), allowed: Self.order.filter(taken.contains))
        }
        routes.withLock { $0 = table }
    }

    /// A path parameter, as a route path describes it (`{slug}`; `:slug` as registered).
    private static func isCapture(_ segment: Substring) -> Bool { segment.hasPrefix(":") || segment.hasPrefix("{") }

    /// The methods of the route the router would pick for the path: literal segments before captures, as its trie does.
    func allowed(for path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/")
        return routes.withLock { routes in
            routes.filter { route in
                route.segments.count == segments.count
                    && zip(route.segments, segments).allSatisfy { pattern, segment in Self.isCapture(pattern) || pattern == segment }
            }
            .max { a, b in
                // The more specific route: the first segment where one is literal and the other a capture decides.
                for (x, y) in zip(a.segments, b.segments) where Self.isCapture(x) != Self.isCapture(y) { return Self.isCapture(x) }
                return false
            }?.allowed
        }
    }
}

/// Turns the router's 404 for a known path into 405 with `Allow`.
/// A page for a path no route has, asked for by a browser (GET or HEAD, outside the API): a 404 that says so and
/// leads back, rather than an empty body. The API keeps its JSON errors.
struct NotFoundPageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let pages: MustacheLibrary

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard request.method == .get || request.method == .head, !request.uri.path.hasPrefix("/api/") else { throw error }
            let page = ["title": "Not found", "text": "There is no page at this address. It may have been mistyped, or the page may have moved."]
            return HTMLPage.response(.notFound, pages.render(page, withTemplate: "workspace-error") ?? "")
        }
    }
}

struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let methods: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = methods.allowed(for: request.uri.path), !allowed.contains(request.method) else { throw error }
            throw ApiError.methodNotAllowed(request.method, path: request.uri.path, allowed: allowed)
        }
    }
}

/// The HTTP application, with extra services (the rescoring worker) run in its service group.
/// Runs the application until its service group stops, every request on the configuration's request executor: a
/// handler calls the stores (libpq, which blocks) on the thread it runs on, without handing the call to another
/// thread and back.
public func runApplication(_ configuration: WebConfiguration, services: [any Service] = []) async throws {
    try await withTaskExecutorPreference(configuration.requestExecutor) {
        try await buildApplication(configuration, services: services).runService()
    }
}

/// The application: the router, the server's address and the services that run beside it.
public func buildApplication(_ configuration: WebConfiguration, services: [any Service] = []) -> some ApplicationProtocol {
    Application(
        router: buildRouter(configuration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tprm"),
        services: services,
        logger: configuration.logger)
}

/// Headers every response carries.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.tprmContentTypeOptions] = "nosniff"
        response.headers[.tprmFrameOptions] = "DENY"
        response.headers[.tprmReferrerPolicy] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        response.headers[.tprmRequestID] = context.id
        return response
    }
}

extension HTTPField.Name {
    static let tprmContentTypeOptions = Self("X-Content-Type-Options")!
    static let tprmFrameOptions = Self("X-Frame-Options")!
    static let tprmReferrerPolicy = Self("Referrer-Policy")!
    static let tprmRequestID = Self("X-Request-Id")!
}
