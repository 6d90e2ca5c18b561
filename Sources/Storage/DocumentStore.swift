public import Foundation
import Postgres

/// A document to keep with a record: its name, its type as judged from the content, and the bytes.
public struct NewDocument: Sendable, Hashable {
    public let filename: String
    public let contentType: String
    public let content: Data

    /// Creates a document to store.
    public init(filename: String, contentType: String, content: Data) {
        self.filename = filename
        self.contentType = contentType
        self.content = content
    }
}

/// A stored document behind a certificate or a contract.
public struct DocumentRecord: Sendable, Hashable {
    public let id: Int
    public let filename: String
    public let contentType: String
    public let size: Int
    public let sha256: String
    public let uploadedBy: String
    public let uploadedAt: Date
    /// The certificate it is the file of, if any.
    public let certification: Int?
    /// The contract it is the signed copy of, if any.
    public let contract: Int?
}

/// The documents of a vendor's certificates and contracts.
public struct DocumentStore: Sendable {
    let database: Database

    /// Creates a store on the database.
    public init(database: Database) { self.database = database }

    /// The vendor's documents, by the record each belongs to.
    public func list(vendor slug: String) throws -> [DocumentRecord] {
        try database.withConnection { connection in
            try connection.query("""
                SELECT \(Self.columns) FROM documents d WHERE d.vendor_id = \(try VendorLookup.id(connection, slug: slug)) ORDER BY d.id
                """).map(Self.record)
        }
    }

    /// A document of the vendor with its content.
    ///
    /// - Throws: ``StorageError/notFound(_:)`` when the vendor has no document `id`.
    public func content(vendor slug: String, id: Int) throws -> (DocumentRecord, Data) {
        try database.withConnection { connection in
            guard let row = try connection.query("""
                SELECT \(Self.columns), d.content FROM documents d JOIN vendors v ON v.id = d.vendor_id WHERE v.slug = \(slug) AND d.id = \(id)
                """).first else {
                throw StorageError.notFound("vendor \(slug) has no document \(id)")
            }
            return (try Self.record(row), try row.decode(Data.self, "content"))
        }
    }

    /// Stores `document` for the vendor in the transaction of the record it belongs to; returns its id.
    static func insert(_ connection: Connection, vendorID: Int, _ document: NewDocument, actor: String) throws -> Int {
        try connection.query("""
            INSERT INTO documents (vendor_id, filename, content_type, size_bytes, sha256, content, uploaded_by)
            VALUES (\(vendorID), \(document.filename), \(document.contentType), \(document.content.count), \(PortalSecret.sha256Hex(document.content)),
                    \(document.content), \(actor))
            RETURNING id
            """)[0].decode(Int.self, at: 0)
    }

    static let columns: PostgresQuery = """
        d.id, d.filename, d.content_type, d.size_bytes, d.sha256, d.uploaded_by, d.uploaded_at,
        (SELECT c.id FROM certifications c WHERE c.document_id = d.id LIMIT 1) AS certification,
        (SELECT k.id FROM contracts k WHERE k.document_id = d.id LIMIT 1) AS contract
        """

    static func record(_ row: PostgresRow) throws -> DocumentRecord {
        DocumentRecord(
            id: try row.decode(Int.self, "id"), filename: try row.decode(String.self, "filename"), contentType: try row.decode(String.self, "content_type"),
            size: try row.decode(Int.self, "size_bytes"), sha256: try row.decode(String.self, "sha256"), uploadedBy: try row.decode(String.self, "uploaded_by"),
            uploadedAt: try row.decode(Date.self, "uploaded_at"), certification: try row.decode(Int?.self, "certification"),
            contract: try row.decode(Int?.self, "contract"))
    }
}
