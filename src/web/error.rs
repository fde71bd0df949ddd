//! The one error answer of the HTTP API: RFC 9457 problem details
//! (`application/problem+json`), written by [`ApiError`]'s `IntoResponse`.
//!
//! Three bodies share the one [`Problem`] shape: the admin API's (a stable
//! [`ErrorCode`], its fixed title, `detail`, `field`), the public routes'
//! (`about:blank` with a title of their own, a `code` for errors made
//! outside the handlers) and the VC-API's (`type` a VC Data Model error
//! kind, VCDM 2.0 §7.1). A 5xx never tells the client its cause: the cause
//! rides in the response's extensions ([`ErrorCause`]) and the request log
//! layer (`layers::observe`) logs it once, with the request id.

use crate::issuance::IssuanceError;
use crate::model::strict_json;
use crate::render::RenderError;
use crate::store::StoreError;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::borrow::Cow;
use utoipa::ToSchema;

/// The base of the VC Data Model's error types (VCDM 2.0 §7.1); a type is
/// this followed by the error's kind, e.g. `PARSING_ERROR`.
pub const VCDM_ERRORS: &str = "https://www.w3.org/TR/vc-data-model#";

/// An error (RFC 9457 problem details), sent as `application/problem+json`.
/// Members other than these may appear (RFC 9457 §3.2 extension members).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"type": "about:blank", "title": "The request is invalid", "status": 422, "code": "invalid_input", "detail": "email: \"x\" is not an e-mail address", "field": "email"}))]
pub struct Problem {
    /// The problem type (a URI reference): `about:blank`, or a VC Data
    /// Model error type such as
    /// `https://www.w3.org/TR/vc-data-model#PARSING_ERROR`.
    #[serde(rename = "type")]
    #[schema(format = "uri-reference")]
    pub problem_type: String,
    /// A short, human-readable summary; on the admin API the same for every
    /// problem with this `code`.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A stable machine code: always on the admin API (`invalid_token`,
    /// `unknown_certification`, `status_conflict`, …), and on errors made
    /// outside the handlers (`body_too_large`, `timeout`, `rate_limited`,
    /// `internal_error`, …); on the verification API, `empty_batch`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub code: Option<String>,
    /// What exactly is wrong, when there is more to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub detail: Option<String>,
    /// The input field at fault, when known (admin API).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub field: Option<String>,
    /// Seconds to wait before trying again (429 only; also sent as `Retry-After`).
    #[serde(rename = "retryAfter", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub retry_after: Option<u64>,
}

