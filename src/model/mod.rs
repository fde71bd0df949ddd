//! Open Badges 3.0 (OB 3.0) and W3C Verifiable Credentials Data Model 2.0
//! (VCDM 2.0) types, newtypes, date forms and structural checks.
//!
//! No I/O, no keys, no proofs: this module builds the *unsigned* credential
//! that the `proof` module signs, and reads the structure of received
//! credentials for the `verification` module.
//!
//! # Two directions, two representations
//!
//! * **Issuing** uses typed structs ([`OpenBadgeCredential`] and its parts).
//!   They serialize exactly as OB 3.0 requires (STANDARDS §1, §2.1–2.5): the
//!   two contexts in order, arrays for every 0..* / 1..* property, `None` and
//!   empty arrays omitted, dates as `YYYY-MM-DDTHH:MM:SSZ`, `statusListIndex`
//!   as a string, and only terms defined by the VC v2 and OB 3.0.3 contexts
//!   (anything else breaks `eddsa-rdfc-2022` in JSON-LD safe mode).
//!   Run [`OpenBadgeCredential::validate_for_signing`] before handing
//!   [`OpenBadgeCredential::to_json_value`] to the signer.
//! * **Verifying** never goes through the typed structs (that could change
//!   lexical forms and break signatures, STANDARDS §1 item 5):
//!   [`inspect_credential`] reads a `&serde_json::Value` as received and
//!   returns a [`CredentialSummary`] or a list of [`Finding`]s with stable
//!   codes (see [`codes`]).
//!
//! # Newtypes
//!
//! Parse, don't validate (DESIGN.md habit 5): [`Uri`], [`CredentialId`],
//! [`Did`], [`CertificationSlug`], [`StatusListIndex`] and [`XsdDateTime`] can
//! only hold valid values; each parses with `FromStr` / `TryFrom<&str>` and
//! (de)serializes as a JSON string.

mod credential;
mod datetime;
mod identity;
mod inspect;
mod newtypes;
mod serde_util;
pub mod strict_json;
mod subject_rule;
#[cfg(test)]
pub(crate) mod test_rng;
mod validate;
pub mod vcdm;
mod vocab;

pub use credential::{
    Achievement, AchievementCredential, AchievementResult, AchievementSubject, Alignment,
    BitstringStatusListEntry, Criteria, Evidence, Image, OpenBadgeCredential, Profile,
    ResultDescription, RubricCriterionLevel,
};
pub use datetime::XsdDateTime;
pub use identity::{IdentityObject, identity_hash_sha256};
pub use inspect::{
    CredentialSummary, Finding, MAX_JSON_DEPTH, ResultSummary, StatusEntryRef, VcVersion, codes,
    inspect_credential, is_ob_context_url, json_depth,
};
pub use newtypes::{CertificationSlug, CredentialId, Did, StatusListIndex, Uri};
pub use vocab::{
    AchievementType, AlignmentTargetType, IdentityObjectTag, IdentityType, ImageTag, ResultStatus,
    ResultType, StatusEntryTag, StatusPurpose,
};

/// The VC Data Model 2.0 base context; must be `@context[0]` (VCDM 2.0 §4.3).
pub const VC_V2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// The VC Data Model 1.1 base context, still found in older OB 3.0
/// credentials (VCDM 1.1 §4.1).
pub const VC_V1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";

/// The current Open Badges 3.0 context; must be `@context[1]` of credentials
/// we issue (OB 3.0 §B.1 AchievementCredential, STANDARDS §2.6).
pub const OB_V3P0_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// The 1EdTech extensions context, needed as a third item whenever a 1EdTech
/// type name is used (STANDARDS §1 item 1). Rosette's typed model uses none.
pub const OB_V3P0_EXTENSIONS_CONTEXT: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

/// The `@context` of every credential Rosette issues, in order
/// (STANDARDS §1 item 1).
pub const OB_CREDENTIAL_CONTEXTS: [&str; 2] = [VC_V2_CONTEXT, OB_V3P0_CONTEXT];

