-- Security keys and passkeys (WebAuthn) as two-factor methods: the
-- credential as webauthn-rs serialises it (its public key, counter and
-- flags: nothing secret), and its id, unique across all accounts (a
-- credential belongs to one account only).
ALTER TABLE two_factor_methods ADD COLUMN credential_id BYTEA;
ALTER TABLE two_factor_methods ADD COLUMN credential TEXT;
CREATE UNIQUE INDEX two_factor_methods_by_credential
    ON two_factor_methods (credential_id) WHERE credential_id IS NOT NULL;

-- The user handle an account's credentials carry (a random UUID, never
-- the login): what a passkey names at sign-in.
ALTER TABLE accounts ADD COLUMN webauthn_user_id TEXT;
CREATE UNIQUE INDEX accounts_by_webauthn_user
    ON accounts (webauthn_user_id) WHERE webauthn_user_id IS NOT NULL;

-- A WebAuthn ceremony begun and not yet finished: its state (the
-- challenge, and what the answer must match) by the SHA-256 of the handle
-- the browser was given. Any process can finish it; it is taken (deleted)
-- by the first answer, and useless after `expires_at`. `source` is where
-- an anonymous one (a passkey sign-in) was begun from (an IPv4 address or
-- an IPv6 /64), to bound how many one source may keep open.
CREATE TABLE webauthn_ceremonies (
    handle_hash BYTEA PRIMARY KEY,
    purpose TEXT NOT NULL,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    bound_to TEXT,
    source TEXT,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX webauthn_ceremonies_by_expiry ON webauthn_ceremonies (expires_at);
CREATE INDEX webauthn_ceremonies_by_account ON webauthn_ceremonies (account_id)
    WHERE account_id IS NOT NULL;
CREATE INDEX webauthn_ceremonies_by_session ON webauthn_ceremonies (bound_to, purpose)
    WHERE bound_to IS NOT NULL;
CREATE INDEX webauthn_ceremonies_by_source ON webauthn_ceremonies (source, expires_at)
    WHERE source IS NOT NULL;
