//! When audit checkpoints are signed, and how a log is checked against the
//! checkpoints exported earlier. What is signed, and how, is
//! [`crate::audit`]'s ([`crate::audit::Checkpoint::signing_input`]).
//!
//! Every process that appends signs: `rosette serve` looks every
//! [`CHECKPOINT_POLL`] whether one is due ([`checkpoint_if_due`]), the CLI
//! once its command is done; neither holds up an append. An export
//! ([`latest_checkpoint`]) signs the head on demand when it moved.

use super::stamp;
use crate::audit::{
    ChainBreak, ChainCheck, Checkpoint, CheckpointError, CheckpointPolicy, SignedCheckpoint,
};
use crate::keys::{CredentialSigner, decode_public_key_multibase};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};

/// How often `rosette serve` checks whether a checkpoint is due.
pub const CHECKPOINT_POLL: std::time::Duration = std::time::Duration::from_secs(5);

/// Signs and stores a checkpoint of the head when `policy` says one is due;
/// returns it, or `None` when none was due.
pub async fn checkpoint_if_due(
    store: &dyn Store,
    signer: &dyn CredentialSigner,
    policy: CheckpointPolicy,
    now: DateTime<Utc>,
) -> Result<Option<SignedCheckpoint>, StoreError> {
    let last = store.latest_audit_checkpoint().await?;
    let (seq, hash) = store.audit_head().await?;
    if !policy.due(last.as_ref(), seq, now) {
        return Ok(None);
    }
    sign_head(store, signer, last.as_ref(), (seq, hash), now)
        .await
        .map(Some)
}

/// The latest checkpoint, signed now when the head moved since the last one
/// (or there is none yet), for export.
pub async fn latest_checkpoint(
    store: &dyn Store,
    signer: &dyn CredentialSigner,
    now: DateTime<Utc>,
) -> Result<SignedCheckpoint, StoreError> {
    let last = store.latest_audit_checkpoint().await?;
    let (seq, hash) = store.audit_head().await?;
    match last {
        Some(last) if last.seq >= seq => Ok(last),
        last => sign_head(store, signer, last.as_ref(), (seq, hash), now).await,
    }
}

/// The checkpoint to export ([`latest_checkpoint`]) with the hash of every
/// entry up to it ([`SignedCheckpoint::entry_hashes`]), read from the log
/// after checking the chain up to it: an export never lists the hashes of
/// a log that does not lead to its signed head.
pub async fn export_checkpoint(
    store: &dyn Store,
    signer: &dyn CredentialSigner,
    now: DateTime<Utc>,
) -> Result<SignedCheckpoint, StoreError> {
    let mut checkpoint = latest_checkpoint(store, signer, now).await?;
    let mismatch = |e: ChainBreak| {
        StoreError::Corrupt(format!(
            "the audit log up to its signed checkpoint (entry {}) does not lead to it: {e}; \
             nothing is exported until this is investigated (`rosette audit verify`)",
            checkpoint.seq
        ))
    };
    let mut check = ChainCheck::default();
    let mut hashes = Vec::new();
    let mut after = 0;
    while after < checkpoint.seq {
        let page = store.audit_entries(after, 10_000).await?;
        let Some(end) = page.last() else { break };
        after = end.seq;
        for entry in page.iter().take_while(|e| e.seq <= checkpoint.seq) {
            check.push(entry).map_err(mismatch)?;
            hashes.push(entry.hash.clone());
        }
    }
    check
        .finish(checkpoint.seq, &checkpoint.hash)
        .map_err(mismatch)?;
    checkpoint.entry_hashes = Some(hashes);
    Ok(checkpoint)
}

/// Signs the head `(seq, hash)` and stores the checkpoint, after checking
/// that the log extends the last stored checkpoint `last` (its signature
/// verifies, the entry it covers still has its hash, and the chain from
/// there reaches the head): a checkpoint never vouches for a log that
/// contradicts an earlier one.
async fn sign_head(
    store: &dyn Store,
    signer: &dyn CredentialSigner,
    last: Option<&SignedCheckpoint>,
    (seq, hash): (i64, String),
    now: DateTime<Utc>,
) -> Result<SignedCheckpoint, StoreError> {
    if let Some(last) = last
        && let Err(broken) = extends(store, last, seq, &hash).await?
    {
        return Err(StoreError::Corrupt(format!(
            "the audit log does not extend its last signed checkpoint (entry {}): {broken}; \
             no checkpoint is signed until this is investigated (`rosette audit verify`)",
            last.seq
        )));
    }
    let signed = Checkpoint {
        seq,
        hash,
        time: stamp(now),
        key_id: String::new(),
    }
    .sign(signer);
    let mut tx = store.begin().await?;
    let added = tx.add_audit_checkpoint(&signed).await?;
    tx.commit().await?;
    if added {
        return Ok(signed);
    }
    // Another process signed this head first: export the stored one.
    match store.latest_audit_checkpoint().await? {
        Some(stored) if stored.seq >= seq => Ok(stored),
        _ => Ok(signed),
    }
}

