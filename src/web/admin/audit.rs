//! The audit log: `GET /api/v1/admin/audit`, and its signed checkpoint
//! `GET /api/v1/admin/audit/checkpoint`.

use super::{ApiError, json_response, page_limit, query_error, unprocessable};
use crate::audit::SignedCheckpoint;
use crate::issuance::checkpoints::export_checkpoint;
use crate::web::auth::{AdminCaller, audit_read, issuer_of, signing_issuer_of};
use crate::web::error::{Problem, store_failure};
use crate::web::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

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
        (status = 400, response = crate::web::error::BadQuery),
        (status = 422, description = "A limit over 500 or a negative `after`.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn audit_log(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
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
        &caller.route,
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

/// `GET /api/v1/admin/audit/checkpoint`: the latest signed checkpoint with
/// its entry hashes, the file `rosette audit checkpoint` exports.
#[utoipa::path(
    get,
    path = "/api/v1/admin/audit/checkpoint",
    tag = "admin",
    summary = "Export the audit log's signed checkpoint",
    description = "The latest signed checkpoint of the audit chain's head, signed now when \
the head moved since the last one (the read is audited first, so it always covers that entry). \
The signature is Ed25519 over the UTF-8 bytes \
`rosette-audit-checkpoint/v1\\n{seq}\\n{hash}\\n{time}\\n{keyId}`, multibase base58btc. \
`entryHashes` (not signed; its last hash is the signed one) lists the hash of every entry from 1 to \
`seq`, as `rosette audit checkpoint` exports it. Keep it outside the database; `rosette audit verify \
--checkpoint FILE` proves the log still extends it and names the first entry that differs.",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed checkpoint.", body = SignedCheckpoint),
        (status = 503, description = "This node's key was retired by a rotation elsewhere; it does not sign.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn audit_checkpoint(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
) -> Result<Response, ApiError> {
    let issuer = signing_issuer_of(&state)?;
    audit_read(
        &issuer,
        &caller,
        &caller.route,
        "/api/v1/admin/audit/checkpoint",
        Value::Null,
    )
    .await?;
    let checkpoint = export_checkpoint(issuer.store, issuer.signer, issuer.clock.now())
        .await
        .map_err(store_failure("the audit checkpoint could not be signed"))?;
    Ok(json_response(StatusCode::OK, &checkpoint))
}
