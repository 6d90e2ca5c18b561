-- Assessments and answers, current scores, their history, and the rescore
-- queue. Every change to a score input queues its vendor in the same
-- transaction (statement-level triggers, so a COPY of ten thousand rows
-- queues each vendor once) and notifies the workers on channel "rescore".

-- Questionnaires as sent, each distinct content stored once under its SHA-256,
-- so later catalog edits never change what was asked.
CREATE TABLE questionnaire_snapshots (
    content_hash text PRIMARY KEY CONSTRAINT questionnaire_snapshots_hash_format CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    template_key text NOT NULL,
    template_version integer NOT NULL CONSTRAINT questionnaire_snapshots_version_positive CHECK (template_version > 0),
    content jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE assessments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id bigint NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    content_hash text NOT NULL REFERENCES questionnaire_snapshots (content_hash),
    reason text NOT NULL CONSTRAINT assessments_reason_known CHECK (reason IN ('onboarding', 'periodic', 'triggered')),
    status text NOT NULL DEFAULT 'sent' CONSTRAINT assessments_status_known CHECK (status IN (
        'sent', 'in_progress', 'submitted', 'under_review', 'completed', 'expired', 'cancelled')),
    sent_at timestamptz NOT NULL DEFAULT now(),
    due_at timestamptz NOT NULL,
    submitted_at timestamptz,
    completed_at timestamptz,
    CONSTRAINT assessments_due_after_sent CHECK (due_at > sent_at),
    CONSTRAINT assessments_submitted_when_submitted CHECK (
        (status IN ('submitted', 'under_review', 'completed')) <= (submitted_at IS NOT NULL)),
    CONSTRAINT assessments_completed_when_completed CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);
CREATE INDEX assessments_vendor ON assessments (vendor_id, submitted_at DESC);

CREATE TABLE answers (
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    question_id text NOT NULL CONSTRAINT answers_question_id_format CHECK (question_id ~ '^[A-Z]{2,5}-[0-9]{2}$'),
    -- Exactly one value, by question type: the chosen option (yes/no and single),
    -- the chosen options (multi), a number, a date, text, or an uploaded file.
    option_value text,
    options_value text[],
    number_value double precision,
    date_value timestamptz,
    text_value text,
    file_value boolean NOT NULL DEFAULT false,
    answered_at timestamptz NOT NULL DEFAULT now(),
    evidence_refs text[] NOT NULL DEFAULT '{}',
    verdict text CONSTRAINT answers_verdict_known CHECK (verdict IN ('accepted', 'flagged')),
    reviewer_note text,
    reviewed_by text,
    reviewed_at timestamptz,
    PRIMARY KEY (assessment_id, question_id),
    CONSTRAINT answers_one_value CHECK (
        num_nonnulls(option_value, options_value, number_value, date_value, text_value) + file_value::int = 1),
    CONSTRAINT answers_verdict_reviewed CHECK ((verdict IS NULL) = (reviewed_at IS NULL))
);

-- The current score of each vendor, with its whole breakdown.
CREATE TABLE scores (
    vendor_id bigint PRIMARY KEY REFERENCES vendors (id) ON DELETE CASCADE,
    hundredths integer NOT NULL CONSTRAINT scores_range CHECK (hundredths BETWEEN 0 AND 10000),
    rating text NOT NULL CONSTRAINT scores_rating_known CHECK (rating IN ('low', 'medium', 'high', 'critical')),
    -- json, not jsonb: written thousands of times a second and always read whole.
    breakdown json COMPRESSION lz4 NOT NULL,
    model_version text NOT NULL,
    as_of timestamptz NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now()
);

-- A row each time a vendor's score or rating changed. Append-only.
CREATE TABLE score_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    vendor_id bigint NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
    hundredths integer NOT NULL,
    rating text NOT NULL,
    previous_hundredths integer,
    previous_rating text,
    model_version text NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX score_history_vendor ON score_history (vendor_id, id);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER score_history_append_only BEFORE UPDATE OR DELETE ON score_history
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER score_history_no_truncate BEFORE TRUNCATE ON score_history
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- At most one pending entry per vendor. A failing vendor is retried with
-- backoff and keeps its last error; it never blocks the others.
CREATE TABLE rescore_queue (
    vendor_id bigint PRIMARY KEY REFERENCES vendors (id) ON DELETE CASCADE,
    enqueued_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text
);
CREATE INDEX rescore_queue_due ON rescore_queue (next_attempt_at);

-- Queues the vendors a statement touched. TG_ARGV[0] is the SQL expression
-- giving the vendor id from a row of the transition table "changed".
CREATE FUNCTION enqueue_rescore() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    queued integer;
BEGIN
    EXECUTE format(
        'INSERT INTO rescore_queue (vendor_id)
         SELECT DISTINCT v.id FROM (SELECT %s AS vendor_id FROM changed) c JOIN vendors v ON v.id = c.vendor_id
         ON CONFLICT (vendor_id) DO UPDATE SET next_attempt_at = least(rescore_queue.next_attempt_at, now()), attempts = 0, last_error = NULL',
        TG_ARGV[0]);
    GET DIAGNOSTICS queued = ROW_COUNT;
    IF queued > 0 THEN
        PERFORM pg_notify('rescore', '');
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER vendors_rescore_insert AFTER INSERT ON vendors REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.id');
CREATE TRIGGER vendors_rescore_update AFTER UPDATE ON vendors REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.id');

CREATE TRIGGER certifications_rescore_insert AFTER INSERT ON certifications REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');
CREATE TRIGGER certifications_rescore_update AFTER UPDATE ON certifications REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');
CREATE TRIGGER certifications_rescore_delete AFTER DELETE ON certifications REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');

CREATE TRIGGER contracts_rescore_insert AFTER INSERT ON contracts REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');
CREATE TRIGGER contracts_rescore_update AFTER UPDATE ON contracts REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');
CREATE TRIGGER contracts_rescore_delete AFTER DELETE ON contracts REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');

CREATE TRIGGER contract_clauses_rescore_insert AFTER INSERT ON contract_clauses REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('(SELECT k.vendor_id FROM contracts k WHERE k.id = changed.contract_id)');
CREATE TRIGGER contract_clauses_rescore_update AFTER UPDATE ON contract_clauses REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('(SELECT k.vendor_id FROM contracts k WHERE k.id = changed.contract_id)');
CREATE TRIGGER contract_clauses_rescore_delete AFTER DELETE ON contract_clauses REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('(SELECT k.vendor_id FROM contracts k WHERE k.id = changed.contract_id)');

CREATE TRIGGER incidents_rescore_insert AFTER INSERT ON incidents REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');
CREATE TRIGGER incidents_rescore_update AFTER UPDATE ON incidents REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');
CREATE TRIGGER incidents_rescore_delete AFTER DELETE ON incidents REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');

CREATE TRIGGER assessments_rescore_insert AFTER INSERT ON assessments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');
CREATE TRIGGER assessments_rescore_update AFTER UPDATE ON assessments REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('changed.vendor_id');

CREATE TRIGGER answers_rescore_insert AFTER INSERT ON answers REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('(SELECT a.vendor_id FROM assessments a WHERE a.id = changed.assessment_id)');
CREATE TRIGGER answers_rescore_update AFTER UPDATE ON answers REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('(SELECT a.vendor_id FROM assessments a WHERE a.id = changed.assessment_id)');
CREATE TRIGGER answers_rescore_delete AFTER DELETE ON answers REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_rescore('(SELECT a.vendor_id FROM assessments a WHERE a.id = changed.assessment_id)');
