//! One test per rule of `proof::jwt` (OB 3.0 §8.2.4, §8.2.5; RFC 7515).

use super::*;
use crate::keys::{OfflineResolver, SigningKey, did_key};
use ed25519_dalek::Signer as _;
use serde_json::json;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[9; 32])
}

fn jwk() -> Value {
    PublicJwk::from_ed25519(&key().verifying_key()).to_json()
}

fn token(header: &Value, payload: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(payload.to_string().as_bytes())
    );
    format!("{input}.{}", b64(&key().sign(input.as_bytes()).to_bytes()))
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn header_of(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn verify(text: &str) -> Result<JwsVerified, JwtError> {
    block_on(verify_compact_jws(text, &OfflineResolver::new())).map(|(_, v)| v)
}

#[test]
fn sniffing_a_compact_jws() {
    let t = token(&json!({"alg": "EdDSA"}), &json!({}));
    assert!(looks_like_compact_jws(t.as_bytes()));
    assert!(looks_like_compact_jws(format!("\r\n {t}\n").as_bytes()));
    assert!(!looks_like_compact_jws(b"{\"a\": 1}"));
    assert!(!looks_like_compact_jws(b"eyJhbGc.eyJ"));
    assert!(!looks_like_compact_jws(b"eyJ.a.b.c"));
    assert!(!looks_like_compact_jws(b"eyJ a.b.c"));
}

#[test]
fn malformed_compact_serializations() {
    for (text, why) in [
        ("eyJhIjoxfQ.eyJhIjoxfQ", "three base64url parts"),
        ("eyJhIjoxfQ.eyJhIjoxfQ.", "empty signature"),
        ("eyJhIjoxfQ.!!.c2ln", "payload is not base64url"),
        (
            &format!("{}.e30.c2ln", b64(b"[1]")),
            "header is not a JSON object",
        ),
        (
            &format!("e30.{}.c2ln", b64(br#"{"iss":"a","iss":"b"}"#)),
            "duplicate object key \"iss\"",
        ),
    ] {
        let err = parse_compact_jws(text).unwrap_err();
        assert_eq!(err.code, "jws_malformed", "{text}");
        assert!(err.message.contains(why), "{text}: {err}");
    }
}

#[test]
fn the_credential_is_the_vc_claim_or_the_payload_without_registered_claims() {
    let vc11 = token(
        &json!({"alg": "EdDSA"}),
        &json!({"vc": {"id": "urn:x"}, "iss": "a", "jti": "urn:x"}),
    );
    let parsed = parse_compact_jws(&vc11).unwrap();
    assert_eq!(parsed.credential(), json!({"id": "urn:x"}));
    let vc20 = token(
        &json!({"alg": "EdDSA"}),
        &json!({"id": "urn:x", "issuer": "a", "iss": "a", "jti": "urn:x", "nbf": 1, "exp": 2,
                "sub": "s", "iat": 0, "aud": "v"}),
    );
    let parsed = parse_compact_jws(&vc20).unwrap();
    assert_eq!(parsed.credential(), json!({"id": "urn:x", "issuer": "a"}));
}

#[test]
fn header_rules() {
    let alg = |h: Value| header_algorithm(&header_of(h));
    assert_eq!(
        alg(json!({"alg": "EdDSA", "typ": "jwt"})),
        Ok(Algorithm::EdDSA)
    );
    assert_eq!(
        alg(json!({"alg": "ES256", "kid": "k"})),
        Ok(Algorithm::ES256)
    );
    assert_eq!(
        alg(json!({"alg": "RS256", "jwk": {}})),
        Ok(Algorithm::RS256)
    );
    let code = |h: Value| alg(h).unwrap_err();
    assert_eq!(code(json!({"typ": "JWT"})).code, "jwt_alg_missing");
    assert_eq!(code(json!({"alg": 1})).code, "jwt_alg_missing");
    let none = code(json!({"alg": "none"}));
    assert_eq!((none.code, none.unknown), ("jwt_alg_none", false));
    let hs = code(json!({"alg": "HS256"}));
    assert_eq!((hs.code, hs.unknown), ("jwt_alg_unsupported", false));
    // An asymmetric algorithm we do not implement: could not check.
    let ps = code(json!({"alg": "PS256"}));
    assert_eq!((ps.code, ps.unknown), ("jwt_alg_unsupported", true));
    let extra = code(json!({"alg": "EdDSA", "crit": ["exp"]}));
    assert_eq!(extra.code, "jwt_header_field");
    assert!(extra.message.contains("'crit'"), "{extra}");
    assert_eq!(
        code(json!({"alg": "EdDSA", "typ": "vc+ld"})).code,
        "jwt_header_field"
    );
    assert_eq!(
        code(json!({"alg": "EdDSA", "kid": 5})).code,
        "jwt_header_field"
    );
}

#[test]
fn keys_from_the_header() {
    let resolver = OfflineResolver::new();
    let key_of = |h: Value| block_on(header_key(&header_of(h), &resolver));
    // A header jwk: not bound to anyone.
    let k = key_of(json!({"jwk": jwk()})).unwrap();
    assert_eq!((k.kid, k.controller), (None, None));
    // A private jwk is refused even beside a kid.
    let mut private = jwk();
    private["d"] = json!(b64(&[9; 32]));
    let did = did_key(&key().verifying_key());
    let kid = format!("{did}#{}", &did["did:key:".len()..]);
    let err = key_of(json!({"jwk": private, "kid": kid})).unwrap_err();
    assert_eq!((err.code, err.unknown), ("jwk_private_key", false));
    // A did:key kid resolves, with its controller.
    let k = key_of(json!({"kid": kid})).unwrap();
    assert_eq!(k.controller.as_deref(), Some(did.as_str()));
    assert_eq!(k.jwk.to_json(), jwk());
    // A did:jwk kid decodes.
    let did_jwk = format!("did:jwk:{}", b64(jwk().to_string().as_bytes()));
    let k = key_of(json!({"kid": format!("{did_jwk}#0")})).unwrap();
    assert_eq!(k.controller.as_deref(), Some(did_jwk.as_str()));
    // An unknown kid: unknown, or the header jwk when there is one.
    let unknown = key_of(json!({"kid": "did:web:nowhere.example#k"})).unwrap_err();
    assert_eq!((unknown.code, unknown.unknown), ("key_unknown", true));
    let fallback = key_of(json!({"kid": "did:web:nowhere.example#k", "jwk": jwk()})).unwrap();
    assert_eq!(fallback.kid, None);
    let relative = key_of(json!({"kid": "key-1"})).unwrap_err();
    assert_eq!((relative.code, relative.unknown), ("jwt_key_unknown", true));
    // A malformed did:key is invalid, not unknown.
    let bad = key_of(json!({"kid": "did:key:zNotAKey#zNotAKey"})).unwrap_err();
    assert_eq!((bad.code, bad.unknown), ("key_invalid", false));
    // Nothing at all.
    let nothing = key_of(json!({})).unwrap_err();
    assert_eq!((nothing.code, nothing.unknown), ("jwt_key_unknown", true));
}

#[test]
fn signatures() {
    let payload = json!({"iss": "did:example:i"});
    let good = token(&json!({"alg": "EdDSA", "jwk": jwk()}), &payload);
    assert_eq!(verify(&good).unwrap().alg, "EdDSA");

    // Another payload under the same signature.
    let mut parts: Vec<&str> = good.split('.').collect();
    let forged = b64(json!({"iss": "did:example:x"}).to_string().as_bytes());
    parts[1] = &forged;
    assert_eq!(
        verify(&parts.join(".")).unwrap_err().code,
        "signature_invalid"
    );

    // Another key in the header.
    let other = PublicJwk::from_ed25519(&SigningKey::from_bytes(&[8; 32]).verifying_key());
    let wrong_key = token(&json!({"alg": "EdDSA", "jwk": other.to_json()}), &payload);
    assert_eq!(verify(&wrong_key).unwrap_err().code, "signature_invalid");

    // An alg that does not fit the key.
    let mismatch = token(&json!({"alg": "ES256", "jwk": jwk()}), &payload);
    let err = verify(&mismatch).unwrap_err();
    assert_eq!(err.code, "jwt_key_mismatch");
    assert_eq!(err.message, "'alg' is ES256 but the key is for EdDSA");

    // A signature that is not base64url.
    let garbage = format!("{}.{}.%%%", parts[0], parts[1]);
    assert_eq!(verify(&garbage).unwrap_err().code, "signature_invalid");
}

fn fields(issuer: &str) -> CredentialFields<'_> {
    CredentialFields {
        issuer,
        id: Some("urn:uuid:1"),
        subject: Some("did:example:s"),
        valid_from: Some("2010-01-01T00:00:00Z".parse().unwrap()),
        valid_until: Some("2030-01-01T00:00:30.5Z".parse().unwrap()),
    }
}

fn claims_of(payload: Value) -> Vec<(&'static str, Result<(), JwtError>)> {
    let jws = parse_compact_jws(&token(&json!({"alg": "EdDSA"}), &payload)).unwrap();
    check_claims(&jws, &fields("https://i.example")).to_vec()
}

#[test]
fn claims_agree_with_the_credential_to_the_second() {
    let good = json!({"iss": "https://i.example", "jti": "urn:uuid:1", "sub": "did:example:s",
                      "nbf": 1262304000, "exp": 1893456030.9});
    assert!(claims_of(good.clone()).iter().all(|(_, r)| r.is_ok()));
    for (claim, value) in [
        ("iss", json!("https://j.example")),
        ("jti", json!("urn:uuid:2")),
        ("sub", json!(7)),
        ("nbf", json!(1262304001)),
        ("exp", json!("1893456030")),
    ] {
        let mut payload = good.clone();
        payload[claim] = value;
        let results = claims_of(payload);
        let failed: Vec<_> = results.iter().filter(|(_, r)| r.is_err()).collect();
        assert_eq!(failed.len(), 1, "{claim}");
        let (name, err) = failed[0];
        assert_eq!(*name, claim);
        let err = err.as_ref().unwrap_err();
        assert_eq!(err.code, "jwt_claim_mismatch");
        assert!(
            err.message.starts_with(&format!("claim '{claim}' is ")),
            "{err}"
        );
    }
    // Absent claims are no failure; a claim without its field is.
    assert!(claims_of(json!({})).iter().all(|(_, r)| r.is_ok()));
    let jws = parse_compact_jws(&token(&json!({"alg": "EdDSA"}), &json!({"exp": 1}))).unwrap();
    let mut no_expiry = fields("https://i.example");
    no_expiry.valid_until = None;
    let err = check_claims(&jws, &no_expiry)[4].1.clone().unwrap_err();
    assert_eq!(
        err.message,
        "claim 'exp' is 1 but the credential's validUntil is absent (OB 3.0 §8.2.5, compared \
         to the second)"
    );
}
