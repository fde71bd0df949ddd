//! `Ed25519Signature2020` (W3C CCG report "Ed25519 Signature 2020",
//! <https://w3c-ccg.github.io/di-eddsa-2020/>), the Linked Data signature
//! of many Open Badges 3.0 issuers of 2023–2025; the OB 3.0 Implementation
//! Guide ("Cryptosuites in Linked Data Proofs") asks verifiers to keep
//! accepting it. Verification only: Rosette signs with `eddsa-rdfc-2022`.
//!
//! The algorithm mirrors `eddsa-rdfc-2022` ([`super::rdfc`]): the document
//! without `proof` and the proof options without `proofValue` are each
//! canonicalized with RDFC-1.0 (URDNA2015), hashed with SHA-256, and the
//! Ed25519 signature covers hash(proof options) ‖ hash(document). The
//! differences are the suite's own rules, checked here: the document must
//! list the suite context, the proof options take their own `@context` when
//! they carry one (else the document's), and `proofValue` is multibase
//! base58btc only.

use super::{ProofError, Unsecured, hash_data, rdfc};
use crate::jsonld;
use serde_json::{Map, Value};

/// The proof `type` of this suite.
pub const PROOF_TYPE: &str = "Ed25519Signature2020";

/// The suite context ("Ed25519 Signature 2020" §2 Data Model), compiled in
/// by [`crate::contexts`].
pub const SUITE_CONTEXT: &str = "https://w3id.org/security/suites/ed25519-2020/v1";

/// Members of a proof that are never signed (the signature itself in its
/// current and older spellings).
const SIGNATURE_MEMBERS: [&str; 3] = ["proofValue", "jws", "signatureValue"];

/// Whether a `@context` value names the suite context.
fn includes_suite_context(context: Option<&Value>) -> bool {
    match context {
        Some(Value::String(s)) => s == SUITE_CONTEXT,
        Some(Value::Array(a)) => a.iter().any(|c| c == SUITE_CONTEXT),
        _ => false,
    }
}

/// The proof options canonicalized (RDFC-1.0): the proof without its
/// signature, under its own `@context` if it has one, else the document's.
pub fn proof_configuration(
    options: &Map<String, Value>,
    document_context: Option<&Value>,
) -> Result<String, ProofError> {
    if options.get("type").and_then(Value::as_str) != Some(PROOF_TYPE) {
        return Err(ProofError::UnsupportedSuite(format!(
            "proof type must be {PROOF_TYPE}"
        )));
    }
    let mut config = Map::with_capacity(options.len() + 1);
    if let Some(ctx) = options.get("@context").or(document_context) {
        config.insert("@context".into(), ctx.clone());
    }
    for (k, v) in options {
        if k != "@context" && !SIGNATURE_MEMBERS.contains(&k.as_str()) {
            config.insert(k.clone(), v.clone());
        }
    }
    Ok(jsonld::canonicalize(&Value::Object(config))?)
}

/// The 64 bytes a proof signs: SHA-256(canonical proof options) ‖
/// SHA-256(canonical document). `options` is the proof without `proofValue`.
/// The document must list [`SUITE_CONTEXT`] (without it the suite's terms
/// are undefined and the proof does not apply to the document).
pub fn verify_data(
    unsecured: &Unsecured<'_>,
    options: &Map<String, Value>,
) -> Result<[u8; 64], ProofError> {
    if !includes_suite_context(unsecured.context()) {
        return Err(ProofError::SuiteContextMissing {
            suite: PROOF_TYPE,
            context: SUITE_CONTEXT,
        });
    }
    let config = proof_configuration(options, unsecured.context())?;
    let doc = rdfc::transform(unsecured)?;
    Ok(hash_data(config.as_bytes(), doc.as_bytes()))
}

/// Decodes `proofValue`: multibase base58btc (`z…`) of 64 bytes; the
/// suite allows no other base.
pub fn decode_proof_value(value: &str) -> Result<[u8; 64], ProofError> {
    if !value.starts_with('z') {
        return Err(ProofError::ProofValue(format!(
            "{PROOF_TYPE} proofValue must be multibase base58btc ('z' prefix)"
        )));
    }
    super::decode_proof_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn proof_value_must_be_base58btc() {
        let sig = [7u8; 64];
        let z = super::super::encode_proof_value(&sig);
        assert_eq!(decode_proof_value(&z).unwrap(), sig);
        use base64::Engine as _;
        let u = format!(
            "u{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sig)
        );
        assert_eq!(
            decode_proof_value(&u).unwrap_err().code(),
            "proof_value_malformed"
        );
    }

    #[test]
    fn the_document_must_list_the_suite_context() {
        let doc = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
        });
        let map = doc.as_object().unwrap();
        let options = json!({"type": PROOF_TYPE, "proofPurpose": "assertionMethod"});
        let err = verify_data(&Unsecured::new(map), options.as_object().unwrap()).unwrap_err();
        assert_eq!(err.code(), "proof_context_missing");
        assert!(err.to_string().contains(SUITE_CONTEXT), "{err}");
    }

    #[test]
    fn proof_options_keep_their_own_context_and_drop_the_signature() {
        let options = json!({
            "@context": SUITE_CONTEXT,
            "type": PROOF_TYPE,
            "created": "2023-01-01T00:00:00Z",
            "proofPurpose": "assertionMethod",
            "verificationMethod": "did:example:1#key",
            "jws": "ignored",
        });
        let other_context = json!(["https://www.w3.org/2018/credentials/v1", SUITE_CONTEXT]);
        let own = proof_configuration(options.as_object().unwrap(), Some(&other_context)).unwrap();
        let mut without = options.as_object().unwrap().clone();
        without.remove("jws");
        let same = proof_configuration(&without, None).unwrap();
        assert_eq!(own, same);
        assert!(own.contains("<https://w3id.org/security#Ed25519Signature2020>"));
    }
}