/// Errors from parsing model values and from
/// [`OpenBadgeCredential::validate_for_signing`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// A string did not parse as the named kind of value.
    #[error("invalid {kind} {value:?}: {reason}")]
    Parse {
        /// What was being parsed, e.g. `"XSD dateTimeStamp"`.
        kind: &'static str,
        /// The offending input, cut to at most 80 characters.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// A string that would be signed contains a character that must not be
    /// signed (see [`check_signable_text`]).
    #[error("{field}: {reason}")]
    UnsignableText {
        /// JSON pointer of the string, e.g. `/credentialSubject/name`.
        field: String,
        /// Which character, and where.
        reason: String,
    },
    /// A structural OB 3.0 / VCDM 2.0 rule is broken.
    #[error("{field}: {reason}")]
    Invalid {
        /// JSON pointer of the offending property.
        field: String,
        /// The rule that is broken.
        reason: String,
    },
    /// The random number generator failed.
    #[error("random number generator failed: {0}")]
    Random(String),
}

impl ModelError {
    pub(crate) fn parse(kind: &'static str, value: &str, reason: impl Into<String>) -> Self {
        const MAX: usize = 80;
        let value = if value.chars().count() > MAX {
            let mut v: String = value.chars().take(MAX).collect();
            v.push('…');
            v
        } else {
            value.to_owned()
        };
        ModelError::Parse {
            kind,
            value,
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ModelError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// How a JSON value is described in an error message ("a string", "an array"…).
pub(crate) fn json_kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks that `value` may appear in a signed credential.
///
/// Refuses U+0000–U+001F except U+000A (`\n`, allowed for Markdown
/// narratives), U+007F, and the noncharacters U+FFFE and U+FFFF. Canonical
/// N-Quads escape control characters differently in URDNA2015-era and
/// RDFC-1.0 implementations (STANDARDS §9 item 9), so a credential carrying
/// them may verify in one verifier and fail in another. `field` names the
/// value in the error (use a JSON pointer).
///
/// # Errors
/// [`ModelError::UnsignableText`] naming the first offending character.
pub fn check_signable_text(field: &str, value: &str) -> Result<(), ModelError> {
    for (position, c) in value.chars().enumerate() {
        let bad = matches!(c, '\u{0}'..='\u{1F}' | '\u{7F}' | '\u{FFFE}' | '\u{FFFF}') && c != '\n';
        if bad {
            return Err(ModelError::UnsignableText {
                field: field.to_owned(),
                reason: format!(
                    "character U+{:04X} at position {position} is not allowed in signed text",
                    u32::from(c)
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signable_text_accepts_newline_and_unicode() {
        assert_eq!(
            check_signable_text("/a", "line 1\nline 2 — ünïcødé ✓ 🎓"),
            Ok(())
        );
        assert_eq!(check_signable_text("/a", ""), Ok(()));
    }

    #[test]
    fn signable_text_refuses_controls_and_noncharacters() {
        for (input, code) in [
            ("a\u{0}b", "U+0000 at position 1"),
            ("tab\there", "U+0009 at position 3"),
            ("cr\r\n", "U+000D at position 2"),
            ("\u{1F}", "U+001F at position 0"),
            ("del\u{7F}", "U+007F at position 3"),
            ("x\u{FFFE}", "U+FFFE at position 1"),
            ("é\u{FFFF}", "U+FFFF at position 1"),
        ] {
            let err = check_signable_text("/name", input).unwrap_err();
            match &err {
                ModelError::UnsignableText { field, reason } => {
                    assert_eq!(field, "/name");
                    assert!(reason.contains(code), "{reason} should contain {code}");
                }
                other => panic!("unexpected error {other:?}"),
            }
        }
    }

    #[test]
    fn parse_error_truncates_long_values() {
        let long = "x".repeat(500);
        match ModelError::parse("URI", &long, "nope") {
            ModelError::Parse { value, .. } => assert_eq!(value.chars().count(), 81),
            other => panic!("unexpected {other:?}"),
        }
    }
}
