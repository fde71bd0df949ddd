//! VC-JWT (Open Badges 3.0 §8.2) from every entry point: the 1EdTech
//! `simple.jwt` (RS256, no `kid` or `jwk`: its proof cannot be checked, so
//! `unknown`, never `invalid`), 1EdTech's `simple.json` credential as a
//! VC-JWT signed by test Ed25519, P-256 and RSA keys, tampered, unsigned
//! (`alg: none`), with a claim that disagrees, behind a `kid` DID URL, and
//! baked in PNG and SVG; a header `jwk` counts only when the issuer's
//! document lists it (OB 3.0 §8.2.5); through the library, `rosette verify`
//! and `POST /api/v1/verify`.

use crate::support::{block_on, rosette, vector_json, vector_path, vector_text};
use crate::verify_api::TestServer;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey};
use rosette::future::BoxFuture;
use rosette::keys::{
    JwkMethod, KeyResolver, OfflineResolver, ResolveError, SigningKey, VerificationMethod, did_key,
    jwk_method_from_controller_document,
};
use rosette::verification::{self, CheckState, Report, Verdict, VerifyContext};
use serde_json::{Value, json};

const RSA_DER: &[u8] = include_bytes!("../vectors/vc-jwt/rsa-2048.pkcs1.der");
const P256_DER: &[u8] = include_bytes!("../vectors/vc-jwt/p256.pkcs8.der");

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-11-25T12:00:00Z".parse().unwrap()
}

/// A signing key of one of the three algorithms.
enum TestKey {
    Ed(Box<SigningKey>),
    Ec,
    Rsa,
}

impl TestKey {
    fn alg(&self) -> &'static str {
        match self {
            TestKey::Ed(_) => "EdDSA",
            TestKey::Ec => "ES256",
            TestKey::Rsa => "RS256",
        }
    }

    fn public_jwk(&self) -> Value {
        match self {
            TestKey::Ed(k) => {
                json!({"kty": "OKP", "crv": "Ed25519", "x": b64(k.verifying_key().as_bytes())})
            }
            TestKey::Ec => jwk_of(&EncodingKey::from_ec_der(P256_DER), Algorithm::ES256),
            TestKey::Rsa => jwk_of(&EncodingKey::from_rsa_der(RSA_DER), Algorithm::RS256),
        }
    }

    fn sign(&self, input: &[u8]) -> String {
        use ed25519_dalek::Signer as _;
        match self {
            TestKey::Ed(k) => b64(&k.sign(input).to_bytes()),
            TestKey::Ec => jsonwebtoken::crypto::sign(
                input,
                &EncodingKey::from_ec_der(P256_DER),
                Algorithm::ES256,
            )
            .unwrap(),
            TestKey::Rsa => jsonwebtoken::crypto::sign(
                input,
                &EncodingKey::from_rsa_der(RSA_DER),
                Algorithm::RS256,
            )
            .unwrap(),
        }
    }
}

fn jwk_of(key: &EncodingKey, alg: Algorithm) -> Value {
    let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(key, alg).unwrap();
    let mut v = serde_json::to_value(jwk).unwrap();
    let o = v.as_object_mut().unwrap();
    o.retain(|k, _| ["kty", "crv", "x", "y", "n", "e"].contains(&k.as_str()));
    v
}

/// A compact JWS of `header` and `payload`, signed by `key`.
fn sign(header: &Value, payload: &Value, key: &TestKey) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    let signature = key.sign(input.as_bytes());
    format!("{input}.{signature}")
}

/// 1EdTech's `simple.json` credential (its Data Integrity proof removed)
/// as a VC 2.0 VC-JWT payload: the credential's members and, beside them,
/// the claims OB 3.0 §8.2.3 asks for.
fn simple_payload() -> Value {
    let mut payload = vector_json("ob-v3p0-validator/simple.json");
    let o = payload.as_object_mut().unwrap();
    o.remove("proof");
    let claims = json!({
        "iss": o["issuer"]["id"], "jti": o["id"], "sub": o["credentialSubject"]["id"],
        "nbf": 1262304000,
    });
    o.extend(claims.as_object().unwrap().clone());
    payload
}

