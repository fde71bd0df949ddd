//! Bulk imports run in the background (the console queues those too large
//! for one request): queueing, and running one job to its end. A job is
//! run by one node at a time (a lease, extended as rows finish); after a
//! node stops, another — or the same one restarted — runs it again from the
//! start, and the rows issued before come back "already issued" (an import
//! is idempotent), so no row is issued twice.

use super::bulk::{BulkOptions, RowOutcome, Summary};
use super::{Actor, IssuanceError, Issuer, Role, stamp};
use crate::audit::AuditDraft;
use crate::store::BulkJobRecord;
use chrono::Duration;
use serde_json::json;

/// Data rows above which the console queues an upload as a job.
pub const INLINE_ROWS: usize = 100;
/// How long a claim (and each progress report) holds a job.
pub const JOB_LEASE: Duration = Duration::seconds(60);
/// Largest CSV a job takes (10 MB).
pub const MAX_JOB_BYTES: usize = 10 * 1024 * 1024;

/// Data rows in a CSV (records after the header; blank lines not counted).
pub fn data_rows(csv: &[u8]) -> usize {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(csv)
        .byte_records()
        .filter(|r| r.as_ref().map_or(true, |r| r.iter().any(|f| !f.is_empty())))
        .count()
}

/// The outcome of every row as the results file (CSV, UTF-8 with a BOM,
/// cells made inert for spreadsheets): what the console offers to download,
/// inline or from a job.
pub fn results_csv(rows: &[RowOutcome]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record([
        "line",
        "email",
        "certification",
        "outcome",
        "credential_id",
        "code",
        "message",
    ]);
    for r in rows {
        let _ = out.write_record([
            r.line.to_string(),
            super::bulk::inert_cell(&r.email),
            super::bulk::inert_cell(&r.certification),
            r.outcome.as_str().to_owned(),
            r.credential_id.clone(),
            r.code.clone(),
            super::bulk::inert_cell(&r.message),
        ]);
    }
    format!(
        "\u{feff}{}",
        String::from_utf8_lossy(&out.into_inner().unwrap_or_default())
    )
}

impl Issuer<'_> {
    /// Queues a bulk import (admins only; UTF-8 CSV of at most
    /// [`MAX_JOB_BYTES`]); audited as `bulk.queue`.
    pub async fn queue_bulk_job(
        &self,
        csv: &[u8],
        actor: &Actor,
    ) -> Result<BulkJobRecord, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let invalid = |message: String| IssuanceError::Invalid {
            field: "csv",
            message,
        };
        if csv.len() > MAX_JOB_BYTES {
            return Err(invalid(format!(
                "the file is larger than {MAX_JOB_BYTES} bytes"
            )));
        }
        let text = std::str::from_utf8(csv)
            .map_err(|_| invalid("the file is not UTF-8 text".into()))?
            .to_owned();
        let at = stamp(self.now());
        let job = BulkJobRecord {
            id: super::new_uuid()?.simple().to_string()[..16].to_owned(),
            created_by: actor.name.clone(),
            created_at: at.clone(),
            total_rows: data_rows(csv) as i64,
            csv: text,
            done_rows: 0,
            state: "queued".into(),
            lease_until: None,
            summary: None,
            results: None,
            error: None,
            finished_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_bulk_job(&job).await?;
        tx.append_audit(
            &[AuditDraft::new(
                &actor.name,
                "bulk.queue",
                &job.id,
                json!({ "rows": job.total_rows }),
            )],
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(job)
    }

    /// Runs one claimed job to its end as the admin who queued it: the
    /// import (on the blocking pool, as the API's), progress and lease
    /// written as chunks finish, then the summary and results, or why it
    /// failed.
    pub async fn run_bulk_job(&self, job: &BulkJobRecord) -> Result<Summary, IssuanceError> {
        let actor = Actor::admin(job.created_by.clone());
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
        let store = self.store;
        let clock = self.clock;
        let id = job.id.clone();
        let progress = async move {
            while let Some(done) = rx.recv().await {
                let lease = stamp(clock.now() + JOB_LEASE);
                if let Err(e) = store.bulk_job_progress(&id, done as i64, &lease).await {
                    tracing::warn!(error = %e, job = %id, "could not record a bulk job's progress");
                }
            }
        };
        let mut rows: Vec<RowOutcome> = Vec::new();
        let import = async {
            let r = self
                .import_csv(
                    job.csv.as_bytes(),
                    &actor,
                    BulkOptions::default(),
                    &mut |o| rows.push(o.clone()),
                    &mut |n| {
                        let _ = tx.send(n);
                    },
                )
                .await;
            drop(tx);
            r
        };
        let (result, ()) = tokio::join!(import, progress);
        let at = stamp(self.now());
        match &result {
            Ok(summary) => {
                let summary_json = serde_json::to_string(summary).unwrap_or_default();
                self.store
                    .finish_bulk_job(&job.id, Ok((summary_json, results_csv(&rows))), &at)
                    .await?;
            }
            Err(e) => {
                self.store
                    .finish_bulk_job(&job.id, Err(e.to_string()), &at)
                    .await?;
            }
        }
        result
    }
}
