//! Bitstring Status Lists in SQL: row readers, the reads shared by the
//! pool and transactions, and [`StatusTx`](crate::store::StatusTx).

use super::{CHUNK, SqlTx, fetch_optional, q, values_list};
use crate::future::BoxFuture;
use crate::store::{StatusEntryRecord, StatusListRecord, StatusTx, StoreError};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Executor, Row};

const STATUS_LIST_COLS: &str = "id, purpose, size, allocated, permutation_key, version, published_version, published, published_at, created_at";

fn status_list_from(row: &AnyRow) -> Result<StatusListRecord, StoreError> {
    Ok(StatusListRecord {
        id: row.try_get("id")?,
        purpose: row.try_get("purpose")?,
        size: row.try_get("size")?,
        allocated: row.try_get("allocated")?,
        permutation_key: row.try_get("permutation_key")?,
        version: row.try_get("version")?,
        published_version: row.try_get("published_version")?,
        published: row.try_get("published")?,
        published_at: row.try_get("published_at")?,
        created_at: row.try_get("created_at")?,
    })
}

fn status_entry_from(row: &AnyRow) -> Result<StatusEntryRecord, StoreError> {
    Ok(StatusEntryRecord {
        list_id: row.try_get("list_id")?,
        idx: row.try_get("idx")?,
        credential_id: row.try_get("credential_id")?,
        purpose: row.try_get("purpose")?,
        value: row.try_get::<i64, _>("value")? != 0,
        changed_at: row.try_get("changed_at")?,
    })
}

/// A status list by id.
pub(super) async fn status_list<'c>(
    executor: impl Executor<'c, Database = Any>,
    id: &str,
) -> Result<Option<StatusListRecord>, StoreError> {
    let query = q(format!(
        "SELECT {STATUS_LIST_COLS} FROM status_lists WHERE id = $1"
    ))
    .bind(id.to_owned());
    fetch_optional(executor, query, status_list_from).await
}

/// A credential's status entries.
pub(super) async fn status_entries<'c>(
    executor: impl Executor<'c, Database = Any>,
    credential_id: &str,
) -> Result<Vec<StatusEntryRecord>, StoreError> {
    let rows = sqlx::query("SELECT list_id, idx, credential_id, purpose, value, changed_at FROM status_entries WHERE credential_id = $1 ORDER BY purpose")
        .bind(credential_id.to_owned())
        .fetch_all(executor)
        .await?;
    rows.iter().map(status_entry_from).collect()
}

/// See [`crate::store::Store::status_list_versions`].
pub(super) async fn versions(pool: &AnyPool) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query("SELECT id, published_version FROM status_lists")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?)))
        .collect()
}

impl StatusTx for SqlTx {
    fn open_status_list<'a>(
        &'a mut self,
        purpose: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>> {
        let query = q(format!(
            "SELECT {STATUS_LIST_COLS} FROM status_lists WHERE purpose = $1 AND allocated < size ORDER BY created_at, id LIMIT 1"
        ))
        .bind(purpose.to_owned());
        Box::pin(fetch_optional(&mut *self.tx, query, status_list_from))
    }

    fn count_status_lists<'a>(
        &'a mut self,
        purpose: &'a str,
    ) -> BoxFuture<'a, Result<i64, StoreError>> {
        Box::pin(async move {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM status_lists WHERE purpose = $1")
                .bind(purpose.to_owned())
                .fetch_one(&mut *self.tx)
                .await?;
            Ok(row.try_get("n")?)
        })
    }

    fn status_list<'a>(
        &'a mut self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>> {
        Box::pin(status_list(&mut *self.tx, id))
    }

    fn create_status_list<'a>(
        &'a mut self,
        list: &'a StatusListRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            q(format!(
                "INSERT INTO status_lists ({STATUS_LIST_COLS}) VALUES {}",
                values_list(self.backend, 1, 10, 1)
            ))
            .bind(list.id.clone())
            .bind(list.purpose.clone())
            .bind(list.size)
            .bind(list.allocated)
            .bind(list.permutation_key.clone())
            .bind(list.version)
            .bind(list.published_version)
            .bind(list.published.clone())
            .bind(list.published_at.clone())
            .bind(list.created_at.clone())
            .execute(&mut *self.tx)
            .await?;
            Ok(())
        })
    }

    fn add_allocated<'a>(
        &'a mut self,
        list_id: &'a str,
        n: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let done = sqlx::query("UPDATE status_lists SET allocated = allocated + $1 WHERE id = $2 AND allocated + $3 <= size")
                .bind(n)
                .bind(list_id.to_owned())
                .bind(n)
                .execute(&mut *self.tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "status list {list_id} has no room for {n} more entries"
                )));
            }
            Ok(())
        })
    }

    fn insert_status_entries<'a>(
        &'a mut self,
        rows: &'a [StatusEntryRecord],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            for chunk in rows.chunks(CHUNK) {
                let mut query = q(format!(
                    "INSERT INTO status_entries (list_id, idx, credential_id, purpose, value) VALUES {}",
                    values_list(self.backend, chunk.len(), 5, 1)
                ));
                for e in chunk {
                    query = query
                        .bind(e.list_id.clone())
                        .bind(e.idx)
                        .bind(e.credential_id.clone())
                        .bind(e.purpose.clone())
                        .bind(i64::from(e.value));
                }
                query.execute(&mut *self.tx).await?;
            }
            Ok(())
        })
    }

    fn status_entries<'a>(
        &'a mut self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<StatusEntryRecord>, StoreError>> {
        Box::pin(status_entries(&mut *self.tx, credential_id))
    }

    fn set_status<'a>(
        &'a mut self,
        list_id: &'a str,
        idx: i64,
        value: bool,
        changed_at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let done =
                sqlx::query("UPDATE status_entries SET value = $1, changed_at = $2 WHERE list_id = $3 AND idx = $4")
                    .bind(i64::from(value))
                    .bind(changed_at.to_owned())
                    .bind(list_id.to_owned())
                    .bind(idx)
                    .execute(&mut *self.tx)
                    .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!(
                    "status entry {list_id}#{idx}"
                )));
            }
            sqlx::query("UPDATE status_lists SET version = version + 1 WHERE id = $1")
                .bind(list_id.to_owned())
                .execute(&mut *self.tx)
                .await?;
            Ok(())
        })
    }

    fn set_positions<'a>(
        &'a mut self,
        list_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<i64>, StoreError>> {
        Box::pin(async move {
            let rows =
                sqlx::query("SELECT idx FROM status_entries WHERE list_id = $1 AND value = 1")
                    .bind(list_id.to_owned())
                    .fetch_all(&mut *self.tx)
                    .await?;
            rows.iter()
                .map(|r| r.try_get::<i64, _>("idx").map_err(StoreError::from))
                .collect()
        })
    }

    fn save_published<'a>(
        &'a mut self,
        list_id: &'a str,
        document: &'a str,
        version: i64,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            sqlx::query("UPDATE status_lists SET published = $1, published_version = $2, published_at = $3 WHERE id = $4 AND published_version < $5")
                .bind(document.to_owned())
                .bind(version)
                .bind(at.to_owned())
                .bind(list_id.to_owned())
                .bind(version)
                .execute(&mut *self.tx)
                .await?;
            Ok(())
        })
    }
}