/// Whether the entries from `last.seq` to the head `(seq, hash)` extend the
/// signed checkpoint `last`.
async fn extends(
    store: &dyn Store,
    last: &SignedCheckpoint,
    seq: i64,
    hash: &str,
) -> Result<Result<(), LogBroken>, StoreError> {
    let refused = |error| LogBroken::Refused {
        origin: STORED.to_owned(),
        error,
    };
    if let Err(e) = check_signature(last, &store.issuer_keys().await?) {
        return Ok(Err(refused(e)));
    }
    let mut check = ChainCheck::after(last.seq, &last.hash);
    let mut after = (last.seq - 1).max(0);
    // Entry 0 (the empty log) is not stored.
    let mut seen = last.seq == 0;
    loop {
        let page = store.audit_entries(after, 10_000).await?;
        let Some(end) = page.last() else { break };
        after = end.seq;
        for entry in &page {
            if entry.seq > last.seq && !seen {
                // The entry the checkpoint covers is gone.
                return Ok(Err(ChainBreak::Gap {
                    prev: last.seq - 1,
                    seq: entry.seq,
                }
                .into()));
            }
            if entry.seq == last.seq {
                seen = true;
                if entry.hash != last.hash {
                    return Ok(Err(LogBroken::Rewritten {
                        origin: STORED.to_owned(),
                        seq: last.seq,
                        from: 1,
                        time: last.time.clone(),
                        signed: last.hash.clone(),
                        found: entry.hash.clone(),
                    }));
                }
            } else if entry.seq > seq {
                // Appended since the head was read: not part of this checkpoint.
                return Ok(check.finish(seq, hash).map(|_| ()).map_err(LogBroken::from));
            } else if let Err(e) = check.push(entry) {
                return Ok(Err(e.into()));
            }
        }
    }
    Ok(check.finish(seq, hash).map(|_| ()).map_err(LogBroken::from))
}

/// A log that extends every checkpoint it was checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogIntact {
    /// Entries checked.
    pub entries: u64,
    /// The head: last sequence number and hash.
    pub head: (i64, String),
    /// Checkpoints the log extends: those given, then those stored.
    pub checkpoints: (usize, usize),
}

/// Why a log fails its check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogBroken {
    /// A checkpoint was refused (malformed, unknown key, bad signature).
    #[error("{origin}: {error}")]
    Refused {
        /// Where the checkpoint came from (a file name, or "stored checkpoint").
        origin: String,
        /// Why it was refused.
        error: CheckpointError,
    },
    /// The hash chain itself is broken.
    #[error(transparent)]
    Chain(#[from] ChainBreak),
    /// The log was rewritten: the entry a checkpoint covers has another hash.
    #[error(
        "{first_entry} differs from the log that was signed: the {origin} signed at {time} pins \
         entry {seq} to hash {signed}, the log now has {found} (entries before {from} still \
         match a signed checkpoint)",
        first_entry = if from == seq { format!("entry {seq}") } else { format!("an entry from {from} to {seq}") }
    )]
    Rewritten {
        /// Where the checkpoint came from.
        origin: String,
        /// The checkpoint's entry.
        seq: i64,
        /// First entry that may differ: one after the last checkpoint that still matches.
        from: i64,
        /// When the checkpoint was signed.
        time: String,
        /// The hash it signed.
        signed: String,
        /// The hash in the log now.
        found: String,
    },
    /// An entry differs from the hash an exported checkpoint lists for it
    /// (every entry before it matches): the first entry a rewrite changed.
    #[error(
        "entry {seq} differs from the log that was exported: the {origin} (entry {covers}, \
         signed at {time}) lists hash {listed} for it, the log now has {found} (entries before \
         {seq} match it)"
    )]
    Differs {
        /// Where the checkpoint came from.
        origin: String,
        /// The first entry that differs.
        seq: i64,
        /// The checkpoint's own entry.
        covers: i64,
        /// When the checkpoint was signed.
        time: String,
        /// The hash it lists for entry `seq`.
        listed: String,
        /// The hash in the log now.
        found: String,
    },
    /// The log ends before a checkpoint's entry.
    #[error(
        "the {origin} covers entry {seq} but the log ends at entry {last} (entries were removed)"
    )]
    Truncated {
        /// Where the checkpoint came from.
        origin: String,
        /// The checkpoint's entry.
        seq: i64,
        /// The last entry present.
        last: i64,
    },
}

