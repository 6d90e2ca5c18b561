-- API tokens: a name, a role, and the SHA-256 of the token; the token itself is shown once and never stored.
CREATE TABLE api_tokens (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT api_tokens_name_key UNIQUE
        CONSTRAINT api_tokens_name_format CHECK (name ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(name) <= 64),
    role text NOT NULL CONSTRAINT api_tokens_role_known CHECK (role IN ('admin', 'analyst', 'committee')),
    token_hash text NOT NULL CONSTRAINT api_tokens_hash_key UNIQUE CONSTRAINT api_tokens_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