/// [`simple_payload`] signed by `key`, the public key in the header.
fn resigned(key: &TestKey) -> String {
    let header = json!({"alg": key.alg(), "typ": "JWT", "jwk": key.public_jwk()});
    sign(&header, &simple_payload(), key)
}

/// [`simple_payload`] signed as `simple.jwt` is: RS256, no `kid`, no `jwk`.
fn unkeyed() -> String {
    sign(
        &json!({"alg": "RS256", "typ": "JWT"}),
        &simple_payload(),
        &TestKey::Rsa,
    )
}

fn ed() -> TestKey {
    TestKey::Ed(Box::new(SigningKey::from_bytes(&[42; 32])))
}

fn verify_with(input: &[u8], resolver: &dyn KeyResolver) -> Report {
    block_on(verification::verify_input(
        input,
        VerifyContext::new(resolver, now()),
    ))
}

fn verify(input: &[u8]) -> Report {
    verify_with(input, &OfflineResolver::new())
}

/// The issuer of [`simple_payload`].
const SIMPLE_ISSUER: &str = "https://example.com/issuers/876543";

/// A controller document of `issuer` listing `jwk` under `assertionMethod`
/// as a `publicKeyJwk` (CID 1.0 §2.2.3).
fn issuer_document(issuer: &str, jwk: &Value) -> Value {
    let vm = format!("{issuer}#jwt-key");
    json!({
        "id": issuer,
        "verificationMethod": [{"id": vm, "type": "JsonWebKey", "controller": issuer,
                                "publicKeyJwk": jwk}],
        "assertionMethod": [vm],
    })
}

/// An offline resolver that holds the document of `issuer` listing `jwk`.
fn bound(issuer: &str, jwk: &Value) -> OfflineResolver {
    let mut r = OfflineResolver::new();
    r.add_controller_document(&issuer_document(issuer, jwk))
        .unwrap();
    r
}

/// [`simple_payload`]'s issuer document listing `key`.
fn simple_bound(key: &TestKey) -> OfflineResolver {
    simple_bound_jwk(&key.public_jwk())
}

/// [`simple_payload`]'s issuer document listing `jwk`.
fn simple_bound_jwk(jwk: &Value) -> OfflineResolver {
    bound(SIMPLE_ISSUER, jwk)
}

/// The JOSE header of a compact JWS.
fn jose_header(jwt: &str) -> Value {
    let segment = jwt.trim().split('.').next().unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

fn check<'a>(report: &'a Report, name: &str) -> &'a verification::Check {
    report
        .checks
        .iter()
        .find(|c| c.check == name)
        .unwrap_or_else(|| panic!("no {name} check in {report:#?}"))
}

/// `simple.jwt` names no key, so its proof is `unknown`. Its credential
/// is an OB 3.0 draft (the `imsglobal.github.io` context, a subject
/// without `achievement`): the structure check refuses it exactly as it
/// refuses the same credential sent as JSON, and the report stops there.
#[test]
fn simple_jwt_names_no_key_and_its_draft_credential_fails_the_structure_check() {
    let report = verify(vector_text("ob-v3p0-validator/simple.jwt").as_bytes());
    assert_eq!(check(&report, "parse").state, CheckState::Valid);
    let codes: Vec<&str> = report.checks[1..].iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["context_ob_missing", "achievement_missing"]);
    assert_eq!(report.verdict, Verdict::Invalid);

    // The same token with its credential made conformant: only the proof
    // is left, and it cannot be checked.
    let report = verify(unkeyed().as_bytes());
    assert_eq!(report.verdict, Verdict::Unknown, "{report:#?}");
    let proof = check(&report, "proof");
    assert_eq!(
        (proof.state, proof.code.as_str()),
        (CheckState::Unknown, "jwt_key_unknown")
    );
    assert!(
        proof.message.contains("neither 'kid' nor 'jwk'"),
        "{}",
        proof.message
    );
    assert_eq!(check(&report, "jwt_claims").state, CheckState::Valid);
}

