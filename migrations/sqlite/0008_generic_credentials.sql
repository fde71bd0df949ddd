-- Generic credentials (VC-API issuance of any VCDM credential) and the token
-- scope that issues them. A credential
-- is of kind 'certification' (a candidate's attempt, as before) or 'generic'
-- (no candidate; certification '' and attempt 0). SQLite cannot drop a NOT
-- NULL constraint, so the credentials table is rebuilt. The runner holds a
-- transaction with foreign keys on: status_entries (the only table that
-- references credentials) is parked in a temporary table while credentials
-- is replaced; the new table refers to itself under its temporary name (the
-- rename rewrites that to credentials), so dropping the old one breaks no
-- reference. Every row is copied unchanged.

CREATE TEMP TABLE status_entries_0008 AS SELECT * FROM status_entries;
DROP TABLE status_entries;

CREATE TABLE credentials_0008 (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL DEFAULT 'certification'
                  CHECK (kind IN ('certification', 'generic')),
    candidate_id  TEXT REFERENCES candidates (id),
    certification TEXT NOT NULL,
    attempt       INTEGER NOT NULL,
    issuance_key  TEXT NOT NULL UNIQUE,
    external_id   TEXT UNIQUE,
    holder_name   TEXT NOT NULL,
    issued_at     TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_until   TEXT,
    state         TEXT NOT NULL CHECK (state IN ('active', 'superseded')),
    renews        TEXT REFERENCES credentials_0008 (id),
    replaces      TEXT REFERENCES credentials_0008 (id),
    superseded_by TEXT REFERENCES credentials_0008 (id),
    document      TEXT NOT NULL,
    holder_search TEXT NOT NULL DEFAULT '',
    CHECK ((kind = 'certification') = (candidate_id IS NOT NULL))
);
INSERT INTO credentials_0008 (id, kind, candidate_id, certification, attempt, issuance_key,
    external_id, holder_name, issued_at, valid_from, valid_until, state, renews, replaces,
    superseded_by, document, holder_search)
SELECT id, 'certification', candidate_id, certification, attempt, issuance_key, external_id,
    holder_name, issued_at, valid_from, valid_until, state, renews, replaces, superseded_by,
    document, holder_search
FROM credentials;
DROP TABLE credentials;
ALTER TABLE credentials_0008 RENAME TO credentials;
CREATE INDEX credentials_candidate ON credentials (candidate_id);
CREATE INDEX credentials_certification ON credentials (certification, issued_at);
CREATE INDEX credentials_kind ON credentials (kind, issued_at);

CREATE TABLE status_entries (
    list_id       TEXT NOT NULL REFERENCES status_lists (id),
    idx           BIGINT NOT NULL,
    credential_id TEXT NOT NULL REFERENCES credentials (id),
    purpose       TEXT NOT NULL,
    value         BIGINT NOT NULL DEFAULT 0 CHECK (value IN (0, 1)),
    changed_at    TEXT,
    PRIMARY KEY (list_id, idx)
);
INSERT INTO status_entries (list_id, idx, credential_id, purpose, value, changed_at)
SELECT list_id, idx, credential_id, purpose, value, changed_at FROM status_entries_0008;
CREATE INDEX status_entries_credential ON status_entries (credential_id);
DROP TABLE status_entries_0008;

-- Token scope `issuer` (VC-API generic issuance only): the scope check is
-- widened, again by a rebuild (no table references api_tokens).
CREATE TABLE api_tokens_0008 (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('admin', 'grader', 'issuer')),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);
INSERT INTO api_tokens_0008 (id, name, scope, token_hash, created_at, revoked_at)
SELECT id, name, scope, token_hash, created_at, revoked_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_0008 RENAME TO api_tokens;
