//! Storage: small traits, and one SQL implementation ([`sql::SqlStore`])
//! serving two backends chosen by URL — SQLite (`sqlite://…`, the embedded
//! default: one file, WAL, foreign keys on) and PostgreSQL (`postgres://…`).
//!
//! Every write goes through a [`StoreTx`]: a database transaction that
//! first locks the audit-log head, so the hash chain grows one writer at a
//! time even when several processes share one database, and so a
//! credential, its assessments and its audit entries commit together or
//! not at all. Dropping a transaction without [`StoreTx::commit`] rolls it back.
//!
//! Times are passed in as `YYYY-MM-DDTHH:MM:SSZ` strings; the store reads no clock.

pub mod migrations;
pub mod sql;

use crate::audit::{AuditDraft, AuditRecord};
use crate::future::BoxFuture;

pub use sql::SqlStore;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend a database URL names, or an error naming the scheme.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::UnknownScheme(scheme.to_owned())),
        }
    }

    /// Name used in messages and migration folders.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A storage failure. Database details stay in [`StoreError::Database`]'s
/// message for logs; callers show users the variant's meaning.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL's scheme is neither `sqlite` nor `postgres`.
    #[error("unknown database URL scheme {0:?} (expected sqlite:// or postgres://)")]
    UnknownScheme(String),
    /// A uniqueness rule was violated (the thing already exists).
    #[error("already exists: {0}")]
    Conflict(String),
    /// The thing does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A stored row could not be read back as expected.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database reported an error.
    #[error("database error: {0}")]
    Database(String),
    /// A migration failed or the applied migrations do not match this build.
    #[error("migration: {0}")]
    Migration(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && matches!(db.kind(), sqlx::error::ErrorKind::UniqueViolation)
        {
            return StoreError::Conflict(db.message().to_owned());
        }
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound("row".into()),
            other => StoreError::Database(other.to_string()),
        }
    }
}

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

/// A stored, signed credential.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CredentialRecord {
    /// The credential `id` (`urn:uuid:…`).
    pub id: String,
    /// The holder.
    pub candidate_id: String,
    /// Certification slug.
    pub certification: String,
    /// Attempt the credential was issued for.
    pub attempt: i64,
    /// What makes an issuance unique: `issue:<candidate>:<certification>:<attempt>`,
    /// `renew:<credential>`, `correct:<credential>`.
    pub issuance_key: String,
    /// Caller-supplied id of the issuance (e.g. the exam system's record), unique.
    pub external_id: Option<String>,
    /// Holder name as signed.
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

/// A Bitstring Status List as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusListRecord {
    /// Path segment of the list URL (`/status/{id}`), e.g. `revocation-1`.
    pub id: String,
    /// `revocation` or `suspension`.
    pub purpose: String,
    /// Entries (bits).
    pub size: i64,
    /// Entries handed out so far (the permutation counter).
    pub allocated: i64,
    /// Hex key of the index permutation (never published).
    #[serde(skip)]
    pub permutation_key: String,
    /// Bumped on every bit change.
    pub version: i64,
    /// The version the published list credential reflects.
    pub published_version: i64,
    /// The signed `BitstringStatusListCredential`, exactly as served.
    pub published: Option<String>,
    /// When it was signed.
    pub published_at: Option<String>,
    /// When the list was created.
    pub created_at: String,
}

/// One credential's entry in a status list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusEntryRecord {
    /// The list.
    pub list_id: String,
    /// Position in the list.
    pub idx: i64,
    /// The credential.
    pub credential_id: String,
    /// `revocation` or `suspension`.
    pub purpose: String,
    /// Whether the bit is set (revoked / suspended).
    pub value: bool,
}

