-- What happened to an account's security, for the person to see:
-- sign-ins by method, failed and throttled second factors, 2FA enabled or
-- disabled, recovery codes viewed, downloaded or regenerated, failed
-- password confirmations. Never a secret or a code.
CREATE TABLE security_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX security_events_latest ON security_events (account_id, id);
