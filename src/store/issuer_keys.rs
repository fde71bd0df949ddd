//! The issuer's public keys as stored (the rotation history), and
//! [`KeyTx`], the writes a transaction makes to them.

use super::StoreError;
use crate::future::BoxFuture;

/// Whether an issuer key signs new credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IssuerKeyState {
    /// The signing key (exactly one while the table is not empty).
    Current,
    /// Replaced by a rotation; still published so older credentials verify.
    Retired,
}

impl IssuerKeyState {
    /// `current` or `retired`.
    pub fn as_str(self) -> &'static str {
        match self {
            IssuerKeyState::Current => "current",
            IssuerKeyState::Retired => "retired",
        }
    }
}

/// One of the issuer's public keys (only public keys are stored; each node
/// keeps the secret in its key file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IssuerKeyRecord {
    /// The Ed25519 public key as Multikey `publicKeyMultibase` (`z6Mk…`, CID 1.0 §2.2.2).
    pub public_key_multibase: String,
    /// Current or retired.
    pub state: IssuerKeyState,
    /// When the key was registered.
    pub added_at: String,
    /// When a rotation retired it.
    pub retired_at: Option<String>,
}

/// Transaction writes of the issuer's key history.
pub trait KeyTx: Send {
    /// Adds `public_key_multibase` as the current issuer key. A
    /// [`StoreError::Conflict`] when another key is current (retire it first,
    /// in the same transaction) or the key was registered before (a retired
    /// key never becomes current again).
    fn add_issuer_key<'a>(
        &'a mut self,
        public_key_multibase: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Marks the current issuer key retired; [`StoreError::NotFound`] if
    /// `public_key_multibase` is not the current key.
    fn retire_issuer_key<'a>(
        &'a mut self,
        public_key_multibase: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}
