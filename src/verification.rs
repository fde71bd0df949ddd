//! The verification pipeline and its report.
//!
//! parse → structure (OB 3.0 §9.1 step 1, VCDM 2.0 §4) → proofs (VC-DI §4.4,
//! §4.5; the method's controller must be the issuer, OB 3.0 §8.5) →
//! validity window (VCDM 2.0 §4.9, with clock skew). Each check ends in one
//! [`CheckState`]; "could not check" is [`CheckState::Unknown`] and never
//! counts as valid. Time and key resolution are passed in.

use crate::future::BoxFuture;
use crate::keys::KeyResolver;
use crate::model;
use crate::proof;
use crate::status::{Bitstring, DEFAULT_TTL_MS, MAX_DECODED_BYTES};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Default limit on the size of a credential given to the verifier.
pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;
/// Clock skew tolerated on validity dates (the JavaScript reference uses 300 s).
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::seconds(300);

/// The code of the check that reports a credential id this issuer never issued.
const NOT_ISSUED_HERE: &str = "credential_not_found";

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckState {
    /// Checked and passed.
    Valid,
    /// Checked and failed.
    Invalid,
    /// Could not be checked (unknown key, unsupported suite, unreachable list…).
    Unknown,
}

/// One check of the report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Check {
    /// What was checked: `parse`, `structure`, `proof`, `valid_from`, `valid_until`.
    pub check: &'static str,
    /// The outcome.
    pub state: CheckState,
    /// Stable machine code (`ok` when valid).
    pub code: String,
    /// Human-readable detail.
    pub message: String,
    /// Where the problem is (a JSON pointer), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub path: Option<String>,
}

impl Check {
    /// A `parse` check for a credential that could not be fetched (`unknown`).
    pub fn fetch_failed(code: &'static str, message: &str) -> Self {
        Check::new(
            "parse",
            CheckState::Unknown,
            code,
            format!("the credential could not be fetched: {message}"),
        )
    }

    /// A `parse` check for a credential id this issuer never issued (`invalid`).
    pub fn not_issued_here(id: &str) -> Self {
        Check::new(
            "parse",
            CheckState::Invalid,
            NOT_ISSUED_HERE,
            format!("no credential {id} was issued here"),
        )
    }

    fn new(
        check: &'static str,
        state: CheckState,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Check {
            check,
            state,
            code: code.into(),
            message: message.into(),
            path: None,
        }
    }
    fn valid(check: &'static str, message: impl Into<String>) -> Self {
        Check::new(check, CheckState::Valid, "ok", message)
    }
}

/// What the credential says, for display.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CredentialInfo {
    /// Credential `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub id: Option<String>,
    /// Issuer id.
    pub issuer: String,
    /// Issuer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub issuer_name: Option<String>,
    /// Holder display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub holder: Option<String>,
    /// Achievement (certification) name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub achievement: Option<String>,
    /// `validFrom` (or VC 1.1 `issuanceDate`) exactly as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub valid_from: Option<String>,
    /// `validUntil` (or VC 1.1 `expirationDate`) exactly as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub valid_until: Option<String>,
}

/// The verdict in one word, as the verification page shows it in large
/// letters, the CSV answer of the verification API writes it, and every
/// report carries it (`verdict`). One rule (`Verdict::of`) derives it from
/// the checks, for the page, the CSV and the JSON alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum Verdict {
    /// Every check passed.
    #[serde(rename = "VALID")]
    Valid,
    /// The issuer revoked it (Bitstring Status List, purpose `revocation`).
    #[serde(rename = "REVOKED")]
    Revoked,
    /// The issuer suspended it (Bitstring Status List, purpose `suspension`).
    #[serde(rename = "SUSPENDED")]
    Suspended,
    /// Past `validUntil` (VCDM 2.0 §4.9).
    #[serde(rename = "EXPIRED")]
    Expired,
    /// A reference to one of this issuer's credentials that it never issued
    /// (check code `credential_not_found`).
    #[serde(rename = "NOT FOUND")]
    NotFound,
    /// Something else failed (signature, structure, dates…).
    #[serde(rename = "NOT VALID")]
    Invalid,
    /// Nothing failed, but something could not be checked (a status list
    /// out of reach, an unknown key, a credential that could not be
    /// fetched): never shown as valid.
    #[serde(rename = "CANNOT VERIFY")]
    Unknown,
}

