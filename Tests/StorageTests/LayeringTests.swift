import Foundation
import TestSupport
import Testing

/// The layers of docs/ARCHITECTURE.md, checked on the sources: no module above Storage reaches past it, the domain
/// imports nothing of ours but CivilTime, and Package.swift declares every module of ours a target imports.
@Suite struct LayeringTests {
    static let sources = TestDatabase.repositoryRoot.appendingPathComponent("Sources")
    static let ours = ["CLibPQ", "CatalogFiles", "CivilTime", "Outreach", "Postgres", "Reports", "ScoringPipeline", "Storage", "SupplierRisk", "WebService"]

    /// Each Swift file of a module with the modules it imports.
    static func imports(of module: String) throws -> [(file: String, imported: Set<String>)] {
        let directory = sources.appendingPathComponent(module)
        let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        return try files.sorted().map { file in
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let imported = text.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), index <= 1 else { return nil }
                return words.count > index + 1 ? String(words[index + 1]) : nil
            }
            return ("\(module)/\(file)", Set(imported))
        }
    }

    @Test(arguments: ["ScoringPipeline", "Outreach", "Reports", "WebService", "tprm"])
    func noModuleAboveStorageImportsPostgres(module: String) throws {
        let offending = try Self.imports(of: module).filter { !$0.imported.isDisjoint(with: ["Postgres", "CLibPQ"]) }.map(\.file)
        #expect(offending.isEmpty, "import Storage's Database and stores instead: \(offending)")
    }

    @Test func theDomainImportsNothingOfOursButCivilTime() throws {
        let offending = try Self.imports(of: "SupplierRisk").filter { !$0.imported.intersection(Self.ours).isSubset(of: ["CivilTime"]) }.map(\.file)
        #expect(offending.isEmpty, "\(offending)")
    }

    @Test(arguments: ["CatalogFiles", "Storage", "ScoringPipeline", "Outreach", "Reports", "WebService", "tprm"])
    func packageSwiftDeclaresEveryModuleOfOursATargetImports(module: String) throws {
        let manifest = try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        // The target's own entry (the package is named tprm too): the name followed by its dependencies.
        let start = try #require(manifest.range(of: #"name: "\#(module)",\s*dependencies"#, options: .regularExpression))
        let end = try #require(manifest.range(of: "swiftSettings", range: start.upperBound..<manifest.endIndex))
        let declared = manifest[start.upperBound..<end.lowerBound]
        let imported = try Self.imports(of: module).reduce(into: Set<String>()) { $0.formUnion($1.imported) }.intersection(Self.ours)
        let undeclared = imported.filter { !declared.contains("\"\($0)\"") }.sorted()
        #expect(undeclared.isEmpty, "\(module) imports \(undeclared) without declaring it")
    }
}
