//! `eddsa-rdfc-2022` (Data Integrity EdDSA Cryptosuites v1.0 §3.2).

use super::{ProofError, Unsecured, encode_proof_value, hash_data};
use crate::jsonld;
use crate::keys::CredentialSigner;
use serde_json::{Map, Value};

/// Transformation (EDDSA §3.2.3): the unsecured document as RDFC-1.0
/// canonical N-Quads (JSON-LD toRdf in safe mode, base IRI null).
pub fn transform(unsecured: &Unsecured<'_>) -> Result<String, ProofError> {
    if unsecured.is_plain() {
        return Ok(jsonld::canonicalize_without(unsecured.doc, "proof")?);
    }
    Ok(jsonld::canonicalize(&unsecured.to_value())?)
}

/// Proof Configuration (EDDSA §3.2.5): the proof options with the
/// document's `@context`, checked (`type`, `cryptosuite`, `created`) and
/// canonicalized with RDFC-1.0.
pub fn proof_configuration(
    options: &Map<String, Value>,
    document_context: Option<&Value>,
) -> Result<String, ProofError> {
    if options.get("type").and_then(Value::as_str) != Some("DataIntegrityProof") {
        return Err(ProofError::UnsupportedSuite(
            "proof type must be DataIntegrityProof".into(),
        ));
    }
    match options.get("cryptosuite").and_then(Value::as_str) {
        Some("eddsa-rdfc-2022" | "eddsa-2022") => {}
        other => {
            return Err(ProofError::UnsupportedSuite(format!(
                "{other:?} with eddsa-rdfc-2022 steps"
            )));
        }
    }
    if let Some(c) = options.get("created") {
        super::check_date_time_stamp(c.as_str().unwrap_or(""))?;
    }
    let mut config = Map::with_capacity(options.len() + 1);
    if let Some(ctx) = document_context {
        config.insert("@context".into(), ctx.clone());
    }
    for (k, v) in options {
        if k != "@context" {
            config.insert(k.clone(), v.clone());
        }
    }
    Ok(jsonld::canonicalize(&Value::Object(config))?)
}

/// Hashing (EDDSA §3.2.4) of both canonical forms.
pub fn hash(canonical_proof_config: &str, canonical_document: &str) -> [u8; 64] {
    hash_data(
        canonical_proof_config.as_bytes(),
        canonical_document.as_bytes(),
    )
}

/// The bytes a proof signs (Verify Proof, EDDSA §3.2.2 steps 1–5):
/// `options` is the proof without `proofValue`.
pub fn verify_data(
    unsecured: &Unsecured<'_>,
    options: &Map<String, Value>,
) -> Result<[u8; 64], ProofError> {
    let config = proof_configuration(options, unsecured.context())?;
    let doc = transform(unsecured)?;
    Ok(hash(&config, &doc))
}

/// Create Proof (EDDSA §3.2.1): `proof` holds the options; returns it with
/// `proofValue` (Proof Serialization, §3.2.6).
pub fn create_proof(
    unsecured: &Unsecured<'_>,
    mut proof: Map<String, Value>,
    signer: &dyn CredentialSigner,
) -> Result<Map<String, Value>, ProofError> {
    let signature = signer.sign(&verify_data(unsecured, &proof)?);
    proof.insert(
        "proofValue".into(),
        Value::String(encode_proof_value(&signature)),
    );
    Ok(proof)
}
