//! Embedded endorsements (issue 13 §1; OB 3.0 §9.1 step 6, §9.2): signed
//! `EndorsementCredential`s inside a credential canonicalize as jsonld.js
//! does (their proofs are named graphs that stay in the signed data), and
//! each is verified with the credential's pipeline and reported as
//! `endorsement` checks naming the proof.

use rosette::keys::{self, IssuerKey, KeyResolver, OfflineResolver, VerificationMethod};
use rosette::proof::{self, Cryptosuite, ProofOptions};
use rosette::verification::{self, CheckState, Report, Verdict, VerifyContext};
use serde_json::{Value, json};

const V2: &str = "https://www.w3.org/ns/credentials/v2";
const OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const CREATED: &str = "2024-06-01T12:00:00Z";

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn key(seed: u8) -> IssuerKey {
    IssuerKey::did_key(keys::SigningKey::from_bytes(&[seed; 32]))
}

fn sign(doc: &Value, signer: &IssuerKey) -> Value {
    let options = ProofOptions::assertion(Cryptosuite::EddsaRdfc2022, Some(CREATED.into()));
    proof::proof_as_array(proof::add_proof(doc, &options, signer).unwrap())
}

/// An unsigned `EndorsementCredential` issued by `by`.
fn endorsement(n: u32, by: &IssuerKey) -> Value {
    let issuer = by.method().controller;
    json!({
        "@context": [V2, OB],
        "id": format!("urn:uuid:00000000-0000-4000-8000-e0000000000{n}"),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": format!("Endorsement {n}"),
        "issuer": { "id": issuer, "type": ["Profile"], "name": format!("Endorser {n}") },
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": { "id": "https://example.com/achievements/1", "type": ["EndorsementSubject"], "endorsementComment": "Rigorous" }
    })
}

/// An unsigned Open Badge issued by `by`.
fn badge(by: &IssuerKey) -> Value {
    json!({
        "@context": [V2, OB],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": by.method().controller, "type": ["Profile"], "name": "Issuer" },
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": { "type": ["AchievementSubject"], "id": "did:example:holder",
            "achievement": { "id": "https://example.com/achievements/1", "type": ["Achievement"],
                "name": "Achievement", "description": "d", "criteria": { "narrative": "x" } } }
    })
}

fn verify_with(doc: &Value, resolver: &dyn KeyResolver) -> Report {
    crate::support::block_on(verification::verify_value(
        doc,
        VerifyContext::new(resolver, now()),
    ))
}

fn verify(doc: &Value) -> Report {
    verify_with(doc, &OfflineResolver::new())
}

fn endorsement_checks(r: &Report) -> Vec<(CheckState, String, String)> {
    r.checks
        .iter()
        .filter(|c| c.check == "endorsement")
        .map(|c| (c.state, c.code.clone(), c.path.clone().unwrap_or_default()))
        .collect()
}

/// A badge issued by key 1, with endorsements signed by keys 2 and 3 in
/// the achievement, the issuer profile and on the credential, and an
/// endorsement (key 4) of the achievement endorsement's issuer.
fn endorsed_badge() -> Value {
    let (issuer, e2, e3, e4) = (key(1), key(2), key(3), key(4));
    let mut in_achievement = endorsement(2, &e2);
    in_achievement["issuer"]["endorsement"] = json!([sign(&endorsement(4, &e4), &e4)]);
    let mut doc = badge(&issuer);
    doc["credentialSubject"]["achievement"]["endorsement"] = json!([sign(&in_achievement, &e2)]);
    doc["issuer"]["endorsement"] = json!([sign(&endorsement(3, &e3), &e3)]);
    doc["endorsement"] = json!([sign(&endorsement(5, &e3), &e3)]);
    sign(&doc, &issuer)
}

#[test]
fn endorsements_at_every_place_and_depth_verify() {
    let doc = endorsed_badge();
    let r = verify(&doc);
    assert!(r.verified, "{:#?}", r.checks);
    let found = endorsement_checks(&r);
    let ok = |path: &str| (CheckState::Valid, "ok".to_owned(), path.to_owned());
    assert_eq!(
        found,
        vec![
            ok("/endorsement/0"),
            ok("/issuer/endorsement/0"),
            ok("/credentialSubject/achievement/endorsement/0"),
            ok("/credentialSubject/achievement/endorsement/0/issuer/endorsement/0"),
        ]
    );
}

