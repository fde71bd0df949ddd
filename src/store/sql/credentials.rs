//! Candidates, assessments and credentials in SQL: row readers, the reads
//! on the pool, the admin search statement and [`CredentialTx`](crate::store::CredentialTx).

use super::{AnyQuery, CHUNK, SqlTx, fetch_optional, param_list, ph, q, values_list};
use crate::future::BoxFuture;
use crate::store::{
    AssessmentKind, AssessmentRecord, Backend, CandidateRecord, CredentialFilter, CredentialHit,
    CredentialKind, CredentialRecord, CredentialSearch, CredentialState, CredentialStatusFilter,
    CredentialTx, StoreError,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Executor, Row};

const CANDIDATE_COLS: &str = "id, name, email, external_id, created_at";
const ASSESSMENT_COLS: &str = "id, candidate_id, certification, attempt, kind, score, pass_mark, passed, grader, notes, reference, assessed_on, recorded_at, recorded_by";
const CREDENTIAL_COLS: &str = "id, kind, candidate_id, certification, attempt, issuance_key, external_id, holder_name, issued_at, valid_from, valid_until, state, renews, replaces, superseded_by, document";

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
    let kind: String = row.try_get("kind")?;
    Ok(CredentialRecord {
        id: row.try_get("id")?,
        kind: CredentialKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("credential kind {kind:?}")))?,
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

fn state_str(s: CredentialState) -> &'static str {
    match s {
        CredentialState::Active => "active",
        CredentialState::Superseded => "superseded",
    }
}

/// A credential by id; `lock` is appended to the statement (`" FOR UPDATE"`
/// inside a PostgreSQL transaction, else empty).
pub(super) async fn credential<'c>(
    executor: impl Executor<'c, Database = Any>,
    id: &str,
    lock: &str,
) -> Result<Option<CredentialRecord>, StoreError> {
    let query: AnyQuery = q(format!(
        "SELECT {CREDENTIAL_COLS} FROM credentials WHERE id = $1{lock}"
    ))
    .bind(id.to_owned());
    fetch_optional(executor, query, credential_from).await
}

/// See [`crate::store::Store::list_credentials`].
pub(super) async fn list_credentials(
    pool: &AnyPool,
    filter: &CredentialFilter,
) -> Result<Vec<CredentialRecord>, StoreError> {
    let mut clauses = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    if let Some(k) = filter.kind {
        binds.push(k.as_str().to_owned());
        clauses.push(format!("kind = ${}", binds.len()));
    }
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
    let rows = query.fetch_all(pool).await?;
    rows.iter().map(credential_from).collect()
}

