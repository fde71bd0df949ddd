//! The Data Integrity context a document needs before it is signed: VC
//! Data Integrity 1.0 §2.4.1 "Context Injection" — when the document's
//! contexts do not define the Data Integrity terms (`DataIntegrityProof`),
//! the signer appends `https://w3id.org/security/data-integrity/v2`. A
//! VCDM 2.0 document never needs it (the v2 context defines the terms); a
//! VCDM 1.1 document (`https://www.w3.org/2018/credentials/v1`) does,
//! unless another of its contexts defines them.

use crate::contexts::{self, DATA_INTEGRITY_V2};
use serde_json::{Map, Value};

/// The term a context must define for a `DataIntegrityProof` to be signed.
const PROOF_TERM: &str = "DataIntegrityProof";

/// Whether one `@context` entry defines `DataIntegrityProof`: a URL of a
/// compiled-in context whose top-level `@context` has the term, or an
/// inline context object that has it. Unknown URLs define nothing.
fn entry_defines_proof(entry: &Value) -> bool {
    let defines = |ctx: &Value| {
        ctx.get("@context")
            .unwrap_or(ctx)
            .as_object()
            .is_some_and(|m| m.contains_key(PROOF_TERM))
    };
    match entry {
        Value::String(url) => contexts::parsed(url).is_ok_and(defines),
        Value::Object(_) => defines(entry),
        _ => false,
    }
}

/// Whether a document's `@context` (a string, an object or an array of
/// them) defines `DataIntegrityProof`.
pub fn defines_data_integrity(context: &Value) -> bool {
    match context {
        Value::Array(entries) => entries.iter().any(entry_defines_proof),
        one => entry_defines_proof(one),
    }
}

/// Appends the Data Integrity v2 context to `doc`'s `@context` when its
/// contexts do not define `DataIntegrityProof` (VC Data Integrity 1.0
/// §2.4.1); a single-valued `@context` becomes an array. Returns whether it
/// appended. A document without `@context` is left alone (the input rules
/// refuse it before signing).
pub fn inject_data_integrity_context(doc: &mut Map<String, Value>) -> bool {
    let Some(context) = doc.get_mut("@context") else {
        return false;
    };
    if defines_data_integrity(context) {
        return false;
    }
    let mut entries = match context.take() {
        Value::Array(entries) => entries,
        one => vec![one],
    };
    entries.push(Value::String(DATA_INTEGRITY_V2.to_owned()));
    *context = Value::Array(entries);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inject(doc: Value) -> (bool, Value) {
        let mut map = doc.as_object().cloned().unwrap_or_default();
        let appended = inject_data_integrity_context(&mut map);
        (appended, Value::Object(map))
    }

    #[test]
    fn vcdm_1_1_contexts_get_the_data_integrity_context_appended() {
        let (appended, doc) = inject(json!({
            "@context": ["https://www.w3.org/2018/credentials/v1", "https://www.w3.org/2018/credentials/examples/v1"]
        }));
        assert!(appended);
        assert_eq!(
            doc["@context"],
            json!([
                "https://www.w3.org/2018/credentials/v1",
                "https://www.w3.org/2018/credentials/examples/v1",
                "https://w3id.org/security/data-integrity/v2"
            ])
        );
        // A single string becomes an array.
        let (appended, doc) = inject(json!({ "@context": "https://www.w3.org/2018/credentials/v1" }));
        assert!(appended);
        assert_eq!(
            doc["@context"],
            json!(["https://www.w3.org/2018/credentials/v1", DATA_INTEGRITY_V2])
        );
    }

    #[test]
    fn contexts_that_define_the_proof_type_are_kept_as_given() {
        for context in [
            json!(["https://www.w3.org/ns/credentials/v2"]),
            json!(["https://www.w3.org/2018/credentials/v1", DATA_INTEGRITY_V2]),
            json!(["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v1"]),
            json!(["https://www.w3.org/2018/credentials/v1", { "DataIntegrityProof": "https://w3id.org/security#DataIntegrityProof" }]),
        ] {
            let (appended, doc) = inject(json!({ "@context": context.clone() }));
            assert!(!appended, "{context}");
            assert_eq!(doc["@context"], context);
        }
        let (appended, doc) = inject(json!({ "id": "urn:x" }));
        assert!(!appended);
        assert!(doc.get("@context").is_none());
    }
}
