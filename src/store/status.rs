//! Bitstring Status Lists as stored (W3C Bitstring Status List v1.0): the
//! lists, each credential's entries in them, and [`StatusTx`], the writes a
//! transaction makes to them.

use super::StoreError;
use crate::future::BoxFuture;

/// A Bitstring Status List as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusListRecord {
    /// Path segment of the list URL (`/status/{id}`), e.g. `revocation-1`.
    pub id: String,
    /// `revocation` or `suspension`.
    pub purpose: String,
    /// Entries (bits).
    pub size: i64,
    /// Entries handed out so far (the permutation counter).
    pub allocated: i64,
    /// Hex key of the index permutation (never published).
    #[serde(skip)]
    pub permutation_key: String,
    /// Bumped on every bit change.
    pub version: i64,
    /// The version the published list credential reflects.
    pub published_version: i64,
    /// The signed `BitstringStatusListCredential`, exactly as served.
    pub published: Option<String>,
    /// When it was signed.
    pub published_at: Option<String>,
    /// When the list was created.
    pub created_at: String,
}

/// One credential's entry in a status list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusEntryRecord {
    /// The list.
    pub list_id: String,
    /// Position in the list.
    pub idx: i64,
    /// The credential.
    pub credential_id: String,
    /// `revocation` or `suspension`.
    pub purpose: String,
    /// Whether the bit is set (revoked / suspended).
    pub value: bool,
    /// When the bit last changed (RFC 3339); `None` if it never did.
    pub changed_at: Option<String>,
}

/// Transaction reads and writes of status lists and their entries.
pub trait StatusTx: Send {
    /// The oldest status list of `purpose` that still has room.
    fn open_status_list<'a>(
        &'a mut self,
        purpose: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>>;
    /// Number of status lists of `purpose` (to name the next one).
    fn count_status_lists<'a>(
        &'a mut self,
        purpose: &'a str,
    ) -> BoxFuture<'a, Result<i64, StoreError>>;
    /// A status list by id.
    fn status_list<'a>(
        &'a mut self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>>;
    /// Creates a status list.
    fn create_status_list<'a>(
        &'a mut self,
        list: &'a StatusListRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Records that `n` more entries of a list were handed out.
    fn add_allocated<'a>(
        &'a mut self,
        list_id: &'a str,
        n: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Inserts status entries (a position taken twice is a conflict).
    fn insert_status_entries<'a>(
        &'a mut self,
        rows: &'a [StatusEntryRecord],
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// A credential's status entries.
    fn status_entries<'a>(
        &'a mut self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<StatusEntryRecord>, StoreError>>;
    /// Sets or clears one entry's bit and bumps the list's version.
    fn set_status<'a>(
        &'a mut self,
        list_id: &'a str,
        idx: i64,
        value: bool,
        changed_at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Positions whose bit is set in a list.
    fn set_positions<'a>(
        &'a mut self,
        list_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<i64>, StoreError>>;
    /// Stores a newly signed list credential for `version`.
    fn save_published<'a>(
        &'a mut self,
        list_id: &'a str,
        document: &'a str,
        version: i64,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}
