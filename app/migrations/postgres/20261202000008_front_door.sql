-- Browsers that finished a sign-in to an account (OWASP "device
-- cookies"): the SHA-256 of the random token in their cookie. Their
-- password attempts are counted on a budget of their own, so a stranger's
-- guessing cannot lock the owner's own browser out.
CREATE TABLE known_browsers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL,
    signed_in_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX known_browsers_token ON known_browsers (account_id, token_hash);
CREATE INDEX known_browsers_by_age ON known_browsers (signed_in_at);

-- Password attempts (sign-ins and confirmations) in the sliding windows:
-- per account, per source (an IPv4 address or an IPv6 /64) and per known
-- browser. A row is written before the password is judged and deleted when
-- it was right, so parallel attempts cannot overrun a budget. No account
-- for a login that names none.
CREATE TABLE password_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    browser_id BIGINT REFERENCES known_browsers (id) ON DELETE CASCADE,
    failed_at BIGINT NOT NULL
);
CREATE INDEX password_failures_by_account ON password_failures (account_id, failed_at);
CREATE INDEX password_failures_by_source ON password_failures (source, failed_at);
CREATE INDEX password_failures_by_browser ON password_failures (browser_id, failed_at);
CREATE INDEX password_failures_by_age ON password_failures (failed_at);

-- Consecutive failed passwords from browsers not known to the account
-- (the hard cap, NIST SP 800-63B 5.2.2), and every failed sign-in password
-- since the last sign-in (told to the owner once after the next one).
ALTER TABLE accounts ADD COLUMN password_failures BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN failed_sign_ins BIGINT NOT NULL DEFAULT 0;

-- When the session signed in (its absolute lifetime), and the failed
-- sign-ins its dashboard shows once. Sessions from before this migration
-- count from their last use.
ALTER TABLE sessions ADD COLUMN signed_in_at BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET signed_in_at = expires_at - 43200;
ALTER TABLE sessions ADD COLUMN failed_sign_ins BIGINT;

-- A run of the same failure between two events that matter is one line
-- with a count: guessing cannot push a sign-in out of the list.
ALTER TABLE security_events ADD COLUMN repeats BIGINT NOT NULL DEFAULT 1;
CREATE INDEX security_events_by_age ON security_events (at);
