//! The proof checks of one credential (VC-DI 1.0 §4.4, §4.5).

use super::VerifyContext;
use super::report::{Check, CheckState};
use crate::proof;
use serde_json::Value;

/// One check per proof: the signature and the method's controller being the issuer.
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
