//! The verification pipeline and its report.
//!
//! parse → structure (OB 3.0 §9.1 step 1, VCDM 2.0 §4) → proofs (VC-DI §4.4,
//! §4.5; the method's controller must be the issuer, OB 3.0 §8.5) →
//! validity window (VCDM 2.0 §4.9, with clock skew). Each check ends in one
//! [`CheckState`]; "could not check" is [`CheckState::Unknown`] and never
//! counts as valid. Time and key resolution are passed in.

use crate::keys::KeyResolver;
use crate::model;
use crate::proof;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::Value;

/// Default limit on the size of a credential given to the verifier.
pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;
/// Clock skew tolerated on validity dates (the JavaScript reference uses 300 s).
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::seconds(300);

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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
    pub path: Option<String>,
}

impl Check {
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
#[derive(Debug, Clone, Default, Serialize)]
pub struct CredentialInfo {
    /// Credential `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Issuer id.
    pub issuer: String,
    /// Issuer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_name: Option<String>,
    /// Holder display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// Achievement (certification) name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achievement: Option<String>,
    /// `validFrom` (or VC 1.1 `issuanceDate`) exactly as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// `validUntil` (or VC 1.1 `expirationDate`) exactly as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

/// The verification report: one state per check, and a verdict that is
/// `true` only when every check is valid.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Overall verdict.
    pub verified: bool,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
    /// What the credential claims (present once it parsed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialInfo>,
    /// When the checks ran.
    pub checked_at: String,
}

impl Report {
    fn finish(checks: Vec<Check>, credential: Option<CredentialInfo>, now: DateTime<Utc>) -> Self {
        let verified = !checks.is_empty() && checks.iter().all(|c| c.state == CheckState::Valid);
        Report {
            verified,
            checks,
            credential,
            checked_at: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }

    /// The first check that is not valid.
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.state != CheckState::Valid)
    }
}

/// Inputs of one verification that are not the credential.
#[derive(Clone, Copy)]
pub struct VerifyContext<'a> {
    /// Resolves verification methods to keys.
    pub resolver: &'a dyn KeyResolver,
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
            now,
            clock_skew: DEFAULT_CLOCK_SKEW,
            max_bytes: DEFAULT_MAX_BYTES,
        }
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
    let doc: Value = match serde_json::from_slice(input) {
        Ok(v) => v,
        Err(e) => {
            let code = if e.to_string().contains("recursion limit") {
                "json_too_deep"
            } else {
                "json_malformed"
            };
            let c = Check::new(
                "parse",
                CheckState::Invalid,
                code,
                format!("not valid JSON: {e}"),
            );
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

    match proof::verify_proofs(doc, "assertionMethod", cx.resolver, cx.now).await {
        Err(e) => checks.push(Check::new(
            "proof",
            CheckState::Invalid,
            e.code(),
            e.to_string(),
        )),
        Ok(outcomes) => {
            for o in outcomes {
                let label = format!(
                    "proof {} ({}, {})",
                    o.index,
                    o.cryptosuite.as_deref().unwrap_or("?"),
                    o.verification_method.as_deref().unwrap_or("?")
                );
                let check = match (&o.result, &o.method) {
                    (Ok(()), Some(m)) if m.controller != summary.issuer_id => Check::new(
                        "proof",
                        CheckState::Invalid,
                        "proof_controller_mismatch",
                        format!(
                            "{label}: key controller {} is not the issuer {}",
                            m.controller, summary.issuer_id
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
                };
                checks.push(check);
            }
        }
    }

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
    Report::finish(checks, Some(info), cx.now)
}