/// The canonical form keeps every inner proof: changing an inner proof
/// without re-signing breaks the credential's own signature, and then no
/// endorsement is looked at.
#[test]
fn an_inner_proof_is_covered_by_the_outer_signature() {
    let mut doc = endorsed_badge();
    doc["credentialSubject"]["achievement"]["endorsement"][0]["proof"][0]["created"] =
        json!("2024-06-02T12:00:00Z");
    let r = verify(&doc);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(
        r.checks
            .iter()
            .any(|c| c.check == "proof" && c.code == "signature_invalid"),
        "{:#?}",
        r.checks
    );
    assert_eq!(
        endorsement_checks(&r),
        vec![(
            CheckState::Unknown,
            "endorsement_not_checked".into(),
            String::new()
        )]
    );
}

/// An issuer that embeds a forged endorsement and signs the whole: the
/// credential's signature holds, the endorsement's does not, and the report
/// says which proof of which endorsement failed.
#[test]
fn a_tampered_endorsement_fails_naming_its_proof() {
    let issuer = key(1);
    let mut forged = sign(&endorsement(2, &key(2)), &key(2));
    forged["credentialSubject"]["endorsementComment"] = json!("The best there is");
    let mut doc = badge(&issuer);
    doc["credentialSubject"]["achievement"]["endorsement"] = json!([forged]);
    let doc = sign(&doc, &issuer);
    let r = verify(&doc);
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.checks);
    let outer: Vec<_> = r.checks.iter().filter(|c| c.check == "proof").collect();
    assert!(outer.iter().all(|c| c.state == CheckState::Valid));
    let found = endorsement_checks(&r);
    assert_eq!(
        found,
        vec![(
            CheckState::Invalid,
            "endorsement_signature_invalid".to_owned(),
            "/credentialSubject/achievement/endorsement/0/proof/0".to_owned()
        )]
    );
    let c = r.checks.iter().find(|c| c.check == "endorsement").unwrap();
    assert!(
        c.message
            .contains("/credentialSubject/achievement/endorsement/0")
            && c.message.contains(&key(2).method().controller),
        "{}",
        c.message
    );
}

/// An endorsement whose key cannot be resolved is `unknown`: the report
/// cannot say VALID, nor NOT VALID.
#[test]
fn an_endorsement_with_an_unresolvable_key_is_unknown() {
    let issuer = key(1);
    let endorser = IssuerKey::url(
        keys::SigningKey::from_bytes(&[2; 32]),
        "https://endorser.example",
    )
    .unwrap();
    let mut doc = badge(&issuer);
    doc["endorsement"] = json!([sign(&endorsement(2, &endorser), &endorser)]);
    let doc = sign(&doc, &issuer);
    let r = verify(&doc);
    assert_eq!(r.verdict, Verdict::Unknown, "{:#?}", r.checks);
    assert_eq!(
        endorsement_checks(&r),
        vec![(
            CheckState::Unknown,
            "endorsement_key_unknown".to_owned(),
            "/endorsement/0/proof/0".to_owned()
        )]
    );
    // Registered, the same endorsement verifies.
    let resolver = OfflineResolver::new().with_method(endorser.method());
    let r = verify_with(&doc, &resolver);
    assert!(r.verified, "{:#?}", r.checks);
}

/// An expired endorsement does not say EXPIRED for the credential: its code
/// is prefixed, and the report is NOT VALID.
#[test]
fn an_expired_endorsement_makes_the_credential_not_valid() {
    let issuer = key(1);
    let mut e = endorsement(2, &key(2));
    e["validUntil"] = json!("2025-01-01T00:00:00Z");
    let mut doc = badge(&issuer);
    doc["issuer"]["endorsement"] = json!([sign(&e, &key(2))]);
    let r = verify(&sign(&doc, &issuer));
    assert_eq!(r.verdict, Verdict::Invalid);
    assert_eq!(
        endorsement_checks(&r),
        vec![(
            CheckState::Invalid,
            "endorsement_expired".to_owned(),
            "/issuer/endorsement/0".to_owned()
        )]
    );
}

