//! The audit log's hash chain: every entry commits to the one before it, so
//! an edited, reordered or deleted entry breaks the chain, and the stored
//! head (last sequence number and hash, written in the same transaction as
//! each entry) exposes a removed tail.
//!
//! Signed checkpoints ([`SignedCheckpoint`]) pin the chain from outside
//! the database: someone who can write the database can recompute every
//! hash after an edit, but cannot sign the new head with the issuer key, so
//! a checkpoint exported earlier no longer matches the rewritten log.
//!
//! Pure: computing and checking hashes and checkpoint signatures only; the
//! store appends entries, `issuance::checkpoints` decides when to sign.

use crate::keys::{CredentialSigner, VerifyingKey};
use ed25519_dalek::Verifier as _;
use serde::{Deserialize, Serialize};
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
    /// A checker that starts after entry `seq` with hash `hash` (a
    /// checkpoint), to check only the entries that follow it.
    pub fn after(seq: i64, hash: &str) -> ChainCheck {
        ChainCheck {
            prev_seq: seq,
            prev_hash: hash.to_owned(),
            checked: 0,
        }
    }

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

/// The `format` of a checkpoint, and the first line of its signed bytes.
pub const CHECKPOINT_FORMAT: &str = "rosette-audit-checkpoint/v1";

/// The chain head as signed: the last entry's sequence number and hash,
/// when it was signed and by which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Sequence number of the last entry covered (0: the empty log).
    pub seq: i64,
    /// That entry's hash ([`GENESIS_HASH`] for the empty log).
    pub hash: String,
    /// When the checkpoint was signed, `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
    /// The signing key's verification method id (`did:web:…#z6Mk…`, CID 1.0 §2.2.2):
    /// the fragment is the key's `publicKeyMultibase`.
    pub key_id: String,
}

impl Checkpoint {
    /// The exact bytes signed: UTF-8 of
    /// `rosette-audit-checkpoint/v1\n{seq}\n{hash}\n{time}\n{key_id}`
    /// (decimal `seq`, lower-case hex `hash`, no trailing newline). No field
    /// may contain a line feed, so the lines cannot be shifted.
    pub fn signing_input(&self) -> String {
        format!(
            "{CHECKPOINT_FORMAT}\n{}\n{}\n{}\n{}",
            self.seq, self.hash, self.time, self.key_id
        )
    }

    /// Signs this checkpoint with `signer` (Ed25519, RFC 8032 §5.1.6);
    /// `key_id` is replaced by the signer's verification method.
    pub fn sign(mut self, signer: &dyn CredentialSigner) -> SignedCheckpoint {
        self.key_id = signer.verification_method().to_owned();
        let signature = signer.sign(self.signing_input().as_bytes());
        SignedCheckpoint {
            format: CHECKPOINT_FORMAT.to_owned(),
            seq: self.seq,
            hash: self.hash,
            time: self.time,
            key_id: self.key_id,
            signature: format!("z{}", bs58::encode(signature).into_string()),
            entry_hashes: None,
        }
    }
}

/// A signed checkpoint as stored and exported (JSON, camelCase keys).
/// `signature` is the Ed25519 signature over
/// [`Checkpoint::signing_input`], multibase base58btc (`z…`, CID 1.0 §2.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignedCheckpoint {
    /// Always `rosette-audit-checkpoint/v1`.
    pub format: String,
    /// Sequence number of the last entry covered.
    pub seq: i64,
    /// That entry's hash (SHA-256, lower-case hex).
    pub hash: String,
    /// When it was signed, `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
    /// Verification method id of the signing key (`did:web:…#z6Mk…`).
    pub key_id: String,
    /// Ed25519 signature, multibase base58btc.
    pub signature: String,
    /// In an exported checkpoint: the hash of every entry from 1 to `seq`,
    /// in order. Not signed: its last hash must be the signed `hash`, and
    /// `audit verify` compares the others with the log entry by entry, so
    /// that a log rewritten with recomputed hashes is reported at the first
    /// entry that differs. Absent from stored checkpoints and older files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_hashes: Option<Vec<String>>,
}

/// Why a checkpoint is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Not a well-formed checkpoint.
    #[error("not a {CHECKPOINT_FORMAT} checkpoint: {0}")]
    Malformed(String),
    /// The key it names is not one of the issuer's keys.
    #[error(
        "checkpoint of entry {seq} names the key {key_id}, which is not one of this issuer's keys (current or retired)"
    )]
    UnknownKey {
        /// The checkpoint's entry.
        seq: i64,
        /// The key it names.
        key_id: String,
    },
    /// The signature does not verify under the key it names.
    #[error(
        "checkpoint of entry {seq}: the signature does not verify under {key_id} (the file was altered)"
    )]
    BadSignature {
        /// The checkpoint's entry.
        seq: i64,
        /// The key it names.
        key_id: String,
    },
}

