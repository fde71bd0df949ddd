//! `eddsa-jcs-2022` (Data Integrity EdDSA Cryptosuites v1.0 §3.3).

use super::{ProofError, encode_proof_value, hash_data};
use crate::keys::CredentialSigner;
use serde_json::{Map, Value};

/// RFC 8785 JSON Canonicalization Scheme.
pub fn jcs(value: &Value) -> Result<String, ProofError> {
    serde_json_canonicalizer::to_string(value).map_err(|e| ProofError::Jcs(e.to_string()))
}

/// Transformation (EDDSA §3.3.3): JCS of the unsecured document.
pub fn transform(unsecured: &Map<String, Value>) -> Result<String, ProofError> {
    serde_json_canonicalizer::to_string(unsecured).map_err(|e| ProofError::Jcs(e.to_string()))
}

/// Proof Configuration (EDDSA §3.3.5): the proof options, with the
/// document's `@context` when it has one, checked and canonicalized with JCS.
pub fn proof_configuration(
    options: &Map<String, Value>,
    document_context: Option<&Value>,
) -> Result<(Map<String, Value>, String), ProofError> {
    if options.get("type").and_then(Value::as_str) != Some("DataIntegrityProof") {
        return Err(ProofError::UnsupportedSuite(
            "proof type must be DataIntegrityProof".into(),
        ));
    }
    if options.get("cryptosuite").and_then(Value::as_str) != Some("eddsa-jcs-2022") {
        return Err(ProofError::UnsupportedSuite(
            "cryptosuite must be eddsa-jcs-2022".into(),
        ));
    }
    if let Some(c) = options.get("created") {
        super::check_date_time_stamp(c.as_str().unwrap_or(""))?;
    }
    let mut config = options.clone();
    if let Some(ctx) = document_context {
        config.insert("@context".into(), ctx.clone());
    }
    let canonical =
        serde_json_canonicalizer::to_string(&config).map_err(|e| ProofError::Jcs(e.to_string()))?;
    Ok((config, canonical))
}

/// Hashing (EDDSA §3.3.4).
pub fn hash(canonical_proof_config: &str, canonical_document: &str) -> [u8; 64] {
    hash_data(
        canonical_proof_config.as_bytes(),
        canonical_document.as_bytes(),
    )
}

/// The bytes a proof signs, for verification (EDDSA §3.3.2 steps 1–6):
/// when the proof carries `@context`, the document's `@context` must start
/// with exactly those entries, and the proof's `@context` replaces it.
pub fn verify_data(
    unsecured: &Map<String, Value>,
    options: &Map<String, Value>,
) -> Result<[u8; 64], ProofError> {
    let mut unsecured = unsecured.clone();
    if let Some(proof_ctx) = options.get("@context") {
        let as_list = |v: &Value| -> Vec<Value> {
            match v {
                Value::Array(a) => a.clone(),
                other => vec![other.clone()],
            }
        };
        let want = as_list(proof_ctx);
        let have = unsecured.get("@context").map(as_list).unwrap_or_default();
        if have.len() < want.len() || have[..want.len()] != want[..] {
            return Err(ProofError::Malformed(
                "the document @context does not start with the proof @context".into(),
            ));
        }
        unsecured.insert("@context".into(), proof_ctx.clone());
    }
    let (_, config) = proof_configuration(options, unsecured.get("@context"))?;
    let doc = transform(&unsecured)?;
    Ok(hash(&config, &doc))
}

/// Create Proof (EDDSA §3.3.1): the proof carries the document's
/// `@context` (step 2) and `proofValue`.
pub fn create_proof(
    unsecured: &Map<String, Value>,
    proof: Map<String, Value>,
    signer: &dyn CredentialSigner,
) -> Result<Map<String, Value>, ProofError> {
    let (mut config, canonical_config) = proof_configuration(&proof, unsecured.get("@context"))?;
    let doc = transform(unsecured)?;
    let signature = signer.sign(&hash(&canonical_config, &doc));
    config.insert(
        "proofValue".into(),
        Value::String(encode_proof_value(&signature)),
    );
    Ok(config)
}
