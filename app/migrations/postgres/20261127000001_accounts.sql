-- Accounts. `login` is shown as typed; `login_key` (lower case) makes
-- logins unique regardless of case. `session_epoch` is bumped to end every
-- session of the account at once (a session remembers the epoch it began in).
CREATE TABLE accounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login TEXT NOT NULL,
    login_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    session_epoch BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
