-- Webhooks: status-change subscriptions, the outbox of events and their
-- deliveries, and the expiry notices already sent.
--
-- An event is written by the same transaction as the audit entry of the
-- change it reports (the outbox), and fanned out at once into one delivery
-- per matching subscription. Times are UTC text: events `YYYY-MM-DDTHH:MM:SSZ`
-- like every other table; delivery scheduling `YYYY-MM-DDTHH:MM:SS.mmmZ`
-- (every value of a column in one format, so text order is time order).
CREATE TABLE webhook_subscriptions (
    id            TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    -- The subscribed event types, comma-separated with a leading and a
    -- trailing comma (`,credential.revoked,credential.suspended,`).
    events        TEXT NOT NULL,
    -- Only events of credentials of this certification; NULL: every credential.
    certification TEXT,
    description   TEXT NOT NULL DEFAULT '',
    -- The signing secret (`whsec_…`): needed to sign, so not hashed.
    secret        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    removed_at    TEXT
);

CREATE TABLE webhook_events (
    -- `msg_` and the start of the audit entry's hash: stable, unique.
    id            TEXT PRIMARY KEY,
    type          TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    audit_seq     BIGINT NOT NULL UNIQUE,
    occurred_at   TEXT NOT NULL,
    -- Public details only (never a revocation reason), JSON.
    details       TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES webhook_events (id),
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    -- Set while a node delivers it; another node may take it once past.
    lease_until     TEXT,
    last_status     BIGINT,
    last_error      TEXT,
    finished_at     TEXT,
    UNIQUE (event_id, subscription_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, state);

-- One `credential.expiring` event per credential and warning window.
CREATE TABLE expiry_notices (
    credential_id TEXT NOT NULL REFERENCES credentials (id),
    window_days   BIGINT NOT NULL,
    noticed_at    TEXT NOT NULL,
    PRIMARY KEY (credential_id, window_days)
);
CREATE INDEX credentials_valid_until ON credentials (valid_until);
