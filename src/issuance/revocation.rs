//! Revocation and suspension with W3C Bitstring Status Lists.
//!
//! Every credential gets one entry in the open `revocation` list and one in
//! the open `suspension` list (BSL §2.1), at positions drawn from a keyed
//! permutation of each list's allocation counter, in the transaction that
//! stores the credential. Setting or clearing a bit re-signs that list in
//! the same transaction, so the published list always matches the database
//! and always verifies; concurrent writers are serialized by the store's
//! transaction lock, so no bit is lost.

use super::{Actor, IssuanceError, Issuer, Role, stamp};
use crate::audit::AuditDraft;
use crate::model::{BitstringStatusListEntry, StatusListIndex, StatusPurpose, Uri};
use crate::status::{Bitstring, DEFAULT_TTL_MS, IndexPermutation, list_credential};
use crate::store::{StatusEntryRecord, StatusListRecord, StoreError, StoreTx};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Entries per list (BSL §3.1 minimum: 131,072).
pub const LIST_SIZE: i64 = crate::status::MIN_LIST_SIZE as i64;
/// The two purposes every credential carries.
pub const PURPOSES: [&str; 2] = ["revocation", "suspension"];

/// One allocated position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusSlot {
    /// The list.
    pub list_id: String,
    /// `revocation` or `suspension`.
    pub purpose: String,
    /// Position in the list.
    pub idx: i64,
}

/// The status entry rows for a credential's slots.
pub fn entries_for(credential_id: &str, slots: &[StatusSlot]) -> Vec<StatusEntryRecord> {
    slots
        .iter()
        .map(|s| StatusEntryRecord {
            list_id: s.list_id.clone(),
            idx: s.idx,
            credential_id: credential_id.to_owned(),
            purpose: s.purpose.clone(),
            value: false,
            changed_at: None,
        })
        .collect()
}

/// What an admin can do to a credential's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    /// Set the revocation bit (final).
    Revoke,
    /// Set the suspension bit.
    Suspend,
    /// Clear the suspension bit.
    Reinstate,
}

impl StatusChange {
    fn action(self) -> &'static str {
        match self {
            StatusChange::Revoke => "credential.revoke",
            StatusChange::Suspend => "credential.suspend",
            StatusChange::Reinstate => "credential.reinstate",
        }
    }
}

/// A credential's current status.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CredentialStatus {
    /// The revocation bit is set.
    pub revoked: bool,
    /// The suspension bit is set.
    pub suspended: bool,
    /// Since when the credential is revoked, or else suspended (RFC 3339):
    /// when that bit was set. `None` when neither is, or the time is not
    /// known (a bit set before Rosette recorded it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

impl CredentialStatus {
    /// The status read from a credential's status entries.
    pub fn from_entries(entries: &[StatusEntryRecord]) -> CredentialStatus {
        let set = |p: &str| entries.iter().find(|e| e.purpose == p && e.value);
        let revoked = set("revocation");
        let suspended = set("suspension");
        CredentialStatus {
            revoked: revoked.is_some(),
            suspended: suspended.is_some(),
            since: revoked.or(suspended).and_then(|e| e.changed_at.clone()),
        }
    }
}

fn key_from_hex(hex_key: &str) -> Result<[u8; 32], IssuanceError> {
    let bytes = hex::decode(hex_key)
        .map_err(|_| IssuanceError::Store(StoreError::Corrupt("status list key".into())))?;
    bytes
        .try_into()
        .map_err(|_| IssuanceError::Store(StoreError::Corrupt("status list key length".into())))
}

