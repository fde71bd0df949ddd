//! Background bulk-import jobs as stored, and [`JobTx`], the writes a
//! transaction makes to them.

use super::StoreError;
use crate::future::BoxFuture;

/// A bulk import run in the background.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkJobRecord {
    /// Public id.
    pub id: String,
    /// The actor who queued it (its rows are issued as this actor).
    pub created_by: String,
    /// When it was queued.
    pub created_at: String,
    /// The uploaded CSV.
    pub csv: String,
    /// Data rows in the CSV.
    pub total_rows: i64,
    /// Rows finished so far in the current run.
    pub done_rows: i64,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// While running: until when the node running it holds it.
    pub lease_until: Option<String>,
    /// When done: the totals (JSON).
    pub summary: Option<String>,
    /// When done: every row's outcome (CSV).
    pub results: Option<String>,
    /// When failed: why.
    pub error: Option<String>,
    /// When it finished.
    pub finished_at: Option<String>,
}

/// Transaction writes of bulk jobs.
pub trait JobTx: Send {
    /// Queues a job.
    fn insert_bulk_job<'a>(
        &'a mut self,
        job: &'a BulkJobRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}