/// The stable machine codes of error answers (the `code` member).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// 401: no bearer token.
    Unauthorized,
    /// 401: an unknown or revoked token.
    InvalidToken,
    /// 403: the token's scope does not allow the call.
    InsufficientScope,
    /// 403: a grader token naming another grader.
    GraderMismatch,
    /// 404: this server does not issue.
    NotIssuing,
    /// 404: the issuer is a did:key: there is no did:web document.
    NotDidWeb,
    /// 400: the body is not JSON.
    MalformedJson,
    /// 400: an object in the body names a member twice (RFC 7493 §2.3).
    JsonDuplicateKey,
    /// 400/422: the body does not have the expected shape.
    InvalidRequest,
    /// 400: a malformed or unknown query parameter.
    InvalidQuery,
    /// 400: the body could not be read.
    UnreadableBody,
    /// 413: the body is over the limit.
    BodyTooLarge,
    /// 415: a content type the route does not take.
    UnsupportedMediaType,
    /// 422: no such certification in the catalog.
    UnknownCertification,
    /// 422: no such candidate.
    UnknownCandidate,
    /// 404: no such credential.
    UnknownCredential,
    /// 422: an invalid value.
    InvalidInput,
    /// 403/422: not a registered grader.
    NotAGrader,
    /// 403: not allowed.
    Forbidden,
    /// 403: an `issuer` token sent a catalog certification over VC-API.
    CertificationGated,
    /// 422: an assessment stage is missing.
    StageMissing,
    /// 422: an assessment stage was not passed.
    StageFailed,
    /// 409: recorded before with a different result.
    AlreadyRecorded,
    /// 409: the credential was superseded.
    Superseded,
    /// 409: the status change conflicts with the credential's status.
    StatusConflict,
    /// 409: the external id belongs to another issuance.
    ExternalIdConflict,
    /// 409: the attempt was issued before, and that credential is revoked.
    Revoked,
    /// 422: an assessment is dated after tomorrow (UTC).
    DateInFuture,
    /// 422: the lab is dated before its written stage.
    LabBeforeWritten,
    /// 422: the credential would be issued before its lab.
    IssuedBeforeLab,
    /// 422: the credential cannot be built or signed.
    InvalidCredential,
    /// 409: a conflict with a stored record.
    Conflict,
    /// 404: no such record.
    NotFound,
    /// 503: this node's signing key was retired.
    KeyRetired,
    /// 503: a dependency (the database) did not answer.
    Unavailable,
    /// 500: the cause was logged.
    InternalError,
    /// 503: the request took longer than `request_timeout`.
    Timeout,
    /// 408: the body arrived too slowly.
    BodyTimeout,
    /// 405: the method is not allowed on the path.
    MethodNotAllowed,
    /// 429: too many requests.
    RateLimited,
    /// 400: a verification request with nothing to verify (an empty batch,
    /// form or roster).
    EmptyBatch,
    /// 404: no wallet claim has this link.
    ClaimUnknown,
    /// 410: the wallet claim expired.
    ClaimExpired,
    /// 410: the wallet claim was redeemed already.
    ClaimUsed,
    /// 410: too many wrong transaction codes.
    ClaimLocked,
    /// 409: the credential cannot be copied into a wallet now.
    CredentialNotValid,
    /// 400: the presentation's challenge is not this exchange's, or is used or expired.
    ChallengeInvalid,
    /// 400: the holder DID cannot be bound.
    HolderInvalid,
    /// 422: the holder's presentation did not verify.
    PresentationInvalid,
    /// Any other status made outside the handlers.
    Error,
}

