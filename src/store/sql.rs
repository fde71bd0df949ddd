//! The SQL store: `sqlx`'s `Any` driver over SQLite or PostgreSQL, with
//! one SQL dialect (text timestamps, `BIGINT`/`INTEGER` numbers, `$n`
//! placeholders in increasing order) and per-backend migrations.

use super::migrations::{self, Migration};
use super::{
    AssessmentKind, AssessmentRecord, Backend, CandidateRecord, CredentialFilter, CredentialHit,
    CredentialRecord, CredentialSearch, CredentialState, CredentialStatusFilter, IssuerKeyRecord,
    IssuerKeyState, StatusEntryRecord, StatusListRecord, Store, StoreError, StoreTx, TokenRecord,
};
use crate::audit::{AuditDraft, AuditRecord};
use crate::future::BoxFuture;
use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, AssertSqlSafe, Row, Transaction};

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

const CANDIDATE_COLS: &str = "id, name, email, external_id, created_at";
const ASSESSMENT_COLS: &str = "id, candidate_id, certification, attempt, kind, score, pass_mark, passed, grader, notes, reference, assessed_on, recorded_at, recorded_by";
const CREDENTIAL_COLS: &str = "id, candidate_id, certification, attempt, issuance_key, external_id, holder_name, issued_at, valid_from, valid_until, state, renews, replaces, superseded_by, document";

fn candidate_from(row: &AnyRow) -> Result<CandidateRecord, StoreError> {
    Ok(CandidateRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        external_id: row.try_get("external_id")?,
        created_at: row.try_get("created_at")?,
    })
}

fn assessment_from(row: &AnyRow) -> Result<AssessmentRecord, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(AssessmentRecord {
        id: row.try_get("id")?,
        candidate_id: row.try_get("candidate_id")?,
        certification: row.try_get("certification")?,
        attempt: row.try_get("attempt")?,
        kind: match kind.as_str() {
            "written" => AssessmentKind::Written,
            "lab" => AssessmentKind::Lab,
            other => return Err(StoreError::Corrupt(format!("assessment kind {other:?}"))),
        },
        score: row.try_get("score")?,
        pass_mark: row.try_get("pass_mark")?,
        passed: row.try_get::<i64, _>("passed")? != 0,
        grader: row.try_get("grader")?,
        notes: row.try_get("notes")?,
        reference: row.try_get("reference")?,
        assessed_on: row.try_get("assessed_on")?,
        recorded_at: row.try_get("recorded_at")?,
        recorded_by: row.try_get("recorded_by")?,
    })
}

fn credential_from(row: &AnyRow) -> Result<CredentialRecord, StoreError> {
    let state: String = row.try_get("state")?;
    Ok(CredentialRecord {
        id: row.try_get("id")?,
        candidate_id: row.try_get("candidate_id")?,
        certification: row.try_get("certification")?,
        attempt: row.try_get("attempt")?,
        issuance_key: row.try_get("issuance_key")?,
        external_id: row.try_get("external_id")?,
        holder_name: row.try_get("holder_name")?,
        issued_at: row.try_get("issued_at")?,
        valid_from: row.try_get("valid_from")?,
        valid_until: row.try_get("valid_until")?,
        state: match state.as_str() {
            "active" => CredentialState::Active,
            "superseded" => CredentialState::Superseded,
            other => return Err(StoreError::Corrupt(format!("credential state {other:?}"))),
        },
        renews: row.try_get("renews")?,
        replaces: row.try_get("replaces")?,
        superseded_by: row.try_get("superseded_by")?,
        document: row.try_get("document")?,
    })
}

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
    })
}

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

fn state_str(s: CredentialState) -> &'static str {
    match s {
        CredentialState::Active => "active",
        CredentialState::Superseded => "superseded",
    }
}

type AnyQuery = Query<'static, Any, AnyArguments>;

