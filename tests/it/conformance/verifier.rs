//! "Verifier requirements": what the Data Integrity EdDSA and VC Data Model
//! 2.0 suites send to `POST /credentials/verify` — credentials signed by
//! their own Ed25519 did:key, as single proofs, proof sets and chains, with
//! one proof field spoiled at a time — and the answer they accept: valid →
//! exactly 200, invalid → 400 or 422.

use super::{Suite, V2, proofs, with};
use rosette::keys::{CredentialSigner as _, IssuerKey, SigningKey};
use rosette::proof::{Cryptosuite, ProofOptions, add_proof};
use serde_json::{Value, json};

/// The suite's signing key: an Ed25519 did:key from a fixed seed.
fn suite_key(seed: u8) -> IssuerKey {
    IssuerKey::did_key(SigningKey::from_bytes(&[seed; 32]))
}

/// The W3C unsigned credential of Data Integrity EdDSA v1.0 Appendix B.5
/// (`tests/vectors/eddsa-rdfc-2022/proof-set-chain/unsigned.json`), issued
/// by `key`'s did:key, as the suite signs its own credentials.
fn unsigned(key: &IssuerKey) -> Value {
    let mut doc = crate::support::vector_json("eddsa-rdfc-2022/proof-set-chain/unsigned.json");
    doc["issuer"] = json!(key.issuer());
    doc
}

fn options(suite: Cryptosuite, created: &str) -> ProofOptions {
    ProofOptions::assertion(suite, Some(created.into()))
}

const RDFC: Cryptosuite = Cryptosuite::EddsaRdfc2022;
const JCS: Cryptosuite = Cryptosuite::EddsaJcs2022;

/// "Proof sets: every proof must verify; `previousProof` (string or array)
/// must name proofs present in the set and be honoured; a dangling
/// reference fails." Plus root cause 8: a set holding two byte-identical
/// proofs (same key, same second) is accepted, as the JS verifier does.
#[test]
fn proof_sets_and_chains_verify_only_when_every_proof_does() {
    let s = Suite::start();
    let a = suite_key(1);
    let doc = unsigned(&a);
    let one = add_proof(&doc, &options(RDFC, "2023-02-24T23:36:38Z"), &a).unwrap();
    s.verifies("one rdfc proof", &one);
    let jcs = add_proof(&doc, &options(JCS, "2023-02-24T23:36:38Z"), &a).unwrap();
    s.verifies("one jcs proof", &jcs);

    // Sets, all by the issuer's key (a second signer's key is not the
    // issuer's, which Rosette reports as `proof_controller_mismatch`):
    // rdfc + jcs; two seconds; a byte-identical pair.
    let rdfc_jcs = add_proof(&one, &options(JCS, "2023-02-24T23:36:38Z"), &a).unwrap();
    s.verifies("set: rdfc + jcs", &rdfc_jcs);
    let two_times = add_proof(&one, &options(RDFC, "2023-02-25T00:00:00Z"), &a).unwrap();
    s.verifies("set: same key, two times", &two_times);
    let duplicated = with(&one, |m| {
        let p = m["proof"].clone();
        m.insert("proof".into(), json!([p.clone(), p]));
    });
    s.verifies("set: two byte-identical proofs", &duplicated);

    // Every proof must verify.
    for (case, set) in [("rdfc + jcs", &rdfc_jcs), ("two times", &two_times)] {
        for spoiled in 0..2 {
            let mut bad = set.clone();
            let value = bad["proof"][spoiled]["proofValue"]
                .as_str()
                .unwrap()
                .to_owned();
            let flipped = if value.ends_with('A') { 'B' } else { 'A' };
            bad["proof"][spoiled]["proofValue"] =
                json!(format!("{}{flipped}", &value[..value.len() - 1]));
            s.does_not_verify(&format!("set {case}: proof {spoiled} spoiled"), &bad);
        }
    }
    let mut half_duplicated = duplicated.clone();
    half_duplicated["proof"][1]["created"] = json!("2023-02-24T23:36:39Z");
    s.does_not_verify("set: a copy with another created", &half_duplicated);

    // Chains: previousProof as a string and as an array.
    let first = ProofOptions {
        id: Some("urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544".into()),
        ..options(RDFC, "2023-02-24T23:36:38Z")
    };
    let second = ProofOptions {
        id: Some("urn:uuid:8cc9022b-6b14-4cf3-8571-74972c5feb54".into()),
        ..options(RDFC, "2023-02-24T23:36:38Z")
    };
    let base = add_proof(&doc, &first, &a).unwrap();
    let chained = add_proof(
        &base,
        &ProofOptions {
            previous_proof: vec!["urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544".into()],
            ..options(RDFC, "2023-02-26T22:06:38Z")
        },
        &a,
    )
    .unwrap();
    assert!(proofs(&chained)[1]["previousProof"].is_string());
    s.verifies("chain: previousProof a string", &chained);
    let set = add_proof(&base, &second, &a).unwrap();
    let chained_to_both = add_proof(
        &set,
        &ProofOptions {
            previous_proof: vec![
                "urn:uuid:26329423-bec9-4b2e-88cb-a7c7d9dc4544".into(),
                "urn:uuid:8cc9022b-6b14-4cf3-8571-74972c5feb54".into(),
            ],
            ..options(JCS, "2023-02-26T22:06:38Z")
        },
        &a,
    )
    .unwrap();
    assert!(proofs(&chained_to_both)[2]["previousProof"].is_array());
    s.verifies("chain: previousProof an array", &chained_to_both);

    // Dangling: the proof it names is gone, or it names no proof.
    let without_first = with(&chained, |m| {
        let kept = proofs(&chained)[1].clone();
        m.insert("proof".into(), json!([kept]));
    });
    s.does_not_verify("chain: the previous proof removed", &without_first);
    let without_one_of_two = with(&chained_to_both, |m| {
        let all = proofs(&chained_to_both);
        m.insert("proof".into(), json!([all[0], all[2]]));
    });
    s.does_not_verify(
        "chain: one of two previous proofs removed",
        &without_one_of_two,
    );
    let renamed = with(&chained, |m| {
        m["proof"][1]["previousProof"] = json!("urn:uuid:00000000-0000-4000-8000-000000000000");
    });
    s.does_not_verify("chain: previousProof names no proof", &renamed);
}