impl ErrorCode {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::InsufficientScope => "insufficient_scope",
            ErrorCode::GraderMismatch => "grader_mismatch",
            ErrorCode::NotIssuing => "not_issuing",
            ErrorCode::NotDidWeb => "not_did_web",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::JsonDuplicateKey => "json_duplicate_key",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidQuery => "invalid_query",
            ErrorCode::UnreadableBody => "unreadable_body",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::UnknownCertification => "unknown_certification",
            ErrorCode::UnknownCandidate => "unknown_candidate",
            ErrorCode::UnknownCredential => "unknown_credential",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotAGrader => "not_a_grader",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CertificationGated => "certification_gated",
            ErrorCode::StageMissing => "stage_missing",
            ErrorCode::StageFailed => "stage_failed",
            ErrorCode::AlreadyRecorded => "already_recorded",
            ErrorCode::Superseded => "superseded",
            ErrorCode::StatusConflict => "status_conflict",
            ErrorCode::ExternalIdConflict => "external_id_conflict",
            ErrorCode::Revoked => "revoked",
            ErrorCode::DateInFuture => "date_in_future",
            ErrorCode::LabBeforeWritten => "lab_before_written",
            ErrorCode::IssuedBeforeLab => "issued_before_lab",
            ErrorCode::InvalidCredential => "invalid_credential",
            ErrorCode::Conflict => "conflict",
            ErrorCode::NotFound => "not_found",
            ErrorCode::KeyRetired => "key_retired",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::InternalError => "internal_error",
            ErrorCode::Timeout => "timeout",
            ErrorCode::BodyTimeout => "body_timeout",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::EmptyBatch => "empty_batch",
            ErrorCode::ClaimUnknown => "claim_unknown",
            ErrorCode::ClaimExpired => "claim_expired",
            ErrorCode::ClaimUsed => "claim_used",
            ErrorCode::ClaimLocked => "claim_locked",
            ErrorCode::CredentialNotValid => "credential_not_valid",
            ErrorCode::ChallengeInvalid => "challenge_invalid",
            ErrorCode::HolderInvalid => "holder_invalid",
            ErrorCode::PresentationInvalid => "presentation_invalid",
            ErrorCode::Error => "error",
        }
    }

    /// The title the admin API gives every problem with this code (the
    /// codes made outside the handlers come with titles of their own).
    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "A bearer token is required",
            ErrorCode::InvalidToken => "The token is unknown or revoked",
            ErrorCode::InsufficientScope => "The token's scope does not allow this",
            ErrorCode::GraderMismatch => "A grader token records results as its own grader only",
            ErrorCode::NotIssuing => "This server does not issue credentials",
            ErrorCode::NotDidWeb => "The issuer is a did:key; there is no did:web document",
            ErrorCode::MalformedJson => "The body is not JSON",
            ErrorCode::JsonDuplicateKey => "The body's JSON repeats an object key",
            ErrorCode::InvalidRequest => "The request does not have the expected shape",
            ErrorCode::InvalidQuery => "The query string is invalid",
            ErrorCode::UnreadableBody => "The body could not be read",
            ErrorCode::BodyTooLarge => "The body is too large",
            ErrorCode::UnsupportedMediaType => "Unsupported content type",
            ErrorCode::UnknownCertification => "Unknown certification",
            ErrorCode::UnknownCandidate => "Unknown candidate",
            ErrorCode::UnknownCredential => "No such credential",
            ErrorCode::InvalidInput => "The request is invalid",
            ErrorCode::NotAGrader => "Not a registered grader",
            ErrorCode::Forbidden => "Not allowed",
            ErrorCode::CertificationGated => {
                "Certifications are issued only after both assessment stages"
            }
            ErrorCode::StageMissing => "An assessment stage is missing",
            ErrorCode::StageFailed => "An assessment stage was not passed",
            ErrorCode::AlreadyRecorded => "Already recorded with a different result",
            ErrorCode::Superseded => "The credential was superseded",
            ErrorCode::StatusConflict => "The status change conflicts with the credential's status",
            ErrorCode::ExternalIdConflict => "The external id belongs to another issuance",
            ErrorCode::Revoked => "The credential issued before is revoked",
            ErrorCode::DateInFuture => "A date is in the future",
            ErrorCode::LabBeforeWritten => "The lab is dated before the written assessment",
            ErrorCode::IssuedBeforeLab => "The issue date is before the lab",
            ErrorCode::InvalidCredential => "The credential cannot be built",
            ErrorCode::Conflict => "Conflict with an existing record",
            ErrorCode::NotFound => "Not found",
            ErrorCode::KeyRetired => "This node's signing key was retired",
            ErrorCode::Unavailable => "Temporarily unavailable",
            ErrorCode::InternalError => "Internal error",
            ErrorCode::Timeout => "The request took too long",
            ErrorCode::BodyTimeout => "The body arrived too slowly",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::RateLimited => "Too many requests",
            ErrorCode::EmptyBatch => "There is nothing to verify",
            ErrorCode::ClaimUnknown => "No such claim link",
            ErrorCode::ClaimExpired => "The claim link expired",
            ErrorCode::ClaimUsed => "The claim link was already used",
            ErrorCode::ClaimLocked => "The claim link is locked",
            ErrorCode::CredentialNotValid => "The credential is not valid now",
            ErrorCode::ChallengeInvalid => "The challenge is not valid",
            ErrorCode::HolderInvalid => "The holder cannot be bound",
            ErrorCode::PresentationInvalid => "The presentation did not verify",
            ErrorCode::Error => "Error",
        }
    }

    /// Every code, for parsing wire strings back.
    const ALL: [ErrorCode; 50] = [
        ErrorCode::Unauthorized,
        ErrorCode::InvalidToken,
        ErrorCode::InsufficientScope,
        ErrorCode::GraderMismatch,
        ErrorCode::NotIssuing,
        ErrorCode::NotDidWeb,
        ErrorCode::MalformedJson,
        ErrorCode::JsonDuplicateKey,
        ErrorCode::InvalidRequest,
        ErrorCode::InvalidQuery,
        ErrorCode::UnreadableBody,
        ErrorCode::BodyTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::UnknownCertification,
        ErrorCode::UnknownCandidate,
        ErrorCode::UnknownCredential,
        ErrorCode::InvalidInput,
        ErrorCode::NotAGrader,
        ErrorCode::Forbidden,
        ErrorCode::CertificationGated,
        ErrorCode::StageMissing,
        ErrorCode::StageFailed,
        ErrorCode::AlreadyRecorded,
        ErrorCode::Superseded,
        ErrorCode::StatusConflict,
        ErrorCode::ExternalIdConflict,
        ErrorCode::Revoked,
        ErrorCode::DateInFuture,
        ErrorCode::LabBeforeWritten,
        ErrorCode::IssuedBeforeLab,
        ErrorCode::InvalidCredential,
        ErrorCode::Conflict,
        ErrorCode::NotFound,
        ErrorCode::KeyRetired,
        ErrorCode::Unavailable,
        ErrorCode::InternalError,
        ErrorCode::Timeout,
        ErrorCode::BodyTimeout,
        ErrorCode::MethodNotAllowed,
        ErrorCode::RateLimited,
        ErrorCode::EmptyBatch,
        ErrorCode::ClaimUnknown,
        ErrorCode::ClaimExpired,
        ErrorCode::ClaimUsed,
        ErrorCode::ClaimLocked,
        ErrorCode::CredentialNotValid,
        ErrorCode::ChallengeInvalid,
        ErrorCode::HolderInvalid,
        ErrorCode::PresentationInvalid,
        ErrorCode::Error,
    ];

    /// The code whose wire string is `s`.
    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The code of an issuance refusal: the one table is
    /// [`IssuanceError::code`], which the CLI and bulk results use too; its
    /// internal failures (`store_error`, `signing_failed`, `random_failed`)
    /// are opaque internal errors here, and a record the store did not find
    /// is `not_found`.
    fn of_issuance(e: &IssuanceError) -> Self {
        match e {
            IssuanceError::Store(StoreError::NotFound(_)) => ErrorCode::NotFound,
            other => Self::from_wire(other.code()).unwrap_or(ErrorCode::InternalError),
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an answer failed, for the log only: put in the response's
/// extensions by [`ApiError`] and logged once by the request log layer
/// (`layers::observe`) with the request id (error level for a 5xx,
/// info otherwise).
#[derive(Debug, Clone)]
pub struct ErrorCause {
    /// What failed, e.g. "the credential could not be read".
    pub what: Cow<'static, str>,
    /// The underlying error's message.
    pub cause: String,
}

impl ErrorCause {
    /// Attaches the cause of a failed answer that is not a problem body
    /// (an HTML page), for the request log layer to log.
    pub fn attach(
        mut response: Response,
        what: &'static str,
        cause: &dyn std::fmt::Display,
    ) -> Response {
        response.extensions_mut().insert(ErrorCause {
            what: Cow::Borrowed(what),
            cause: cause.to_string(),
        });
        response
    }
}

/// An error answer of any route: status, [`Problem`] body, and the
/// `WWW-Authenticate` / `Retry-After` headers when they apply.
#[derive(Debug)]
pub struct ApiError(Box<Parts>);

/// What [`ApiError`] holds (boxed: errors travel in `Result`s).
#[derive(Debug)]
struct Parts {
    status: StatusCode,
    problem_type: Cow<'static, str>,
    /// `None`: the code's title.
    title: Option<Cow<'static, str>>,
    code: Option<ErrorCode>,
    detail: Option<String>,
    field: Option<String>,
    challenge: Option<String>,
    retry_after: Option<u64>,
    cause: Option<ErrorCause>,
}

impl ApiError {
    fn blank(status: StatusCode) -> Self {
        ApiError(Box::new(Parts {
            status,
            problem_type: Cow::Borrowed("about:blank"),
            title: None,
            code: None,
            detail: None,
            field: None,
            challenge: None,
            retry_after: None,
            cause: None,
        }))
    }

    /// An admin API answer: `code` with its fixed title, and `detail`.
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        let mut e = ApiError::blank(status);
        e.0.code = Some(code);
        e.0.detail = Some(detail.into());
        e
    }

    /// A public answer: `about:blank` with `title`, no code.
    pub fn titled(status: StatusCode, title: impl Into<Cow<'static, str>>) -> Self {
        let mut e = ApiError::blank(status);
        e.0.title = Some(title.into());
        e
    }

    /// A VC-API answer: the problem type is the VC Data Model error `kind`
    /// (VCDM 2.0 §7.1, e.g. `PARSING_ERROR`), the title says what is wrong.
    pub fn vc(status: StatusCode, kind: &str, title: impl Into<Cow<'static, str>>) -> Self {
        let mut e = ApiError::titled(status, title);
        e.0.problem_type = Cow::Owned(format!("{VCDM_ERRORS}{kind}"));
        e
    }

    /// A 500 whose body names no cause; the cause is logged.
    pub fn internal(what: &'static str, cause: &dyn std::fmt::Display) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::InternalError,
            format!("{what}; the cause was logged"),
        )
        .caused_by(what, cause)
    }

    /// With a stable machine code (a public answer keeps its own title).
    pub fn with_code(mut self, code: ErrorCode) -> Self {
        self.0.code = Some(code);
        self
    }

    /// With the input field at fault.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.0.field = Some(field.into());
        self
    }

    /// With a `WWW-Authenticate` challenge (RFC 6750 §3).
    pub fn challenge(mut self, challenge: impl Into<String>) -> Self {
        self.0.challenge = Some(challenge.into());
        self
    }

    /// With `retryAfter` and a `Retry-After` header, whole seconds.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.0.retry_after = Some(seconds);
        self
    }

    /// With the cause to log (never sent to the client).
    pub fn caused_by(
        mut self,
        what: impl Into<Cow<'static, str>>,
        cause: &dyn std::fmt::Display,
    ) -> Self {
        self.0.cause = Some(ErrorCause {
            what: what.into(),
            cause: cause.to_string(),
        });
        self
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The machine code, if any.
    pub fn code(&self) -> Option<ErrorCode> {
        self.0.code
    }

    /// 400 for a body that is not JSON, 422 for JSON of the wrong shape.
    pub fn from_json(e: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidRequest,
                format!("the body does not have the expected shape: {e}"),
            ),
            _ => ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::MalformedJson,
                format!("the body is not JSON: {e}"),
            ),
        }
    }

    /// The answer for a body that could not be read (413 over the limit).
    pub fn from_body(e: &BytesRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BodyTooLarge,
                "the body is larger than the server's limit",
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::UnreadableBody,
                "the body could not be read",
            )
        }
    }

    /// The body.
    pub fn problem(&self) -> Problem {
        let title = match (&self.0.title, self.0.code) {
            (Some(t), _) => t.to_string(),
            (None, Some(code)) => code.title().to_owned(),
            (None, None) => self
                .0
                .status
                .canonical_reason()
                .unwrap_or("error")
                .to_owned(),
        };
        Problem {
            problem_type: self.0.problem_type.to_string(),
            title,
            status: self.0.status.as_u16(),
            code: self.0.code.map(|c| c.as_str().to_owned()),
            detail: self.0.detail.clone(),
            field: self.0.field.clone(),
            retry_after: self.0.retry_after,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.status.as_u16())?;
        if let Some(code) = self.0.code {
            write!(f, " {code}")?;
        }
        if let Some(cause) = &self.0.cause {
            write!(f, ": {}: {}", cause.what, cause.cause)?;
        }
        Ok(())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Plain strings and numbers: serializing cannot fail.
        let text = serde_json::to_string(&self.problem()).unwrap_or_else(|_| "{}".into());
        let mut response = (
            self.0.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            text,
        )
            .into_response();
        let headers = response.headers_mut();
        if let Some(challenge) = self.0.challenge
            && let Ok(v) = HeaderValue::from_str(&challenge)
        {
            headers.insert(header::WWW_AUTHENTICATE, v);
        }
        if let Some(secs) = self.0.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, v);
        }
        if let Some(cause) = self.0.cause {
            response.extensions_mut().insert(cause);
        }
        response
    }
}

