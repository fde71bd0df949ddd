-- Generic credentials (VC-API issuance of any VCDM credential) and the token
-- scope that issues them. A credential
-- is of kind 'certification' (a candidate's attempt, as before) or 'generic'
-- (no candidate; certification '' and attempt 0). Existing rows are
-- certifications.
ALTER TABLE credentials ADD COLUMN kind TEXT NOT NULL DEFAULT 'certification'
    CHECK (kind IN ('certification', 'generic'));
ALTER TABLE credentials ALTER COLUMN candidate_id DROP NOT NULL;
ALTER TABLE credentials ADD CONSTRAINT credentials_kind_candidate
    CHECK ((kind = 'certification') = (candidate_id IS NOT NULL));
CREATE INDEX credentials_kind ON credentials (kind, issued_at);

-- Token scope `issuer` (VC-API generic issuance only).
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scope_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope_check
    CHECK (scope IN ('admin', 'grader', 'issuer'));
