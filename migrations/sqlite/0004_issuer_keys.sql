-- The issuer's public keys (SQLite): the current signing key and the retired
-- ones. Retired keys stay published in did.json so credentials signed before
-- a rotation keep verifying (did:web "Update"). Servers sharing one database
-- read the history from here; their key files hold only the secret.
CREATE TABLE issuer_keys (
    public_key_multibase TEXT PRIMARY KEY,
    -- Order of addition (1, 2, …); keys are retired in the same order.
    seq                  INTEGER NOT NULL UNIQUE CHECK (seq >= 1),
    state                TEXT NOT NULL CHECK (state IN ('current', 'retired')),
    added_at             TEXT NOT NULL,
    retired_at           TEXT,
    CHECK ((state = 'current') = (retired_at IS NULL))
);
-- At most one current key; a rotation retires the old key and adds the new
-- one in the same transaction, so a non-empty table always has exactly one.
CREATE UNIQUE INDEX issuer_keys_one_current ON issuer_keys (state) WHERE state = 'current';
