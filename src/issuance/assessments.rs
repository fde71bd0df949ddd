//! Candidates and assessment results: registering a candidate, recording
//! the written and the lab stage (a registered grader only), each with its
//! audit entry in one transaction; recording the same result twice is a
//! no-op, a different one for the same attempt is refused.

use super::{
    Actor, IssuanceError, Issuer, Role, StageDates, check_attempt, check_date, check_name,
    check_stage_dates, invalid, new_uuid, normalize_email, stamp,
};
use crate::audit::AuditDraft;
use crate::store::{AssessmentKind, AssessmentRecord, CandidateRecord};
use serde_json::json;

/// A written-assessment result to record.
#[derive(Debug, Clone)]
pub struct WrittenInput {
    /// The candidate's e-mail.
    pub email: String,
    /// Certification slug.
    pub certification: String,
    /// Attempt number (from 1).
    pub attempt: i64,
    /// Percent score, 0–100.
    pub score: f64,
    /// `YYYY-MM-DD`.
    pub assessed_on: String,
    /// Exam reference (form or session id).
    pub reference: Option<String>,
}

/// A lab result to record.
#[derive(Debug, Clone)]
pub struct LabInput {
    /// The candidate's e-mail.
    pub email: String,
    /// Certification slug.
    pub certification: String,
    /// Attempt number.
    pub attempt: i64,
    /// Pass or fail.
    pub passed: bool,
    /// Rubric notes.
    pub notes: Option<String>,
    /// `YYYY-MM-DD`.
    pub assessed_on: String,
}

impl Issuer<'_> {
    /// Registers a candidate, or returns the existing one with that e-mail.
    pub async fn register_candidate(
        &self,
        name: &str,
        email: &str,
        external_id: Option<&str>,
        actor: &Actor,
    ) -> Result<CandidateRecord, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let name = check_name(name)?;
        let email = normalize_email(email)?;
        let at = stamp(self.now());
        let mut tx = self.store.begin().await?;
        if let Some(existing) = tx
            .candidates_by_email(std::slice::from_ref(&email))
            .await?
            .pop()
        {
            return Ok(existing);
        }
        let candidate = CandidateRecord {
            id: new_uuid()?.to_string(),
            name,
            email,
            external_id: external_id
                .map(str::to_owned)
                .filter(|s| !s.trim().is_empty()),
            created_at: at.clone(),
        };
        tx.insert_candidates(std::slice::from_ref(&candidate))
            .await?;
        tx.append_audit(
            &[AuditDraft::new(
                &actor.name,
                "candidate.register",
                &candidate.id,
                json!({ "name": candidate.name }),
            )],
            &at,
        )
        .await?;
        tx.commit().await?;
        Ok(candidate)
    }

    pub(super) async fn candidate_by_email(
        &self,
        email: &str,
    ) -> Result<CandidateRecord, IssuanceError> {
        let email = normalize_email(email)?;
        self.store
            .candidate_by_email(&email)
            .await?
            .ok_or(IssuanceError::UnknownCandidate(email))
    }

    /// Records a written-assessment result. Recording the same result again
    /// returns the first record; a different result for the same attempt is refused.
    pub async fn record_written(
        &self,
        input: &WrittenInput,
        actor: &Actor,
    ) -> Result<AssessmentRecord, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let cert = self.certification(&input.certification)?;
        if !(0.0..=100.0).contains(&input.score) || !input.score.is_finite() {
            return Err(invalid(
                "score",
                format!("{} is not a percent score between 0 and 100", input.score),
            ));
        }
        let assessed_on = check_date("written date", &input.assessed_on)?;
        check_stage_dates(
            self.today(),
            StageDates {
                written: Some(&assessed_on),
                ..StageDates::default()
            },
        )?;
        let candidate = self.candidate_by_email(&input.email).await?;
        let record = AssessmentRecord {
            id: new_uuid()?.to_string(),
            candidate_id: candidate.id,
            certification: cert.slug.to_string(),
            attempt: check_attempt(input.attempt)?,
            kind: AssessmentKind::Written,
            score: Some(input.score),
            pass_mark: Some(cert.written.pass_mark),
            passed: input.score >= cert.written.pass_mark,
            grader: None,
            notes: None,
            reference: input.reference.clone().filter(|r| !r.trim().is_empty()),
            assessed_on,
            recorded_at: stamp(self.now()),
            recorded_by: actor.name.clone(),
        };
        self.record(record, actor).await
    }

    /// Records a lab result. Only a registered grader may, and the grader
    /// recorded is the actor.
    pub async fn record_lab(
        &self,
        input: &LabInput,
        actor: &Actor,
    ) -> Result<AssessmentRecord, IssuanceError> {
        // The grader records their own result: same checks as the admin
        // API (registered grader, after a passed written assessment).
        self.record_lab_for(input, &actor.name, actor).await
    }

    /// Whether `actor` may grade labs.
    pub fn check_grader(&self, actor: &Actor) -> Result<(), IssuanceError> {
        if actor.role == Role::Grader && self.graders.iter().any(|g| g.is(&actor.name)) {
            Ok(())
        } else {
            Err(IssuanceError::NotAGrader(actor.name.clone()))
        }
    }

    pub(super) async fn record(
        &self,
        record: AssessmentRecord,
        actor: &Actor,
    ) -> Result<AssessmentRecord, IssuanceError> {
        let mut tx = self.store.begin().await?;
        let key = (
            record.candidate_id.clone(),
            record.certification.clone(),
            record.attempt,
        );
        if let Some(existing) = tx
            .assessments_of(std::slice::from_ref(&key))
            .await?
            .into_iter()
            .find(|a| a.kind == record.kind)
        {
            return if same_result(&existing, &record) {
                Ok(existing)
            } else {
                Err(IssuanceError::AlreadyRecorded(
                    if record.kind == AssessmentKind::Written {
                        "written"
                    } else {
                        "lab"
                    },
                ))
            };
        }
        tx.insert_assessments(std::slice::from_ref(&record)).await?;
        tx.append_audit(&[assessment_audit(&record, actor)], &record.recorded_at)
            .await?;
        tx.commit().await?;
        Ok(record)
    }
}

/// Whether two records of one stage say the same (recording again is a no-op).
pub(super) fn same_result(a: &AssessmentRecord, b: &AssessmentRecord) -> bool {
    a.kind == b.kind
        && a.score == b.score
        && a.passed == b.passed
        && a.grader == b.grader
        && a.assessed_on == b.assessed_on
        && a.notes == b.notes
        && a.reference == b.reference
}

/// The audit entry of a recorded assessment.
pub(super) fn assessment_audit(record: &AssessmentRecord, actor: &Actor) -> AuditDraft {
    AuditDraft::new(
        &actor.name,
        format!("assessment.{}", record.kind.as_str()),
        &record.candidate_id,
        json!({
            "assessment": record.id, "certification": record.certification, "attempt": record.attempt,
            "score": record.score, "pass_mark": record.pass_mark, "passed": record.passed,
            "grader": record.grader, "assessed_on": record.assessed_on,
        }),
    )
}
