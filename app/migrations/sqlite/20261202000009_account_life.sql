-- What the Sessions tab shows of each session: a handle to name it by
-- (the token's hash changes at every step and is never shown), when it was
-- last used, and the address and browser it was last used from. Sessions
-- from before this migration get a handle and count as used when they
-- signed in. A process still running the version before writes '' (the
-- default) during a rolling upgrade: the index is unique only for handles
-- given.
ALTER TABLE sessions ADD COLUMN handle TEXT NOT NULL DEFAULT '';
UPDATE sessions SET handle = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX sessions_by_handle ON sessions (handle) WHERE handle <> '';
ALTER TABLE sessions ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_used_at = signed_in_at;
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;

-- One-time links where a person sets a new password (the operator's
-- `server admin reset-link`): the SHA-256 of the token in the link, valid
-- until `expires_at`, spent when `used_at` is set.
CREATE TABLE password_resets (
    token_hash BLOB PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_by_account ON password_resets (account_id);
CREATE INDEX password_resets_by_expiry ON password_resets (expires_at);