/// See [`crate::store::Store::successors`].
pub(super) async fn successors(
    pool: &AnyPool,
    id: &str,
) -> Result<Vec<CredentialRecord>, StoreError> {
    let rows = q(format!(
        "SELECT {CREDENTIAL_COLS} FROM credentials WHERE renews = $1 OR replaces = $2"
    ))
    .bind(id.to_owned())
    .bind(id.to_owned())
    .fetch_all(pool)
    .await?;
    let mut out = rows
        .iter()
        .map(credential_from)
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by(|a, b| a.issued_at.cmp(&b.issued_at).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// The candidate whose `column` (`id` or `email`) equals `value`.
pub(super) async fn candidate(
    pool: &AnyPool,
    column: &str,
    value: &str,
) -> Result<Option<CandidateRecord>, StoreError> {
    let query = q(format!(
        "SELECT {CANDIDATE_COLS} FROM candidates WHERE {column} = $1"
    ))
    .bind(value.to_owned());
    fetch_optional(pool, query, candidate_from).await
}

/// See [`crate::store::Store::assessments`].
pub(super) async fn assessments(
    pool: &AnyPool,
    candidate_id: &str,
    certification: &str,
    attempt: i64,
) -> Result<Vec<AssessmentRecord>, StoreError> {
    let rows = q(format!(
        "SELECT {ASSESSMENT_COLS} FROM assessments WHERE candidate_id = $1 AND certification = $2 AND attempt = $3 ORDER BY kind DESC"
    ))
    .bind(candidate_id.to_owned())
    .bind(certification.to_owned())
    .bind(attempt)
    .fetch_all(pool)
    .await?;
    rows.iter().map(assessment_from).collect()
}

/// See [`crate::store::Store::credential_by_issuance`].
pub(super) async fn credential_by_issuance(
    pool: &AnyPool,
    issuance_key: &str,
    external_id: Option<&str>,
) -> Result<Option<CredentialRecord>, StoreError> {
    // External ids are never empty, so "" matches nothing.
    let query = q(format!(
        "SELECT {CREDENTIAL_COLS} FROM credentials WHERE issuance_key = $1 OR external_id = $2 LIMIT 1"
    ))
    .bind(issuance_key.to_owned())
    .bind(external_id.unwrap_or("").to_owned());
    fetch_optional(pool, query, credential_from).await
}

/// See [`crate::store::Store::search_credentials`].
pub(super) async fn search_credentials(
    pool: &AnyPool,
    search: &CredentialSearch,
) -> Result<Vec<CredentialHit>, StoreError> {
    let (sql, binds) = search_sql(search);
    let mut query = q(sql);
    for b in binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(pool).await?;
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
}

/// See [`crate::store::Store::credential_counts`].
pub(super) async fn counts(
    pool: &AnyPool,
    now: &str,
    since: &str,
) -> Result<crate::store::CredentialCounts, StoreError> {
    const BIT: &str = "EXISTS (SELECT 1 FROM status_entries e WHERE e.credential_id = c.id AND e.purpose = '{p}' AND e.value = 1)";
    let rev = BIT.replace("{p}", "revocation");
    let sus = BIT.replace("{p}", "suspension");
    let sum = |cond: String| {
        format!("CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT)")
    };
    let row = q(format!(
        "SELECT {} AS active, {} AS suspended, {} AS revoked FROM credentials c WHERE c.state = 'active'",
        sum(format!("NOT {rev} AND NOT {sus} AND (c.valid_until IS NULL OR c.valid_until > $1)")),
        sum(format!("NOT {rev} AND {sus}")),
        sum(rev.clone()),
    ))
    .bind(now.to_owned())
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query(
        "SELECT certification, COUNT(*) AS n FROM credentials WHERE kind = 'certification' \
         AND issued_at >= $1 GROUP BY certification ORDER BY certification",
    )
    .bind(since.to_owned())
    .fetch_all(pool)
    .await?;
    Ok(crate::store::CredentialCounts {
        active: row.try_get("active")?,
        suspended: row.try_get("suspended")?,
        revoked: row.try_get("revoked")?,
        issued_since: rows
            .iter()
            .map(|r| Ok((r.try_get("certification")?, r.try_get("n")?)))
            .collect::<Result<_, StoreError>>()?,
    })
}

/// See [`crate::store::Store::search_candidates`]: the folded text is
/// compared with each candidate's folded name and e-mail in Rust (SQLite's
/// `LOWER` knows ASCII only), over the candidates in name order.
pub(super) async fn search_candidates(
    pool: &AnyPool,
    text: &str,
    limit: i64,
) -> Result<Vec<CandidateRecord>, StoreError> {
    let needle = search_fold(text.trim());
    let rows = q(format!(
        "SELECT {CANDIDATE_COLS} FROM candidates ORDER BY name, id"
    ))
    .fetch_all(pool)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let c = candidate_from(row)?;
        if search_fold(&c.name).contains(&needle) || search_fold(&c.email).contains(&needle) {
            out.push(c);
            if out.len() as i64 >= limit.clamp(1, 1000) {
                break;
            }
        }
    }
    Ok(out)
}

/// Text as the search compares it: Unicode lower case (`Łukasz` → `łukasz`).
fn search_fold(text: &str) -> String {
    text.to_lowercase()
}

/// The statement and its (text-only) binds for [`crate::store::Store::search_credentials`]:
/// credentials joined with their candidate, each status bit read by a
/// subquery, so one statement serves both backends.
fn search_sql(search: &CredentialSearch) -> (String, Vec<String>) {
    const BIT: &str = "EXISTS (SELECT 1 FROM status_entries e WHERE e.credential_id = c.id AND e.purpose = '{p}' AND e.value = 1)";
    let revoked = BIT.replace("{p}", "revocation");
    let suspended = BIT.replace("{p}", "suspension");
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    if let Some(k) = search.kind {
        binds.push(k.as_str().to_owned());
        clauses.push(format!("c.kind = ${}", binds.len()));
    }
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
            "(c.holder_search LIKE ${name} ESCAPE '\\' OR LOWER(COALESCE(k.email, '')) LIKE ${} ESCAPE '\\')",
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
    if let Some(after) = &search.expires_after {
        binds.push(after.clone());
        clauses.push(format!("c.valid_until > ${}", binds.len()));
    }
    if let Some(by) = &search.expires_by {
        binds.push(by.clone());
        clauses.push(format!("c.valid_until <= ${}", binds.len()));
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
        "SELECT {cols}, COALESCE(k.email, '') AS holder_email, \
         CAST(CASE WHEN {revoked} THEN 1 ELSE 0 END AS BIGINT) AS revoked, \
         CAST(CASE WHEN {suspended} THEN 1 ELSE 0 END AS BIGINT) AS suspended \
         FROM credentials c LEFT JOIN candidates k ON k.id = c.candidate_id {where_sql} \
         ORDER BY c.issued_at DESC, c.id LIMIT {limit} OFFSET {offset}"
    );
    (sql, binds)
}

impl CredentialTx for SqlTx {
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
            credential(&mut *self.tx, id, lock).await
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
                    values_list(self.backend, chunk.len(), 17, 1)
                ));
                for c in chunk {
                    query = query
                        .bind(c.id.clone())
                        .bind(c.kind.as_str())
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
}
