//! The business rules every entry point applies — the CLI, the admin API,
//! bulk import and VC-API issuance call these functions and no copies:
//! the stage order (a lab follows a passed written assessment, a credential
//! both passed stages), the date rules, and what counts as a repeated
//! issuance.

use chrono::NaiveDate;

use super::{IssuanceError, revocation::CredentialStatus, score_text};
use crate::store::{AssessmentKind, AssessmentRecord, CredentialRecord};

/// How many days after the server's UTC date an assessment may be dated.
/// Dates are the assessor's local calendar dates, and the server's "today"
/// is the UTC date of its [`Clock`](crate::clock::Clock): one day covers every time zone up to
/// UTC+14, where the local date runs at most one day ahead of UTC.
pub const DATE_TOLERANCE_DAYS: u64 = 1;

/// The dates of one attempt, checked together by [`check_stage_dates`]
/// (an absent one is not checked).
#[derive(Debug, Clone, Copy, Default)]
pub struct StageDates<'a> {
    /// The written assessment's date, `YYYY-MM-DD`.
    pub written: Option<&'a str>,
    /// The lab's date, `YYYY-MM-DD`.
    pub lab: Option<&'a str>,
    /// The UTC date the credential is issued (valid) from.
    pub issued: Option<NaiveDate>,
}

/// The date rules, the one place every entry point (CLI `assess` and
/// `issue`, the admin API, bulk import, VC-API issue) applies them:
///
/// * no assessment is dated after `today` (the [`Clock`](crate::clock::Clock)'s UTC date) plus
///   [`DATE_TOLERANCE_DAYS`] (`date_in_future`);
/// * the lab is not dated before its written stage (`lab_before_written`);
/// * the credential is not issued before the lab's date, with the same
///   one-day allowance for the lab's local date (`issued_before_lab`).
///
/// A stored date that does not parse is left to the other checks.
pub fn check_stage_dates(today: NaiveDate, dates: StageDates<'_>) -> Result<(), IssuanceError> {
    let parse = |d: Option<&str>| d.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let (written, lab) = (parse(dates.written), parse(dates.lab));
    let latest = today
        .checked_add_days(chrono::Days::new(DATE_TOLERANCE_DAYS))
        .unwrap_or(today);
    for (stage, date) in [("written", written), ("lab", lab)] {
        if let Some(d) = date.filter(|d| *d > latest) {
            return Err(IssuanceError::DateRefused {
                code: "date_in_future",
                message: format!(
                    "the {stage} date {d} is in the future: the latest date accepted is {latest} (today {today} UTC, plus one day for time zones)"
                ),
            });
        }
    }
    if let (Some(w), Some(l)) = (written, lab)
        && l < w
    {
        return Err(IssuanceError::DateRefused {
            code: "lab_before_written",
            message: format!(
                "the lab date {l} is before the written assessment's date {w}: the lab follows the written stage"
            ),
        });
    }
    if let (Some(l), Some(issued)) = (lab, dates.issued)
        && issued
            .checked_add_days(chrono::Days::new(DATE_TOLERANCE_DAYS))
            .is_some_and(|i| i < l)
    {
        return Err(IssuanceError::DateRefused {
            code: "issued_before_lab",
            message: format!(
                "the issue date {issued} is before the lab date {l}: a credential is issued after the lab is passed"
            ),
        });
    }
    Ok(())
}

/// The credential an issuance repeats, among `found` (the credentials
/// stored with its issuance key or its external id): the one with the same
/// key (same candidate, certification and attempt). A credential that has
/// only the external id belongs to another issuance, and the request is
/// refused ([`IssuanceError::ExternalIdConflict`]) rather than answered with
/// someone else's credential. Used by single, renewed and bulk issuance.
pub fn repeat_of<'c>(
    found: impl IntoIterator<Item = &'c CredentialRecord>,
    key: &str,
    external_id: Option<&str>,
) -> Result<Option<&'c CredentialRecord>, IssuanceError> {
    let mut other = false;
    for c in found {
        if c.issuance_key == key {
            return Ok(Some(c));
        }
        other |= external_id.is_some() && c.external_id.as_deref() == external_id;
    }
    match external_id {
        Some(ext) if other => Err(IssuanceError::ExternalIdConflict(ext.to_owned())),
        _ => Ok(None),
    }
}

/// Whether a repeated issuance may answer with `found`, the credential
/// issued before for the same attempt, given its status: not when it is
/// revoked ([`IssuanceError::RepeatRevoked`], `revoked`) — a revoked
/// credential is neither passed off as issued nor issued again. A suspended
/// one is answered (a suspension can be lifted). Every issuance applies
/// this rule: single issuance, renewal and the VC-API in the repeat lookup
/// they share (`Issuer::issue` and the others), bulk import per row.
pub fn check_repeat(
    found: &CredentialRecord,
    status: &CredentialStatus,
) -> Result<(), IssuanceError> {
    if status.revoked {
        return Err(IssuanceError::RepeatRevoked {
            id: found.id.clone(),
            certification: found.certification.clone(),
        });
    }
    Ok(())
}

/// The passed written record of an attempt, or why there is none (the lab
/// and the credential both follow it).
pub fn passed_written(
    assessments: &[AssessmentRecord],
) -> Result<&AssessmentRecord, IssuanceError> {
    let written = assessments
        .iter()
        .find(|a| a.kind == AssessmentKind::Written)
        .ok_or(IssuanceError::StageMissing("written"))?;
    if !written.passed {
        return Err(IssuanceError::StageFailed {
            stage: "written",
            detail: format!(
                "scored {}% against a pass mark of {}%",
                written.score.map(score_text).unwrap_or_default(),
                written.pass_mark.map(score_text).unwrap_or_default()
            ),
        });
    }
    Ok(written)
}

/// The passed written and lab records of an attempt, or why there are none.
pub fn passed_stages(
    assessments: &[AssessmentRecord],
) -> Result<(AssessmentRecord, AssessmentRecord), IssuanceError> {
    let written = passed_written(assessments)?;
    let lab = assessments
        .iter()
        .find(|a| a.kind == AssessmentKind::Lab)
        .ok_or(IssuanceError::StageMissing("lab"))?;
    if !lab.passed {
        return Err(IssuanceError::StageFailed {
            stage: "lab",
            detail: format!(
                "graded fail by {}",
                lab.grader.as_deref().unwrap_or("the grader")
            ),
        });
    }
    Ok((written.clone(), lab.clone()))
}
