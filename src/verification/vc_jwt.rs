//! The proof checks of a VC-JWT (Open Badges 3.0 §8.2.5): one `proof`
//! check for the JWS (header rules, key, signature, the key's controller
//! being the issuer), one `jwt_claims` check (or one per failing claim),
//! then the checks of any Data Integrity proof embedded in the payload.
//!
//! A key the token only carries (the header `jwk`) proves nothing about
//! who holds it: it counts only when the issuer's controller document
//! (CID 1.0) lists it under `assertionMethod`, as a key named in a URL
//! fragment does for Data Integrity proofs.
//!
//! Proof sets: OB 3.0 §9.1 step 2 lets one valid proof suffice; Rosette
//! keeps its one rule for proof sets instead: every proof it can check
//! must verify, so an embedded proof that fails makes the credential
//! invalid even when the JWS holds.

use super::VerifyContext;
use super::proofs::proof_checks;
use super::report::{Check, CheckState};
use crate::keys::{PublicJwk, assertion_method_with_key};
use crate::model::CredentialSummary;
use crate::proof::jwt::{self, CompactJws, CredentialFields, JwtError};
use serde_json::Value;

fn failed(check: &'static str, e: JwtError, prefix: &str) -> Check {
    let state = if e.unknown {
        CheckState::Unknown
    } else {
        CheckState::Invalid
    };
    Check::new(check, state, e.code, format!("{prefix}{}", e.message))
}

/// The `proof` check of a JWS whose signature holds with `jwk`, the
/// header's own key (OB 3.0 §8.2.5 step 3): valid when the controller
/// document of `issuer` lists that key under `assertionMethod` (CID 1.0
/// §3.3), `invalid` (`jwt_key_not_issuers`) when the document lists no
/// such key, `unknown` (`jwt_key_unbound`) when no document is to be had.
async fn header_key_check(
    label: &str,
    jwk: &PublicJwk,
    issuer: &str,
    cx: VerifyContext<'_>,
) -> Check {
    let doc = match cx.resolver.document(issuer).await {
        Ok(doc) => doc,
        Err(e) => {
            return Check::new(
                "proof",
                CheckState::Unknown,
                "jwt_key_unbound",
                format!(
                    "{label}: the signature holds with the key the token carries, but no \
                     document of the issuer lists that key (OB 3.0 §8.2.5): {e}"
                ),
            );
        }
    };
    match assertion_method_with_key(&doc, jwk) {
        Some(m) => Check::valid(
            "proof",
            format!(
                "{label}: signature verified; the issuer's document lists the key as {} \
                 (assertionMethod, CID 1.0 §3.3)",
                m.id
            ),
        ),
        None => Check::new(
            "proof",
            CheckState::Invalid,
            "jwt_key_not_issuers",
            format!(
                "{label}: the key the token carries is not listed under assertionMethod in the \
                 document of the issuer {issuer} (OB 3.0 §8.2.5, CID 1.0 §3.3)"
            ),
        ),
    }
}

/// The `proof` and `jwt_claims` checks of `jws`, whose credential is `doc`
/// (summarised in `summary`), then those of `doc`'s embedded proofs.
pub(super) async fn jwt_checks(
    jws: &CompactJws,
    doc: &Value,
    summary: &CredentialSummary,
    cx: VerifyContext<'_>,
) -> Vec<Check> {
    let mut checks = Vec::with_capacity(3);
    checks.push(match jwt::verify_jws(jws, cx.resolver).await {
        Err(e) => failed("proof", e, "VC-JWT: "),
        Ok(v) => {
            let label = format!(
                "VC-JWT ({}, {})",
                v.alg,
                v.key
                    .kid
                    .as_deref()
                    .unwrap_or("key in the JOSE header 'jwk'")
            );
            match &v.key.controller {
                Some(c) if *c != summary.issuer_id => Check::new(
                    "proof",
                    CheckState::Invalid,
                    "proof_controller_mismatch",
                    format!(
                        "{label}: key controller {c} is not the issuer {}",
                        summary.issuer_id
                    ),
                ),
                Some(_) => Check::valid("proof", format!("{label}: signature verified")),
                None => header_key_check(&label, &v.key.jwk, &summary.issuer_id, cx).await,
            }
        }
    });

    let fields = CredentialFields {
        issuer: &summary.issuer_id,
        id: summary.id.as_deref(),
        subject: summary.subject_id.as_deref(),
        valid_from: summary.valid_from.as_ref().map(|d| d.instant()),
        valid_until: summary.valid_until.as_ref().map(|d| d.instant()),
    };
    let results = jwt::check_claims(jws, &fields);
    let results_len = results.len();
    let mut agreed = Vec::new();
    for (claim, result) in results {
        match result {
            Ok(()) => agreed.push(claim),
            Err(e) => checks.push(failed("jwt_claims", e, "")),
        }
    }
    if agreed.len() == results_len {
        agreed.retain(|claim| jws.claims().contains_key(*claim));
        checks.push(Check::valid(
            "jwt_claims",
            if agreed.is_empty() {
                "the JWT has none of the claims iss, jti, sub, nbf, exp (OB 3.0 §8.2.3)".to_owned()
            } else {
                format!(
                    "the JWT claims {} agree with the credential (OB 3.0 §8.2.5)",
                    agreed.join(", ")
                )
            },
        ));
    }

    if doc.get("proof").is_some() {
        checks.extend(proof_checks(doc, &summary.issuer_id, cx).await);
    }
    checks
}
