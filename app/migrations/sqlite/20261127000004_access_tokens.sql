-- Personal access tokens: for scripts, without the second factor. Only a
-- SHA-256 of the token is kept (the token carries 192 random bits, so a
-- plain hash is enough); the token itself is shown once.
CREATE TABLE access_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX access_tokens_by_account ON access_tokens (account_id, id);
