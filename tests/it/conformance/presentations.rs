//! "Verifier requirements", presentations: what the VC Data Model 2.0
//! suite sends to `POST /presentations/verify` — presentations signed
//! `eddsa-rdfc-2022` for purpose `authentication` by an Ed25519 did:key
//! holder, with `challenge` and `domain`, embedding credentials issued by
//! the implementation under test (through `POST /credentials/issue`) or
//! signed by the holder's own key; unsigned and malformed presentations.

use super::{EXAMPLES, SUITE_ACCEPT, Suite, V2, refusal};
use crate::support::Response;
use rosette::keys::{CredentialSigner as _, IssuerKey, SigningKey};
use rosette::proof::{Cryptosuite, ProofOptions, Unsecured, add_proof, rdfc};
use serde_json::{Map, Value, json};

const CHALLENGE: &str = "0f5a7c2e-9d1b-4c3a-8e6f-2b4d6a8c0e1f";
const DOMAIN: &str = "verifier.example";

/// The suite's holder: an Ed25519 did:key from a fixed seed.
fn holder_key() -> IssuerKey {
    IssuerKey::did_key(SigningKey::from_bytes(&[21; 32]))
}

/// Adds a presentation proof (VC Data Integrity 1.0 §4.4): `eddsa-rdfc-2022`,
/// `purpose`, by `key`, with `challenge` and `domain` when given.
fn sign(
    vp: &Value,
    key: &IssuerKey,
    purpose: &str,
    challenge: Option<&str>,
    domain: Option<&str>,
) -> Value {
    try_sign(vp, key, purpose, challenge, domain).unwrap()
}

/// [`sign`], or why the presentation cannot be signed (safe mode refuses
/// what its contexts do not define).
fn try_sign(
    vp: &Value,
    key: &IssuerKey,
    purpose: &str,
    challenge: Option<&str>,
    domain: Option<&str>,
) -> Result<Value, rosette::proof::ProofError> {
    let map = vp.as_object().unwrap();
    let mut options = Map::new();
    for (k, v) in [
        ("type", Some("DataIntegrityProof")),
        ("cryptosuite", Some("eddsa-rdfc-2022")),
        ("created", Some("2026-12-04T00:00:00Z")),
        ("verificationMethod", Some(key.verification_method())),
        ("proofPurpose", Some(purpose)),
        ("challenge", challenge),
        ("domain", domain),
    ] {
        if let Some(v) = v {
            options.insert(k.into(), json!(v));
        }
    }
    let proof = rdfc::create_proof(&Unsecured::new(map), options, key)?;
    let mut signed = map.clone();
    signed.insert("proof".into(), Value::Object(proof));
    Ok(Value::Object(signed))
}

/// A presentation by `holder` of `credentials`.
fn presentation(holder: Value, credentials: Vec<Value>) -> Value {
    json!({
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": credentials,
    })
}

fn post(s: &Suite, vp: &Value, options: Value) -> Response {
    s.post(
        "/presentations/verify",
        None,
        &json!({ "verifiablePresentation": vp, "options": options }),
    )
}

fn challenge_and_domain() -> Value {
    json!({ "challenge": CHALLENGE, "domain": DOMAIN })
}

#[track_caller]
fn accepted(case: &str, r: &Response) -> Value {
    assert_eq!(r.status, 200, "{case}: {}", r.text());
    let body = r.json();
    assert_eq!(body["verified"], true, "{case}: {body:#}");
    body
}

#[track_caller]
fn rejected(case: &str, r: &Response) -> Value {
    assert!(
        matches!(r.status, 400 | 422),
        "{case}: 400 or 422, got {}: {}",
        r.status,
        r.text()
    );
    let body = r.json();
    if r.status == 422 {
        assert_eq!(body["verified"], false, "{case}: {body:#}");
    }
    body
}