/// An admin API token (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenRecord {
    /// Public id (shown in lists and the audit log).
    pub id: String,
    /// What the token is for.
    pub name: String,
    /// `admin` or `grader`.
    pub scope: String,
    /// SHA-256 (hex) of the secret.
    #[serde(skip)]
    pub token_hash: String,
    /// When it was created.
    pub created_at: String,
    /// When it was revoked.
    pub revoked_at: Option<String>,
}

/// Whether an issuer key signs new credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IssuerKeyState {
    /// The signing key (exactly one while the table is not empty).
    Current,
    /// Replaced by a rotation; still published so older credentials verify.
    Retired,
}

impl IssuerKeyState {
    /// `current` or `retired`.
    pub fn as_str(self) -> &'static str {
        match self {
            IssuerKeyState::Current => "current",
            IssuerKeyState::Retired => "retired",
        }
    }
}

/// One of the issuer's public keys (only public keys are stored; each node
/// keeps the secret in its key file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IssuerKeyRecord {
    /// The Ed25519 public key as Multikey `publicKeyMultibase` (`z6Mk…`, CID 1.0 §2.2.2).
    pub public_key_multibase: String,
    /// Current or retired.
    pub state: IssuerKeyState,
    /// When the key was registered.
    pub added_at: String,
    /// When a rotation retired it.
    pub retired_at: Option<String>,
}

/// Filters for listing credentials.
#[derive(Debug, Clone, Default)]
pub struct CredentialFilter {
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
    /// The holder's e-mail (from the candidate record).
    pub holder_email: String,
    /// The revocation bit is set.
    pub revoked: bool,
    /// The suspension bit is set.
    pub suspended: bool,
}

/// Read access, outside any transaction.
pub trait Store: Send + Sync {
    /// Which backend this is.
    fn backend(&self) -> Backend;
    /// Starts a write transaction (locking the audit head first).
    fn begin(&self) -> BoxFuture<'_, Result<Box<dyn StoreTx>, StoreError>>;
    /// Names of the applied migrations, in order.
    fn applied_migrations(&self) -> BoxFuture<'_, Result<Vec<String>, StoreError>>;
    /// A credential by id.
    fn credential<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CredentialRecord>, StoreError>>;
    /// Credentials matching a filter, newest first.
    fn list_credentials<'a>(
        &'a self,
        filter: &'a CredentialFilter,
    ) -> BoxFuture<'a, Result<Vec<CredentialRecord>, StoreError>>;
    /// Credentials that renew or correct `id` (its direct successors).
    fn successors<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<CredentialRecord>, StoreError>>;
    /// A candidate by id.
    fn candidate<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<CandidateRecord>, StoreError>>;
    /// A candidate by (normalized) e-mail.
    fn candidate_by_email<'a>(
        &'a self,
        email: &'a str,
    ) -> BoxFuture<'a, Result<Option<CandidateRecord>, StoreError>>;
    /// Assessments of one attempt.
    fn assessments<'a>(
        &'a self,
        candidate_id: &'a str,
        certification: &'a str,
        attempt: i64,
    ) -> BoxFuture<'a, Result<Vec<AssessmentRecord>, StoreError>>;
    /// Audit entries with `seq > after`, at most `limit`, in order.
    fn audit_entries(
        &self,
        after: i64,
        limit: i64,
    ) -> BoxFuture<'_, Result<Vec<AuditRecord>, StoreError>>;
    /// The audit head: last sequence number and hash.
    fn audit_head(&self) -> BoxFuture<'_, Result<(i64, String), StoreError>>;
    /// A status list by id.
    fn status_list<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>>;
    /// Every status list's id and published version: a cheap read that
    /// tells a cached copy of a list whether it is still current.
    fn status_list_versions(&self) -> BoxFuture<'_, Result<Vec<(String, i64)>, StoreError>>;
    /// A credential's status entries.
    fn status_entries<'a>(
        &'a self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<StatusEntryRecord>, StoreError>>;
    /// The credential issued under this issuance key or external id, if any
    /// (a plain read; writers re-check inside their transaction).
    fn credential_by_issuance<'a>(
        &'a self,
        issuance_key: &'a str,
        external_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<CredentialRecord>, StoreError>>;
    /// The token with this hash.
    fn token_by_hash<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> BoxFuture<'a, Result<Option<TokenRecord>, StoreError>>;
    /// Every token, oldest first.
    fn tokens(&self) -> BoxFuture<'_, Result<Vec<TokenRecord>, StoreError>>;
    /// The issuer's public keys: the current key first, then the retired
    /// ones, most recently retired first (empty before the first key is registered).
    fn issuer_keys(&self) -> BoxFuture<'_, Result<Vec<IssuerKeyRecord>, StoreError>>;
    /// Credentials matching a search, newest first, with holder e-mail and status bits.
    fn search_credentials<'a>(
        &'a self,
        search: &'a CredentialSearch,
    ) -> BoxFuture<'a, Result<Vec<CredentialHit>, StoreError>>;
}

