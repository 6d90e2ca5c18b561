import ArgumentParser
import Foundation
import Storage
import SupplierRisk

/// `tprm demo seed`: a synthetic portfolio.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Demo data.", subcommands: [Seed.self])

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a deterministic synthetic portfolio (vendors of every tier, assessments, contracts, incidents).",
            discussion: "The same --seed gives the same portfolio. Everything is queued for scoring: run tprm worker --once, or keep a worker running.")

        @Option(help: "How many vendors.") var vendors: Int = 50
        @Option(help: "The seed of the generator.") var seed: UInt64 = 42
        @OptionGroup var registry: RegistryOptions

        func validate() throws {
            guard (1...1_000_000).contains(vendors) else { throw ValidationError("--vendors must be 1 to 1000000") }
        }

        func run() async throws {
            let catalog = try registry.catalog.load()
            let plans = DemoPortfolio.generate(count: vendors, seed: seed, catalog: catalog, asOf: Date())
            let started = ContinuousClock.now
            let summary = try DemoLoader(database: try registry.openDatabase(), tiering: catalog.scoring.tiering).load(plans, catalog: catalog, actor: registry.actorName)
            let elapsed = ContinuousClock.now - started
            print("""
                seeded \(summary.vendors) vendors, \(summary.assessments) assessments with \(summary.answers) answers, \
                \(summary.contracts) contracts with \(summary.clauses) clause statuses, \(summary.certifications) certificates, \
                \(summary.incidents) incidents in \(elapsed.components.seconds).\(String(format: "%02d", Int(elapsed.components.attoseconds / 10_000_000_000_000_000))) s
                all are queued for scoring: tprm worker --once
                """)
        }
    }
}
