-- Sending questionnaires: private portal links, portal sessions, evidence
-- files, the review loop, and the outbox of emails delivered by the outreach
-- loop. An assessment, its link and its invitation are written in one
-- transaction; so are a submission and its rescore job (002's triggers).

-- What the assessment asked for and of whom, and the review loop's state.
ALTER TABLE assessments
    ADD COLUMN recipient text,
    ADD COLUMN sent_by text,
    -- Why a triggered assessment was sent ("certificate iso_42001 expired on …"); shown in the invitation.
    ADD COLUMN trigger_reason text,
    -- The reviewer's message when changes were requested; shown in the portal until the next submission.
    ADD COLUMN changes_requested text,
    ADD COLUMN overdue_at timestamptz,
    ADD COLUMN cancelled_at timestamptz;

-- At most one open assessment per vendor: a second send is refused, or, when
-- forced, cancels the first in the same transaction.
CREATE UNIQUE INDEX assessments_one_open ON assessments (vendor_id)
    WHERE status IN ('sent', 'in_progress', 'submitted', 'under_review');

-- Private links: the SHA-256 of a random 256-bit token, never the token.
CREATE TABLE assessment_links (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL CONSTRAINT assessment_links_hash_key UNIQUE
        CONSTRAINT assessment_links_hash_length CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    created_by text NOT NULL
);
CREATE INDEX assessment_links_assessment ON assessment_links (assessment_id);

-- A supplier's browser session, made when a link is opened: the SHA-256 of the
-- cookie's value, and the CSRF token its forms carry.
CREATE TABLE portal_sessions (
    id_hash bytea PRIMARY KEY CONSTRAINT portal_sessions_hash_length CHECK (length(id_hash) = 32),
    link_id bigint NOT NULL REFERENCES assessment_links (id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX portal_sessions_link ON portal_sessions (link_id);

-- Documents behind answers, kept in the database with their SHA-256.
CREATE TABLE evidence_files (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id bigint NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    question_id text NOT NULL,
    filename text NOT NULL CONSTRAINT evidence_files_filename_safe CHECK (
        filename ~ '^[A-Za-z0-9._ -]{1,120}$' AND filename NOT LIKE '.%'),
    content_type text NOT NULL CONSTRAINT evidence_files_type_known CHECK (content_type IN (
        'application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
    size_bytes integer NOT NULL CONSTRAINT evidence_files_size CHECK (size_bytes BETWEEN 1 AND 20971520),
    sha256 text NOT NULL CONSTRAINT evidence_files_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content bytea NOT NULL,
    uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evidence_files_assessment ON evidence_files (assessment_id, question_id);

-- Emails to send. A message is written in the transaction of the change that
-- causes it; the delivery loop claims due ones with SKIP LOCKED, retries with
-- backoff and, after its last attempt, leaves it dead with the last error.
-- dedupe_key makes each reminder or escalation happen at most once.
CREATE TABLE outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CONSTRAINT outbox_kind_known CHECK (kind IN (
        'invitation', 'reminder', 'changes_requested', 'overdue', 'escalation', 'receipt')),
    dedupe_key text NOT NULL CONSTRAINT outbox_dedupe_key UNIQUE,
    assessment_id bigint REFERENCES assessments (id) ON DELETE SET NULL,
    recipients text[] NOT NULL CONSTRAINT outbox_recipients_present CHECK (cardinality(recipients) > 0),
    subject text NOT NULL,
    text_body text NOT NULL,
    html_body text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CONSTRAINT outbox_status_known CHECK (status IN ('pending', 'sent', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    CONSTRAINT outbox_sent_when_sent CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

CREATE FUNCTION notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('outbox', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();
