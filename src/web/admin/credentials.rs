//! Credentials: issue one or in bulk, list and search, show one with its
//! lineage, renew, correct.

use super::{
    ApiError, default_attempt, json_body, json_response, page_limit, parse_day, query_error,
    unprocessable,
};
use crate::issuance::revocation::CredentialStatus;
use crate::issuance::{self, IssuanceError, IssueOutcome, Issuer};
use crate::store::{
    CredentialHit, CredentialKind, CredentialSearch, CredentialState, CredentialStatusFilter,
};
use crate::web::auth::{AdminCaller, Caller, audit, audit_read, issuer_of, signing_issuer_of};
use crate::web::error::{ErrorCode, Problem, store_failure};
use crate::web::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::views::{CredentialView, IssuedView, full_view, view};

/// The answer of an issuance; a repeat that signed nothing is audited as
/// `api.repeat` (the operation itself wrote no entry).
async fn issued_response(
    state: &AppState,
    issuer: &Issuer<'_>,
    caller: &Caller,
    route: &str,
    outcome: IssueOutcome,
) -> Result<Response, ApiError> {
    let (status, word, record) = match outcome {
        IssueOutcome::Issued(r) => {
            state.metrics.observe_issued(1);
            (StatusCode::CREATED, "issued", r)
        }
        IssueOutcome::AlreadyIssued(r) => {
            audit(
                issuer,
                &caller.actor,
                "api.repeat",
                &r.id,
                json!({ "route": route }),
            )
            .await?;
            (StatusCode::OK, "already_issued", r)
        }
    };
    let location = format!(
        "/api/v1/admin/credentials/{}",
        issuance::badge_data::public_id(&record.id)
    );
    let (credential, document) = full_view(issuer, record).await?;
    let mut response = json_response(
        status,
        &IssuedView {
            outcome: word.into(),
            credential,
            document,
        },
    );
    if status == StatusCode::CREATED
        && let Ok(v) = HeaderValue::from_str(&location)
    {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// A certification to issue for a candidate's attempt.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// The candidate's e-mail.
    pub email: String,
    /// Certification slug.
    pub certification: String,
    /// Attempt number (1–1000).
    #[serde(default = "default_attempt")]
    pub attempt: i64,
    /// The issuance's id in another system (idempotency key).
    #[serde(default)]
    pub external_id: Option<String>,
}

/// `POST /api/v1/admin/credentials`: issues the certification for an
/// attempt whose written and lab stages were passed (like `rosette issue`);
/// idempotent per attempt and per external id; the repeat of a revoked
/// credential is refused (`revoked`, [`issuance::check_repeat`]).
#[utoipa::path(
    post,
    path = "/api/v1/admin/credentials",
    tag = "admin",
    summary = "Issue a credential",
    description = "Signs and stores the certification for a candidate's attempt once both stages \
are passed, with its revocation and suspension status entries. The same attempt again answers \
200 with the credential issued before (its `status` says whether it is active or suspended), \
unless that credential is revoked: then 409 `revoked`, and nothing is issued. An external id that \
belongs to another attempt is a 409 `external_id_conflict`.",
    request_body = IssueRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued.", body = IssuedView),
        (status = 200, description = "Issued before (active or suspended); nothing new was signed.", body = IssuedView),
        (status = 400, response = crate::web::error::NotJson),
        (status = 409, description = "`revoked`: the attempt was issued before and that credential is revoked; `external_id_conflict`: the external id belongs to another attempt.", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = crate::web::error::BodyTooLarge),
        (status = 422, description = "Unknown certification or candidate, a stage missing or not passed.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn issue_credential(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let issuer = signing_issuer_of(&state)?;
    let req: IssueRequest = json_body(body)?;
    let outcome = issuer
        .issue(
            &req.email,
            &req.certification,
            req.attempt,
            req.external_id.as_deref(),
            &caller.actor,
        )
        .await
        .map_err(ApiError::from)?;
    issued_response(&state, &issuer, &caller, &caller.route, outcome).await
}

/// The outcome of one bulk row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BulkRow {
    /// CSV line (the header is line 1); for a JSON array, the item's line
    /// in the equivalent CSV (`index + 2`).
    pub line: u64,
    /// Position in the JSON array, for JSON input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// `issued`, `already_issued` or `refused`.
    pub outcome: String,
    /// The credential, when issued now or before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
    /// `ok`, `already_issued`, or the refusal's code.
    pub code: String,
    /// Human-readable reason.
    pub message: String,
    /// `email` as given.
    pub email: String,
    /// `certification` as given.
    pub certification: String,
    /// `external_id` as given.
    pub external_id: String,
}

