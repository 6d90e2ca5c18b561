import CatalogFiles
import Foundation
import SupplierRisk
import Testing

/// The hand-written JSON of vendors and tier assessments is byte for byte what `JSONEncoder` writes,
/// so API clients see one format whichever path wrote a response.
@Suite struct JSONWriterTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func vendor(name: String, email: String?, categories: Set<AIProfile.DataCategory>, created: Date) -> Vendor {
        Vendor(
            id: 42, slug: "acme-ai", name: name, status: .active, businessOwner: "Head of Claims / EU", contactEmail: email,
            profile: AIProfile(offering: .agent, description: "Reads \"claims\"\n\tand\u{1} answers — ünïcödé 🚀", dataCategories: categories,
                               decisionImpact: .automated, aiActClass: .highRisk, businessCriticality: .critical, hostingRegions: ["eu-west-1", "US"]),
            tier: .critical, foundationModels: ["OpenAI", "Anthropic"], subProcessors: [], createdAt: created, updatedAt: created.addingTimeInterval(86_399.999))
    }

    @Test(arguments: [
        ("Acme AI", "security@acme.example", Set<AIProfile.DataCategory>([.personal, .confidential, .specialCategory, .public]), 1_795_000_000.75),
        ("O'Brien \"Labs\" <script>alert(1)</script> \\ / \u{8}\u{c}\u{1f}", nil, [.internal], -1.5),
        ("", nil, [.public, .internal], 0),
    ] as [(String, String?, Set<AIProfile.DataCategory>, Double)])
    func aVendorIsWrittenAsJSONEncoderWritesIt(name: String, email: String?, categories: Set<AIProfile.DataCategory>, seconds: Double) throws {
        let vendor = Self.vendor(name: name, email: email, categories: categories, created: Date(timeIntervalSince1970: seconds))
        var json = JSONWriter()
        vendor.write(to: &json)
        #expect(json.string == String(decoding: try Self.encoder.encode(vendor), as: UTF8.self))
        #expect(try JSONDecoder.iso8601.decode(Vendor.self, from: Data(json.bytes)).name == name, "and reads back")
    }

    @Test func aTierAssessmentIsWrittenAsJSONEncoderWritesIt() throws {
        let catalog = try Catalog.load(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("questionnaires"))
        let assessment = catalog.scoring.tiering.assess(Self.vendor(name: "x", email: nil, categories: [.personal, .specialCategory], created: Date()).profile)
        #expect(assessment.reasons.count > 2)
        var json = JSONWriter()
        assessment.write(to: &json)
        #expect(json.string == String(decoding: try Self.encoder.encode(assessment), as: UTF8.self))
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
