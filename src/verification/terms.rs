//! The JSON-LD safe-mode check of a credential whose proofs do not already
//! run it: VC-DI 1.0 §4.4 and VCDM 2.0 §4.1 ask that a document whose terms
//! the contexts do not define is not accepted, since a JSON-LD processor
//! would silently drop them. An `eddsa-rdfc-2022` or `Ed25519Signature2020`
//! proof canonicalizes the document in safe mode and so refuses such
//! terms itself; `eddsa-jcs-2022` and VC-JWT sign the JSON text and need
//! this check.

use super::report::{Check, CheckState};
use crate::jsonld::{self, JsonLdError};
use serde_json::{Map, Value};

/// `true` when a proof of `doc` already expanded it in safe mode.
fn checked_by_a_proof(doc: &Map<String, Value>) -> bool {
    let proofs: &[Value] = match doc.get("proof") {
        Some(Value::Array(a)) => a,
        Some(p @ Value::Object(_)) => std::slice::from_ref(p),
        _ => &[],
    };
    proofs.iter().any(|p| {
        p.get("cryptosuite").and_then(Value::as_str) == Some("eddsa-rdfc-2022")
            || p.get("type").and_then(Value::as_str) == Some("Ed25519Signature2020")
    })
}

/// Expands `doc` without its `proof` to RDF in safe mode (fast path, the
/// general path where the fast one does not reach) and reports the first
/// term that would be lost; `None` when a proof already did so.
pub(super) fn terms_check(doc: &Map<String, Value>) -> Option<Check> {
    if checked_by_a_proof(doc) {
        return None;
    }
    let expanded = match jsonld::expand::to_rdf_object(doc, Some("proof")) {
        Err(JsonLdError::Unsupported(_)) => {
            let rest: Map<String, Value> = doc
                .iter()
                .filter(|(k, _)| k.as_str() != "proof")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            jsonld::general::to_rdf(&Value::Object(rest)).map(|_| ())
        }
        other => other.map(|_| ()),
    };
    Some(match expanded {
        Ok(()) => Check::valid(
            "terms",
            "every term is defined by the credential's contexts (JSON-LD safe mode)",
        ),
        Err(e) => {
            let path = match &e {
                JsonLdError::SafeMode { path, .. } => Some(path.clone()),
                _ => None,
            };
            let mut c = Check::new("terms", CheckState::Invalid, e.code(), e.to_string());
            c.path = path;
            c
        }
    })
}