/// Totals of a bulk issuance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BulkSummary {
    /// Rows read.
    pub rows: u64,
    /// Issued now.
    pub issued: u64,
    /// Issued before.
    pub already_issued: u64,
    /// Refused.
    pub refused: u64,
}

/// The answer of a bulk issuance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BulkResponse {
    /// Totals.
    pub summary: BulkSummary,
    /// One outcome per row, in order.
    pub rows: Vec<BulkRow>,
}

/// One bulk item as JSON: the CSV columns as keys.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BulkItem {
    /// Holder's display name.
    pub name: String,
    /// Holder's e-mail.
    pub email: String,
    /// Certification slug.
    pub certification: String,
    /// Percent score 0–100.
    pub written_score: f64,
    /// `YYYY-MM-DD`.
    pub written_date: String,
    /// `pass` or `fail`.
    pub lab_result: String,
    /// The registered grader.
    pub grader: String,
    /// `YYYY-MM-DD`.
    pub lab_date: String,
    /// The issuance's id in another system; unique.
    pub external_id: Option<String>,
    /// Attempt number, default 1.
    pub attempt: Option<i64>,
    /// Exam form or session id.
    pub written_reference: Option<String>,
    /// Rubric notes.
    pub lab_notes: Option<String>,
}

/// A JSON array of rows as the equivalent CSV text (keys become columns,
/// in order of first appearance); 422 for items that are not flat objects.
fn json_rows_to_csv(bytes: &[u8]) -> Result<Vec<u8>, ApiError> {
    let items: Vec<Value> = serde_json::from_slice(bytes).map_err(|e| ApiError::from_json(&e))?;
    let mut columns: Vec<String> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidRequest,
                format!("item {i} is not an object"),
            ));
        };
        for key in obj.keys() {
            if !columns.contains(key) {
                columns.push(key.clone());
            }
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_failed = |e: csv::Error| ApiError::internal("the rows could not be converted", &e);
    writer.write_record(&columns).map_err(csv_failed)?;
    for (i, item) in items.iter().enumerate() {
        let mut record = Vec::with_capacity(columns.len());
        for column in &columns {
            let cell = match item.get(column) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(_) => {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        ErrorCode::InvalidRequest,
                        format!("item {i}: {column} must be a string or a number"),
                    )
                    .field(column.clone()));
                }
            };
            record.push(cell);
        }
        writer.write_record(&record).map_err(csv_failed)?;
    }
    let text = writer
        .into_inner()
        .map_err(|e| ApiError::internal("the rows could not be converted", &e))?;
    Ok(text)
}

fn bulk_row(o: &issuance::bulk::RowOutcome, from_json: bool) -> BulkRow {
    BulkRow {
        line: o.line,
        index: from_json.then(|| o.line.saturating_sub(2)),
        outcome: match o.outcome {
            issuance::bulk::Outcome::Issued => "issued",
            issuance::bulk::Outcome::AlreadyIssued => "already_issued",
            issuance::bulk::Outcome::Refused => "refused",
        }
        .into(),
        credential_id: Some(o.credential_id.clone()).filter(|c| !c.is_empty()),
        code: o.code.clone(),
        message: o.message.clone(),
        email: o.email.clone(),
        certification: o.certification.clone(),
        external_id: o.external_id.clone(),
    }
}

