//! Wallet claims as stored, the short-lived values of the wallet protocols
//! ([`NonceRecord`]), and [`ClaimTx`], the writes a transaction makes to them.

use super::StoreError;
use crate::future::BoxFuture;

/// A one-time claim of an issued credential into a wallet. Only hashes of
/// its secrets are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecord {
    /// Id (`claim_…`), for the audit log and the admin.
    pub id: String,
    /// The credential it copies.
    pub credential_id: String,
    /// SHA-256 (hex) of the secret in the claim link.
    pub secret_hash: String,
    /// SHA-256 (hex) of the OpenID4VCI transaction code, when one is required.
    pub tx_code_hash: Option<String>,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: String,
    /// When it expires.
    pub expires_at: String,
    /// When the pre-authorized code was exchanged for an access token.
    pub code_used_at: Option<String>,
    /// Transaction-code attempts so far (each reserved before it is compared).
    pub tx_code_attempts: i64,
    /// When it was redeemed.
    pub redeemed_at: Option<String>,
    /// `vcapi` or `oid4vci`.
    pub redeemed_via: Option<String>,
    /// The holder DID the copy was bound to.
    pub holder_did: Option<String>,
    /// The bound copy.
    pub issued_credential_id: Option<String>,
}

/// What a short-lived protocol value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceKind {
    /// A VC-API exchange's `challenge` (bound to a claim).
    Challenge,
    /// An OpenID4VCI access token (bound to a claim).
    AccessToken,
    /// An OpenID4VCI `c_nonce` (bound to no claim).
    CNonce,
}

impl NonceKind {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            NonceKind::Challenge => "challenge",
            NonceKind::AccessToken => "access_token",
            NonceKind::CNonce => "c_nonce",
        }
    }
}

/// A single-use protocol value, stored by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonceRecord {
    /// SHA-256 (hex) of the value.
    pub value_hash: String,
    /// What it is (the stored text of a [`NonceKind`]).
    pub kind: String,
    /// The claim it belongs to, if any.
    pub claim_id: Option<String>,
    /// When it was made.
    pub created_at: String,
    /// When it expires.
    pub expires_at: String,
    /// When it was used.
    pub used_at: Option<String>,
}

/// Transaction writes of wallet claims.
pub trait ClaimTx: Send {
    /// Inserts a claim.
    fn insert_wallet_claim<'a>(
        &'a mut self,
        claim: &'a ClaimRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// The wallet copies issued from credential `original` (read inside
    /// the transaction, which holds the write lock: none is added meanwhile).
    fn wallet_copies<'a>(
        &'a mut self,
        original: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, StoreError>>;
    /// Marks a claim's pre-authorized code used; false when it was used,
    /// the claim redeemed already, or expired at `at`.
    fn use_wallet_claim_code<'a>(
        &'a mut self,
        claim_id: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    /// Marks a claim redeemed by `holder_did` with the copy `issued`; false
    /// (nothing written) when it was redeemed already or expired at `at`.
    fn redeem_wallet_claim<'a>(
        &'a mut self,
        claim_id: &'a str,
        at: &'a str,
        via: &'a str,
        holder_did: &'a str,
        issued: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    /// Inserts a protocol value.
    fn insert_wallet_nonce<'a>(
        &'a mut self,
        nonce: &'a NonceRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Uses a protocol value of `kind`: true when it was unused and
    /// unexpired at `at` (it is used now), false otherwise.
    fn use_wallet_nonce<'a>(
        &'a mut self,
        value_hash: &'a str,
        kind: NonceKind,
        at: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
}
