-- Candidates, assessments, credentials and the audit log (SQLite).
CREATE TABLE candidates (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL UNIQUE,
    external_id TEXT UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE assessments (
    id            TEXT PRIMARY KEY,
    candidate_id  TEXT NOT NULL REFERENCES candidates (id),
    certification TEXT NOT NULL,
    attempt       INTEGER NOT NULL CHECK (attempt >= 1),
    kind          TEXT NOT NULL CHECK (kind IN ('written', 'lab')),
    score         DOUBLE PRECISION,
    pass_mark     DOUBLE PRECISION,
    passed        INTEGER NOT NULL CHECK (passed IN (0, 1)),
    grader        TEXT,
    notes         TEXT,
    reference     TEXT,
    assessed_on   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    UNIQUE (candidate_id, certification, attempt, kind)
);

CREATE TABLE credentials (
    id            TEXT PRIMARY KEY,
    candidate_id  TEXT NOT NULL REFERENCES candidates (id),
    certification TEXT NOT NULL,
    attempt       INTEGER NOT NULL,
    issuance_key  TEXT NOT NULL UNIQUE,
    external_id   TEXT UNIQUE,
    holder_name   TEXT NOT NULL,
    issued_at     TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_until   TEXT,
    state         TEXT NOT NULL CHECK (state IN ('active', 'superseded')),
    renews        TEXT REFERENCES credentials (id),
    replaces      TEXT REFERENCES credentials (id),
    superseded_by TEXT REFERENCES credentials (id),
    document      TEXT NOT NULL
);
CREATE INDEX credentials_candidate ON credentials (candidate_id);
CREATE INDEX credentials_certification ON credentials (certification, issued_at);

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    details   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: Rosette never updates or deletes audit entries.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
