//! The audit log's hash chain: every entry commits to the one before it, so
//! an edited, reordered or deleted entry breaks the chain, and the stored
//! head (last sequence number and hash, written in the same transaction as
//! each entry) exposes a removed tail.
//!
//! Pure: computing and checking hashes only; the store appends entries.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an operation asks to be recorded; the store assigns `seq`, `at` and the hashes.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditDraft {
    /// Who did it (an admin's or grader's name, `cli:<user>`, a token id).
    pub actor: String,
    /// What was done: `assessment.written`, `assessment.lab`, `credential.issue`,
    /// `credential.renew`, `credential.correct`, `credential.revoke`, …
    pub action: String,
    /// What it was done to (a credential or candidate id).
    pub subject: String,
    /// Details as JSON (private: never published).
    pub details: serde_json::Value,
}

impl AuditDraft {
    /// A draft.
    pub fn new(
        actor: impl Into<String>,
        action: impl Into<String>,
        subject: impl Into<String>,
        details: serde_json::Value,
    ) -> Self {
        AuditDraft {
            actor: actor.into(),
            action: action.into(),
            subject: subject.into(),
            details,
        }
    }
}

/// One stored entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// Position, from 1, without gaps.
    pub seq: i64,
    /// When, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// To what.
    pub subject: String,
    /// Details, as the JSON text that was hashed.
    pub details: String,
    /// Hash of the previous entry ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// SHA-256 over `prev_hash` and this entry's fields.
    pub hash: String,
}

/// SHA-256 (hex) of an entry: the JSON array
/// `[prev_hash, seq, at, actor, action, subject, details]`, so no field can
/// bleed into another.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    details: &str,
) -> String {
    let fields = serde_json::json!([prev_hash, seq, at, actor, action, subject, details]);
    hex::encode(Sha256::digest(fields.to_string().as_bytes()))
}

impl AuditRecord {
    /// Builds the entry that follows (`prev_seq`, `prev_hash`).
    pub fn next(prev_seq: i64, prev_hash: &str, at: &str, draft: &AuditDraft) -> AuditRecord {
        let seq = prev_seq + 1;
        let details = draft.details.to_string();
        let hash = entry_hash(
            prev_hash,
            seq,
            at,
            &draft.actor,
            &draft.action,
            &draft.subject,
            &details,
        );
        AuditRecord {
            seq,
            at: at.to_owned(),
            actor: draft.actor.clone(),
            action: draft.action.clone(),
            subject: draft.subject.clone(),
            details,
            prev_hash: prev_hash.to_owned(),
            hash,
        }
    }

    /// Recomputes this entry's hash from its fields.
    pub fn recompute(&self) -> String {
        entry_hash(
            &self.prev_hash,
            self.seq,
            &self.at,
            &self.actor,
            &self.action,
            &self.subject,
            &self.details,
        )
    }
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// An entry's fields no longer match its hash (edited).
    #[error("entry {seq}: its content does not match its hash (edited)")]
    Edited {
        /// The entry.
        seq: i64,
    },
    /// An entry does not point at the entry before it (reordered, or one removed).
    #[error("entry {seq}: does not follow entry {expected_prev} (reordered or an entry removed)")]
    Unlinked {
        /// The entry.
        seq: i64,
        /// The sequence number it should follow.
        expected_prev: i64,
    },
    /// A sequence number is missing or repeated.
    #[error("sequence jumps from {prev} to {seq} (an entry was removed or inserted)")]
    Gap {
        /// Last good sequence number.
        prev: i64,
        /// The next one found.
        seq: i64,
    },
    /// The stored head does not match the last entry (the tail was removed or the head edited).
    #[error(
        "the log ends at entry {last_seq} but its head records entry {head_seq} (entries removed from the end, or the head edited)"
    )]
    Head {
        /// Last entry present.
        last_seq: i64,
        /// Head's sequence number.
        head_seq: i64,
    },
}

/// Incremental chain checker: feed entries in `seq` order, then [`finish`](ChainCheck::finish) with the head.
#[derive(Debug, Clone)]
pub struct ChainCheck {
    prev_seq: i64,
    prev_hash: String,
    /// Entries checked so far.
    pub checked: u64,
}

impl Default for ChainCheck {
    fn default() -> Self {
        ChainCheck {
            prev_seq: 0,
            prev_hash: GENESIS_HASH.to_owned(),
            checked: 0,
        }
    }
}

impl ChainCheck {
    /// Checks the next entry.
    pub fn push(&mut self, entry: &AuditRecord) -> Result<(), ChainBreak> {
        if entry.seq != self.prev_seq + 1 {
            return Err(ChainBreak::Gap {
                prev: self.prev_seq,
                seq: entry.seq,
            });
        }
        if entry.recompute() != entry.hash {
            return Err(ChainBreak::Edited { seq: entry.seq });
        }
        if entry.prev_hash != self.prev_hash {
            return Err(ChainBreak::Unlinked {
                seq: entry.seq,
                expected_prev: self.prev_seq,
            });
        }
        self.prev_seq = entry.seq;
        self.prev_hash = entry.hash.clone();
        self.checked += 1;
        Ok(())
    }

    /// Compares the end of the chain with the stored head.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<u64, ChainBreak> {
        if head_seq != self.prev_seq || head_hash != self.prev_hash {
            return Err(ChainBreak::Head {
                last_seq: self.prev_seq,
                head_seq,
            });
        }
        Ok(self.checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        for i in 0..n {
            let (seq, hash) = out
                .last()
                .map(|e| (e.seq, e.hash.clone()))
                .unwrap_or((0, GENESIS_HASH.into()));
            let d = AuditDraft::new(
                "admin",
                "credential.issue",
                format!("urn:uuid:{i}"),
                serde_json::json!({"i": i}),
            );
            out.push(AuditRecord::next(seq, &hash, "2026-01-01T00:00:00Z", &d));
        }
        out
    }

    fn check(entries: &[AuditRecord], head: (i64, &str)) -> Result<u64, ChainBreak> {
        let mut c = ChainCheck::default();
        for e in entries {
            c.push(e)?;
        }
        c.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(check(&c, (5, &c[4].hash.clone())), Ok(5));
        assert_eq!(check(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn edits_reorders_and_deletions_are_detected() {
        let c = chain(5);
        let head = (5, c[4].hash.clone());
        let mut edited = c.clone();
        edited[2].details = "{\"i\":99}".into();
        assert_eq!(
            check(&edited, (head.0, &head.1)),
            Err(ChainBreak::Edited { seq: 3 })
        );
        let mut reordered = c.clone();
        reordered.swap(1, 2);
        (reordered[1].seq, reordered[2].seq) = (2, 3);
        assert!(matches!(
            check(&reordered, (head.0, &head.1)),
            Err(ChainBreak::Edited { .. } | ChainBreak::Unlinked { .. })
        ));
        let mut deleted = c.clone();
        deleted.remove(2);
        assert_eq!(
            check(&deleted, (head.0, &head.1)),
            Err(ChainBreak::Gap { prev: 2, seq: 4 })
        );
        let truncated = &c[..4];
        assert_eq!(
            check(truncated, (head.0, &head.1)),
            Err(ChainBreak::Head {
                last_seq: 4,
                head_seq: 5
            })
        );
        // Re-hashing an edited entry still breaks the link to the next one.
        let mut forged = c.clone();
        forged[2].details = "{\"i\":99}".into();
        forged[2].hash = forged[2].recompute();
        assert_eq!(
            check(&forged, (head.0, &head.1)),
            Err(ChainBreak::Unlinked {
                seq: 4,
                expected_prev: 3
            })
        );
    }
}