impl Issuer<'_> {
    /// `{public_url}/status/{list}`.
    pub fn status_list_url(&self, list_id: &str) -> String {
        format!("{}/status/{list_id}", self.public_url)
    }

    pub(super) fn status_entry(
        &self,
        slot: &StatusSlot,
    ) -> Result<BitstringStatusListEntry, IssuanceError> {
        let purpose = match slot.purpose.as_str() {
            "revocation" => StatusPurpose::Revocation,
            _ => StatusPurpose::Suspension,
        };
        let url = Uri::try_from(self.status_list_url(&slot.list_id).as_str())?;
        let index = StatusListIndex::new(u64::try_from(slot.idx).unwrap_or_default());
        Ok(BitstringStatusListEntry::new(url, purpose, index)?)
    }

    /// Allocates `n` positions in each purpose's open list (creating and
    /// publishing a new list when one fills up); returns `n` pairs
    /// `[revocation, suspension]`.
    pub(crate) async fn allocate_status(
        &self,
        tx: &mut dyn StoreTx,
        n: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<Vec<StatusSlot>>, IssuanceError> {
        self.allocate_status_for(tx, &PURPOSES, n, now).await
    }

    /// [`Self::allocate_status`] for the given purposes only (each one of
    /// [`PURPOSES`]), in that order: `n` lists of one slot per purpose.
    pub(crate) async fn allocate_status_for(
        &self,
        tx: &mut dyn StoreTx,
        purposes: &[&str],
        n: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<Vec<StatusSlot>>, IssuanceError> {
        let mut out: Vec<Vec<StatusSlot>> = vec![Vec::with_capacity(purposes.len()); n];
        for &purpose in purposes {
            let mut filled = 0;
            while filled < n {
                let list = match tx.open_status_list(purpose).await? {
                    Some(list) => list,
                    None => self.create_list(tx, purpose, now).await?,
                };
                let room = (list.size - list.allocated) as usize;
                let take = room.min(n - filled);
                let perm =
                    IndexPermutation::new(key_from_hex(&list.permutation_key)?, list.size as u64);
                for k in 0..take {
                    let idx = perm.index((list.allocated as u64) + k as u64) as i64;
                    out[filled + k].push(StatusSlot {
                        list_id: list.id.clone(),
                        purpose: purpose.to_owned(),
                        idx,
                    });
                }
                tx.add_allocated(&list.id, take as i64).await?;
                filled += take;
            }
        }
        Ok(out)
    }

    async fn create_list(
        &self,
        tx: &mut dyn StoreTx,
        purpose: &str,
        now: DateTime<Utc>,
    ) -> Result<StatusListRecord, IssuanceError> {
        let number = tx.count_status_lists(purpose).await? + 1;
        let list = StatusListRecord {
            id: format!("{purpose}-{number}"),
            purpose: purpose.to_owned(),
            size: LIST_SIZE,
            allocated: 0,
            permutation_key: hex::encode(super::os_random::<32>()?),
            version: 0,
            published_version: -1,
            published: None,
            published_at: None,
            created_at: stamp(now),
        };
        tx.create_status_list(&list).await?;
        self.publish(tx, &list.id, now).await?;
        Ok(list)
    }

    /// Re-signs a list from the bits in the database (BSL §3.1 "Generate
    /// Algorithm") and stores it as the published list credential.
    pub(crate) async fn publish(
        &self,
        tx: &mut dyn StoreTx,
        list_id: &str,
        now: DateTime<Utc>,
    ) -> Result<String, IssuanceError> {
        let list = tx.status_list(list_id).await?.ok_or_else(|| {
            IssuanceError::Store(StoreError::NotFound(format!("status list {list_id}")))
        })?;
        let mut bits = Bitstring::new(list.size as usize);
        for idx in tx.set_positions(list_id).await? {
            bits.set(idx as u64, true)
                .map_err(|e| IssuanceError::Store(StoreError::Corrupt(e.to_string())))?;
        }
        let document = self.sign_list(list_id, &list.purpose, &bits, now)?;
        tx.save_published(list_id, &document, list.version, &stamp(now))
            .await?;
        Ok(document)
    }

    /// The signed `BitstringStatusListCredential` for `bits`.
    pub fn sign_list(
        &self,
        list_id: &str,
        purpose: &str,
        bits: &Bitstring,
        now: DateTime<Utc>,
    ) -> Result<String, IssuanceError> {
        // The VC v2 context alone defines no `Profile`: the list names its issuer by id.
        let issuer = json!(self.profile.id);
        let unsigned = list_credential(
            &self.status_list_url(list_id),
            &issuer,
            purpose,
            bits,
            &stamp(now),
            DEFAULT_TTL_MS,
        );
        self.sign(&unsigned, now)
    }

    /// Sets or clears a credential's bit of `purpose`, bumps the list and
    /// re-publishes it. Returns the previous value.
    pub(crate) async fn set_bit(
        &self,
        tx: &mut dyn StoreTx,
        credential_id: &str,
        purpose: &str,
        value: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, IssuanceError> {
        let entries = tx.status_entries(credential_id).await?;
        let Some(entry) = entries.iter().find(|e| e.purpose == purpose) else {
            // Credentials issued before status lists existed have none.
            return Ok(false);
        };
        if entry.value != value {
            tx.set_status(&entry.list_id, entry.idx, value, &stamp(now))
                .await?;
            self.publish(tx, &entry.list_id, now).await?;
        }
        Ok(entry.value)
    }

    /// The revocation and suspension bits of a credential.
    pub async fn credential_status(
        &self,
        credential_id: &str,
    ) -> Result<CredentialStatus, IssuanceError> {
        let entries = self.store.status_entries(credential_id).await?;
        Ok(CredentialStatus::from_entries(&entries))
    }

    /// Revokes (final), suspends or reinstates a credential. The reason is
    /// required and kept in the audit log only, never in the public list.
    pub async fn change_status(
        &self,
        credential_id: &str,
        change: StatusChange,
        reason: &str,
        actor: &Actor,
    ) -> Result<CredentialStatus, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(IssuanceError::Invalid {
                field: "reason",
                message: "a reason is required".into(),
            });
        }
        if reason.chars().count() > 2000 {
            return Err(IssuanceError::Invalid {
                field: "reason",
                message: "the reason is longer than 2,000 characters".into(),
            });
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if tx.credential(credential_id).await?.is_none() {
            return Err(IssuanceError::UnknownCredential(credential_id.to_owned()));
        }
        let entries = tx.status_entries(credential_id).await?;
        let (purpose, value) = planned_bit(change, &entries)?;
        self.set_bit(&mut *tx, credential_id, purpose, value, now)
            .await?;
        let mut audit = vec![AuditDraft::new(
            &actor.name,
            change.action(),
            credential_id,
            json!({ "reason": reason }),
        )];
        // The holder's wallet copies follow their original: a revoked or
        // suspended certification is so in every wallet too (read under
        // the write lock, so a copy claimed meanwhile is not missed).
        for copy in &tx.wallet_copies(credential_id).await? {
            let copy_entries = tx.status_entries(copy).await?;
            if let Ok((purpose, value)) = planned_bit(change, &copy_entries) {
                self.set_bit(&mut *tx, copy, purpose, value, now).await?;
                audit.push(AuditDraft::new(
                    &actor.name,
                    change.action(),
                    copy,
                    json!({ "reason": reason, "follows": credential_id }),
                ));
            }
        }
        tx.append_audit(&audit, &stamp(now)).await?;
        let status = CredentialStatus::from_entries(&tx.status_entries(credential_id).await?);
        tx.commit().await?;
        Ok(status)
    }
}

/// The bit a status change sets on a credential with `entries`: its
/// purpose and new value, or why the change contradicts the status
/// (revocation is final; no double suspension; reinstating needs a
/// suspension).
fn planned_bit(
    change: StatusChange,
    entries: &[StatusEntryRecord],
) -> Result<(&'static str, bool), IssuanceError> {
    let current = |p: &str| entries.iter().find(|e| e.purpose == p).map(|e| e.value);
    // A generic credential may carry one purpose only: the change needs
    // an entry of its own purpose; a missing one counts as a clear bit.
    let needed = match change {
        StatusChange::Revoke => "revocation",
        StatusChange::Suspend | StatusChange::Reinstate => "suspension",
    };
    if current(needed).is_none() {
        return Err(IssuanceError::Invalid {
            field: "credential",
            message: format!("this credential has no {needed} status list entry"),
        });
    }
    let revoked = current("revocation").unwrap_or(false);
    let suspended = current("suspension").unwrap_or(false);
    Ok(match change {
        StatusChange::Revoke if revoked => {
            return Err(IssuanceError::StatusConflict(
                "the credential is already revoked",
            ));
        }
        StatusChange::Revoke => ("revocation", true),
        StatusChange::Suspend if revoked => {
            return Err(IssuanceError::StatusConflict(
                "the credential is revoked; revocation is final",
            ));
        }
        StatusChange::Suspend if suspended => {
            return Err(IssuanceError::StatusConflict(
                "the credential is already suspended",
            ));
        }
        StatusChange::Suspend => ("suspension", true),
        StatusChange::Reinstate if revoked => {
            return Err(IssuanceError::StatusConflict(
                "the credential is revoked; revocation is final and cannot be reinstated",
            ));
        }
        StatusChange::Reinstate if !suspended => {
            return Err(IssuanceError::StatusConflict(
                "the credential is not suspended",
            ));
        }
        StatusChange::Reinstate => ("suspension", false),
    })
}

/// Serves this issuer's own published lists straight from the store, and
/// hands every other URL to `fallback` (a bounded HTTP fetcher), if any.
pub struct OwnStatusLists<'a> {
    store: &'a dyn crate::store::Store,
    versions: tokio::sync::OnceCell<std::sync::Arc<ListVersionMap>>,
    shared: Option<&'a ListVersions>,
    prefix: String,
    fallback: Option<&'a dyn crate::verification::StatusSource>,
}

