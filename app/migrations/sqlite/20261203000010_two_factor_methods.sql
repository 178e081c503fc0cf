-- An account's second factors become a list: each authenticator app (its
-- sealed secret and its own replay guard) and, later, each security key
-- or passkey. `two_factor` keeps what belongs to 2FA as a whole: a row
-- exists exactly while 2FA is on, with the recovery set's number.
--
-- Every account's authenticator app moves over unchanged: the same sealed
-- secret (sealed for the account, not for the row), the same last used
-- step. An empty name reads as the kind's own ("Authenticator app").
--
-- Processes of the version before read `two_factor.sealed_secret`: stop
-- them before this migration runs.
CREATE TABLE two_factor_methods (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    sealed_secret BLOB,
    last_used_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX two_factor_methods_by_account ON two_factor_methods (account_id);

INSERT INTO two_factor_methods (account_id, kind, sealed_secret, last_used_step, created_at)
SELECT account_id, 'app', sealed_secret, last_used_step, enabled_at FROM two_factor;

ALTER TABLE two_factor DROP COLUMN sealed_secret;
ALTER TABLE two_factor DROP COLUMN last_used_step;