/// `POST /api/v1/admin/credentials/bulk`: bulk issuance, like
/// `rosette issue --csv`. The body is the CSV file (`text/csv`, the columns
/// of [`crate::issuance::bulk`]) or a JSON array of objects with the same
/// keys; each row is recorded and issued or refused on its own.
#[utoipa::path(
    post,
    path = "/api/v1/admin/credentials/bulk",
    tag = "admin",
    summary = "Issue credentials in bulk (CSV or JSON)",
    description = "The body is a CSV file (`text/csv`; header row required, columns `name`, \
`email`, `certification`, `written_score`, `written_date`, `lab_result`, `grader`, `lab_date`, \
optional `external_id`, `attempt`, `written_reference`, `lab_notes`) or a JSON array of objects \
with the same keys. Every row records its two assessments and is issued, found issued before \
(the same candidate, certification and attempt) or refused with a code (`stage_failed` for a lab \
after a failed written stage, `date_in_future`, `lab_before_written`, `external_id_conflict` for \
an external id that is another issuance's, `revoked` for an attempt whose credential was revoked, \
…); a refused row records nothing and never stops the \
others. The body limit bounds the batch.",
    request_body(
        description = "The rows.",
        content(
            (String = "text/csv"),
            (Vec<BulkItem> = "application/json"),
        ),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One outcome per row.", body = BulkResponse),
        (status = 400, description = "The JSON body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = crate::web::error::BodyTooLarge),
        (status = 415, description = "Neither `text/csv` nor JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown column, or a JSON item that is not a flat object.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn bulk_issue(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    signing_issuer_of(&state)?;
    let bytes = body.map_err(|e| ApiError::from_body(&e))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (csv_bytes, from_json) = if content_type.starts_with("text/csv") {
        (bytes.to_vec(), false)
    } else if content_type.starts_with("application/json") {
        (json_rows_to_csv(&bytes)?, true)
    } else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "send the rows as text/csv or as an application/json array",
        ));
    };
    let (summary, outcomes) = import_on_blocking_pool(&state, csv_bytes, caller.actor.clone())
        .await
        .map_err(|e| ApiError::internal("the bulk issuance stopped", &e))?
        .map_err(ApiError::from)?;
    let rows: Vec<_> = outcomes.iter().map(|o| bulk_row(o, from_json)).collect();
    state.metrics.observe_issued(summary.issued);
    // Each issued row has its entry; the call itself gets one too.
    audit(
        &issuer_of(&state)?,
        &caller.actor,
        "api.bulk",
        "/api/v1/admin/credentials/bulk",
        json!({ "rows": summary.rows, "issued": summary.issued, "already_issued": summary.already_issued, "refused": summary.refused, "format": if from_json { "json" } else { "csv" } }),
    )
    .await?;
    Ok(json_response(
        StatusCode::OK,
        &BulkResponse {
            summary: BulkSummary {
                rows: summary.rows,
                issued: summary.issued,
                already_issued: summary.already_issued,
                refused: summary.refused,
            },
            rows,
        },
    ))
}

/// Filters and page of `GET /api/v1/admin/credentials`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this kind: `certification` or `generic` (VC-API issuance).
    pub kind: Option<String>,
    /// Only this certification (slug).
    pub certification: Option<String>,
    /// Holder name or e-mail contains this text (case-insensitive).
    pub q: Option<String>,
    /// `active`, `suspended`, `revoked` or `superseded`.
    pub status: Option<String>,
    /// Issued on or after this date (`YYYY-MM-DD`).
    pub issued_from: Option<String>,
    /// Issued on or before this date (`YYYY-MM-DD`).
    pub issued_to: Option<String>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    pub offset: Option<i64>,
}

/// A page of credentials.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialPage {
    /// The credentials, newest first.
    pub credentials: Vec<CredentialView>,
    /// The page size used.
    pub limit: i64,
    /// The rows skipped.
    pub offset: i64,
    /// `offset` of the next page, when this one was full.
    pub next_offset: Option<i64>,
}

impl ListQuery {
    pub(crate) fn search(&self) -> Result<CredentialSearch, ApiError> {
        let status = match self.status.as_deref() {
            None | Some("") => None,
            Some("active") => Some(CredentialStatusFilter::Active),
            Some("expired") => Some(CredentialStatusFilter::Expired),
            Some("suspended") => Some(CredentialStatusFilter::Suspended),
            Some("revoked") => Some(CredentialStatusFilter::Revoked),
            Some("superseded") => Some(CredentialStatusFilter::Superseded),
            Some(other) => {
                return Err(unprocessable(
                    "status",
                    format!(
                        "status {other:?} is not active, expired, suspended, revoked or superseded"
                    ),
                ));
            }
        };
        let kind = match self.kind.as_deref() {
            None | Some("") => None,
            Some(text) => Some(CredentialKind::parse(text).ok_or_else(|| {
                unprocessable(
                    "kind",
                    format!("kind {text:?} is not certification or generic"),
                )
            })?),
        };
        let from = self
            .issued_from
            .as_deref()
            .map(|d| parse_day("issued_from", d))
            .transpose()?;
        let to = self
            .issued_to
            .as_deref()
            .map(|d| parse_day("issued_to", d))
            .transpose()?;
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(unprocessable(
                "issued_to",
                "issued_to is before issued_from",
            ));
        }
        let offset = self.offset.unwrap_or(0);
        if !(0..=1_000_000).contains(&offset) {
            return Err(unprocessable(
                "offset",
                "offset must be between 0 and 1,000,000",
            ));
        }
        Ok(CredentialSearch {
            kind,
            certification: self.certification.clone().filter(|c| !c.is_empty()),
            text: self
                .q
                .as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(str::to_owned),
            status,
            now: None,
            issued_from: from.map(|d| d.format("%Y-%m-%d").to_string()),
            issued_before: to
                .and_then(|d| d.succ_opt())
                .map(|d| d.format("%Y-%m-%d").to_string()),
            expires_after: None,
            expires_by: None,
            limit: page_limit(self.limit, 50)?,
            offset,
        })
    }
}

