//! The admin API under `/api/v1/admin/` (and VC-API `POST /credentials/issue`,
//! [`super::vc_api::issue`]), with bearer tokens (RFC 6750) scoped `admin`
//! or `grader`, created by `rosette tokens create` and stored hashed.
//!
//! | method | path | scope | success |
//! |---|---|---|---|
//! | POST | `/api/v1/admin/assessments/written` | admin | 201 |
//! | POST | `/api/v1/admin/assessments/lab` | admin, grader | 201 |
//! | POST | `/api/v1/admin/credentials` | admin | 201 issued, 200 issued before |
//! | POST | `/api/v1/admin/credentials/bulk` | admin | 200, one outcome per row |
//! | GET | `/api/v1/admin/credentials` | admin | 200 |
//! | GET | `/api/v1/admin/credentials/{id}` | admin | 200 |
//! | POST | `/api/v1/admin/credentials/{id}/renew` | admin | 201, 200 renewed before |
//! | POST | `/api/v1/admin/credentials/{id}/correct` | admin | 201 |
//! | POST | `/api/v1/admin/credentials/{id}/revoke\|suspend\|reinstate` | admin | 200 |
//! | GET | `/api/v1/admin/audit` | admin | 200 |
//!
//! Errors are RFC 9457 problem details with a stable `code`: 401 (with
//! `WWW-Authenticate: Bearer`) without a token or with an unknown or
//! revoked one, 403 for a token whose scope does not allow the call, 400
//! for a body that is not JSON, 422 for input that parses but is invalid,
//! 404 for an unknown credential, 409 for a conflict with what is
//! recorded, 413 for a body over the limit. A database failure is a 500
//! whose body says nothing about it (the cause is logged).
//!
//! Every call is audited: the issuance operations write their own entries
//! with the token's actor (`token:<id>:<name>`); reads leave an `api.read`
//! entry (route and query, never a secret) and refused scopes an
//! `api.denied` entry, both before anything is answered; an issuance
//! repeated without signing anything leaves `api.repeat`, a bulk call
//! `api.bulk` with its totals. A refused request changes nothing and leaves
//! no entry (401s are logged only: an unauthenticated caller never writes
//! to the database).

use super::AppState;
use crate::audit::AuditDraft;
use crate::issuance::revocation::{CredentialStatus, StatusChange};
use crate::issuance::{
    self, Actor, IssuanceError, IssueOutcome, Issuer, LabInput, Role, WrittenInput,
};
use crate::store::{
    CredentialHit, CredentialRecord, CredentialSearch, CredentialState, CredentialStatusFilter,
    StoreError,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

/// Most rows in one page of credentials or audit entries.
pub const MAX_PAGE: i64 = 500;

/// The admin routes (mounted at their full paths), including VC-API
/// `POST /credentials/issue`; none of them gets CORS.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/assessments/written", post(record_written))
        .route("/api/v1/admin/assessments/lab", post(record_lab))
        .route(
            "/api/v1/admin/credentials",
            post(issue_credential).get(list_credentials),
        )
        .route("/api/v1/admin/credentials/bulk", post(bulk_issue))
        .route("/api/v1/admin/credentials/{id}", get(show_credential))
        .route("/api/v1/admin/credentials/{id}/renew", post(renew))
        .route("/api/v1/admin/credentials/{id}/correct", post(correct))
        .route("/api/v1/admin/credentials/{id}/revoke", post(revoke))
        .route("/api/v1/admin/credentials/{id}/suspend", post(suspend))
        .route("/api/v1/admin/credentials/{id}/reinstate", post(reinstate))
        .route("/api/v1/admin/audit", get(audit_log))
        .route("/credentials/issue", post(super::vc_api::issue))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            audit_refusals,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::layers::throttle_failed_auth,
        ))
}

tokio::task_local! {
    /// The caller [`admit`] let in, for [`audit_refusals`].
    static ADMITTED: std::cell::RefCell<Option<Actor>>;
}

/// Every admin call is audited: the operations write their own entries
/// and reads write `api.read`; a call that a valid token made but that was
/// refused (4xx other than 401/403, which [`admit`] handles) or failed
/// (5xx) gets `api.refused` / `api.failed` here, with the route and status —
/// so probing with a stolen token leaves a trace.
async fn audit_refusals(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = format!(
        "{} {}",
        req.method(),
        req.extensions()
            .get::<axum::extract::MatchedPath>()
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default()
    );
    let path = req.uri().path().to_owned();
    let (response, caller) = ADMITTED
        .scope(std::cell::RefCell::new(None), async move {
            let response = next.run(req).await;
            let caller = ADMITTED.with(|c| c.borrow_mut().take());
            (response, caller)
        })
        .await;
    let status = response.status();
    let action = if status.is_server_error() {
        "api.failed"
    } else if status.is_client_error()
        && status != StatusCode::UNAUTHORIZED
        && status != StatusCode::FORBIDDEN
    {
        "api.refused"
    } else {
        return response;
    };
    if let (Some(actor), Some(issuer)) = (caller, state.issuer())
        && let Err(e) = audit(
            &issuer,
            &actor,
            action,
            &path,
            json!({ "route": route, "status": status.as_u16() }),
        )
        .await
    {
        tracing::error!(route, error = ?e.code, "the refusal could not be audited");
    }
    response
}