#[test]
fn a_vc_claim_and_an_embedded_proof_in_the_payload() {
    // VC 1.1 style: the credential in the `vc` claim.
    let key = TestKey::Rsa;
    let mut payload = simple_payload();
    let claims: serde_json::Map<String, Value> = ["iss", "jti", "sub", "nbf"]
        .iter()
        .map(|c| ((*c).to_owned(), payload[c].clone()))
        .collect();
    let credential: serde_json::Map<String, Value> = payload
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| !claims.contains_key(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut vc11 = Value::Object(claims);
    vc11["vc"] = Value::Object(credential);
    let header = json!({"alg": "RS256", "jwk": key.public_jwk()});
    let issuer_doc = simple_bound(&key);
    let report = verify_with(sign(&header, &vc11, &key).as_bytes(), &issuer_doc);
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");

    // simple.json's own Data Integrity proof kept in the payload: it is
    // checked too (its key, a URL fragment, is not trusted offline).
    payload["proof"] = vector_json("ob-v3p0-validator/simple.json")["proof"].clone();
    let report = verify_with(sign(&header, &payload, &key).as_bytes(), &issuer_doc);
    let proofs: Vec<(CheckState, &str)> = report
        .checks
        .iter()
        .filter(|c| c.check == "proof")
        .map(|c| (c.state, c.code.as_str()))
        .collect();
    assert_eq!(
        proofs,
        [
            (CheckState::Valid, "ok"),
            (CheckState::Unknown, "key_unknown")
        ]
    );
    assert_eq!(report.verdict, Verdict::Unknown);
}

/// The key a token carries in its header counts only when the issuer's
/// controller document lists it (OB 3.0 §8.2.5): anyone can sign with a
/// key of their own and name any issuer.
#[test]
fn a_header_jwk_is_valid_only_when_the_issuers_document_lists_it() {
    for key in [ed(), TestKey::Ec, TestKey::Rsa] {
        let jwt = resigned(&key);
        let input = format!("\n  {jwt}\n");
        let label = format!("VC-JWT ({}, key in the JOSE header 'jwk')", key.alg());

        // No document of the issuer: the signature holds, the key is bound
        // to no one.
        let report = verify(input.as_bytes());
        assert_eq!(
            report.verdict,
            Verdict::Unknown,
            "{}: {report:#?}",
            key.alg()
        );
        let proof = check(&report, "proof");
        assert_eq!(
            (proof.state, proof.code.as_str()),
            (CheckState::Unknown, "jwt_key_unbound")
        );
        assert!(proof.message.starts_with(&label), "{}", proof.message);

        // The issuer's document lists the key: valid, naming the method.
        let report = verify_with(input.as_bytes(), &simple_bound(&key));
        assert_eq!(report.verdict, Verdict::Valid, "{}: {report:#?}", key.alg());
        let proof = check(&report, "proof");
        assert!(proof.message.starts_with(&label), "{}", proof.message);
        assert!(
            proof.message.contains(&format!("{SIMPLE_ISSUER}#jwt-key")),
            "{}",
            proof.message
        );

        // The issuer's document lists another key: not the issuer's.
        let other = TestKey::Ed(Box::new(SigningKey::from_bytes(&[43; 32])));
        let report = verify_with(input.as_bytes(), &simple_bound(&other));
        assert_eq!(
            report.verdict,
            Verdict::Invalid,
            "{}: {report:#?}",
            key.alg()
        );
        let proof = check(&report, "proof");
        assert_eq!(
            (proof.state, proof.code.as_str()),
            (CheckState::Invalid, "jwt_key_not_issuers")
        );
    }
    // A did:key issuer's document is known offline: a header key that is
    // not the did:key's is refused.
    let did = did_key(&SigningKey::from_bytes(&[7; 32]).verifying_key());
    let key = ed();
    let header = json!({"alg": "EdDSA", "jwk": key.public_jwk()});
    let report = verify(sign(&header, &vc2_by(&did, None), &key).as_bytes());
    assert_eq!(check(&report, "proof").code, "jwt_key_not_issuers");
    assert_eq!(report.verdict, Verdict::Invalid);
    // The did:key's own key in the header: listed, valid.
    let own = TestKey::Ed(Box::new(SigningKey::from_bytes(&[7; 32])));
    let header = json!({"alg": "EdDSA", "jwk": own.public_jwk()});
    let report = verify(sign(&header, &vc2_by(&did, None), &own).as_bytes());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
}

#[test]
fn a_tampered_payload_fails_the_signature() {
    let jwt = resigned(&TestKey::Rsa);
    let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
    let mut payload = simple_payload();
    payload["name"] = json!("Forged Badge");
    parts[1] = b64(payload.to_string().as_bytes());
    let report = verify(parts.join(".").as_bytes());
    assert_eq!(report.verdict, Verdict::Invalid);
    let proof = check(&report, "proof");
    assert_eq!(
        (proof.state, proof.code.as_str()),
        (CheckState::Invalid, "signature_invalid")
    );
}

#[test]
fn alg_none_and_a_private_jwk_are_refused() {
    let key = ed();
    // alg none, with an empty signature (the unsecured form) and with one.
    let header = b64(json!({"alg": "none", "typ": "JWT"}).to_string().as_bytes());
    let payload = b64(simple_payload().to_string().as_bytes());
    let unsecured = verify(format!("{header}.{payload}.").as_bytes());
    assert_eq!(unsecured.verdict, Verdict::Invalid);
    assert_eq!(check(&unsecured, "parse").code, "jws_malformed");
    let none = sign(
        &json!({"alg": "none", "jwk": key.public_jwk()}),
        &simple_payload(),
        &key,
    );
    let report = verify(none.as_bytes());
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(check(&report, "proof").code, "jwt_alg_none");

    let mut private = key.public_jwk();
    private["d"] = json!(b64(&[42; 32]));
    let leaky = sign(
        &json!({"alg": "EdDSA", "jwk": private}),
        &simple_payload(),
        &key,
    );
    let report = verify(leaky.as_bytes());
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(check(&report, "proof").code, "jwk_private_key");

    let extra = sign(
        &json!({"alg": "EdDSA", "jwk": key.public_jwk(), "x5u": "https://example.com/c"}),
        &simple_payload(),
        &key,
    );
    let report = verify(extra.as_bytes());
    assert_eq!(check(&report, "proof").code, "jwt_header_field");
    assert!(check(&report, "proof").message.contains("'x5u'"));
}

#[test]
fn a_claim_that_disagrees_with_the_credential_is_refused_by_name() {
    let key = TestKey::Ec;
    for (claim, value) in [
        ("iss", json!("https://evil.example/issuer")),
        ("jti", json!("http://example.com/credentials/9999")),
        ("sub", json!("did:example:someone-else")),
        ("nbf", json!(1262304001)),
    ] {
        let mut payload = simple_payload();
        payload[claim] = value;
        let header = json!({"alg": "ES256", "jwk": key.public_jwk()});
        let report = verify_with(
            sign(&header, &payload, &key).as_bytes(),
            &simple_bound(&key),
        );
        assert_eq!(report.verdict, Verdict::Invalid, "{claim}");
        // The signature holds; the claim does not.
        assert_eq!(check(&report, "proof").state, CheckState::Valid);
        let c = check(&report, "jwt_claims");
        assert_eq!(c.code, "jwt_claim_mismatch", "{claim}");
        assert!(
            c.message.starts_with(&format!("claim '{claim}'")),
            "{}",
            c.message
        );
    }
    // An absent claim is no failure (1EdTech's baked examples leave `sub` out).
    let mut payload = simple_payload();
    payload.as_object_mut().unwrap().remove("sub");
    let header = json!({"alg": "ES256", "jwk": key.public_jwk()});
    let report = verify_with(
        sign(&header, &payload, &key).as_bytes(),
        &simple_bound(&key),
    );
    assert_eq!(report.verdict, Verdict::Valid);
    assert_eq!(
        check(&report, "jwt_claims").message,
        "the JWT claims iss, jti, nbf agree with the credential (OB 3.0 §8.2.5)"
    );
}

/// A VC 2.0 credential issued by a `did:key`, as a VC-JWT whose payload is
/// the credential plus its claims.
fn vc2_by(issuer: &str, valid_until: Option<&str>) -> Value {
    let mut vc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:2f9ab3b6-7f4e-4d4b-9a53-7d2f5e0c9d11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Example badge",
        "credentialSubject": {
            "id": "did:example:holder",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.com/achievements/1",
                "type": ["Achievement"],
                "name": "Example",
                "description": "An example.",
                "criteria": {"narrative": "Do it."}
            }
        },
        "iss": issuer,
        "jti": "urn:uuid:2f9ab3b6-7f4e-4d4b-9a53-7d2f5e0c9d11",
        "sub": "did:example:holder",
        "nbf": 1767225600
    });
    if let Some(until) = valid_until {
        vc["validUntil"] = json!(until);
        let t: chrono::DateTime<chrono::Utc> = until.parse().unwrap();
        vc["exp"] = json!(t.timestamp());
    }
    vc
}