/// A VC-API error answer: the problem type is the VC Data Model error
/// `kind` (VCDM 2.0 §7.1), the title `detail`.
pub fn vc_problem(status: StatusCode, kind: &str, detail: &str) -> Response {
    ApiError::vc(status, kind, detail.to_owned()).into_response()
}

/// `body` parsed as strict JSON, or why not: the message, and for a
/// repeated object key (RFC 7493 §2.3) the key's path.
fn strict_json_or_why(body: &[u8]) -> Result<serde_json::Value, (String, Option<String>)> {
    strict_json::from_slice(body).map_err(|e| match e.path() {
        Some(path) => (
            format!("the body is not I-JSON: {e}"),
            Some(path.to_owned()),
        ),
        None => (format!("the body is not JSON: {e}"), None),
    })
}

/// The body of a VC-API style request parsed as strict JSON, or the 400
/// answer (VCDM 2.0 §7.1 `PARSING_ERROR`) saying why it is not JSON; a
/// repeated object key (RFC 7493 §2.3) has the code `json_duplicate_key`
/// and the key's path as `field`.
pub fn vc_json_body(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    strict_json_or_why(body).map_err(|(message, path)| {
        let answer = ApiError::vc(StatusCode::BAD_REQUEST, "PARSING_ERROR", message);
        match path {
            Some(path) => answer.with_code(ErrorCode::JsonDuplicateKey).field(path),
            None => answer,
        }
    })
}

