//! The audit log and its signed checkpoints in SQL: the row readers, the
//! reads and [`AuditTx`](crate::store::AuditTx).

use super::{CHUNK, SqlTx, fetch_optional, q, values_list};
use crate::audit::{AuditDraft, AuditRecord, CHECKPOINT_FORMAT, SignedCheckpoint};
use crate::future::BoxFuture;
use crate::store::{AuditTx, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

fn audit_from(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    Ok(AuditRecord {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        details: row.try_get("details")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// See [`crate::store::Store::audit_entries`].
pub(super) async fn entries(
    pool: &AnyPool,
    after: i64,
    limit: i64,
) -> Result<Vec<AuditRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(limit.clamp(1, 100_000))
    .fetch_all(pool)
    .await?;
    rows.iter().map(audit_from).collect()
}

/// See [`crate::store::Store::audit_head`].
pub(super) async fn head(pool: &AnyPool) -> Result<(i64, String), StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok((row.try_get("seq")?, row.try_get("hash")?))
}

fn checkpoint_from(row: &AnyRow) -> Result<SignedCheckpoint, StoreError> {
    Ok(SignedCheckpoint {
        format: CHECKPOINT_FORMAT.to_owned(),
        seq: row.try_get("seq")?,
        hash: row.try_get("hash")?,
        time: row.try_get("time")?,
        key_id: row.try_get("key_id")?,
        signature: row.try_get("signature")?,
        entry_hashes: None,
    })
}

/// See [`crate::store::Store::audit_checkpoints`].
pub(super) async fn checkpoints(pool: &AnyPool) -> Result<Vec<SignedCheckpoint>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, hash, time, key_id, signature FROM audit_checkpoints ORDER BY seq",
    )
    .fetch_all(pool)
    .await?;
    rows.iter().map(checkpoint_from).collect()
}

/// See [`crate::store::Store::latest_audit_checkpoint`].
pub(super) async fn latest_checkpoint(
    pool: &AnyPool,
) -> Result<Option<SignedCheckpoint>, StoreError> {
    fetch_optional(
        pool,
        q("SELECT seq, hash, time, key_id, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1".into()),
        checkpoint_from,
    )
    .await
}

impl AuditTx for SqlTx {
    fn append_audit<'a>(
        &'a mut self,
        drafts: &'a [AuditDraft],
        at: &'a str,
    ) -> BoxFuture<'a, Result<Vec<AuditRecord>, StoreError>> {
        Box::pin(async move {
            if drafts.is_empty() {
                return Ok(Vec::new());
            }
            let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut *self.tx)
                .await?;
            let (mut seq, mut hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
            let mut records = Vec::with_capacity(drafts.len());
            for d in drafts {
                let r = AuditRecord::next(seq, &hash, at, d);
                seq = r.seq;
                hash = r.hash.clone();
                records.push(r);
            }
            for chunk in records.chunks(CHUNK) {
                let mut query = q(format!(
                    "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash) VALUES {}",
                    values_list(self.backend, chunk.len(), 8, 1)
                ));
                for r in chunk {
                    query = query
                        .bind(r.seq)
                        .bind(r.at.clone())
                        .bind(r.actor.clone())
                        .bind(r.action.clone())
                        .bind(r.subject.clone())
                        .bind(r.details.clone())
                        .bind(r.prev_hash.clone())
                        .bind(r.hash.clone());
                }
                query.execute(&mut *self.tx).await?;
            }
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(seq)
                .bind(hash)
                .execute(&mut *self.tx)
                .await?;
            // The outbox: each credential change's webhook event, in this transaction.
            super::webhooks::enqueue_events(self, &records).await?;
            Ok(records)
        })
    }

    fn add_audit_checkpoint<'a>(
        &'a mut self,
        checkpoint: &'a SignedCheckpoint,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "INSERT INTO audit_checkpoints (seq, hash, time, key_id, signature) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING",
            )
            .bind(checkpoint.seq)
            .bind(checkpoint.hash.clone())
            .bind(checkpoint.time.clone())
            .bind(checkpoint.key_id.clone())
            .bind(checkpoint.signature.clone())
            .execute(&mut *self.tx)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }
}
