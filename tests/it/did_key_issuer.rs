//! A did:key issuer (`issuer_did = "did:key"`): the issuer id is the
//! did:key of the current signing key; no did.json (404 `not_did_web`); a
//! rotation makes a new issuer id, and credentials signed before it keep
//! verifying and stay revocable — their status list, re-signed by the new
//! key, still counts as their issuer's (`rosette verify --offline` and the
//! HTTP verification API).

use crate::support::{Client, ServerProcess, ok, rosette, rosette_with};
use rosette::keys::public_key_multibase;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub(crate) const GRADER: &str = "grader@example.com";
const CERT: &str = "gitlab-ci-cd-specialist";

/// Both stages for `email`, then `issue --out -`; the credential is saved
/// next to the data directory.
pub(crate) fn issued(data: &Path, email: &str, name: &str) -> (PathBuf, Value) {
    ok(&rosette(
        data,
        &[
            "assess",
            "written",
            "--email",
            email,
            "--name",
            name,
            "--certification",
            CERT,
            "--score",
            "91",
            "--date",
            "2026-11-20",
        ],
    ));
    ok(&rosette(
        data,
        &[
            "assess",
            "lab",
            "--email",
            email,
            "--certification",
            CERT,
            "--result",
            "pass",
            "--grader",
            GRADER,
            "--date",
            "2026-11-22",
        ],
    ));
    let out = ok(&rosette(
        data,
        &[
            "issue",
            "--email",
            email,
            "--certification",
            CERT,
            "--out",
            "-",
        ],
    ));
    let json = &out[out.find('{').expect("credential JSON on stdout")..];
    let path = data.with_extension(format!("{email}.json"));
    std::fs::write(&path, json).unwrap();
    (path, serde_json::from_str(json).unwrap())
}

/// The did:key of the PEM key file.
fn file_did(data: &Path) -> String {
    let text = std::fs::read_to_string(data.join("keys/issuer.pem")).unwrap();
    let key = rosette::keys::decode_secret_key(&text)
        .unwrap()
        .verifying_key();
    format!("did:key:{}", public_key_multibase(&key))
}

fn method(doc: &Value) -> &str {
    let proof = &doc["proof"];
    let proof = if proof.is_array() { &proof[0] } else { proof };
    proof["verificationMethod"].as_str().unwrap()
}

fn issuer(doc: &Value) -> &str {
    doc["issuer"]["id"]
        .as_str()
        .or(doc["issuer"].as_str())
        .unwrap()
}

/// `rosette verify --json --offline <path>`: the exit code and the report.
fn verify_offline(data: &Path, path: &Path) -> (Option<i32>, Value) {
    let out = rosette(
        data,
        &["verify", "--json", "--offline", path.to_str().unwrap()],
    );
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

fn check<'r>(report: &'r Value, name: &str) -> &'r Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {report:#}"))
}

#[test]
fn a_did_key_issuer_rotates_to_a_new_did_and_old_credentials_verify_and_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&rosette_with(
        &data,
        &[("ROSETTE_ISSUER_DID", "did:key")],
        &[
            "init",
            "--public-url",
            "https://certs.example.com",
            "--grader",
            GRADER,
        ],
    ));
    let toml = std::fs::read_to_string(data.join("rosette.toml")).unwrap();
    assert!(toml.contains("\nissuer_did = \"did:key\"\n"), "{toml}");

    // Before the rotation: issuer and method are the key's did:key.
    let old_did = file_did(&data);
    let (old_path, old) = issued(&data, "lin@example.com", "Lin Wu");
    assert_eq!(issuer(&old), old_did);
    let old_mb = old_did.strip_prefix("did:key:").unwrap();
    assert_eq!(method(&old), format!("{old_did}#{old_mb}"));
    let keys: Value =
        serde_json::from_str(&ok(&rosette(&data, &["keys", "list", "--json"]))).unwrap();
    assert_eq!(keys["controller"], old_did.as_str());
    assert_eq!(keys["keys"][0]["id"], format!("{old_did}#{old_mb}"));

    // The rotation: a new key is a new issuer id.
    let out = rosette(&data, &["keys", "rotate"]);
    let new_did = file_did(&data);
    assert_ne!(new_did, old_did);
    let new_mb = new_did.strip_prefix("did:key:").unwrap();
    assert_eq!(ok(&out).trim(), format!("{new_did}#{new_mb}"));
    let listed = ok(&rosette(&data, &["keys", "list"]));
    assert!(
        listed.contains(&format!("{new_did}#{new_mb}  current"))
            && listed.contains(&format!("{old_did}#{old_mb}  retired")),
        "{listed}"
    );
    let (new_path, new) = issued(&data, "kim@example.com", "Kim Park");
    assert_eq!(issuer(&new), new_did);
    assert_eq!(method(&new), format!("{new_did}#{new_mb}"));

    // Both verify offline, both known as this issuer's.
    for path in [&old_path, &new_path] {
        let (code, report) = verify_offline(&data, path);
        assert_eq!(code, Some(0), "{report:#}");
        assert_eq!(report["credential"]["issued_here"], true, "{report:#}");
        assert_eq!(check(&report, "status")["state"], "valid", "{report:#}");
    }

    // The old credential is revoked after the rotation: its list is
    // re-signed by the new key, and the revocation shows for the old one
    // only.
    let old_id = old["id"].as_str().unwrap();
    ok(&rosette(&data, &["revoke", old_id, "--reason", "test"]));
    let (code, report) = verify_offline(&data, &old_path);
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(check(&report, "status")["code"], "revoked", "{report:#}");
    assert_eq!(check(&report, "proof")["state"], "valid", "{report:#}");
    let (code, report) = verify_offline(&data, &new_path);
    assert_eq!(code, Some(0), "{report:#}");

    // The server: no did.json; the list is signed by the new did:key; the
    // HTTP verification API agrees with the CLI.
    let server = ServerProcess::start(&data, &[], &[]);
    let client = Client::new(server.addr);
    client
        .get("/.well-known/did.json")
        .send()
        .expect(404, Some("not_did_web"));
    let list_url = old["credentialStatus"]
        .as_array()
        .map_or(&old["credentialStatus"], |a| &a[0])["statusListCredential"]
        .as_str()
        .unwrap()
        .to_owned();
    let list_path = list_url.strip_prefix("https://certs.example.com").unwrap();
    let list = client
        .get(list_path)
        .header("Accept", "application/ld+json, application/json")
        .send();
    assert_eq!(list.status, 200, "{}", list.text());
    assert_eq!(list.header("content-type"), Some("application/ld+json"));
    assert_eq!(list.json()["issuer"], new_did.as_str());
    let report = client
        .post("/api/v1/verify")
        .json(&old)
        .send()
        .expect(200, None);
    assert_eq!(report["verified"], false, "{report:#}");
    assert_eq!(check(&report, "status")["code"], "revoked", "{report:#}");
    assert_eq!(report["credential"]["issued_here"], true, "{report:#}");
    let report = client
        .post("/api/v1/verify")
        .json(&new)
        .send()
        .expect(200, None);
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["credential"]["issued_here"], true, "{report:#}");
}

#[test]
fn a_bad_issuer_did_setting_is_a_clear_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = rosette_with(
        &data,
        &[("ROSETTE_ISSUER_DID", "did:example")],
        &["init", "--public-url", "https://certs.example.com"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("issuer_did \"did:example\" is neither \"did:web\" nor \"did:key\""),
        "{err}"
    );
}
