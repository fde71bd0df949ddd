//! Embedded endorsements: Open Badges 3.0 §9.1 step 6 asks the verifier to
//! verify every `EndorsementCredential` a credential carries, each with the
//! steps of §9.2 (structure, proof, status and validity dates, no subject
//! check). OB 3.0 allows `endorsement` and `endorsementJwt` on the
//! credential, on its issuer and the achievement's creator and the
//! subject's source (Profile) and on the achievement (OB 3.0 Appendix B,
//! AchievementCredential, Achievement and Profile).
//!
//! Each endorsement runs the same pipeline as the credential
//! ([`super::verify_value`]), and its checks join the report as
//! `endorsement` checks whose path points into the credential (e.g.
//! `/credentialSubject/achievement/endorsement/0/proof/0`) and whose code is
//! the inner code prefixed with `endorsement_` (`endorsement_signature_invalid`).
//! An endorsement that verifies is one valid check.
//!
//! The verdict: an invalid endorsement (a tampered proof, a broken
//! structure, an expired or revoked endorsement) makes the credential's
//! report not valid, since the document as presented carries a claim that
//! does not hold; an endorsement that could not be checked (its key cannot
//! be resolved, its suite is not supported) is `unknown`. An `endorsementJwt`
//! (a compact JWS, OB 3.0 §8.2) is verified as a VC-JWT; endorsements inside
//! its payload are not walked further.
//!
//! Nothing here runs before the credential's own signature holds, and an
//! endorsement's endorsements only once its signature holds, so a forged
//! document never makes the verifier resolve keys or fetch status lists.
//! At most [`MAX_ENDORSEMENTS`] endorsements are checked, down to
//! [`MAX_ENDORSEMENT_DEPTH`] levels; the rest are reported `unknown`.

use super::VerifyContext;
use super::report::{Check, CheckState};
use crate::jsonld::pointer_push;
use serde_json::Value;
use std::collections::VecDeque;

/// Deepest endorsement checked: 1 is an endorsement of the credential (or
/// of its issuer, achievement…), 2 an endorsement of such an endorsement.
pub const MAX_ENDORSEMENT_DEPTH: usize = 2;
/// Most endorsements checked for one credential, all depths together.
pub const MAX_ENDORSEMENTS: usize = 16;

/// The objects that may carry `endorsement` / `endorsementJwt`, as member
/// paths from the credential.
const PLACES: &[&[&str]] = &[
    &[],
    &["issuer"],
    &["credentialSubject", "achievement"],
    &["credentialSubject", "achievement", "creator"],
    &["credentialSubject", "source"],
];

/// One endorsement found: where, how deep, and the value.
struct Found<'a> {
    path: String,
    depth: usize,
    value: &'a Value,
    /// An `endorsementJwt`: a compact JWS (OB 3.0 §8.2) holding the endorsement.
    jwt: bool,
}

/// The `endorsement` checks of `doc`; `signature_ok` tells whether the
/// credential's own proofs verified.
pub(super) async fn endorsement_checks(
    doc: &Value,
    signature_ok: bool,
    cx: VerifyContext<'_>,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut queue = VecDeque::new();
    collect(doc, "", 1, &mut queue);
    if queue.is_empty() {
        return checks;
    }
    if !signature_ok {
        checks.push(Check::new(
            "endorsement",
            CheckState::Unknown,
            "endorsement_not_checked",
            format!(
                "{} endorsement(s) not checked: the credential's signature did not verify",
                queue.len()
            ),
        ));
        return checks;
    }
    let inner_cx = VerifyContext {
        check_endorsements: false,
        ..cx
    };
    let (mut checked, mut skipped) = (0usize, 0usize);
    while let Some(found) = queue.pop_front() {
        if found.depth > MAX_ENDORSEMENT_DEPTH {
            let mut c = Check::new(
                "endorsement",
                CheckState::Unknown,
                "endorsement_too_deep",
                format!(
                    "not checked: endorsements nest at most {MAX_ENDORSEMENT_DEPTH} levels deep here"
                ),
            );
            c.path = Some(found.path);
            checks.push(c);
            continue;
        }
        if checked == MAX_ENDORSEMENTS {
            skipped += 1;
            continue;
        }
        checked += 1;
        let (outcome, signature_ok) = verify_one(&found, inner_cx).await;
        checks.extend(outcome);
        if signature_ok {
            collect(found.value, &found.path, found.depth + 1, &mut queue);
        }
    }
    if skipped > 0 {
        checks.push(Check::new(
            "endorsement",
            CheckState::Unknown,
            "endorsement_limit",
            format!("{skipped} endorsement(s) not checked: at most {MAX_ENDORSEMENTS} are checked"),
        ));
    }
    checks
}

