import CatalogFiles
public import Foundation
import Storage
import SupplierRisk

/// The version of the scoring model: a digest of the files that define it.
public enum ModelVersion {
    /// The first 16 hex digits of the SHA-256 of the scoring and clause files and of every
    /// questionnaire's key and version. Changing the model or raising a template's version changes it.
    public static func compute(catalogDirectory: URL) throws -> String {
        var bytes = Data()
        for name in ["scoring.yaml", "contract-clauses.yaml"] {
            bytes.append(try Data(contentsOf: catalogDirectory.appendingPathComponent(name)))
            bytes.append(0)
        }
        for questionnaire in try Catalog.load(catalogDirectory).questionnaires.sorted(by: { $0.key < $1.key }) {
            bytes.append(Data("\(questionnaire.key)@\(questionnaire.version)\n".utf8))
        }
        return String(PortalSecret.sha256Hex(bytes).prefix(16))
    }
}
