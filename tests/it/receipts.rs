//! Signed verification receipts over real HTTP (127.0.0.1:0, fixed clock):
//! `POST /api/v1/verify` with `"receipt": true` or `?receipt=true` answers
//! a `VerificationReceipt` that this server signed; the receipt verifies
//! through the same API and `rosette verify` (with the credential it was
//! made for: digest compared), and in the Digital Bazaar libraries with the
//! receipt context loaded from the compiled-in copy; a changed verdict
//! fails its proof; a revoked credential's receipt says REVOKED; a batch
//! answers one receipt per item; the context is served.

use crate::support::Response;
use crate::verify_api::{NOW, SECRET, TestServer};
use base64::Engine as _;
use rosette::issuance::revocation::StatusChange;
use serde_json::{Value, json};
use sha2::Digest as _;

/// `digestMultibase` computed here, independently of the code under test:
/// `u` + base64url(0x12 0x20 ‖ SHA-256(bytes)).
fn digest(bytes: &[u8]) -> String {
    let mut mh = vec![0x12, 0x20];
    mh.extend(sha2::Sha256::digest(bytes));
    format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mh)
    )
}

/// `POST /api/v1/verify` of a JSON text exactly as given.
fn post_text(server: &TestServer, text: &str) -> Response {
    server.post("application/json", text.as_bytes(), "application/json")
}

/// Asks for the receipt of `doc` (the stored credential text, embedded as
/// sent) and returns the answer.
fn verify_with_receipt(server: &TestServer, doc: &str) -> Value {
    let r = post_text(
        server,
        &format!("{{\"receipt\": true, \"credential\": {doc}}}"),
    );
    r.expect(200, None)
}

/// Verifies `receipt` through the API, with the credential text `credential` alongside.
fn check_receipt(server: &TestServer, receipt: &Value, credential: Option<&str>) -> Value {
    let text = match credential {
        Some(c) => format!("{{\"receipt\": {receipt}, \"credential\": {c}}}"),
        None => format!("{{\"receipt\": {receipt}}}"),
    };
    post_text(server, &text).expect(200, None)
}

