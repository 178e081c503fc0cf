-- The active second factor: a row exists exactly while 2FA is enabled.
-- `last_used_step` is the replay guard: a code is accepted only for a
-- later time step (compare-and-set). `recovery_set` numbers the sets of
-- recovery codes so a person can tell which saved file is current.
CREATE TABLE two_factor (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    sealed_secret BYTEA NOT NULL,
    last_used_step BIGINT NOT NULL,
    recovery_set BIGINT NOT NULL,
    enabled_at BIGINT NOT NULL
);

-- A secret being set up: inactive until a code from it verifies, then
-- moved into two_factor in the same transaction that stores the codes.
CREATE TABLE two_factor_setup (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    sealed_secret BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

-- Recovery codes, sealed (they stay viewable) and keyed-hashed (to find
-- one without decrypting all).
CREATE TABLE recovery_codes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    set_number BIGINT NOT NULL,
    position BIGINT NOT NULL,
    lookup_hash BYTEA NOT NULL,
    sealed_code BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE UNIQUE INDEX recovery_codes_lookup ON recovery_codes (account_id, lookup_hash);

-- Failed second-factor attempts, for the sliding-window throttle.
CREATE TABLE second_factor_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    failed_at BIGINT NOT NULL
);
CREATE INDEX second_factor_failures_recent ON second_factor_failures (account_id, failed_at);

-- Consecutive failures since the last success (the hard cap). Updating it
-- also serializes second-factor attempts of one account.
ALTER TABLE accounts ADD COLUMN second_factor_failures BIGINT NOT NULL DEFAULT 0;
