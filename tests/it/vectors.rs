//! The published vectors, reproduced byte for byte at every step
//! (EDDSA Appendix B.1, B.2, B.3, B.5; the OB 3.0 Implementation Guide
//! vector) and verified.

use crate::support::{block_on, shared_data, vector_json, vector_text};
use rosette::jsonld;
use rosette::keys::{self, IssuerKey, OfflineResolver, VerificationMethod};
use rosette::proof::{self, Cryptosuite, ProofOptions, rdfc};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

fn obj(v: &Value) -> Map<String, Value> {
    v.as_object().expect("object").clone()
}

fn signer_from(private_multibase: &str) -> IssuerKey {
    IssuerKey::did_key(keys::decode_secret_key(private_multibase).expect("vector key"))
}

fn options_from(config: &Value, suite: Cryptosuite) -> ProofOptions {
    let s = |k: &str| config.get(k).and_then(Value::as_str).map(str::to_owned);
    let mut o = ProofOptions::assertion(suite, s("created"));
    o.id = s("id");
    o.previous_proof = match config.get("previousProof") {
        Some(Value::String(p)) => vec![p.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    o
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
        .unwrap()
        .to_utc()
}

#[test]
fn eddsa_rdfc_2022_b1_every_step() {
    let dir = "eddsa-rdfc-2022";
    let unsigned = vector_json(&format!("{dir}/unsigned.json"));
    let config = vector_json(&format!("{dir}/proofConfigDataInt.json"));
    let canon_doc = vector_text(&format!("{dir}/canonDocDataInt.txt"));
    let canon_proof = vector_text(&format!("{dir}/proofCanonDataInt.txt"));
    // Transformation, on both JSON-LD paths.
    assert_eq!(jsonld::canonicalize_fast(&unsigned).unwrap(), canon_doc);
    assert_eq!(jsonld::canonicalize_general(&unsigned).unwrap(), canon_doc);
    // Proof configuration.
    let mut options = obj(&config);
    options.remove("@context");
    assert_eq!(
        rdfc::proof_configuration(&options, unsigned.get("@context")).unwrap(),
        canon_proof
    );
    // Hashing.
    assert_eq!(
        hex::encode(Sha256::digest(&canon_doc)),
        vector_text(&format!("{dir}/docHashDataInt.txt")).trim()
    );
    assert_eq!(
        hex::encode(Sha256::digest(&canon_proof)),
        vector_text(&format!("{dir}/proofHashDataInt.txt")).trim()
    );
    let hash = rdfc::hash(&canon_proof, &canon_doc);
    assert_eq!(
        hex::encode(hash),
        vector_text(&format!("{dir}/combinedHashDataInt.txt")).trim()
    );
    // Signature and proof serialization.
    let pair = vector_json(&format!("{dir}/keyPair.json"));
    let signer = signer_from(pair["privateKeyMultibase"].as_str().unwrap());
    assert_eq!(
        keys::public_key_multibase(&signer.public_key()),
        pair["publicKeyMultibase"]
    );
    let signed = proof::add_proof(
        &unsigned,
        &options_from(&config, Cryptosuite::EddsaRdfc2022),
        &signer,
    )
    .unwrap();
    let value = signed["proof"]["proofValue"].as_str().unwrap();
    let sig = proof::decode_proof_value(value).unwrap();
    assert_eq!(
        hex::encode(sig),
        vector_text(&format!("{dir}/sigHexDataInt.txt")).trim()
    );
    assert_eq!(
        value,
        vector_text(&format!("{dir}/sigBTC58DataInt.txt")).trim()
    );
    assert_eq!(signed, vector_json(&format!("{dir}/signedDataInt.json")));
    // Verification of the published signed document.
    let outcomes = block_on(proof::verify_proofs(
        &vector_json(&format!("{dir}/signedDataInt.json")),
        "assertionMethod",
        &OfflineResolver::new(),
        now(),
    ))
    .unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].result, Ok(()));
}

