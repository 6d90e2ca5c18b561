import Foundation
import Hummingbird
import HummingbirdTesting
import Metrics
import Prometheus
import Storage
import TestSupport
import Testing
import WebService

@Suite struct MetricsTests {
    /// swift-metrics takes one factory per process.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    @Test func metricsShowRequestsThePoolAndTheQueue() async throws {
        let registry = Self.registry
        let fixture = try ApiTests.Fixture("apimetrics")
        let app = Application(router: buildRouter(try WebConfiguration(
            host: "127.0.0.1", port: 0, database: fixture.database, catalog: ApiTests.catalog,
            migrations: TestDatabase.repositoryRoot.appendingPathComponent("sql"), metrics: registry, logger: .init(label: "test"))))
        try OutboxStore(database: fixture.database).enqueue(OutgoingMessage(
            kind: .reminder, dedupeKey: "m", recipients: ["a@b.example"], subject: "s", text: "t", html: "h"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/vendors", method: .get, headers: [.authorization: "Bearer \(fixture.committee)"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains(#"tprm_pool_connections{state="open"}"#))
                #expect(text.contains(#"tprm_rescore_queue{state="due"} 0"#))
                #expect(text.contains(#"tprm_outbox_messages{state="pending"} 1"#), "the outbox waiting")
                #expect(text.contains(#"tprm_outbox_messages{state="dead"} 0"#))
                #expect(text.contains("hb_requests"), "request counts by route and status")
                #expect(text.contains(#"/api/v1/vendors"#))
            }
        }
    }
}
