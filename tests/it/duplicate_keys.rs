//! JSON with a repeated object key (RFC 7493 §2.3) is refused with the code
//! `json_duplicate_key` on every route that reads a credential or a
//! presentation, baked or not: a forged `"name"` placed before the signed one
//! would be shown by a first-wins reader while the signature checks the
//! last.

use crate::verify_api::TestServer;
use rosette::keys::{CredentialSigner as _, IssuerKey};
use rosette::proof::{self, Cryptosuite, ProofOptions};
use serde_json::Value;

/// `signed` as JSON text with `"name": "Forged…"` placed before its own
/// (signed) `name`.
pub(crate) fn forged_name(signed: &Value) -> String {
    let text = serde_json::to_string(signed).unwrap();
    assert!(signed.get("name").is_some() && text.starts_with('{'));
    format!("{{\"name\":\"Forged Expert Certification\",{}", &text[1..])
}

/// An Open Badges credential signed by a did:key (which every verifier
/// resolves offline).
fn signed_credential() -> Value {
    let key = IssuerKey::did_key(
        rosette::keys::decode_secret_key("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
            .unwrap(),
    );
    let doc = crate::bad_input::minimal(key.issuer());
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        Some("2026-01-01T00:00:00Z".into()),
    );
    proof::add_proof(&doc, &options, &key).unwrap()
}

/// A small PNG to bake into.
fn small_png() -> Vec<u8> {
    let mut buf = Vec::new();
    let mut enc = png::Encoder::new(&mut buf, 2, 2);
    enc.set_color(png::ColorType::Grayscale);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&[0, 80, 160, 240]).unwrap();
    w.finish().unwrap();
    buf
}

/// The code of the first check that is not valid in a report.
fn first_failure(report: &Value) -> String {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["state"] != "valid"))
        .map(|c| c["code"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

#[test]
fn a_forged_name_before_the_signed_name_is_refused_on_every_route() {
    let server = TestServer::start();
    let client = &server.client;
    let signed = signed_credential();
    let honest = serde_json::to_string(&signed).unwrap();
    let forged = forged_name(&signed);

    // The honest text verifies, so the refusals below are the duplicate's.
    let r = client
        .post("/api/v1/verify")
        .body("application/json", honest.as_bytes())
        .send();
    assert_eq!(r.expect(200, None)["verified"], true, "{}", r.text());

    // POST /api/v1/verify, the credential as the body.
    let p = client
        .post("/api/v1/verify")
        .body("application/json", forged.as_bytes())
        .send()
        .expect(400, Some("json_duplicate_key"));
    assert_eq!(p["field"], "$['name']", "{p}");
    assert!(p["title"].as_str().unwrap().contains("\"name\""), "{p}");

    // VC-API: the credential and a presentation holding it.
    for (path, body) in [
        (
            "/credentials/verify",
            format!("{{\"verifiableCredential\":{forged}}}"),
        ),
        (
            "/presentations/verify",
            format!(
                "{{\"verifiablePresentation\":{{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\
                 \"type\":[\"VerifiablePresentation\"],\"verifiableCredential\":[{forged}]}}}}"
            ),
        ),
    ] {
        let p = client
            .post(path)
            .body("application/json", body.as_bytes())
            .send()
            .expect_as(path, 400, Some("json_duplicate_key"));
        let at = if path.starts_with("/credentials") {
            "$['verifiableCredential']['name']"
        } else {
            "$['verifiablePresentation']['verifiableCredential'][0]['name']"
        };
        assert_eq!(p["field"], at, "{path}: {p}");
    }

    // Baked images: the report's parse check carries the code.
    let png = rosette::render::bake::bake_png(&small_png(), &forged).unwrap();
    let svg = rosette::render::bake::bake_svg(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>"#,
        &forged,
    )
    .unwrap();
    for (kind, bytes) in [("image/png", png), ("image/svg+xml", svg.into_bytes())] {
        let report = client
            .post("/api/v1/verify")
            .body(kind, &bytes)
            .send()
            .expect(200, None);
        assert_eq!(report["verified"], false, "{kind}: {report}");
        assert_eq!(
            first_failure(&report),
            "json_duplicate_key",
            "{kind}: {report}"
        );
    }
}

#[test]
fn a_batch_item_with_a_duplicate_key_refuses_the_batch() {
    let server = TestServer::start();
    let forged = forged_name(&signed_credential());
    let body = format!("{{\"credentials\":[{{}},{forged}]}}");
    let p = server
        .client
        .post("/api/v1/verify")
        .body("application/json", body.as_bytes())
        .send()
        .expect(400, Some("json_duplicate_key"));
    assert_eq!(p["field"], "$['credentials'][1]['name']", "{p}");
}

/// The JSON files under `dir` and its subfolders.
fn json_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_published_vector_parses_strictly_as_it_parses_plainly() {
    let mut files = Vec::new();
    json_files(&crate::support::vector_path(""), &mut files);
    assert!(files.len() > 30, "{files:?}");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(plain) = serde_json::from_slice::<Value>(&bytes) else {
            continue; // negative canonicalization fixtures
        };
        let strict = rosette::model::strict_json::from_slice(&bytes);
        assert_eq!(strict.ok(), Some(plain), "{}", path.display());
    }
}
