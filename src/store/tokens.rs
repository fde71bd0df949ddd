//! Admin API tokens as stored, and [`TokenTx`], the writes a transaction
//! makes to them.

use super::StoreError;
use crate::future::BoxFuture;

/// An admin API token (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenRecord {
    /// Public id (shown in lists and the audit log).
    pub id: String,
    /// What the token is for.
    pub name: String,
    /// `admin` or `grader`.
    pub scope: String,
    /// SHA-256 (hex) of the secret.
    #[serde(skip)]
    pub token_hash: String,
    /// When it was created.
    pub created_at: String,
    /// When it was revoked.
    pub revoked_at: Option<String>,
}

/// Transaction writes of admin API tokens.
pub trait TokenTx: Send {
    /// Inserts a token.
    fn insert_token<'a>(
        &'a mut self,
        token: &'a TokenRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Marks a token revoked; [`StoreError::NotFound`] if it does not exist or is already revoked.
    fn revoke_token<'a>(
        &'a mut self,
        id: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}