/// "Wrong `type`, `cryptosuite`, purpose, missing `verificationMethod` or
/// `proofPurpose`, missing or non-multibase `proofValue`: 400/422." On the
/// suite's own credentials, and on what this issuer signed through
/// `POST /credentials/issue`.
#[test]
fn each_spoiled_proof_field_is_refused() {
    let s = Suite::start();
    let key = suite_key(3);
    for suite in [RDFC, JCS] {
        let signed = add_proof(
            &unsigned(&key),
            &options(suite, "2024-01-01T00:00:00Z"),
            &key,
        )
        .unwrap();
        spoiled_proofs_are_refused(
            &s,
            &format!("suite key, {}", suite.as_str()),
            suite,
            &signed,
        );
        // A proof made for another purpose, correctly signed.
        let authentication = add_proof(
            &unsigned(&key),
            &ProofOptions {
                proof_purpose: "authentication".into(),
                ..options(suite, "2024-01-01T00:00:00Z")
            },
            &key,
        )
        .unwrap();
        s.does_not_verify(
            &format!("{}: signed for authentication", suite.as_str()),
            &authentication,
        );
    }
    for suite in [RDFC, JCS] {
        let issued = s.issued(
            suite.as_str(),
            &s.example_credential(),
            &json!({ "cryptosuite": suite.as_str() }),
        );
        spoiled_proofs_are_refused(
            &s,
            &format!("issued here, {}", suite.as_str()),
            suite,
            &issued,
        );
    }
}

/// `signed` verifies; with any one field of its first proof spoiled, it does not.
#[track_caller]
fn spoiled_proofs_are_refused(s: &Suite, label: &str, suite: Cryptosuite, signed: &Value) {
    s.verifies(label, signed);
    let spoil = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        with(signed, |m| {
            let proof = match m.get_mut("proof") {
                Some(Value::Array(items)) => items.first_mut(),
                other => other,
            };
            if let Some(p) = proof.and_then(Value::as_object_mut) {
                edit(p);
            }
        })
    };
    let other_suite = if suite == RDFC { JCS } else { RDFC };
    let cases: Vec<(&str, Value)> = vec![
        (
            "type Ed25519Signature2020",
            spoil(&|p| {
                p.insert("type".into(), json!("Ed25519Signature2020"));
            }),
        ),
        (
            "type missing",
            spoil(&|p| {
                p.remove("type");
            }),
        ),
        (
            "cryptosuite unknown",
            spoil(&|p| {
                p.insert("cryptosuite".into(), json!("eddsa-2099"));
            }),
        ),
        (
            "cryptosuite of the other suite",
            spoil(&|p| {
                p.insert("cryptosuite".into(), json!(other_suite.as_str()));
            }),
        ),
        (
            "proofPurpose authentication",
            spoil(&|p| {
                p.insert("proofPurpose".into(), json!("authentication"));
            }),
        ),
        (
            "proofPurpose missing",
            spoil(&|p| {
                p.remove("proofPurpose");
            }),
        ),
        (
            "verificationMethod missing",
            spoil(&|p| {
                p.remove("verificationMethod");
            }),
        ),
        (
            "verificationMethod of another key",
            spoil(&|p| {
                let other = suite_key(4);
                p.insert(
                    "verificationMethod".into(),
                    json!(other.verification_method()),
                );
            }),
        ),
        (
            "proofValue missing",
            spoil(&|p| {
                p.remove("proofValue");
            }),
        ),
        (
            "proofValue not multibase",
            spoil(&|p| {
                let v = p["proofValue"].as_str().unwrap()[1..].to_owned();
                p.insert("proofValue".into(), json!(v));
            }),
        ),
        (
            "proofValue with a bad base58 character",
            spoil(&|p| {
                let v = p["proofValue"].as_str().unwrap().to_owned();
                p.insert(
                    "proofValue".into(),
                    json!(format!("{}0", &v[..v.len() - 1])),
                );
            }),
        ),
    ];
    for (case, doc) in cases {
        assert_ne!(&doc, signed, "{label}: {case} changed nothing");
        s.does_not_verify(&format!("{label}: {case}"), &doc);
    }
}

