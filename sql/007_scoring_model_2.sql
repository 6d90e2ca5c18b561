-- Scoring model 2 (questionnaires/scoring.yaml version 2): what the model reads and how its scores are kept.
--
-- The profile gains an autonomy dimension, and a general-purpose model becomes a kind of offering rather than
-- an EU AI Act class of our use. Incidents record when the vendor itself became aware, from which its notice
-- period runs; contract clause statuses record the numbers signed (the notice SLA in hours, say). A use
-- prohibited by the Act can be assessed but never active. The critical tier's quarterly check-in is an
-- assessment of its own kind.
--
-- Scores of model 2 keep their breakdown as typed lines, compactly, and their summary the same way; sentences
-- are rendered when read. Scores of model 1 (in the history) keep the form they were written in, and the
-- summary function below reads both.

-- The profile.
ALTER TABLE vendors ADD COLUMN autonomy text NOT NULL DEFAULT 'none'
    CONSTRAINT vendors_autonomy_known CHECK (autonomy IN ('none', 'recommends', 'acts_with_approval', 'acts_autonomously'));
ALTER TABLE vendors DROP CONSTRAINT vendors_offering_known, DROP CONSTRAINT vendors_ai_act_class_known;

-- A vendor recorded as "gpai" was recorded by what it is, not by what we use it for: the model API of a
-- general-purpose model becomes that kind of offering, and the use is taken to carry transparency duties
-- (limited) until someone who knows it says otherwise. Each change is audited, with the row before and after.
INSERT INTO audit_log (actor, action, entity, entity_id, before, after)
SELECT 'migration 007_scoring_model_2', 'update', 'vendor', v.slug, s.snapshot,
       s.snapshot || jsonb_build_object('ai_act_class', 'limited',
                                        'offering', CASE WHEN v.offering = 'model_api' THEN 'general_purpose_model' ELSE v.offering END)
FROM vendors v, LATERAL (
    SELECT to_jsonb(v) || jsonb_build_object('fourth_parties', COALESCE((
        SELECT jsonb_agg(jsonb_build_object('name', f.name, 'role', l.role) ORDER BY l.role, f.name)
        FROM vendor_fourth_parties l JOIN fourth_parties f ON f.id = l.fourth_party_id WHERE l.vendor_id = v.id), '[]')) AS snapshot) s
WHERE v.ai_act_class = 'gpai'
ORDER BY v.id;
UPDATE vendors SET ai_act_class = 'limited', offering = CASE WHEN offering = 'model_api' THEN 'general_purpose_model' ELSE offering END,
    updated_at = now()
WHERE ai_act_class = 'gpai';

ALTER TABLE vendors
    ADD CONSTRAINT vendors_offering_known CHECK (offering IN (
        'model_api', 'general_purpose_model', 'ai_saas', 'embedded_feature', 'agent', 'custom_development')),
    ADD CONSTRAINT vendors_ai_act_class_known CHECK (ai_act_class IN ('minimal', 'limited', 'high_risk', 'prohibited')),
    -- NOT VALID: enforced for every row written from now on; a vendor already active under a prohibited use is
    -- left for a person to resolve (tprm vendor update … --status), not moved silently.
    ADD CONSTRAINT vendors_prohibited_not_active CHECK (NOT (status = 'active' AND ai_act_class = 'prohibited')) NOT VALID;

-- When the vendor became aware of an incident, where recorded.
ALTER TABLE incidents ADD COLUMN vendor_aware_at timestamptz,
    ADD CONSTRAINT incidents_aware_after_occurred CHECK (vendor_aware_at IS NULL OR vendor_aware_at >= occurred_at);

-- The numbers a contract signed for a clause, by the library's parameter names: {"sla_hours": 24}.
ALTER TABLE contract_clauses ADD COLUMN parameters jsonb NOT NULL DEFAULT '{}'
    CONSTRAINT contract_clauses_parameters_object CHECK (jsonb_typeof(parameters) = 'object');

-- The critical tier's check-in between full assessments.
ALTER TABLE assessments DROP CONSTRAINT assessments_reason_known,
    ADD CONSTRAINT assessments_reason_known CHECK (reason IN ('onboarding', 'periodic', 'triggered', 'check_in'));

-- Each scoring model a worker has scored with: the digest stored with every score, the version of scoring.yaml
-- it belongs to, and when it was first used. The committee pack says when the model changed.
CREATE TABLE scoring_models (
    digest text PRIMARY KEY CONSTRAINT scoring_models_digest_present CHECK (length(btrim(digest)) BETWEEN 1 AND 64),
    version integer NOT NULL CONSTRAINT scoring_models_version_positive CHECK (version > 0),
    first_used_at timestamptz NOT NULL DEFAULT now()
);
-- Every score so far came from version 1 of scoring.yaml.
INSERT INTO scoring_models (digest, version, first_used_at)
SELECT model_version, 1, min(computed_at) FROM score_history GROUP BY model_version
ON CONFLICT DO NOTHING;
INSERT INTO scoring_models (digest, version, first_used_at)
SELECT model_version, 1, min(computed_at) FROM scores GROUP BY model_version
ON CONFLICT DO NOTHING;