/// One write transaction. Slice arguments let bulk imports write many rows
/// per statement; single operations pass one item.
pub trait StoreTx: Send {
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
    /// Appends entries to the audit log (hash chain) and moves the head.
    fn append_audit<'a>(
        &'a mut self,
        drafts: &'a [AuditDraft],
        at: &'a str,
    ) -> BoxFuture<'a, Result<Vec<AuditRecord>, StoreError>>;
    /// The oldest status list of `purpose` that still has room.
    fn open_status_list<'a>(
        &'a mut self,
        purpose: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>>;
    /// Number of status lists of `purpose` (to name the next one).
    fn count_status_lists<'a>(
        &'a mut self,
        purpose: &'a str,
    ) -> BoxFuture<'a, Result<i64, StoreError>>;
    /// A status list by id.
    fn status_list<'a>(
        &'a mut self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<StatusListRecord>, StoreError>>;
    /// Creates a status list.
    fn create_status_list<'a>(
        &'a mut self,
        list: &'a StatusListRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Records that `n` more entries of a list were handed out.
    fn add_allocated<'a>(
        &'a mut self,
        list_id: &'a str,
        n: i64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Inserts status entries (a position taken twice is a conflict).
    fn insert_status_entries<'a>(
        &'a mut self,
        rows: &'a [StatusEntryRecord],
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// A credential's status entries.
    fn status_entries<'a>(
        &'a mut self,
        credential_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<StatusEntryRecord>, StoreError>>;
    /// Sets or clears one entry's bit and bumps the list's version.
    fn set_status<'a>(
        &'a mut self,
        list_id: &'a str,
        idx: i64,
        value: bool,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Positions whose bit is set in a list.
    fn set_positions<'a>(
        &'a mut self,
        list_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<i64>, StoreError>>;
    /// Stores a newly signed list credential for `version`.
    fn save_published<'a>(
        &'a mut self,
        list_id: &'a str,
        document: &'a str,
        version: i64,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Inserts a token.
    fn insert_token<'a>(
        &'a mut self,
        token: &'a TokenRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Marks a token revoked; [`StoreError::NotFound`] if it does not exist or is already revoked.
    fn revoke_token<'a>(
        &'a mut self,
        id: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Adds `public_key_multibase` as the current issuer key. A
    /// [`StoreError::Conflict`] when another key is current (retire it first,
    /// in the same transaction) or the key was registered before (a retired
    /// key never becomes current again).
    fn add_issuer_key<'a>(
        &'a mut self,
        public_key_multibase: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Marks the current issuer key retired; [`StoreError::NotFound`] if
    /// `public_key_multibase` is not the current key.
    fn retire_issuer_key<'a>(
        &'a mut self,
        public_key_multibase: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
    /// Commits everything written in this transaction.
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<(), StoreError>>;
}

/// Opens the store a URL names, applying migrations.
pub async fn open(url: &str) -> Result<SqlStore, StoreError> {
    SqlStore::connect(url).await
}