impl SignedCheckpoint {
    /// The signed fields.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            seq: self.seq,
            hash: self.hash.clone(),
            time: self.time.clone(),
            key_id: self.key_id.clone(),
        }
    }

    /// The `publicKeyMultibase` of the signing key: the fragment of `key_id`.
    pub fn key_multibase(&self) -> Result<&str, CheckpointError> {
        match self.key_id.rsplit_once('#') {
            Some((_, fragment)) if !fragment.is_empty() => Ok(fragment),
            _ => Err(CheckpointError::Malformed(format!(
                "keyId {:?} has no #fragment naming the key",
                crate::keys::truncate(&self.key_id)
            ))),
        }
    }

    /// Checks the form: format, a non-negative `seq`, a 64-digit lower-case
    /// hex hash, and no line feed in any signed field.
    pub fn check_form(&self) -> Result<(), CheckpointError> {
        let bad = |m: String| Err(CheckpointError::Malformed(m));
        if self.format != CHECKPOINT_FORMAT {
            return bad(format!(
                "format is {:?}",
                crate::keys::truncate(&self.format)
            ));
        }
        if self.seq < 0 {
            return bad(format!("seq {} is negative", self.seq));
        }
        if !is_hash(&self.hash) {
            return bad("hash is not 64 lower-case hex digits".into());
        }
        if self.seq == 0 && self.hash != GENESIS_HASH {
            return bad("a checkpoint of entry 0 must carry the genesis hash".into());
        }
        if [&self.time, &self.key_id].iter().any(|f| f.contains('\n')) {
            return bad("a field contains a line feed".into());
        }
        self.key_multibase().map(|_| ())
    }

    /// Checks the unsigned list of entry hashes, when there is one: one
    /// hash per entry from 1 to `seq`, each 64 lower-case hex digits, the
    /// last the signed `hash`.
    pub fn check_entry_hashes(&self) -> Result<(), CheckpointError> {
        let bad = |m: String| Err(CheckpointError::Malformed(m));
        let Some(hashes) = &self.entry_hashes else {
            return Ok(());
        };
        if usize::try_from(self.seq).ok() != Some(hashes.len()) {
            return bad(format!(
                "entryHashes lists {} hashes for entries 1 to {}",
                hashes.len(),
                self.seq
            ));
        }
        if let Some(i) = hashes.iter().position(|h| !is_hash(h)) {
            return bad(format!(
                "entryHashes: the hash of entry {} is not 64 lower-case hex digits",
                i + 1
            ));
        }
        if hashes.last().is_some_and(|last| *last != self.hash) {
            return bad(format!(
                "entryHashes ends with another hash than the signed hash of entry {}",
                self.seq
            ));
        }
        Ok(())
    }

    /// The hash [`entry_hashes`](SignedCheckpoint::entry_hashes) lists for
    /// entry `seq`, when it lists one.
    pub fn listed_hash(&self, seq: i64) -> Option<&str> {
        let i = usize::try_from(seq.checked_sub(1)?).ok()?;
        self.entry_hashes.as_ref()?.get(i).map(String::as_str)
    }

    /// Verifies the form and the signature under `key` (the key that
    /// [`SignedCheckpoint::key_multibase`] names, looked up by the caller),
    /// then the unsigned entry hashes ([`SignedCheckpoint::check_entry_hashes`]).
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), CheckpointError> {
        self.check_form()?;
        let bad = || CheckpointError::BadSignature {
            seq: self.seq,
            key_id: self.key_id.clone(),
        };
        let bytes = self
            .signature
            .strip_prefix('z')
            .and_then(|b| bs58::decode(b).into_vec().ok())
            .ok_or_else(bad)?;
        let signature = ed25519_dalek::Signature::from_slice(&bytes).map_err(|_| bad())?;
        key.verify(self.checkpoint().signing_input().as_bytes(), &signature)
            .map_err(|_| bad())?;
        self.check_entry_hashes()
    }
}

/// Whether `s` is a SHA-256 hash as the log writes it: 64 lower-case hex digits.
fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// When to sign a new checkpoint: after `every_entries` new entries or
/// `every_minutes` minutes with new entries, whichever comes first
/// (0 turns that trigger off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckpointPolicy {
    /// Entries since the last checkpoint (default 1,000).
    pub every_entries: u64,
    /// Minutes since the last checkpoint (default 60).
    pub every_minutes: u64,
}

impl Default for CheckpointPolicy {
    fn default() -> Self {
        CheckpointPolicy {
            every_entries: 1000,
            every_minutes: 60,
        }
    }
}