fn codes(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_receipt_is_a_signed_credential_that_attests_the_report() {
    let server = TestServer::start();
    let id = server.issue("Ada Lovelace", SECRET, NOW);
    // Pretty-printed with a trailing newline: the digest is of these bytes.
    let doc = format!(
        "{}\n",
        serde_json::to_string_pretty(
            &serde_json::from_str::<Value>(&server.document(&id)).unwrap()
        )
        .unwrap()
    );
    let answer = verify_with_receipt(&server, &doc);
    assert_eq!(answer["verdict"], "VALID", "{answer:#}");
    let receipt = &answer["receipt"];
    assert_eq!(
        receipt["@context"],
        json!([
            "https://www.w3.org/ns/credentials/v2",
            "https://w3id.org/rosette/receipt/v1"
        ])
    );
    assert_eq!(
        receipt["type"],
        json!(["VerifiableCredential", "VerificationReceipt"])
    );
    assert!(receipt["id"].as_str().unwrap().starts_with("urn:uuid:"));
    assert_eq!(receipt["issuer"], server.did.as_str());
    assert_eq!(receipt["validFrom"], NOW);
    assert_eq!(receipt["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(receipt["proof"]["created"], NOW);
    let subject = &receipt["credentialSubject"];
    assert_eq!(subject["id"], id.as_str());
    let embedded = format!("{{\"receipt\": true, \"credential\": {doc}}}");
    let sent = embedded
        .strip_prefix("{\"receipt\": true, \"credential\": ")
        .and_then(|s| s.strip_suffix('}'))
        .unwrap();
    // The member's text as sent (serde's raw value ends at the closing brace).
    assert_eq!(
        subject["digestMultibase"],
        digest(sent.trim_end().as_bytes())
    );
    assert_eq!(subject["verdict"], "VALID");
    assert_eq!(subject["verified"], true);
    assert_eq!(subject["checkedAt"], NOW);
    assert_eq!(subject["verifier"]["id"], server.did.as_str());
    assert_eq!(subject["verifier"]["name"], "GitLab Professional Services");
    assert!(subject.get("bakedImage").is_none());
    let report_checks: Vec<Value> = answer["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut o = json!({"check": c["check"], "state": c["state"], "code": c["code"]});
            if let Some(p) = c.get("path") {
                o["path"] = p.clone();
            }
            o
        })
        .collect();
    assert_eq!(subject["checks"], Value::Array(report_checks));
    // No message, no reason: only names, states and codes.
    assert!(!receipt.to_string().contains("message"));

    // The receipt verifies as a receipt, alone and with its credential.
    let alone = check_receipt(&server, receipt, None);
    assert_eq!(alone["verified"], true, "{alone:#}");
    assert_eq!(alone["attests"]["verdict"], "VALID");
    assert_eq!(alone["attests"]["credential_id"], id.as_str());
    assert_eq!(alone["credential"]["issued_here"], true);
    let with = check_receipt(&server, receipt, Some(sent.trim_end()));
    assert_eq!(with["verified"], true, "{with:#}");
    assert!(codes(&with).contains(&"ok".to_owned()));
    assert!(
        with["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["check"] == "receipt_digest" && c["state"] == "valid")
    );
    // Posted as the whole body, it is recognised too.
    let raw = server
        .post(
            "application/vc",
            receipt.to_string().as_bytes(),
            "application/json",
        )
        .expect(200, None);
    assert_eq!(raw["verified"], true, "{raw:#}");
    assert_eq!(
        raw["attests"]["digest_multibase"],
        subject["digestMultibase"]
    );

    // Another credential text (the compact form of the same credential)
    // does not have the digest.
    let other = check_receipt(&server, receipt, Some(&server.document(&id)));
    assert_eq!(other["verified"], false);
    assert!(
        codes(&other).contains(&"receipt_digest_mismatch".to_owned()),
        "{other:#}"
    );
    // A credential is not a receipt.
    let not = post_text(
        &server,
        &format!(
            "{{\"receipt\": {}, \"credential\": {doc}}}",
            server.document(&id)
        ),
    )
    .expect(200, None);
    assert_eq!(not["verified"], false);
    assert!(codes(&not).contains(&"not_a_receipt".to_owned()), "{not:#}");
}

#[test]
fn tampering_with_a_receipts_verdict_fails_its_proof() {
    let server = TestServer::start();
    let id = server.issue("Rex Revoked", SECRET, NOW);
    server.change(&id, StatusChange::Revoke);
    let answer = verify_with_receipt(&server, &server.document(&id));
    let receipt = answer["receipt"].clone();
    assert_eq!(receipt["credentialSubject"]["verdict"], "REVOKED");
    assert!(check_receipt(&server, &receipt, None)["verified"] == true);
    for (field, forged) in [
        ("verdict", json!("VALID")),
        ("verified", json!(true)),
        ("checkedAt", json!("2026-11-24T12:00:00Z")),
    ] {
        let mut tampered = receipt.clone();
        tampered["credentialSubject"][field] = forged;
        let report = check_receipt(&server, &tampered, None);
        assert_eq!(report["verified"], false, "{field}: {report:#}");
        assert!(
            codes(&report).contains(&"signature_invalid".to_owned()),
            "{field}: {report:#}"
        );
    }
    // A check's state too.
    let mut tampered = receipt.clone();
    for c in tampered["credentialSubject"]["checks"]
        .as_array_mut()
        .unwrap()
    {
        c["state"] = json!("valid");
        c["code"] = json!("ok");
    }
    let report = check_receipt(&server, &tampered, None);
    assert!(
        codes(&report).contains(&"signature_invalid".to_owned()),
        "{report:#}"
    );
}

#[test]
fn a_receipt_for_a_revoked_credential_says_revoked() {
    let server = TestServer::start();
    let id = server.issue("Rita Revoked", SECRET, NOW);
    server.change(&id, StatusChange::Revoke);
    let answer = server
        .verify(&json!({"id": id, "receipt": true}), "application/json")
        .expect(200, None);
    assert_eq!(answer["verdict"], "REVOKED");
    let subject = &answer["receipt"]["credentialSubject"];
    assert_eq!(subject["verdict"], "REVOKED");
    assert_eq!(subject["verified"], false);
    assert!(
        subject["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "revoked" && c["state"] == "invalid")
    );
    // A reference is digested as the stored document, as GET /credentials/{id} serves it.
    let served = server
        .client
        .get(&format!(
            "/credentials/{}",
            id.trim_start_matches("urn:uuid:")
        ))
        .send();
    assert_eq!(subject["digestMultibase"], digest(&served.body));
    // The revocation reason is nowhere in it.
    assert!(!answer["receipt"].to_string().contains("test"));
    let checked = check_receipt(&server, &answer["receipt"], None);
    assert_eq!(checked["verified"], true, "the receipt itself is genuine");
    assert_eq!(checked["attests"]["verdict"], "REVOKED");
}

#[test]
fn images_raw_bodies_and_forms_get_receipts_with_the_query_flag() {
    let server = TestServer::start();
    let id = server.issue("Ida Image", SECRET, NOW);
    let uuid = id.trim_start_matches("urn:uuid:");
    let png = server
        .client
        .get(&format!("/credentials/{uuid}/badge.png"))
        .send()
        .body;
    let Ok(rosette::render::bake::Baked::Json(baked)) = rosette::render::bake::unbake(&png) else {
        panic!("the badge carries the credential as JSON");
    };
    let answer = server
        .client
        .post("/api/v1/verify?receipt=true")
        .body("image/png", &png)
        .send()
        .expect(200, None);
    assert_eq!(answer["verdict"], "VALID", "{answer:#}");
    let subject = &answer["receipt"]["credentialSubject"];
    assert_eq!(subject["bakedImage"]["digestMultibase"], digest(&png));
    assert_eq!(subject["bakedImage"]["mediaType"], "image/png");
    assert_eq!(subject["digestMultibase"], digest(baked.as_bytes()));
    // The image itself matches the receipt, in the CLI's comparison too.
    let checked = check_receipt(&server, &answer["receipt"], None);
    assert_eq!(checked["attests"]["image_digest_multibase"], digest(&png));

    // A raw JSON body: the digest is of the whole body as sent.
    let body = format!("  {}\n", server.document(&id));
    let raw = server
        .client
        .post("/api/v1/verify?receipt=true")
        .body("application/json", body.as_bytes())
        .send()
        .expect(200, None);
    assert_eq!(
        raw["receipt"]["credentialSubject"]["digestMultibase"],
        digest(body.as_bytes())
    );
    // Without the flag, no receipt.
    let plain = server
        .post("application/json", body.as_bytes(), "application/json")
        .expect(200, None);
    assert!(plain.get("receipt").is_none());
    assert_eq!(plain["verdict"], "VALID");

    // A form upload of one file.
    let boundary = "receipt-test";
    let mut form = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ida.png\"\r\nContent-Type: image/png\r\n\r\n").into_bytes();
    form.extend(&png);
    form.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let uploaded = server
        .client
        .post("/api/v1/verify?receipt=true")
        .body(&format!("multipart/form-data; boundary={boundary}"), &form)
        .send()
        .expect(200, None);
    assert_eq!(
        uploaded["receipt"]["credentialSubject"]["bakedImage"]["digestMultibase"],
        digest(&png)
    );
}

#[test]
fn a_batch_answers_one_receipt_per_item() {
    let server = TestServer::start();
    let a = server.issue("Bea Batch", SECRET, NOW);
    let b = server.issue("Bo Batch", SECRET, NOW);
    let doc = server.document(&a);
    let unknown = "urn:uuid:00000000-0000-4000-8000-000000000000";
    let text = format!("{{\"credentials\": [ {doc} , \"{b}\", \"{unknown}\"], \"receipt\": true}}");
    let answer = post_text(&server, &text).expect(200, None);
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let subjects: Vec<&Value> = results
        .iter()
        .map(|r| &r["receipt"]["credentialSubject"])
        .collect();
    assert_eq!(subjects[0]["digestMultibase"], digest(doc.as_bytes()));
    assert_eq!(subjects[0]["id"], a.as_str());
    assert_eq!(
        subjects[1]["digestMultibase"],
        digest(server.document(&b).as_bytes())
    );
    assert_eq!(subjects[1]["verdict"], "VALID");
    assert_eq!(subjects[2]["verdict"], "NOT FOUND");
    assert!(
        subjects[2].get("digestMultibase").is_none(),
        "nothing was received"
    );
    let ids: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["receipt"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3, "each receipt has its own id");
    for r in results {
        let checked = check_receipt(&server, &r["receipt"], None);
        assert_eq!(checked["verified"], true, "{checked:#}");
    }
    // A reference given as the whole body (a JSON string) is digested as
    // what it names; one that names nothing has no digest.
    let one = server
        .client
        .post("/api/v1/verify?receipt=true")
        .json(&json!(unknown))
        .send()
        .expect(200, None);
    assert_eq!(one["verdict"], "NOT FOUND");
    assert!(
        one["receipt"]["credentialSubject"]
            .get("digestMultibase")
            .is_none()
    );
    let named = server
        .client
        .post("/api/v1/verify?receipt=true")
        .json(&json!(b))
        .send()
        .expect(200, None);
    assert_eq!(
        named["receipt"]["credentialSubject"]["digestMultibase"],
        digest(server.document(&b).as_bytes())
    );
    // Without the flag: no receipts; the CSV answer never has them.
    let plain = post_text(&server, &format!("{{\"credentials\": [\"{b}\"]}}")).expect(200, None);
    assert!(plain["results"][0].get("receipt").is_none());
    let csv = server.post("application/json", text.as_bytes(), "text/csv");
    assert_eq!(csv.status, 200);
    assert!(!csv.text().contains("VerificationReceipt"));
}

#[test]
fn bad_receipt_flags_are_refused_and_the_context_is_served() {
    let server = TestServer::start();
    server
        .client
        .post("/api/v1/verify?receipt=maybe")
        .json(&json!({"id": "urn:uuid:00000000-0000-4000-8000-000000000000"}))
        .send()
        .expect(400, Some("invalid_query"));
    let r = server.verify(&json!({"id": "x", "receipt": "yes"}), "application/json");
    assert_eq!(r.status, 400, "{}", r.text());
    let r = server.verify(
        &json!({"credential": {}, "url": "https://example.com/", "receipt": true}),
        "application/json",
    );
    assert_eq!(r.status, 400, "{}", r.text());

    let r = server.verify(&json!({"receipt": true}), "application/json");
    assert_eq!(r.status, 400, "{}", r.text());

    let ctx = server.client.get("/contexts/receipt/v1").send();
    assert_eq!(ctx.status, 200);
    assert_eq!(ctx.header("content-type"), Some("application/ld+json"));
    let file = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/contexts/rosette-receipt-v1.jsonld"
    ))
    .unwrap();
    assert_eq!(ctx.body, file);
    assert_eq!(
        rosette::contexts::load("https://w3id.org/rosette/receipt/v1")
            .unwrap()
            .bytes,
        file.as_slice()
    );
}

/// A server that does not issue has no key to sign receipts with.
#[test]
fn a_server_without_an_issuer_key_refuses_receipts() {
    let (addr, _stop, _dir) = crate::server_ops::serve_in_background(
        |store| rosette::web::AppState::new(std::sync::Arc::new(store), None),
        rosette::web::ServerOptions::default(),
    );
    let client = crate::support::Client::new(addr);
    client
        .post("/api/v1/verify?receipt=true")
        .json(&json!({"id": "urn:uuid:00000000-0000-4000-8000-000000000000"}))
        .send()
        .expect(404, Some("not_issuing"));
}

/// The CLI verifies a receipt, compares it with the credential file, and
/// fails a tampered one (exit 1).
#[test]
fn rosette_verify_checks_a_receipt_and_its_credential() {
    let server = TestServer::start();
    let id = server.issue("Cli Receipt", SECRET, NOW);
    let doc = server.document(&id);
    let answer = verify_with_receipt(&server, &doc);
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let did = server.client.get("/.well-known/did.json").send();
    let did_json = write("did.json", &did.body);
    let receipt = write("receipt.json", answer["receipt"].to_string().as_bytes());
    let credential = write("credential.json", doc.as_bytes());
    let other = write("other.json", format!("{doc}\n").as_bytes());
    let cli = |args: &[&str]| {
        let mut all = vec!["verify", "--offline", "--key-doc", &did_json];
        all.extend(args);
        crate::support::rosette(dir.path(), &all)
    };
    let out = cli(&[&receipt, "--credential", &credential]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("receipt of:  {id} — VALID at {NOW}")),
        "{text}"
    );
    assert!(text.contains("receipt_digest"), "{text}");
    let out = cli(&["--json", &receipt, "--credential", &other]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(codes(&report).contains(&"receipt_digest_mismatch".to_owned()));
    // A credential file over the limit is refused, not read whole.
    let big = write(
        "big.json",
        &vec![
            b' ';
            rosette::render::bake::MAX_IMAGE_BYTES.max(rosette::verification::DEFAULT_MAX_BYTES)
                + 1
        ],
    );
    let out = cli(&[&receipt, "--credential", &big]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("larger than"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut tampered = answer["receipt"].clone();
    tampered["credentialSubject"]["verdict"] = json!("REVOKED");
    let tampered = write("tampered.json", tampered.to_string().as_bytes());
    let out = cli(&["--json", &tampered]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        codes(&report).contains(&"signature_invalid".to_owned()),
        "{report:#}"
    );
}

/// The Digital Bazaar libraries (tests/interop, pinned) verify a receipt,
/// its context loaded from the compiled-in copy in schemas/contexts, and
/// refuse one whose verdict was changed.
#[test]
fn a_receipt_verifies_in_the_digital_bazaar_libraries() {
    if !crate::interop::node_ready() {
        return;
    }
    let server = TestServer::start();
    let id = server.issue("Node Receipt", SECRET, NOW);
    server.change(&id, StatusChange::Suspend);
    let answer = verify_with_receipt(&server, &server.document(&id));
    assert_eq!(
        answer["receipt"]["credentialSubject"]["verdict"],
        "SUSPENDED"
    );
    let dir = tempfile::tempdir().unwrap();
    let did = server.client.get("/.well-known/did.json").send();
    let did_json = dir.path().join("did.json");
    std::fs::write(&did_json, &did.body).unwrap();
    let receipt = crate::interop::write_json(dir.path(), "receipt.json", &answer["receipt"]);
    let mut forged = answer["receipt"].clone();
    forged["credentialSubject"]["verdict"] = json!("VALID");
    let forged = crate::interop::write_json(dir.path(), "forged.json", &forged);
    let out = crate::interop::node(
        "receipt.mjs",
        &[
            "--doc",
            did_json.to_str().unwrap(),
            receipt.to_str().unwrap(),
            forged.to_str().unwrap(),
        ],
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(lines[0]["verified"], true, "{}", lines[0]);
    assert_eq!(lines[0]["verdict"], "SUSPENDED");
    assert_eq!(
        lines[0]["receiptContext"], "schemas/contexts/rosette-receipt-v1.jsonld",
        "{}",
        lines[0]
    );
    assert_eq!(lines[1]["verified"], false, "{}", lines[1]);
    assert_eq!(out.status.code(), Some(1), "one of the two failed");
}