// ---------------------------------------------------------------------------
// Errors (RFC 9457)

/// An RFC 9457 problem body with Rosette's stable `code`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type": "about:blank", "title": "The request is invalid", "status": 422, "code": "invalid_input", "detail": "email: \"x\" is not an e-mail address", "field": "email"}))]
pub struct AdminProblem {
    /// Always `about:blank`: `code` says which problem it is.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary, the same for every problem with this `code`.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Stable machine code, e.g. `invalid_token`, `unknown_certification`,
    /// `status_conflict`.
    pub code: String,
    /// What exactly is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The input field at fault, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answer of the admin API and VC-API issuance.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: Option<String>,
    field: Option<String>,
    challenge: Option<String>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: Some(detail.into()),
            field: None,
            challenge: None,
        }
    }

    fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// A 500 whose body names no cause; the cause is logged.
    pub(super) fn internal(what: &str, cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "{what}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error",
            detail: Some(format!("{what}; the cause was logged")),
            field: None,
            challenge: None,
        }
    }

    /// 400 for a body that is not JSON, 422 for JSON of the wrong shape.
    pub(super) fn from_json(e: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request",
                format!("the body does not have the expected shape: {e}"),
            ),
            _ => ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not JSON: {e}"),
            ),
        }
    }

    /// The answer for a body that could not be read (413 over the limit).
    pub(super) fn from_body(e: &BytesRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the body is larger than the server's limit",
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                "the body could not be read",
            )
        }
    }
}

fn title(code: &str) -> &'static str {
    match code {
        "unauthorized" => "A bearer token is required",
        "invalid_token" => "The token is unknown or revoked",
        "insufficient_scope" => "The token's scope does not allow this",
        "grader_mismatch" => "A grader token records results as its own grader only",
        "not_issuing" => "This server does not issue credentials",
        "malformed_json" => "The body is not JSON",
        "invalid_request" => "The request does not have the expected shape",
        "invalid_query" => "The query string is invalid",
        "unreadable_body" => "The body could not be read",
        "body_too_large" => "The body is too large",
        "unsupported_media_type" => "Unsupported content type",
        "unknown_certification" => "Unknown certification",
        "unknown_candidate" => "Unknown candidate",
        "unknown_credential" => "No such credential",
        "invalid_input" => "The request is invalid",
        "not_a_grader" => "Not a registered grader",
        "forbidden" => "Not allowed",
        "stage_missing" => "An assessment stage is missing",
        "stage_failed" => "An assessment stage was not passed",
        "already_recorded" => "Already recorded with a different result",
        "superseded" => "The credential was superseded",
        "status_conflict" => "The status change conflicts with the credential's status",
        "invalid_credential" => "The credential cannot be built",
        "conflict" => "Conflict with an existing record",
        "not_found" => "Not found",
        "key_retired" => "This node's signing key was retired",
        "unavailable" => "Temporarily unavailable",
        _ => "Internal error",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = AdminProblem {
            problem_type: "about:blank".into(),
            title: title(self.code).into(),
            status: self.status.as_u16(),
            code: self.code.into(),
            detail: self.detail,
            field: self.field,
        };
        let text = serde_json::to_string(&body).unwrap_or_else(|_| "{}".into());
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            text,
        )
            .into_response();
        if let Some(challenge) = self.challenge
            && let Ok(v) = HeaderValue::from_str(&challenge)
        {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        response
    }
}