impl Verdict {
    /// The verdict of a list of checks: valid only when there are checks
    /// and every one is valid; otherwise the first that applies of: not
    /// found, revoked, suspended, expired, not valid (a check failed),
    /// cannot verify (none failed, some could not be made).
    pub fn of(checks: &[Check]) -> Verdict {
        if !checks.is_empty() && checks.iter().all(|c| c.state == CheckState::Valid) {
            return Verdict::Valid;
        }
        let failed = |code: &str| {
            checks
                .iter()
                .any(|c| c.code == code && c.state != CheckState::Valid)
        };
        if failed(NOT_ISSUED_HERE) {
            Verdict::NotFound
        } else if failed("revoked") {
            Verdict::Revoked
        } else if failed("suspended") {
            Verdict::Suspended
        } else if failed("expired") {
            Verdict::Expired
        } else if checks.iter().all(|c| c.state != CheckState::Invalid) {
            Verdict::Unknown
        } else {
            Verdict::Invalid
        }
    }

    /// The words shown in large letters, written in the CSV answer and in
    /// the report's `verdict` member.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Valid => "VALID",
            Verdict::Revoked => "REVOKED",
            Verdict::Suspended => "SUSPENDED",
            Verdict::Expired => "EXPIRED",
            Verdict::NotFound => "NOT FOUND",
            Verdict::Invalid => "NOT VALID",
            Verdict::Unknown => "CANNOT VERIFY",
        }
    }

    /// Lower-case name, for metrics labels and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Revoked => "revoked",
            Verdict::Suspended => "suspended",
            Verdict::Expired => "expired",
            Verdict::NotFound => "not_found",
            Verdict::Invalid => "invalid",
            Verdict::Unknown => "unknown",
        }
    }
}

/// The verification report: one state per check, `verified` (true only
/// when every check is valid) and the `verdict` word.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// Overall outcome: true only when every check is valid.
    pub verified: bool,
    /// The verdict in one word (what the verification page shows and the
    /// CSV answer writes); `VALID` exactly when `verified` is true.
    pub verdict: Verdict,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
    /// What the credential claims (present once it parsed).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub credential: Option<CredentialInfo>,
    /// When the checks ran.
    pub checked_at: String,
}

impl Report {
    fn finish(checks: Vec<Check>, credential: Option<CredentialInfo>, now: DateTime<Utc>) -> Self {
        let verdict = Verdict::of(&checks);
        Report {
            verified: verdict == Verdict::Valid,
            verdict,
            checks,
            credential,
            checked_at: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }

    /// A report of `checks` alone (for input that never reached the pipeline).
    pub fn of_checks(checks: Vec<Check>, now: DateTime<Utc>) -> Self {
        Report::finish(checks, None, now)
    }

    /// The first check that is not valid.
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.state != CheckState::Valid)
    }
}

/// Where status list credentials come from: the issuer's own store, or a
/// bounded HTTP fetch for third-party lists.
pub trait StatusSource: Send + Sync {
    /// The bytes of the status list credential at `url`.
    fn status_list<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, SourceError>>;

    /// The current revision of the list at `url`, when the source can tell
    /// it cheaply (the issuer's own lists: their published version). A
    /// cached copy is reused only while its revision matches, so a change
    /// shows at once; `None` (third-party lists): the list's `ttl` rules.
    fn revision<'a>(&'a self, _url: &'a str) -> BoxFuture<'a, Option<i64>> {
        Box::pin(async { None })
    }
}