#[test]
fn a_kid_did_url_binds_the_key_to_the_issuer() {
    let signing = SigningKey::from_bytes(&[7; 32]);
    let did = did_key(&signing.verifying_key());
    let kid = format!("{did}#{}", &did["did:key:".len()..]);
    let key = TestKey::Ed(Box::new(signing));
    let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": kid});
    let good = sign(&header, &vc2_by(&did, Some("2030-01-01T00:00:00Z")), &key);
    let report = verify(good.as_bytes());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert!(check(&report, "proof").message.contains(&kid));

    // The same key, claiming another issuer: the controller is not the issuer.
    let other = "did:web:other.example";
    let forged = sign(&header, &vc2_by(other, None), &key);
    let report = verify(forged.as_bytes());
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(check(&report, "proof").code, "proof_controller_mismatch");

    // Expired by `validUntil`/`exp`: the dates are checked as for any credential.
    let expired = sign(&header, &vc2_by(&did, Some("2026-02-01T00:00:00Z")), &key);
    assert_eq!(verify(expired.as_bytes()).verdict, Verdict::Expired);
}

/// A resolver that serves a DID document's `publicKeyJwk` keys, the way a
/// fetching did:web resolver implements [`KeyResolver::resolve_jwk`].
struct DocumentResolver(Value);

