-- A value derived one-way from the master key by the first process that
-- started on this database. A process with another key refuses to start
-- instead of failing on every sealed secret it reads.
CREATE TABLE vault_key_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    check_value BLOB NOT NULL
);
