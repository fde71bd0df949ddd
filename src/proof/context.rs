//! The contexts a document needs before it is signed: VC Data Integrity
//! 1.0 §2.4.1 "Context Injection" — when the document's contexts do not
//! define the Data Integrity terms (`DataIntegrityProof`), the signer
//! appends `https://w3id.org/security/data-integrity/v2`. A VCDM 2.0
//! document never needs it (the v2 context defines the terms); a VCDM 1.1
//! document (`https://www.w3.org/2018/credentials/v1`) does, unless another
//! of its contexts defines them. The same holds for the status entries the
//! issuer adds: `BitstringStatusListEntry` comes with
//! `https://www.w3.org/ns/credentials/status/v1` (Bitstring Status List
//! v1.0 §2.1) when the contexts lack it.

use crate::contexts::{self, DATA_INTEGRITY_V2, STATUS_V1};
use serde_json::{Map, Value};

/// The term a context must define for a `DataIntegrityProof` to be signed.
const PROOF_TERM: &str = "DataIntegrityProof";
/// The term a context must define for the issuer's status entries.
const STATUS_TERM: &str = "BitstringStatusListEntry";

/// Whether one `@context` entry defines `term`: a URL of a compiled-in
/// context whose top-level `@context` has the term, or an inline context
/// object that has it. Unknown URLs define nothing.
fn entry_defines(entry: &Value, term: &str) -> bool {
    let defines = |ctx: &Value| {
        ctx.get("@context")
            .unwrap_or(ctx)
            .as_object()
            .is_some_and(|m| m.contains_key(term))
    };
    match entry {
        Value::String(url) => contexts::parsed(url).is_ok_and(defines),
        Value::Object(_) => defines(entry),
        _ => false,
    }
}

/// Whether a document's `@context` (a string, an object or an array of
/// them) defines `term` at its top level.
pub fn defines_term(context: &Value, term: &str) -> bool {
    match context {
        Value::Array(entries) => entries.iter().any(|e| entry_defines(e, term)),
        one => entry_defines(one, term),
    }
}

/// Appends `url` to `doc`'s `@context` unless its contexts define `term`;
/// a single-valued `@context` becomes an array. Returns whether it
/// appended. A document without `@context` is left alone (the input rules
/// refuse it before signing).
fn inject(doc: &mut Map<String, Value>, term: &str, url: &str) -> bool {
    let Some(context) = doc.get_mut("@context") else {
        return false;
    };
    if defines_term(context, term) {
        return false;
    }
    let mut entries = match context.take() {
        Value::Array(entries) => entries,
        one => vec![one],
    };
    entries.push(Value::String(url.to_owned()));
    *context = Value::Array(entries);
    true
}

/// Appends the Data Integrity v2 context when `doc`'s contexts do not
/// define `DataIntegrityProof` (VC Data Integrity 1.0 §2.4.1).
pub fn inject_data_integrity_context(doc: &mut Map<String, Value>) -> bool {
    inject(doc, PROOF_TERM, DATA_INTEGRITY_V2)
}

/// Appends the Bitstring Status List v1 context when `doc`'s contexts do
/// not define `BitstringStatusListEntry` (Bitstring Status List v1.0 §2.1,
/// for status entries added to VCDM 1.1 input).
pub fn inject_status_context(doc: &mut Map<String, Value>) -> bool {
    inject(doc, STATUS_TERM, STATUS_V1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inject_di(doc: Value) -> (bool, Value) {
        let mut map = doc.as_object().cloned().unwrap_or_default();
        let appended = inject_data_integrity_context(&mut map);
        (appended, Value::Object(map))
    }

    #[test]
    fn vcdm_1_1_contexts_get_the_data_integrity_context_appended() {
        let (appended, doc) = inject_di(json!({
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
        let (appended, doc) =
            inject_di(json!({ "@context": "https://www.w3.org/2018/credentials/v1" }));
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
            json!([
                "https://www.w3.org/2018/credentials/v1",
                "https://w3id.org/security/data-integrity/v1"
            ]),
            json!(["https://www.w3.org/2018/credentials/v1", { "DataIntegrityProof": "https://w3id.org/security#DataIntegrityProof" }]),
        ] {
            let (appended, doc) = inject_di(json!({ "@context": context.clone() }));
            assert!(!appended, "{context}");
            assert_eq!(doc["@context"], context);
        }
        let (appended, doc) = inject_di(json!({ "id": "urn:x" }));
        assert!(!appended);
        assert!(doc.get("@context").is_none());
    }

    #[test]
    fn the_status_context_is_appended_only_where_the_entry_type_is_undefined() {
        let mut v1 = json!({ "@context": ["https://www.w3.org/2018/credentials/v1"] })
            .as_object()
            .cloned()
            .unwrap();
        assert!(inject_status_context(&mut v1));
        assert_eq!(
            v1["@context"],
            json!(["https://www.w3.org/2018/credentials/v1", STATUS_V1])
        );
        assert!(!inject_status_context(&mut v1));
        let mut v2 = json!({ "@context": ["https://www.w3.org/ns/credentials/v2"] })
            .as_object()
            .cloned()
            .unwrap();
        assert!(!inject_status_context(&mut v2));
    }
}