/// A JSON request body holding a credential, parsed as strict JSON: 400
/// `malformed_json`, or 400 `json_duplicate_key` naming the repeated key
/// and its path (RFC 7493 §2.3).
pub fn strict_json_body(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    strict_json_or_why(body).map_err(|(message, path)| match path {
        Some(path) => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::JsonDuplicateKey,
            message,
        )
        .field(path),
        None => ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::MalformedJson, message),
    })
}

/// An issuance refusal: 404 unknown credential, 403 not allowed, 409
/// conflicts with what is recorded, 422 invalid input, 500 (opaque) for
/// store and signing failures.
/// The HTTP status and code of a refused claim step (the API's and the
/// claim page's).
pub fn claim_status(e: &crate::issuance::claims::ClaimError) -> StatusCode {
    claim_answer(e).0
}

fn claim_answer(e: &crate::issuance::claims::ClaimError) -> (StatusCode, ErrorCode) {
    use crate::issuance::claims::ClaimError as C;
    match e {
        C::Issuance(_) if e.is_internal() => {
            (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::InternalError)
        }
        C::Issuance(inner) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::of_issuance(inner),
        ),
        C::Unknown => (StatusCode::NOT_FOUND, ErrorCode::ClaimUnknown),
        C::Expired(_) => (StatusCode::GONE, ErrorCode::ClaimExpired),
        C::Redeemed(_) => (StatusCode::GONE, ErrorCode::ClaimUsed),
        C::Locked => (StatusCode::GONE, ErrorCode::ClaimLocked),
        C::NotValid(_) => (StatusCode::CONFLICT, ErrorCode::CredentialNotValid),
        C::Challenge(_) => (StatusCode::BAD_REQUEST, ErrorCode::ChallengeInvalid),
        C::Holder(_) => (StatusCode::BAD_REQUEST, ErrorCode::HolderInvalid),
        C::TxCodeWrong
        | C::TxCodeRequest(_)
        | C::WrongProtocol(_)
        | C::CodeUsed
        | C::AccessToken
        | C::Nonce => (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest),
    }
}

