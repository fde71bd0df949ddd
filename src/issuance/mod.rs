//! Use cases: register candidates, record assessments, issue, renew and
//! correct credentials, bulk-import from CSV ([`bulk`]). Every change is
//! one store transaction together with its audit entries.
//!
//! The rules of the program: a certification is awarded when the written
//! assessment is passed (score at or above the catalog's pass mark) and then
//! the hands-on lab is passed, graded by a registered Professional Services
//! engineer. Issuing twice for the same candidate, certification and
//! attempt (or the same external id) returns the first credential.

pub mod api;
mod assessments;
pub mod badge_data;
pub mod bulk;
pub mod bulk_jobs;
pub mod checkpoints;
pub mod claims;
mod document;
pub mod expiry;
pub mod generic;
mod graders;
pub mod keys;
pub mod revocation;
mod rules;
pub mod sessions;
pub mod tokens;
pub mod webhooks;

pub use assessments::{LabInput, WrittenInput};
use assessments::{assessment_audit, same_result};
pub use graders::{DEFAULT_GRADER_ROLE, Grader};
pub use rules::{
    DATE_TOLERANCE_DAYS, StageDates, check_repeat, check_stage_dates, passed_stages,
    passed_written, repeat_of,
};

use crate::audit::AuditDraft;
use crate::catalog::{Catalog, Certification};
use crate::clock::Clock;
use crate::keys::CredentialSigner;
use crate::model::{self, XsdDateTime};
use crate::proof::{self, Cryptosuite};
use crate::store::{
    AssessmentRecord, CandidateRecord, CredentialRecord, CredentialState, Store, StoreError,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

/// Who performs an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Name or e-mail recorded in the audit log.
    pub name: String,
    /// What the actor may do.
    pub role: Role,
}

/// Roles (the admin API's token scopes use the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything.
    Admin,
    /// Records lab results only.
    Grader,
    /// Issues generic credentials over VC-API ([`Issuer::issue_generic`]),
    /// never a catalog certification.
    Issuer,
}

impl Actor {
    /// An administrator.
    pub fn admin(name: impl Into<String>) -> Self {
        Actor {
            name: name.into(),
            role: Role::Admin,
        }
    }
    /// A grader.
    pub fn grader(name: impl Into<String>) -> Self {
        Actor {
            name: name.into(),
            role: Role::Grader,
        }
    }
    /// A VC-API client issuing generic credentials.
    pub fn issuer(name: impl Into<String>) -> Self {
        Actor {
            name: name.into(),
            role: Role::Issuer,
        }
    }
}