/// Endorsements are checked in document order, places first (credential,
/// issuer, achievement, creator, source): a malformed one and one that is
/// no EndorsementCredential are invalid, and past
/// [`verification::embedded::MAX_ENDORSEMENTS`] the rest (an
/// `endorsementJwt` among them) are counted in one unknown check.
#[test]
fn malformed_and_excess_endorsements_are_reported() {
    use verification::embedded::MAX_ENDORSEMENTS;
    let issuer = key(1);
    let mut not_endorsement = sign(&endorsement(2, &key(2)), &key(2));
    not_endorsement["type"] = json!(["VerifiableCredential"]);
    let mut items = vec![json!("urn:not-a-credential"), not_endorsement];
    items.extend(
        (10..12 + MAX_ENDORSEMENTS as u32).map(|n| sign(&endorsement(n, &key(2)), &key(2))),
    );
    let mut doc = badge(&issuer);
    doc["endorsement"] = Value::Array(items);
    doc["credentialSubject"]["achievement"]["endorsementJwt"] =
        json!(["eyJhbGciOiJFZERTQSJ9.e30.c2ln"]);
    let r = verify(&sign(&doc, &issuer));
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.checks);
    let found = endorsement_checks(&r);
    let at = |i: usize| format!("/endorsement/{i}");
    assert_eq!(
        found[..2],
        [
            (CheckState::Invalid, "endorsement_malformed".into(), at(0)),
            (
                CheckState::Invalid,
                "endorsement_type_invalid".into(),
                format!("{}/type", at(1))
            ),
        ]
    );
    let ok = found[2..found.len() - 1].iter();
    assert!(
        ok.clone()
            .all(|(s, c, _)| *s == CheckState::Valid && c == "ok"),
        "{found:#?}"
    );
    assert_eq!(ok.count(), MAX_ENDORSEMENTS - 2);
    let last = r.checks.last().unwrap();
    assert_eq!(
        (last.state, last.code.as_str()),
        (CheckState::Unknown, "endorsement_limit")
    );
    assert!(
        last.message.starts_with("5 endorsement(s) not checked"),
        "{}",
        last.message
    );
}

#[test]
fn endorsements_nested_too_deep_are_unknown() {
    let keys: Vec<IssuerKey> = (1..=5).map(key).collect();
    // Endorsement 4 endorses the issuer of 3, which endorses the issuer of 2.
    let mut level3 = endorsement(4, &keys[3]);
    level3["issuer"]["endorsement"] = json!([sign(&endorsement(5, &keys[4]), &keys[4])]);
    let mut level2 = endorsement(3, &keys[2]);
    level2["issuer"]["endorsement"] = json!([sign(&level3, &keys[3])]);
    let mut level1 = endorsement(2, &keys[1]);
    level1["issuer"]["endorsement"] = json!([sign(&level2, &keys[2])]);
    let mut doc = badge(&keys[0]);
    doc["endorsement"] = json!([sign(&level1, &keys[1])]);
    let r = verify(&sign(&doc, &keys[0]));
    assert_eq!(r.verdict, Verdict::Unknown, "{:#?}", r.checks);
    let found = endorsement_checks(&r);
    assert_eq!(
        found.len(),
        verification::embedded::MAX_ENDORSEMENT_DEPTH + 1
    );
    assert_eq!(
        found.last().map(|(s, c, _)| (*s, c.as_str())),
        Some((CheckState::Unknown, "endorsement_too_deep"))
    );
}

/// 1EdTech's `complete.json`: with its issuer key registered, its
/// eddsa-rdfc-2022 signature (made over jsonld.js's canonical form, with
/// five signed endorsements inside) verifies. Its endorsements carry
/// placeholder proofs (`eddsa-rdf-2022`, a proofValue that is the key) and
/// expired in 2020, so each is reported and the credential is not valid —
/// as 1EdTech's own validator also finds it not valid.
#[test]
fn complete_json_verifies_its_signature_with_its_key_registered() {
    let doc = crate::support::vector_json("ob-v3p0-validator/complete.json");
    let vm = doc["proof"][0]["verificationMethod"].as_str().unwrap();
    let (controller, fragment) = vm.split_once('#').unwrap();
    assert_eq!(controller, doc["issuer"]["id"]);
    let resolver = OfflineResolver::new().with_method(VerificationMethod {
        id: vm.to_owned(),
        controller: controller.to_owned(),
        public_key: keys::decode_public_key_multibase(fragment).unwrap(),
    });
    let outcomes = crate::support::block_on(proof::verify_proofs(
        &doc,
        "assertionMethod",
        &resolver,
        now(),
    ))
    .unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].result, Ok(()));

    let r = verify_with(&doc, &resolver);
    let proof: Vec<_> = r.checks.iter().filter(|c| c.check == "proof").collect();
    assert!(
        proof.len() == 1 && proof[0].state == CheckState::Valid,
        "{proof:#?}"
    );
    let found = endorsement_checks(&r);
    for place in [
        "/endorsement/0",
        "/issuer/endorsement/0",
        "/credentialSubject/achievement/endorsement/0",
        "/credentialSubject/achievement/creator/endorsement/0",
        "/credentialSubject/achievement/creator/endorsement/1",
    ] {
        assert!(
            found.contains(&(
                CheckState::Unknown,
                "endorsement_cryptosuite_unsupported".into(),
                format!("{place}/proof/0")
            )),
            "{place}: {found:#?}"
        );
        assert!(
            found.contains(&(
                CheckState::Invalid,
                "endorsement_expired".into(),
                place.into()
            )),
            "{place}: {found:#?}"
        );
    }
    assert_eq!(r.verdict, Verdict::Invalid);

    // Without the key: the signature cannot be checked, nor the endorsements.
    let r = verify(&doc);
    assert_eq!(r.verdict, Verdict::Unknown, "{:#?}", r.checks);
    assert_eq!(
        endorsement_checks(&r),
        vec![(
            CheckState::Unknown,
            "endorsement_not_checked".into(),
            String::new()
        )]
    );
}