#[test]
fn eddsa_rdfc_2022_b2_employment_authorization_from_canonical_forms() {
    // The B.2 document needs a context we do not ship (citizenship v4rc1),
    // so the steps after transformation are reproduced from its canonical files.
    let dir = "eddsa-rdfc-2022/employ";
    let canon_doc = vector_text(&format!("{dir}/canonDocDataInt.txt"));
    let canon_proof = vector_text(&format!("{dir}/proofCanonDataInt.txt"));
    assert_eq!(
        hex::encode(Sha256::digest(&canon_doc)),
        vector_text(&format!("{dir}/docHashDataInt.txt")).trim()
    );
    assert_eq!(
        hex::encode(Sha256::digest(&canon_proof)),
        vector_text(&format!("{dir}/proofHashDataInt.txt")).trim()
    );
    let hash = rdfc::hash(&canon_proof, &canon_doc);
    assert_eq!(
        hex::encode(hash),
        vector_text(&format!("{dir}/combinedHashDataInt.txt")).trim()
    );
    let pair = vector_json("eddsa-rdfc-2022/keyPair.json");
    let signer = signer_from(pair["privateKeyMultibase"].as_str().unwrap());
    use rosette::keys::CredentialSigner;
    let sig = signer.sign(&hash);
    assert_eq!(
        hex::encode(sig),
        vector_text(&format!("{dir}/sigHexDataInt.txt")).trim()
    );
    assert_eq!(
        proof::encode_proof_value(&sig),
        vector_text(&format!("{dir}/sigBTC58DataInt.txt")).trim()
    );
    let signed = vector_json(&format!("{dir}/signedDataInt.json"));
    let published =
        proof::decode_proof_value(signed["proof"]["proofValue"].as_str().unwrap()).unwrap();
    proof::check_signature(&signer.public_key(), &hash, &published).unwrap();
    // Our verifier refuses the unknown context rather than fetching it.
    let outcomes = block_on(proof::verify_proofs(
        &signed,
        "assertionMethod",
        &OfflineResolver::new(),
        now(),
    ))
    .unwrap();
    assert_eq!(
        outcomes[0].result.as_ref().unwrap_err().code(),
        "context_unknown"
    );
}

#[test]
fn eddsa_jcs_2022_b3_every_step() {
    let dir = "eddsa-jcs-2022";
    let unsigned = vector_json(&format!("{dir}/unsigned.json"));
    let config = vector_json(&format!("{dir}/proofConfigJCS.json"));
    let canon_doc = vector_text(&format!("{dir}/canonDocJCS.txt"));
    let canon_proof = vector_text(&format!("{dir}/proofCanonJCS.txt"));
    let unsigned_map = obj(&unsigned);
    assert_eq!(
        proof::jcs::transform(&proof::Unsecured::new(&unsigned_map)).unwrap(),
        canon_doc
    );
    let mut options = obj(&config);
    options.remove("@context");
    let (_, cfg) = proof::jcs::proof_configuration(&options, unsigned.get("@context")).unwrap();
    assert_eq!(cfg, canon_proof);
    assert_eq!(
        hex::encode(Sha256::digest(&canon_doc)),
        vector_text(&format!("{dir}/docHashJCS.txt")).trim()
    );
    assert_eq!(
        hex::encode(Sha256::digest(&canon_proof)),
        vector_text(&format!("{dir}/proofHashJCS.txt")).trim()
    );
    assert_eq!(
        hex::encode(proof::jcs::hash(&canon_proof, &canon_doc)),
        vector_text(&format!("{dir}/combinedHashJCS.txt")).trim()
    );
    let pair = vector_json(&format!("{dir}/keyPair.json"));
    let signer = signer_from(pair["privateKeyMultibase"].as_str().unwrap());
    let signed = proof::add_proof(
        &unsigned,
        &options_from(&config, Cryptosuite::EddsaJcs2022),
        &signer,
    )
    .unwrap();
    let value = signed["proof"]["proofValue"].as_str().unwrap();
    assert_eq!(
        hex::encode(proof::decode_proof_value(value).unwrap()),
        vector_text(&format!("{dir}/sigHexJCS.txt")).trim()
    );
    assert_eq!(value, vector_text(&format!("{dir}/sigBTC58JCS.txt")).trim());
    assert_eq!(signed, vector_json(&format!("{dir}/signedJCS.json")));
    let outcomes = block_on(proof::verify_proofs(
        &vector_json(&format!("{dir}/signedJCS.json")),
        "assertionMethod",
        &OfflineResolver::new(),
        now(),
    ))
    .unwrap();
    assert_eq!(outcomes[0].result, Ok(()));
}