impl From<crate::issuance::claims::ClaimError> for ApiError {
    fn from(e: crate::issuance::claims::ClaimError) -> Self {
        use crate::issuance::claims::ClaimError as C;
        match &e {
            C::Issuance(IssuanceError::Store(StoreError::Unavailable(_))) => unavailable(&e),
            _ if e.is_internal() => ApiError::internal("the claim could not be completed", &e),
            _ => {
                let (status, code) = claim_answer(&e);
                ApiError::new(status, code, e.to_string())
            }
        }
    }
}

impl From<IssuanceError> for ApiError {
    fn from(e: IssuanceError) -> Self {
        let status = match &e {
            IssuanceError::UnknownCredential(_) => StatusCode::NOT_FOUND,
            IssuanceError::Forbidden(_) | IssuanceError::CertificationGated => {
                StatusCode::FORBIDDEN
            }
            IssuanceError::AlreadyRecorded(_)
            | IssuanceError::StatusConflict(_)
            | IssuanceError::Superseded(..)
            | IssuanceError::ExternalIdConflict(_)
            | IssuanceError::RepeatRevoked { .. }
            | IssuanceError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            IssuanceError::Store(StoreError::NotFound(_)) => StatusCode::NOT_FOUND,
            IssuanceError::Store(StoreError::Unavailable(_)) => return unavailable(&e),
            IssuanceError::Store(_) | IssuanceError::Signing(_) | IssuanceError::Random(_) => {
                return ApiError::internal("the operation failed", &e);
            }
            IssuanceError::UnknownCertification(_)
            | IssuanceError::UnknownCandidate(_)
            | IssuanceError::Invalid { .. }
            | IssuanceError::NotAGrader(_)
            | IssuanceError::StageMissing(_)
            | IssuanceError::StageFailed { .. }
            | IssuanceError::DateRefused { .. }
            | IssuanceError::Input(_)
            | IssuanceError::Model(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let code = ErrorCode::of_issuance(&e);
        let mut err = match &e {
            // The database's own words (constraint names, SQL) stay in the log.
            IssuanceError::Store(StoreError::Conflict(_)) => ApiError::new(
                status,
                code,
                "this conflicts with a record already stored (a duplicate id or external id?)",
            )
            .caused_by("refused: conflicts with a stored record", &e),
            IssuanceError::Store(StoreError::NotFound(_)) => {
                ApiError::new(status, code, "no such record")
            }
            other => ApiError::new(status, code, other.to_string()),
        };
        match &e {
            IssuanceError::Invalid { field, .. } => err.0.field = Some((*field).to_owned()),
            IssuanceError::Input(p) => err.0.field = Some(p.field.clone()),
            _ => {}
        }
        err
    }
}

/// A store failure: 503 `unavailable` when the database cannot be reached
/// (the client may try again), otherwise an opaque 500; the cause is logged.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => unavailable(&e),
            _ => ApiError::internal("the store failed", &e),
        }
    }
}

