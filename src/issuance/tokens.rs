//! Bearer tokens for the admin API and VC-API issuance, scoped `admin`,
//! `grader` or `issuer`. A token is
//! shown once when created; only its SHA-256 is stored, and every token
//! operation is audited (without the secret).

use super::{Actor, IssuanceError, Issuer, Role, stamp};
use crate::audit::AuditDraft;
use crate::store::{Store, TokenRecord};
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Prefix of every token, so leaked tokens are recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "rst_";

/// A token's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything on the admin API.
    Admin,
    /// Recording lab results only.
    Grader,
    /// VC-API `POST /credentials/issue` only, for credentials other than
    /// the catalog's certifications (an LMS, a wallet, a test suite).
    Issuer,
}

impl Scope {
    /// `admin`, `grader` or `issuer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Admin => "admin",
            Scope::Grader => "grader",
            Scope::Issuer => "issuer",
        }
    }

    /// The scope named `s`, if any.
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "admin" => Some(Scope::Admin),
            "grader" => Some(Scope::Grader),
            "issuer" => Some(Scope::Issuer),
            _ => None,
        }
    }

    /// The role a token of this scope acts with.
    pub fn role(self) -> Role {
        match self {
            Scope::Admin => Role::Admin,
            Scope::Grader => Role::Grader,
            Scope::Issuer => Role::Issuer,
        }
    }
}

/// SHA-256 (hex) of a presented token.
pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Why a presented token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No token, or not one of ours.
    #[error("missing or unknown token")]
    Unknown,
    /// The token was revoked.
    #[error("the token was revoked")]
    Revoked,
    /// The tokens could not be read (the database is down): not the
    /// caller's fault, and no verdict on the token.
    #[error("tokens cannot be checked right now: {0}")]
    Unavailable(String),
}

/// Who a valid token belongs to: the actor for the audit log.
pub async fn authenticate(
    store: &dyn Store,
    presented: &str,
) -> Result<(TokenRecord, Actor), AuthError> {
    let presented = presented.trim();
    if !presented.starts_with(TOKEN_PREFIX) {
        return Err(AuthError::Unknown);
    }
    // Looked up by hash: the comparison never touches the secret itself.
    let token = store
        .token_by_hash(&token_hash(presented))
        .await
        .map_err(|e| AuthError::Unavailable(e.to_string()))?
        .ok_or(AuthError::Unknown)?;
    if token.revoked_at.is_some() {
        return Err(AuthError::Revoked);
    }
    // A stored scope this build does not know gets the narrowest role.
    let actor = Actor {
        name: format!("token:{}:{}", token.id, token.name),
        role: Scope::parse(&token.scope).map_or(Role::Grader, Scope::role),
    };
    Ok((token, actor))
}

impl Issuer<'_> {
    /// Creates a token; returns its record and the secret (shown once, never stored).
    pub async fn create_token(
        &self,
        name: &str,
        scope: Scope,
        actor: &Actor,
    ) -> Result<(TokenRecord, String), IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(IssuanceError::Invalid {
                field: "name",
                message: "a token needs a name of 1–100 printable characters".into(),
            });
        }
        let bytes: [u8; 32] = super::os_random()?;
        let secret = format!(
            "{TOKEN_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        );
        let at = stamp(self.now());
        let token = TokenRecord {
            id: super::new_uuid()?.simple().to_string()[..12].to_owned(),
            name: name.to_owned(),
            scope: scope.as_str().to_owned(),
            token_hash: token_hash(&secret),
            created_at: at.clone(),
            revoked_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_token(&token).await?;
        tx.append_audit(
            &[AuditDraft::new(
                &actor.name,
                "token.create",
                &token.id,
                json!({ "name": token.name, "scope": token.scope }),
            )],
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok((token, secret))
    }

    /// Revokes a token.
    pub async fn revoke_token(&self, id: &str, actor: &Actor) -> Result<(), IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let at = stamp(self.now());
        let mut tx = self.store.begin().await?;
        tx.revoke_token(id, &at).await?;
        tx.append_audit(
            &[AuditDraft::new(&actor.name, "token.revoke", id, json!({}))],
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
