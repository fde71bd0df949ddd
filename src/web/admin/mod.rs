//! The admin API under `/api/v1/admin/` (and VC-API `POST /credentials/issue`,
//! [`super::vc_api::issue`]), with bearer tokens (RFC 6750) scoped `admin`,
//! `grader` or `issuer`, created by `rosette tokens create` and stored
//! hashed. An `issuer` token may call `POST /credentials/issue` only (for
//! credentials other than the catalog's certifications); every route here
//! answers it 403.
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
//! | GET | `/api/v1/admin/credentials/expiring` | admin | 200 |
//! | GET | `/api/v1/admin/audit` | admin | 200 |
//! | GET | `/api/v1/admin/audit/checkpoint` | admin | 200 |
//! | POST | `/api/v1/admin/webhooks` | admin | 201 (the secret, once) |
//! | GET | `/api/v1/admin/webhooks` | admin | 200 |
//! | DELETE | `/api/v1/admin/webhooks/{id}` | admin | 204 |
//! | GET | `/api/v1/admin/webhooks/deliveries` | admin | 200 |
//! | POST | `/api/v1/admin/credentials/{id}/claims` | admin | 201 (the links, once) |
//! | GET | `/api/v1/admin/credentials/{id}/claims` | admin | 200 |
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

pub mod assessments;
pub mod audit;
pub mod claims;
pub mod credentials;
pub mod status;
pub mod views;
pub mod webhooks;

use super::error::{ApiError, ErrorCode};
use super::state::AppState;
use assessments::{record_lab, record_written};
use audit::{audit_checkpoint, audit_log};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use credentials::{
    bulk_issue, correct, issue_credential, list_credentials, renew, show_credential,
};
use serde::Serialize;
use status::{reinstate, revoke, suspend};

/// Most rows in one page of credentials or audit entries.
pub const MAX_PAGE: i64 = 500;

/// The admin routes (mounted at their full paths); none of them gets CORS.
/// The router guards them, with VC-API `POST /credentials/issue`, by
/// [`super::auth::guard`].
pub fn routes() -> Router<AppState> {
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
        .route(
            "/api/v1/admin/credentials/{id}/claims",
            post(claims::create_claim).get(claims::list_claims),
        )
        .route(
            "/api/v1/admin/credentials/expiring",
            get(webhooks::list_expiring),
        )
        .route("/api/v1/admin/audit", get(audit_log))
        .route("/api/v1/admin/audit/checkpoint", get(audit_checkpoint))
        .route(
            "/api/v1/admin/webhooks",
            post(webhooks::add_webhook).get(webhooks::list_webhooks),
        )
        .route(
            "/api/v1/admin/webhooks/deliveries",
            get(webhooks::list_deliveries),
        )
        .route(
            "/api/v1/admin/webhooks/{id}",
            delete(webhooks::remove_webhook),
        )
}

/// Parses a JSON body (400 not JSON, 413 too large, 422 wrong shape).
pub(crate) fn json_body<T: serde::de::DeserializeOwned>(
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

fn default_attempt() -> i64 {
    1
}

fn query_error(e: &QueryRejection) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidQuery,
        e.body_text(),
    )
}

fn unprocessable(field: &str, detail: impl Into<String>) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidInput,
        detail,
    )
    .field(field)
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
