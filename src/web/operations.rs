//! Operations routes: liveness, readiness and Prometheus metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::error::{self, ApiError};
use super::state::AppState;

/// `GET /metrics`: Prometheus metrics (OpenMetrics text format).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    summary = "Prometheus metrics",
    description = "Request counts and latencies by route and status, verifications by verdict, \
in the OpenMetrics text format.",
    responses(
        (status = 200, description = "The metrics.", body = String,
            content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            crate::telemetry::metrics::CONTENT_TYPE,
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// `GET /healthz`: the process is up.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    summary = "Liveness: the process is up",
    responses(
        (status = 200, description = "`ok`.", body = String, content_type = "text/plain",
            example = "ok"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    summary = "Readiness: the database answers",
    responses(
        (status = 200, description = "`ready`.", body = String, content_type = "text/plain",
            example = "ready"),
        (status = 503, description = "The database is not reachable (problem), or the request took longer than `request_timeout`.",
            body = error::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    const TITLE: &str = "the database is not reachable";
    // Readiness probes wait a second or two: answer within that.
    let probe = tokio::time::timeout(READY_TIMEOUT, state.store.audit_head()).await;
    match probe {
        Ok(Ok(_)) => Ok("ready"),
        Ok(Err(e)) => Err(ApiError::titled(StatusCode::SERVICE_UNAVAILABLE, TITLE)
            .caused_by("not ready: the database did not answer", &e)),
        Err(e) => Err(ApiError::titled(StatusCode::SERVICE_UNAVAILABLE, TITLE)
            .caused_by("not ready: the database did not answer in time", &e)),
    }
}

/// How long `/readyz` waits for the database.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);