impl KeyResolver for DocumentResolver {
    fn resolve<'a>(
        &'a self,
        vm_url: &'a str,
    ) -> BoxFuture<'a, Result<VerificationMethod, ResolveError>> {
        Box::pin(async move {
            rosette::keys::method_from_controller_document(&self.0, vm_url)
                .map_err(|e| ResolveError::Invalid(e.to_string()))
        })
    }

    fn resolve_jwk<'a>(
        &'a self,
        vm_url: &'a str,
    ) -> BoxFuture<'a, Result<JwkMethod, ResolveError>> {
        Box::pin(async move {
            jwk_method_from_controller_document(&self.0, vm_url)
                .map_err(|e| ResolveError::Invalid(e.to_string()))
        })
    }
}

#[test]
fn es256_and_rs256_keys_behind_a_did_url_resolve_through_resolve_jwk() {
    let did = "did:web:issuer.example";
    for key in [TestKey::Ec, TestKey::Rsa] {
        let kid = format!("{did}#{}", key.alg().to_lowercase());
        let doc = json!({
            "id": did,
            "verificationMethod": [{"id": kid, "type": "JsonWebKey", "controller": did,
                                    "publicKeyJwk": key.public_jwk()}],
            "assertionMethod": [kid],
        });
        let header = json!({"alg": key.alg(), "kid": kid});
        let jwt = sign(&header, &vc2_by(did, None), &key);
        let report = verify_with(jwt.as_bytes(), &DocumentResolver(doc));
        assert_eq!(report.verdict, Verdict::Valid, "{}: {report:#?}", key.alg());
        // Without the document (the offline resolver): unknown, not invalid.
        let offline = verify(jwt.as_bytes());
        assert_eq!(offline.verdict, Verdict::Unknown, "{offline:#?}");
        assert_eq!(check(&offline, "proof").code, "key_unknown");
    }
}

