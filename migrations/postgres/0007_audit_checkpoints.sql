-- Signed checkpoints of the audit chain's head (PostgreSQL): the last entry's
-- sequence number and hash, signed with the issuer key over
-- "rosette-audit-checkpoint/v1\n{seq}\n{hash}\n{time}\n{key_id}". At most one
-- per sequence number: two nodes signing the same head keep the first.
CREATE TABLE audit_checkpoints (
    seq       BIGINT PRIMARY KEY CHECK (seq >= 0),
    hash      TEXT NOT NULL,
    time      TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    signature TEXT NOT NULL
);