/// Maps an issuance refusal to its HTTP answer: 404 unknown credential,
/// 403 not allowed, 409 conflicts with what is recorded, 422 invalid input,
/// 500 (opaque) for store and signing failures.
pub(super) fn refusal(e: IssuanceError) -> ApiError {
    let status = match &e {
        IssuanceError::UnknownCredential(_) => StatusCode::NOT_FOUND,
        IssuanceError::Forbidden(_) => StatusCode::FORBIDDEN,
        IssuanceError::AlreadyRecorded(_)
        | IssuanceError::StatusConflict(_)
        | IssuanceError::Superseded(..)
        | IssuanceError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
        IssuanceError::Store(StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
        IssuanceError::Store(_) | IssuanceError::Signing(_) => {
            return ApiError::internal("the operation failed", &e);
        }
        IssuanceError::UnknownCertification(_)
        | IssuanceError::UnknownCandidate(_)
        | IssuanceError::Invalid { .. }
        | IssuanceError::NotAGrader(_)
        | IssuanceError::StageMissing(_)
        | IssuanceError::StageFailed { .. }
        | IssuanceError::Model(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let field = match &e {
        IssuanceError::Invalid { field, .. } => Some(*field),
        _ => None,
    };
    let code = match &e {
        IssuanceError::Store(StoreError::NotFound(_)) => "not_found",
        other => other.code(),
    };
    let detail = match &e {
        // The database's own words (constraint names, SQL) stay in the log.
        IssuanceError::Store(StoreError::Conflict(_)) => {
            tracing::info!(error = %e, "refused: conflicts with a stored record");
            "this conflicts with a record already stored (a duplicate id or external id?)"
                .to_owned()
        }
        IssuanceError::Store(StoreError::NotFound(_)) => "no such record".to_owned(),
        other => other.to_string(),
    };
    let mut err = ApiError::new(status, code, detail);
    err.field = field.map(str::to_owned);
    err
}

fn store_failure(what: &str) -> impl Fn(StoreError) -> ApiError + '_ {
    move |e| ApiError::internal(what, &e)
}

// ---------------------------------------------------------------------------
// Authentication and auditing

/// Who called: the token's actor (`token:<id>:<name>`), role and name.
pub(super) struct Caller {
    /// For the audit log.
    pub actor: Actor,
    /// The token's name (a grader token's name is the grader).
    pub token_name: String,
}

/// Which scopes a route admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Admits {
    /// `admin` only.
    Admin,
    /// `admin` or `grader`.
    AdminOrGrader,
}

const REALM: &str = "Bearer realm=\"rosette\"";

/// The presented bearer token (RFC 6750 §2.1), if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Authenticates the bearer token and checks its scope: 401 without a
/// token or with an unknown or revoked one (RFC 6750 §3), 403 with a scope
/// that `admits` does not include (audited as `api.denied`).
pub(super) async fn admit(
    state: &AppState,
    headers: &HeaderMap,
    admits: Admits,
    route: &str,
) -> Result<Caller, ApiError> {
    let Some(presented) = bearer(headers) else {
        let mut e = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send `Authorization: Bearer rst_…` (create one with `rosette tokens create`)",
        );
        e.challenge = Some(REALM.into());
        return Err(e);
    };
    let (token, actor) = match issuance::tokens::authenticate(state.store.as_ref(), presented).await
    {
        Ok(t) => t,
        Err(issuance::tokens::AuthError::Unavailable(cause)) => {
            tracing::error!(route, error = %cause, "admin API: tokens could not be read");
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the token could not be checked right now; try again",
            ));
        }
        Err(e) => {
            tracing::warn!(route, reason = %e, "admin API: a bearer token was refused");
            let mut err = ApiError::new(StatusCode::UNAUTHORIZED, "invalid_token", e.to_string());
            err.challenge = Some(format!(
                "{REALM}, error=\"invalid_token\", error_description=\"{e}\""
            ));
            return Err(err);
        }
    };
    let allowed = match admits {
        Admits::Admin => actor.role == Role::Admin,
        Admits::AdminOrGrader => true,
    };
    if !allowed {
        if let Some(issuer) = state.issuer() {
            audit(
                &issuer,
                &actor,
                "api.denied",
                route,
                json!({ "route": route, "scope": token.scope }),
            )
            .await?;
        }
        let mut e = ApiError::new(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            format!("a {} token may not call {route}", token.scope),
        );
        e.challenge = Some(format!(
            "{REALM}, error=\"insufficient_scope\", scope=\"admin\""
        ));
        return Err(e);
    }
    let _ = ADMITTED.try_with(|c| *c.borrow_mut() = Some(actor.clone()));
    Ok(Caller {
        actor,
        token_name: token.name,
    })
}

/// The issuing service, or 404 when this server only serves status lists.
pub(super) fn issuer_of(state: &AppState) -> Result<Issuer<'_>, ApiError> {
    state.issuer().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_issuing",
            "this server does not issue; the admin API is off",
        )
    })
}

/// The issuing service for a call that signs: 503 when this node's key was
/// retired by a rotation on another node (it must not sign with it).
pub(super) fn signing_issuer_of(state: &AppState) -> Result<Issuer<'_>, ApiError> {
    let issuer = issuer_of(state)?;
    if !state.key_ring.own_key_is_current() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "key_retired",
            "this node's signing key was retired by a key rotation; restart it with the \
             current key file (see `rosette keys list`)",
        ));
    }
    Ok(issuer)
}

/// Appends one audit entry in its own transaction.
async fn audit(
    issuer: &Issuer<'_>,
    actor: &Actor,
    action: &str,
    subject: &str,
    details: Value,
) -> Result<(), ApiError> {
    let at = issuer.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let fail = store_failure("the audit entry could not be written");
    let mut tx = issuer.store.begin().await.map_err(&fail)?;
    tx.append_audit(
        &[AuditDraft::new(&actor.name, action, subject, details)],
        &at,
    )
    .await
    .map_err(&fail)?;
    tx.commit().await.map_err(&fail)
}

/// Records a read before it is answered (`api.read`).
async fn audit_read(
    issuer: &Issuer<'_>,
    caller: &Caller,
    route: &str,
    subject: &str,
    query: Value,
) -> Result<(), ApiError> {
    audit(
        issuer,
        &caller.actor,
        "api.read",
        subject,
        json!({ "route": route, "query": query }),
    )
    .await
}

