-- A session's account: for deleting an account's sessions with it, and for
-- sweeping the rows of sessions an epoch change ended.
CREATE INDEX sessions_by_account ON sessions (account_id);