/// Why an operation was refused. [`code`](IssuanceError::code) is stable.
#[derive(Debug, thiserror::Error)]
pub enum IssuanceError {
    /// No such certification in the catalog.
    #[error(transparent)]
    UnknownCertification(#[from] crate::catalog::UnknownCertification),
    /// No such candidate.
    #[error("unknown candidate {0:?}")]
    UnknownCandidate(String),
    /// No such credential.
    #[error("unknown credential {0:?}")]
    UnknownCredential(String),
    /// A field is malformed or out of range.
    #[error("{field}: {message}")]
    Invalid {
        /// Which input.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Only a registered grader may record a lab result.
    #[error(
        "{0} is not a registered grader; only a Professional Services grader may record a lab result"
    )]
    NotAGrader(String),
    /// The actor's role does not allow the operation.
    #[error("{0} may not do this")]
    Forbidden(String),
    /// A stage has no recorded result for this attempt.
    #[error("the {0} stage has no recorded result for this attempt")]
    StageMissing(&'static str),
    /// A stage was failed.
    #[error("the {stage} stage was not passed: {detail}")]
    StageFailed {
        /// `written` or `lab`.
        stage: &'static str,
        /// Score and pass mark, or the grader.
        detail: String,
    },
    /// The stage was already recorded differently for this attempt.
    #[error(
        "the {0} stage of this attempt is already recorded with a different result (record a new attempt instead)"
    )]
    AlreadyRecorded(&'static str),
    /// The status change contradicts the credential's status.
    #[error("{0}")]
    StatusConflict(&'static str),
    /// The external id is already the id of another issuance (another
    /// candidate, certification or attempt). The message names the external
    /// id only, never the other credential or its holder.
    #[error(
        "external id {0:?} already belongs to another issuance (a different candidate, certification or attempt); give this one its own external id"
    )]
    ExternalIdConflict(String),
    /// The attempt was issued before and that credential is revoked: it is
    /// neither answered as issued nor issued again ([`check_repeat`]).
    #[error(
        "this attempt was issued before as {id} ({certification}), and that credential is revoked; it is not issued again"
    )]
    RepeatRevoked {
        /// The revoked credential.
        id: String,
        /// Its certification.
        certification: String,
    },
    /// A date breaks the date rules ([`check_stage_dates`]); `code` is
    /// `date_in_future`, `lab_before_written` or `issued_before_lab`.
    #[error("{message}")]
    DateRefused {
        /// Stable code of the rule broken.
        code: &'static str,
        /// Which dates, and what is allowed.
        message: String,
    },
    /// The credential was superseded by a correction; act on the current one.
    #[error("credential {0} was superseded by {1}; use the current credential")]
    Superseded(String, String),
    /// Building the credential failed (a text the contexts cannot carry…).
    #[error("cannot build the credential: {0}")]
    Model(#[from] model::ModelError),
    /// Signing failed.
    #[error("cannot sign: {0}")]
    Signing(#[from] proof::ProofError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The operating system's random generator failed (ids, salts, tokens,
    /// list permutation keys); nothing was written.
    #[error("the operating system's random generator failed: {0}")]
    Random(String),
    /// A credential submitted over VC-API breaks an input rule
    /// ([`model::vcdm::check_generic_input`] and [`generic`]'s own).
    #[error("{0}")]
    Input(model::vcdm::InputProblem),
    /// A credential naming one of the catalog's certifications was sent by
    /// a caller who may issue only generic credentials.
    #[error(
        "certifications are issued only after both assessment stages; this credential names one of this issuer's certifications"
    )]
    CertificationGated,
}

impl IssuanceError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            IssuanceError::UnknownCertification(_) => "unknown_certification",
            IssuanceError::UnknownCandidate(_) => "unknown_candidate",
            IssuanceError::UnknownCredential(_) => "unknown_credential",
            IssuanceError::Invalid { .. } => "invalid_input",
            IssuanceError::NotAGrader(_) => "not_a_grader",
            IssuanceError::Forbidden(_) => "forbidden",
            IssuanceError::StageMissing(_) => "stage_missing",
            IssuanceError::StageFailed { .. } => "stage_failed",
            IssuanceError::AlreadyRecorded(_) => "already_recorded",
            IssuanceError::Superseded(..) => "superseded",
            IssuanceError::StatusConflict(_) => "status_conflict",
            IssuanceError::ExternalIdConflict(_) => "external_id_conflict",
            IssuanceError::RepeatRevoked { .. } => "revoked",
            IssuanceError::DateRefused { code, .. } => code,
            IssuanceError::Model(_) => "invalid_credential",
            IssuanceError::Signing(_) => "signing_failed",
            IssuanceError::Store(StoreError::Conflict(_)) => "conflict",
            IssuanceError::Store(_) => "store_error",
            IssuanceError::Random(_) => "random_failed",
            IssuanceError::Input(_) => "invalid_credential",
            IssuanceError::CertificationGated => "certification_gated",
        }
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> IssuanceError {
    IssuanceError::Invalid {
        field,
        message: message.into(),
    }
}

/// The issuing organisation as it appears in credentials.
#[derive(Debug, Clone)]
pub struct IssuerProfile {
    /// Issuer id (the DID that controls the signing key).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Home page.
    pub url: Option<String>,
}

/// What an issuance call produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueOutcome {
    /// A new credential.
    Issued(CredentialRecord),
    /// The credential issued earlier for the same attempt, external id or
    /// renewal; never a revoked one ([`check_repeat`]).
    AlreadyIssued(CredentialRecord),
}

