-- Bulk imports too large for one request, run in the background by
-- `rosette serve`: the uploaded CSV, progress, and the outcome. A job is
-- held by one node at a time through a lease; a node that stops leaves the
-- lease to run out, and another (or the restarted one) runs the job again
-- from the start: rows issued before come back "already issued".
CREATE TABLE bulk_jobs (
    id           TEXT PRIMARY KEY,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    csv          TEXT NOT NULL,
    total_rows   BIGINT NOT NULL,
    done_rows    BIGINT NOT NULL DEFAULT 0,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    lease_until  TEXT,
    summary      TEXT,
    results      TEXT,
    error        TEXT,
    finished_at  TEXT
);
CREATE INDEX bulk_jobs_state ON bulk_jobs (state, created_at);