#[test]
fn baked_vc_jwts_in_png_and_svg_are_verified() {
    // 1EdTech's baked simple-jwt: a VC 2.0 credential signed RS256 with the
    // key in the header (not the token of simple.jwt): unbound offline,
    // valid once the issuer's document lists that key.
    for file in ["simple-jwt.png", "simple-jwt.svg"] {
        let bytes = std::fs::read(vector_path(&format!("baked/{file}"))).unwrap();
        let report = verify(&bytes);
        assert_eq!(report.verdict, Verdict::Unknown, "{file}: {report:#?}");
        assert_eq!(check(&report, "proof").code, "jwt_key_unbound");
        let Ok(rosette::render::bake::Baked::Jws(jwt)) = rosette::render::bake::unbake(&bytes)
        else {
            panic!("{file}: no baked JWS");
        };
        let issuer = report.credential.as_ref().unwrap().issuer.clone();
        let report = verify_with(&bytes, &bound(&issuer, &jose_header(&jwt)["jwk"]));
        assert_eq!(report.verdict, Verdict::Valid, "{file}: {report:#?}");
        assert!(check(&report, "parse").message.starts_with("compact JWS"));
        assert!(
            check(&report, "proof")
                .message
                .starts_with("VC-JWT (RS256, key in the JOSE header 'jwk')")
        );
    }
    // Baked without a key: cannot verify.
    let png = std::fs::read(vector_path("baked/simple-json.png")).unwrap();
    let baked = rosette::render::bake::bake_png(&png, &unkeyed()).unwrap();
    assert_eq!(verify(&baked).verdict, Verdict::Unknown);
    // Re-baked with a re-signed token: valid with the issuer's document.
    let jwt = resigned(&TestKey::Rsa);
    let issuer_doc = simple_bound(&TestKey::Rsa);
    let baked_png = rosette::render::bake::bake_png(&png, &jwt).unwrap();
    assert_eq!(verify(&baked_png).verdict, Verdict::Unknown);
    assert_eq!(verify_with(&baked_png, &issuer_doc).verdict, Verdict::Valid);
    let svg = std::fs::read_to_string(vector_path("baked/simple-json.svg")).unwrap();
    let baked_svg = rosette::render::bake::bake_svg(&svg, &jwt).unwrap();
    assert_eq!(
        verify_with(baked_svg.as_bytes(), &issuer_doc).verdict,
        Verdict::Valid
    );
}

