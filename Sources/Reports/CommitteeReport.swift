import CivilTime
public import Foundation
public import Storage
public import SupplierRisk

/// Generates committee packs, streaming them to where they go, and records each one.
public struct CommitteeReport: Sendable {
    let database: Database
    let catalog: Catalog
    /// The words the scores' lines are rendered in.
    let sentences: ScoreSentences

    public init(database: Database, catalog: Catalog, sentences: ScoreSentences = .standard) {
        self.database = database
        self.catalog = catalog
        self.sentences = sentences
    }

    /// A generated pack's digest and parameters.
    public struct Generated: Sendable {
        /// The pack's digest; for the CSV register, the SHA-256 of the file.
        public let digest: String
        public let vendors: Int
        public let since: Date
        public let asOf: Date
        public let modelVersions: [String]
    }

    /// The pack as of `asOf` (now by default) with the changes since `since` (by default the as-of of the
    /// previous recorded pack, else 90 days earlier), written as `format` to `sink` a chunk at a time, and recorded
    /// with its digest once written whole. The register and the appendix are read through a cursor, so memory does
    /// not grow with the portfolio.
    ///
    /// - Throws: ``ReportError/sinceNotBeforeAsOf(since:asOf:)``; what `sink` throws.
    public func generate(
        since: Date? = nil, asOf: Date? = nil, format: PackFormat, actor: String, record: Bool = true, to sink: @escaping PackSink
    ) throws -> Generated {
        let store = CommitteeReportStore(database: database)
        let asOf = asOf ?? Date()
        let since = try since ?? store.lastPack(before: asOf) ?? asOf.addingTimeInterval(-90 * 86_400)
        guard since < asOf else {
            throw ReportError.sinceNotBeforeAsOf(since: since, asOf: asOf)
        }
        let cadence = catalog.scoring.cadence
        let generated: Generated
        if format == .csv {
            // The register is all the CSV holds: read it alone, and digest the file itself.
            let stream = PackStream(sink, hashing: true)
            var versions = Set<String>()
            try stream.write(PackWriter.csvHeader)
            let vendors = try store.forEachRegisterRow(asOf: asOf) { row in
                if let version = row.modelVersion { versions.insert(version) }
                try stream.write(PackWriter.csvRecord(row, cadence: cadence, sentences: sentences, library: catalog.clauses))
            }
            let digest = try stream.finish() ?? ""
            generated = Generated(digest: digest, vendors: vendors, since: since, asOf: asOf, modelVersions: versions.sorted())
        } else {
            generated = try store.read(since: since, asOf: asOf) { reading in
                let head = CommitteePack.head(try reading.facts(), since: since, asOf: asOf, sentences: sentences, library: catalog.clauses)
                let stream = PackStream(sink)
                let digest = try PackWriter.write(head, as: format, appendix: { emit in
                    try reading.forEachAppendixRow { try emit(CommitteePack.Profile($0, cadence: cadence, sentences: sentences, library: catalog.clauses)) }
                }, to: stream)
                _ = try stream.finish()
                return Generated(digest: digest, vendors: head.summary.vendors, since: since, asOf: asOf, modelVersions: head.meta.modelVersions)
            }
        }
        if record {
            try store.record(since: since, asOf: asOf, format: format.rawValue, digest: generated.digest, modelVersions: generated.modelVersions, actor: actor)
        }
        return generated
    }

    /// A pack generated into memory: for small portfolios and tests.
    public struct Rendered: Sendable {
        public let content: String
        public let digest: String
        public let vendors: Int
        public let since: Date
        public let asOf: Date
        /// The pack itself, read back from its JSON (nil for the other formats).
        public let pack: CommitteePack?
    }

    /// The pack generated into memory (see ``generate(since:asOf:format:actor:record:to:)``).
    public func generate(since: Date? = nil, asOf: Date? = nil, format: PackFormat, actor: String, record: Bool = true) throws -> Rendered {
        let buffer = Buffer()
        let generated = try generate(since: since, asOf: asOf, format: format, actor: actor, record: record) { buffer.bytes.append(contentsOf: $0) }
        let content = String(decoding: buffer.bytes, as: UTF8.self)
        let pack = format == .json ? try CommitteePack.decode(Data(buffer.bytes)) : nil
        return Rendered(content: content, digest: generated.digest, vendors: generated.vendors, since: generated.since, asOf: generated.asOf, pack: pack)
    }

    /// `@unchecked Sendable`: the sink that appends to it runs on the generating thread only, and the bytes are
    /// read after `generate` has returned.
    private final class Buffer: @unchecked Sendable {
        var bytes: [UInt8] = []
    }
}

extension CommitteePack {
    /// Reads a pack from its JSON, as `tprm report committee --format json` writes it.
    public static func decode(_ data: Data) throws -> CommitteePack {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(CommitteePack.self, from: data)
    }
}

/// Why a report could not be made, in words for the person who asked.
public enum ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The window of changes is empty or reversed.
    case sinceNotBeforeAsOf(since: Date, asOf: Date)

    /// The parameter at fault, as the API and the CLI name it.
    public var field: String {
        switch self {
        case .sinceNotBeforeAsOf: "since"
        }
    }

    public var description: String {
        switch self {
        case .sinceNotBeforeAsOf(let since, let asOf):
            "since: \(CivilTime.dayText(since)) is not before the as-of date \(CivilTime.dayText(asOf))"
        }
    }
}
