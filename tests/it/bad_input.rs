//! Bad input to `rosette sign` and `rosette verify`: every row gets a clear
//! error or `invalid`, the documented exit code, and never a panic.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rosette(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rosette"));
    cmd.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn rosette");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        // A broken pipe is fine: rosette may stop reading at its size limit.
        let _ = pipe.write_all(input);
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("rosette output")
}

struct Fixture {
    _dir: tempfile::TempDir,
    key: PathBuf,
    other_key: PathBuf,
    did: String,
    signed: Value,
}

pub(crate) fn minimal(did: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:0e5bd8fd-3c4d-4a4e-9d2e-3f7f6f7f0001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": did, "type": ["Profile"], "name": "GitLab Professional Services" },
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "GitLab Certified Associate",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{ "type": "IdentityObject", "hashed": true, "identityType": "emailAddress",
                "identityHash": "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399", "salt": "Kosher" }],
            "name": "Ada Lovelace",
            "achievement": {
                "id": "https://example.com/certifications/gitlab-certified-associate",
                "type": ["Achievement"], "achievementType": "Certification",
                "name": "GitLab Certified Associate", "description": "Core GitLab skills.",
                "criteria": { "narrative": "Pass the written assessment, then the hands-on lab." }
            }
        }
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.pem");
    let other_key = dir.path().join("other.pem");
    let out = rosette(&["keys", "generate", "--out", key.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let did = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(
        rosette(
            &["keys", "generate", "--out", other_key.to_str().unwrap()],
            None
        )
        .status
        .success()
    );
    let unsigned = write(
        dir.path(),
        "unsigned.json",
        minimal(&did).to_string().as_bytes(),
    );
    let out = rosette(
        &[
            "sign",
            "--key",
            key.to_str().unwrap(),
            "--created",
            "2026-01-01T00:00:00Z",
            unsigned.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed: Value = serde_json::from_slice(&out.stdout).unwrap();
    Fixture {
        _dir: dir,
        key,
        other_key,
        did,
        signed,
    }
}

/// Runs `rosette verify --json` on `input`; returns (exit code, first non-valid check code).
fn verify(input: &[u8], extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["verify", "--json"];
    args.extend_from_slice(extra);
    args.push("-");
    let out = rosette(&args, Some(input));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let code = out.status.code().expect("exit code");
    let first = serde_json::from_str::<Value>(&stdout)
        .ok()
        .and_then(|r| {
            r["checks"]
                .as_array()?
                .iter()
                .find(|c| c["state"] != "valid")
                .map(|c| c["code"].as_str().unwrap_or("").to_owned())
        })
        .unwrap_or_default();
    (code, first, stderr)
}

fn mutate(v: &Value, f: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v = v.clone();
    f(&mut v);
    serde_json::to_vec(&v).unwrap()
}

#[test]
fn verify_rejects_bad_input_with_clear_codes() {
    let fx = fixture();
    let good = serde_json::to_vec(&fx.signed).unwrap();
    assert_eq!(
        verify(&good, &[]).0,
        0,
        "the untouched credential must verify"
    );

    let nested = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let very_nested = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let mut deep = json!("leaf");
    for _ in 0..70 {
        deep = json!({ "description": deep });
    }
    let other_did = {
        let out = rosette(
            &["sign", "--key", fx.other_key.to_str().unwrap(), "-"],
            Some(minimal(&fx.did).to_string().as_bytes()),
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "signing with a key that is not the issuer's must be refused"
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("issuer"));
        let out = rosette(
            &[
                "keys",
                "generate",
                "--out",
                fx.other_key.with_extension("2").to_str().unwrap(),
            ],
            None,
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let big = vec![b' '; 2 * 1024 * 1024];
    // (label, input, extra arguments, expected exit code, expected first failing check code)
    type Row<'a> = (&'a str, Vec<u8>, &'a [&'a str], i32, &'a str);
    let rows: Vec<Row> = vec![
        (
            "malformed JSON",
            b"{\"@context\": [".to_vec(),
            &[],
            1,
            "json_malformed",
        ),
        (
            "not UTF-8",
            vec![0xff, 0xfe, 0x00],
            &[],
            1,
            "json_malformed",
        ),
        ("a JSON array", b"[]".to_vec(), &[], 1, "not_an_object"),
        (
            "a forged name before the signed name",
            crate::duplicate_keys::forged_name(&fx.signed).into_bytes(),
            &[],
            1,
            "json_duplicate_key",
        ),
        (
            "deeply nested arrays",
            nested.into_bytes(),
            &[],
            1,
            "json_too_deep",
        ),
        (
            "pathologically nested arrays",
            very_nested.into_bytes(),
            &[],
            1,
            "json_too_deep",
        ),
        (
            "deeply nested objects",
            mutate(&fx.signed, |v| {
                v["credentialSubject"]["achievement"]["description"] = deep
            }),
            &[],
            1,
            "json_too_deep",
        ),
        (
            "type is a number",
            mutate(&fx.signed, |v| v["type"] = json!(5)),
            &[],
            1,
            "",
        ),
        (
            "issuer is a number",
            mutate(&fx.signed, |v| v["issuer"] = json!(7)),
            &[],
            1,
            "",
        ),
        (
            "unknown context",
            mutate(&fx.signed, |v| {
                v["@context"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!("https://example.com/ctx"))
            }),
            &[],
            1,
            "context_unknown",
        ),
        (
            "undefined term",
            mutate(&fx.signed, |v| {
                v["credentialSubject"]["gitlabUsername"] = json!("ada")
            }),
            &[],
            1,
            "jsonld_data_loss",
        ),
        (
            "missing proof",
            mutate(&fx.signed, |v| {
                v.as_object_mut().unwrap().remove("proof");
            }),
            &[],
            1,
            "proof_missing",
        ),
        (
            "empty proof array",
            mutate(&fx.signed, |v| v["proof"] = json!([])),
            &[],
            1,
            "proof_missing",
        ),
        (
            "two different proofs with one id",
            mutate(&fx.signed, |v| {
                v["proof"][0]["id"] = json!("urn:uuid:proof-1");
                let mut p = v["proof"][0].clone();
                p["created"] = json!("2020-01-01T00:00:00Z");
                v["proof"].as_array_mut().unwrap().push(p);
            }),
            &[],
            1,
            "proof_id_duplicated",
        ),
        (
            "proof is a string",
            mutate(&fx.signed, |v| v["proof"] = json!("z123")),
            &[],
            1,
            "proof_malformed",
        ),
        (
            "unknown cryptosuite",
            mutate(&fx.signed, |v| {
                v["proof"][0]["cryptosuite"] = json!("ecdsa-rdfc-2019")
            }),
            &[],
            1,
            "cryptosuite_unsupported",
        ),
        (
            "wrong proof purpose",
            mutate(&fx.signed, |v| {
                v["proof"][0]["proofPurpose"] = json!("authentication")
            }),
            &[],
            1,
            "proof_purpose_mismatch",
        ),
        (
            "bad multibase",
            mutate(&fx.signed, |v| v["proof"][0]["proofValue"] = json!("x123")),
            &[],
            1,
            "proof_value_malformed",
        ),
        (
            "bad base58",
            mutate(&fx.signed, |v| v["proof"][0]["proofValue"] = json!("z0OIl")),
            &[],
            1,
            "proof_value_malformed",
        ),
        (
            "truncated signature",
            mutate(&fx.signed, |v| {
                let s = v["proof"][0]["proofValue"].as_str().unwrap().to_owned();
                v["proof"][0]["proofValue"] = json!(&s[..s.len() - 4]);
            }),
            &[],
            1,
            "proof_value_malformed",
        ),
        (
            "wrong key",
            mutate(&fx.signed, |v| {
                let vm = format!("{other_did}#{}", other_did.trim_start_matches("did:key:"));
                v["proof"][0]["verificationMethod"] = json!(vm);
            }),
            &[],
            1,
            "signature_invalid",
        ),
        (
            "unresolvable key",
            mutate(&fx.signed, |v| {
                v["proof"][0]["verificationMethod"] = json!("https://example.com/keys#1")
            }),
            // Offline: the key's controller document is not fetched.
            &["--offline"],
            1,
            "key_unknown",
        ),
        (
            "tampered name",
            mutate(&fx.signed, |v| {
                v["credentialSubject"]["name"] = json!("Eve")
            }),
            &[],
            1,
            "signature_invalid",
        ),
        (
            "bad created date",
            mutate(&fx.signed, |v| {
                v["proof"][0]["created"] = json!("yesterday")
            }),
            &[],
            1,
            "proof_date_malformed",
        ),
        ("over 1 MB", big.clone(), &[], 1, "input_too_large"),
        (
            "over a configured limit",
            good.clone(),
            &["--max-bytes", "100"],
            1,
            "input_too_large",
        ),
    ];
    let mut failures = Vec::new();
    for (label, input, extra, want_exit, want_code) in rows {
        let (exit, code, stderr) = verify(&input, extra);
        if exit != want_exit
            || (!want_code.is_empty() && code != want_code)
            || (want_code.is_empty() && code.is_empty())
        {
            failures.push(format!(
                "{label}: exit {exit} code {code:?} (want {want_exit} {want_code:?}) {stderr}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn usage_errors_exit_2() {
    let fx = fixture();
    for (label, args) in [
        (
            "missing file",
            vec!["verify", "/nonexistent/credential.json"],
        ),
        ("unknown flag", vec!["verify", "--frobnicate"]),
        (
            "unknown suite",
            vec![
                "sign",
                "--suite",
                "rsa",
                "--key",
                fx.key.to_str().unwrap(),
                "-",
            ],
        ),
        (
            "missing key file",
            vec!["sign", "--key", "/nonexistent.pem", "-"],
        ),
        (
            "bad created",
            vec![
                "sign",
                "--key",
                fx.key.to_str().unwrap(),
                "--created",
                "2026-13-01",
                "-",
            ],
        ),
    ] {
        let out = rosette(&args, Some(minimal(&fx.did).to_string().as_bytes()));
        assert_eq!(
            out.status.code(),
            Some(2),
            "{label}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty(), "{label}: no message");
    }
    // Signing something that is not JSON, or JSON safe mode refuses.
    for (label, input) in [
        ("not JSON", b"not json".to_vec()),
        (
            "undefined term",
            mutate(&minimal(&fx.did), |v| {
                v["credentialSubject"]["extra"] = json!(1)
            }),
        ),
    ] {
        let out = rosette(
            &["sign", "--key", fx.key.to_str().unwrap(), "-"],
            Some(&input),
        );
        assert_eq!(out.status.code(), Some(2), "{label}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("error"),
            "{label}"
        );
    }
}

#[test]
fn sign_and_key_documents_refuse_duplicate_keys() {
    let fx = fixture();
    let dir = tempfile::tempdir().unwrap();
    let unsigned = minimal(&fx.did).to_string();
    let twice = format!("{{\"name\":\"Forged\",{}", &unsigned[1..]);
    let out = rosette(
        &["sign", "--key", fx.key.to_str().unwrap(), "-"],
        Some(twice.as_bytes()),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("json_duplicate_key") && stderr.contains("$['name']"),
        "{stderr}"
    );
    // A did:web controller document whose key id is given twice.
    let doc =
        r#"{"id":"did:web:issuer.example","id":"did:web:forged.example","verificationMethod":[]}"#;
    let doc = write(dir.path(), "did.json", doc.as_bytes());
    let good = serde_json::to_vec(&fx.signed).unwrap();
    let out = rosette(
        &["verify", "--key-doc", doc.to_str().unwrap(), "-"],
        Some(&good),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("json_duplicate_key") && stderr.contains("$['id']"),
        "{stderr}"
    );
}
