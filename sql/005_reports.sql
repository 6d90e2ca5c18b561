-- The committee report pack: a record of each pack generated, and the score
-- breakdown kept with each history row, so a past pack's drivers can be
-- rebuilt from the history as it stood.

-- The breakdown of the score each history row records (null for rows written before this migration).
ALTER TABLE score_history ADD COLUMN breakdown json COMPRESSION lz4;

-- Each generated pack, with its parameters and the SHA-256 of its content.
-- "Since the last meeting" defaults to the as-of date of the latest pack.
CREATE TABLE report_packs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CONSTRAINT report_packs_kind_known CHECK (kind IN ('committee')),
    since timestamptz NOT NULL,
    as_of timestamptz NOT NULL,
    format text NOT NULL CONSTRAINT report_packs_format_known CHECK (format IN ('html', 'csv', 'json', 'md')),
    digest text NOT NULL CONSTRAINT report_packs_digest_format CHECK (digest ~ '^[0-9a-f]{64}$'),
    model_versions text[] NOT NULL,
    generated_by text NOT NULL,
    generated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_packs_since_before CHECK (since < as_of)
);
CREATE INDEX report_packs_latest ON report_packs (kind, as_of DESC);