impl IssueOutcome {
    /// The credential either way.
    pub fn record(&self) -> &CredentialRecord {
        match self {
            IssueOutcome::Issued(r) | IssueOutcome::AlreadyIssued(r) => r,
        }
    }
}

/// Trims and lower-cases an e-mail address and checks its shape.
pub fn normalize_email(email: &str) -> Result<String, IssuanceError> {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(e)
    } else {
        Err(invalid(
            "email",
            format!("{email:?} is not an e-mail address"),
        ))
    }
}

fn check_date(field: &'static str, s: &str) -> Result<String, IssuanceError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| invalid(field, format!("{s:?} is not a date (YYYY-MM-DD)")))
}

fn check_attempt(attempt: i64) -> Result<i64, IssuanceError> {
    if (1..=1000).contains(&attempt) {
        Ok(attempt)
    } else {
        Err(invalid(
            "attempt",
            format!("{attempt} is not between 1 and 1000"),
        ))
    }
}

fn check_name(name: &str) -> Result<String, IssuanceError> {
    let n = name.trim();
    if n.is_empty() {
        return Err(invalid("name", "the holder's name is empty"));
    }
    if n.chars().count() > 200 {
        return Err(invalid(
            "name",
            "the holder's name is longer than 200 characters",
        ));
    }
    model::check_signable_text("name", n).map_err(|e| invalid("name", e.to_string()))?;
    Ok(n.to_owned())
}

fn score_text(score: f64) -> String {
    if score.fract() == 0.0 {
        format!("{score:.0}")
    } else {
        format!("{score}")
    }
}

/// `N` bytes from the operating system's generator. Issuance is where
/// randomness enters: the core (`model`, `keys`, `status`) takes a generator
/// as an argument instead.
fn os_random<const N: usize>() -> Result<[u8; N], IssuanceError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| IssuanceError::Random(e.to_string()))?;
    Ok(bytes)
}

/// A fresh bearer secret: 32 bytes from [`os_random`], base64url without
/// padding (43 characters). Sessions and wallet claims store only its SHA-256.
pub(crate) fn random_secret() -> Result<String, IssuanceError> {
    use base64::Engine as _;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(os_random::<32>()?))
}

/// A fresh version-4 UUID (RFC 9562 §5.4) for a record id, from
/// [`os_random`]: a generator failure is an error, not a panic.
fn new_uuid() -> Result<uuid::Uuid, IssuanceError> {
    Ok(uuid::Builder::from_random_bytes(os_random::<16>()?).into_uuid())
}

/// A fresh salt for a hashed identifier (OB 3.0 §9.3), drawn from the
/// operating system's generator.
fn new_salt() -> Result<String, IssuanceError> {
    model::IdentityObject::random_salt(&mut getrandom::SysRng).map_err(|e| match e {
        model::ModelError::Random(m) => IssuanceError::Random(m),
        other => IssuanceError::Model(other),
    })
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the form every stored time and credential date
/// takes (the store compares these as text).
pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The issuing service: the catalog, the store, the signing key and the clock.
pub struct Issuer<'a> {
    /// Where records live.
    pub store: &'a dyn Store,
    /// The certifications.
    pub catalog: &'a Catalog,
    /// The signing key, bound to the issuer id.
    pub signer: &'a dyn CredentialSigner,
    /// The issuer profile written into credentials.
    pub profile: IssuerProfile,
    /// Public base URL (no trailing slash): achievement ids and pages hang off it.
    pub public_url: String,
    /// Now.
    pub clock: &'a dyn Clock,
    /// Proof suite for new credentials.
    pub suite: Cryptosuite,
    /// Registered graders: who may grade a lab, and how credentials name them.
    pub graders: Vec<Grader>,
}