/// "Undefined terms in the document: 400/422 (no silent drop)." A jcs proof
/// signs the JSON bytes and so verifies whatever the terms: the verifier
/// must still refuse a term the contexts do not define.
#[test]
fn undefined_terms_are_refused_even_under_a_valid_jcs_proof() {
    let s = Suite::start();
    let key = suite_key(5);
    let defined = json!({
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": key.issuer(),
        "credentialSubject": { "id": "did:example:abcdefgh", "name": "Jayden Doe" }
    });
    let signed = add_proof(&defined, &options(JCS, "2024-01-01T00:00:00Z"), &key).unwrap();
    s.verifies("only defined terms (the control)", &signed);
    for (case, doc) in [
        (
            "a top-level undefined term",
            with(&defined, |m| {
                m.insert("undefinedTerm".into(), json!("dropped by JSON-LD"));
            }),
        ),
        (
            "an undefined claim",
            with(&defined, |m| {
                m["credentialSubject"]["favoriteColor"] = json!("blue");
            }),
        ),
        (
            "an undefined type",
            with(&defined, |m| {
                m.insert(
                    "type".into(),
                    json!(["VerifiableCredential", "UndefinedType"]),
                );
            }),
        ),
    ] {
        let signed = add_proof(&doc, &options(JCS, "2024-01-01T00:00:00Z"), &key).unwrap();
        let body = s.does_not_verify(case, &signed);
        let text = body.to_string();
        assert!(
            [
                "undefinedTerm",
                "favoriteColor",
                "UndefinedType",
                "undefined",
                "term"
            ]
            .iter()
            .any(|w| text.contains(w)),
            "{case}: the answer names the undefined term: {body:#}"
        );
        // Signed with rdfc the same document cannot even be made: safe mode.
        assert!(
            add_proof(&doc, &options(RDFC, "2024-01-01T00:00:00Z"), &key).is_err(),
            "{case}: rdfc refuses to sign it"
        );
    }
}

/// Routes and shapes: "`POST /credentials/verify` — `{"verifiableCredential":
/// …, "options": {"checks": ["proof"]}}`. Valid → exactly 200; invalid →
/// 400 or 422." What Rosette issued generically verifies there, with both
/// suites; malformed requests are 400.
#[test]
fn what_the_issuer_signs_the_verifier_accepts_and_malformed_requests_are_400() {
    let s = Suite::start();
    for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
        let signed = s.issued(
            suite,
            &s.example_credential(),
            &json!({ "cryptosuite": suite }),
        );
        s.verifies(suite, &signed);
        let tampered = with(&signed, |m| {
            m["credentialSubject"]["alumniOf"]["name"] = json!("Another University");
        });
        s.does_not_verify(&format!("{suite}, tampered"), &tampered);
    }
    for body in [
        json!({}),
        json!({ "verifiableCredential": "not an object" }),
        json!({ "verifiableCredential": {}, "options": "not an object" }),
    ] {
        let r = s.post("/credentials/verify", None, &body);
        assert_eq!(r.status, 400, "{body}: {}", r.text());
    }
    let r = s
        .server
        .client
        .post(&s.server.url("/credentials/verify"))
        .header("Accept", super::SUITE_ACCEPT)
        .body("application/json", b"{not json")
        .send();
    assert_eq!(r.status, 400, "{}", r.text());
}
