//! Candidates, their assessments and the credentials issued to them: the
//! records, the filters and searches over them, and [`CredentialTx`], the
//! writes a transaction makes to them.

use super::StoreError;
use crate::future::BoxFuture;

/// A candidate for certification.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CandidateRecord {
    /// Internal id (UUID).
    pub id: String,
    /// Display name, as it appears on the credential.
    pub name: String,
    /// E-mail address, trimmed and lower-cased; only its salted hash goes into credentials.
    pub email: String,
    /// The candidate's id in another system (HR, LMS), if any.
    pub external_id: Option<String>,
    /// When the record was created.
    pub created_at: String,
}

/// The two stages of a certification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AssessmentKind {
    /// The written assessment: a percent score against a pass mark.
    Written,
    /// The hands-on lab, graded pass/fail by a Professional Services engineer.
    Lab,
}

impl AssessmentKind {
    /// `written` or `lab`.
    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentKind::Written => "written",
            AssessmentKind::Lab => "lab",
        }
    }
}

/// One recorded assessment result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AssessmentRecord {
    /// Internal id (UUID).
    pub id: String,
    /// The candidate.
    pub candidate_id: String,
    /// Certification slug.
    pub certification: String,
    /// Attempt number, from 1.
    pub attempt: i64,
    /// Which stage.
    pub kind: AssessmentKind,
    /// Written: the percent score.
    pub score: Option<f64>,
    /// Written: the pass mark in force.
    pub pass_mark: Option<f64>,
    /// Whether the stage was passed.
    pub passed: bool,
    /// Lab: the grading engineer.
    pub grader: Option<String>,
    /// Lab: rubric notes (private to the issuer unless put in evidence).
    pub notes: Option<String>,
    /// Written: the assessment reference (exam form, session id).
    pub reference: Option<String>,
    /// Date of the assessment, `YYYY-MM-DD`.
    pub assessed_on: String,
    /// When it was recorded.
    pub recorded_at: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// Whether a credential is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialState {
    /// The current credential.
    Active,
    /// Replaced by a correction (kept, never deleted).
    Superseded,
}

/// What a stored credential is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialKind {
    /// A catalog certification issued to a candidate for a passed attempt.
    Certification,
    /// A credential a VC-API client submitted for signing (W3C VC-API
    /// "Issue Credential"): no candidate, no certification, no attempt.
    Generic,
}

impl CredentialKind {
    /// `certification` or `generic`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Certification => "certification",
            CredentialKind::Generic => "generic",
        }
    }

    /// The kind stored as `text` ([`Self::as_str`]), if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        [CredentialKind::Certification, CredentialKind::Generic]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// A stored, signed credential.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CredentialRecord {
    /// The credential `id` (`urn:uuid:…` for certifications; any URL for
    /// generic credentials).
    pub id: String,
    /// Certification or generic. The store keeps the two consistent with
    /// `candidate_id`: a certification has a candidate, a generic credential none.
    pub kind: CredentialKind,
    /// The holder (certifications only).
    pub candidate_id: Option<String>,
    /// Certification slug; empty for a generic credential.
    pub certification: String,
    /// Attempt the credential was issued for; 0 for a generic credential.
    pub attempt: i64,
    /// What makes an issuance unique: `issue:<candidate>:<certification>:<attempt>`,
    /// `renew:<credential>`, `correct:<credential>`, `generic:<credential>`.
    pub issuance_key: String,
    /// Caller-supplied id of the issuance (e.g. the exam system's record), unique.
    pub external_id: Option<String>,
    /// Holder name as signed (for a generic credential, the first
    /// subject's `name` when it is a string, else empty).
    pub holder_name: String,
    /// When it was issued.
    pub issued_at: String,
    /// `validFrom` as signed.
    pub valid_from: String,
    /// `validUntil` as signed.
    pub valid_until: Option<String>,
    /// Active or superseded.
    pub state: CredentialState,
    /// The credential this one renews.
    pub renews: Option<String>,
    /// The credential this one corrects (and supersedes).
    pub replaces: Option<String>,
    /// The correction that superseded this one.
    pub superseded_by: Option<String>,
    /// The signed credential, exactly the JSON text that was signed.
    pub document: String,
}