-- The current scores' breakdowns compress with pglz, which on these short, repetitive JSON arrays keeps about
-- 1.35 KB of 2.5 KB where lz4 keeps 1.5 KB: the difference between a vendor's row fitting the 2 KB it is allowed,
-- indexes and TOAST included, or not. The history keeps lz4, written once and read rarely.
ALTER TABLE scores ALTER COLUMN breakdown SET COMPRESSION pglz;

-- A score of model 2 keeps its breakdown as {"v": 2, "l": [line, …]}, each line an array:
--   [kind, id, outcome, hundredths, credit, weight, detail…]
-- kind: p profile, a assessment, q question, c clause, i incident, t certificate.
-- outcome: rf residual floor, ns not assessed, ok credited, pt partial, fa failed, un unanswered, fg flagged,
--   st stale, np not applicable, nk not asked, kc key control cap, mc missing clause, cd clause deviation,
--   in incident, ln late notice, ko knock-out, pr prohibited, oc open critical incident, lg legacy.
-- credit and weight: ten-thousandths (or null); the detail follows the outcome (see ScoreRecord in Storage).
-- Its summary is {"v": 2, "drivers": [3 lines], "clauseGaps": [keys], "lateNotices": [incident ids],
-- "failedAnswers": [lines]}, the lines as in the breakdown.
--
-- The order lines are read in, by Swift (Score.byWeight, Score.failedAnswers) and by the summary alike: the
-- positions of components, kinds and outcomes in their declared orders.
CREATE FUNCTION score_line_component(outcome text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN outcome = 'rf' THEN 0
        WHEN outcome IN ('ns', 'ok', 'pt', 'fa', 'un', 'fg', 'st', 'np', 'nk', 'kc', 'lg') THEN 1
        WHEN outcome IN ('mc', 'cd') THEN 2
        WHEN outcome IN ('in', 'ln') THEN 3
        ELSE 4 END
$$;
CREATE FUNCTION score_line_kind(kind text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_position(ARRAY['p', 'a', 'q', 'c', 'i', 't'], kind)
$$;
CREATE FUNCTION score_line_outcome(outcome text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_position(ARRAY['rf', 'ns', 'ok', 'pt', 'fa', 'un', 'fg', 'st', 'np', 'nk', 'kc', 'mc', 'cd', 'in', 'ln', 'ko', 'pr', 'oc', 'lg'], outcome)
$$;

-- The summary of a breakdown of either model: it must agree with Score.summary in SupplierRisk and with what
-- the worker writes (tests hold them together).
CREATE OR REPLACE FUNCTION score_summary(breakdown json) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN breakdown->>'v' = '2' THEN (
        WITH line AS (
            SELECT l::jsonb AS l, l->>0 AS kind, l->>1 AS id, l->>2 AS outcome, (l->>3)::int AS hundredths
            FROM json_array_elements(breakdown->'l') AS l
        )
        SELECT jsonb_build_object(
            'v', 2,
            'drivers', COALESCE((SELECT jsonb_agg(l ORDER BY o) FROM (
                SELECT l, row_number() OVER (ORDER BY hundredths DESC, score_line_component(outcome), score_line_kind(kind), id COLLATE "C") AS o
                FROM line) t WHERE o <= 3), '[]'),
            'clauseGaps', COALESCE((SELECT jsonb_agg(id ORDER BY id COLLATE "C") FROM line WHERE outcome IN ('mc', 'cd')), '[]'),
            'lateNotices', COALESCE((SELECT jsonb_agg(id::bigint ORDER BY id::bigint) FROM line WHERE outcome = 'ln'), '[]'),
            'failedAnswers', COALESCE((SELECT jsonb_agg(l ORDER BY id COLLATE "C", score_line_outcome(outcome))
                FROM line WHERE kind = 'q' AND outcome IN ('fa', 'un', 'fg', 'ko')), '[]')))
    ELSE jsonb_build_object(
        'drivers', COALESCE((SELECT jsonb_agg(e ORDER BY o) FROM (
            SELECT line->>'explanation' AS e, row_number() OVER (ORDER BY (line->>'hundredths')::int DESC, line->>'explanation') AS o
            FROM json_array_elements(breakdown->'lines') AS line) t WHERE o <= 3), '[]'),
        'clauseGaps', COALESCE((SELECT jsonb_agg(line->'source'->>'id' ORDER BY line->'source'->>'id')
            FROM json_array_elements(breakdown->'lines') AS line WHERE line->'source'->>'kind' = 'clause'), '[]'),
        'lateNotices', COALESCE((SELECT jsonb_agg((line->'source'->>'id')::bigint ORDER BY (line->'source'->>'id')::bigint)
            FROM json_array_elements(breakdown->'lines') AS line
            WHERE line->'source'->>'kind' = 'incident' AND line->>'explanation' LIKE 'vendor notice %'), '[]'),
        'failedAnswers', COALESCE((SELECT jsonb_agg(
                CASE WHEN line->>'explanation' LIKE 'knock-out answer%' THEN line->>'explanation'
                     ELSE split_part(line->>'explanation', '; credit ', 1) END
                ORDER BY line->'source'->>'id' COLLATE "C")
            FROM json_array_elements(breakdown->'lines') AS line
            WHERE line->'source'->>'kind' = 'question'
              AND (line->>'explanation' LIKE 'knock-out answer%' OR line->>'explanation' LIKE '%; credit 0\%,%')), '[]'))
    END
$$;
