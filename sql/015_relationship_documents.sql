-- The documents behind the relationship's records: a certificate's file and a contract's signed copy, uploaded from
-- the workspace, checked as the portal checks evidence (type judged from the content, markup refused, a name whose
-- extension matches the type), kept in the database with their SHA-256.
CREATE TABLE documents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id bigint NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    filename text NOT NULL CONSTRAINT documents_filename_safe CHECK (
        filename ~ '^[A-Za-z0-9._ -]{1,120}$' AND filename NOT LIKE '.%'),
    content_type text NOT NULL CONSTRAINT documents_type_known CHECK (content_type IN (
        'application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
    size_bytes integer NOT NULL CONSTRAINT documents_size CHECK (size_bytes BETWEEN 1 AND 20971520),
    sha256 text NOT NULL CONSTRAINT documents_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content bytea NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_vendor ON documents (vendor_id);

-- A record names its document when it is written (a renewed certificate is a new record with its own file).
ALTER TABLE certifications ADD COLUMN document_id bigint REFERENCES documents (id);
ALTER TABLE contracts ADD COLUMN document_id bigint REFERENCES documents (id);
CREATE INDEX certifications_document ON certifications (document_id) WHERE document_id IS NOT NULL;
CREATE INDEX contracts_document ON contracts (document_id) WHERE document_id IS NOT NULL;