#[test]
fn rosette_verify_reads_a_jwt_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let simple = vector_path("ob-v3p0-validator/simple.jwt");
    let out = rosette(&data, &["verify", "--json", simple.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "NOT VALID");
    assert_eq!(report["checks"][1]["code"], "context_ob_missing");

    let file = dir.path().join("unkeyed.jwt");
    std::fs::write(&file, unkeyed()).unwrap();
    let out = rosette(&data, &["verify", "--json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "CANNOT VERIFY");
    let proof = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "proof")
        .unwrap();
    assert_eq!(proof["state"], "unknown");

    // A header jwk: unbound offline, VALID with the issuer's document
    // (`--key-doc`, a P-256 publicKeyJwk).
    let file = dir.path().join("resigned.jwt");
    std::fs::write(&file, resigned(&TestKey::Ec)).unwrap();
    let out = rosette(
        &data,
        &["verify", "--json", "--offline", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "CANNOT VERIFY");
    let doc = dir.path().join("issuer.json");
    let issuer_doc = issuer_document(SIMPLE_ISSUER, &TestKey::Ec.public_jwk());
    std::fs::write(&doc, issuer_doc.to_string()).unwrap();
    let out = rosette(
        &data,
        &[
            "verify",
            "--json",
            "--offline",
            "--key-doc",
            doc.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_api_takes_a_jwt_raw_as_a_json_string_and_in_a_batch() {
    let server = TestServer::start();
    let simple = vector_text("ob-v3p0-validator/simple.jwt");
    // A did:jwk `kid`: the key is the issuer's own identifier.
    let key = ed();
    let did = format!("did:jwk:{}", b64(key.public_jwk().to_string().as_bytes()));
    let good = sign(
        &json!({"alg": "EdDSA", "kid": format!("{did}#0")}),
        &vc2_by(&did, None),
        &key,
    );
    // A header jwk no document of the issuer lists: cannot verify.
    let unbound = resigned(&key);
    let verdict = |r: crate::support::Response| -> String {
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        v["verdict"].as_str().unwrap().to_owned()
    };
    for content_type in ["text/plain", "application/jwt", "application/vc+jwt"] {
        let post = |body: &str| {
            server
                .client
                .post("/api/v1/verify")
                .body(content_type, body.as_bytes())
                .send()
        };
        assert_eq!(verdict(post(&simple)), "NOT VALID", "{content_type}");
        assert_eq!(verdict(post(&unkeyed())), "CANNOT VERIFY", "{content_type}");
        assert_eq!(verdict(post(&good)), "VALID", "{content_type}");
        assert_eq!(verdict(post(&unbound)), "CANNOT VERIFY", "{content_type}");
    }
    let as_string = server
        .client
        .post("/api/v1/verify")
        .json(&json!(good))
        .send();
    assert_eq!(verdict(as_string), "VALID");

    let batch = server
        .client
        .post("/api/v1/verify")
        .json(&json!({"credentials": [good, unkeyed(), simple.trim(), unbound]}))
        .send();
    assert_eq!(batch.status, 200);
    let v: Value = serde_json::from_slice(&batch.body).unwrap();
    let verdicts: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(
        verdicts,
        ["VALID", "CANNOT VERIFY", "NOT VALID", "CANNOT VERIFY"]
    );
}

/// Interop: VC-JWTs signed by `jose` (panva's JOSE library, pinned in
/// `tests/interop`) with fresh EdDSA, ES256 and RS256 keys, the key in the
/// header's `jwk` or named by a `did:jwk` `kid`, verify here; a tampered
/// copy does not. (Rosette verifies VC-JWTs but issues none, so this is the
/// one direction.)
#[test]
fn vc_jwts_signed_by_jose_verify() {
    if !crate::interop::node_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("payload.json");
    std::fs::write(&file, simple_payload().to_string()).unwrap();
    for alg in ["EdDSA", "ES256", "RS256"] {
        for form in ["jwk", "did-jwk"] {
            let out = crate::interop::node("jwt-sign.mjs", &[file.to_str().unwrap(), alg, form]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let signed: Value = serde_json::from_slice(&out.stdout).unwrap();
            let jwt = signed["jwt"].as_str().unwrap();
            // A header jwk needs the issuer's document listing it.
            let resolver = if form == "jwk" {
                let report = verify(jwt.as_bytes());
                assert_eq!(
                    report.verdict,
                    Verdict::Unknown,
                    "{alg} {form}: {report:#?}"
                );
                assert_eq!(check(&report, "proof").code, "jwt_key_unbound");
                simple_bound_jwk(&jose_header(jwt)["jwk"])
            } else {
                OfflineResolver::new()
            };
            let report = verify_with(jwt.as_bytes(), &resolver);
            assert_eq!(report.verdict, Verdict::Valid, "{alg} {form}: {report:#?}");
            if form == "did-jwk" {
                let did = signed["did"].as_str().unwrap();
                assert_eq!(report.credential.as_ref().unwrap().issuer, did);
                assert!(
                    check(&report, "proof")
                        .message
                        .contains(&format!("{did}#0"))
                );
            }
            // One character inside the signature changed.
            let at = jwt.len() - 10;
            let swap = if &jwt[at..=at] == "A" { "B" } else { "A" };
            let tampered = format!("{}{swap}{}", &jwt[..at], &jwt[at + 1..]);
            let report = verify_with(tampered.as_bytes(), &resolver);
            assert_eq!(report.verdict, Verdict::Invalid, "{alg} {form} tampered");
            assert_eq!(check(&report, "proof").code, "signature_invalid");
        }
    }
}

/// A VC-JWT signs JSON text, not linked data: its credential still gets the
/// JSON-LD safe-mode `terms` check, so a term its contexts do not define
/// (which a JSON-LD processor would silently drop) makes it NOT VALID.
#[test]
fn a_term_the_contexts_do_not_define_fails_the_terms_check() {
    let signing = SigningKey::from_bytes(&[9; 32]);
    let did = did_key(&signing.verifying_key());
    let kid = format!("{did}#{}", &did["did:key:".len()..]);
    let key = TestKey::Ed(Box::new(signing));
    let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": kid});

    let good = sign(&header, &vc2_by(&did, None), &key);
    let report = verify(good.as_bytes());
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    assert_eq!(check(&report, "terms").state, CheckState::Valid);

    let mut payload = vc2_by(&did, None);
    payload["credentialSubject"]["favouriteColour"] = json!("blue");
    let undefined = sign(&header, &payload, &key);
    let report = verify(undefined.as_bytes());
    assert_eq!(report.verdict, Verdict::Invalid, "{report:#?}");
    let terms = check(&report, "terms");
    assert_eq!(terms.code, "jsonld_data_loss", "{terms:?}");
    assert!(terms.message.contains("favouriteColour"), "{terms:?}");
    // The signature itself is fine: only the data is refused.
    assert_eq!(check(&report, "proof").state, CheckState::Valid);
}
