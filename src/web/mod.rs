//! HTTP. So far: the published status lists, `GET /status/{list}`, served
//! with `Cache-Control` matching their `ttl` and an `ETag` (the full server
//! with pages and APIs is `rosette serve`, in a later step).

use crate::status::DEFAULT_TTL_MS;
use crate::store::Store;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Shared state of the routes.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn Store>,
}

/// The routes (`web::router(state)` for in-process tests).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/status/{list}", get(status_list))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

fn problem(status: StatusCode, title: &str) -> Response {
    let body =
        serde_json::json!({ "type": "about:blank", "title": title, "status": status.as_u16() });
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

/// `GET /status/{list}`: the signed `BitstringStatusListCredential`
/// (`application/vc`), `Cache-Control: public, max-age=<ttl>`, a strong
/// `ETag`, and `304 Not Modified` for a matching `If-None-Match`.
async fn status_list(
    State(state): State<AppState>,
    Path(list): Path<String>,
    headers: HeaderMap,
) -> Response {
    let record = match state.store.status_list(&list).await {
        Ok(r) => r,
        Err(_) => {
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the status list could not be read",
            );
        }
    };
    let Some(document) = record.and_then(|r| r.published) else {
        return problem(StatusCode::NOT_FOUND, "no such status list");
    };
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(document.as_bytes())[..16])
    );
    let cache = format!("public, max-age={}", DEFAULT_TTL_MS / 1000);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/vc")], document).into_response()
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&cache) {
        h.insert(header::CACHE_CONTROL, v);
    }
    response
}
