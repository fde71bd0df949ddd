-- Admin console sessions: a token exchanged at sign-in for a session whose
-- secret is a cookie. Only the secret's SHA-256 is stored. A session ends at
-- sign-out, after its idle time or its maximum lifetime, or when its token
-- is revoked.
CREATE TABLE console_sessions (
    id_hash      TEXT PRIMARY KEY,
    token_id     TEXT NOT NULL REFERENCES api_tokens (id),
    -- Per-session CSRF token, sent in every form and checked on POST.
    csrf         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at     TEXT
);
CREATE INDEX console_sessions_token ON console_sessions (token_id);
