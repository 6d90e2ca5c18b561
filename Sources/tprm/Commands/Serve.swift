import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Outreach
import Prometheus
import ScoringPipeline
import ServiceLifecycle
import Storage
import WebService

/// `tprm serve`: the HTTP API, with the rescoring worker in the same process unless told otherwise.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API under /api/v1, /healthz and /readyz; stops gracefully on SIGTERM or SIGINT.")

    @Option(help: ArgumentHelp("host:port to listen on (default: $TPRM_LISTEN, else 127.0.0.1:8080).", valueName: "address")) var listen: String?
    @Flag(name: .customLong("no-worker"), help: "Do not run the rescoring worker in this process.") var noWorker = false
    @Flag(name: .customLong("no-outreach"), help: "Do not deliver the outbox or run the hourly reminder job in this process.") var noOutreach = false
    @Flag(name: .customLong("no-scheduler"), help: "Do not run the daily re-assessment job in this process.") var noScheduler = false
    @OptionGroup var registry: RegistryOptions
    @OptionGroup var outreach: OutreachOptions
    @OptionGroup var migrationOptions: MigrationOptions

    /// `127.0.0.1:8080` → ("127.0.0.1", 8080).
    static func address(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port),
              colon > text.startIndex
        else { throw CLIError.usage("listen address \"\(text)\" must be host:port, such as 127.0.0.1:8080") }
        return (String(text[..<colon]), port)
    }

    func run() async throws {
        let (host, port) = try Self.address(listen ?? ProcessInfo.processInfo.environment["TPRM_LISTEN"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1:8080")
        let catalog = try registry.catalog.load()
        let database = try registry.database.open(maximumConnections: 16, acquireTimeout: .seconds(2))
        var logger = Logger(label: "tprm")
        logger.logLevel = .info
        var services: [any Service] = []
        let outreachConfiguration = try outreach.configuration()
        if !noOutreach {
            let delivery = OutboxDelivery(database: database, transport: outreachConfiguration.transport.transport(from: outreachConfiguration.from),
                                          configuration: outreachConfiguration, logger: logger)
            services.append(delivery.loop())
            services.append(Reminders(database: database, catalog: catalog, configuration: outreachConfiguration).loop(logger: logger))
            logger.info("outreach: links under \(outreachConfiguration.publicURL)/portal, mail through \(outreachConfiguration.transport)")
        }
        if !noScheduler {
            let at = try ReassessScheduler.TimeOfDay(ProcessInfo.processInfo.environment["TPRM_REASSESS_AT"].flatMap { $0.isEmpty ? nil : $0 } ?? "06:00")
            services.append(ReassessScheduler.loop(job: Reassessment(database: database, catalog: catalog, configuration: outreachConfiguration), at: at, logger: logger))
        }
        if !noWorker {
            let version = try ModelVersion.compute(catalogDirectory: registry.catalog.directory)
            services.append(RescoreWorker(database: database, catalog: catalog, modelVersion: version).loop())
        }
        let documentPath = ProcessInfo.processInfo.environment["TPRM_OPENAPI"].flatMap { $0.isEmpty ? nil : $0 } ?? "openapi.yaml"
        let document = try? String(contentsOfFile: documentPath, encoding: .utf8)
        if document == nil { logger.warning("no OpenAPI document at \(documentPath); /api/v1/openapi.yaml will answer 404 (set TPRM_OPENAPI)") }
        let tokenCache = TokenCache()
        services.append(TokenRevocationListener(cache: tokenCache, database: database, logger: logger))
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var configuration = try WebConfiguration(
            host: host, port: port, database: database, catalog: catalog, migrations: migrationOptions.schema().directory,
            openAPIDocument: document, metrics: registry, tokenCache: tokenCache, outreach: outreachConfiguration, logger: logger)
        configuration.sessionPolicy = try Self.sessionPolicy(ProcessInfo.processInfo.environment)
        do {
            configuration.authProxy = try AuthProxy(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CLIError.usage(error.description)
        }
        if let proxy = configuration.authProxy {
            logger.info("single sign-on: \(proxy.header) from \(proxy.trusted.count) trusted proxy network(s)")
        }
        if let text = ProcessInfo.processInfo.environment["TPRM_PORTFOLIO_SECONDS"], !text.isEmpty {
            guard let seconds = Int(text), (0...3600).contains(seconds) else {
                throw CLIError.usage("TPRM_PORTFOLIO_SECONDS must be a whole number from 0 to 3600, not \"\(text)\"")
            }
            configuration.portfolioMaxAge = TimeInterval(seconds)
        }
        try await runApplication(configuration, services: services)
    }

    /// Session lifetimes from `TPRM_SESSION_IDLE_MINUTES` (default 30) and `TPRM_SESSION_HOURS` (default 12).
    static func sessionPolicy(_ environment: [String: String]) throws -> SessionPolicy {
        var policy = SessionPolicy()
        func number(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw CLIError.usage("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \"\(text)\"")
            }
            return value
        }
        if let minutes = try number("TPRM_SESSION_IDLE_MINUTES", 1...1440) { policy.idle = TimeInterval(minutes * 60) }
        if let hours = try number("TPRM_SESSION_HOURS", 1...720) { policy.lifetime = TimeInterval(hours * 3600) }
        return policy
    }
}
