//! VC-API on a real server: `POST /credentials/issue` (admin token) and
//! `POST /presentations/verify` (with and without a presentation proof);
//! VC 1.1 credentials and presentations on the verification routes; the
//! VC 1.1 status list validity in the pipeline.

use crate::admin_api::Server;
use crate::support::{block_on, vector_json};
use rosette::future::BoxFuture;
use rosette::keys::{CredentialSigner, IssuerKey, OfflineResolver, VerificationMethod};
use rosette::proof::{self, Cryptosuite, ProofOptions, Unsecured, rdfc};
use rosette::verification::{self, CheckState, SourceError, StatusCache, StatusSource};
use serde_json::{Value, json};

const CICD: &str = "gitlab-ci-cd-specialist";
const V1: &str = "https://www.w3.org/2018/credentials/v1";
const V2: &str = "https://www.w3.org/ns/credentials/v2";
const OB: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
const DI: &str = "https://w3id.org/security/data-integrity/v2";

fn did_key(seed: u8) -> IssuerKey {
    IssuerKey::did_key(rosette::keys::SigningKey::from_bytes(&[seed; 32]))
}

pub(crate) fn public_url(server: &Server) -> String {
    std::fs::read_to_string(server.data.join("rosette.toml"))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("public_url").map(|v| {
                v.trim_start_matches([' ', '='])
                    .trim()
                    .trim_matches('"')
                    .to_owned()
            })
        })
        .unwrap()
}

/// An unsigned OB 3.0 credential as a VC-API client would send it.
fn submitted(achievement_id: &str, email: &str, name: &str) -> Value {
    json!({
        "@context": [V2, OB],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "GitLab CI/CD Specialist",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": name,
            "identifier": [{ "type": "IdentityObject", "identityType": "emailAddress", "hashed": false, "identityHash": email }],
            "achievement": { "id": achievement_id }
        }
    })
}

/// A VC 1.1 Open Badges credential (v1 context; Data Integrity context for
/// the proof terms), signed by a did:key issuer.
fn vc11(key: &IssuerKey, suite: Cryptosuite, expires: &str) -> Value {
    let doc = json!({
        "@context": [V1, OB, DI],
        "id": "urn:uuid:7f9a4c1e-5b2d-4e8a-9c3f-1a2b3c4d5e6f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": key.issuer(), "type": ["Profile"], "name": "Legacy Issuer" },
        "issuanceDate": "2026-01-01T00:00:00Z",
        "expirationDate": expires,
        "name": "Legacy badge",
        "credentialSubject": {
            "id": "did:example:holder",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://legacy.example/achievements/1",
                "type": ["Achievement"],
                "name": "Legacy",
                "description": "A VC 1.1 badge.",
                "criteria": { "narrative": "Did it." }
            }
        }
    });
    let options = ProofOptions::assertion(suite, Some("2026-01-01T00:00:00Z".into()));
    proof::proof_as_array(proof::add_proof(&doc, &options, key).unwrap())
}

/// Adds an `authentication` proof (eddsa-rdfc-2022) with challenge and domain.
fn sign_vp(vp: &Value, key: &IssuerKey, challenge: &str, domain: &str) -> Value {
    let map = vp.as_object().unwrap();
    let mut options = serde_json::Map::new();
    for (k, v) in [
        ("type", "DataIntegrityProof"),
        ("cryptosuite", "eddsa-rdfc-2022"),
        ("created", "2026-11-25T00:00:00Z"),
        ("verificationMethod", key.verification_method()),
        ("proofPurpose", "authentication"),
        ("challenge", challenge),
        ("domain", domain),
    ] {
        options.insert(k.into(), json!(v));
    }
    let proof = rdfc::create_proof(&Unsecured::new(map), options, key).unwrap();
    let mut signed = map.clone();
    signed.insert("proof".into(), Value::Object(proof));
    Value::Object(signed)
}

fn presentation(context: &[&str], holder: &str, credentials: Vec<Value>) -> Value {
    json!({
        "@context": context,
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": credentials,
    })
}