/// Filters for listing credentials.
#[derive(Debug, Clone, Default)]
pub struct CredentialFilter {
    /// Only this kind.
    pub kind: Option<CredentialKind>,
    /// Only this certification.
    pub certification: Option<String>,
    /// Only this candidate.
    pub candidate_id: Option<String>,
    /// Only this state.
    pub state: Option<CredentialState>,
    /// Holder name contains this text (case-insensitive).
    pub holder_contains: Option<String>,
    /// Page size (at most 1000).
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

/// A credential's status as the admin API filters and shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialStatusFilter {
    /// Current, neither revoked nor suspended, not past `validUntil`.
    Active,
    /// Current, not revoked, past `validUntil`.
    Expired,
    /// Current, suspension bit set, not revoked.
    Suspended,
    /// Current, revocation bit set.
    Revoked,
    /// Replaced by a correction.
    Superseded,
}

/// A search over credentials (admin API): every given filter must hold.
/// Dates are compared as the stored `YYYY-MM-DDTHH:MM:SSZ` text.
#[derive(Debug, Clone, Default)]
pub struct CredentialSearch {
    /// Only this kind.
    pub kind: Option<CredentialKind>,
    /// Only this certification.
    pub certification: Option<String>,
    /// Holder name or e-mail contains this text (case-insensitive).
    pub text: Option<String>,
    /// Only credentials in this status.
    pub status: Option<CredentialStatusFilter>,
    /// Now (`YYYY-MM-DDTHH:MM:SSZ`), for `Active` and `Expired`; without
    /// it, expiry is not considered.
    pub now: Option<String>,
    /// Issued at or after this time (or date).
    pub issued_from: Option<String>,
    /// Issued strictly before this time (or date).
    pub issued_before: Option<String>,
    /// `validUntil` strictly after this time.
    pub expires_after: Option<String>,
    /// `validUntil` at or before this time.
    pub expires_by: Option<String>,
    /// Page size (1–1000).
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

/// One search hit: the credential record without its document, the
/// holder's e-mail and the two status bits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CredentialHit {
    /// The record; `document` is empty (fetch the credential for it).
    pub record: CredentialRecord,
    /// The holder's e-mail (from the candidate record; empty for a generic
    /// credential, which has no candidate).
    pub holder_email: String,
    /// The revocation bit is set.
    pub revoked: bool,
    /// The suspension bit is set.
    pub suspended: bool,
}

/// How many credentials stand where (the console's dashboard), counted by
/// the same rules as [`CredentialStatusFilter`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CredentialCounts {
    /// Current, neither revoked nor suspended, not expired.
    pub active: i64,
    /// Current, suspended, not revoked.
    pub suspended: i64,
    /// Current, revoked.
    pub revoked: i64,
    /// Certifications issued since the given time, per certification slug.
    pub issued_since: Vec<(String, i64)>,
}

/// Transaction reads and writes of candidates, assessments and credentials.
/// Slice arguments let bulk imports write many rows per statement; single
/// operations pass one item.
pub trait CredentialTx: Send {
    /// Candidates with these (normalized) e-mails.
    fn candidates_by_email<'a>(
        &'a mut self,
        emails: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<CandidateRecord>, StoreError>>;
    /// Inserts candidates; a duplicate e-mail or external id is a [`StoreError::Conflict`].
    fn insert_candidates<'a>(
        &'a mut self,
        rows: &'a [CandidateRecord],
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Updates a candidate's display name.
    fn rename_candidate<'a>(
        &'a mut self,
        id: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Assessments of these (candidate, certification, attempt) triples.
    fn assessments_of<'a>(
        &'a mut self,
        keys: &'a [(String, String, i64)],
    ) -> BoxFuture<'a, Result<Vec<AssessmentRecord>, StoreError>>;
    /// Inserts assessments; recording the same stage of the same attempt twice is a conflict.
    fn insert_assessments<'a>(
        &'a mut self,
        rows: &'a [AssessmentRecord],
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Credentials with these issuance keys or external ids.
    fn credentials_by_keys<'a>(
        &'a mut self,
        issuance_keys: &'a [String],
        external_ids: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<CredentialRecord>, StoreError>>;
    /// A credential by id, locked for update where the backend supports it.
    fn credential<'a>(
        &'a mut self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CredentialRecord>, StoreError>>;
    /// Inserts credentials.
    fn insert_credentials<'a>(
        &'a mut self,
        rows: &'a [CredentialRecord],
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Marks an active credential superseded by `by`; [`StoreError::Conflict`] if it is not active.
    fn supersede<'a>(
        &'a mut self,
        id: &'a str,
        by: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}
