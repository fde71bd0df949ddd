//! Signed verification receipts over HTTP: the `receipt` flag of
//! `POST /api/v1/verify` (in the JSON body or `?receipt=true`), the
//! download of a credential's receipt from its page (`GET
//! /v/{id}/receipt`), and the receipt context (`GET /contexts/receipt/v1`).
//! What a receipt holds and how it is signed: [`crate::verification::receipt`].
//! Receipts are not stored: the caller keeps them.

use super::error::{ApiError, ErrorCode};
use super::outbound::RequestInfo;
use super::state::{AppState, Pieces, count};
use crate::verification::receipt::{self, Received};
use crate::verification::{self, Report};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// Whether the query string asks for a receipt: `receipt=true` (or `1`);
/// `false`, `0` or no `receipt` parameter do not; any other value is a 400
/// problem (`invalid_query`). Other parameters are left alone.
pub fn query_flag(query: Option<&str>) -> Result<bool, ApiError> {
    let mut wanted = false;
    for pair in query.unwrap_or("").split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name != "receipt" {
            continue;
        }
        wanted = match value {
            "true" | "1" => true,
            "false" | "0" => false,
            other => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidQuery,
                    format!("receipt={other:?}: use receipt=true or receipt=false"),
                )
                .field("receipt"));
            }
        };
    }
    Ok(wanted)
}

/// The refusal of a receipt on a server that has no issuer key to sign it.
pub fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotIssuing,
        "this server has no issuer key to sign verification receipts",
    )
}

/// The signed receipt of `report` for what was `received`, by this
/// server's issuer key, with a fresh random `urn:uuid:` id (RFC 9562
/// §5.4, from the operating system's generator). Errors are opaque 5xx
/// answers whose cause is logged.
pub fn sign(state: &AppState, report: &Report, received: &Received) -> Result<Value, ApiError> {
    let parts = state.issuer.as_deref().ok_or_else(unavailable)?;
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::internal("no random bytes for a receipt id", &e))?;
    let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
    receipt::issue(report, received, &parts.profile.name, &parts.key, id)
        .map_err(|e| ApiError::internal("the receipt could not be signed", &e))
}

/// A report with the receipt made for it, as JSON.
pub fn report_with_receipt(report: &Report, receipt: Option<Value>) -> Response {
    let answer = super::dto::ReportAnswer {
        report: report.clone(),
        receipt,
    };
    let body = serde_json::to_string(&answer).unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `GET /contexts/receipt/v1`.
#[utoipa::path(
    get,
    path = "/contexts/receipt/v1",
    tag = "verification",
    summary = "The JSON-LD context of verification receipts",
    description = "The context `https://w3id.org/rosette/receipt/v1` that verification receipts name: the same \
bytes every Rosette has compiled in (it never fetches the URL). Served for verifiers that load contexts by \
URL from a server they trust.",
    responses(
        (status = 200, description = "The context document.", body = Object,
            content_type = "application/ld+json"),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn receipt_context() -> Response {
    match crate::contexts::load(crate::contexts::RECEIPT_V1) {
        Ok(ctx) => (
            [
                (header::CONTENT_TYPE, "application/ld+json"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            ctx.bytes,
        )
            .into_response(),
        Err(e) => ApiError::internal("the receipt context is not compiled in", &e).into_response(),
    }
}

/// `GET /v/{id}/receipt`.
#[utoipa::path(
    get,
    path = "/v/{id}/receipt",
    tag = "verification",
    summary = "Download a signed verification receipt for one of this issuer's credentials",
    description = "Verifies the stored credential now, as `POST /api/v1/verify` does, and answers the signed \
`VerificationReceipt` (a VCDM 2.0 credential, `eddsa-rdfc-2022`, issued by this server) as a download. Its \
`credentialSubject.digestMultibase` is the digest of the credential as `GET /credentials/{id}` serves it. \
Receipts are not stored.",
    params(("id" = String, Path, description = "The credential's UUID (or `urn:uuid:…`).")),
    responses(
        (status = 200, description = "The receipt, `Content-Disposition: attachment`.", body = Object,
            content_type = "application/vc"),
        (status = 404, description = "No such credential (code `unknown_credential`).",
            body = super::error::Problem, content_type = "application/problem+json"),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn page_receipt(
    State(state): State<AppState>,
    request: RequestInfo,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let full = super::dto::full_id(&id);
    let rec = state
        .store
        .credential(&full)
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                "the credential store did not answer",
            )
            .caused_by("the credential could not be read", &e)
        })?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::UnknownCredential,
                format!("no credential {full} was issued here"),
            )
        })?;
    let pieces = Pieces::new(&state, request);
    let own = pieces.own_lists(&state);
    let cx = pieces.context(own.as_ref());
    let report = verification::verify_bytes(rec.document.as_bytes(), cx).await;
    count(&state, &report);
    let receipt = sign(
        &state,
        &report,
        &Received::credential(rec.document.as_bytes()),
    )?;
    let uuid = rec.id.trim_start_matches("urn:uuid:");
    let disposition = format!("attachment; filename=\"receipt-{uuid}.json\"");
    let body = serde_json::to_string_pretty(&receipt).unwrap_or_else(|_| "{}".into());
    Ok((
        [
            (header::CONTENT_TYPE, "application/vc".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_flag_is_true_false_or_refused() {
        assert!(!query_flag(None).unwrap());
        assert!(query_flag(Some("receipt=true")).unwrap());
        assert!(query_flag(Some("x=1&receipt=1")).unwrap());
        assert!(!query_flag(Some("receipt=false")).unwrap());
        assert!(!query_flag(Some("other=true")).unwrap());
        assert!(query_flag(Some("receipt=yes")).is_err());
    }
}