/// B.5: proof sets and chains, signed step by step and verified.
#[test]
fn eddsa_rdfc_2022_b5_proof_set_and_chain() {
    let dir = "eddsa-rdfc-2022/proof-set-chain";
    let pairs = vector_json(&format!("{dir}/multiKeyPairs.json"));
    let signer = |n: u8| {
        signer_from(
            pairs[format!("keyPair{n}")]["privateKeyMultibase"]
                .as_str()
                .unwrap(),
        )
    };
    let unsigned = vector_json(&format!("{dir}/unsigned.json"));
    let rdfc = Cryptosuite::EddsaRdfc2022;

    // Proof set: two independent proofs.
    let set1 = proof::add_proof(
        &unsigned,
        &options_from(&vector_json(&format!("{dir}/proofSetConfig1.json")), rdfc),
        &signer(1),
    )
    .unwrap();
    assert_eq!(set1, vector_json(&format!("{dir}/signedProofSet1.json")));
    let set2 = proof::add_proof(
        &set1,
        &options_from(&vector_json(&format!("{dir}/proofSetConfig2.json")), rdfc),
        &signer(2),
    )
    .unwrap();
    assert_eq!(set2, vector_json(&format!("{dir}/signedProofSet2.json")));

    // Chain: published signedProofChain1 (set of key 1, 2, then 3 chained
    // to both) extended by key 4 chained to key 3's proof.
    let chain1 = vector_json(&format!("{dir}/signedProofChain1.json"));
    let chain2 = proof::add_proof(
        &chain1,
        &options_from(&vector_json(&format!("{dir}/proofChainConfig2.json")), rdfc),
        &signer(4),
    )
    .unwrap();
    assert_eq!(
        chain2,
        vector_json(&format!("{dir}/signedProofChain2.json"))
    );

    for name in [
        "signedProofSet1",
        "signedProofSet2",
        "signedProofChain1",
        "signedProofChain2",
    ] {
        let doc = vector_json(&format!("{dir}/{name}.json"));
        let outcomes = block_on(proof::verify_proofs(
            &doc,
            "assertionMethod",
            &OfflineResolver::new(),
            now(),
        ))
        .unwrap();
        assert!(!outcomes.is_empty());
        for o in outcomes {
            assert_eq!(o.result, Ok(()), "{name} proof {}", o.index);
        }
    }
    // A chained proof whose predecessor is removed no longer verifies.
    let mut broken = vector_json(&format!("{dir}/signedProofChain2.json"));
    let proofs = broken["proof"].as_array_mut().unwrap();
    proofs.remove(2);
    let outcomes = block_on(proof::verify_proofs(
        &broken,
        "assertionMethod",
        &OfflineResolver::new(),
        now(),
    ))
    .unwrap();
    assert_eq!(
        outcomes.last().unwrap().result.as_ref().unwrap_err().code(),
        "previous_proof_missing"
    );
}

