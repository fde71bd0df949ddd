//! The proof checks of one credential (VC-DI 1.0 §4.4, §4.5).
//!
//! The proof-set rule (VC-DI 1.0 §2.1.2 "Proof Sets", §4.5): a proof whose
//! `type` or `cryptosuite` Rosette does not support is reported `unknown`
//! for that proof. When at least one supported proof of the set verified,
//! such a proof is ignored ([`PROOF_IGNORED`], which the verdict does not
//! count); every supported proof must still verify, so one that fails
//! makes the credential invalid. With no supported proof verified, the
//! unsupported ones keep the credential `unknown` (could not check).

use super::VerifyContext;
use super::report::{Check, CheckState, PROOF_IGNORED};
use crate::proof::{self, ProofOutcome};
use serde_json::Value;

/// One check per proof: the signature and the method's controller being
/// the issuer, with the proof-set rule of this module applied.
pub(super) async fn proof_checks(
    doc: &Value,
    issuer_id: &str,
    cx: VerifyContext<'_>,
) -> Vec<Check> {
    match proof::verify_proofs(doc, "assertionMethod", cx.resolver, cx.now).await {
        Err(e) => vec![Check::new(
            "proof",
            CheckState::Invalid,
            e.code(),
            e.to_string(),
        )],
        Ok(outcomes) => {
            let checks: Vec<Check> = outcomes.iter().map(|o| one_check(o, issuer_id)).collect();
            let verified = outcomes
                .iter()
                .zip(&checks)
                .find(|(_, c)| c.state == CheckState::Valid)
                .map(|(o, _)| o.index);
            match verified {
                None => checks,
                Some(by) => outcomes
                    .iter()
                    .zip(checks)
                    .map(|(o, c)| match &o.result {
                        Err(e) if e.is_unsupported_suite() => Check::new(
                            "proof",
                            CheckState::Unknown,
                            PROOF_IGNORED,
                            format!(
                                "{}: not checked ({e}); ignored, as proof {by} of the set verified",
                                label(o)
                            ),
                        ),
                        _ => c,
                    })
                    .collect(),
            }
        }
    }
}

/// `proof 1 (eddsa-rdfc-2022, did:…#z6Mk…)`: the position, the suite (its
/// `cryptosuite`, else its `type`) and the verification method.
fn label(o: &ProofOutcome) -> String {
    format!(
        "proof {} ({}, {})",
        o.index,
        o.cryptosuite
            .as_deref()
            .or(o.proof_type.as_deref())
            .unwrap_or("?"),
        o.verification_method.as_deref().unwrap_or("?")
    )
}

/// The check of one proof on its own.
fn one_check(o: &ProofOutcome, issuer_id: &str) -> Check {
    let label = label(o);
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
}
