//! Assessment results: `POST /api/v1/admin/assessments/written` and
//! `/lab`, recorded as `rosette assess` does.

use super::{ApiError, default_attempt, json_body, json_response};
use crate::issuance::{self, IssuanceError, LabInput, Role, WrittenInput};
use crate::web::auth::{AdminCaller, StaffCaller, issuer_of};
use crate::web::error::{ErrorCode, Problem};
use crate::web::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::AssessmentView;

/// A written-assessment result to record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WrittenRequest {
    /// The candidate's e-mail.
    pub email: String,
    /// The candidate's name; needed when the e-mail is not registered yet.
    #[serde(default)]
    pub name: Option<String>,
    /// The candidate's id in another system, stored on registration.
    #[serde(default)]
    pub candidate_id: Option<String>,
    /// Certification slug.
    pub certification: String,
    /// Attempt number (1–1000).
    #[serde(default = "default_attempt")]
    pub attempt: i64,
    /// Percent score, 0–100.
    pub score: f64,
    /// Assessment date, `YYYY-MM-DD`.
    pub date: String,
    /// Exam form or session reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// `POST /api/v1/admin/assessments/written`: records a written score
/// (registering the candidate when new), like `rosette assess written`.
#[utoipa::path(
    post,
    path = "/api/v1/admin/assessments/written",
    tag = "admin",
    summary = "Record a written-assessment score",
    description = "Records the score of an attempt's written assessment; a new e-mail is registered \
as a candidate when `name` is given. Recording the same result again returns the first record; a \
different result for the same attempt is a 409. Scope `admin`.",
    request_body = WrittenRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded.", body = AssessmentView),
        (status = 400, response = crate::web::error::NotJson),
        (status = 409, description = "The attempt's written stage is recorded with a different result.", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = crate::web::error::BodyTooLarge),
        (status = 422, description = "Unknown certification, bad e-mail, score or date, unregistered candidate without a name.", body = Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn record_written(
    State(state): State<AppState>,
    AdminCaller(caller): AdminCaller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let issuer = issuer_of(&state)?;
    let req: WrittenRequest = json_body(body)?;
    let input = WrittenInput {
        email: req.email,
        certification: req.certification,
        attempt: req.attempt,
        score: req.score,
        assessed_on: req.date,
        reference: req.reference,
    };
    let record = issuer
        .record_written_registering(
            input,
            req.name.as_deref(),
            req.candidate_id.as_deref(),
            &caller.actor,
        )
        .await
        .map_err(|e| {
            let unknown = matches!(e, issuance::IssuanceError::UnknownCandidate(_));
            let err = ApiError::from(e);
            if unknown { err.field("name") } else { err }
        })?;
    Ok(json_response(
        StatusCode::CREATED,
        &AssessmentView::from(record),
    ))
}

/// A lab result.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LabOutcome {
    /// Passed.
    Pass,
    /// Failed.
    Fail,
}

/// A hands-on lab result to record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabRequest {
    /// The candidate's e-mail.
    pub email: String,
    /// Certification slug.
    pub certification: String,
    /// Attempt number (1–1000).
    #[serde(default = "default_attempt")]
    pub attempt: i64,
    /// `pass` or `fail`.
    pub result: LabOutcome,
    /// The grading engineer (a registered grader). Required with an admin
    /// token; with a grader token it is the token's name and may be left out.
    #[serde(default)]
    pub grader: Option<String>,
    /// Lab date, `YYYY-MM-DD`.
    pub date: String,
    /// Rubric notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// `POST /api/v1/admin/assessments/lab`: records a lab result. A grader
/// token records as its own grader (its name must be a registered grader);
/// an admin token names the grader. The lab follows a passed written
/// assessment of the same attempt.
#[utoipa::path(
    post,
    path = "/api/v1/admin/assessments/lab",
    tag = "admin",
    summary = "Record a hands-on lab result",
    description = "Only a registered Professional Services grader grades a lab: a `grader` token \
records as itself (the token's name is the grader), an `admin` token names the grader in `grader`. \
The attempt's written assessment must be recorded and passed first.",
    request_body = LabRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded.", body = AssessmentView),
        (status = 400, response = crate::web::error::NotJson),
        (status = 401, response = crate::web::error::Unauthorized),
        (status = 429, response = crate::web::error::AuthThrottled),
        (status = 403, description = "A grader token that is not a registered grader, or that names another grader.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The attempt's lab stage is recorded with a different result.", body = Problem, content_type = "application/problem+json"),
        (status = 413, response = crate::web::error::BodyTooLarge),
        (status = 422, description = "Unknown certification or candidate, bad date, unregistered grader, no passed written assessment.", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn record_lab(
    State(state): State<AppState>,
    StaffCaller(caller): StaffCaller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let issuer = issuer_of(&state)?;
    let req: LabRequest = json_body(body)?;
    let grader = match caller.actor.role {
        Role::Grader => {
            if let Some(named) = &req.grader
                && !named.trim().eq_ignore_ascii_case(caller.token_name.trim())
            {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    ErrorCode::GraderMismatch,
                    format!(
                        "this token records results as {}, not as {named}",
                        caller.token_name
                    ),
                )
                .field("grader"));
            }
            caller.token_name.clone()
        }
        // StaffCaller admits no other scope; refused all the same.
        Role::Issuer => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::InsufficientScope,
                format!("an issuer token may not call {}", caller.route),
            ));
        }
        Role::Admin => req
            .grader
            .clone()
            .filter(|g| !g.trim().is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::InvalidInput,
                    "grader: name the registered grader who graded the lab",
                )
                .field("grader")
            })?,
    };
    let input = LabInput {
        email: req.email,
        certification: req.certification,
        attempt: req.attempt,
        passed: matches!(req.result, LabOutcome::Pass),
        notes: req.notes,
        assessed_on: req.date,
    };
    let record = issuer
        .record_lab_for(&input, &grader, &caller.actor)
        .await
        .map_err(|e| match (&e, caller.actor.role) {
            // A grader token whose own name is not a registered grader.
            (IssuanceError::NotAGrader(_), Role::Grader) => {
                ApiError::new(StatusCode::FORBIDDEN, ErrorCode::NotAGrader, e.to_string())
            }
            _ => ApiError::from(e),
        })?;
    Ok(json_response(
        StatusCode::CREATED,
        &AssessmentView::from(record),
    ))
}
