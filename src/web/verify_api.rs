//! `POST /api/v1/verify`: the verification API for HR systems. Accepts a
//! credential (JSON), a baked PNG or SVG (raw body), `{"url": …}` (a
//! bounded fetch), or a batch `{"credentials": [item, …]}` of up to
//! [`MAX_BATCH`] items, each a credential object, `{"url": …}` or a
//! string URL. Answers the same report as `rosette verify --json`, or
//! `{"results": [report, …]}` for a batch.

use super::AppState;
use crate::fetch::HttpFetcher;
use crate::keys::OfflineResolver;
use crate::verification::{self, Report, StatusCache, StatusSource, VerifyContext};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Most credentials in one batch, unless configured otherwise (`max_batch`).
pub const MAX_BATCH: usize = 100;

/// A VC-API error: RFC 9457 problem details whose `type` is one of the VC
/// Data Model's error kinds (VCDM 2.0 §7.1, e.g. `PARSING_ERROR`).
pub(super) fn problem(status: StatusCode, kind: &str, detail: &str) -> Response {
    let body = json!({
        "type": format!("https://www.w3.org/TR/vc-data-model#{kind}"),
        "title": detail,
        "status": status.as_u16(),
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

/// What one verification request needs: this issuer's key, a bounded
/// fetcher for third-party status lists and credential URLs, a status cache.
pub(super) struct Pieces {
    resolver: std::sync::Arc<OfflineResolver>,
    fetcher: Option<HttpFetcher>,
    cache: std::sync::Arc<StatusCache>,
    now: chrono::DateTime<chrono::Utc>,
}

impl Pieces {
    pub(super) fn new(state: &AppState) -> Self {
        let parts = state.issuer.as_deref();
        Pieces {
            resolver: state.key_ring.resolver(),
            fetcher: state.fetcher.clone(),
            cache: state.status_cache.clone(),
            now: parts
                .map(|p| p.clock.now())
                .unwrap_or(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH),
        }
    }

    /// This issuer's lists from the store, third-party lists through the fetcher.
    pub(super) fn own_lists<'a>(
        &'a self,
        state: &'a AppState,
    ) -> Option<crate::issuance::status::OwnStatusLists<'a>> {
        let fallback = self.fetcher.as_ref().map(|f| f as &dyn StatusSource);
        state.issuer.as_deref().map(|p| {
            crate::issuance::status::OwnStatusLists::new(
                state.store.as_ref(),
                &p.public_url,
                fallback,
            )
            .with_shared_versions(&state.list_versions)
        })
    }

    pub(super) fn context<'a>(
        &'a self,
        own: Option<&'a crate::issuance::status::OwnStatusLists<'a>>,
    ) -> VerifyContext<'a> {
        let source: Option<&dyn StatusSource> = match own {
            Some(o) => Some(o),
            None => self.fetcher.as_ref().map(|f| f as &dyn StatusSource),
        };
        let cx = VerifyContext::new(self.resolver.as_ref(), self.now);
        match source {
            Some(s) => cx.with_status(s, &self.cache),
            None => cx,
        }
    }
}

