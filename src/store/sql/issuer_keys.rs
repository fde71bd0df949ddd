//! The issuer's key history in SQL: the row reader, the read and [`KeyTx`](crate::store::KeyTx).

use super::SqlTx;
use crate::future::BoxFuture;
use crate::store::{IssuerKeyRecord, IssuerKeyState, KeyTx, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

fn issuer_key_from(row: &AnyRow) -> Result<IssuerKeyRecord, StoreError> {
    let state: String = row.try_get("state")?;
    Ok(IssuerKeyRecord {
        public_key_multibase: row.try_get("public_key_multibase")?,
        state: match state.as_str() {
            "current" => IssuerKeyState::Current,
            "retired" => IssuerKeyState::Retired,
            other => return Err(StoreError::Corrupt(format!("issuer key state {other:?}"))),
        },
        added_at: row.try_get("added_at")?,
        retired_at: row.try_get("retired_at")?,
    })
}

/// See [`crate::store::Store::issuer_keys`].
pub(super) async fn issuer_keys(pool: &AnyPool) -> Result<Vec<IssuerKeyRecord>, StoreError> {
    // Keys are retired in the order they were added, so `seq DESC`
    // puts the most recently retired first.
    let rows = sqlx::query(
        "SELECT public_key_multibase, state, added_at, retired_at FROM issuer_keys \
         ORDER BY CASE WHEN state = 'current' THEN 0 ELSE 1 END, seq DESC",
    )
    .fetch_all(pool)
    .await?;
    rows.iter().map(issuer_key_from).collect()
}

impl KeyTx for SqlTx {
    fn add_issuer_key<'a>(
        &'a mut self,
        public_key_multibase: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            // Writers are serialized by the audit-head lock taken in `begin`;
            // the UNIQUE `seq` guards the numbering regardless.
            sqlx::query(
                "INSERT INTO issuer_keys (public_key_multibase, seq, state, added_at) \
                 VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM issuer_keys), 'current', $2)",
            )
            .bind(public_key_multibase.to_owned())
            .bind(at.to_owned())
            .execute(&mut *self.tx)
            .await?;
            Ok(())
        })
    }

    fn retire_issuer_key<'a>(
        &'a mut self,
        public_key_multibase: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE issuer_keys SET state = 'retired', retired_at = $1 \
                 WHERE public_key_multibase = $2 AND state = 'current'",
            )
            .bind(at.to_owned())
            .bind(public_key_multibase.to_owned())
            .execute(&mut *self.tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!(
                    "current issuer key {public_key_multibase}"
                )));
            }
            Ok(())
        })
    }
}