/// Parses a JSON body (400 not JSON, 413 too large, 422 wrong shape).
pub(super) fn json_body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let bytes = body.map_err(|e| ApiError::from_body(&e))?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::from_json(&e))
}

fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_string(body) {
        Ok(text) => (status, [(header::CONTENT_TYPE, "application/json")], text).into_response(),
        Err(e) => ApiError::internal("the answer could not be serialized", &e).into_response(),
    }
}

// ---------------------------------------------------------------------------
// Views

/// A recorded assessment result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentView {
    /// Record id.
    pub id: String,
    /// The candidate's internal id.
    pub candidate_id: String,
    /// Certification slug.
    pub certification: String,
    /// Attempt number.
    pub attempt: i64,
    /// `written` or `lab`.
    pub kind: String,
    /// Written: the percent score.
    pub score: Option<f64>,
    /// Written: the pass mark in force.
    pub pass_mark: Option<f64>,
    /// Whether the stage was passed.
    pub passed: bool,
    /// Lab: the grading engineer.
    pub grader: Option<String>,
    /// Assessment date, `YYYY-MM-DD`.
    pub assessed_on: String,
    /// When it was recorded.
    pub recorded_at: String,
    /// Who recorded it (the token's actor).
    pub recorded_by: String,
}

impl From<crate::store::AssessmentRecord> for AssessmentView {
    fn from(r: crate::store::AssessmentRecord) -> Self {
        AssessmentView {
            id: r.id,
            candidate_id: r.candidate_id,
            certification: r.certification,
            attempt: r.attempt,
            kind: r.kind.as_str().into(),
            score: r.score,
            pass_mark: r.pass_mark,
            passed: r.passed,
            grader: r.grader,
            assessed_on: r.assessed_on,
            recorded_at: r.recorded_at,
            recorded_by: r.recorded_by,
        }
    }
}

/// A credential as the admin API shows it (without the signed document).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialView {
    /// The credential id (`urn:uuid:…`).
    pub id: String,
    /// Certification slug.
    pub certification: String,
    /// The holder's name as signed.
    pub holder_name: String,
    /// The holder's e-mail (never in the credential itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_email: Option<String>,
    /// The candidate's internal id.
    pub candidate_id: String,
    /// Attempt it was issued for.
    pub attempt: i64,
    /// The caller's id of the issuance, if given.
    pub external_id: Option<String>,
    /// When it was issued.
    pub issued_at: String,
    /// `validFrom` as signed.
    pub valid_from: String,
    /// `validUntil` as signed.
    pub valid_until: Option<String>,
    /// `active`, `suspended`, `revoked`, `superseded` or `expired`.
    pub status: String,
    /// The revocation bit is set.
    pub revoked: bool,
    /// The suspension bit is set.
    pub suspended: bool,
    /// The credential this one renews.
    pub renews: Option<String>,
    /// The credential this one corrects.
    pub replaces: Option<String>,
    /// The correction that superseded this one.
    pub superseded_by: Option<String>,
    /// The public verification page.
    pub verification_url: String,
    /// The signed credential (`application/vc`).
    pub credential_url: String,
}

fn status_word(record: &CredentialRecord, bits: CredentialStatus, now: &str) -> &'static str {
    if record.state == CredentialState::Superseded {
        "superseded"
    } else if bits.revoked {
        "revoked"
    } else if bits.suspended {
        "suspended"
    } else if record.valid_until.as_deref().is_some_and(|u| u < now) {
        "expired"
    } else {
        "active"
    }
}

fn view(
    issuer: &Issuer<'_>,
    record: CredentialRecord,
    holder_email: Option<String>,
    bits: CredentialStatus,
) -> CredentialView {
    let now = issuer.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let public = issuance::badge_data::public_id(&record.id);
    CredentialView {
        status: status_word(&record, bits, &now).into(),
        revoked: bits.revoked,
        suspended: bits.suspended,
        verification_url: format!("{}/v/{public}", issuer.public_url),
        credential_url: format!("{}/credentials/{public}", issuer.public_url),
        id: record.id,
        certification: record.certification,
        holder_name: record.holder_name,
        holder_email,
        candidate_id: record.candidate_id,
        attempt: record.attempt,
        external_id: record.external_id,
        issued_at: record.issued_at,
        valid_from: record.valid_from,
        valid_until: record.valid_until,
        renews: record.renews,
        replaces: record.replaces,
        superseded_by: record.superseded_by,
    }
}

async fn full_view(
    issuer: &Issuer<'_>,
    record: CredentialRecord,
) -> Result<(CredentialView, Value), ApiError> {
    let bits = issuer
        .credential_status(&record.id)
        .await
        .map_err(refusal)?;
    let email = issuer
        .store
        .candidate(&record.candidate_id)
        .await
        .map_err(store_failure("the candidate could not be read"))?
        .map(|c| c.email);
    let document = serde_json::from_str(&record.document).unwrap_or(Value::Null);
    Ok((view(issuer, record, email, bits), document))
}

