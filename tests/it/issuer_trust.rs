//! The report stays honest (issue 13): every report names the credential's
//! issuer (id and name), says whether this Rosette issued it and where the
//! issuer stands against the configured list of trusted issuers — without
//! changing the verdict — from the API (JSON and CSV) and the CLI; the page
//! `/v/{id}` shows this issuer's own credentials only.

use crate::support::{rosette, rosette_with};
use crate::verify_api::{NOW, SECRET, TestServer, cell, csv_rows};
use rosette::keys::{CredentialSigner as _, IssuerKey, SigningKey};
use rosette::proof::{self, Cryptosuite, ProofOptions};
use serde_json::{Value, json};
use std::sync::Arc;

/// An Open Badges credential `id` issued by the did:key of `seed` under
/// the name `name`: its issuer id and the signed credential.
fn signed_by(seed: u8, name: &str, id: &str) -> (String, Value) {
    let key = IssuerKey::did_key(SigningKey::from_bytes(&[seed; 32]));
    let mut doc = crate::bad_input::minimal(key.issuer());
    doc["id"] = json!(id);
    doc["issuer"]["name"] = json!(name);
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        Some("2026-01-01T00:00:00Z".into()),
    );
    let signed = proof::add_proof(&doc, &options, &key).unwrap();
    (key.issuer().to_owned(), signed)
}

const LISTED_ID: &str = "urn:uuid:6a0c1f8e-8d7b-4c1a-9a57-0a1b2c3d4e01";
const OTHER_ID: &str = "urn:uuid:6a0c1f8e-8d7b-4c1a-9a57-0a1b2c3d4e02";

/// The JSON answer of `POST /api/v1/verify` of `body`.
fn report(server: &TestServer, body: &Value) -> Value {
    server
        .client
        .post("/api/v1/verify")
        .json(body)
        .send()
        .expect(200, None)
}

/// The `credential` member of a batch's `results[i]`.
fn info(batch: &Value, i: usize) -> &Value {
    &batch["results"][i]["credential"]
}

#[test]
fn reports_say_who_issued_and_whether_the_issuer_is_on_the_list_without_changing_the_verdict() {
    let (listed_did, listed) = signed_by(1, "Listed University", LISTED_ID);
    let (other_did, other) = signed_by(2, "Other Academy", OTHER_ID);
    let list = listed_did.clone();
    let server = TestServer::start_with(move |state| {
        let trusted = (*state.trusted_issuers).clone().with_list([list]);
        state.trusted_issuers = Arc::new(trusted);
    });
    let own = server.issue("Ada Lovelace", SECRET, NOW);
    let batch = json!({"credentials": [own, listed, other]});
    let r = report(&server, &batch);
    assert_eq!(
        r["verified"], true,
        "an unlisted issuer is no failure: {r:#}"
    );
    for i in 0..3 {
        assert_eq!(r["results"][i]["verdict"], "VALID", "{r:#}");
    }
    let (own_info, listed_info, other_info) = (info(&r, 0), info(&r, 1), info(&r, 2));
    assert_eq!(own_info["issuer"], server.did.as_str());
    assert_eq!(own_info["issuer_name"], "GitLab Professional Services");
    assert_eq!(own_info["issued_here"], true);
    assert_eq!(own_info["issuer_trust"], "this_issuer");
    assert_eq!(listed_info["issuer"], listed_did.as_str());
    assert_eq!(listed_info["issuer_name"], "Listed University");
    assert_eq!(listed_info["issued_here"], false);
    assert_eq!(listed_info["issuer_trust"], "listed");
    assert_eq!(other_info["issuer"], other_did.as_str());
    assert_eq!(other_info["issued_here"], false);
    assert_eq!(other_info["issuer_trust"], "not_listed");
    // No check was added for it: the same checks as without a list.
    let other_checks = r["results"][2]["checks"].as_array().unwrap();
    assert!(other_checks.iter().all(|c| c["state"] == "valid"), "{r:#}");

    // The CSV answer: the old columns where they were, three new ones after.
    let csv = server
        .client
        .post("/api/v1/verify")
        .json(&batch)
        .header("Accept", "text/csv")
        .send();
    let (head, rows) = csv_rows(&csv);
    assert_eq!(
        &head[head.len() - 5..],
        [
            "problem_code",
            "problem",
            "issuer_id",
            "issued_here",
            "issuer_trust"
        ]
    );
    let column = |i: usize, name: &str| cell(&head, &rows[i], name).to_owned();
    assert_eq!(column(0, "issuer_id"), server.did);
    assert_eq!(column(0, "issued_here"), "true");
    assert_eq!(column(0, "issuer_trust"), "this Rosette's own issuer");
    assert_eq!(column(1, "issuer"), "Listed University");
    assert_eq!(column(1, "issuer_trust"), "on your list of trusted issuers");
    assert_eq!(column(2, "verdict"), "VALID");
    assert_eq!(column(2, "issuer_id"), other_did);
    assert_eq!(column(2, "issued_here"), "false");
    assert_eq!(column(2, "issuer_trust"), "issuer not on your list");
}