/// Imports `csv` as `actor` (`rosette issue --csv`'s rules): every row's
/// outcome, in file order, and the totals. The import signs on threads of
/// its own and blocks until each chunk is written, so it runs on the
/// blocking pool, off the async workers. The admin API's and the console's
/// bulk issuance both come here.
pub(crate) async fn import_on_blocking_pool(
    state: &AppState,
    csv: Vec<u8>,
    actor: crate::issuance::Actor,
) -> Result<
    Result<(issuance::bulk::Summary, Vec<issuance::bulk::RowOutcome>), IssuanceError>,
    tokio::task::JoinError,
> {
    let task_state = state.clone();
    tokio::task::spawn_blocking(move || {
        let mut rows = Vec::new();
        let Some(issuer) = task_state.issuer() else {
            return Err(IssuanceError::Forbidden(
                "this server does not issue".into(),
            ));
        };
        let summary = tokio::runtime::Handle::current().block_on(issuer.import_csv(
            csv.as_slice(),
            &actor,
            issuance::bulk::BulkOptions::default(),
            &mut |o| rows.push(o.clone()),
            &mut |_| {},
        ))?;
        Ok((summary, rows))
    })
    .await
}

/// `GET /api/v1/admin/credentials`: lists and searches credentials,
/// newest first, with offset pagination.
#[utoipa::path(
    get,
    path = "/api/v1/admin/credentials",
    tag = "admin",
    summary = "List and search credentials",
    description = "Filters combine: certification, a text search over holder name and e-mail, \
status, and an issue-date range (inclusive). Pages of at most 500, newest first; follow \
`next_offset`. The read is audited (`api.read`).",
    params(ListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of credentials.", body = CredentialPage),
        (status = 400, response = crate::web::error::BadQuery),
        (status = 422, description = "A limit over 500, an unknown status, a bad date.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn list_credentials(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let issuer = issuer_of(&state)?;
    let Query(query) = query.map_err(|e| query_error(&e))?;
    let mut search = query.search()?;
    search.now = Some(issuer.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string());
    audit_read(
        &issuer,
        &caller,
        &caller.route,
        "/api/v1/admin/credentials",
        serde_json::to_value(&query).unwrap_or(Value::Null),
    )
    .await?;
    let hits = issuer
        .store
        .search_credentials(&search)
        .await
        .map_err(store_failure("the credentials could not be read"))?;
    let full = hits.len() as i64 == search.limit;
    let credentials = hits
        .into_iter()
        .map(
            |CredentialHit {
                 record,
                 holder_email,
                 revoked,
                 suspended,
             }| {
                view(
                    &issuer,
                    record,
                    Some(holder_email).filter(|e| !e.is_empty()),
                    CredentialStatus {
                        revoked,
                        suspended,
                        since: None,
                    },
                )
            },
        )
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &CredentialPage {
            credentials,
            limit: search.limit,
            offset: search.offset,
            next_offset: full.then_some(search.offset + search.limit),
        },
    ))
}

/// One credential of a lineage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LineageItem {
    /// Credential id.
    pub id: String,
    /// When it was issued.
    pub issued_at: String,
    /// `active` or `superseded`.
    pub state: String,
    /// The credential it renews.
    pub renews: Option<String>,
    /// The credential it corrects.
    pub replaces: Option<String>,
}

/// One credential with its lineage and signed document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialDetail {
    /// The credential and its status.
    pub credential: CredentialView,
    /// Every credential it descends from, itself, and every credential
    /// descending from it (renewals, corrections), each after its parent.
    pub lineage: Vec<LineageItem>,
    /// The signed credential JSON (exact bytes at `credential_url`).
    #[schema(value_type = Object)]
    pub document: Value,
}

