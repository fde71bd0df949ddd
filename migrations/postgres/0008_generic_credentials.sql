-- Generic credentials (VC-API issuance of any VCDM credential): a credential
-- is of kind 'certification' (a candidate's attempt, as before) or 'generic'
-- (no candidate; certification '' and attempt 0). Existing rows are
-- certifications.
ALTER TABLE credentials ADD COLUMN kind TEXT NOT NULL DEFAULT 'certification'
    CHECK (kind IN ('certification', 'generic'));
ALTER TABLE credentials ALTER COLUMN candidate_id DROP NOT NULL;
ALTER TABLE credentials ADD CONSTRAINT credentials_kind_candidate
    CHECK ((kind = 'certification') = (candidate_id IS NOT NULL));
CREATE INDEX credentials_kind ON credentials (kind, issued_at);