/// A credential and its signed document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedView {
    /// `issued`, or `already_issued` when the same attempt, external id or
    /// renewal was issued before (nothing new was signed).
    pub outcome: String,
    /// The credential.
    pub credential: CredentialView,
    /// The signed credential JSON (exact bytes at `credential_url`).
    #[schema(value_type = Object)]
    pub document: Value,
}

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

// ---------------------------------------------------------------------------
// Assessments

fn default_attempt() -> i64 {
    1
}

/// A written-assessment result to record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WrittenRequest {
    /// The candidate's e-mail.
    pub email: String,
    /// The candidate's name; needed when the e-mail is not registered yet.
    #[serde(default)]
    pub name: Option<String>,
    /// The candidate's id in another system, stored on registration.
    #[serde(default)]
    pub candidate_id: Option<String>,
    /// Certification slug.
    pub certification: String,
    /// Attempt number (1–1000).
    #[serde(default = "default_attempt")]
    pub attempt: i64,
    /// Percent score, 0–100.
    pub score: f64,
    /// Assessment date, `YYYY-MM-DD`.
    pub date: String,
    /// Exam form or session reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// `POST /api/v1/admin/assessments/written`: records a written score
/// (registering the candidate when new), like `rosette assess written`.
#[utoipa::path(
    post,
    path = "/api/v1/admin/assessments/written",
    tag = "admin",
    summary = "Record a written-assessment score",
    description = "Records the score of an attempt's written assessment; a new e-mail is registered \
as a candidate when `name` is given. Recording the same result again returns the first record; a \
different result for the same attempt is a 409. Scope `admin`.",
    request_body = WrittenRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded.", body = AssessmentView),
        (status = 400, description = "The body is not JSON.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 409, description = "The attempt's written stage is recorded with a different result.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown certification, bad e-mail, score or date, unregistered candidate without a name.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn record_written(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let caller = admit(
        &state,
        &headers,
        Admits::Admin,
        "POST /api/v1/admin/assessments/written",
    )
    .await?;
    let issuer = issuer_of(&state)?;
    let req: WrittenRequest = json_body(body)?;
    let email = issuance::normalize_email(&req.email).map_err(refusal)?;
    // Checked before a new candidate is registered, so a refused call
    // leaves nothing behind.
    if issuer.catalog.get(&req.certification).is_none() {
        return Err(refusal(issuance::IssuanceError::UnknownCertification(
            req.certification.clone(),
        )));
    }
    let known = issuer
        .store
        .candidate_by_email(&email)
        .await
        .map_err(store_failure("the candidate could not be read"))?;
    if known.is_none() {
        let Some(name) = req.name.as_deref() else {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_candidate",
                format!("{email} is not registered yet: give `name` to register the candidate"),
            )
            .field("name"));
        };
        issuer
            .register_candidate(name, &email, req.candidate_id.as_deref(), &caller.actor)
            .await
            .map_err(refusal)?;
    }
    let input = WrittenInput {
        email,
        certification: req.certification,
        attempt: req.attempt,
        score: req.score,
        assessed_on: req.date,
        reference: req.reference,
    };
    let record = issuer
        .record_written(&input, &caller.actor)
        .await
        .map_err(refusal)?;
    Ok(json_response(
        StatusCode::CREATED,
        &AssessmentView::from(record),
    ))
}

/// A lab result.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LabOutcome {
    /// Passed.
    Pass,
    /// Failed.
    Fail,
}

/// A hands-on lab result to record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabRequest {
    /// The candidate's e-mail.
    pub email: String,
    /// Certification slug.
    pub certification: String,
    /// Attempt number (1–1000).
    #[serde(default = "default_attempt")]
    pub attempt: i64,
    /// `pass` or `fail`.
    pub result: LabOutcome,
    /// The grading engineer (a registered grader). Required with an admin
    /// token; with a grader token it is the token's name and may be left out.
    #[serde(default)]
    pub grader: Option<String>,
    /// Lab date, `YYYY-MM-DD`.
    pub date: String,
    /// Rubric notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// `POST /api/v1/admin/assessments/lab`: records a lab result. A grader