impl Issuer<'_> {
    fn certification(&self, slug: &str) -> Result<&Certification, IssuanceError> {
        Ok(self.catalog.find(slug)?)
    }

    /// The UTC date of [`Issuer::now`], for the date rules.
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    fn now(&self) -> DateTime<Utc> {
        // Seconds precision: credentials carry `YYYY-MM-DDTHH:MM:SSZ`.
        let t = self.clock.now();
        DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
    }

    /// Issues the certification for a candidate's attempt, when both stages
    /// are passed; idempotent per attempt and per external id, except that
    /// a repeat whose credential is revoked is refused ([`check_repeat`]).
    pub async fn issue(
        &self,
        email: &str,
        certification: &str,
        attempt: i64,
        external_id: Option<&str>,
        actor: &Actor,
    ) -> Result<IssueOutcome, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let cert = self.certification(certification)?;
        let attempt = check_attempt(attempt)?;
        let candidate = self.candidate_by_email(email).await?;
        let external_id = external_id
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let key = issuance_key(&candidate.id, cert.slug.as_str(), attempt);
        // Idempotency first: nothing is signed twice.
        if let Some(existing) = self.existing(&key, external_id.as_deref()).await? {
            return Ok(IssueOutcome::AlreadyIssued(existing));
        }
        let assessments = self
            .store
            .assessments(&candidate.id, cert.slug.as_str(), attempt)
            .await?;
        let (written, lab) = passed_stages(&assessments)?;
        let now = self.now();
        check_stage_dates(
            now.date_naive(),
            StageDates {
                written: Some(&written.assessed_on),
                lab: Some(&lab.assessed_on),
                issued: Some(now.date_naive()),
            },
        )?;
        self.create(
            &key,
            external_id.as_deref(),
            None,
            now,
            |slots| {
                self.build(cert, &candidate, &candidate.name, &written, &lab, now, attempt, key.clone(), external_id.clone(), None, slots, None)
            },
            |record| {
                AuditDraft::new(
                    &actor.name,
                    "credential.issue",
                    &record.id,
                    json!({ "certification": record.certification, "candidate": record.candidate_id, "attempt": attempt, "external_id": record.external_id }),
                )
            },
        )
        .await
    }

    /// The credential an issuance with `key` and `external_id` repeats, if
    /// any. Every single issuance (CLI, admin API, VC-API, renewal) looks
    /// its repeat up here and in [`Self::create`], so all apply
    /// [`check_repeat`]: a revoked credential is refused, not answered.
    async fn existing(
        &self,
        key: &str,
        external_id: Option<&str>,
    ) -> Result<Option<CredentialRecord>, IssuanceError> {
        // Plain reads (no write lock); `create` re-checks inside its transaction.
        let mut found: Vec<CredentialRecord> = self
            .store
            .credential_by_issuance(key, None)
            .await?
            .into_iter()
            .collect();
        if found.is_empty()
            && let Some(ext) = external_id
        {
            found.extend(self.store.credential_by_issuance("", Some(ext)).await?);
        }
        let Some(repeat) = repeat_of(&found, key, external_id)? else {
            return Ok(None);
        };
        check_repeat(repeat, &self.credential_status(&repeat.id).await?)?;
        Ok(Some(repeat.clone()))
    }

    /// Creates a credential in one transaction: idempotency check,
    /// status-list positions, the signed credential (`make` builds it from
    /// the positions), the superseding of `supersedes` (whose revocation bit
    /// is set and list re-published, and whose holder's candidate record
    /// takes the corrected name), and the audit entry. A twin issued
    /// concurrently is returned instead (or refused, when revoked).
    async fn create(
        &self,
        key: &str,
        external_id: Option<&str>,
        supersedes: Option<&str>,
        now: DateTime<Utc>,
        make: impl FnOnce(&[revocation::StatusSlot]) -> Result<CredentialRecord, IssuanceError>,
        audit: impl FnOnce(&CredentialRecord) -> AuditDraft,
    ) -> Result<IssueOutcome, IssuanceError> {
        let mut tx = self.store.begin().await?;
        let outcome = self
            .create_in(&mut *tx, key, external_id, supersedes, now, make, audit)
            .await?;
        if matches!(outcome, IssueOutcome::Issued(_)) {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    /// [`Self::create`] inside the caller's transaction `tx`, which the
    /// caller commits (with its own writes: a wallet claim's redemption).
    #[allow(clippy::too_many_arguments)]
    async fn create_in(
        &self,
        tx: &mut dyn crate::store::StoreTx,
        key: &str,
        external_id: Option<&str>,
        supersedes: Option<&str>,
        now: DateTime<Utc>,
        make: impl FnOnce(&[revocation::StatusSlot]) -> Result<CredentialRecord, IssuanceError>,
        audit: impl FnOnce(&CredentialRecord) -> AuditDraft,
    ) -> Result<IssueOutcome, IssuanceError> {
        let at = stamp(now);
        let ext: Vec<String> = external_id.map(str::to_owned).into_iter().collect();
        let found = tx.credentials_by_keys(&[key.to_owned()], &ext).await?;
        if let Some(existing) = repeat_of(&found, key, external_id)? {
            let entries = tx.status_entries(&existing.id).await?;
            check_repeat(
                existing,
                &revocation::CredentialStatus::from_entries(&entries),
            )?;
            return Ok(IssueOutcome::AlreadyIssued(existing.clone()));
        }
        let slots = self.allocate_status(tx, 1, now).await?;
        let slots = slots.first().cloned().unwrap_or_default();
        let record = make(&slots)?;
        tx.insert_credentials(std::slice::from_ref(&record)).await?;
        tx.insert_status_entries(&revocation::entries_for(&record.id, &slots))
            .await?;
        let mut drafts = vec![audit(&record)];
        if let Some(old) = supersedes {
            tx.supersede(old, &record.id).await?;
            self.set_bit(tx, old, "revocation", true, now).await?;
            // The old credential's wallet copies carry what was corrected:
            // they are revoked with it (the holder claims the correction).
            for copy in tx.wallet_copies(old).await? {
                let entries = tx.status_entries(&copy).await?;
                if !revocation::CredentialStatus::from_entries(&entries).revoked {
                    self.set_bit(tx, &copy, "revocation", true, now).await?;
                    let actor = drafts[0].actor.clone();
                    drafts.push(AuditDraft::new(
                        &actor,
                        "credential.revoke",
                        &copy,
                        json!({ "reason": "its original was corrected", "follows": old }),
                    ));
                }
            }
            // A correction also fixes the candidate's name for later issuances.
            if let Some(candidate) = &record.candidate_id {
                tx.rename_candidate(candidate, &record.holder_name).await?;
            }
        }
        tx.append_audit(&drafts, &at).await?;
        Ok(IssueOutcome::Issued(record))
    }

    /// Renews a credential: a new credential for the same holder and
    /// results, valid from now for the catalog's validity period, recording
    /// which credential it renews. Renewing the same credential twice
    /// returns the first renewal, unless it is revoked ([`check_repeat`]).
    pub async fn renew(&self, id: &str, actor: &Actor) -> Result<IssueOutcome, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        let old = self.current(id).await?;
        let key = format!("renew:{}", old.id);
        if let Some(existing) = self.existing(&key, None).await? {
            return Ok(IssueOutcome::AlreadyIssued(existing));
        }
        let (cert, candidate, written, lab) = self.basis(&old).await?;
        let now = self.now();
        self.create(
            &key,
            None,
            None,
            now,
            |slots| {
                let mut record = self.build(
                    cert,
                    &candidate,
                    &old.holder_name,
                    &written,
                    &lab,
                    now,
                    old.attempt,
                    key.clone(),
                    None,
                    None,
                    slots,
                    None,
                )?;
                record.renews = Some(old.id.clone());
                Ok(record)
            },
            |record| {
                AuditDraft::new(
                    &actor.name,
                    "credential.renew",
                    &record.id,
                    json!({ "renews": old.id }),
                )
            },
        )
        .await
    }

    /// Corrects a credential (e.g. a misspelt name): issues a replacement
    /// and marks the old one superseded, in one transaction. Nothing is deleted.
    pub async fn correct(
        &self,
        id: &str,
        holder_name: &str,
        reason: &str,
        actor: &Actor,
    ) -> Result<IssueOutcome, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        if reason.trim().is_empty() {
            return Err(invalid("reason", "a correction needs a reason"));
        }
        let name = check_name(holder_name)?;
        let old = self.current(id).await?;
        let key = format!("correct:{}", old.id);
        let (cert, candidate, written, lab) = self.basis(&old).await?;
        let now = self.now();
        // A correction is the same award: it keeps the original validUntil.
        let until = old
            .valid_until
            .as_deref()
            .map(XsdDateTime::parse)
            .transpose()?;
        self.create(
            &key,
            None,
            Some(&old.id),
            now,
            |slots| {
                let mut record = self.build(
                    cert,
                    &candidate,
                    &name,
                    &written,
                    &lab,
                    now,
                    old.attempt,
                    key.clone(),
                    None,
                    Some(until),
                    slots,
                    None,
                )?;
                record.replaces = Some(old.id.clone());
                Ok(record)
            },
            |record| {
                AuditDraft::new(
                    &actor.name,
                    "credential.correct",
                    &record.id,
                    json!({ "replaces": old.id, "reason": reason.trim(), "holder_name": name }),
                )
            },
        )
        .await
    }

    async fn current(&self, id: &str) -> Result<CredentialRecord, IssuanceError> {
        let rec = self
            .store
            .credential(id)
            .await?
            .ok_or_else(|| IssuanceError::UnknownCredential(id.to_owned()))?;
        if rec.state == CredentialState::Superseded {
            return Err(IssuanceError::Superseded(
                rec.id.clone(),
                rec.superseded_by.clone().unwrap_or_default(),
            ));
        }
        if claims::is_wallet_copy(&rec) {
            return Err(invalid(
                "credential",
                "this is a holder's wallet copy; renew or correct its original",
            ));
        }
        Ok(rec)
    }

    async fn basis(
        &self,
        old: &CredentialRecord,
    ) -> Result<
        (
            &Certification,
            CandidateRecord,
            AssessmentRecord,
            AssessmentRecord,
        ),
        IssuanceError,
    > {
        let Some(candidate_id) = old.candidate_id.as_deref() else {
            return Err(invalid(
                "credential",
                "only a certification can be renewed or corrected; this is a generic credential",
            ));
        };
        let cert = self.certification(&old.certification)?;
        let candidate = self
            .store
            .candidate(candidate_id)
            .await?
            .ok_or_else(|| IssuanceError::UnknownCandidate(candidate_id.to_owned()))?;
        let assessments = self
            .store
            .assessments(candidate_id, &old.certification, old.attempt)
            .await?;
        let (written, lab) = passed_stages(&assessments)?;
        Ok((cert, candidate, written, lab))
    }
}

