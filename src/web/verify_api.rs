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

/// Most credentials in one batch.
pub const MAX_BATCH: usize = 100;

fn problem(status: StatusCode, kind: &str, detail: &str) -> Response {
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
struct Pieces {
    resolver: OfflineResolver,
    fetcher: Option<HttpFetcher>,
    cache: StatusCache,
    now: chrono::DateTime<chrono::Utc>,
}

impl Pieces {
    fn new(state: &AppState) -> Self {
        let parts = state.issuer.as_deref();
        let mut resolver = OfflineResolver::new();
        if let Some(p) = parts {
            resolver.add_method(p.key.method());
        }
        Pieces {
            resolver,
            fetcher: state.fetcher.clone(),
            cache: StatusCache::new(),
            now: parts
                .map(|p| p.clock.now())
                .unwrap_or(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH),
        }
    }

    /// This issuer's lists from the store, third-party lists through the fetcher.
    fn own_lists<'a>(
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
        })
    }

    fn context<'a>(
        &'a self,
        own: Option<&'a crate::issuance::status::OwnStatusLists<'a>>,
    ) -> VerifyContext<'a> {
        let source: Option<&dyn StatusSource> = match own {
            Some(o) => Some(o),
            None => self.fetcher.as_ref().map(|f| f as &dyn StatusSource),
        };
        let cx = VerifyContext::new(&self.resolver, self.now);
        match source {
            Some(s) => cx.with_status(s, &self.cache),
            None => cx,
        }
    }
}

/// `POST /api/v1/verify`.
pub async fn verify(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let pieces = Pieces::new(&state);
    let own = pieces.own_lists(&state);
    let cx = pieces.context(own.as_ref());
    let fetcher = pieces.fetcher.as_ref();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is_json = content_type.contains("json") || content_type.starts_with("application/vc");
    if !is_json {
        // A baked image (or anything else): let the sniffing verifier decide.
        return report_response(&verification::verify_input(&body, cx).await);
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
        if items.len() > MAX_BATCH {
            return problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RANGE_ERROR",
                &format!("at most {MAX_BATCH} credentials per batch"),
            );
        }
        let mut results = Vec::with_capacity(items.len());
        for item in items {
            results.push(verify_item(item, fetcher, cx).await);
        }
        let all = results.iter().all(|r| r.verified);
        let body = json!({ "verified": all, "results": results });
        return (
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
    }
    report_response(&verify_item(&value, fetcher, cx).await)
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

/// VC-API `POST /credentials/verify` (W3C VC-API, "Verify Credential"):
/// body `{"verifiableCredential": {…}, "options": {…}}` (unknown option keys
/// are accepted). 200 with the checks when verified; 422 with the problems
/// when not; 400 when the body is not a verification request.
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
    let body =
        json!({ "verified": report.verified, "checks": checks, "warnings": [], "errors": errors });
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