/// token records as its own grader (its name must be a registered grader);
/// an admin token names the grader. The lab follows a passed written
/// assessment of the same attempt.
#[utoipa::path(
    post,
    path = "/api/v1/admin/assessments/lab",
    tag = "admin",
    summary = "Record a hands-on lab result",
    description = "Only a registered Professional Services grader grades a lab: a `grader` token \
records as itself (the token's name is the grader), an `admin` token names the grader in `grader`. \
The attempt's written assessment must be recorded and passed first.",
    request_body = LabRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded.", body = AssessmentView),
        (status = 400, description = "The body is not JSON.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token that is not a registered grader, or that names another grader.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 409, description = "The attempt's lab stage is recorded with a different result.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown certification or candidate, bad date, unregistered grader, no passed written assessment.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn record_lab(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let caller = admit(
        &state,
        &headers,
        Admits::AdminOrGrader,
        "POST /api/v1/admin/assessments/lab",
    )
    .await?;
    let issuer = issuer_of(&state)?;
    let req: LabRequest = json_body(body)?;
    let grader = match caller.actor.role {
        Role::Grader => {
            if let Some(named) = &req.grader
                && !named.trim().eq_ignore_ascii_case(caller.token_name.trim())
            {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "grader_mismatch",
                    format!(
                        "this token records results as {}, not as {named}",
                        caller.token_name
                    ),
                )
                .field("grader"));
            }
            caller.token_name.clone()
        }
        Role::Admin => req
            .grader
            .clone()
            .filter(|g| !g.trim().is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_input",
                    "grader: name the registered grader who graded the lab",
                )
                .field("grader")
            })?,
    };
    let input = LabInput {
        email: req.email,
        certification: req.certification,
        attempt: req.attempt,
        passed: matches!(req.result, LabOutcome::Pass),
        notes: req.notes,
        assessed_on: req.date,
    };
    let record = issuer
        .record_lab_for(&input, &grader, &caller.actor)
        .await
        .map_err(|e| match (&e, caller.actor.role) {
            // A grader token whose own name is not a registered grader.
            (IssuanceError::NotAGrader(_), Role::Grader) => {
                ApiError::new(StatusCode::FORBIDDEN, "not_a_grader", e.to_string())
            }
            _ => refusal(e),
        })?;
    Ok(json_response(
        StatusCode::CREATED,
        &AssessmentView::from(record),
    ))
}

// ---------------------------------------------------------------------------
// Issuance

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
/// idempotent per attempt and per external id.
#[utoipa::path(
    post,
    path = "/api/v1/admin/credentials",
    tag = "admin",
    summary = "Issue a credential",
    description = "Signs and stores the certification for a candidate's attempt once both stages \
are passed, with its revocation and suspension status entries. The same attempt or external id \
again answers 200 with the credential issued before.",
    request_body = IssueRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued.", body = IssuedView),
        (status = 200, description = "Issued before; nothing new was signed.", body = IssuedView),
        (status = 400, description = "The body is not JSON.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown certification or candidate, a stage missing or not passed.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn issue_credential(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    const ROUTE: &str = "POST /api/v1/admin/credentials";
    let caller = admit(&state, &headers, Admits::Admin, ROUTE).await?;
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
        .map_err(refusal)?;
    issued_response(&state, &issuer, &caller, ROUTE, outcome).await
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
                "invalid_request",
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
                        "invalid_request",
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
(idempotent per attempt and external id) or refused with a code; a refused row never stops the \
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
        (status = 400, description = "The JSON body is not JSON.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 415, description = "Neither `text/csv` nor JSON.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown column, or a JSON item that is not a flat object.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn bulk_issue(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let caller = admit(
        &state,
        &headers,
        Admits::Admin,
        "POST /api/v1/admin/credentials/bulk",
    )
    .await?;
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
            "unsupported_media_type",
            "send the rows as text/csv or as an application/json array",
        ));
    };
    // The import signs on threads of its own and blocks until each chunk
    // is written: run it on the blocking pool, off the async workers.
    let actor = caller.actor.clone();
    let task_state = state.clone();
    let (summary, rows) = tokio::task::spawn_blocking(move || {
        let mut rows = Vec::new();
        let Some(issuer) = task_state.issuer() else {
            return Ok((issuance::bulk::Summary::default(), rows));
        };
        let summary = tokio::runtime::Handle::current().block_on(issuer.import_csv(
            csv_bytes.as_slice(),
            &actor,
            issuance::bulk::BulkOptions::default(),
            &mut |o| rows.push(bulk_row(o, from_json)),
            &mut |_| {},
        ))?;
        Ok((summary, rows))
    })
    .await
    .map_err(|e| ApiError::internal("the bulk issuance stopped", &e))?
    .map_err(refusal)?;
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

// ---------------------------------------------------------------------------
// Listing and showing

/// Filters and page of `GET /api/v1/admin/credentials`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
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

fn query_error(e: &QueryRejection) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", e.body_text())
}

fn unprocessable(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", detail).field(field)
}

fn page_limit(limit: Option<i64>, default: i64) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(default);
    if (1..=MAX_PAGE).contains(&limit) {
        Ok(limit)
    } else {
        Err(unprocessable(
            "limit",
            format!("limit must be between 1 and {MAX_PAGE}"),
        ))
    }
}

fn parse_day(field: &str, s: &str) -> Result<chrono::NaiveDate, ApiError> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| unprocessable(field, format!("{field} {s:?} is not a date (YYYY-MM-DD)")))
}

