//! Status changes: revoke, suspend, reinstate (Bitstring Status List v1.0
//! §2.1 `revocation` and `suspension` purposes).

use super::{ApiError, json_body, json_response};
use crate::issuance::revocation::StatusChange;
use crate::web::auth::{AdminCaller, Caller, signing_issuer_of};
use crate::web::error::Problem;
use crate::web::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    caller: Caller,
    id: String,
    body: Result<Bytes, BytesRejection>,
    change: StatusChange,
) -> Result<Response, ApiError> {
    let metric = match change {
        StatusChange::Revoke => "revoke",
        StatusChange::Suspend => "suspend",
        StatusChange::Reinstate => "reinstate",
    };
    let issuer = signing_issuer_of(&state)?;
    let req: StatusRequest = json_body(body)?;
    let id = crate::web::dto::full_id(&id);
    let bits = issuer
        .change_status(&id, change, &req.reason, &caller.actor)
        .await
        .map_err(ApiError::from)?;
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
        (status = 409, description = "Already revoked.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
        crate::web::error::StatusChangeRefusals,
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    change_status(state, caller, id, body, StatusChange::Revoke).await
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
        (status = 409, description = "Already suspended, or revoked.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
        crate::web::error::StatusChangeRefusals,
    )
)]
pub async fn suspend(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    change_status(state, caller, id, body, StatusChange::Suspend).await
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
        (status = 409, description = "Not suspended, or revoked.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
        crate::web::error::StatusChangeRefusals,
    )
)]
pub async fn reinstate(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    change_status(state, caller, id, body, StatusChange::Reinstate).await
}
