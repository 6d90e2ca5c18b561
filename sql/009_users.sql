-- People who sign in: analysts, committee members and administrators. The email (lower-case) is the
-- account's name and the audit log's actor. The password is kept only as a bcrypt hash, and is absent
-- until its owner sets it through a one-time link. A disabled account keeps its row and its history.
CREATE TABLE users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL CONSTRAINT users_email_key UNIQUE
        CONSTRAINT users_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' AND email = lower(email) AND length(email) <= 254),
    name text NOT NULL CONSTRAINT users_name_present CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    role text NOT NULL CONSTRAINT users_role_known CHECK (role IN ('admin', 'analyst', 'committee')),
    password_hash text CONSTRAINT users_password_hash_format CHECK (password_hash ~ '^\$2[abxy]\$[0-9]{2}\$[./A-Za-z0-9]{53}$'),
    password_changed_at timestamptz,
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_password_when_changed CHECK ((password_hash IS NULL) = (password_changed_at IS NULL))
);

-- One-time links to set a password (a new account, or a reset): only the SHA-256 of the token is kept.
-- A new link for an account revokes the ones before it; a link works once, until it expires.
CREATE TABLE password_links (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash text NOT NULL CONSTRAINT password_links_hash_key UNIQUE
        CONSTRAINT password_links_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    revoked_at timestamptz,
    CONSTRAINT password_links_expire_after_creation CHECK (expires_at > created_at)
);
CREATE INDEX password_links_user ON password_links (user_id) WHERE used_at IS NULL AND revoked_at IS NULL;

-- The set-password link goes out through the outbox like every other email.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_known;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_known CHECK (kind IN (
    'invitation', 'reminder', 'changes_requested', 'overdue', 'escalation', 'receipt', 'password_link'));