/// `POST /api/v1/verify`.
#[utoipa::path(
    post,
    path = "/api/v1/verify",
    tag = "verification",
    summary = "Verify a credential, a baked badge, a credential URL, or a batch",
    description = "For HR systems. The body is one of: a credential as JSON (`application/json`, \
`application/vc`, `application/ld+json`); a badge image with the credential baked in (`image/png`, \
`image/svg+xml`: any body whose type is not JSON is sniffed); the same as files of a \
`multipart/form-data` upload (one part: one report; several: a batch); `{\"url\": …}`, fetched with a bounded \
client; or a batch `{\"credentials\": [item, …]}` of at most `max_batch` items (100 by default), each a \
credential, `{\"url\": …}` or a URL string.\n\n\
The answer is the same report as `rosette verify --json`: one state per check (`valid`, `invalid`, or \
`unknown` when it could not be checked, which never counts as valid) and `verified`, true only when \
every check is valid. A credential that fails verification is still a 200 with `verified: false`. \
A batch answers `{\"verified\": all, \"results\": [report, …]}`.",
    request_body(
        description = "A credential, `{\"url\": …}`, a batch, or a baked badge image.",
        content(
            (super::openapi::VerifyRequest = "application/json"),
            (super::openapi::Credential = "application/vc"),
            (super::openapi::Credential = "application/ld+json"),
            ("image/png"),
            ("image/svg+xml"),
            ("multipart/form-data"),
        ),
    ),
    responses(
        (status = 200, description = "The verification report; for a batch, one report per item.",
            body = super::openapi::VerifyResponse),
        (status = 400, description = "A JSON content type but the body is not JSON, or `credentials` is not an array.",
            body = super::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than `max_body_bytes` (1 MB by default), or the batch has more than `max_batch` items.",
            body = super::openapi::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address; see `Retry-After`.",
            body = super::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The request took longer than `request_timeout`.", body = super::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let pieces = Pieces::new(&state);
    let own = pieces.own_lists(&state);
    let cx = pieces.context(own.as_ref());
    let fetcher = pieces.fetcher.as_ref();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        return verify_multipart(&state, content_type, body, cx).await;
    }
    let is_json = content_type.contains("json") || content_type.starts_with("application/vc");
    if !is_json {
        // A baked image (or anything else): let the sniffing verifier decide.
        let report = verification::verify_input(&body, cx).await;
        count(&state, &report);
        return report_response(&report);
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "PARSING_ERROR",
                &format!("the body is not JSON: {e}"),
            );
        }
    };
    if let Some(items) = value.get("credentials") {
        let Some(items) = items.as_array() else {
            return problem(
                StatusCode::BAD_REQUEST,
                "MALFORMED_VALUE_ERROR",
                "credentials must be an array",
            );
        };
        if items.len() > state.max_batch {
            return problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RANGE_ERROR",
                &format!("at most {} credentials per batch", state.max_batch),
            );
        }
        let mut results = Vec::with_capacity(items.len());
        for item in items {
            let report = verify_item(item, fetcher, cx).await;
            count(&state, &report);
            results.push(report);
        }
        let all = results.iter().all(|r| r.verified);
        let body = json!({ "verified": all, "results": results });
        return (
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
    }
    let report = verify_item(&value, fetcher, cx).await;
    count(&state, &report);
    report_response(&report)
}

/// Counts a verification by verdict in the metrics.
pub(super) fn count(state: &AppState, report: &Report) {
    state
        .metrics
        .observe_verification(super::page::Verdict::of(report).as_str());
}

/// `multipart/form-data` (RFC 7578), as a browser form or `curl -F` sends
/// files: every part is one credential — JSON, or a baked PNG or SVG,
/// sniffed like a raw body. One part answers one report; several answer a
/// batch, in order, at most `max_batch`.
async fn verify_multipart(
    state: &AppState,
    content_type: &str,
    body: Bytes,
    cx: VerifyContext<'_>,
) -> Response {
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "MALFORMED_VALUE_ERROR",
            "multipart/form-data without a boundary",
        );
    };
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut parts: Vec<Bytes> = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.bytes().await {
                Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => {}
                Ok(bytes) => {
                    if parts.len() == state.max_batch {
                        return problem(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "RANGE_ERROR",
                            &format!("at most {} credentials per request", state.max_batch),
                        );
                    }
                    parts.push(bytes);
                }
                Err(e) => {
                    return problem(
                        StatusCode::BAD_REQUEST,
                        "PARSING_ERROR",
                        &format!("the multipart body is malformed: {e}"),
                    );
                }
            },
            Ok(None) => break,
            Err(e) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "PARSING_ERROR",
                    &format!("the multipart body is malformed: {e}"),
                );
            }
        }
    }
    let mut results = Vec::with_capacity(parts.len());
    for part in &parts {
        let report = verification::verify_input(part, cx).await;
        count(state, &report);
        results.push(report);
    }
    match results.len() {
        0 => problem(
            StatusCode::BAD_REQUEST,
            "MALFORMED_VALUE_ERROR",
            "the form has no credential or badge file",
        ),
        1 => report_response(&results[0]),
        _ => {
            let all = results.iter().all(|r| r.verified);
            (
                [(header::CONTENT_TYPE, "application/json")],
                json!({ "verified": all, "results": results }).to_string(),
            )
                .into_response()
        }
    }
}

