//! Wallet claims and protocol values in SQL: reads, the pool's single
//! statements, and [`ClaimTx`](crate::store::ClaimTx).

use super::{SqlTx, fetch_optional, q};
use crate::future::BoxFuture;
use crate::store::{ClaimRecord, ClaimTx, NonceKind, NonceRecord, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Executor, Row};

const CLAIM_COLUMNS: &str = "id, credential_id, secret_hash, tx_code_hash, created_by, created_at, \
     expires_at, code_used_at, tx_code_attempts, redeemed_at, redeemed_via, holder_did, \
     issued_credential_id";

fn claim_from(row: &AnyRow) -> Result<ClaimRecord, StoreError> {
    Ok(ClaimRecord {
        id: row.try_get("id")?,
        credential_id: row.try_get("credential_id")?,
        secret_hash: row.try_get("secret_hash")?,
        tx_code_hash: row.try_get("tx_code_hash")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        code_used_at: row.try_get("code_used_at")?,
        tx_code_attempts: row.try_get("tx_code_attempts")?,
        redeemed_at: row.try_get("redeemed_at")?,
        redeemed_via: row.try_get("redeemed_via")?,
        holder_did: row.try_get("holder_did")?,
        issued_credential_id: row.try_get("issued_credential_id")?,
    })
}

fn nonce_from(row: &AnyRow) -> Result<NonceRecord, StoreError> {
    Ok(NonceRecord {
        value_hash: row.try_get("value_hash")?,
        kind: row.try_get("kind")?,
        claim_id: row.try_get("claim_id")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        used_at: row.try_get("used_at")?,
    })
}

/// See [`crate::store::Store::wallet_claim`].
pub(super) async fn claim(
    pool: &AnyPool,
    secret_hash: &str,
) -> Result<Option<ClaimRecord>, StoreError> {
    let query = q(format!(
        "SELECT {CLAIM_COLUMNS} FROM wallet_claims WHERE secret_hash = $1"
    ))
    .bind(secret_hash.to_owned());
    fetch_optional(pool, query, claim_from).await
}

/// See [`crate::store::Store::wallet_claim_by_id`].
pub(super) async fn claim_by_id(
    pool: &AnyPool,
    id: &str,
) -> Result<Option<ClaimRecord>, StoreError> {
    let query = q(format!(
        "SELECT {CLAIM_COLUMNS} FROM wallet_claims WHERE id = $1"
    ))
    .bind(id.to_owned());
    fetch_optional(pool, query, claim_from).await
}

/// See [`crate::store::Store::wallet_claims_of`].
pub(super) async fn claims_of(
    pool: &AnyPool,
    credential_id: &str,
) -> Result<Vec<ClaimRecord>, StoreError> {
    let rows = q(format!(
        "SELECT {CLAIM_COLUMNS} FROM wallet_claims WHERE credential_id = $1 ORDER BY created_at, id"
    ))
    .bind(credential_id.to_owned())
    .fetch_all(pool)
    .await?;
    rows.iter().map(claim_from).collect()
}

/// See [`crate::store::Store::wallet_nonce`].
pub(super) async fn nonce(
    pool: &AnyPool,
    value_hash: &str,
) -> Result<Option<NonceRecord>, StoreError> {
    let query = q(
        "SELECT value_hash, kind, claim_id, created_at, expires_at, used_at \
         FROM wallet_nonces WHERE value_hash = $1"
            .to_owned(),
    )
    .bind(value_hash.to_owned());
    fetch_optional(pool, query, nonce_from).await
}

async fn insert_nonce<'c>(
    executor: impl Executor<'c, Database = sqlx::Any>,
    n: &NonceRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO wallet_nonces (value_hash, kind, claim_id, created_at, expires_at, used_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(n.value_hash.clone())
    .bind(n.kind.clone())
    .bind(n.claim_id.clone())
    .bind(n.created_at.clone())
    .bind(n.expires_at.clone())
    .bind(n.used_at.clone())
    .execute(executor)
    .await?;
    Ok(())
}