// ---------------------------------------------------------------------------
// Both directions against the Digital Bazaar libraries (tests/interop).
// ---------------------------------------------------------------------------

/// A Rosette key (from `rosette keys generate`) and the JS signer's DID,
/// with a directory for the files; `None` when Node is not ready.
struct Sides {
    dir: tempfile::TempDir,
    key: std::path::PathBuf,
    rosette_did: String,
    js_did: String,
}

fn sides() -> Option<Sides> {
    use crate::interop::*;
    if !node_ready() {
        return None;
    }
    let dir = tempdir();
    let (key, rosette_did) = rosette_keygen(dir.path());
    Some(Sides {
        key,
        rosette_did,
        js_did: js_did(JS_SEED),
        dir,
    })
}

/// An unsigned endorsement for the interop shape's achievement, issued by `did`.
fn endorsement_by(did: &str, n: u32) -> Value {
    json!({
        "@context": [V2, OB],
        "id": format!("urn:uuid:5f1c0e9e-0000-4000-8000-00000000000{n}"),
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": format!("Endorsement {n}"),
        "issuer": { "id": did, "type": ["Profile"], "name": format!("Endorser {n}") },
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": { "id": "https://issuer.example.org/achievements/rust-dev",
            "type": ["EndorsementSubject"], "endorsementComment": "A rigorous exam." }
    })
}

/// Credentials with endorsements signed by the other side at two depths:
/// Rosette's signatures over JS-signed endorsements verify in the Digital
/// Bazaar verifier, and JS signatures over Rosette-signed endorsements
/// verify in `rosette verify`, every endorsement included.
#[test]
fn endorsed_credentials_verify_both_ways() {
    use crate::interop::*;
    let Some(Sides {
        dir,
        key,
        rosette_did,
        js_did,
    }) = sides()
    else {
        return;
    };
    let by_rosette = |doc: &Value| rosette_sign_all(dir.path(), &key, doc, &[RDFC]);
    let by_js = |doc: &Value| js_sign_all(dir.path(), JS_SEED, doc, &[RDFC]);

    // Rosette signs around JS-signed endorsements (and one of its own that
    // carries a JS-signed endorsement of its issuer).
    let js_endorsement = by_js(&endorsement_by(&js_did, 1));
    let mut nested = endorsement_by(&rosette_did, 2);
    nested["issuer"]["endorsement"] = json!([js_endorsement.clone()]);
    let nested = by_rosette(&nested);
    let mut outer = minimal(&rosette_did);
    outer["credentialSubject"]["achievement"]["endorsement"] = json!([nested.clone()]);
    outer["issuer"]["endorsement"] = json!([js_endorsement]);
    let rosette_outer = by_rosette(&outer);

    // JS signs around Rosette-signed endorsements.
    let rosette_endorsement = by_rosette(&endorsement_by(&rosette_did, 3));
    let mut nested_js = endorsement_by(&js_did, 4);
    nested_js["issuer"]["endorsement"] = json!([rosette_endorsement.clone()]);
    let nested_js = by_js(&nested_js);
    let mut outer = minimal(&js_did);
    outer["endorsement"] = json!([rosette_endorsement]);
    outer["credentialSubject"]["achievement"]["endorsement"] = json!([nested_js.clone()]);
    let js_outer = by_js(&outer);

    let files: Vec<(&str, std::path::PathBuf, usize)> = vec![
        (
            "Rosette around JS",
            write_json(dir.path(), "r-outer.json", &rosette_outer),
            3,
        ),
        (
            "Rosette endorsement around JS",
            write_json(dir.path(), "r-nested.json", &nested),
            1,
        ),
        (
            "JS around Rosette",
            write_json(dir.path(), "j-outer.json", &js_outer),
            3,
        ),
        (
            "JS endorsement around Rosette",
            write_json(dir.path(), "j-nested.json", &nested_js),
            1,
        ),
    ];
    let paths: Vec<&std::path::Path> = files.iter().map(|(_, p, _)| p.as_path()).collect();
    for ((name, _, _), v) in files.iter().zip(js_verify(&paths, &[])) {
        assert!(v.verified, "{name}: the JS verifier refused: {}", v.line);
    }
    for (name, file, endorsements) in &files {
        let r = rosette_verify(file);
        assert_eq!(r.code, 0, "{name}: {}", r.report);
        let checks = r.report["checks"].as_array().unwrap();
        let endorsed: Vec<&Value> = checks
            .iter()
            .filter(|c| c["check"] == "endorsement")
            .collect();
        assert_eq!(endorsed.len(), *endorsements, "{name}: {}", r.report);
        assert!(
            endorsed.iter().all(|c| c["state"] == "valid"),
            "{name}: {}",
            r.report
        );
    }
}

