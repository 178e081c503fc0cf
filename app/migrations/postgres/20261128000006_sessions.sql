-- Sessions, found by the SHA-256 of the 256-bit token the client holds:
-- a copy of this table opens no session. A session is alive while it has
-- not expired and its epoch is the account's. `stage` is `pending` between
-- the password and the second factor, `signed_in` after.
-- They replace tower-sessions' table: sessions from before are ended.
DROP SCHEMA IF EXISTS tower_sessions CASCADE;
CREATE TABLE sessions (
    id_hash BYTEA PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    epoch BIGINT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('pending', 'signed_in')),
    reauthenticated_at BIGINT,
    clock_drift TEXT CHECK (clock_drift IN ('ahead', 'behind')),
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