/// What the stored checkpoints are called in messages.
const STORED: &str = "stored checkpoint";

/// Checks the whole chain, and that the log extends every checkpoint in
/// `exported` (each with a name for messages, e.g. `checkpoint file a.json`) and
/// every checkpoint stored in the database: each one's signature verifies
/// under the key it names — a current or retired key of the store's key
/// history; a key the history does not list is refused — and the entry at
/// its `seq` still has the hash it signed. An exported checkpoint that
/// lists the hash of every entry up to it (`entryHashes`) is also compared
/// entry by entry, so the report names the first entry that differs.
///
/// Someone who can write the database can delete stored checkpoints but
/// cannot sign new ones: the exported ones are what pins the log. An
/// exported file without the list (made before it existed), like the
/// stored checkpoints that survive, only narrows down where the log was
/// rewritten: the report names the entries between the last checkpoint
/// that matches and the first that does not.
pub async fn verify_log(
    store: &dyn Store,
    exported: &[(String, SignedCheckpoint)],
) -> Result<Result<LogIntact, LogBroken>, StoreError> {
    let keys = store.issuer_keys().await?;
    let stored = store.audit_checkpoints().await?;
    let counts = (exported.len(), stored.len());
    let mut anchors: Vec<(&str, &SignedCheckpoint)> = exported
        .iter()
        .map(|(origin, cp)| (origin.as_str(), cp))
        .chain(stored.iter().map(|cp| (STORED, cp)))
        .collect();
    for (origin, cp) in &anchors {
        if let Err(error) = check_signature(cp, &keys) {
            return Ok(Err(LogBroken::Refused {
                origin: (*origin).to_owned(),
                error,
            }));
        }
    }
    anchors.sort_by_key(|(_, cp)| cp.seq);
    let (head_seq, head_hash) = store.audit_head().await?;
    let mut check = ChainCheck::default();
    // Entry 0 is the empty log: its hash is the genesis hash (checked by the form).
    let mut next = anchors.iter().take_while(|(_, cp)| cp.seq == 0).count();
    let mut matched = 0_i64;
    let mut after = 0;
    loop {
        let page = store.audit_entries(after, 10_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for entry in &page {
            if let Err(e) = check.push(entry) {
                return Ok(Err(e.into()));
            }
            while let Some((origin, cp)) = anchors.get(next).filter(|(_, cp)| cp.seq == entry.seq) {
                if cp.hash != entry.hash {
                    return Ok(Err(LogBroken::Rewritten {
                        origin: (*origin).to_owned(),
                        seq: cp.seq,
                        from: matched + 1,
                        time: cp.time.clone(),
                        signed: cp.hash.clone(),
                        found: entry.hash.clone(),
                    }));
                }
                matched = cp.seq;
                next += 1;
            }
            // The exported hash lists name the first entry that differs.
            for (origin, cp) in exported {
                let Some(hash) = cp.listed_hash(entry.seq) else {
                    continue;
                };
                if hash != entry.hash {
                    return Ok(Err(LogBroken::Differs {
                        origin: origin.clone(),
                        seq: entry.seq,
                        covers: cp.seq,
                        time: cp.time.clone(),
                        listed: hash.to_owned(),
                        found: entry.hash.clone(),
                    }));
                }
                matched = entry.seq;
            }
        }
    }
    let entries = match check.finish(head_seq, &head_hash) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e.into())),
    };
    if let Some((origin, cp)) = anchors.get(next) {
        return Ok(Err(LogBroken::Truncated {
            origin: (*origin).to_owned(),
            seq: cp.seq,
            last: head_seq,
        }));
    }
    Ok(Ok(LogIntact {
        entries,
        head: (head_seq, head_hash),
        checkpoints: counts,
    }))
}
/// Verifies `cp`'s signature under the key it names, looked up in `keys`.
fn check_signature(
    cp: &SignedCheckpoint,
    keys: &[crate::store::IssuerKeyRecord],
) -> Result<(), CheckpointError> {
    cp.check_form()?;
    let multibase = cp.key_multibase()?;
    let unknown = || CheckpointError::UnknownKey {
        seq: cp.seq,
        key_id: cp.key_id.clone(),
    };
    let record = keys
        .iter()
        .find(|k| k.public_key_multibase == multibase)
        .ok_or_else(unknown)?;
    let key = decode_public_key_multibase(&record.public_key_multibase).map_err(|_| unknown())?;
    cp.verify(&key)
}
