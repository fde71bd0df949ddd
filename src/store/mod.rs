//! Storage: small traits, and one SQL implementation ([`sql::SqlStore`])
//! serving two backends chosen by URL — SQLite (`sqlite://…`, the embedded
//! default: one file, WAL, foreign keys on) and PostgreSQL (`postgres://…`).
//!
//! Every write goes through a [`StoreTx`]: a database transaction that
//! first locks the audit-log head, so the hash chain grows one writer at a
//! time even when several processes share one database, and so a
//! credential, its assessments and its audit entries commit together or
//! not at all. Dropping a transaction without [`StoreTx::commit`] rolls it back.
//!
//! Times are passed in as `YYYY-MM-DDTHH:MM:SSZ` strings; the store reads no clock.

pub mod migrations;
pub mod sql;

mod audit;
mod claims;
mod credentials;
mod issuer_keys;
mod jobs;
mod sessions;
mod status;
mod tokens;
mod webhooks;

use crate::audit::{AuditRecord, SignedCheckpoint};
use crate::future::BoxFuture;

pub use audit::AuditTx;
pub use claims::{ClaimRecord, ClaimTx, NonceKind, NonceRecord};
pub use credentials::{
    AssessmentKind, AssessmentRecord, CandidateRecord, CredentialCounts, CredentialFilter,
    CredentialHit, CredentialKind, CredentialRecord, CredentialSearch, CredentialState,
    CredentialStatusFilter, CredentialTx,
};
pub use issuer_keys::{IssuerKeyRecord, IssuerKeyState, KeyTx};
pub use jobs::{BulkJobRecord, JobTx};
pub use sessions::{SessionRecord, SessionTx};
pub use sql::SqlStore;
pub use status::{StatusEntryRecord, StatusListRecord, StatusTx};
pub use tokens::{TokenRecord, TokenTx};
pub use webhooks::{
    ClaimedDelivery, DeliveryFilter, DeliveryOutcome, DeliveryRecord, DeliveryState,
    SubscriptionRecord, WebhookTx,
};

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend a database URL names, or an error naming the scheme.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::UnknownScheme(scheme.to_owned())),
        }
    }

    /// Name used in messages and migration folders.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A storage failure. Database details stay in [`StoreError::Database`]'s
/// message for logs; callers show users the variant's meaning.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL's scheme is neither `sqlite` nor `postgres`.
    #[error("unknown database URL scheme {0:?} (expected sqlite:// or postgres://)")]
    UnknownScheme(String),
    /// A uniqueness rule was violated (the thing already exists).
    #[error("already exists: {0}")]
    Conflict(String),
    /// The thing does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A stored row could not be read back as expected.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database reported an error.
    #[error("database error: {0}")]
    Database(String),
    /// The database cannot be reached right now (connection refused or
    /// lost, server shutting down or starting): worth trying again.
    #[error("database unreachable: {0}")]
    Unavailable(String),
    /// A migration failed or the applied migrations do not match this build.
    #[error("migration: {0}")]
    Migration(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && matches!(db.kind(), sqlx::error::ErrorKind::UniqueViolation)
        {
            return StoreError::Conflict(db.message().to_owned());
        }
        if let sqlx::Error::Database(db) = &e
            && db.code().is_some_and(|c| is_out_of_space(&c))
        {
            return StoreError::Database(format!(
                "the database could not be written: the disk is full, the file reached its \
                 size limit, or the write failed ({})",
                db.message()
            ));
        }
        if let sqlx::Error::Database(db) = &e
            && db.code().is_some_and(|c| is_connection_lost(&c))
        {
            return StoreError::Unavailable(db.message().to_owned());
        }
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound("row".into()),
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
            other => StoreError::Database(other.to_string()),
        }
    }
}

/// Whether a database error code means a write found no room: SQLite
/// `SQLITE_FULL` (13) and `SQLITE_IOERR_WRITE` (778, what a failed
/// `write(2)` such as `EFBIG` becomes), PostgreSQL class 53 `disk_full` (53100).
fn is_out_of_space(code: &str) -> bool {
    matches!(code, "13" | "778" | "53100")
}

/// Whether a PostgreSQL error code means the connection went away:
/// class 08 (connection exception) and 57P01–57P03 (shutdown, crash, not
/// accepting connections yet).
fn is_connection_lost(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
}

