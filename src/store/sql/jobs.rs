//! Background bulk-import jobs in SQL: reads, the claim of a job by one
//! node, progress, the end, and [`JobTx`](crate::store::JobTx).

use super::{SqlTx, fetch_optional, q};
use crate::future::BoxFuture;
use crate::store::{Backend, BulkJobRecord, JobTx, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

const COLS: &str = "id, created_by, created_at, csv, total_rows, done_rows, state, lease_until, summary, results, error, finished_at";

fn job_from(row: &AnyRow) -> Result<BulkJobRecord, StoreError> {
    Ok(BulkJobRecord {
        id: row.try_get("id")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        csv: row.try_get("csv")?,
        total_rows: row.try_get("total_rows")?,
        done_rows: row.try_get("done_rows")?,
        state: row.try_get("state")?,
        lease_until: row.try_get("lease_until")?,
        summary: row.try_get("summary")?,
        results: row.try_get("results")?,
        error: row.try_get("error")?,
        finished_at: row.try_get("finished_at")?,
    })
}

/// See [`crate::store::Store::bulk_job`].
pub(super) async fn job(pool: &AnyPool, id: &str) -> Result<Option<BulkJobRecord>, StoreError> {
    fetch_optional(
        pool,
        q(format!("SELECT {COLS} FROM bulk_jobs WHERE id = $1")).bind(id.to_owned()),
        job_from,
    )
    .await
}

/// See [`crate::store::Store::bulk_jobs`].
pub(super) async fn jobs(pool: &AnyPool, limit: i64) -> Result<Vec<BulkJobRecord>, StoreError> {
    let rows = q(format!(
        "SELECT {COLS} FROM bulk_jobs ORDER BY created_at DESC, id LIMIT {}",
        limit.clamp(1, 500)
    ))
    .fetch_all(pool)
    .await?;
    rows.iter().map(job_from).collect()
}

/// See [`crate::store::Store::claim_bulk_job`].
pub(super) async fn claim(
    pool: &AnyPool,
    backend: Backend,
    now: &str,
    lease_until: &str,
) -> Result<Option<BulkJobRecord>, StoreError> {
    let skip_locked = match backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let claimed = q(format!(
        "UPDATE bulk_jobs SET state = 'running', lease_until = $1, done_rows = 0 \
         WHERE id IN (SELECT id FROM bulk_jobs WHERE state = 'queued' \
         OR (state = 'running' AND lease_until <= $2) ORDER BY created_at, id LIMIT 1{skip_locked}) RETURNING id"
    ))
    .bind(lease_until.to_owned())
    .bind(now.to_owned())
    .fetch_optional(pool)
    .await?;
    match claimed {
        Some(row) => job(pool, &row.try_get::<String, _>("id")?).await,
        None => Ok(None),
    }
}

/// See [`crate::store::Store::bulk_job_progress`].
pub(super) async fn progress(
    pool: &AnyPool,
    id: &str,
    done_rows: i64,
    lease_until: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE bulk_jobs SET done_rows = $1, lease_until = $2 WHERE id = $3 AND state = 'running'",
    )
    .bind(done_rows)
    .bind(lease_until.to_owned())
    .bind(id.to_owned())
    .execute(pool)
    .await?;
    Ok(())
}

/// See [`crate::store::Store::finish_bulk_job`].
pub(super) async fn finish(
    pool: &AnyPool,
    id: &str,
    outcome: Result<(String, String), String>,
    at: &str,
) -> Result<(), StoreError> {
    let (state, summary, results, error) = match outcome {
        Ok((summary, results)) => ("done", Some(summary), Some(results), None),
        Err(e) => ("failed", None, None, Some(e)),
    };
    sqlx::query(
        "UPDATE bulk_jobs SET state = $1, summary = $2, results = $3, error = $4, finished_at = $5, \
         lease_until = NULL, done_rows = CASE WHEN $1 = 'done' THEN total_rows ELSE done_rows END WHERE id = $6",
    )
    .bind(state)
    .bind(summary)
    .bind(results)
    .bind(error)
    .bind(at.to_owned())
    .bind(id.to_owned())
    .execute(pool)
    .await?;
    Ok(())
}

impl JobTx for SqlTx {
    fn insert_bulk_job<'a>(
        &'a mut self,
        j: &'a BulkJobRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            q(format!("INSERT INTO bulk_jobs ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"))
                .bind(j.id.clone())
                .bind(j.created_by.clone())
                .bind(j.created_at.clone())
                .bind(j.csv.clone())
                .bind(j.total_rows)
                .bind(j.done_rows)
                .bind(j.state.clone())
                .bind(j.lease_until.clone())
                .bind(j.summary.clone())
                .bind(j.results.clone())
                .bind(j.error.clone())
                .bind(j.finished_at.clone())
                .execute(&mut *self.tx)
                .await?;
            Ok(())
        })
    }
}