/// List id → published version.
type ListVersionMap = std::collections::HashMap<String, i64>;

async fn read_versions(store: &dyn crate::store::Store) -> std::sync::Arc<ListVersionMap> {
    // An unreadable store yields no versions: every list then counts as
    // changed and is loaded (and its error reported) by the status check.
    std::sync::Arc::new(
        store
            .status_list_versions()
            .await
            .map(|v| v.into_iter().collect())
            .unwrap_or_default(),
    )
}

/// This issuer's list versions, shared by a server's requests and read
/// from the store at most once per `max_age`: verified copies of the lists
/// are reused while their version is current, so the status check costs
/// no list read. A change made through this process calls
/// [`ListVersions::invalidate`] and shows at once; a change made by another
/// process (the CLI, another node) shows within `max_age`.
pub struct ListVersions {
    max_age: std::time::Duration,
    current: std::sync::Mutex<VersionSnapshot>,
    refresh: tokio::sync::Mutex<()>,
}

/// The versions last read, and how many invalidations came before them.
#[derive(Default)]
struct VersionSnapshot {
    /// Bumped by every [`ListVersions::invalidate`]: a read that started
    /// before one is not kept (it may predate the change).
    generation: u64,
    taken: Option<(std::time::Instant, std::sync::Arc<ListVersionMap>)>,
}

