//! Admin API tokens in SQL: the row reader, the reads and [`TokenTx`](crate::store::TokenTx).

use super::{SqlTx, fetch_optional};
use crate::future::BoxFuture;
use crate::store::{StoreError, TokenRecord, TokenTx};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

fn token_from(row: &AnyRow) -> Result<TokenRecord, StoreError> {
    Ok(TokenRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        scope: row.try_get("scope")?,
        token_hash: row.try_get("token_hash")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

/// See [`crate::store::Store::token_by_hash`].
pub(super) async fn token_by_hash(
    pool: &AnyPool,
    token_hash: &str,
) -> Result<Option<TokenRecord>, StoreError> {
    let query = sqlx::query("SELECT id, name, scope, token_hash, created_at, revoked_at FROM api_tokens WHERE token_hash = $1")
        .bind(token_hash.to_owned());
    fetch_optional(pool, query, token_from).await
}

/// See [`crate::store::Store::tokens`].
pub(super) async fn tokens(pool: &AnyPool) -> Result<Vec<TokenRecord>, StoreError> {
    let rows = sqlx::query("SELECT id, name, scope, token_hash, created_at, revoked_at FROM api_tokens ORDER BY created_at, id")
        .fetch_all(pool)
        .await?;
    rows.iter().map(token_from).collect()
}

impl TokenTx for SqlTx {
    fn insert_token<'a>(
        &'a mut self,
        token: &'a TokenRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query("INSERT INTO api_tokens (id, name, scope, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(token.id.clone())
                .bind(token.name.clone())
                .bind(token.scope.clone())
                .bind(token.token_hash.clone())
                .bind(token.created_at.clone())
                .execute(&mut *self.tx)
                .await?;
            Ok(())
        })
    }

    fn revoke_token<'a>(
        &'a mut self,
        id: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            )
            .bind(at.to_owned())
            .bind(id.to_owned())
            .execute(&mut *self.tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("active token {id}")));
            }
            Ok(())
        })
    }
}
