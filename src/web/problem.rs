//! RFC 9457 problem details: the one body of every error the public side
//! answers (`application/problem+json`); the admin API's [`super::admin::ApiError`]
//! adds its stable `code` and `field`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An error (RFC 9457 problem details), sent as `application/problem+json`.
/// Members other than these may appear (RFC 9457 §3.2 extension members).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type": "about:blank", "title": "no such credential", "status": 404}))]
pub struct Problem {
    /// The problem type (a URI reference): `about:blank`, or a VC Data
    /// Model error type such as
    /// `https://www.w3.org/TR/vc-data-model#PARSING_ERROR`.
    #[serde(rename = "type")]
    #[schema(format = "uri-reference")]
    pub problem_type: String,
    /// A short, human-readable summary.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// More detail, when there is any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub detail: Option<String>,
    /// A stable machine code, for errors made outside the handlers
    /// (`body_too_large`, `timeout`, `rate_limited`, `internal_error`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// Seconds to wait before trying again (429 only; also sent as `Retry-After`).
    #[serde(rename = "retryAfter", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub retry_after: Option<u64>,
}

/// The problem type of a VC Data Model error kind (VCDM 2.0 §7.1,
/// e.g. `PARSING_ERROR`), as the VC-API answers it.
pub fn vc_error_type(kind: &str) -> String {
    format!("https://www.w3.org/TR/vc-data-model#{kind}")
}

impl Problem {
    /// `about:blank` with `title`.
    pub fn new(status: StatusCode, title: impl Into<String>) -> Self {
        Problem {
            problem_type: "about:blank".into(),
            title: title.into(),
            status: status.as_u16(),
            detail: None,
            code: None,
            retry_after: None,
        }
    }

    /// With a problem type other than `about:blank`.
    pub fn typed(mut self, problem_type: impl Into<String>) -> Self {
        self.problem_type = problem_type.into();
        self
    }

    /// With a stable machine code.
    pub fn code(mut self, code: &str) -> Self {
        self.code = Some(code.to_owned());
        self
    }

    /// With `retryAfter` (and a `Retry-After` header), whole seconds.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The JSON text.
    pub fn to_json(&self) -> String {
        // Plain strings and numbers: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            self.to_json(),
        )
            .into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