/// Adds the endorsements of `doc` (at JSON pointer `base`), `endorsement`
/// and `endorsementJwt` alike, to `queue`.
fn collect<'a>(doc: &'a Value, base: &str, depth: usize, queue: &mut VecDeque<Found<'a>>) {
    for place in PLACES {
        let mut path = base.to_owned();
        let mut holder = Some(doc);
        for member in *place {
            holder = holder.and_then(|h| h.get(member));
            path = pointer_push(&path, member);
        }
        let Some(Value::Object(holder)) = holder else {
            continue;
        };
        for (member, jwt) in [("endorsement", false), ("endorsementJwt", true)] {
            let Some(value) = holder.get(member) else {
                continue;
            };
            let at = pointer_push(&path, member);
            let items: Vec<(String, &Value)> = match value {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (pointer_push(&at, &i.to_string()), v))
                    .collect(),
                one => vec![(at, one)],
            };
            for (path, value) in items {
                queue.push_back(Found {
                    path,
                    depth,
                    value,
                    jwt,
                });
            }
        }
    }
}

/// Verifies one endorsement; returns its checks and whether its proofs verified.
async fn verify_one(found: &Found<'_>, cx: VerifyContext<'_>) -> (Vec<Check>, bool) {
    let at = |state, code: &str, message: String, path: Option<&str>| {
        let mut c = Check::new(
            "endorsement",
            state,
            code,
            format!("endorsement at {}: {message}", found.path),
        );
        c.path = Some(format!("{}{}", found.path, path.unwrap_or("")));
        c
    };
    // An `endorsementJwt` is read first: its payload is the endorsement.
    let (payload, jws) = if found.jwt {
        let Value::String(text) = found.value else {
            let c = at(
                CheckState::Invalid,
                "endorsement_malformed",
                "an endorsementJwt must be a compact JWS string".into(),
                None,
            );
            return (vec![c], false);
        };
        match crate::proof::jwt::parse_compact_jws(text) {
            Ok(jws) => (Some(jws.credential()), Some(jws)),
            Err(e) => {
                let c = at(
                    CheckState::Invalid,
                    &format!("endorsement_{}", e.code),
                    e.message,
                    None,
                );
                return (vec![c], false);
            }
        }
    } else {
        (None, None)
    };
    let doc = payload.as_ref().unwrap_or(found.value);
    let Value::Object(map) = doc else {
        let c = at(
            CheckState::Invalid,
            "endorsement_malformed",
            "an endorsement must be an EndorsementCredential object".into(),
            None,
        );
        return (vec![c], false);
    };
    let is_endorsement = match map.get("type") {
        Some(Value::String(t)) => t == "EndorsementCredential",
        Some(Value::Array(types)) => types.iter().any(|t| t == "EndorsementCredential"),
        _ => false,
    };
    if !is_endorsement {
        let c = at(
            CheckState::Invalid,
            "endorsement_type_invalid",
            "an endorsement's type must include EndorsementCredential (OB 3.0 §9.2)".into(),
            Some("/type"),
        );
        return (vec![c], false);
    }
    let report = Box::pin(super::verify_document(doc, jws.as_ref(), cx)).await;
    let issuer = report
        .credential
        .as_ref()
        .map(|c| c.issuer.as_str())
        .unwrap_or("an unknown issuer");
    let proofs_ok = report
        .checks
        .iter()
        .any(|c| c.check == "proof" && c.state == CheckState::Valid)
        && report
            .checks
            .iter()
            .all(|c| c.check != "proof" || c.passes());
    if report.verified {
        let c = at(
            CheckState::Valid,
            "ok",
            format!("endorsed by {issuer}: signature, dates and status verified"),
            None,
        );
        return (vec![c], proofs_ok);
    }
    let proof_paths = proof_pointers(doc, &report.checks);
    let mut proof_index = 0;
    let mut checks = Vec::new();
    for c in &report.checks {
        let inner_path = if c.check == "proof" {
            proof_index += 1;
            proof_paths.get(proof_index - 1).cloned()
        } else {
            c.path.clone()
        };
        if c.passes() {
            continue;
        }
        checks.push(at(
            c.state,
            &format!("endorsement_{}", c.code),
            format!("endorsed by {issuer}: {}: {}", c.check, c.message),
            inner_path.as_deref(),
        ));
    }
    (checks, proofs_ok)
}

/// The JSON pointer of each `proof` check (one per proof, in document order,
/// as [`super::proofs`] reports them): `/proof/N`, or `/proof` for a single
/// proof object or a check about the `proof` member as a whole.
fn proof_pointers(doc: &Value, checks: &[Check]) -> Vec<String> {
    let count = checks.iter().filter(|c| c.check == "proof").count();
    match doc.get("proof") {
        Some(Value::Array(proofs)) if proofs.len() == count => {
            (0..count).map(|i| format!("/proof/{i}")).collect()
        }
        _ => vec!["/proof".to_owned(); count],
    }
}
