//! Admin console sessions as stored, and [`SessionTx`], the writes a
//! transaction makes to them.

use super::StoreError;
use crate::future::BoxFuture;

/// A console session: a token exchanged at sign-in (only the session
/// secret's hash is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 (hex) of the session secret (the cookie).
    pub id_hash: String,
    /// The token signed in with.
    pub token_id: String,
    /// The per-session CSRF token every form carries.
    pub csrf: String,
    /// When it was created.
    pub created_at: String,
    /// When it was last used (refreshed at most once a minute).
    pub last_seen_at: String,
    /// When it was ended (sign-out).
    pub ended_at: Option<String>,
}

/// Transaction writes of console sessions.
pub trait SessionTx: Send {
    /// Inserts a session.
    fn insert_console_session<'a>(
        &'a mut self,
        session: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Ends a session; false when it was not active.
    fn end_console_session<'a>(
        &'a mut self,
        id_hash: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
}
