//! The verification report: one [`Check`] per thing checked, the [`Verdict`]
//! derived from them, and what the credential says ([`CredentialInfo`]).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// The code of the check that reports a credential id this issuer never issued.
const NOT_ISSUED_HERE: &str = "credential_not_found";

/// The code of a proof check that was not made because its `type` or
/// `cryptosuite` is not supported, in a proof set where another proof
/// verified. Its state is [`CheckState::Unknown`] (shown as not checked),
/// but it does not count against the verdict ([`Check::passes`]): a proof
/// set is verified with the proofs a verifier supports (VC-DI 1.0 §2.1.2,
/// §4.5), and every one of those must verify. Only
/// the proof checks of the verification pipeline give this code.
pub const PROOF_IGNORED: &str = "proof_unsupported_ignored";

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

    pub(super) fn new(
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
    pub(super) fn valid(check: &'static str, message: impl Into<String>) -> Self {
        Check::new(check, CheckState::Valid, "ok", message)
    }

    /// Whether this check lets the credential be valid: it is valid, or it
    /// is an unsupported proof ignored beside a verified one ([`PROOF_IGNORED`]).
    pub fn passes(&self) -> bool {
        self.state == CheckState::Valid
            || (self.state == CheckState::Unknown && self.code == PROOF_IGNORED)
    }
}

/// What the credential says, for display.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CredentialInfo {
    /// Credential `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub id: Option<String>,
    /// Issuer id (a DID or URL: `issuer` or `issuer.id`).
    pub issuer: String,
    /// Issuer name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub issuer_name: Option<String>,
    /// True when this Rosette issued it: the issuer id is this Rosette's
    /// and the signature verified with one of its keys (current or retired).
    pub issued_here: bool,
    /// Where the issuer stands with this verifier: `this_issuer`, `listed`,
    /// `not_listed` ("issuer not on your list") or `no_list` (no list of
    /// trusted issuers configured). Information only: it never changes
    /// `verified` or the verdict.
    pub issuer_trust: super::IssuerTrust,
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
    /// The verdict of a list of checks: valid only when some check is
    /// valid and every one [passes](Check::passes) (is valid, or is an
    /// unsupported proof ignored beside a verified one); otherwise the
    /// first that applies of: not found, revoked, suspended, expired, not
    /// valid (a check failed), cannot verify (none failed, some could not
    /// be made).
    pub fn of(checks: &[Check]) -> Verdict {
        if checks.iter().any(|c| c.state == CheckState::Valid) && checks.iter().all(Check::passes) {
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
/// when every check is valid, an ignored proof of an unsupported type
/// apart) and the `verdict` word.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    /// Overall outcome: true only when every check is valid, apart from
    /// proofs of an unsupported type beside a verified proof (code
    /// `proof_unsupported_ignored`, state `unknown`).
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
    /// Present when the input is a verification receipt (its `type` lists
    /// `VerificationReceipt`): what it attests, as written in it. The
    /// checks above are the receipt's own (its proof, its issuer's key).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub attests: Option<Box<super::receipt::Attestation>>,
}

impl Report {
    pub(super) fn finish(
        checks: Vec<Check>,
        credential: Option<CredentialInfo>,
        now: DateTime<Utc>,
    ) -> Self {
        let verdict = Verdict::of(&checks);
        Report {
            verified: verdict == Verdict::Valid,
            verdict,
            checks,
            credential,
            checked_at: now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            attests: None,
        }
    }

    /// This report with `check` added, `verified` and `verdict` derived again.
    pub(super) fn with_check(mut self, check: Check) -> Self {
        self.checks.push(check);
        self.verdict = Verdict::of(&self.checks);
        self.verified = self.verdict == Verdict::Valid;
        self
    }

    /// A report of `checks` alone (for input that never reached the pipeline).
    pub fn of_checks(checks: Vec<Check>, now: DateTime<Utc>) -> Self {
        Report::finish(checks, None, now)
    }

    /// The first check that does not pass ([`Check::passes`]).
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks.iter().find(|c| !c.passes())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::keys::OfflineResolver;
    use crate::verification::{VerifyContext, verify_value};

    /// The report names the issuer, holder and achievement from language
    /// value objects (VCDM 2.0 §11.1), preferring English, even when the
    /// credential does not verify (here: it has no proof).
    #[tokio::test]
    async fn names_given_as_language_value_objects_are_shown() {
        let doc = json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ],
            "id": "urn:uuid:8c9b3c5e-6f55-4a6e-9f55-1f0d4c0f2b11",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {
                "id": "https://example.com/issuers/1",
                "type": ["Profile"],
                "name": [
                    {"@value": "Exemple SA", "@language": "fr"},
                    {"@value": "Example Corp", "@language": "en"}
                ]
            },
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "did:example:alice",
                "type": ["AchievementSubject"],
                "name": {"@value": "Alice", "@language": "en"},
                "achievement": {
                    "id": "https://example.com/achievements/1",
                    "type": ["Achievement"],
                    "name": [{"@value": "Travail d'équipe", "@language": "fr"}],
                    "description": {"@value": "Collaboration", "@language": "en"},
                    "criteria": {"narrative": "Peers nominate."}
                }
            }
        });
        let resolver = OfflineResolver::new();
        let now = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let report = verify_value(&doc, VerifyContext::new(&resolver, now)).await;
        let info = report.credential.expect("the credential is described");
        assert_eq!(info.issuer_name.as_deref(), Some("Example Corp"));
        assert_eq!(info.holder.as_deref(), Some("Alice"));
        assert_eq!(info.achievement.as_deref(), Some("Travail d'équipe"));
    }
}
