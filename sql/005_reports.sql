-- The committee report pack: a record of each pack generated, and the score
-- breakdown kept with each history row, so a past pack's drivers can be
-- rebuilt from the history as it stood.

-- The breakdown of the score each history row records (null for rows written before this migration),
-- and its summary for reports, written by the worker with the row so that a pack over 50,000 vendors
-- reads small facts rather than parsing every breakdown: {"drivers": the three largest lines'
-- explanations, "clauseGaps": the clause keys missing, "lateNotices": the incident ids with a late notice}.
ALTER TABLE score_history ADD COLUMN breakdown json COMPRESSION lz4, ADD COLUMN summary jsonb;

-- The same summary derived from a breakdown, for history rows written before the worker stored one.
-- It must agree with Score.summary in SupplierRisk (a test holds them together).
CREATE FUNCTION score_summary(breakdown json) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object(
        'drivers', COALESCE((SELECT jsonb_agg(e ORDER BY o) FROM (
            SELECT line->>'explanation' AS e, row_number() OVER (ORDER BY (line->>'hundredths')::int DESC, line->>'explanation') AS o
            FROM json_array_elements(breakdown->'lines') AS line) t WHERE o <= 3), '[]'),
        'clauseGaps', COALESCE((SELECT jsonb_agg(line->'source'->>'id' ORDER BY line->'source'->>'id')
            FROM json_array_elements(breakdown->'lines') AS line WHERE line->'source'->>'kind' = 'clause'), '[]'),
        'lateNotices', COALESCE((SELECT jsonb_agg((line->'source'->>'id')::bigint ORDER BY (line->'source'->>'id')::bigint)
            FROM json_array_elements(breakdown->'lines') AS line
            WHERE line->'source'->>'kind' = 'incident' AND line->>'explanation' LIKE 'vendor notice %'), '[]'))
$$;

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