/// 1EdTech's `complete.json` (five endorsements whose proof nodes share a
/// first-degree hash, so RDFC-1.0 needs its n-degree step) re-signed by
/// each side verifies in the other.
#[test]
fn complete_json_resigned_verifies_both_ways() {
    use crate::interop::*;
    let Some(Sides {
        dir,
        key,
        rosette_did,
        js_did,
    }) = sides()
    else {
        return;
    };
    let unsigned = |issuer: &str| {
        let mut doc = crate::support::vector_json("ob-v3p0-validator/complete.json");
        // (The JS verifier refuses a top-level status it is not asked to check.)
        for member in ["proof", "credentialStatus"] {
            doc.as_object_mut().unwrap().remove(member);
        }
        doc["issuer"]["id"] = json!(issuer);
        doc
    };
    let by_rosette = rosette_sign_all(dir.path(), &key, &unsigned(&rosette_did), &[RDFC]);
    let by_js = js_sign_all(dir.path(), JS_SEED, &unsigned(&js_did), &[RDFC]);
    let rosette_file = write_json(dir.path(), "complete-rosette.json", &by_rosette);
    let js_file = write_json(dir.path(), "complete-js.json", &by_js);
    let verdicts = js_verify(&[&rosette_file], &[]);
    assert!(
        verdicts[0].verified,
        "the JS verifier refused: {}",
        verdicts[0].line
    );
    let r = rosette_verify(&js_file);
    let proof: Vec<&Value> = r.report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["check"] == "proof")
        .collect();
    assert!(
        proof.len() == 1 && proof[0]["state"] == "valid",
        "Rosette refused the JS signature: {}",
        r.report
    );
}

/// An `endorsementJwt` (OB 3.0 §8.2): a compact JWS, EdDSA, its `kid` the
/// endorser's did:key method; `iss`, `jti` and `nbf` as the payload says.
fn endorsement_jwt(n: u32, seed: u8) -> String {
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let by = key(seed);
    let mut payload = endorsement(n, &by);
    payload["iss"] = payload["issuer"]["id"].clone();
    payload["jti"] = payload["id"].clone();
    payload["nbf"] = json!(1_704_067_200); // 2024-01-01T00:00:00Z, the validFrom
    let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": by.method().id});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let signature =
        ed25519_dalek::Signer::sign(&keys::SigningKey::from_bytes(&[seed; 32]), input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}

/// An `endorsementJwt` is verified as a VC-JWT: a good one is one valid
/// check; one whose payload was changed after signing fails at its path.
#[test]
fn an_endorsement_jwt_is_verified_as_a_vc_jwt() {
    let issuer = key(1);
    let at = "/credentialSubject/achievement/endorsementJwt/0";
    let mut doc = badge(&issuer);
    doc["credentialSubject"]["achievement"]["endorsementJwt"] = json!([endorsement_jwt(7, 2)]);
    let r = verify(&sign(&doc, &issuer));
    assert_eq!(r.verdict, Verdict::Valid, "{:#?}", r.checks);
    assert_eq!(
        endorsement_checks(&r),
        [(CheckState::Valid, "ok".into(), at.into())]
    );

    let good = endorsement_jwt(7, 2);
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    let forged = endorsement_jwt(8, 2);
    parts[1] = forged.split('.').nth(1).unwrap().to_owned();
    doc["credentialSubject"]["achievement"]["endorsementJwt"] = json!([parts.join(".")]);
    let r = verify(&sign(&doc, &issuer));
    assert_eq!(r.verdict, Verdict::Invalid, "{:#?}", r.checks);
    let found = endorsement_checks(&r);
    assert!(
        found
            .iter()
            .any(|(state, code, path)| *state == CheckState::Invalid
                && code.starts_with("endorsement_")
                && path.starts_with(at)),
        "{found:#?}"
    );
}