fn q(sql: String) -> AnyQuery {
    sqlx::query(AssertSqlSafe(sql))
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
        Box::pin(async move {
            let row = q(format!(
                "SELECT {CREDENTIAL_COLS} FROM credentials WHERE id = $1"
            ))
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
            row.as_ref().map(credential_from).transpose()
        })
    }

    fn list_credentials<'a>(
        &'a self,
        filter: &'a CredentialFilter,
    ) -> BoxFuture<'a, Result<Vec<CredentialRecord>, StoreError>> {
        Box::pin(async move {
            let mut clauses = Vec::new();
            let mut binds: Vec<String> = Vec::new();
            if let Some(c) = &filter.certification {
                binds.push(c.clone());
                clauses.push(format!("certification = ${}", binds.len()));
            }
            if let Some(c) = &filter.candidate_id {
                binds.push(c.clone());
                clauses.push(format!("candidate_id = ${}", binds.len()));
            }
            if let Some(s) = filter.state {
                binds.push(state_str(s).to_owned());
                clauses.push(format!("state = ${}", binds.len()));
            }
            if let Some(h) = &filter.holder_contains {
                let escaped = h
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                binds.push(format!("%{escaped}%"));
                clauses.push(format!(
                    "LOWER(holder_name) LIKE ${} ESCAPE '\\'",
                    binds.len()
                ));
            }
            let where_sql = if clauses.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", clauses.join(" AND "))
            };
            let limit = filter.limit.clamp(1, 1000);
            let offset = filter.offset.max(0);
            let mut query = q(format!(
                "SELECT {CREDENTIAL_COLS} FROM credentials {where_sql} ORDER BY issued_at DESC, id LIMIT {limit} OFFSET {offset}"
            ));
            for b in binds {
                query = query.bind(b);
            }
            let rows = query.fetch_all(&self.pool).await?;
            rows.iter().map(credential_from).collect()
        })
    }

    fn successors<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<CredentialRecord>, StoreError>> {
        Box::pin(async move {
            let rows = q(format!(
                "SELECT {CREDENTIAL_COLS} FROM credentials WHERE renews = $1 OR replaces = $2"
            ))
            .bind(id.to_owned())
            .bind(id.to_owned())
            .fetch_all(&self.pool)
            .await?;
            let mut out = rows
                .iter()
                .map(credential_from)
                .collect::<Result<Vec<_>, _>>()?;
            out.sort_by(|a, b| a.issued_at.cmp(&b.issued_at).then(a.id.cmp(&b.id)));
            Ok(out)
        })
    }

    fn candidate<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CandidateRecord>, StoreError>> {
        Box::pin(async move {
            let row = q(format!(
                "SELECT {CANDIDATE_COLS} FROM candidates WHERE id = $1"
            ))
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
            row.as_ref().map(candidate_from).transpose()
        })
    }

    fn candidate_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> BoxFuture<'a, Result<Option<CandidateRecord>, StoreError>> {
        Box::pin(async move {
            let row = q(format!(
                "SELECT {CANDIDATE_COLS} FROM candidates WHERE email = $1"
            ))
            .bind(email.to_owned())
            .fetch_optional(&self.pool)
            .await?;
            row.as_ref().map(candidate_from).transpose()
        })
    }

    fn assessments<'a>(
        &'a self,
        candidate_id: &'a str,
        certification: &'a str,
        attempt: i64,
    ) -> BoxFuture<'a, Result<Vec<AssessmentRecord>, StoreError>> {
        Box::pin(async move {
            let rows = q(format!(
                "SELECT {ASSESSMENT_COLS} FROM assessments WHERE candidate_id = $1 AND certification = $2 AND attempt = $3 ORDER BY kind DESC"
            ))
            .bind(candidate_id.to_owned())
            .bind(certification.to_owned())
            .bind(attempt)
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(assessment_from).collect()
        })
    }

    fn audit_entries(
        &self,
        after: i64,
        limit: i64,
    ) -> BoxFuture<'_, Result<Vec<AuditRecord>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after)
            .bind(limit.clamp(1, 100_000))
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(audit_from).collect()
        })
    }

    fn audit_head(&self) -> BoxFuture<'_, Result<(i64, String), StoreError>> {
        Box::pin(async move {
            let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&self.pool)
                .await?;
            Ok((row.try_get("seq")?, row.try_get("hash")?))
        })
    }

    fn status_list<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>> {
        Box::pin(async move {
            let row = q(format!(
                "SELECT {STATUS_LIST_COLS} FROM status_lists WHERE id = $1"
            ))
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
            row.as_ref().map(status_list_from).transpose()
        })
    }

    fn status_list_versions(&self) -> BoxFuture<'_, Result<Vec<(String, i64)>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query("SELECT id, published_version FROM status_lists")
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?)))
                .collect()
        })
    }

    fn status_entries<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<StatusEntryRecord>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query("SELECT list_id, idx, credential_id, purpose, value FROM status_entries WHERE credential_id = $1 ORDER BY purpose")
                .bind(credential_id.to_owned())
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(status_entry_from).collect()
        })
    }

    fn credential_by_issuance<'a>(
        &'a self,
        issuance_key: &'a str,
        external_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<CredentialRecord>, StoreError>> {
        Box::pin(async move {
            // External ids are never empty, so "" matches nothing.
            let row = q(format!(
                "SELECT {CREDENTIAL_COLS} FROM credentials WHERE issuance_key = $1 OR external_id = $2 LIMIT 1"
            ))
            .bind(issuance_key.to_owned())
            .bind(external_id.unwrap_or("").to_owned())
            .fetch_optional(&self.pool)
            .await?;
            row.as_ref().map(credential_from).transpose()
        })
    }

    fn token_by_hash<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<TokenRecord>, StoreError>> {
        Box::pin(async move {
            let row = sqlx::query("SELECT id, name, scope, token_hash, created_at, revoked_at FROM api_tokens WHERE token_hash = $1")
                .bind(token_hash.to_owned())
                .fetch_optional(&self.pool)
                .await?;
            row.as_ref().map(token_from).transpose()
        })
    }

    fn tokens(&self) -> BoxFuture<'_, Result<Vec<TokenRecord>, StoreError>> {
        Box::pin(async move {
            let rows = sqlx::query("SELECT id, name, scope, token_hash, created_at, revoked_at FROM api_tokens ORDER BY created_at, id")
                .fetch_all(&self.pool)
                .await?;
            rows.iter().map(token_from).collect()
        })
    }

    fn issuer_keys(&self) -> BoxFuture<'_, Result<Vec<IssuerKeyRecord>, StoreError>> {
        Box::pin(async move {
            // Keys are retired in the order they were added, so `seq DESC`
            // puts the most recently retired first.
            let rows = sqlx::query(
                "SELECT public_key_multibase, state, added_at, retired_at FROM issuer_keys \
                 ORDER BY CASE WHEN state = 'current' THEN 0 ELSE 1 END, seq DESC",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.iter().map(issuer_key_from).collect()
        })
    }

    fn search_credentials<'a>(
        &'a self,
        search: &'a CredentialSearch,
    ) -> BoxFuture<'a, Result<Vec<CredentialHit>, StoreError>> {
        Box::pin(async move {
            let (sql, binds) = search_sql(search);
            let mut query = q(sql);
            for b in binds {
                query = query.bind(b);
            }
            let rows = query.fetch_all(&self.pool).await?;
            rows.iter()
                .map(|row| {
                    Ok(CredentialHit {
                        record: credential_from(row)?,
                        holder_email: row.try_get("holder_email")?,
                        revoked: row.try_get::<i64, _>("revoked")? != 0,
                        suspended: row.try_get::<i64, _>("suspended")? != 0,
                    })
                })
                .collect()
        })
    }
}

