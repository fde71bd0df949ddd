//! The one error answer of the HTTP API: RFC 9457 problem details
//! (`application/problem+json`).

use crate::issuance::IssuanceError;
use crate::store::StoreError;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem body with Rosette's stable `code`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type": "about:blank", "title": "The request is invalid", "status": 422, "code": "invalid_input", "detail": "email: \"x\" is not an e-mail address", "field": "email"}))]
pub struct AdminProblem {
    /// Always `about:blank`: `code` says which problem it is.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary, the same for every problem with this `code`.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Stable machine code, e.g. `invalid_token`, `unknown_certification`,
    /// `status_conflict`.
    pub code: String,
    /// What exactly is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The input field at fault, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answer of the admin API and VC-API issuance.
#[derive(Debug)]
pub struct ApiError {
    pub(super) status: StatusCode,
    pub(super) code: &'static str,
    pub(super) detail: Option<String>,
    pub(super) field: Option<String>,
    pub(super) challenge: Option<String>,
}

impl ApiError {
    pub(super) fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: Some(detail.into()),
            field: None,
            challenge: None,
        }
    }

    pub(super) fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// A 500 whose body names no cause; the cause is logged.
    pub(super) fn internal(what: &str, cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "{what}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error",
            detail: Some(format!("{what}; the cause was logged")),
            field: None,
            challenge: None,
        }
    }

    /// 400 for a body that is not JSON, 422 for JSON of the wrong shape.
    pub(super) fn from_json(e: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_request",
                format!("the body does not have the expected shape: {e}"),
            ),
            _ => ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the body is not JSON: {e}"),
            ),
        }
    }

    /// The answer for a body that could not be read (413 over the limit).
    pub(super) fn from_body(e: &BytesRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the body is larger than the server's limit",
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                "the body could not be read",
            )
        }
    }
}

fn title(code: &str) -> &'static str {
    match code {
        "unauthorized" => "A bearer token is required",
        "invalid_token" => "The token is unknown or revoked",
        "insufficient_scope" => "The token's scope does not allow this",
        "grader_mismatch" => "A grader token records results as its own grader only",
        "not_issuing" => "This server does not issue credentials",
        "malformed_json" => "The body is not JSON",
        "invalid_request" => "The request does not have the expected shape",
        "invalid_query" => "The query string is invalid",
        "unreadable_body" => "The body could not be read",
        "body_too_large" => "The body is too large",
        "unsupported_media_type" => "Unsupported content type",
        "unknown_certification" => "Unknown certification",
        "unknown_candidate" => "Unknown candidate",
        "unknown_credential" => "No such credential",
        "invalid_input" => "The request is invalid",
        "not_a_grader" => "Not a registered grader",
        "forbidden" => "Not allowed",
        "stage_missing" => "An assessment stage is missing",
        "stage_failed" => "An assessment stage was not passed",
        "already_recorded" => "Already recorded with a different result",
        "superseded" => "The credential was superseded",
        "status_conflict" => "The status change conflicts with the credential's status",
        "invalid_credential" => "The credential cannot be built",
        "conflict" => "Conflict with an existing record",
        "not_found" => "Not found",
        "key_retired" => "This node's signing key was retired",
        "unavailable" => "Temporarily unavailable",
        _ => "Internal error",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = AdminProblem {
            problem_type: "about:blank".into(),
            title: title(self.code).into(),
            status: self.status.as_u16(),
            code: self.code.into(),
            detail: self.detail,
            field: self.field,
        };
        let text = serde_json::to_string(&body).unwrap_or_else(|_| "{}".into());
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            text,
        )
            .into_response();
        if let Some(challenge) = self.challenge
            && let Ok(v) = HeaderValue::from_str(&challenge)
        {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        response
    }
}

/// Maps an issuance refusal to its HTTP answer: 404 unknown credential,
/// 403 not allowed, 409 conflicts with what is recorded, 422 invalid input,
/// 500 (opaque) for store and signing failures.
pub(super) fn refusal(e: IssuanceError) -> ApiError {
    let status = match &e {
        IssuanceError::UnknownCredential(_) => StatusCode::NOT_FOUND,
        IssuanceError::Forbidden(_) => StatusCode::FORBIDDEN,
        IssuanceError::AlreadyRecorded(_)
        | IssuanceError::StatusConflict(_)
        | IssuanceError::Superseded(..)
        | IssuanceError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
        IssuanceError::Store(StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
        IssuanceError::Store(_) | IssuanceError::Signing(_) => {
            return ApiError::internal("the operation failed", &e);
        }
        IssuanceError::UnknownCertification(_)
        | IssuanceError::UnknownCandidate(_)
        | IssuanceError::Invalid { .. }
        | IssuanceError::NotAGrader(_)
        | IssuanceError::StageMissing(_)
        | IssuanceError::StageFailed { .. }
        | IssuanceError::Model(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let field = match &e {
        IssuanceError::Invalid { field, .. } => Some(*field),
        _ => None,
    };
    let code = match &e {
        IssuanceError::Store(StoreError::NotFound(_)) => "not_found",
        other => other.code(),
    };
    let detail = match &e {
        // The database's own words (constraint names, SQL) stay in the log.
        IssuanceError::Store(StoreError::Conflict(_)) => {
            tracing::info!(error = %e, "refused: conflicts with a stored record");
            "this conflicts with a record already stored (a duplicate id or external id?)"
                .to_owned()
        }
        IssuanceError::Store(StoreError::NotFound(_)) => "no such record".to_owned(),
        other => other.to_string(),
    };
    let mut err = ApiError::new(status, code, detail);
    err.field = field.map(str::to_owned);
    err
}

pub(super) fn store_failure(what: &str) -> impl Fn(StoreError) -> ApiError + '_ {
    move |e| ApiError::internal(what, &e)
}