/// A status list could not be obtained (the check is then `unknown`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SourceError {
    /// Stable machine code.
    pub code: &'static str,
    /// Detail.
    pub message: String,
}

/// A verified, decoded status list.
#[derive(Debug)]
struct CachedList {
    revision: Option<i64>,
    issuer: String,
    purposes: Vec<String>,
    bits: Bitstring,
    expires: DateTime<Utc>,
}

/// Status lists that passed verification, each kept at most for its `ttl`
/// (BSL §2.2; 300 s when absent), so repeated verifications neither refetch
/// nor re-verify them.
#[derive(Debug, Default)]
pub struct StatusCache {
    lists: RwLock<HashMap<String, Arc<CachedList>>>,
}

/// Most lists a cache holds.
const CACHE_CAPACITY: usize = 1024;

impl StatusCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn get(&self, url: &str, now: DateTime<Utc>) -> Option<Arc<CachedList>> {
        let lists = self.lists.read().ok()?;
        lists.get(url).filter(|l| l.expires > now).cloned()
    }

    fn put(&self, url: &str, list: Arc<CachedList>, now: DateTime<Utc>) {
        if let Ok(mut lists) = self.lists.write() {
            if lists.len() >= CACHE_CAPACITY {
                lists.retain(|_, l| l.expires > now);
            }
            if lists.len() < CACHE_CAPACITY {
                lists.insert(url.to_owned(), list);
            }
        }
    }
}

/// Inputs of one verification that are not the credential.
#[derive(Clone, Copy)]
pub struct VerifyContext<'a> {
    /// Resolves verification methods to keys.
    pub resolver: &'a dyn KeyResolver,
    /// Where status lists come from; without one, status is `unknown`.
    pub status: Option<&'a dyn StatusSource>,
    /// Verified status lists, reused for their ttl.
    pub status_cache: Option<&'a StatusCache>,
    /// The verification time.
    pub now: DateTime<Utc>,
    /// Tolerated clock skew on validity dates.
    pub clock_skew: Duration,
    /// Largest accepted input.
    pub max_bytes: usize,
}