/// `issue:<candidate>:<certification>:<attempt>`.
pub fn issuance_key(candidate_id: &str, certification: &str, attempt: i64) -> String {
    format!("issue:{candidate_id}:{certification}:{attempt}")
}

/// The lineage of a credential: every credential it descends from (through
/// `renews` and `replaces`), itself, and every credential descending from
/// it, each after the credential it renews or corrects.
pub async fn lineage(store: &dyn Store, id: &str) -> Result<Vec<CredentialRecord>, IssuanceError> {
    let start = store
        .credential(id)
        .await?
        .ok_or_else(|| IssuanceError::UnknownCredential(id.to_owned()))?;
    let mut before = Vec::new();
    let mut cursor = start.renews.clone().or_else(|| start.replaces.clone());
    while let Some(prev) = cursor {
        if before.len() > 1000 {
            break;
        }
        let Some(rec) = store.credential(&prev).await? else {
            break;
        };
        cursor = rec.renews.clone().or_else(|| rec.replaces.clone());
        before.push(rec);
    }
    before.reverse();
    // Breadth first, so every credential comes after the one it renews or corrects.
    let mut after: Vec<CredentialRecord> = Vec::new();
    let mut queue = std::collections::VecDeque::from([start.id.clone()]);
    while let Some(next) = queue.pop_front() {
        if after.len() > 1000 {
            break;
        }
        for rec in store.successors(&next).await? {
            queue.push_back(rec.id.clone());
            after.push(rec);
        }
    }
    before.push(start);
    before.extend(after);
    Ok(before)
}