/// See [`crate::store::Store::add_wallet_nonce`]: one statement; expired
/// values older than `prune_before` are deleted first.
pub(super) async fn add_nonce(
    pool: &AnyPool,
    n: &NonceRecord,
    prune_before: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM wallet_nonces WHERE expires_at < $1")
        .bind(prune_before.to_owned())
        .execute(pool)
        .await?;
    insert_nonce(pool, n).await
}

/// See [`crate::store::Store::reserve_tx_code_attempt`].
pub(super) async fn reserve_tx_code_attempt(
    pool: &AnyPool,
    claim_id: &str,
    max: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE wallet_claims SET tx_code_attempts = tx_code_attempts + 1 \
         WHERE id = $1 AND tx_code_attempts < $2 AND code_used_at IS NULL AND redeemed_at IS NULL",
    )
    .bind(claim_id.to_owned())
    .bind(max)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

impl ClaimTx for SqlTx {
    fn insert_wallet_claim<'a>(
        &'a mut self,
        c: &'a ClaimRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            q(format!(
                "INSERT INTO wallet_claims ({CLAIM_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            ))
            .bind(c.id.clone())
            .bind(c.credential_id.clone())
            .bind(c.secret_hash.clone())
            .bind(c.tx_code_hash.clone())
            .bind(c.created_by.clone())
            .bind(c.created_at.clone())
            .bind(c.expires_at.clone())
            .bind(c.code_used_at.clone())
            .bind(c.tx_code_attempts)
            .bind(c.redeemed_at.clone())
            .bind(c.redeemed_via.clone())
            .bind(c.holder_did.clone())
            .bind(c.issued_credential_id.clone())
            .execute(&mut *self.tx)
            .await?;
            Ok(())
        })
    }

    fn wallet_copies<'a>(
        &'a mut self,
        original: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT issued_credential_id FROM wallet_claims \
                 WHERE credential_id = $1 AND issued_credential_id IS NOT NULL ORDER BY redeemed_at",
            )
            .bind(original.to_owned())
            .fetch_all(&mut *self.tx)
            .await?;
            rows.iter()
                .map(|r| Ok(r.try_get("issued_credential_id")?))
                .collect()
        })
    }

    fn use_wallet_claim_code<'a>(
        &'a mut self,
        claim_id: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE wallet_claims SET code_used_at = $1 WHERE id = $2 \
                 AND code_used_at IS NULL AND redeemed_at IS NULL AND expires_at > $3",
            )
            .bind(at.to_owned())
            .bind(claim_id.to_owned())
            .bind(at.to_owned())
            .execute(&mut *self.tx)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    fn redeem_wallet_claim<'a>(
        &'a mut self,
        claim_id: &'a str,
        at: &'a str,
        via: &'a str,
        holder_did: &'a str,
        issued: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE wallet_claims SET redeemed_at = $1, redeemed_via = $2, holder_did = $3, \
                 issued_credential_id = $4 WHERE id = $5 AND redeemed_at IS NULL AND expires_at > $6",
            )
            .bind(at.to_owned())
            .bind(via.to_owned())
            .bind(holder_did.to_owned())
            .bind(issued.to_owned())
            .bind(claim_id.to_owned())
            .bind(at.to_owned())
            .execute(&mut *self.tx)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    fn insert_wallet_nonce<'a>(
        &'a mut self,
        n: &'a NonceRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { insert_nonce(&mut *self.tx, n).await })
    }

    fn use_wallet_nonce<'a>(
        &'a mut self,
        value_hash: &'a str,
        kind: NonceKind,
        at: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE wallet_nonces SET used_at = $1 \
                 WHERE value_hash = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $4",
            )
            .bind(at.to_owned())
            .bind(value_hash.to_owned())
            .bind(kind.as_str().to_owned())
            .bind(at.to_owned())
            .execute(&mut *self.tx)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }
}