/// How stale [`ListVersions`] may get by default.
pub const LIST_VERSIONS_MAX_AGE: std::time::Duration = std::time::Duration::from_millis(250);

impl ListVersions {
    /// Versions re-read when older than `max_age`.
    pub fn new(max_age: std::time::Duration) -> Self {
        ListVersions {
            max_age,
            current: std::sync::Mutex::new(VersionSnapshot::default()),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// The fresh versions, if any, and the generation they belong to.
    fn fresh(&self) -> (Option<std::sync::Arc<ListVersionMap>>, u64) {
        match self.current.lock() {
            Ok(current) => (
                current
                    .taken
                    .as_ref()
                    .filter(|(at, _)| at.elapsed() < self.max_age)
                    .map(|(_, v)| v.clone()),
                current.generation,
            ),
            Err(_) => (None, 0),
        }
    }

    /// Forgets the versions (after this process changed a list).
    pub fn invalidate(&self) {
        if let Ok(mut current) = self.current.lock() {
            current.generation += 1;
            current.taken = None;
        }
    }

    /// The versions, read again when stale (one reader at a time).
    pub async fn get(&self, store: &dyn crate::store::Store) -> std::sync::Arc<ListVersionMap> {
        if let (Some(v), _) = self.fresh() {
            return v;
        }
        let _one_reader = self.refresh.lock().await;
        let (fresh, generation) = self.fresh();
        if let Some(v) = fresh {
            return v;
        }
        let started = std::time::Instant::now();
        let versions = read_versions(store).await;
        if let Ok(mut current) = self.current.lock()
            && current.generation == generation
        {
            current.taken = Some((started, versions.clone()));
        }
        versions
    }
}

impl<'a> OwnStatusLists<'a> {
    /// Reads list versions through `shared` instead of once per instance.
    pub fn with_shared_versions(mut self, shared: &'a ListVersions) -> Self {
        self.shared = Some(shared);
        self
    }

    /// Lists under `{public_url}/status/` come from `store`.
    pub fn new(
        store: &'a dyn crate::store::Store,
        public_url: &str,
        fallback: Option<&'a dyn crate::verification::StatusSource>,
    ) -> Self {
        OwnStatusLists {
            store,
            versions: tokio::sync::OnceCell::new(),
            shared: None,
            prefix: format!("{}/status/", public_url.trim_end_matches('/')),
            fallback,
        }
    }
}

impl crate::verification::StatusSource for OwnStatusLists<'_> {
    /// The list's published version, from one read of all versions per
    /// `OwnStatusLists` (one request), so cached copies are exact.
    fn revision<'b>(&'b self, url: &'b str) -> crate::future::BoxFuture<'b, Option<i64>> {
        Box::pin(async move {
            match url.strip_prefix(&self.prefix) {
                Some(id) => {
                    let versions: &std::sync::Arc<ListVersionMap> = self
                        .versions
                        .get_or_init(|| async {
                            match self.shared {
                                Some(shared) => shared.get(self.store).await,
                                None => read_versions(self.store).await,
                            }
                        })
                        .await;
                    // Unknown list (or unreadable store): a fresh revision
                    // nobody cached, so the list is loaded and checked.
                    Some(versions.get(id).copied().unwrap_or(i64::MIN))
                }
                None => match self.fallback {
                    Some(f) => f.revision(url).await,
                    None => None,
                },
            }
        })
    }

    fn status_list<'b>(
        &'b self,
        url: &'b str,
    ) -> crate::future::BoxFuture<'b, Result<Vec<u8>, crate::verification::SourceError>> {
        Box::pin(async move {
            use crate::verification::SourceError;
            if let Some(id) = url.strip_prefix(&self.prefix) {
                let list = self.store.status_list(id).await.map_err(|e| SourceError {
                    code: "status_store_error",
                    message: e.to_string(),
                })?;
                return list
                    .and_then(|l| l.published)
                    .map(String::into_bytes)
                    .ok_or_else(|| SourceError {
                        code: "status_list_not_found",
                        message: format!("no status list {id}"),
                    });
            }
            match self.fallback {
                Some(f) => f.status_list(url).await,
                None => Err(SourceError {
                    code: "status_list_not_fetched",
                    message: format!("{url} is not one of this issuer's lists and fetching is off"),
                }),
            }
        })
    }
}
