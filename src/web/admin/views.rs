//! How the admin API shows assessments and credentials.

use super::ApiError;
use crate::issuance::revocation::CredentialStatus;
use crate::issuance::{self, Issuer};
use crate::store::{CredentialRecord, CredentialState};
use crate::web::error::store_failure;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A recorded assessment result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentView {
    /// Record id.
    pub id: String,
    /// The candidate's internal id.
    pub candidate_id: String,
    /// Certification slug.
    pub certification: String,
    /// Attempt number.
    pub attempt: i64,
    /// `written` or `lab`.
    pub kind: String,
    /// Written: the percent score.
    pub score: Option<f64>,
    /// Written: the pass mark in force.
    pub pass_mark: Option<f64>,
    /// Whether the stage was passed.
    pub passed: bool,
    /// Lab: the grading engineer.
    pub grader: Option<String>,
    /// Assessment date, `YYYY-MM-DD`.
    pub assessed_on: String,
    /// When it was recorded.
    pub recorded_at: String,
    /// Who recorded it (the token's actor).
    pub recorded_by: String,
}

impl From<crate::store::AssessmentRecord> for AssessmentView {
    fn from(r: crate::store::AssessmentRecord) -> Self {
        AssessmentView {
            id: r.id,
            candidate_id: r.candidate_id,
            certification: r.certification,
            attempt: r.attempt,
            kind: r.kind.as_str().into(),
            score: r.score,
            pass_mark: r.pass_mark,
            passed: r.passed,
            grader: r.grader,
            assessed_on: r.assessed_on,
            recorded_at: r.recorded_at,
            recorded_by: r.recorded_by,
        }
    }
}

/// A credential as the admin API shows it (without the signed document).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CredentialView {
    /// The credential id (`urn:uuid:…`, or the URL a VC-API client gave).
    pub id: String,
    /// `certification`, or `generic` for a credential issued over VC-API
    /// from a client's document (no candidate, certification or attempt).
    pub kind: String,
    /// Certification slug (empty for a generic credential).
    pub certification: String,
    /// The holder's name as signed.
    pub holder_name: String,
    /// The holder's e-mail (never in the credential itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_email: Option<String>,
    /// The candidate's internal id (none for a generic credential).
    pub candidate_id: Option<String>,
    /// Attempt it was issued for (0 for a generic credential).
    pub attempt: i64,
    /// The caller's id of the issuance, if given.
    pub external_id: Option<String>,
    /// When it was issued.
    pub issued_at: String,
    /// `validFrom` as signed.
    pub valid_from: String,
    /// `validUntil` as signed.
    pub valid_until: Option<String>,
    /// `active`, `suspended`, `revoked`, `superseded` or `expired`.
    pub status: String,
    /// The revocation bit is set.
    pub revoked: bool,
    /// The suspension bit is set.
    pub suspended: bool,
    /// The credential this one renews.
    pub renews: Option<String>,
    /// The credential this one corrects.
    pub replaces: Option<String>,
    /// The correction that superseded this one.
    pub superseded_by: Option<String>,
    /// The public verification page.
    pub verification_url: String,
    /// The signed credential (`application/vc`).
    pub credential_url: String,
}

fn status_word(record: &CredentialRecord, bits: &CredentialStatus, now: &str) -> &'static str {
    if record.state == CredentialState::Superseded {
        "superseded"
    } else if bits.revoked {
        "revoked"
    } else if bits.suspended {
        "suspended"
    } else if record.valid_until.as_deref().is_some_and(|u| u < now) {
        "expired"
    } else {
        "active"
    }
}

pub(crate) fn view(
    issuer: &Issuer<'_>,
    record: CredentialRecord,
    holder_email: Option<String>,
    bits: CredentialStatus,
) -> CredentialView {
    let now = issuer.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let public = issuance::badge_data::public_id(&record.id);
    CredentialView {
        status: status_word(&record, &bits, &now).into(),
        revoked: bits.revoked,
        suspended: bits.suspended,
        verification_url: format!("{}/v/{public}", issuer.public_url),
        credential_url: format!("{}/credentials/{public}", issuer.public_url),
        id: record.id,
        kind: record.kind.as_str().into(),
        certification: record.certification,
        holder_name: record.holder_name,
        holder_email,
        candidate_id: record.candidate_id,
        attempt: record.attempt,
        external_id: record.external_id,
        issued_at: record.issued_at,
        valid_from: record.valid_from,
        valid_until: record.valid_until,
        renews: record.renews,
        replaces: record.replaces,
        superseded_by: record.superseded_by,
    }
}

pub(super) async fn full_view(
    issuer: &Issuer<'_>,
    record: CredentialRecord,
) -> Result<(CredentialView, Value), ApiError> {
    let bits = issuer
        .credential_status(&record.id)
        .await
        .map_err(ApiError::from)?;
    let email = match record.candidate_id.as_deref() {
        Some(candidate) => issuer
            .store
            .candidate(candidate)
            .await
            .map_err(store_failure("the candidate could not be read"))?
            .map(|c| c.email),
        None => None,
    };
    let document = serde_json::from_str(&record.document).unwrap_or(Value::Null);
    Ok((view(issuer, record, email, bits), document))
}

/// A credential and its signed document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuedView {
    /// `issued`, or `already_issued` when the same attempt, external id or
    /// renewal was issued before (nothing new was signed; a revoked one is
    /// refused instead).
    pub outcome: String,
    /// The credential.
    pub credential: CredentialView,
    /// The signed credential JSON (exact bytes at `credential_url`).
    #[schema(value_type = Object)]
    pub document: Value,
}
