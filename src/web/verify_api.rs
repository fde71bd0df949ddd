//! `POST /api/v1/verify`: the verification API for HR systems. Accepts a
//! credential (JSON), a baked PNG or SVG (raw body), `{"url": …}` (a
//! bounded fetch), or a batch `{"credentials": [item, …]}` of up to
//! [`MAX_BATCH`] items, each a credential object, `{"url": …}` or a
//! string URL. Answers the same report as `rosette verify --json`, or
//! `{"results": [report, …]}` for a batch.

use super::AppState;
use crate::fetch::{FetchPolicy, HttpFetcher};
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

/// `POST /api/v1/verify`.
pub async fn verify(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let parts = state.issuer.as_deref();
    let now = match parts {
        Some(p) => p.clock.now(),
        None => chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
    };
    let mut resolver = OfflineResolver::new();
    if let Some(p) = parts {
        resolver.add_method(p.key.method());
    }
    let fetcher = HttpFetcher::new(FetchPolicy::default()).ok();
    let fallback = fetcher.as_ref().map(|f| f as &dyn StatusSource);
    let own = parts.map(|p| {
        crate::issuance::status::OwnStatusLists::new(state.store.as_ref(), &p.public_url, fallback)
    });
    let source: Option<&dyn StatusSource> = match &own {
        Some(o) => Some(o),
        None => fallback,
    };
    let cache = StatusCache::new();
    let mut cx = VerifyContext::new(&resolver, now);
    if let Some(s) = source {
        cx = cx.with_status(s, &cache);
    }
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
            results.push(verify_item(item, fetcher.as_ref(), cx).await);
        }
        let all = results.iter().all(|r| r.verified);
        let body = json!({ "verified": all, "results": results });
        return (
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
    }
    report_response(&verify_item(&value, fetcher.as_ref(), cx).await)
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
