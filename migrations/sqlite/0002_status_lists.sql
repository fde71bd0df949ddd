-- Bitstring Status Lists: one list per purpose at a time, entries allocated
-- at pseudo-random positions (a keyed permutation of a counter), never reused.
CREATE TABLE status_lists (
    id                TEXT PRIMARY KEY,
    purpose           TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
    size              BIGINT NOT NULL,
    allocated         BIGINT NOT NULL DEFAULT 0,
    permutation_key   TEXT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 0,
    published_version BIGINT NOT NULL DEFAULT -1,
    published         TEXT,
    published_at      TEXT,
    created_at        TEXT NOT NULL
);

CREATE TABLE status_entries (
    list_id       TEXT NOT NULL REFERENCES status_lists (id),
    idx           BIGINT NOT NULL,
    credential_id TEXT NOT NULL REFERENCES credentials (id),
    purpose       TEXT NOT NULL,
    value         BIGINT NOT NULL DEFAULT 0 CHECK (value IN (0, 1)),
    PRIMARY KEY (list_id, idx)
);
CREATE INDEX status_entries_credential ON status_entries (credential_id);