/// "Presentations: `VerifiablePresentation` type, optional `id`, `holder`
/// URL or object, several embedded VCs; proof purpose `authentication` with
/// matching `challenge` and `domain`." The embedded credentials are what
/// this issuer signed through `POST /credentials/issue` (both suites) and
/// one the holder signed itself.
#[test]
fn signed_presentations_of_issued_credentials_verify_with_challenge_and_domain() {
    let s = Suite::start();
    let holder = holder_key();
    let mut credential = s.example_credential();
    credential["credentialSubject"]["id"] = json!(holder.issuer());
    let rdfc_vc = s.issued(
        "embedded, rdfc",
        &credential,
        &json!({ "cryptosuite": "eddsa-rdfc-2022" }),
    );
    let jcs_vc = s.issued(
        "embedded, jcs",
        &credential,
        &json!({ "cryptosuite": "eddsa-jcs-2022" }),
    );
    let own = add_proof(
        &json!({
            "@context": [V2, EXAMPLES],
            "type": ["VerifiableCredential", "ExampleSelfIssuedCredential"],
            "issuer": holder.issuer(),
            "credentialSubject": { "id": holder.issuer(), "nickname": "J" }
        }),
        &ProofOptions::assertion(
            Cryptosuite::EddsaRdfc2022,
            Some("2026-12-04T00:00:00Z".into()),
        ),
        &holder,
    )
    .unwrap();
    let credentials = vec![rdfc_vc.clone(), jcs_vc, own];

    for (case, holder_value, id) in [
        ("holder a URL", json!(holder.issuer()), None),
        ("holder an object", json!({ "id": holder.issuer() }), None),
        (
            "with an id",
            json!(holder.issuer()),
            Some("urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5"),
        ),
    ] {
        let mut vp = presentation(holder_value, credentials.clone());
        if let Some(id) = id {
            vp["id"] = json!(id);
        }
        let signed = sign(
            &vp,
            &holder,
            "authentication",
            Some(CHALLENGE),
            Some(DOMAIN),
        );
        let body = accepted(case, &post(&s, &signed, challenge_and_domain()));
        let results = body["credentialResults"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            results.len(),
            3,
            "{case}: one result per credential: {body:#}"
        );
        assert!(
            results.iter().all(|r| r["verified"] == true),
            "{case}: {body:#}"
        );
    }

    let vp = presentation(json!(holder.issuer()), credentials.clone());
    let good = sign(
        &vp,
        &holder,
        "authentication",
        Some(CHALLENGE),
        Some(DOMAIN),
    );
    for (case, signed, options) in [
        (
            "another challenge asked",
            good.clone(),
            json!({ "challenge": "another", "domain": DOMAIN }),
        ),
        (
            "another domain asked",
            good.clone(),
            json!({ "challenge": CHALLENGE, "domain": "elsewhere.example" }),
        ),
        (
            "signed without a challenge",
            sign(&vp, &holder, "authentication", None, Some(DOMAIN)),
            challenge_and_domain(),
        ),
        (
            "signed for assertionMethod",
            sign(
                &vp,
                &holder,
                "assertionMethod",
                Some(CHALLENGE),
                Some(DOMAIN),
            ),
            challenge_and_domain(),
        ),
        (
            "signed by a key the holder does not control",
            sign(
                &vp,
                &IssuerKey::did_key(SigningKey::from_bytes(&[22; 32])),
                "authentication",
                Some(CHALLENGE),
                Some(DOMAIN),
            ),
            challenge_and_domain(),
        ),
    ] {
        rejected(case, &post(&s, &signed, options));
    }
    // A changed presentation, or a changed credential inside it.
    let mut changed = good.clone();
    changed["holder"] = json!({ "id": holder.issuer(), "name": "Mallory" });
    rejected(
        "the signed presentation changed",
        &post(&s, &changed, challenge_and_domain()),
    );
    let mut forged = rdfc_vc;
    forged["credentialSubject"]["alumniOf"]["name"] = json!("Another University");
    let vp = presentation(json!(holder.issuer()), vec![forged]);
    let signed = sign(
        &vp,
        &holder,
        "authentication",
        Some(CHALLENGE),
        Some(DOMAIN),
    );
    let body = rejected(
        "a forged credential inside",
        &post(&s, &signed, challenge_and_domain()),
    );
    assert_eq!(body["credentialResults"][0]["verified"], false, "{body:#}");
}

/// Unsigned and malformed presentations: an unsigned one is checked for
/// its credentials (and refused when a challenge is asked, since nothing
/// proves it); a presentation without its type, with a bad `holder` or a
/// context other than the VC base context, or a body that is not a
/// verification request, is refused.
#[test]
fn unsigned_and_malformed_presentations() {
    let s = Suite::start();
    let holder = holder_key();
    let vc = s.issued("embedded", &s.example_credential(), &json!({}));
    let unsigned = presentation(json!(holder.issuer()), vec![vc.clone()]);
    let body = accepted("unsigned, nothing asked", &post(&s, &unsigned, json!({})));
    assert_eq!(body["credentialResults"][0]["verified"], true, "{body:#}");
    rejected(
        "unsigned, a challenge asked",
        &post(&s, &unsigned, challenge_and_domain()),
    );
    let without_holder = json!({
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [vc.clone()]
    });
    accepted("unsigned, no holder", &post(&s, &without_holder, json!({})));

    let base = presentation(json!(holder.issuer()), vec![vc]);
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        f(&mut v);
        v
    };
    for (case, vp) in [
        (
            "no type",
            edit(&|v| {
                v.as_object_mut().unwrap().remove("type");
            }),
        ),
        (
            "type without VerifiablePresentation",
            edit(&|v| v["type"] = json!(["Presentation"])),
        ),
        ("holder a number", edit(&|v| v["holder"] = json!(7))),
        (
            "holder an object without id",
            edit(&|v| v["holder"] = json!({ "name": "Jayden" })),
        ),
        (
            "no @context",
            edit(&|v| {
                v.as_object_mut().unwrap().remove("@context");
            }),
        ),
        (
            "the v2 context not first",
            edit(&|v| v["@context"] = json!([EXAMPLES, V2])),
        ),
        (
            "a credential that is a number",
            edit(&|v| v["verifiableCredential"] = json!([42])),
        ),
    ] {
        // Signed where it can be, so that only the malformation can be
        // the reason; what safe mode cannot sign is sent unsigned, with no
        // challenge asked.
        match try_sign(
            &vp,
            &holder,
            "authentication",
            Some(CHALLENGE),
            Some(DOMAIN),
        ) {
            Ok(signed) => rejected(case, &post(&s, &signed, challenge_and_domain())),
            Err(_) => rejected(&format!("{case} (unsigned)"), &post(&s, &vp, json!({}))),
        };
    }
    for body in [
        json!({}),
        json!({ "verifiablePresentation": "not an object" }),
        json!({ "verifiablePresentation": base, "options": ["not", "an", "object"] }),
        json!({ "verifiablePresentation": base, "options": { "challenge": 7 } }),
    ] {
        let r = s.post("/presentations/verify", None, &body);
        assert_eq!(r.status, 400, "{body}: {}", r.text());
    }
    let r = s
        .server
        .client
        .post(&s.server.url("/presentations/verify"))
        .header("Accept", SUITE_ACCEPT)
        .body("application/json", b"{\"verifiablePresentation\":")
        .send();
    assert_eq!(r.status, 400, "{}", r.text());
    // The problem names what to fix.
    let r = s.post(
        "/presentations/verify",
        None,
        &json!({ "presentation": {} }),
    );
    refusal("no verifiablePresentation", &r, &["verifiablePresentation"]);
}