impl CheckpointPolicy {
    /// Whether a checkpoint is due at `head_seq` and `now`, given the last
    /// one (`None`: none yet). Never due when the head has not moved.
    pub fn due(
        &self,
        last: Option<&SignedCheckpoint>,
        head_seq: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        let Some(last) = last else {
            return head_seq > 0;
        };
        if head_seq <= last.seq {
            return false;
        }
        let entries = u64::try_from(head_seq - last.seq).unwrap_or(0);
        if self.every_entries > 0 && entries >= self.every_entries {
            return true;
        }
        let minutes = chrono::DateTime::parse_from_rfc3339(&last.time)
            .map(|t| (now - t.with_timezone(&chrono::Utc)).num_minutes())
            // An unreadable time counts as long ago.
            .unwrap_or(i64::MAX);
        self.every_minutes > 0 && u64::try_from(minutes).unwrap_or(0) >= self.every_minutes
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

    fn signed(seq: i64, hash: &str) -> (SignedCheckpoint, crate::keys::IssuerKey) {
        let key = crate::keys::IssuerKey::did_web(
            crate::keys::SigningKey::from_bytes(&[7; 32]),
            "did:web:issuer.example",
        )
        .unwrap();
        let c = Checkpoint {
            seq,
            hash: hash.into(),
            time: "2026-01-01T00:00:00Z".into(),
            key_id: String::new(),
        }
        .sign(&key);
        (c, key)
    }

    #[test]
    fn checkpoint_signing_input_is_the_documented_bytes_and_verifies() {
        let c = chain(3);
        let (cp, key) = signed(3, &c[2].hash);
        let vm = crate::keys::CredentialSigner::verification_method(&key);
        assert_eq!(cp.key_id, vm);
        assert_eq!(
            cp.checkpoint().signing_input(),
            format!(
                "rosette-audit-checkpoint/v1\n3\n{}\n2026-01-01T00:00:00Z\n{vm}",
                c[2].hash
            )
        );
        assert_eq!(cp.verify(&key.public_key()), Ok(()));
        assert_eq!(cp.key_multibase().unwrap(), vm.rsplit_once('#').unwrap().1);
        // Every signed field is covered by the signature.
        let mut other = cp.clone();
        other.seq = 2;
        assert!(matches!(
            other.verify(&key.public_key()),
            Err(CheckpointError::BadSignature { .. })
        ));
        let mut other = cp.clone();
        other.time = "2026-01-01T00:00:01Z".into();
        assert!(matches!(
            other.verify(&key.public_key()),
            Err(CheckpointError::BadSignature { .. })
        ));
        let mut other = cp.clone();
        other.signature.push('1');
        assert!(matches!(
            other.verify(&key.public_key()),
            Err(CheckpointError::BadSignature { .. })
        ));
        let wrong = crate::keys::SigningKey::from_bytes(&[8; 32]).verifying_key();
        assert!(matches!(
            cp.verify(&wrong),
            Err(CheckpointError::BadSignature { .. })
        ));
        let mut other = cp.clone();
        other.hash = "ab".into();
        assert!(matches!(
            other.verify(&key.public_key()),
            Err(CheckpointError::Malformed(_))
        ));
        let mut other = cp;
        other.key_id = "did:web:issuer.example".into();
        assert!(matches!(
            other.verify(&key.public_key()),
            Err(CheckpointError::Malformed(_))
        ));
    }

    #[test]
    fn an_entry_hash_list_must_end_with_the_signed_hash_and_is_not_signed() {
        let c = chain(3);
        let (mut cp, key) = signed(3, &c[2].hash);
        cp.entry_hashes = Some(c.iter().map(|e| e.hash.clone()).collect());
        assert_eq!(cp.verify(&key.public_key()), Ok(()));
        assert_eq!(cp.listed_hash(2), Some(c[1].hash.as_str()));
        assert_eq!((cp.listed_hash(0), cp.listed_hash(4)), (None, None));
        let refused = |hashes: Vec<String>, cp: &SignedCheckpoint| {
            let mut other = cp.clone();
            other.entry_hashes = Some(hashes);
            match other.verify(&key.public_key()) {
                Err(CheckpointError::Malformed(m)) => m,
                other => panic!("{other:?}"),
            }
        };
        let short = refused(vec![c[2].hash.clone()], &cp);
        assert!(
            short.contains("lists 1 hashes for entries 1 to 3"),
            "{short}"
        );
        let wrong_end = refused(vec![c[0].hash.clone(); 3], &cp);
        assert!(wrong_end.contains("signed hash of entry 3"), "{wrong_end}");
        let not_hex = refused(vec!["x".into(), c[1].hash.clone(), c[2].hash.clone()], &cp);
        assert!(not_hex.contains("entry 1 is not"), "{not_hex}");
        // The empty log lists nothing.
        let (mut empty, _) = signed(0, GENESIS_HASH);
        empty.entry_hashes = Some(Vec::new());
        assert_eq!(empty.verify(&key.public_key()), Ok(()));
    }

    #[test]
    fn checkpoints_fall_due_by_entries_or_minutes_once_the_head_moves() {
        let policy = CheckpointPolicy {
            every_entries: 10,
            every_minutes: 60,
        };
        let now = |m: i64| {
            chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
                .unwrap()
                .with_timezone(&chrono::Utc)
                + chrono::Duration::minutes(m)
        };
        assert!(!policy.due(None, 0, now(0)));
        assert!(policy.due(None, 1, now(0)));
        let (last, _) = signed(5, &chain(5)[4].hash);
        assert!(!policy.due(Some(&last), 14, now(59)));
        assert!(policy.due(Some(&last), 15, now(0)));
        assert!(policy.due(Some(&last), 6, now(60)));
        assert!(!policy.due(Some(&last), 5, now(600)), "head did not move");
        let off = CheckpointPolicy {
            every_entries: 0,
            every_minutes: 0,
        };
        assert!(!off.due(Some(&last), 5000, now(6000)));
    }
}
