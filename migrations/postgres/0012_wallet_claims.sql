-- Wallet claims: a one-time link an admin creates for an issued credential,
-- redeemed by the holder's wallet (VC-API exchange or OpenID4VCI
-- pre-authorized code) for a copy bound to the holder's DID. Only the
-- SHA-256 of the link's secret and of the optional transaction code is
-- stored (the code's hash is salted with the link's secret, which is not
-- stored).
CREATE TABLE wallet_claims (
    id                   TEXT PRIMARY KEY,
    credential_id        TEXT NOT NULL REFERENCES credentials (id),
    secret_hash          TEXT NOT NULL UNIQUE,
    tx_code_hash         TEXT,
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    expires_at           TEXT NOT NULL,
    -- OpenID4VCI: when the pre-authorized code was exchanged for an access token.
    code_used_at         TEXT,
    -- Transaction-code attempts so far, each reserved before it is compared;
    -- the claim locks at the limit.
    tx_code_attempts     BIGINT NOT NULL DEFAULT 0,
    redeemed_at          TEXT,
    -- `vcapi` or `oid4vci`.
    redeemed_via         TEXT,
    holder_did           TEXT,
    issued_credential_id TEXT REFERENCES credentials (id)
);
CREATE INDEX wallet_claims_credential ON wallet_claims (credential_id);
CREATE INDEX wallet_claims_issued ON wallet_claims (issued_credential_id);

-- Short-lived single-use values of the wallet protocols, stored hashed:
-- VC-API challenges (`challenge`, bound to a claim), OpenID4VCI access
-- tokens (`access_token`, bound to a claim) and nonces (`c_nonce`, bound to
-- none).
CREATE TABLE wallet_nonces (
    value_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    claim_id   TEXT REFERENCES wallet_claims (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX wallet_nonces_expiry ON wallet_nonces (expires_at);
