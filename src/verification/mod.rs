//! The verification pipeline and its report.
//!
//! parse → structure (OB 3.0 §9.1 step 1, VCDM 2.0 §4) → terms (JSON-LD
//! safe mode, when no proof already ran it: `terms`) → proofs (VC-DI §4.4,
//! §4.5; the method's controller must be the issuer, OB 3.0 §8.5) →
//! validity window (VCDM 2.0 §4.9, with clock skew) → status → embedded
//! endorsements (OB 3.0 §9.1 step 6, [`embedded`]). A VC-JWT (OB 3.0
//! §8.2) goes the same way, its JWS checked in place of embedded proofs
//! (`vc_jwt`). A verification receipt (`receipt`) is a credential like
//! any other; its report also says what it attests. Each check ends in one [`CheckState`]; "could not check" is
//! [`CheckState::Unknown`] and never counts as valid. Time and key
//! resolution are passed in.

pub mod embedded;
mod holder;
mod issuers;
mod proofs;
pub mod receipt;
mod report;
mod revocation_list;
mod status_check;
mod terms;
mod vc_jwt;

pub use holder::HolderKeys;
pub use issuers::{IssuerTrust, TrustedIssuers};
pub use report::{Check, CheckState, CredentialInfo, PROOF_IGNORED, Report, Verdict};
pub use status_check::{SourceError, StatusCache, StatusSource};

use crate::keys::KeyResolver;
use crate::model;
use crate::proof::jwt::{CompactJws, looks_like_compact_jws, parse_compact_jws};
use chrono::{DateTime, Duration, Utc};
use proofs::proof_checks;
use serde_json::Value;
use status_check::status_check;

/// Default limit on the size of a credential given to the verifier.
pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;
/// Clock skew tolerated on validity dates (the JavaScript reference uses 300 s).
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::seconds(300);

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
    /// This verifier's own issuer and the trusted-issuer list, for the
    /// report's `issued_here` and `issuer_trust`; without: `no_list`.
    pub issuers: Option<&'a TrustedIssuers>,
    /// Whether embedded endorsements are verified (off for the endorsements
    /// themselves: [`embedded`] walks the nested ones, within its bounds).
    check_endorsements: bool,
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
            issuers: None,
            check_endorsements: true,
        }
    }

    /// With this verifier's own issuer and its trusted-issuer list.
    pub fn with_issuers(mut self, issuers: &'a TrustedIssuers) -> Self {
        self.issuers = Some(issuers);
        self
    }

    /// With a status list source and cache.
    pub fn with_status(mut self, source: &'a dyn StatusSource, cache: &'a StatusCache) -> Self {
        self.status = Some(source);
        self.status_cache = Some(cache);
        self
    }
}

/// Verifies a credential given as bytes: JSON text, or a VC-JWT (a compact
/// JWS, OB 3.0 §8.2) with white space around it.
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
    if looks_like_compact_jws(input) {
        return verify_jws_text(&String::from_utf8_lossy(input), cx).await;
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

/// Verifies a VC-JWT given as compact JWS text (OB 3.0 §8.2.5): the
/// credential it carries goes through the same pipeline as a JSON one, its
/// JWS standing for the proof.
pub async fn verify_jws_text(text: &str, cx: VerifyContext<'_>) -> Report {
    match parse_compact_jws(text) {
        Ok(jws) => verify_document(&jws.credential(), Some(&jws), cx).await,
        Err(e) => {
            let c = Check::new("parse", CheckState::Invalid, e.code, e.message);
            Report::finish(vec![c], None, cx.now)
        }
    }
}

/// Verifies a parsed credential.
pub async fn verify_value(doc: &Value, cx: VerifyContext<'_>) -> Report {
    verify_document(doc, None, cx).await
}

/// The pipeline, for a credential with embedded proofs or secured by `jws`.
pub(super) async fn verify_document(
    doc: &Value,
    jws: Option<&CompactJws>,
    cx: VerifyContext<'_>,
) -> Report {
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
    checks.push(Check::valid(
        "parse",
        if jws.is_some() {
            "compact JWS (VC-JWT) whose payload holds a JSON object"
        } else {
            "well-formed JSON object"
        },
    ));

    let summary = match model::inspect_credential(doc) {
        Ok(s) => {
            checks.push(Check::valid(
                "structure",
                if s.is_open_badge {
                    "Open Badges 3.0 credential"
                } else if receipt::is_receipt(doc) {
                    "verification receipt (a verifiable credential of type VerificationReceipt)"
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
    let issuer_trust = cx
        .issuers
        .map_or(IssuerTrust::NoList, |t| t.assess(&summary.issuer_id));
    let mut info = CredentialInfo {
        id: summary.id.clone(),
        issuer: summary.issuer_id.clone(),
        issuer_name: summary.issuer_name.clone(),
        issued_here: false,
        issuer_trust,
        holder: summary.subject_name.clone(),
        achievement: summary.achievement_name.clone(),
        valid_from: summary.valid_from.as_ref().map(|d| d.as_str().to_owned()),
        valid_until: summary.valid_until.as_ref().map(|d| d.as_str().to_owned()),
    };

    // VC-DI 1.0 §4.4 / VCDM 2.0 §4.1: no term may be silently dropped,
    // whichever way the document is secured.
    if let Some(c) = doc.as_object().and_then(terms::terms_check) {
        checks.push(c);
    }
    let proof_checks = match jws {
        Some(jws) => vc_jwt::jwt_checks(jws, doc, &summary, cx).await,
        None => proof_checks(doc, &summary.issuer_id, cx).await,
    };
    let signature_ok = proof_checks.iter().all(Check::passes);
    // Valid proofs have the issuer as their key's controller: ours only
    // resolve to this issuer's keys.
    info.issued_here = signature_ok && issuer_trust == IssuerTrust::ThisIssuer;
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
            let mut c = status_check(entry, summary.id.as_deref(), &summary.issuer_id, cx).await;
            c.path = Some(entry.path.clone());
            checks.push(c);
        }
    }
    if cx.check_endorsements {
        checks.extend(embedded::endorsement_checks(doc, signature_ok, cx).await);
    }
    let mut report = Report::finish(checks, Some(info), cx.now);
    report.attests = receipt::attestation(doc);
    report
}

/// Verifies what a user hands in: credential JSON, a VC-JWT (compact JWS
/// text, OB 3.0 §8.2), or a baked PNG or SVG (OB 3.0 §5.3), whose embedded
/// credential or VC-JWT is extracted first.
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
        Ok(crate::render::bake::Baked::Jws(text)) => verify_jws_text(&text, cx).await,
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
