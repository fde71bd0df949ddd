-- When each status entry's bit last changed, so a verification page and a
-- badge can say since when a credential is revoked or suspended. Entries set
-- before this migration take the time of their last revoke or suspend in the
-- audit log; the others stay NULL until they change.
ALTER TABLE status_entries ADD COLUMN changed_at TEXT;
UPDATE status_entries SET changed_at = (
    SELECT MAX(a.at) FROM audit_log a
    WHERE a.subject = status_entries.credential_id
      AND a.action = CASE status_entries.purpose
          WHEN 'revocation' THEN 'credential.revoke'
          ELSE 'credential.suspend' END
) WHERE value = 1;
