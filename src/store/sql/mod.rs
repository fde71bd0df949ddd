//! The SQL store: `sqlx`'s `Any` driver over SQLite or PostgreSQL, with
//! one SQL dialect (text timestamps, `BIGINT`/`INTEGER` numbers, `$n`
//! placeholders in increasing order) and per-backend migrations.
//!
//! This module connects, migrates and builds statements; the statements
//! themselves live in one file per concern, beside the row readers of
//! their tables, and serve both the pool ([`Store`]) and transactions
//! ([`StoreTx`]).

mod audit;
mod claims;
mod credentials;
mod issuer_keys;
mod jobs;
mod sessions;
mod status;
mod tokens;
mod webhooks;

use super::migrations::{self, Migration};
use super::{
    AssessmentRecord, Backend, CandidateRecord, CredentialFilter, CredentialHit, CredentialRecord,
    CredentialSearch, IssuerKeyRecord, StatusEntryRecord, StatusListRecord, Store, StoreError,
    StoreTx, TokenRecord,
};
use crate::audit::AuditRecord;
use crate::future::BoxFuture;
use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, AssertSqlSafe, Executor, Row, Transaction};

/// Rows per multi-row statement (well under both backends' parameter limits).
const CHUNK: usize = 200;

/// A store over an `sqlx` pool.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
}

fn sqlite_url(url: &str) -> String {
    // Create the file when missing.
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl SqlStore {
    /// Connects to `url` (`sqlite://path` or `postgres://…`) and applies
    /// pending migrations. SQLite runs in WAL mode with foreign keys on.
    pub async fn connect(url: &str) -> Result<SqlStore, StoreError> {
        let backend = Backend::from_url(url)?;
        sqlx::any::install_default_drivers();
        let store = match backend {
            Backend::Sqlite => {
                let pool = AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            sqlx::raw_sql("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 16384;")
                                .execute(conn)
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(&sqlite_url(url))
                    .await?;
                sqlx::raw_sql("PRAGMA journal_mode = WAL")
                    .execute(&pool)
                    .await?;
                SqlStore { pool, backend }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    // A database that is down answers within seconds, not
                    // after sqlx's default 30 s.
                    .acquire_timeout(std::time::Duration::from_secs(5))
                    .connect(url)
                    .await?;
                SqlStore { pool, backend }
            }
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations, one transaction each, serialized across
    /// processes (SQLite `BEGIN IMMEDIATE`, PostgreSQL advisory lock).
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        sqlx::raw_sql("CREATE TABLE IF NOT EXISTS rosette_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN; SELECT pg_advisory_xact_lock(7262616467)",
        };
        sqlx::raw_sql(begin)
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        let result = async {
            let applied: Vec<String> = sqlx::query("SELECT name FROM rosette_migrations ORDER BY name")
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<_, _>>()?;
            let known: &[Migration] = migrations::for_backend(self.backend);
            for name in &applied {
                if !known.iter().any(|m| m.name == name) {
                    return Err(StoreError::Migration(format!(
                        "the database has migration {name}, which this build does not know (a newer Rosette wrote it)"
                    )));
                }
            }
            for m in known.iter().filter(|m| !applied.iter().any(|a| a == m.name)) {
                sqlx::raw_sql(AssertSqlSafe(m.sql))
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| StoreError::Migration(format!("{}: {e}", m.name)))?;
                sqlx::query("INSERT INTO rosette_migrations (name, applied_at) VALUES ($1, $2)")
                    .bind(m.name)
                    .bind("migrated")
                    .execute(&mut *conn)
                    .await?;
            }
            Ok::<(), StoreError>(())
        }
        .await;
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        sqlx::raw_sql(end)
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        result
    }

    /// The pool, for tests that must reach behind the store (tamper tests).
    pub fn dangerous_pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Placeholder number `n`: `$n` for PostgreSQL; a plain `?` for SQLite,
/// whose driver resolves named (`$n`) parameters with a linear search per
/// bind — quadratic in a multi-row statement.
fn ph(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_owned(),
        Backend::Postgres => format!("${n}"),
    }
}

/// `(p1,p2,…),(…)` for `rows` × `cols`, numbered from `start`.
fn values_list(backend: Backend, rows: usize, cols: usize, start: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    let mut n = start;
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            s.push_str(&ph(backend, n));
            n += 1;
        }
        s.push(')');
    }
    s
}

/// `p_start,…` for `n` parameters.
fn param_list(backend: Backend, n: usize, start: usize) -> String {
    (start..start + n)
        .map(|i| ph(backend, i))
        .collect::<Vec<_>>()
        .join(",")
}