fn error_codes(r: &Value) -> Vec<String> {
    r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn vc_api_issue_and_presentation_verify() {
    let server = Server::start();
    let (admin, _) = server.token("vc-api-client", "admin");
    let (grader, _) = server.token("grader@example.com", "grader");
    let a = Some(admin.as_str());
    let g = Some(grader.as_str());
    let achievement = format!("{}/certifications/{CICD}", public_url(&server));
    for (email, name) in [
        ("erin@example.com", "Erin Example"),
        ("fred@example.com", "Fred"),
    ] {
        server
            .post(
                "/api/v1/admin/assessments/written",
                a,
                &json!({ "email": email, "name": name, "certification": CICD, "score": 90, "date": "2026-11-20" }),
            )
            .expect(201, None);
    }
    server
        .post(
            "/api/v1/admin/assessments/lab",
            g,
            &json!({ "email": "erin@example.com", "certification": CICD, "result": "pass", "date": "2026-11-22" }),
        )
        .expect(201, None);

    // --- Issue: the server adds id, issuer, achievement, dates, status entries and proof.
    let issue = |credential: Value| {
        server.post(
            "/credentials/issue",
            a,
            &json!({ "credential": credential, "options": { "unknownOption": true, "mandatoryPointers": [] } }),
        )
    };
    let r = issue(submitted(&achievement, "Erin@Example.com", "Erin Example"));
    let vc = r.expect(201, None)["verifiableCredential"].clone();
    let id = vc["id"].as_str().unwrap().to_owned();
    let uuid = id.strip_prefix("urn:uuid:").unwrap().to_owned();
    assert_eq!(
        r.header("location"),
        Some(format!("/credentials/{uuid}").as_str())
    );
    assert_eq!(vc["proof"][0]["type"], "DataIntegrityProof");
    assert_eq!(vc["proof"][0]["proofPurpose"], "assertionMethod");
    let purposes: Vec<&str> = vc["credentialStatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["statusPurpose"].as_str().unwrap())
        .collect();
    assert_eq!(purposes, ["revocation", "suspension"]);
    assert_eq!(vc["credentialSubject"]["identifier"][0]["hashed"], true);
    assert!(
        !vc.to_string().to_lowercase().contains("erin@example.com"),
        "{vc:#}"
    );
    assert_eq!(
        vc["credentialSubject"]["achievement"]["id"],
        achievement.as_str()
    );
    assert!(vc["credentialSubject"]["achievement"]["criteria"].is_object());
    assert!(vc["issuer"]["id"].as_str().unwrap().starts_with("did:web:"));
    assert!(vc["validUntil"].is_string() && vc["validFrom"].is_string());
    // Stored: served as issued, with a page, in the admin API, audited.
    let stored = server
        .client
        .get(&format!("/credentials/{uuid}"))
        .header("Accept", "application/vc")
        .send();
    assert_eq!(stored.json(), vc);
    assert_eq!(server.page_verdict(&id), "VALID");
    let shown = server
        .get(&format!("/api/v1/admin/credentials/{uuid}"), a)
        .expect(200, None);
    assert_eq!(shown["credential"]["holder_email"], "erin@example.com");
    assert_eq!(shown["credential"]["certification"], CICD);
    let audit = server.audit();
    let entry = audit
        .iter()
        .find(|e| e["action"] == "credential.issue" && e["subject"] == id.as_str())
        .unwrap();
    assert!(entry["actor"].as_str().unwrap().ends_with(":vc-api-client"));
    assert_eq!(
        serde_json::from_str::<Value>(entry["details"].as_str().unwrap()).unwrap()["source"],
        "vc-api"
    );
    let verify = |credential: &Value| {
        server.post(
            "/credentials/verify",
            None,
            &json!({ "verifiableCredential": credential }),
        )
    };
    verify(&vc).expect(200, None);

    // --- Issue errors.
    let mut again = submitted(&achievement, "erin@example.com", "Erin Example");
    server
        .post("/credentials/issue", a, &json!({ "credential": again }))
        .expect(409, Some("conflict"));
    again["id"] = json!(id);
    issue(again).expect(409, Some("conflict"));
    let mut c = submitted(&achievement, "erin@example.com", "Erin");
    c["issuer"] = json!("did:example:someone-else");
    assert_eq!(
        issue(c).expect(422, Some("invalid_input"))["field"],
        "issuer"
    );
    let mut c = submitted(&achievement, "erin@example.com", "Erin");
    c["issuer"] = json!({ "id": "did:example:someone-else", "type": ["Profile"], "name": "X" });
    issue(c).expect(422, Some("invalid_input"));
    let mut c = submitted(&achievement, "erin@example.com", "Erin");
    c["credentialStatus"] =
        json!({ "id": "https://x.example/1#1", "type": "BitstringStatusListEntry" });
    issue(c).expect(422, Some("invalid_input"));
    let mut c = submitted(&achievement, "erin@example.com", "Erin");
    c["proof"] = json!([]);
    issue(c).expect(422, Some("invalid_input"));
    // Not a catalog achievement: the generic path, whose input rules
    // want this issuer as `issuer`.
    let p = issue(submitted(
        "https://elsewhere.example/a/1",
        "erin@example.com",
        "Erin",
    ))
    .expect(422, Some("invalid_credential"));
    assert_eq!(p["field"], "issuer");
    let mut c = submitted(&achievement, "erin@example.com", "Erin");
    c["credentialSubject"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    issue(c).expect(422, Some("invalid_input"));
    let mut c = submitted(&achievement, "erin@example.com", "Erin");
    c["credentialSubject"]["identifier"][0]["hashed"] = json!(true);
    issue(c).expect(422, Some("invalid_input"));
    let mut c = submitted(&achievement, "erin@example.com", "Erin");
    c["credentialSubject"]["gitlabUsername"] = json!("erin");
    let p = issue(c).expect(422, Some("invalid_input"));
    assert!(
        p["detail"].as_str().unwrap().contains("gitlabUsername"),
        "{p}"
    );
    let mut c = submitted(&achievement, "erin@example.com", "Erin");
    c["@context"] = json!([V1, OB]);
    issue(c).expect(422, Some("invalid_credential"));
    for bad in [
        "https://example.com/credentials/1",
        "urn:uuid:7F9A4C1E-5B2D-4E8A-9C3F-1A2B3C4D5E6F",
    ] {
        let mut c = submitted(&achievement, "erin@example.com", "Erin");
        c["id"] = json!(bad);
        assert_eq!(issue(c).expect(422, Some("invalid_input"))["field"], "id");
    }
    issue(submitted(&achievement, "fred@example.com", "Fred")).expect(422, Some("stage_missing"));
    issue(submitted(&achievement, "nobody@example.com", "No One"))
        .expect(422, Some("unknown_candidate"));
    let raw = |body: &[u8], token| {
        server.call(
            "POST",
            "/credentials/issue",
            token,
            "application/json",
            body,
        )
    };
    raw(b"{\"credential\": ", a).expect(400, Some("malformed_json"));
    raw(b"{\"options\": {}}", a).expect(400, Some("invalid_request"));
    raw(b"{\"credential\": \"x\"}", a).expect(400, Some("invalid_request"));
    raw(b"{\"credential\": {}, \"options\": 1}", a).expect(400, Some("invalid_request"));
    raw(b"{}", None).expect(401, Some("unauthorized"));
    raw(b"{}", g).expect(403, Some("insufficient_scope"));
    raw(&vec![b' '; 1024 * 1024 + 1], a).expect(413, Some("body_too_large"));

    // A client-chosen (fresh, canonical) urn:uuid id is kept.
    server
        .post(
            "/api/v1/admin/assessments/lab",
            g,
            &json!({ "email": "fred@example.com", "certification": CICD, "result": "pass", "date": "2026-11-22" }),
        )
        .expect(201, None);
    let mut c = submitted(&achievement, "fred@example.com", "Fred Field");
    c["id"] = json!("urn:uuid:3b2a1f0e-9d8c-4b7a-8f6e-5d4c3b2a1f0e");
    let fred = issue(c).expect(201, None)["verifiableCredential"].clone();
    assert_eq!(fred["id"], "urn:uuid:3b2a1f0e-9d8c-4b7a-8f6e-5d4c3b2a1f0e");
    assert_eq!(fred["credentialSubject"]["name"], "Fred Field");
    assert_eq!(
        server.page_verdict("urn:uuid:3b2a1f0e-9d8c-4b7a-8f6e-5d4c3b2a1f0e"),
        "VALID"
    );

    // --- CORS: the public VC-API routes have it, issuance has not.
    let preflight = |path: &str| {
        server
            .client
            .request("OPTIONS", path)
            .header("Origin", "https://hr.example")
            .header("Access-Control-Request-Method", "POST")
            .send()
    };
    assert!(
        preflight("/presentations/verify")
            .header("access-control-allow-origin")
            .is_some()
    );
    assert!(
        preflight("/credentials/issue")
            .header("access-control-allow-origin")
            .is_none()
    );

    // --- Presentations.
    let holder = did_key(9);
    let stranger = did_key(10);
    let pv = |vp: &Value, options: Value| {
        server.post(
            "/presentations/verify",
            None,
            &json!({ "verifiablePresentation": vp, "options": options }),
        )
    };
    let unsigned = presentation(&[V2], holder.issuer(), vec![vc.clone()]);
    let r = pv(&unsigned, json!({})).expect(200, None);
    assert_eq!(r["verified"], true);
    assert_eq!(r["warnings"][0]["code"], "presentation_unsigned");
    assert_eq!(r["credentialResults"][0]["verified"], true);
    assert!(
        r["checks"]
            .as_array()
            .unwrap()
            .contains(&json!("credential[0]"))
    );
    // Without a proof, a requested challenge cannot be met.
    let r = pv(&unsigned, json!({ "challenge": "c-1" })).expect(422, None);
    assert_eq!(error_codes(&r), ["presentation_unsigned"]);

    let signed = sign_vp(&unsigned, &holder, "c-1", "hr.example");
    let r = pv(
        &signed,
        json!({ "challenge": "c-1", "domain": "hr.example", "other": true }),
    )
    .expect(200, None);
    for check in ["structure", "proof", "challenge", "domain", "credential[0]"] {
        assert!(
            r["checks"].as_array().unwrap().contains(&json!(check)),
            "{r:#}"
        );
    }
    assert!(r["warnings"].as_array().unwrap().is_empty());
    pv(&signed, json!({})).expect(200, None);
    let r = pv(&signed, json!({ "challenge": "c-2" })).expect(422, None);
    assert_eq!(error_codes(&r), ["challenge_mismatch"]);
    let r = pv(&signed, json!({ "domain": "evil.example" })).expect(422, None);
    assert_eq!(error_codes(&r), ["domain_mismatch"]);
    let mut tampered = signed.clone();
    tampered["id"] = json!("urn:uuid:0b7c2c40-1d1e-4a47-9e1d-6a1f0c6f7a11");
    let r = pv(&tampered, json!({})).expect(422, None);
    assert_eq!(r["errors"][0]["check"], "proof");
    assert_eq!(r["presentationResult"]["verified"], false);
    // Signed by a key the holder does not control.
    let r = pv(
        &sign_vp(&unsigned, &stranger, "c-1", "hr.example"),
        json!({}),
    )
    .expect(422, None);
    assert_eq!(error_codes(&r), ["proof_controller_mismatch"]);
    // Signed with the issuer's own did:web key as holder: did.json lists
    // that key under `authentication` too, so it authenticates the holder
    // (did:web holders are resolved like any other, from their document).
    let pem = std::fs::read_to_string(server.data.join("keys/issuer.pem")).unwrap();
    let secret =
        <rosette::keys::SigningKey as ed25519_dalek::pkcs8::DecodePrivateKey>::from_pkcs8_pem(&pem)
            .unwrap();
    let issuer_did = rosette::keys::did_web_from_base_url(&public_url(&server)).unwrap();
    let issuer_key = IssuerKey::did_web(secret, &issuer_did).unwrap();
    let mut as_issuer = unsigned.clone();
    as_issuer["holder"] = json!(issuer_did);
    let r = pv(
        &sign_vp(&as_issuer, &issuer_key, "c-1", "hr.example"),
        json!({}),
    )
    .expect(200, None);
    assert!(
        r["checks"].as_array().unwrap().contains(&json!("proof")),
        "{r:#}"
    );
    // The same key under another did:web holder is that holder's to prove.
    as_issuer["holder"] = json!("did:web:elsewhere.example");
    let r = pv(
        &sign_vp(&as_issuer, &issuer_key, "c-1", "hr.example"),
        json!({}),
    )
    .expect(422, None);
    assert_eq!(error_codes(&r), ["proof_controller_mismatch"]);
    // A forged credential inside a well-signed presentation.
    let mut forged = vc.clone();
    forged["credentialSubject"]["name"] = json!("Mallory");
    let vp = sign_vp(
        &presentation(&[V2], holder.issuer(), vec![forged]),
        &holder,
        "c-1",
        "hr.example",
    );
    let r = pv(&vp, json!({ "challenge": "c-1" })).expect(422, None);
    assert_eq!(r["presentationResult"]["verified"], true);
    assert_eq!(r["credentialResults"][0]["verified"], false);
    let err = &r["errors"][0];
    assert_eq!(err["credentialIndex"], 0);
    assert_eq!(err["check"], "proof");
    assert!(
        err["type"]
            .as_str()
            .unwrap()
            .ends_with("CRYPTOGRAPHIC_SECURITY_ERROR")
    );
    // A credential neither an object nor a VC-JWT, a broken VC-JWT (read
    // as one), nothing to verify, or not a presentation.
    let r = pv(
        &presentation(&[V2], holder.issuer(), vec![json!(42)]),
        json!({}),
    )
    .expect(422, None);
    assert_eq!(error_codes(&r), ["credential_form_unsupported"]);
    let r = pv(
        &presentation(&[V2], holder.issuer(), vec![json!("eyJhbGciOi.x.y")]),
        json!({}),
    )
    .expect(422, None);
    assert_eq!(error_codes(&r), ["jws_malformed"]);
    let r = pv(
        &json!({ "@context": [V2], "type": "VerifiablePresentation" }),
        json!({}),
    )
    .expect(422, None);
    assert_eq!(error_codes(&r), ["nothing_to_verify"]);
    let mut untyped = unsigned.clone();
    untyped["type"] = json!(["Presentation"]);
    assert_eq!(
        error_codes(&pv(&untyped, json!({})).expect(422, None)),
        ["type_missing"]
    );
    let raw = |body: &[u8]| {
        server.call(
            "POST",
            "/presentations/verify",
            None,
            "application/json",
            body,
        )
    };
    assert_eq!(raw(b"nope").status, 400);
    assert!(raw(b"nope").text().contains("PARSING_ERROR"));
    assert_eq!(raw(b"{\"verifiableCredential\": {}}").status, 400);
    assert_eq!(
        raw(b"{\"verifiablePresentation\": {}, \"options\": []}").status,
        400
    );
    assert_eq!(
        raw(b"{\"verifiablePresentation\": {}, \"options\": {\"challenge\": 1}}").status,
        400
    );
    assert_eq!(raw(&vec![b' '; 1024 * 1024 + 1]).status, 413);

    // --- VC 1.1: credentials and a presentation.
    let issuer11 = did_key(11);
    let legacy = vc11(
        &issuer11,
        Cryptosuite::EddsaRdfc2022,
        "2030-01-01T00:00:00Z",
    );
    let r = verify(&legacy).expect(200, None);
    assert!(r["checks"].as_array().unwrap().contains(&json!("proof")));
    verify(&vc11(
        &issuer11,
        Cryptosuite::EddsaJcs2022,
        "2030-01-01T00:00:00Z",
    ))
    .expect(200, None);
    let r = verify(&vc11(
        &issuer11,
        Cryptosuite::EddsaRdfc2022,
        "2026-06-01T00:00:00Z",
    ))
    .expect(422, None);
    assert_eq!(error_codes(&r), ["expired"]);
    let mut forged11 = legacy.clone();
    forged11["expirationDate"] = json!("2031-01-01T00:00:00Z");
    assert_eq!(
        error_codes(&verify(&forged11).expect(422, None)),
        ["signature_invalid"]
    );
    let vp11 = sign_vp(
        &presentation(&[V1, DI], holder.issuer(), vec![legacy.clone()]),
        &holder,
        "c-11",
        "hr.example",
    );
    let r = pv(
        &vp11,
        json!({ "challenge": "c-11", "domain": "hr.example" }),
    )
    .expect(200, None);
    assert_eq!(r["credentialResults"][0]["verified"], true);
    let vp11 = presentation(&[V1], holder.issuer(), vec![legacy, vc.clone()]);
    let r = pv(&vp11, json!({})).expect(200, None);
    assert_eq!(r["credentialResults"].as_array().unwrap().len(), 2);

    // --- Revoked through the admin API: verification and presentations fail at once.
    server
        .post(
            &format!("/api/v1/admin/credentials/{uuid}/revoke"),
            a,
            &json!({ "reason": "issued in error" }),
        )
        .expect(200, None);
    assert_eq!(server.page_verdict(&id), "REVOKED");
    assert_eq!(error_codes(&verify(&vc).expect(422, None)), ["revoked"]);
    let r = pv(&unsigned, json!({})).expect(422, None);
    assert_eq!(r["errors"][0]["code"], "revoked");
    assert_eq!(r["errors"][0]["credentialIndex"], 0);
    // Issuing the attempt again is refused as `revoked` (the rule of every
    // issuance route), not as a plain conflict; nothing new is signed.
    let before = server.audit().len();
    let p = server
        .post(
            "/credentials/issue",
            a,
            &json!({ "credential": submitted(&achievement, "erin@example.com", "Erin Example") }),
        )
        .expect(409, Some("revoked"));
    assert!(p["detail"].as_str().unwrap().contains(&id), "{p}");
    assert!(!p.to_string().contains("issued in error"), "{p}");
    let after = server.audit();
    assert!(
        !after[before..]
            .iter()
            .any(|e| e["action"] == "credential.issue"),
        "{after:?}"
    );
}

/// Serves one status list credential.
struct OneList(String, Vec<u8>);

impl StatusSource for OneList {
    fn status_list<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, SourceError>> {
        Box::pin(async move {
            if url == self.0 {
                Ok(self.1.clone())
            } else {
                Err(SourceError {
                    code: "status_list_not_found",
                    message: url.into(),
                })
            }
        })
    }
}

/// A VC 1.1 status list says when it ends with `expirationDate`; an ended
/// list is not trusted (the status is `unknown`), a current one is read.
#[test]
fn vc11_status_list_expiration_date_is_honoured() {
    let key = did_key(12);
    let url = "https://status.example/lists/1";
    let mut bits = rosette::status::Bitstring::new(131_072);
    bits.set(42, true).unwrap();
    let credential = |index: &str| {
        let doc = json!({
            "@context": [V1, "https://www.w3.org/ns/credentials/status/v1", DI],
            "id": "urn:uuid:5d0f3c9e-8a41-4f5e-b7a2-0c1d2e3f4a5b",
            "type": ["VerifiableCredential"],
            "issuer": key.issuer(),
            "issuanceDate": "2026-01-01T00:00:00Z",
            "credentialSubject": { "id": "did:example:holder" },
            "credentialStatus": {
                "id": format!("{url}#{index}"),
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": index,
                "statusListCredential": url
            }
        });
        let options = ProofOptions::assertion(Cryptosuite::EddsaJcs2022, None);
        proof::add_proof(&doc, &options, &key).unwrap()
    };
    let list = |expiration: &str| {
        let doc = json!({
            "@context": [V1, "https://www.w3.org/ns/credentials/status/v1"],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": key.issuer(),
            "issuanceDate": "2026-01-01T00:00:00Z",
            "expirationDate": expiration,
            "credentialSubject": {
                "id": format!("{url}#list"),
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": bits.encode()
            }
        });
        let options = ProofOptions::assertion(Cryptosuite::EddsaJcs2022, None);
        proof::add_proof(&doc, &options, &key)
            .unwrap()
            .to_string()
            .into_bytes()
    };
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T00:00:00Z")
        .unwrap()
        .to_utc();
    let resolver = OfflineResolver::new();
    let status_of = |list_bytes: Vec<u8>, index: &str| {
        let source = OneList(url.into(), list_bytes);
        let cache = StatusCache::new();
        let cx = verification::VerifyContext::new(&resolver, now).with_status(&source, &cache);
        let report = block_on(verification::verify_value(&credential(index), cx));
        let c = report
            .checks
            .iter()
            .find(|c| c.check == "status")
            .unwrap()
            .clone();
        (c.state, c.code)
    };
    assert_eq!(
        status_of(list("2030-01-01T00:00:00Z"), "7"),
        (CheckState::Valid, "ok".to_owned())
    );
    assert_eq!(
        status_of(list("2030-01-01T00:00:00Z"), "42"),
        (CheckState::Invalid, "revoked".to_owned())
    );
    assert_eq!(
        status_of(list("2026-06-01T00:00:00Z"), "42"),
        (CheckState::Unknown, "status_list_expired".to_owned())
    );
}

/// The 1EdTech validator's VC 1.1 sample (`issuanceDate`, v1 context,
/// `eddsa-2022`) verifies once its key is known; a changed copy does not.
#[test]
fn onedtech_vc11_sample_verifies() {
    let doc = vector_json("ob-v3p0-validator/simple-eddsa-2022.json");
    let vm = doc["proof"][0]["verificationMethod"].as_str().unwrap();
    let (controller, fragment) = vm.split_once('#').unwrap();
    let key = rosette::keys::decode_public_key_multibase(fragment).unwrap();
    let resolver =
        OfflineResolver::new().with_method(VerificationMethod::for_controller(controller, key));
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T00:00:00Z")
        .unwrap()
        .to_utc();
    let report = block_on(verification::verify_value(
        &doc,
        verification::VerifyContext::new(&resolver, now),
    ));
    assert!(report.verified, "{report:#?}");
    let info = report.credential.unwrap();
    assert_eq!(info.valid_from.as_deref(), Some("2022-11-27T00:00:00Z"));
    let mut changed = doc.clone();
    changed["name"] = json!("Another name");
    let report = block_on(verification::verify_value(
        &changed,
        verification::VerifyContext::new(&resolver, now),
    ));
    assert!(!report.verified);
    assert_eq!(report.first_failure().unwrap().check, "proof");
}