async fn verify_item(item: &Value, fetcher: Option<&HttpFetcher>, cx: VerifyContext<'_>) -> Report {
    let url = match item {
        Value::String(u) => Some(u.as_str()),
        Value::Object(o) if o.len() == 1 => o.get("url").and_then(Value::as_str),
        _ => None,
    };
    match url {
        None => verification::verify_value(item, cx).await,
        Some(url) => {
            let fetched = match fetcher {
                Some(f) => f
                    .get(url, "application/vc, application/ld+json;q=0.9, application/json;q=0.8, image/png;q=0.5, image/svg+xml;q=0.5")
                    .await
                    .map_err(|e| (e.code(), e.to_string())),
                None => Err(("fetch_failed", "fetching is not available".to_owned())),
            };
            match fetched {
                Ok(f) => verification::verify_input(&f.body, cx).await,
                // The credential itself could not be obtained: nothing was checked.
                Err((code, message)) => Report::of_checks(
                    vec![verification::Check::fetch_failed(code, &message)],
                    cx.now,
                ),
            }
        }
    }
}

fn report_response(report: &Report) -> Response {
    let body = serde_json::to_string(report).unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A report as VC-API answers it: `verified`, the passed `checks`, and an
/// `errors` entry per check that failed or could not be made (VCDM 2.0
/// §7.2 error types). Also used per credential by `POST /presentations/verify`.
pub(super) fn vc_api_result(report: &Report) -> Value {
    let checks: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.state == verification::CheckState::Valid)
        .map(|c| c.check)
        .collect();
    let errors: Vec<Value> = report
        .checks
        .iter()
        .filter(|c| c.state != verification::CheckState::Valid)
        .map(|c| {
            let kind = if c.check == "proof" { "CRYPTOGRAPHIC_SECURITY_ERROR" } else { "MALFORMED_VALUE_ERROR" };
            json!({ "type": format!("https://www.w3.org/TR/vc-data-model#{kind}"), "title": c.message, "code": c.code, "check": c.check })
        })
        .collect();
    json!({ "verified": report.verified, "checks": checks, "warnings": [], "errors": errors })
}

/// VC-API `POST /credentials/verify` (W3C VC-API, "Verify Credential"):
/// body `{"verifiableCredential": {…}, "options": {…}}` (unknown option keys
/// are accepted). 200 with the checks when verified; 422 with the problems
/// when not; 400 when the body is not a verification request.
#[utoipa::path(
    post,
    path = "/credentials/verify",
    tag = "vc-api",
    summary = "VC-API: verify a credential",
    description = "W3C VC-API \"Verify Credential\". The body is `{\"verifiableCredential\": {…}, \
\"options\": {…}}`; unknown option keys are accepted. 200 with the passed checks when the credential \
verifies, 422 with the problems when it does not (a check that could not be made is a problem too).",
    request_body(
        content = super::openapi::VcVerifyRequest,
        content_type = "application/json",
        description = "The credential and options.",
    ),
    responses(
        (status = 200, description = "Verified: every check passed.",
            body = super::openapi::VcVerifyResult),
        (status = 400, description = "The body is not JSON, `verifiableCredential` is missing or not an object, or `options` is not an object.",
            body = super::openapi::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than `max_body_bytes`.",
            body = super::openapi::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not verified: `errors` lists the checks that failed or could not be made.",
            body = super::openapi::VcVerifyResult),
        (status = 429, description = "Too many requests from this address; see `Retry-After`.",
            body = super::openapi::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The request took longer than `request_timeout`.", body = super::openapi::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn vc_api_verify(State(state): State<AppState>, body: Bytes) -> Response {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "PARSING_ERROR",
                &format!("the body is not JSON: {e}"),
            );
        }
    };
    let Some(credential) = value.get("verifiableCredential").filter(|c| c.is_object()) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "MALFORMED_VALUE_ERROR",
            "verifiableCredential (an object) is required",
        );
    };
    if value.get("options").is_some_and(|o| !o.is_object()) {
        return problem(
            StatusCode::BAD_REQUEST,
            "MALFORMED_VALUE_ERROR",
            "options must be an object",
        );
    }
    let pieces = Pieces::new(&state);
    let own = pieces.own_lists(&state);
    let cx = pieces.context(own.as_ref());
    let report = verification::verify_value(credential, cx).await;
    count(&state, &report);
    let body = vc_api_result(&report);
    let status = if report.verified {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