#[test]
fn a_credential_claiming_this_issuer_but_signed_elsewhere_is_not_issued_here() {
    let server = TestServer::start();
    let key = IssuerKey::did_key(SigningKey::from_bytes(&[3; 32]));
    let forged = proof::add_proof(
        &crate::bad_input::minimal(&server.did),
        &ProofOptions::assertion(Cryptosuite::EddsaRdfc2022, None),
        &key,
    )
    .unwrap();
    let r = report(&server, &forged);
    assert_eq!(r["verdict"], "NOT VALID", "{r:#}");
    assert_eq!(r["credential"]["issuer"], server.did.as_str());
    assert_eq!(
        r["credential"]["issuer_trust"], "this_issuer",
        "what it claims"
    );
    assert_eq!(r["credential"]["issued_here"], false, "what holds: {r:#}");

    // Without a configured list a third party is `no_list`, not "unknown".
    let (_, other) = signed_by(2, "Other Academy", OTHER_ID);
    let r = report(&server, &other);
    assert_eq!(r["verdict"], "VALID", "{r:#}");
    assert_eq!(r["credential"]["issuer_trust"], "no_list");
    assert_eq!(r["credential"]["issued_here"], false);
}

#[test]
fn the_cli_reads_the_list_from_flags_or_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (listed_did, listed) = signed_by(1, "Listed University", LISTED_ID);
    let (other_did, other) = signed_by(2, "Other Academy", OTHER_ID);
    let file = |name: &str, doc: &Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec(doc).unwrap()).unwrap();
        path.display().to_string()
    };
    let (listed_file, other_file) = (file("listed.json", &listed), file("other.json", &other));
    let cli_report = |out: std::process::Output| -> Value {
        assert_eq!(
            out.status.code(),
            Some(0),
            "VALID, listed or not: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };

    let flags = ["verify", "--json", "--trusted-issuer", &listed_did];
    let r = cli_report(rosette(&data, &[&flags[..], &[&listed_file]].concat()));
    assert_eq!(r["credential"]["issuer_trust"], "listed", "{r:#}");
    let r = cli_report(rosette(&data, &[&flags[..], &[&other_file]].concat()));
    assert_eq!(r["credential"]["issuer_trust"], "not_listed", "{r:#}");
    assert_eq!(r["credential"]["issuer"], other_did.as_str());
    assert_eq!(r["credential"]["issued_here"], false);

    let plain = rosette(
        &data,
        &["verify", "--trusted-issuer", &listed_did, &other_file],
    );
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(text.starts_with("VALID\n"), "{text}");
    assert!(
        text.contains(&format!("  issuer:      Other Academy ({other_did})\n")),
        "{text}"
    );
    assert!(
        text.contains("  trust:       issuer not on your list\n"),
        "{text}"
    );
    let plain = rosette(&data, &["verify", &other_file]);
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(
        text.contains("  trust:       no list of trusted issuers configured\n"),
        "{text}"
    );

    // The environment (like rosette.toml) gives the list; a flag replaces it.
    let env = [("ROSETTE_TRUSTED_ISSUERS", other_did.as_str())];
    let out = rosette_with(&data, &env, &["verify", "--json", &other_file]);
    assert_eq!(cli_report(out)["credential"]["issuer_trust"], "listed");
    let out = rosette_with(&data, &env, &[&flags[..], &[&other_file]].concat());
    assert_eq!(cli_report(out)["credential"]["issuer_trust"], "not_listed");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("rosette.toml"),
        format!("trusted_issuers = [{other_did:?}]\n"),
    )
    .unwrap();
    let r = cli_report(rosette(&data, &["verify", "--json", &other_file]));
    assert_eq!(r["credential"]["issuer_trust"], "listed", "{r:#}");

    // A malformed id is a usage error that names the setting.
    let out = rosette(
        &data,
        &["verify", "--trusted-issuer", "example.org", &other_file],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("trusted_issuers") && stderr.contains("\"example.org\""),
        "{stderr}"
    );
}