impl ListQuery {
    fn search(&self) -> Result<CredentialSearch, ApiError> {
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
            limit: page_limit(self.limit, 50)?,
            offset,
        })
    }
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
        (status = 400, description = "A malformed or unknown query parameter.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 422, description = "A limit over 500, an unknown status, a bad date.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn list_credentials(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    const ROUTE: &str = "GET /api/v1/admin/credentials";
    let caller = admit(&state, &headers, Admits::Admin, ROUTE).await?;
    let issuer = issuer_of(&state)?;
    let Query(query) = query.map_err(|e| query_error(&e))?;
    let mut search = query.search()?;
    search.now = Some(issuer.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string());
    audit_read(
        &issuer,
        &caller,
        ROUTE,
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
                    Some(holder_email),
                    CredentialStatus { revoked, suspended },
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
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 404, description = "No such credential.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn show_credential(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    const ROUTE: &str = "GET /api/v1/admin/credentials/{id}";
    let caller = admit(&state, &headers, Admits::Admin, ROUTE).await?;
    let issuer = issuer_of(&state)?;
    let id = super::full_id(&id);
    audit_read(&issuer, &caller, ROUTE, &id, json!({})).await?;
    let record = issuer
        .store
        .credential(&id)
        .await
        .map_err(store_failure("the credential could not be read"))?
        .ok_or_else(|| refusal(IssuanceError::UnknownCredential(id.clone())))?;
    let lineage = issuance::lineage(issuer.store, &id)
        .await
        .map_err(refusal)?
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

// ---------------------------------------------------------------------------
// Renew, correct, status changes

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
answers 200 with the first renewal. The body may be empty or `{}`.",
    params(("id" = String, Path, description = "Credential id: the UUID or `urn:uuid:…`.")),
    request_body(content = Option<RenewRequest>, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Renewed.", body = IssuedView),
        (status = 200, description = "Renewed before.", body = IssuedView),
        (status = 400, description = "The body is not JSON.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 404, description = "No such credential.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 409, description = "The credential was superseded by a correction.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn renew(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    const ROUTE: &str = "POST /api/v1/admin/credentials/{id}/renew";
    let caller = admit(&state, &headers, Admits::Admin, ROUTE).await?;
    let issuer = signing_issuer_of(&state)?;
    let bytes = body.map_err(|e| ApiError::from_body(&e))?;
    if !bytes.iter().all(u8::is_ascii_whitespace) {
        let _: RenewRequest =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::from_json(&e))?;
    }
    let outcome = issuer
        .renew(&super::full_id(&id), &caller.actor)
        .await
        .map_err(refusal)?;
    issued_response(&state, &issuer, &caller, ROUTE, outcome).await
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
        (status = 400, description = "The body is not JSON.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 404, description = "No such credential.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 409, description = "The credential was superseded already.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 422, description = "An empty reason or a name that cannot be signed.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn correct(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    const ROUTE: &str = "POST /api/v1/admin/credentials/{id}/correct";
    let caller = admit(&state, &headers, Admits::Admin, ROUTE).await?;
    let issuer = signing_issuer_of(&state)?;
    let req: CorrectRequest = json_body(body)?;
    let outcome = issuer
        .correct(&super::full_id(&id), &req.name, &req.reason, &caller.actor)
        .await
        .map_err(refusal)?;
    // The old credential's revocation bit changed.
    state.status_changed();
    issued_response(&state, &issuer, &caller, ROUTE, outcome).await
}

/// A status change's reason (kept in the audit log only, never published).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// Why; required, at most 2,000 characters.
    pub reason: String,
}

/// A credential's status after a change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusView {
    /// Credential id.
    pub id: String,
    /// `active`, `suspended` or `revoked`.
    pub status: String,
    /// The revocation bit is set.
    pub revoked: bool,
    /// The suspension bit is set.
    pub suspended: bool,
}

async fn change_status(
    state: AppState,
    headers: HeaderMap,
    id: String,
    body: Result<Bytes, BytesRejection>,
    change: StatusChange,
) -> Result<Response, ApiError> {
    let (route, metric) = match change {
        StatusChange::Revoke => ("POST /api/v1/admin/credentials/{id}/revoke", "revoke"),
        StatusChange::Suspend => ("POST /api/v1/admin/credentials/{id}/suspend", "suspend"),
        StatusChange::Reinstate => ("POST /api/v1/admin/credentials/{id}/reinstate", "reinstate"),
    };
    let caller = admit(&state, &headers, Admits::Admin, route).await?;
    let issuer = signing_issuer_of(&state)?;
    let req: StatusRequest = json_body(body)?;
    let id = super::full_id(&id);
    let bits = issuer
        .change_status(&id, change, &req.reason, &caller.actor)
        .await
        .map_err(refusal)?;
    state.metrics.observe_status_change(metric);
    // This node's pages and verifications show the change at once.
    state.status_changed();
    Ok(json_response(
        StatusCode::OK,
        &StatusView {
            id,
            status: if bits.revoked {
                "revoked"
            } else if bits.suspended {
                "suspended"
            } else {
                "active"
            }
            .into(),
            revoked: bits.revoked,
            suspended: bits.suspended,
        },
    ))
}

/// `POST /api/v1/admin/credentials/{id}/revoke`: sets the revocation bit
/// (final; Bitstring Status List v1.0 §2.1 `revocation`).
#[utoipa::path(
    post,
    path = "/api/v1/admin/credentials/{id}/revoke",
    tag = "admin",
    summary = "Revoke a credential (final)",
    description = "Sets the credential's revocation bit and re-publishes its status list. The \
reason is required and kept in the audit log only.",
    params(("id" = String, Path, description = "Credential id: the UUID or `urn:uuid:…`.")),
    request_body = StatusRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Revoked.", body = StatusView),
        (status = 400, description = "The body is not JSON.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 404, description = "No such credential.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 409, description = "Already revoked.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 422, description = "No reason.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    change_status(state, headers, id, body, StatusChange::Revoke).await
}

/// `POST /api/v1/admin/credentials/{id}/suspend`: sets the suspension bit
/// (reversible; Bitstring Status List v1.0 §2.1 `suspension`).
#[utoipa::path(
    post,
    path = "/api/v1/admin/credentials/{id}/suspend",
    tag = "admin",
    summary = "Suspend a credential",
    description = "Sets the credential's suspension bit and re-publishes its status list. The \
reason is required and kept in the audit log only.",
    params(("id" = String, Path, description = "Credential id: the UUID or `urn:uuid:…`.")),
    request_body = StatusRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Suspended.", body = StatusView),
        (status = 400, description = "The body is not JSON.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 404, description = "No such credential.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 409, description = "Already suspended, or revoked.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 422, description = "No reason.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn suspend(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    change_status(state, headers, id, body, StatusChange::Suspend).await
}

/// `POST /api/v1/admin/credentials/{id}/reinstate`: clears the suspension
/// bit; a revoked credential stays revoked (409).
#[utoipa::path(
    post,
    path = "/api/v1/admin/credentials/{id}/reinstate",
    tag = "admin",
    summary = "Reinstate a suspended credential",
    description = "Clears the credential's suspension bit and re-publishes its status list. \
Revocation is final: reinstating a revoked credential is a 409.",
    params(("id" = String, Path, description = "Credential id: the UUID or `urn:uuid:…`.")),
    request_body = StatusRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Reinstated.", body = StatusView),
        (status = 400, description = "The body is not JSON.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 404, description = "No such credential.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 409, description = "Not suspended, or revoked.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 422, description = "No reason.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn reinstate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    change_status(state, headers, id, body, StatusChange::Reinstate).await
}

// ---------------------------------------------------------------------------
// Audit log

/// Page of `GET /api/v1/admin/audit`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries after this sequence number (default 0).
    pub after: Option<i64>,
    /// At most this many, 1–500 (default 100).
    pub limit: Option<i64>,
}

/// One audit entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntryView {
    /// Position, from 1, without gaps.
    pub seq: i64,
    /// When.
    pub at: String,
    /// Who (`token:<id>:<name>`, `cli:<user>`).
    pub actor: String,
    /// What, e.g. `credential.revoke`, `api.read`.
    pub action: String,
    /// To what.
    pub subject: String,
    /// Details.
    #[schema(value_type = Object)]
    pub details: Value,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash (the chain).
    pub hash: String,
}

/// A page of the audit log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditPage {
    /// The entries, in order.
    pub entries: Vec<AuditEntryView>,
    /// `after` for the next page, when this one was full.
    pub next_after: Option<i64>,
}

/// `GET /api/v1/admin/audit`: the audit log in order (like `rosette audit list`).
#[utoipa::path(
    get,
    path = "/api/v1/admin/audit",
    tag = "admin",
    summary = "Read the audit log",
    description = "Entries with a sequence number above `after`, in order, at most `limit` \
(≤ 500); follow `next_after`. The read itself is audited first (`api.read`).",
    params(AuditQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of entries.", body = AuditPage),
        (status = 400, description = "A malformed or unknown query parameter.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or an unknown or revoked one.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed token checks from this address; see `Retry-After`.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 403, description = "A grader token.", body = AdminProblem, content_type = "application/problem+json"),
        (status = 422, description = "A limit over 500 or a negative `after`.", body = AdminProblem, content_type = "application/problem+json"),
    )
)]
pub async fn audit_log(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    const ROUTE: &str = "GET /api/v1/admin/audit";
    let caller = admit(&state, &headers, Admits::Admin, ROUTE).await?;
    let issuer = issuer_of(&state)?;
    let Query(query) = query.map_err(|e| query_error(&e))?;
    let limit = page_limit(query.limit, 100)?;
    let after = query.after.unwrap_or(0);
    if after < 0 {
        return Err(unprocessable("after", "after must not be negative"));
    }
    audit_read(
        &issuer,
        &caller,
        ROUTE,
        "/api/v1/admin/audit",
        serde_json::to_value(&query).unwrap_or(Value::Null),
    )
    .await?;
    let entries: Vec<AuditEntryView> = issuer
        .store
        .audit_entries(after, limit)
        .await
        .map_err(store_failure("the audit log could not be read"))?
        .into_iter()
        .map(|e| AuditEntryView {
            details: serde_json::from_str(&e.details).unwrap_or(Value::String(e.details.clone())),
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            prev_hash: e.prev_hash,
            hash: e.hash,
        })
        .collect();
    let next_after = (entries.len() as i64 == limit)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(json_response(
        StatusCode::OK,
        &AuditPage {
            entries,
            next_after,
        },
    ))
}