impl<'a> VerifyContext<'a> {
    /// Defaults: 5 minutes of skew, 1 MB.
    pub fn new(resolver: &'a dyn KeyResolver, now: DateTime<Utc>) -> Self {
        VerifyContext {
            resolver,
            status: None,
            status_cache: None,
            now,
            clock_skew: DEFAULT_CLOCK_SKEW,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// With a status list source and cache.
    pub fn with_status(mut self, source: &'a dyn StatusSource, cache: &'a StatusCache) -> Self {
        self.status = Some(source);
        self.status_cache = Some(cache);
        self
    }
}

/// Verifies a credential given as bytes (JSON text).
pub async fn verify_bytes(input: &[u8], cx: VerifyContext<'_>) -> Report {
    if input.len() > cx.max_bytes {
        let c = Check::new(
            "parse",
            CheckState::Invalid,
            "input_too_large",
            format!(
                "{} bytes exceed the limit of {} bytes",
                input.len(),
                cx.max_bytes
            ),
        );
        return Report::finish(vec![c], None, cx.now);
    }
    let doc: Value = match model::strict_json::from_slice(input) {
        Ok(v) => v,
        Err(e) => {
            let c = Check::new("parse", CheckState::Invalid, e.code(), e.to_string());
            return Report::finish(vec![c], None, cx.now);
        }
    };
    verify_value(&doc, cx).await
}

/// Verifies a parsed credential.
pub async fn verify_value(doc: &Value, cx: VerifyContext<'_>) -> Report {
    let mut checks = Vec::with_capacity(6);
    let depth = model::json_depth(doc);
    if depth > model::MAX_JSON_DEPTH {
        checks.push(Check::new(
            "parse",
            CheckState::Invalid,
            "json_too_deep",
            format!(
                "JSON nested {depth} levels deep (at most {})",
                model::MAX_JSON_DEPTH
            ),
        ));
        return Report::finish(checks, None, cx.now);
    }
    if !doc.is_object() {
        checks.push(Check::new(
            "parse",
            CheckState::Invalid,
            "not_an_object",
            "a credential is a JSON object",
        ));
        return Report::finish(checks, None, cx.now);
    }
    checks.push(Check::valid("parse", "well-formed JSON object"));

    let summary = match model::inspect_credential(doc) {
        Ok(s) => {
            checks.push(Check::valid(
                "structure",
                if s.is_open_badge {
                    "Open Badges 3.0 credential"
                } else {
                    "verifiable credential"
                },
            ));
            s
        }
        Err(problems) => {
            for p in problems {
                let mut c = Check::new("structure", CheckState::Invalid, p.code, p.message);
                c.path = Some(p.path);
                checks.push(c);
            }
            return Report::finish(checks, None, cx.now);
        }
    };
    let info = CredentialInfo {
        id: summary.id.clone(),
        issuer: summary.issuer_id.clone(),
        issuer_name: summary.issuer_name.clone(),
        holder: summary.subject_name.clone(),
        achievement: summary.achievement_name.clone(),
        valid_from: summary.valid_from.as_ref().map(|d| d.as_str().to_owned()),
        valid_until: summary.valid_until.as_ref().map(|d| d.as_str().to_owned()),
    };

    let proof_checks = proof_checks(doc, &summary.issuer_id, cx).await;
    let signature_ok = proof_checks.iter().all(|c| c.state == CheckState::Valid);
    checks.extend(proof_checks);

    match &summary.valid_from {
        Some(from) if from.instant() > cx.now + cx.clock_skew => checks.push(Check::new(
            "valid_from",
            CheckState::Invalid,
            "not_yet_valid",
            format!("valid from {}", from.as_str()),
        )),
        Some(from) => checks.push(Check::valid(
            "valid_from",
            format!("valid from {}", from.as_str()),
        )),
        None => checks.push(Check::valid("valid_from", "no start date")),
    }
    match &summary.valid_until {
        Some(until) if until.instant() < cx.now - cx.clock_skew => checks.push(Check::new(
            "valid_until",
            CheckState::Invalid,
            "expired",
            format!("expired at {}", until.as_str()),
        )),
        Some(until) => checks.push(Check::valid(
            "valid_until",
            format!("valid until {}", until.as_str()),
        )),
        None => checks.push(Check::valid("valid_until", "no expiry date")),
    }
    // Status last, and only once the signature holds: a forged credential
    // must not make us fetch anything (BSL §6, SSRF).
    if summary.status_entries.is_empty() {
        checks.push(Check::valid("status", "no status information"));
    } else if !signature_ok {
        checks.push(Check::new(
            "status",
            CheckState::Unknown,
            "status_not_checked",
            "not checked: the signature did not verify",
        ));
    } else {
        for entry in &summary.status_entries {
            let mut c = status_check(entry, &summary.issuer_id, cx).await;
            c.path = Some(entry.path.clone());
            checks.push(c);
        }
    }
    Report::finish(checks, Some(info), cx.now)
}

/// One check per proof: the signature and the method's controller being the issuer.
async fn proof_checks(doc: &Value, issuer_id: &str, cx: VerifyContext<'_>) -> Vec<Check> {
    match proof::verify_proofs(doc, "assertionMethod", cx.resolver, cx.now).await {
        Err(e) => vec![Check::new(
            "proof",
            CheckState::Invalid,
            e.code(),
            e.to_string(),
        )],
        Ok(outcomes) => outcomes
            .into_iter()
            .map(|o| {
                let label = format!(
                    "proof {} ({}, {})",
                    o.index,
                    o.cryptosuite.as_deref().unwrap_or("?"),
                    o.verification_method.as_deref().unwrap_or("?")
                );
                match (&o.result, &o.method) {
                    (Ok(()), Some(m)) if m.controller != issuer_id => Check::new(
                        "proof",
                        CheckState::Invalid,
                        "proof_controller_mismatch",
                        format!(
                            "{label}: key controller {} is not the issuer {issuer_id}",
                            m.controller
                        ),
                    ),
                    (Ok(()), _) => Check::valid("proof", format!("{label}: signature verified")),
                    (Err(e), _) => Check::new(
                        "proof",
                        if e.is_unknown() {
                            CheckState::Unknown
                        } else {
                            CheckState::Invalid
                        },
                        e.code(),
                        format!("{label}: {e}"),
                    ),
                }
            })
            .collect(),
    }
}

fn unknown(code: &'static str, message: impl Into<String>) -> Check {
    Check::new("status", CheckState::Unknown, code, message)
}

fn invalid(code: &'static str, message: impl Into<String>) -> Check {
    Check::new("status", CheckState::Invalid, code, message)
}

/// Bitstring Status List validation (BSL §3.2) of one entry: the list is
/// obtained, its proof verified, its issuer and purpose compared, then the bit read.
async fn status_check(
    entry: &model::StatusEntryRef,
    issuer_id: &str,
    cx: VerifyContext<'_>,
) -> Check {
    if entry.entry_type != "BitstringStatusListEntry" {
        return unknown(
            "status_type_unsupported",
            format!("status type {} is not supported", entry.entry_type),
        );
    }
    let Some(purpose) = entry.purpose.as_deref() else {
        return invalid("status_entry_malformed", "statusPurpose is missing");
    };
    let Some(index) = entry.index_value() else {
        return invalid(
            "status_entry_malformed",
            "statusListIndex is not a decimal string",
        );
    };
    let Some(url) = entry.list_url.as_deref() else {
        return invalid("status_entry_malformed", "statusListCredential is missing");
    };
    let revision = match cx.status {
        Some(source) => source.revision(url).await,
        None => None,
    };
    let cached = cx
        .status_cache
        .and_then(|c| c.get(url, cx.now))
        .filter(|l| l.revision == revision);
    let list = match cached {
        Some(list) => list,
        None => match load_list(url, revision, cx).await {
            Ok(list) => {
                let list = Arc::new(list);
                if let Some(cache) = cx.status_cache {
                    cache.put(url, list.clone(), cx.now);
                }
                list
            }
            Err(check) => return check,
        },
    };
    if list.issuer != issuer_id {
        return invalid(
            "status_list_issuer_mismatch",
            format!(
                "the status list {url} is issued by {}, not by the credential's issuer",
                list.issuer
            ),
        );
    }
    if !list.purposes.iter().any(|p| p == purpose) {
        return invalid(
            "status_purpose_mismatch",
            format!(
                "the status list {url} is for {}, not {purpose}",
                list.purposes.join(", ")
            ),
        );
    }
    match list.bits.get(index.get()) {
        Err(e) => invalid("status_index_out_of_range", e.to_string()),
        Ok(false) => Check::valid("status", format!("{purpose}: not set")),
        Ok(true) => match purpose {
            "revocation" => invalid("revoked", "the issuer revoked this credential"),
            "suspension" => invalid("suspended", "the issuer suspended this credential"),
            other => invalid("status_set", format!("the {other} status is set")),
        },
    }
}

/// Fetches, verifies and decodes a status list credential.
async fn load_list(
    url: &str,
    revision: Option<i64>,
    cx: VerifyContext<'_>,
) -> Result<CachedList, Check> {
    let Some(source) = cx.status else {
        return Err(unknown(
            "status_not_checked",
            "no status list source is configured",
        ));
    };
    let bytes = source.status_list(url).await.map_err(|e| {
        unknown(
            "status_list_unreachable",
            format!("status list {url}: {e} ({})", e.code),
        )
    })?;
    let doc: Value = model::strict_json::from_slice(&bytes).map_err(|e| {
        let code = match e {
            model::strict_json::StrictJsonError::DuplicateKey { .. } => e.code(),
            _ => "status_list_malformed",
        };
        unknown(code, format!("status list {url}: {e}"))
    })?;
    if model::json_depth(&doc) > model::MAX_JSON_DEPTH {
        return Err(unknown(
            "status_list_malformed",
            format!("status list {url} is nested too deeply"),
        ));
    }
    let types_ok = match doc.get("type") {
        Some(Value::Array(a)) => a.iter().any(|t| t == "BitstringStatusListCredential"),
        Some(Value::String(t)) => t == "BitstringStatusListCredential",
        _ => false,
    };
    if !types_ok {
        return Err(unknown(
            "status_list_malformed",
            format!("{url} is not a BitstringStatusListCredential"),
        ));
    }
    let issuer = match doc.get("issuer") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    };
    let proofs = proof_checks(&doc, &issuer, cx).await;
    if let Some(bad) = proofs.iter().find(|c| c.state != CheckState::Valid) {
        return Err(unknown(
            "status_list_proof_invalid",
            format!(
                "the status list {url} does not verify: {} ({})",
                bad.message, bad.code
            ),
        ));
    }
    // VCDM 2.0 §4.9 `validUntil`; a VC 1.1 list (VCDM 1.1 §4.7) has `expirationDate`.
    let until = doc
        .get("validUntil")
        .or_else(|| doc.get("expirationDate"))
        .and_then(Value::as_str);
    if let Some(until) = until.and_then(|u| chrono::DateTime::parse_from_rfc3339(u).ok())
        && until.to_utc() < cx.now - cx.clock_skew
    {
        return Err(unknown(
            "status_list_expired",
            format!("the status list {url} expired"),
        ));
    }
    let subject = doc.get("credentialSubject").unwrap_or(&Value::Null);
    let purposes = match subject.get("statusPurpose") {
        Some(Value::String(p)) => vec![p.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let bits = Bitstring::decode(encoded, MAX_DECODED_BYTES)
        .map_err(|e| unknown(e.code(), format!("status list {url}: {e}")))?;
    let ttl_ms = subject
        .get("ttl")
        .and_then(Value::as_u64)
        .unwrap_or(DEFAULT_TTL_MS);
    let ttl = Duration::milliseconds(i64::try_from(ttl_ms.min(DEFAULT_TTL_MS)).unwrap_or(0));
    Ok(CachedList {
        revision,
        issuer,
        purposes,
        bits,
        expires: cx.now + ttl,
    })
}

/// Verifies what a user hands in: credential JSON, or a baked PNG or SVG
/// (OB 3.0 §5.3), whose embedded credential is extracted first.
pub async fn verify_input(input: &[u8], cx: VerifyContext<'_>) -> Report {
    if input.len() > cx.max_bytes.max(crate::render::bake::MAX_IMAGE_BYTES) {
        let c = Check::new(
            "parse",
            CheckState::Invalid,
            "input_too_large",
            format!("{} bytes exceed the limit", input.len()),
        );
        return Report::finish(vec![c], None, cx.now);
    }
    let first = input.iter().copied().find(|b| !b.is_ascii_whitespace());
    let looks_like_image =
        input.starts_with(b"\x89PNG") || first == Some(b'<') || input.starts_with(b"\xEF\xBB\xBF<");
    if !looks_like_image {
        return verify_bytes(input, cx).await;
    }
    match crate::render::bake::unbake(input) {
        Ok(crate::render::bake::Baked::Json(json)) => verify_bytes(json.as_bytes(), cx).await,
        Ok(crate::render::bake::Baked::Jws(_)) => {
            let c = Check::new(
                "parse",
                CheckState::Unknown,
                "vc_jwt_unsupported",
                "the image carries a VC-JWT (compact JWS); only Data Integrity credentials are verified",
            );
            Report::finish(vec![c], None, cx.now)
        }
        Err(e) => {
            let c = Check::new(
                "parse",
                CheckState::Invalid,
                e.code(),
                format!("baked image: {e}"),
            );
            Report::finish(vec![c], None, cx.now)
        }
    }
}