/// Read access, outside any transaction.
pub trait Store: Send + Sync {
    /// Which backend this is.
    fn backend(&self) -> Backend;
    /// Starts a write transaction (locking the audit head first).
    fn begin(&self) -> BoxFuture<'_, Result<Box<dyn StoreTx>, StoreError>>;
    /// Names of the applied migrations, in order.
    fn applied_migrations(&self) -> BoxFuture<'_, Result<Vec<String>, StoreError>>;
    /// A credential by id.
    fn credential<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CredentialRecord>, StoreError>>;
    /// Credentials matching a filter, newest first.
    fn list_credentials<'a>(
        &'a self,
        filter: &'a CredentialFilter,
    ) -> BoxFuture<'a, Result<Vec<CredentialRecord>, StoreError>>;
    /// Credentials that renew or correct `id` (its direct successors).
    fn successors<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<CredentialRecord>, StoreError>>;
    /// A candidate by id.
    fn candidate<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CandidateRecord>, StoreError>>;
    /// A candidate by (normalized) e-mail.
    fn candidate_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> BoxFuture<'a, Result<Option<CandidateRecord>, StoreError>>;
    /// Assessments of one attempt.
    fn assessments<'a>(
        &'a self,
        candidate_id: &'a str,
        certification: &'a str,
        attempt: i64,
    ) -> BoxFuture<'a, Result<Vec<AssessmentRecord>, StoreError>>;
    /// Audit entries with `seq > after`, at most `limit`, in order.
    fn audit_entries(
        &self,
        after: i64,
        limit: i64,
    ) -> BoxFuture<'_, Result<Vec<AuditRecord>, StoreError>>;
    /// The audit head: last sequence number and hash.
    fn audit_head(&self) -> BoxFuture<'_, Result<(i64, String), StoreError>>;
    /// Every stored signed checkpoint, in sequence order.
    fn audit_checkpoints(&self) -> BoxFuture<'_, Result<Vec<SignedCheckpoint>, StoreError>>;
    /// The stored signed checkpoint with the highest sequence number, if any.
    fn latest_audit_checkpoint(
        &self,
    ) -> BoxFuture<'_, Result<Option<SignedCheckpoint>, StoreError>>;
    /// A status list by id.
    fn status_list<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>>;
    /// Every status list's id and published version: a cheap read that
    /// tells a cached copy of a list whether it is still current.
    fn status_list_versions(&self) -> BoxFuture<'_, Result<Vec<(String, i64)>, StoreError>>;
    /// A credential's status entries.
    fn status_entries<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<StatusEntryRecord>, StoreError>>;
    /// The credential issued under this issuance key or external id, if any
    /// (a plain read; writers re-check inside their transaction).
    fn credential_by_issuance<'a>(
        &'a self,
        issuance_key: &'a str,
        external_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<CredentialRecord>, StoreError>>;
    /// The token with this hash.
    fn token_by_hash<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<TokenRecord>, StoreError>>;
    /// Every token, oldest first.
    fn tokens(&self) -> BoxFuture<'_, Result<Vec<TokenRecord>, StoreError>>;
    /// The issuer's public keys: the current key first, then the retired
    /// ones, most recently retired first (empty before the first key is registered).
    fn issuer_keys(&self) -> BoxFuture<'_, Result<Vec<IssuerKeyRecord>, StoreError>>;
    /// Credentials matching a search, newest first, with holder e-mail and status bits.
    fn search_credentials<'a>(
        &'a self,
        search: &'a CredentialSearch,
    ) -> BoxFuture<'a, Result<Vec<CredentialHit>, StoreError>>;
    /// Credentials counted by status at `now`, and certifications issued
    /// since `since` per certification (times `YYYY-MM-DDTHH:MM:SSZ`).
    fn credential_counts<'a>(
        &'a self,
        now: &'a str,
        since: &'a str,
    ) -> BoxFuture<'a, Result<CredentialCounts, StoreError>>;
    /// Candidates whose name or e-mail contains `text` (Unicode lower case,
    /// as the credential search compares), by name, at most `limit`.
    fn search_candidates<'a>(
        &'a self,
        text: &'a str,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<CandidateRecord>, StoreError>>;
    /// Every webhook subscription, removed ones too, oldest first.
    fn webhook_subscriptions(&self) -> BoxFuture<'_, Result<Vec<SubscriptionRecord>, StoreError>>;
    /// Webhook deliveries matching a filter, newest event first.
    fn webhook_deliveries<'a>(
        &'a self,
        filter: &'a DeliveryFilter,
    ) -> BoxFuture<'a, Result<Vec<DeliveryRecord>, StoreError>>;
    /// Takes a lease until `lease_until` on at most `limit` pending
    /// deliveries due at `now` whose lease (if any) has run out, counting
    /// the attempt: a claimed delivery is attempted by this caller only,
    /// until the lease runs out. Its own statement, outside any
    /// [`StoreTx`] (times `YYYY-MM-DDTHH:MM:SS.mmmZ`).
    fn claim_webhook_deliveries<'a>(
        &'a self,
        now: &'a str,
        lease_until: &'a str,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<ClaimedDelivery>, StoreError>>;
    /// A bulk job by id.
    fn bulk_job<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<BulkJobRecord>, StoreError>>;
    /// The latest bulk jobs, newest first.
    fn bulk_jobs(&self, limit: i64) -> BoxFuture<'_, Result<Vec<BulkJobRecord>, StoreError>>;
    /// Takes the oldest queued bulk job, or a running one whose lease ran
    /// out (its node stopped), for this caller until `lease_until`; its
    /// progress starts again from 0. Its own statement, outside any [`StoreTx`].
    fn claim_bulk_job<'a>(
        &'a self,
        now: &'a str,
        lease_until: &'a str,
    ) -> BoxFuture<'a, Result<Option<BulkJobRecord>, StoreError>>;
    /// Records a running job's progress and extends its lease.
    fn bulk_job_progress<'a>(
        &'a self,
        id: &'a str,
        done_rows: i64,
        lease_until: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Ends a job: done with its summary (JSON) and results (CSV), or failed with why.
    fn finish_bulk_job<'a>(
        &'a self,
        id: &'a str,
        outcome: Result<(String, String), String>,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// A console session by the hash of its secret, with its token.
    fn console_session<'a>(
        &'a self,
        id_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<(SessionRecord, TokenRecord)>, StoreError>>;
    /// Refreshes an active session's last use (its own statement, outside
    /// any [`StoreTx`]: using the console takes no audit lock).
    fn touch_console_session<'a>(
        &'a self,
        id_hash: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// A wallet claim by the SHA-256 of its link's secret.
    fn wallet_claim<'a>(
        &'a self,
        secret_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<ClaimRecord>, StoreError>>;
    /// A wallet claim by its id.
    fn wallet_claim_by_id<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<ClaimRecord>, StoreError>>;
    /// The wallet claims of a credential, oldest first.
    fn wallet_claims_of<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ClaimRecord>, StoreError>>;
    /// A wallet protocol value by its SHA-256.
    fn wallet_nonce<'a>(
        &'a self,
        value_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<NonceRecord>, StoreError>>;
    /// Stores a new protocol value in its own statement (no audit lock: a
    /// challenge or nonce changes no record), deleting values that expired
    /// before `prune_before`.
    fn add_wallet_nonce<'a>(
        &'a self,
        nonce: &'a NonceRecord,
        prune_before: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Reserves one transaction-code attempt of an unused claim, in one
    /// statement: false (nothing written) once `max` attempts were made or
    /// the code was used, so parallel guesses cannot exceed `max`.
    fn reserve_tx_code_attempt<'a>(
        &'a self,
        claim_id: &'a str,
        max: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
    /// Records how a claimed attempt ended; false (nothing written) when
    /// the lease `lease_until` is no longer held.
    fn finish_webhook_delivery<'a>(
        &'a self,
        id: &'a str,
        lease_until: &'a str,
        outcome: &'a DeliveryOutcome,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;
}

/// One write transaction: the union of the per-concern transaction traits,
/// so callers write `tx.method()` whatever the concern. Slice arguments let
/// bulk imports write many rows per statement; single operations pass one
/// item. Dropping a transaction without [`StoreTx::commit`] rolls it back.
pub trait StoreTx:
    CredentialTx + StatusTx + TokenTx + AuditTx + KeyTx + WebhookTx + SessionTx + JobTx + ClaimTx
{
    /// Commits everything written in this transaction.
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), StoreError>>;
}

/// Opens the store a URL names, applying migrations.
pub async fn open(url: &str) -> Result<SqlStore, StoreError> {
    SqlStore::connect(url).await
}