/// The Open Badges 3.0 Implementation Guide vector. Its key is named only
/// by a URL fragment, which proves nothing offline: without the issuer key
/// supplied the proof is "unknown", with it the proof verifies.
#[test]
fn open_badges_implementation_guide_vector() {
    let Some(dir) = shared_data("test-vectors/ob-v3p0-eddsa-rdfc-2022") else {
        return;
    };
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let vector: Value = serde_json::from_str(&read("vector.json")).unwrap();
    let signed: Value = serde_json::from_str(&read("signed.json")).unwrap();
    let unsigned: Value = serde_json::from_str(&read("unsigned.json")).unwrap();
    assert_eq!(
        jsonld::canonicalize(&unsigned).unwrap(),
        read("document-canon.txt")
    );
    assert_eq!(
        jsonld::canonicalize_general(&unsigned).unwrap(),
        read("document-canon.txt")
    );
    let mut options = obj(&signed["proof"]);
    options.remove("proofValue");
    assert_eq!(
        rdfc::proof_configuration(&options, unsigned.get("@context")).unwrap(),
        read("proof-canon.txt")
    );
    let unsigned_map = obj(&unsigned);
    let data = rdfc::verify_data(&proof::Unsecured::new(&unsigned_map), &options).unwrap();
    assert_eq!(hex::encode(data), vector["dataToSignHex"]);

    let vm = signed["proof"]["verificationMethod"].as_str().unwrap();
    let outcomes = block_on(proof::verify_proofs(
        &signed,
        "assertionMethod",
        &OfflineResolver::new(),
        now(),
    ))
    .unwrap();
    let err = outcomes[0].result.as_ref().unwrap_err();
    assert!(
        err.is_unknown(),
        "without the key the proof must be unknown, got {err}"
    );

    let key = keys::decode_secret_key(vector["secretKeyMultibase"].as_str().unwrap()).unwrap();
    assert_eq!(
        keys::public_key_multibase(&key.verifying_key()),
        vector["publicKeyMultibase"]
    );
    let resolver = OfflineResolver::new().with_method(VerificationMethod {
        id: vm.to_owned(),
        controller: signed["issuer"]["id"].as_str().unwrap().to_owned(),
        public_key: key.verifying_key(),
    });
    let outcomes = block_on(proof::verify_proofs(
        &signed,
        "assertionMethod",
        &resolver,
        now(),
    ))
    .unwrap();
    assert_eq!(outcomes[0].result, Ok(()));
    let signer = IssuerKey::url(key, signed["issuer"]["id"].as_str().unwrap()).unwrap();
    use rosette::keys::CredentialSigner;
    assert_eq!(
        proof::encode_proof_value(&signer.sign(&data)),
        vector["proofValue"]
    );
}

/// Canonicalization oracle: jsonld.js outputs matched byte for byte by both
/// paths; its negative cases refused by both.
#[test]
fn canonicalization_oracle() {
    for name in [
        "ob3-typical",
        "ob3-typical-with-proof",
        "proof-config",
        "status-list-credential",
        "edge-controls",
        "numbers",
    ] {
        let doc = vector_json(&format!("canonicalization-oracle/positive/{name}.json"));
        let want = vector_text(&format!("canonicalization-oracle/positive/{name}.nq"));
        assert_eq!(
            jsonld::canonicalize_fast(&doc).unwrap(),
            want,
            "{name} fast"
        );
        assert_eq!(
            jsonld::canonicalize_general(&doc).unwrap(),
            want,
            "{name} general"
        );
    }
    for name in ["ob3-typical", "jcs-edge"] {
        let doc = vector_json(&format!("canonicalization-oracle/positive/{name}.json"));
        let want = vector_text(&format!("canonicalization-oracle/positive/{name}.jcs"));
        assert_eq!(proof::jcs::jcs(&doc).unwrap(), want, "{name} jcs");
    }
    for (name, code) in [
        ("credential-schema-1edtech", "jsonld_data_loss"),
        ("direction", "jsonld_data_loss"),
        ("nonchar-ffff", "jsonld_data_loss"),
        ("relative-iri", "jsonld_data_loss"),
        ("undefined-term", "jsonld_data_loss"),
    ] {
        let doc = vector_json(&format!("canonicalization-oracle/negative/{name}.json"));
        assert_eq!(
            jsonld::canonicalize_fast(&doc).unwrap_err().code(),
            code,
            "{name} fast"
        );
        assert_eq!(
            jsonld::canonicalize_general(&doc).unwrap_err().code(),
            code,
            "{name} general"
        );
    }
}