/// Text as the search compares it: Unicode lower case (`Łukasz` → `łukasz`).
fn search_fold(text: &str) -> String {
    text.to_lowercase()
}

/// The statement and its (text-only) binds for [`Store::search_credentials`]:
/// credentials joined with their candidate, each status bit read by a
/// subquery, so one statement serves both backends.
fn search_sql(search: &CredentialSearch) -> (String, Vec<String>) {
    const BIT: &str = "EXISTS (SELECT 1 FROM status_entries e WHERE e.credential_id = c.id AND e.purpose = '{p}' AND e.value = 1)";
    let revoked = BIT.replace("{p}", "revocation");
    let suspended = BIT.replace("{p}", "suspension");
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    if let Some(c) = &search.certification {
        binds.push(c.clone());
        clauses.push(format!("c.certification = ${}", binds.len()));
    }
    if let Some(t) = &search.text {
        let escaped = search_fold(t)
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        binds.push(pattern.clone());
        let name = binds.len();
        binds.push(pattern);
        clauses.push(format!(
            "(c.holder_search LIKE ${name} ESCAPE '\\' OR LOWER(k.email) LIKE ${} ESCAPE '\\')",
            binds.len()
        ));
    }
    match search.status {
        None => {}
        Some(CredentialStatusFilter::Superseded) => clauses.push("c.state = 'superseded'".into()),
        Some(CredentialStatusFilter::Revoked) => {
            clauses.push(format!("c.state = 'active' AND {revoked}"))
        }
        Some(CredentialStatusFilter::Suspended) => clauses.push(format!(
            "c.state = 'active' AND NOT {revoked} AND {suspended}"
        )),
        Some(CredentialStatusFilter::Active) => {
            clauses.push(format!(
                "c.state = 'active' AND NOT {revoked} AND NOT {suspended}"
            ));
            if let Some(now) = &search.now {
                binds.push(now.clone());
                clauses.push(format!(
                    "(c.valid_until IS NULL OR c.valid_until > ${})",
                    binds.len()
                ));
            }
        }
        Some(CredentialStatusFilter::Expired) => {
            clauses.push(format!("c.state = 'active' AND NOT {revoked}"));
            match &search.now {
                Some(now) => {
                    binds.push(now.clone());
                    clauses.push(format!(
                        "c.valid_until IS NOT NULL AND c.valid_until <= ${}",
                        binds.len()
                    ));
                }
                None => clauses.push("1 = 0".into()),
            }
        }
    }
    if let Some(from) = &search.issued_from {
        binds.push(from.clone());
        clauses.push(format!("c.issued_at >= ${}", binds.len()));
    }
    if let Some(before) = &search.issued_before {
        binds.push(before.clone());
        clauses.push(format!("c.issued_at < ${}", binds.len()));
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    let limit = search.limit.clamp(1, 1000);
    let offset = search.offset.max(0);
    let cols = CREDENTIAL_COLS
        .split(", ")
        .map(|col| {
            if col == "document" {
                "'' AS document".to_owned()
            } else {
                format!("c.{col}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {cols}, k.email AS holder_email, \
         CAST(CASE WHEN {revoked} THEN 1 ELSE 0 END AS BIGINT) AS revoked, \
         CAST(CASE WHEN {suspended} THEN 1 ELSE 0 END AS BIGINT) AS suspended \
         FROM credentials c JOIN candidates k ON k.id = c.candidate_id {where_sql} \
         ORDER BY c.issued_at DESC, c.id LIMIT {limit} OFFSET {offset}"
    );
    (sql, binds)
}

/// A write transaction.
struct SqlTx {
    tx: Transaction<'static, Any>,
    backend: Backend,
}

impl StoreTx for SqlTx {
    fn candidates_by_email<'a>(
        &'a mut self,
        emails: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<CandidateRecord>, StoreError>> {
        Box::pin(async move {
            let mut out = Vec::new();
            for chunk in emails.chunks(CHUNK) {
                let mut query = q(format!(
                    "SELECT {CANDIDATE_COLS} FROM candidates WHERE email IN ({})",
                    param_list(self.backend, chunk.len(), 1)
                ));
                for e in chunk {
                    query = query.bind(e.clone());
                }
                for row in query.fetch_all(&mut *self.tx).await? {
                    out.push(candidate_from(&row)?);
                }
            }
            Ok(out)
        })
    }

    fn insert_candidates<'a>(
        &'a mut self,
        rows: &'a [CandidateRecord],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            for chunk in rows.chunks(CHUNK) {
                let mut query = q(format!(
                    "INSERT INTO candidates ({CANDIDATE_COLS}) VALUES {}",
                    values_list(self.backend, chunk.len(), 5, 1)
                ));
                for c in chunk {
                    query = query
                        .bind(c.id.clone())
                        .bind(c.name.clone())
                        .bind(c.email.clone())
                        .bind(c.external_id.clone())
                        .bind(c.created_at.clone());
                }
                query.execute(&mut *self.tx).await?;
            }
            Ok(())
        })
    }

    fn rename_candidate<'a>(
        &'a mut self,
        id: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let done = sqlx::query("UPDATE candidates SET name = $1 WHERE id = $2")
                .bind(name.to_owned())
                .bind(id.to_owned())
                .execute(&mut *self.tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!("candidate {id}")));
            }
            Ok(())
        })
    }

    fn assessments_of<'a>(
        &'a mut self,
        keys: &'a [(String, String, i64)],
    ) -> BoxFuture<'a, Result<Vec<AssessmentRecord>, StoreError>> {
        Box::pin(async move {
            let mut out = Vec::new();
            for chunk in keys.chunks(CHUNK) {
                let cond: Vec<String> = (0..chunk.len())
                    .map(|i| {
                        format!(
                            "(candidate_id = {} AND certification = {} AND attempt = {})",
                            ph(self.backend, 3 * i + 1),
                            ph(self.backend, 3 * i + 2),
                            ph(self.backend, 3 * i + 3)
                        )
                    })
                    .collect();
                let mut query = q(format!(
                    "SELECT {ASSESSMENT_COLS} FROM assessments WHERE {}",
                    cond.join(" OR ")
                ));
                for (c, cert, a) in chunk {
                    query = query.bind(c.clone()).bind(cert.clone()).bind(*a);
                }
                for row in query.fetch_all(&mut *self.tx).await? {
                    out.push(assessment_from(&row)?);
                }
            }
            Ok(out)
        })
    }

    fn insert_assessments<'a>(
        &'a mut self,
        rows: &'a [AssessmentRecord],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            for chunk in rows.chunks(CHUNK) {
                // PostgreSQL caches a statement with the parameter types of its
                // first use, and a NULL number is bound with another type than a
                // number: statements differing in which numbers are NULL get
                // different texts, so they never share a cached plan.
                let nulls: String = chunk
                    .iter()
                    .map(|a| match (a.score.is_some(), a.pass_mark.is_some()) {
                        (true, true) => 'b',
                        (true, false) => 's',
                        (false, true) => 'p',
                        (false, false) => 'n',
                    })
                    .collect();
                let mut query = q(format!(
                    "INSERT INTO assessments ({ASSESSMENT_COLS}) VALUES {} /* {nulls} */",
                    values_list(self.backend, chunk.len(), 14, 1)
                ));
                for a in chunk {
                    query = query
                        .bind(a.id.clone())
                        .bind(a.candidate_id.clone())
                        .bind(a.certification.clone())
                        .bind(a.attempt)
                        .bind(a.kind.as_str())
                        .bind(a.score)
                        .bind(a.pass_mark)
                        .bind(i64::from(a.passed))
                        .bind(a.grader.clone())
                        .bind(a.notes.clone())
                        .bind(a.reference.clone())
                        .bind(a.assessed_on.clone())
                        .bind(a.recorded_at.clone())
                        .bind(a.recorded_by.clone());
                }
                query.execute(&mut *self.tx).await?;
            }
            Ok(())
        })
    }

    fn credentials_by_keys<'a>(
        &'a mut self,
        issuance_keys: &'a [String],
        external_ids: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<CredentialRecord>, StoreError>> {
        Box::pin(async move {
            let mut out: Vec<CredentialRecord> = Vec::new();
            for (column, values) in [
                ("issuance_key", issuance_keys),
                ("external_id", external_ids),
            ] {
                for chunk in values.chunks(CHUNK) {
                    let mut query = q(format!(
                        "SELECT {CREDENTIAL_COLS} FROM credentials WHERE {column} IN ({})",
                        param_list(self.backend, chunk.len(), 1)
                    ));
                    for v in chunk {
                        query = query.bind(v.clone());
                    }
                    for row in query.fetch_all(&mut *self.tx).await? {
                        let rec = credential_from(&row)?;
                        if !out.iter().any(|c| c.id == rec.id) {
                            out.push(rec);
                        }
                    }
                }
            }
            Ok(out)
        })
    }

    fn credential<'a>(
        &'a mut self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CredentialRecord>, StoreError>> {
        Box::pin(async move {
            let lock = if self.backend == Backend::Postgres {
                " FOR UPDATE"
            } else {
                ""
            };
            let row = q(format!(
                "SELECT {CREDENTIAL_COLS} FROM credentials WHERE id = $1{lock}"
            ))
            .bind(id.to_owned())
            .fetch_optional(&mut *self.tx)
            .await?;
            row.as_ref().map(credential_from).transpose()
        })
    }

    fn insert_credentials<'a>(
        &'a mut self,
        rows: &'a [CredentialRecord],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            for chunk in rows.chunks(CHUNK) {
                let mut query = q(format!(
                    "INSERT INTO credentials ({CREDENTIAL_COLS}, holder_search) VALUES {}",
                    values_list(self.backend, chunk.len(), 16, 1)
                ));
                for c in chunk {
                    query = query
                        .bind(c.id.clone())
                        .bind(c.candidate_id.clone())
                        .bind(c.certification.clone())
                        .bind(c.attempt)
                        .bind(c.issuance_key.clone())
                        .bind(c.external_id.clone())
                        .bind(c.holder_name.clone())
                        .bind(c.issued_at.clone())
                        .bind(c.valid_from.clone())
                        .bind(c.valid_until.clone())
                        .bind(state_str(c.state))
                        .bind(c.renews.clone())
                        .bind(c.replaces.clone())
                        .bind(c.superseded_by.clone())
                        .bind(c.document.clone())
                        .bind(search_fold(&c.holder_name));
                }
                query.execute(&mut *self.tx).await?;
            }
            Ok(())
        })
    }

    fn supersede<'a>(
        &'a mut self,
        id: &'a str,
        by: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let done = sqlx::query("UPDATE credentials SET state = 'superseded', superseded_by = $1 WHERE id = $2 AND state = 'active'")
                .bind(by.to_owned())
                .bind(id.to_owned())
                .execute(&mut *self.tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::Conflict(format!(
                    "credential {id} is not active"
                )));
            }
            Ok(())
        })
    }

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
            Ok(records)
        })
    }

    fn open_status_list<'a>(
        &'a mut self,
        purpose: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>> {
        Box::pin(async move {
            let row = q(format!(
                "SELECT {STATUS_LIST_COLS} FROM status_lists WHERE purpose = $1 AND allocated < size ORDER BY created_at, id LIMIT 1"
            ))
            .bind(purpose.to_owned())
            .fetch_optional(&mut *self.tx)
            .await?;
            row.as_ref().map(status_list_from).transpose()
        })
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
        Box::pin(async move {
            let row = q(format!(
                "SELECT {STATUS_LIST_COLS} FROM status_lists WHERE id = $1"
            ))
            .bind(id.to_owned())
            .fetch_optional(&mut *self.tx)
            .await?;
            row.as_ref().map(status_list_from).transpose()
        })
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
        Box::pin(async move {
            let rows = sqlx::query("SELECT list_id, idx, credential_id, purpose, value FROM status_entries WHERE credential_id = $1 ORDER BY purpose")
                .bind(credential_id.to_owned())
                .fetch_all(&mut *self.tx)
                .await?;
            rows.iter().map(status_entry_from).collect()
        })
    }

    fn set_status<'a>(
        &'a mut self,
        list_id: &'a str,
        idx: i64,
        value: bool,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let done =
                sqlx::query("UPDATE status_entries SET value = $1 WHERE list_id = $2 AND idx = $3")
                    .bind(i64::from(value))
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

    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), StoreError>> {
        Box::pin(async move {
            self.tx.commit().await?;
            Ok(())
        })
    }
}
