import CatalogFiles
import Foundation
import Postgres
import Storage
import SupplierRisk
import TestSupport

/// A migrated database with the shipped catalog, and vendors to put in it.
struct Registry {
    let database: Database
    let vendors: VendorStore
    let library: ClauseLibrary

    init(_ label: String) throws {
        database = Database(configuration: try TestDatabase.migrated(label), maximumConnections: 4)
        let catalog = TestDatabase.repositoryRoot.appendingPathComponent("questionnaires")
        vendors = VendorStore(database: database, tiering: try ScoringConfiguration.load(catalog.appendingPathComponent("scoring.yaml")).tiering)
        library = try ClauseLibrary.load(catalog.appendingPathComponent("contract-clauses.yaml"))
    }

    static func draft(
        _ slug: String, name: String? = nil, data: Set<AIProfile.DataCategory> = [.internal], impact: AIProfile.DecisionImpact = .advisory,
        act: AIProfile.AIActClass = .limited, criticality: AIProfile.BusinessCriticality = .medium,
        models: [String] = [], subProcessors: [String] = []
    ) -> VendorDraft {
        VendorDraft(
            slug: slug, name: name ?? slug.capitalized, status: .onboarding, businessOwner: "Head of Procurement",
            contactEmail: "security@\(slug).example",
            profile: AIProfile(offering: .aiSaaS, description: "drafts contract summaries", dataCategories: data, decisionImpact: impact,
                               aiActClass: act, businessCriticality: criticality, hostingRegions: ["EU"]),
            foundationModels: models, subProcessors: subProcessors)
    }

    func count(_ table: String) throws -> Int {
        try database.withConnection { try $0.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"))[0].decode(Int.self, at: 0) }
    }
}