/// 503 `unavailable` for a database that cannot be reached; the cause is logged.
fn unavailable(cause: &dyn std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Unavailable,
        "the database cannot be reached right now; try again",
    )
    .caused_by("the database cannot be reached", cause)
}

/// A rendering failure: an opaque 500 (the cause is logged).
impl From<RenderError> for ApiError {
    fn from(e: RenderError) -> Self {
        ApiError::titled(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the image could not be rendered",
        )
        .caused_by("the image could not be rendered", &e)
    }
}

/// An opaque 500 for a failed store read, `what` logged with the cause
/// (503 `unavailable` when the database cannot be reached).
pub fn store_failure(what: &'static str) -> impl Fn(StoreError) -> ApiError {
    move |e| match e {
        StoreError::Unavailable(_) => unavailable(&e),
        _ => ApiError::internal(what, &e),
    }
}

// ---------------------------------------------------------------------------
// OpenAPI: the error responses many operations share

/// Declares reusable `application/problem+json` responses, each one entry
/// of the document's `components.responses` that operations reference by
/// `response = …` instead of repeating the row.
macro_rules! problem_responses {
    ($($(#[doc = $doc:literal])* $name:ident => $description:literal;)*) => {$(
        $(#[doc = $doc])*
        #[derive(utoipa::ToResponse)]
        #[response(description = $description, content_type = "application/problem+json")]
        pub struct $name(pub Problem);
    )*};
}

problem_responses! {
    /// 400 from a body that is not JSON.
    NotJson => "The body is not JSON.";
    /// 400 from a malformed or unknown query parameter.
    BadQuery => "A malformed or unknown query parameter.";
    /// 401 from the admin API.
    Unauthorized => "No token, or an unknown or revoked one.";
    /// 403 from the admin API for a grader token.
    GraderToken => "A grader token.";
    /// 404 for an unknown credential.
    NoSuchCredential => "No such credential.";
    /// 413 from the body limit.
    BodyTooLarge => "The body is too large.";
    /// 422 for a status change without a reason.
    NoReason => "No reason.";
    /// 429 from the public routes' rate limit.
    RateLimited => "Too many requests from this address; see `Retry-After`.";
    /// 429 from the admin API's budget of failed token checks.
    AuthThrottled => "Too many failed token checks from this address; see `Retry-After`.";
    /// 503 from the request timeout.
    TimedOut => "The request took longer than `request_timeout`.";
}

/// The refusals every admin-scope call can meet: 401 (no token, or an
/// unknown or revoked one), 403 (a grader token) and 429 (too many failed
/// token checks from the address).
#[derive(utoipa::IntoResponses)]
pub enum AdminScope {
    /// 401.
    #[response(status = 401)]
    Unauthorized(#[ref_response] Unauthorized),
    /// 403.
    #[response(status = 403)]
    GraderToken(#[ref_response] GraderToken),
    /// 429.
    #[response(status = 429)]
    AuthThrottled(#[ref_response] AuthThrottled),
}

/// The refusals the three status changes share: 400 (not JSON), 404 (no
/// such credential), 413 (too large) and 422 (no reason).
#[derive(utoipa::IntoResponses)]
pub enum StatusChangeRefusals {
    /// 400.
    #[response(status = 400)]
    NotJson(#[ref_response] NotJson),
    /// 404.
    #[response(status = 404)]
    NoSuchCredential(#[ref_response] NoSuchCredential),
    /// 413.
    #[response(status = 413)]
    BodyTooLarge(#[ref_response] BodyTooLarge),
    /// 422.
    #[response(status = 422)]
    NoReason(#[ref_response] NoReason),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_from_its_wire_string_and_has_its_own() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            assert_eq!(ErrorCode::from_wire(code.as_str()), Some(code));
            assert!(!code.title().is_empty());
        }
        assert_eq!(ErrorCode::from_wire("no_such_code"), None);
    }

    #[test]
    fn issuance_refusals_keep_their_code_and_internal_failures_are_opaque() {
        let refusals = [
            IssuanceError::UnknownCertification(
                crate::catalog::Catalog::default().find("x").unwrap_err(),
            ),
            IssuanceError::StageMissing("lab"),
            IssuanceError::AlreadyRecorded("written"),
            IssuanceError::Store(StoreError::Conflict("uniq".into())),
        ];
        for e in refusals {
            let code = ErrorCode::of_issuance(&e);
            assert_eq!(code.as_str(), e.code(), "{e}");
            assert!(ApiError::from(e).status().is_client_error());
        }
        let failures = [
            IssuanceError::Random("no entropy".into()),
            IssuanceError::Store(StoreError::Corrupt("row".into())),
        ];
        for e in failures {
            assert_eq!(ErrorCode::of_issuance(&e), ErrorCode::InternalError);
            let err = ApiError::from(e);
            assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::to_string(&err.problem()).expect("serializes");
            assert!(!body.contains("entropy") && !body.contains("row"), "{body}");
        }
        assert_eq!(
            ErrorCode::of_issuance(&IssuanceError::Store(StoreError::NotFound("c".into()))),
            ErrorCode::NotFound
        );
    }

    #[test]
    fn an_unreachable_database_is_503_unavailable_without_its_words() {
        let lost = || {
            StoreError::from(sqlx::Error::Io(std::io::Error::other(
                "conn reset 10.0.0.9",
            )))
        };
        assert!(matches!(lost(), StoreError::Unavailable(_)));
        assert!(matches!(
            StoreError::from(sqlx::Error::PoolTimedOut),
            StoreError::Unavailable(_)
        ));
        for err in [
            ApiError::from(lost()),
            ApiError::from(IssuanceError::Store(lost())),
            store_failure("reading")(lost()),
        ] {
            assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(err.code(), Some(ErrorCode::Unavailable));
            let body = serde_json::to_string(&err.problem()).expect("serializes");
            assert!(!body.contains("10.0.0.9"), "{body}");
        }
    }
}