type AnyQuery = Query<'static, Any, AnyArguments>;

fn q(sql: String) -> AnyQuery {
    sqlx::query(AssertSqlSafe(sql))
}

/// Runs a query that matches at most one row and reads that row with
/// `from_row`: every "the record with this key, if any" read, on the pool
/// or inside a transaction.
async fn fetch_optional<'c, T>(
    executor: impl Executor<'c, Database = Any>,
    query: AnyQuery,
    from_row: fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let row = query.fetch_optional(executor).await?;
    row.as_ref().map(from_row).transpose()
}

impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    fn begin(&self) -> BoxFuture<'_, Result<Box<dyn StoreTx>, StoreError>> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            // Lock the audit head first: one writer at a time grows the chain.
            sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1")
                .execute(&mut *tx)
                .await?;
            Ok(Box::new(SqlTx {
                tx,
                backend: self.backend,
            }) as Box<dyn StoreTx>)
        })
    }

    fn applied_migrations(&self) -> BoxFuture<'_, Result<Vec<String>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query("SELECT name FROM rosette_migrations ORDER BY name")
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|r| r.try_get::<String, _>(0).map_err(StoreError::from))
                .collect()
        })
    }

    fn credential<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CredentialRecord>, StoreError>> {
        Box::pin(credentials::credential(&self.pool, id, ""))
    }

    fn list_credentials<'a>(
        &'a self,
        filter: &'a CredentialFilter,
    ) -> BoxFuture<'a, Result<Vec<CredentialRecord>, StoreError>> {
        Box::pin(credentials::list_credentials(&self.pool, filter))
    }

    fn successors<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<CredentialRecord>, StoreError>> {
        Box::pin(credentials::successors(&self.pool, id))
    }

    fn candidate<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CandidateRecord>, StoreError>> {
        Box::pin(credentials::candidate(&self.pool, "id", id))
    }

    fn candidate_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> BoxFuture<'a, Result<Option<CandidateRecord>, StoreError>> {
        Box::pin(credentials::candidate(&self.pool, "email", email))
    }

    fn assessments<'a>(
        &'a self,
        candidate_id: &'a str,
        certification: &'a str,
        attempt: i64,
    ) -> BoxFuture<'a, Result<Vec<AssessmentRecord>, StoreError>> {
        Box::pin(credentials::assessments(
            &self.pool,
            candidate_id,
            certification,
            attempt,
        ))
    }

    fn audit_entries(
        &self,
        after: i64,
        limit: i64,
    ) -> BoxFuture<'_, Result<Vec<AuditRecord>, StoreError>> {
        Box::pin(audit::entries(&self.pool, after, limit))
    }

    fn audit_head(&self) -> BoxFuture<'_, Result<(i64, String), StoreError>> {
        Box::pin(audit::head(&self.pool))
    }

    fn audit_checkpoints(
        &self,
    ) -> BoxFuture<'_, Result<Vec<crate::audit::SignedCheckpoint>, StoreError>> {
        Box::pin(audit::checkpoints(&self.pool))
    }

    fn latest_audit_checkpoint(
        &self,
    ) -> BoxFuture<'_, Result<Option<crate::audit::SignedCheckpoint>, StoreError>> {
        Box::pin(audit::latest_checkpoint(&self.pool))
    }

    fn status_list<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>> {
        Box::pin(status::status_list(&self.pool, id))
    }

    fn status_list_versions(&self) -> BoxFuture<'_, Result<Vec<(String, i64)>, StoreError>> {
        Box::pin(status::versions(&self.pool))
    }

    fn status_entries<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<StatusEntryRecord>, StoreError>> {
        Box::pin(status::status_entries(&self.pool, credential_id))
    }

    fn credential_by_issuance<'a>(
        &'a self,
        issuance_key: &'a str,
        external_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<CredentialRecord>, StoreError>> {
        Box::pin(credentials::credential_by_issuance(
            &self.pool,
            issuance_key,
            external_id,
        ))
    }

    fn token_by_hash<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<TokenRecord>, StoreError>> {
        Box::pin(tokens::token_by_hash(&self.pool, token_hash))
    }

    fn tokens(&self) -> BoxFuture<'_, Result<Vec<TokenRecord>, StoreError>> {
        Box::pin(tokens::tokens(&self.pool))
    }

    fn issuer_keys(&self) -> BoxFuture<'_, Result<Vec<IssuerKeyRecord>, StoreError>> {
        Box::pin(issuer_keys::issuer_keys(&self.pool))
    }

    fn search_credentials<'a>(
        &'a self,
        search: &'a CredentialSearch,
    ) -> BoxFuture<'a, Result<Vec<CredentialHit>, StoreError>> {
        Box::pin(credentials::search_credentials(&self.pool, search))
    }

    fn credential_counts<'a>(
        &'a self,
        now: &'a str,
        since: &'a str,
    ) -> BoxFuture<'a, Result<crate::store::CredentialCounts, StoreError>> {
        Box::pin(credentials::counts(&self.pool, now, since))
    }

    fn search_candidates<'a>(
        &'a self,
        text: &'a str,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<CandidateRecord>, StoreError>> {
        Box::pin(credentials::search_candidates(&self.pool, text, limit))
    }

    fn webhook_subscriptions(
        &self,
    ) -> BoxFuture<'_, Result<Vec<crate::store::SubscriptionRecord>, StoreError>> {
        Box::pin(webhooks::subscriptions(&self.pool))
    }

    fn webhook_deliveries<'a>(
        &'a self,
        filter: &'a crate::store::DeliveryFilter,
    ) -> BoxFuture<'a, Result<Vec<crate::store::DeliveryRecord>, StoreError>> {
        Box::pin(webhooks::deliveries(&self.pool, filter))
    }

    fn claim_webhook_deliveries<'a>(
        &'a self,
        now: &'a str,
        lease_until: &'a str,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<crate::store::ClaimedDelivery>, StoreError>> {
        Box::pin(webhooks::claim(
            &self.pool,
            self.backend,
            now,
            lease_until,
            limit,
        ))
    }

    fn bulk_job<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<crate::store::BulkJobRecord>, StoreError>> {
        Box::pin(jobs::job(&self.pool, id))
    }

    fn bulk_jobs(
        &self,
        limit: i64,
    ) -> BoxFuture<'_, Result<Vec<crate::store::BulkJobRecord>, StoreError>> {
        Box::pin(jobs::jobs(&self.pool, limit))
    }

    fn claim_bulk_job<'a>(
        &'a self,
        now: &'a str,
        lease_until: &'a str,
    ) -> BoxFuture<'a, Result<Option<crate::store::BulkJobRecord>, StoreError>> {
        Box::pin(jobs::claim(&self.pool, self.backend, now, lease_until))
    }

    fn bulk_job_progress<'a>(
        &'a self,
        id: &'a str,
        done_rows: i64,
        lease_until: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(jobs::progress(&self.pool, id, done_rows, lease_until))
    }

    fn finish_bulk_job<'a>(
        &'a self,
        id: &'a str,
        outcome: Result<(String, String), String>,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(jobs::finish(&self.pool, id, outcome, at))
    }

    fn console_session<'a>(
        &'a self,
        id_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<(crate::store::SessionRecord, TokenRecord)>, StoreError>> {
        Box::pin(sessions::session(&self.pool, id_hash))
    }

    fn touch_console_session<'a>(
        &'a self,
        id_hash: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(sessions::touch(&self.pool, id_hash, at))
    }

    fn wallet_claim<'a>(
        &'a self,
        secret_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<crate::store::ClaimRecord>, StoreError>> {
        Box::pin(claims::claim(&self.pool, secret_hash))
    }

    fn wallet_claim_by_id<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<crate::store::ClaimRecord>, StoreError>> {
        Box::pin(claims::claim_by_id(&self.pool, id))
    }

    fn wallet_claims_of<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<crate::store::ClaimRecord>, StoreError>> {
        Box::pin(claims::claims_of(&self.pool, credential_id))
    }

    fn wallet_nonce<'a>(
        &'a self,
        value_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<crate::store::NonceRecord>, StoreError>> {
        Box::pin(claims::nonce(&self.pool, value_hash))
    }

    fn add_wallet_nonce<'a>(
        &'a self,
        nonce: &'a crate::store::NonceRecord,
        prune_before: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(claims::add_nonce(&self.pool, nonce, prune_before))
    }

    fn reserve_tx_code_attempt<'a>(
        &'a self,
        claim_id: &'a str,
        max: i64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(claims::reserve_tx_code_attempt(&self.pool, claim_id, max))
    }

    fn finish_webhook_delivery<'a>(
        &'a self,
        id: &'a str,
        lease_until: &'a str,
        outcome: &'a crate::store::DeliveryOutcome,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(webhooks::finish(&self.pool, id, lease_until, outcome))
    }
}

/// A write transaction.
struct SqlTx {
    tx: Transaction<'static, Any>,
    backend: Backend,
}
impl StoreTx for SqlTx {
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), StoreError>> {
        Box::pin(async move {
            self.tx.commit().await?;
            Ok(())
        })
    }
}