/// `GET /api/v1/admin/credentials/{id}`: one credential with its status
/// and lineage (like `rosette credentials show`).
#[utoipa::path(
    get,
    path = "/api/v1/admin/credentials/{id}",
    tag = "admin",
    summary = "Show a credential with its status and lineage",
    params(("id" = String, Path, description = "Credential id: the UUID or `urn:uuid:…`.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The credential.", body = CredentialDetail),
        (status = 404, response = crate::web::error::NoSuchCredential),
        crate::web::error::AdminScope,
    )
)]
pub async fn show_credential(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let issuer = issuer_of(&state)?;
    let id = crate::web::dto::full_id(&id);
    audit_read(&issuer, &caller, &caller.route, &id, json!({})).await?;
    let record = issuer
        .store
        .credential(&id)
        .await
        .map_err(store_failure("the credential could not be read"))?
        .ok_or_else(|| ApiError::from(IssuanceError::UnknownCredential(id.clone())))?;
    let lineage = issuance::lineage(issuer.store, &id)
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(|r| LineageItem {
            id: r.id,
            issued_at: r.issued_at,
            state: match r.state {
                CredentialState::Active => "active",
                CredentialState::Superseded => "superseded",
            }
            .into(),
            renews: r.renews,
            replaces: r.replaces,
        })
        .collect();
    let (credential, document) = full_view(&issuer, record).await?;
    Ok(json_response(
        StatusCode::OK,
        &CredentialDetail {
            credential,
            lineage,
            document,
        },
    ))
}

/// Options of a renewal (none so far; the body may be empty).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewRequest {}

/// `POST /api/v1/admin/credentials/{id}/renew`: a new credential for the
/// same holder and results, valid from now (like `rosette renew`).
#[utoipa::path(
    post,
    path = "/api/v1/admin/credentials/{id}/renew",
    tag = "admin",
    summary = "Renew a credential",
    description = "Issues a new credential for the same holder and results, valid from now for the \
catalog's validity period, recording which credential it renews. Renewing the same credential again \
answers 200 with the first renewal, or 409 `revoked` when that renewal was revoked. The body may be \
empty or `{}`.",
    params(("id" = String, Path, description = "Credential id: the UUID or `urn:uuid:…`.")),
    request_body(content = Option<RenewRequest>, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Renewed.", body = IssuedView),
        (status = 200, description = "Renewed before.", body = IssuedView),
        (status = 400, response = crate::web::error::NotJson),
        (status = 404, response = crate::web::error::NoSuchCredential),
        (status = 409, description = "`superseded`: the credential was superseded by a correction; `revoked`: its renewal was revoked.", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = crate::web::error::BodyTooLarge),
        crate::web::error::AdminScope,
    )
)]
pub async fn renew(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let issuer = signing_issuer_of(&state)?;
    let bytes = body.map_err(|e| ApiError::from_body(&e))?;
    if !bytes.iter().all(u8::is_ascii_whitespace) {
        let _: RenewRequest =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::from_json(&e))?;
    }
    let outcome = issuer
        .renew(&crate::web::dto::full_id(&id), &caller.actor)
        .await
        .map_err(ApiError::from)?;
    issued_response(&state, &issuer, &caller, &caller.route, outcome).await
}

/// A correction: the holder's name as it should be, and why.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectRequest {
    /// The corrected holder name.
    pub name: String,
    /// Why (kept in the audit log).
    pub reason: String,
}

/// `POST /api/v1/admin/credentials/{id}/correct`: issues a replacement with
/// the corrected name and supersedes the old credential (like
/// `rosette correct`).
#[utoipa::path(
    post,
    path = "/api/v1/admin/credentials/{id}/correct",
    tag = "admin",
    summary = "Correct a credential",
    description = "Issues a replacement with the corrected holder name, keeping the original \
`validUntil`, and marks the old credential superseded (its revocation bit is set). Nothing is \
deleted.",
    params(("id" = String, Path, description = "Credential id: the UUID or `urn:uuid:…`.")),
    request_body = CorrectRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The replacement.", body = IssuedView),
        (status = 400, response = crate::web::error::NotJson),
        (status = 404, response = crate::web::error::NoSuchCredential),
        (status = 409, description = "The credential was superseded already.", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = crate::web::error::BodyTooLarge),
        (status = 422, description = "An empty reason or a name that cannot be signed.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn correct(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let issuer = signing_issuer_of(&state)?;
    let req: CorrectRequest = json_body(body)?;
    let outcome = issuer
        .correct(
            &crate::web::dto::full_id(&id),
            &req.name,
            &req.reason,
            &caller.actor,
        )
        .await
        .map_err(ApiError::from)?;
    // The old credential's revocation bit changed.
    state.status_changed();
    issued_response(&state, &issuer, &caller, &caller.route, outcome).await
}
