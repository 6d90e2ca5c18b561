-- Signed-in sessions of the workspace. The browser holds a random 256-bit id; only its SHA-256 is kept, so a
-- copy of this table signs nobody in. A session ends when its person signs out, changes the password or is
-- disabled, after `idle` without a request, and at `expires_at` whatever happens.
CREATE TABLE sessions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL CONSTRAINT sessions_hash_key UNIQUE
        CONSTRAINT sessions_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    -- Every form of the session carries it; it is not a credential on its own.
    csrf_token text NOT NULL CONSTRAINT sessions_csrf_present CHECK (length(csrf_token) >= 32),
    client text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    idle interval NOT NULL CONSTRAINT sessions_idle_positive CHECK (idle > interval '0'),
    expires_at timestamptz NOT NULL,
    ended_at timestamptz,
    ended_why text CONSTRAINT sessions_ended_why_known CHECK (ended_why IN ('signed_out', 'password_changed', 'disabled')),
    CONSTRAINT sessions_expire_after_creation CHECK (expires_at > created_at),
    CONSTRAINT sessions_ended_with_reason CHECK ((ended_at IS NULL) = (ended_why IS NULL))
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;

-- Failed sign-ins, counted per account (the email typed, known or not) and per client over a window, so that
-- every instance of tprm serve sees the same count. Old rows are deleted as new ones come in.
CREATE TABLE sign_in_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    client text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_client ON sign_in_failures (client, at);

-- Signing in, a refused sign-in and signing out are in the audit log with the person's email as the actor.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_known;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_known
    CHECK (action IN ('create', 'update', 'delete', 'sign_in', 'sign_in_refused', 'sign_out'));
