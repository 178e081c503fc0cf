-- Email (issue 23). `email` is the account's verified address, the one
-- mail goes to (NULL: none); an address counts only once its link is
-- opened, so a change waits in `email_verifications` meanwhile. Two
-- accounts never share an address, compared without case (the
-- "Forgot your password?" page finds an account by it).
-- `language` is what the account's mail is written in (the language the
-- address was added in); `mail_informational` is 0 once the owner turns off
-- the notices that mean no factor changed (new browser, token created).
ALTER TABLE accounts ADD COLUMN email TEXT;
CREATE UNIQUE INDEX accounts_by_email ON accounts (lower(email)) WHERE email IS NOT NULL;
ALTER TABLE accounts ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE accounts ADD COLUMN mail_informational BIGINT NOT NULL DEFAULT 1;

-- A link that makes `email` the account's address once opened: the
-- SHA-256 of its token, valid until `expires_at`, spent when `used_at` is
-- set. An account has at most one waiting (a newer request replaces it).
CREATE TABLE email_verifications (
    token_hash BYTEA PRIMARY KEY,
    account_id BIGINT NOT NULL UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX email_verifications_by_expiry ON email_verifications (expires_at);

-- The outbox: each mail is a row written in the transaction of the change
-- it tells of, so it exists exactly when the change does. A sender claims
-- a due row (`claimed_until`, a lease), sends it and sets `sent_at`; a
-- failure moves `due_at` on (backoff) until a day has passed, then
-- `failed_at` is set. `details` is what the message is written from (JSON,
-- nothing secret); `sealed_link` the one link meant for the recipient,
-- sealed with the secret key and cleared once sent. The rows do not need
-- their account: a notice of a deletion outlives it.
CREATE TABLE mail_outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    recipient TEXT NOT NULL,
    language TEXT NOT NULL,
    kind TEXT NOT NULL,
    details TEXT NOT NULL,
    sealed_link BYTEA,
    message_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT,
    last_error TEXT,
    sent_at BIGINT,
    failed_at BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox (due_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_by_account ON mail_outbox (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX mail_outbox_done ON mail_outbox (created_at) WHERE sent_at IS NOT NULL OR failed_at IS NOT NULL;

-- "Forgot your password?" requests, by where each came from (an IPv4
-- address or an IPv6 /64), to bound how many one source makes. Each is
-- looked up after it is answered (so the answer's time says nothing of
-- whether the account exists): `looked_up_at` is set then, and
-- `account_id` when a reset link was mailed to that account, to bound how
-- many one account gets.
CREATE TABLE reset_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source TEXT NOT NULL,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    looked_up_at BIGINT
);
CREATE INDEX reset_requests_by_source ON reset_requests (source, at);
CREATE INDEX reset_requests_by_account ON reset_requests (account_id, at)
    WHERE account_id IS NOT NULL;
