//! Admin console sessions in SQL: the read with its token, the idle-time
//! refresh, and [`SessionTx`](crate::store::SessionTx).

use super::{SqlTx, fetch_optional, q};
use crate::future::BoxFuture;
use crate::store::{SessionRecord, SessionTx, StoreError, TokenRecord};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

fn session_from(row: &AnyRow) -> Result<(SessionRecord, TokenRecord), StoreError> {
    Ok((
        SessionRecord {
            id_hash: row.try_get("id_hash")?,
            token_id: row.try_get("token_id")?,
            csrf: row.try_get("csrf")?,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            ended_at: row.try_get("ended_at")?,
        },
        TokenRecord {
            id: row.try_get("token_id")?,
            name: row.try_get("name")?,
            scope: row.try_get("scope")?,
            token_hash: row.try_get("token_hash")?,
            created_at: row.try_get("token_created_at")?,
            revoked_at: row.try_get("revoked_at")?,
        },
    ))
}

/// See [`crate::store::Store::console_session`].
pub(super) async fn session(
    pool: &AnyPool,
    id_hash: &str,
) -> Result<Option<(SessionRecord, TokenRecord)>, StoreError> {
    let query = q(
        "SELECT s.id_hash, s.token_id, s.csrf, s.created_at, s.last_seen_at, s.ended_at, \
         t.name, t.scope, t.token_hash, t.created_at AS token_created_at, t.revoked_at \
         FROM console_sessions s JOIN api_tokens t ON t.id = s.token_id WHERE s.id_hash = $1"
            .to_owned(),
    )
    .bind(id_hash.to_owned());
    fetch_optional(pool, query, session_from).await
}

/// See [`crate::store::Store::touch_console_session`].
pub(super) async fn touch(pool: &AnyPool, id_hash: &str, at: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE console_sessions SET last_seen_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
    )
    .bind(at.to_owned())
    .bind(id_hash.to_owned())
    .execute(pool)
    .await?;
    Ok(())
}

impl SessionTx for SqlTx {
    fn insert_console_session<'a>(
        &'a mut self,
        s: &'a SessionRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO console_sessions (id_hash, token_id, csrf, created_at, last_seen_at, ended_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(s.id_hash.clone())
            .bind(s.token_id.clone())
            .bind(s.csrf.clone())
            .bind(s.created_at.clone())
            .bind(s.last_seen_at.clone())
            .bind(s.ended_at.clone())
            .execute(&mut *self.tx)
            .await?;
            Ok(())
        })
    }

    fn end_console_session<'a>(
        &'a mut self,
        id_hash: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE console_sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL",
            )
            .bind(at.to_owned())
            .bind(id_hash.to_owned())
            .execute(&mut *self.tx)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }
}
