//! The issuer's key history, kept in the store so that every node sharing
//! one database publishes the same keys and signs with the same one.
//!
//! A node's key file holds one secret key; the database holds the public
//! keys: exactly one `current` key (the signing key) and the `retired` ones.
//! A did:web DID is updated by replacing its `did.json` (did:web Method
//! Specification, "Update"); a rotation's update adds the new key and keeps
//! the retired ones as verification methods, so credentials signed before the
//! rotation keep verifying (a verifier looks the proof's `verificationMethod`
//! up in the controller document, CID 1.0 §3.3). Removing a key from the
//! document — or deactivating the DID ("Deactivate": removing `did.json`) —
//! makes everything it signed unverifiable: that is for a compromised key
//! ([`KeyHistory::remove`]), never a side effect of a rotation.
//!
//! [`key_history`] is what every signing process calls when it starts: it
//! registers the first key and refuses a key file that does not hold the
//! current key, so a node never signs with a stale key. [`rotate`] records a
//! rotation.

use super::{Actor, IssuanceError, Role, stamp};
use crate::audit::AuditDraft;
use crate::keys::{KeyHistory, VerifyingKey, decode_public_key_multibase, public_key_multibase};
use crate::store::{IssuerKeyRecord, IssuerKeyState, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Audit action of the first key's registration.
pub const ACTION_REGISTERED: &str = "key.registered";
/// Audit action of a rotation.
pub const ACTION_ROTATED: &str = "key.rotated";

/// The issuer's key history (current key first, then retired keys, most
/// recently retired first), checked against this node's signing key
/// `current`.
///
/// * No key registered yet (a new database): `current` is registered as the
///   current key, with a `key.registered` audit entry, in one transaction.
///   If another node registers its key at the same moment, the first one wins
///   and this call then checks `current` against it.
/// * `current` is the registered current key: the history is returned. Pass
///   it to [`KeyHistory::did_web_document`] for `/.well-known/did.json` and
///   to the verifier's resolver ([`KeyHistory::methods`]).
/// * `current` is a retired key, or a key the issuer never registered while
///   another key is current: [`IssuanceError::Invalid`] with field
///   `key_file` and a message saying which key is current and how to get it
///   — a node must not sign with a stale key.
///
/// `now` stamps the registration; `actor` is recorded in the audit log.
/// The history holds public keys only.
pub async fn key_history(
    store: &dyn Store,
    current: &VerifyingKey,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<KeyHistory, IssuanceError> {
    let multibase = public_key_multibase(current);
    let mut records = store.issuer_keys().await?;
    if records.is_empty() {
        let at = stamp(now);
        let mut tx = store.begin().await?;
        match tx.add_issuer_key(&multibase, &at).await {
            Ok(()) => {
                tx.append_audit(
                    &[AuditDraft::new(
                        &actor.name,
                        ACTION_REGISTERED,
                        &multibase,
                        json!({ "publicKeyMultibase": multibase }),
                    )],
                    &at,
                )
                .await?;
                tx.commit().await?;
                return Ok(KeyHistory::new(*current));
            }
            // Another node registered a key first: check ours against it.
            Err(StoreError::Conflict(_)) => {
                drop(tx);
                records = store.issuer_keys().await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    check_history(&records, &multibase)
}

/// Records a rotation from `current` (this node's key, which must be the
/// registered current key — see [`key_history`], which this calls first) to
/// `new_key`, in one transaction: `current` is retired, `new_key` becomes
/// current, and a `key.rotated` audit entry names both public keys (no
/// secret is ever passed here). Returns the new history.
///
/// Only an admin may rotate. `new_key` must never have been used before.
/// When another node rotated in the meantime, nothing is written and the
/// error says so. Writing the new secret key file is the caller's job; see
/// `rosette keys rotate` for an order of steps that loses nothing.
pub async fn rotate(
    store: &dyn Store,
    current: &VerifyingKey,
    new_key: &VerifyingKey,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<KeyHistory, IssuanceError> {
    if actor.role != Role::Admin {
        return Err(IssuanceError::Forbidden(actor.name.clone()));
    }
    let mut history = key_history(store, current, now, actor).await?;
    if history.keys().contains(new_key) {
        return Err(key_file_error(format!(
            "the new key {} was used before; a rotation needs a fresh key",
            public_key_multibase(new_key)
        )));
    }
    let old = public_key_multibase(current);
    let new = public_key_multibase(new_key);
    let at = stamp(now);
    let mut tx = store.begin().await?;
    match tx.retire_issuer_key(&old, &at).await {
        Ok(()) => {}
        Err(StoreError::NotFound(_)) => {
            return Err(key_file_error(format!(
                "the key {old} stopped being the current key while rotating (another node \
                 rotated at the same time?); nothing was changed — see `rosette keys list`"
            )));
        }
        Err(e) => return Err(e.into()),
    }
    tx.add_issuer_key(&new, &at).await?;
    tx.append_audit(
        &[AuditDraft::new(
            &actor.name,
            ACTION_ROTATED,
            &new,
            json!({ "retired": old, "current": new }),
        )],
        &at,
    )
    .await?;
    tx.commit().await?;
    history.rotate(*new_key);
    Ok(history)
}

/// The history from stored records (current first), after checking that
/// `multibase` is the current key.
fn check_history(
    records: &[IssuerKeyRecord],
    multibase: &str,
) -> Result<KeyHistory, IssuanceError> {
    let current = records
        .iter()
        .find(|r| r.state == IssuerKeyState::Current)
        .ok_or_else(|| {
            StoreError::Corrupt(
                "issuer_keys lists keys but none is current (edited by hand?)".into(),
            )
        })?;
    if current.public_key_multibase != multibase {
        let message = match records.iter().find(|r| r.public_key_multibase == multibase) {
            Some(retired) => format!(
                "this node's key file holds a retired issuer key ({multibase}, retired {}); \
                 the current key is {} (since {}). A node must not sign with a retired key: \
                 copy the current key file from the node where `rosette keys rotate` was run, \
                 then start again",
                retired
                    .retired_at
                    .as_deref()
                    .unwrap_or("at an unrecorded time"),
                current.public_key_multibase,
                current.added_at
            ),
            None => format!(
                "this node's key file holds {multibase}, which is not one of this issuer's keys; \
                 the current key is {} (since {}). Copy the current key file from a node that \
                 signs with it (`rosette keys list` there shows it as current), then start again",
                current.public_key_multibase, current.added_at
            ),
        };
        return Err(key_file_error(message));
    }
    history_from_records(records)
}

/// Every key the store lists, current first, then most recently retired
/// first — whatever key this node holds. Servers read it again from time
/// to time so that a rotation made on another node shows in their
/// `did.json` and verifier without a restart. `None` before any key is
/// registered.
pub async fn stored_history(store: &dyn Store) -> Result<Option<KeyHistory>, IssuanceError> {
    let records = store.issuer_keys().await?;
    if records.is_empty() {
        return Ok(None);
    }
    history_from_records(&records).map(Some)
}

fn history_from_records(records: &[IssuerKeyRecord]) -> Result<KeyHistory, IssuanceError> {
    if records.first().map(|r| r.state) != Some(IssuerKeyState::Current) {
        return Err(StoreError::Corrupt(
            "issuer_keys lists keys but none is current first (edited by hand?)".into(),
        )
        .into());
    }
    // `records` is current first, then most recently retired first.
    let keys = records
        .iter()
        .map(|r| {
            decode_public_key_multibase(&r.public_key_multibase).map_err(|e| {
                StoreError::Corrupt(format!(
                    "issuer key {:?}: {e}",
                    crate::keys::truncate(&r.public_key_multibase)
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    KeyHistory::from_keys(keys).map_err(|e| StoreError::Corrupt(format!("issuer keys: {e}")).into())
}

fn key_file_error(message: String) -> IssuanceError {
    IssuanceError::Invalid {
        field: "key_file",
        message,
    }
}