#[test]
fn the_page_shows_this_issuers_credentials_only() {
    let server = TestServer::start();
    let own = server.issue("Ada Lovelace", SECRET, NOW);
    let (_, other) = signed_by(2, "Other Academy", OTHER_ID);
    // Verified over the API (VALID), which stores nothing…
    let r = report(&server, &other);
    assert_eq!(r["verdict"], "VALID", "{r:#}");
    // …so its id, in any spelling, has no page here.
    let uuid = OTHER_ID.trim_start_matches("urn:uuid:");
    for path in [format!("/v/{uuid}"), format!("/v/{OTHER_ID}")] {
        let page = server.client.get(&path).send();
        assert_eq!(page.status, 404, "{path}: {}", page.text());
        assert!(!page.text().contains("Other Academy"), "{path}");
    }
    let own_uuid = own.trim_start_matches("urn:uuid:");
    let page = server.client.get(&format!("/v/{own_uuid}")).send();
    assert_eq!(page.status, 200, "{}", page.text());
}

#[test]
fn the_cli_knows_its_own_installations_credentials_whatever_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    crate::support::ok(&rosette(
        &data,
        &["init", "--public-url", "https://certs.example.com"],
    ));
    let did = "did:web:certs.example.com";
    let unsigned = dir.path().join("unsigned.json");
    let minimal = crate::bad_input::minimal(did);
    std::fs::write(&unsigned, serde_json::to_vec(&minimal).unwrap()).unwrap();
    let key = data.join("keys/issuer.pem");
    let sign = [
        "sign",
        "--key",
        key.to_str().unwrap(),
        "--issuer",
        did,
        unsigned.to_str().unwrap(),
    ];
    let signed = crate::support::ok(&rosette(&data, &sign));
    let file = dir.path().join("signed.json");
    std::fs::write(&file, signed).unwrap();
    let file = file.to_str().unwrap();

    let args = [
        "verify",
        "--json",
        "--trusted-issuer",
        "did:web:other.example",
        file,
    ];
    let r: Value = serde_json::from_str(&crate::support::ok(&rosette(&data, &args))).unwrap();
    assert_eq!(r["verdict"], "VALID", "{r:#}");
    assert_eq!(r["credential"]["issuer"], did);
    assert_eq!(r["credential"]["issued_here"], true, "{r:#}");
    assert_eq!(
        r["credential"]["issuer_trust"], "this_issuer",
        "own is always known"
    );
    let text = crate::support::ok(&rosette(&data, &["verify", file]));
    assert!(
        text.contains("  trust:       issued here, by this Rosette\n"),
        "{text}"
    );
}
