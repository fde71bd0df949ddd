//! Interoperability tests: the `rosette` binary against the Digital Bazaar
//! JavaScript libraries (the independent reference signer/verifier) in
//! `tests/interop/` (see its README.md).
//!
//! * (a) credentials signed by `rosette sign` verify in JS (`verify.mjs`);
//! * (b) credentials signed by JS (`sign.mjs`) verify with `rosette verify`;
//! * (c) tampered copies fail in both;
//! * plus: the same key and `created` give the same `proofValue` in both, and
//!   a self-check of the Node harness.
//!
//! Needs `node` and `tests/interop/node_modules` (`npm ci` in
//! `tests/interop`). Without them the tests print a warning and pass, except
//! when the `CI` environment variable is set: then they fail.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

const ROSETTE: &str = env!("CARGO_BIN_EXE_rosette");
const INTEROP_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop");

pub(crate) const RDFC: &str = "eddsa-rdfc-2022";
const JCS: &str = "eddsa-jcs-2022";

/// `proof.created` used for every signature made here (fixed, so runs are
/// reproducible and JS and Rosette sign identical proof options).
const CREATED: &str = "2024-06-01T12:00:00Z";

/// Seeds of the Ed25519 test keys used by the JS signer (test keys only).
pub(crate) const JS_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const SHARED_SEED: &str = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";

/// did:key of the all-zero seed (W3C did:key test vector): a key that signed
/// nothing here, for the "swap the key" tampering.
const OTHER_DID: &str = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp";

// ---------------------------------------------------------------------------
// Tables: one line per case.
// ---------------------------------------------------------------------------

/// Builds an unsigned credential for the given issuer DID.
type Shape = fn(&str) -> Value;

/// (name, credential shape, suites applied in order — two make a proof set).
const SIGNING_CASES: &[(&str, Shape, &[&str])] = &[
    ("minimal rdfc", minimal, &[RDFC]),
    ("minimal jcs", minimal, &[JCS]),
    ("results+evidence rdfc", with_results_and_evidence, &[RDFC]),
    ("results+evidence jcs", with_results_and_evidence, &[JCS]),
    ("unicode+long name rdfc", unicode, &[RDFC]),
    ("unicode+long name jcs", unicode, &[JCS]),
    ("proof set rdfc then jcs", minimal, &[RDFC, JCS]),
    (
        "proof set jcs then rdfc (results+evidence)",
        with_results_and_evidence,
        &[JCS, RDFC],
    ),
];

/// Bases for tampering: (name, shape, suites). Tampers are applied to each,
/// signed once by Rosette and once by JS.
const TAMPER_BASES: &[(&str, Shape, &[&str])] = &[
    ("rdfc", with_results_and_evidence, &[RDFC]),
    ("jcs", with_results_and_evidence, &[JCS]),
    (
        "proof set rdfc+jcs",
        with_results_and_evidence,
        &[RDFC, JCS],
    ),
];

/// Changes a signed credential in place.
type Tamper = fn(&mut Value);

/// (name, tampering). Each must make the credential fail in both verifiers.
const TAMPERS: &[(&str, Tamper)] = &[
    ("holder name changed", |c| {
        append(&mut c["credentialSubject"]["name"], "x");
    }),
    ("achievement name changed", |c| {
        append(&mut c["credentialSubject"]["achievement"]["name"], "x");
    }),
    ("validFrom changed", |c| {
        c["validFrom"] = json!("2023-12-31T00:00:00Z");
    }),
    ("issuer name changed", |c| {
        append(&mut c["issuer"]["name"], " Ltd");
    }),
    ("result value changed", |c| {
        c["credentialSubject"]["result"][0]["value"] = json!("97");
    }),
    ("undefined term credentialSubject.extra added", |c| {
        c["credentialSubject"]["extra"] = json!("x");
    }),
    ("defined term description added at top level", |c| {
        c["description"] = json!("Added after signing");
    }),
    ("verificationMethod re-pointed to another did:key", |c| {
        first_proof(c)["verificationMethod"] = json!(format!("{OTHER_DID}#{}", &OTHER_DID[8..]));
    }),
    ("one character of proofValue changed", |c| {
        change_one_char(&mut first_proof(c)["proofValue"]);
    }),
    ("proofValue truncated", |c| {
        truncate_half(&mut first_proof(c)["proofValue"]);
    }),
    ("last proof's proofValue changed", |c| {
        change_one_char(&mut last_proof(c)["proofValue"]);
    }),
];

// ---------------------------------------------------------------------------
// Credential shapes (only terms of the VC v2 and OB 3.0.3 contexts).
// ---------------------------------------------------------------------------

/// STANDARDS §12 item 8 shape, plus `id`, `validFrom`, `name`.
pub(crate) fn minimal(issuer: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:5f1c0e9e-3a4b-4c7d-9e2f-0a1b2c3d4e5f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": "Example Certification Board",
            "url": "https://issuer.example.org"
        },
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Certified Rust Developer",
        "credentialSubject": {
            "id": "did:example:holder-0001",
            "type": ["AchievementSubject"],
            "name": "Ada Lovelace",
            "achievement": {
                "id": "https://issuer.example.org/achievements/rust-dev",
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": "Rust Developer",
                "description": "Passed the Rust developer certification exam.",
                "criteria": { "narrative": "Pass the proctored exam with at least 70%." },
                "image": { "id": "https://issuer.example.org/img/rust-dev.png", "type": "Image" }
            }
        }
    })
}

/// Results tied to ResultDescription ids, evidence, awardedDate, inLanguage.
fn with_results_and_evidence(issuer: &str) -> Value {
    const SCORE: &str = "https://issuer.example.org/achievements/rust-dev/results/score";
    const STATUS: &str = "https://issuer.example.org/achievements/rust-dev/results/status";
    let mut c = minimal(issuer);
    c["awardedDate"] = json!("2024-01-01T00:00:00Z");
    let achievement = &mut c["credentialSubject"]["achievement"];
    achievement["inLanguage"] = json!("en");
    achievement["resultDescription"] = json!([
        {
            "id": SCORE,
            "type": ["ResultDescription"],
            "name": "Exam score",
            "resultType": "Percent",
            "valueMin": "0",
            "valueMax": "100",
            "requiredValue": "70"
        },
        {
            "id": STATUS,
            "type": ["ResultDescription"],
            "name": "Exam status",
            "resultType": "Status"
        }
    ]);
    c["credentialSubject"]["result"] = json!([
        { "type": ["Result"], "resultDescription": SCORE, "value": "87" },
        { "type": ["Result"], "resultDescription": STATUS, "status": "Completed" }
    ]);
    c["evidence"] = json!([
        {
            "id": "https://issuer.example.org/evidence/exam-0001",
            "type": ["Evidence"],
            "name": "Proctored exam transcript",
            "narrative": "Scored **87%** in the proctored exam on 2023-12-15.",
            "genre": "Exam",
            "audience": "Employers"
        }
    ]);
    c
}

/// CJK, RTL Arabic (with a right-to-left mark), emoji (incl. ZWJ sequence
/// and skin tone), combining accents (NFD, must not be normalized), JSON
/// escapes, and a 1,000-character achievement name.
fn unicode(issuer: &str) -> Value {
    let mut c = minimal(issuer);
    c["name"] = json!("Certificación 認定 🏅");
    c["issuer"]["name"] = json!("\u{200F}جامعة القاهرة للتقنية");
    c["credentialSubject"]["name"] = json!("山田 太郎 — Zoe\u{308} Cafe\u{301}");
    let achievement = &mut c["credentialSubject"]["achievement"];
    achievement["name"] = json!(long_name());
    achievement["description"] =
        json!("Rust 🦀 expert 👩🏽‍💻 — naïve «quotes» \"double\" back\\slash\nsecond line\ttab");
    achievement["criteria"]["narrative"] =
        json!("## 要件\n- Réussir l'examen ✅\n- اجتياز الاختبار\n- 시험 합격");
    c
}

/// Exactly 1,000 Unicode scalar values, mixing 1- to 4-byte UTF-8.
fn long_name() -> String {
    let pattern: Vec<char> = "Ωmega € 𝄞 名前 é ".chars().collect();
    let name: String = (0..1000).map(|i| pattern[i % pattern.len()]).collect();
    assert_eq!(name.chars().count(), 1000);
    name
}

// ---------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------

/// (a) Rosette-signed credentials verify in the JS reference; every proof of
/// a proof set must verify (verify.mjs is strict, see README).
#[test]
fn rosette_signed_credentials_verify_in_js() {
    if !node_ready() {
        return;
    }
    let dir = tempdir();
    let (key, did) = rosette_keygen(dir.path());
    let mut files = Vec::new();
    for (name, shape, suites) in SIGNING_CASES {
        let signed = rosette_sign_all(dir.path(), &key, &shape(&did), suites);
        assert_eq!(proofs(&signed).len(), suites.len(), "{name}: proof count");
        files.push((
            *name,
            write_json(dir.path(), &format!("a-{}.json", files.len()), &signed),
        ));
    }
    let paths: Vec<&Path> = files.iter().map(|(_, p)| p.as_path()).collect();
    let verdicts = js_verify(&paths, &[]);
    for ((name, _), v) in files.iter().zip(&verdicts) {
        assert!(
            v.verified,
            "{name}: JS did not verify the Rosette credential: {}",
            v.line
        );
        assert_eq!(
            v.proofs_verified(),
            proofs(&read_json(&v.file)).len(),
            "{name}: {}",
            v.line
        );
    }
}

/// (b) JS-signed credentials verify with `rosette verify`.
#[test]
fn js_signed_credentials_verify_in_rosette() {
    if !node_ready() {
        return;
    }
    let dir = tempdir();
    let did = js_did(JS_SEED);
    for (i, (name, shape, suites)) in SIGNING_CASES.iter().enumerate() {
        let signed = js_sign_all(dir.path(), JS_SEED, &shape(&did), suites);
        assert_eq!(proofs(&signed).len(), suites.len(), "{name}: proof count");
        let file = write_json(dir.path(), &format!("b-{i}.json"), &signed);
        let r = rosette_verify(&file);
        assert_eq!(r.code, 0, "{name}: rosette verify --json exit code: {r}");
        assert_eq!(r.report["verified"], json!(true), "{name}: report: {r}");
        assert_no_invalid_check(name, &r);
        let plain = run(Command::new(ROSETTE).arg("verify").arg(&file));
        assert_eq!(
            code(&plain),
            0,
            "{name}: rosette verify (no --json): {}",
            describe(&plain)
        );
    }
}

/// (c) Tampered copies of Rosette- and JS-signed credentials fail in both.
#[test]
fn tampered_credentials_fail_in_both() {
    if !node_ready() {
        return;
    }
    let dir = tempdir();
    let (key, rosette_did) = rosette_keygen(dir.path());
    let js_did = js_did(JS_SEED);

    // (label, file); untampered controls first.
    let mut controls = Vec::new();
    let mut tampered = Vec::new();
    for (base, shape, suites) in TAMPER_BASES {
        let signed_by = [
            (
                "rosette",
                rosette_sign_all(dir.path(), &key, &shape(&rosette_did), suites),
            ),
            (
                "js",
                js_sign_all(dir.path(), JS_SEED, &shape(&js_did), suites),
            ),
        ];
        for (signer, signed) in signed_by {
            let n = controls.len();
            controls.push((
                format!("{signer}-signed {base}, untampered"),
                write_json(dir.path(), &format!("c-{n}.json"), &signed),
            ));
            for (tamper, apply) in TAMPERS {
                let mut copy = signed.clone();
                apply(&mut copy);
                assert_ne!(copy, signed, "{tamper}: changed nothing");
                let n = tampered.len();
                tampered.push((
                    format!("{signer}-signed {base}, {tamper}"),
                    write_json(dir.path(), &format!("t-{n}.json"), &copy),
                ));
            }
        }
    }

    let all: Vec<&Path> = controls
        .iter()
        .chain(&tampered)
        .map(|(_, p)| p.as_path())
        .collect();
    let verdicts = js_verify(&all, &[]);
    let (control_verdicts, tampered_verdicts) = verdicts.split_at(controls.len());
    for ((label, file), v) in controls.iter().zip(control_verdicts) {
        assert!(v.verified, "{label}: JS: {}", v.line);
        let r = rosette_verify(file);
        assert_eq!(r.code, 0, "{label}: rosette: {r}");
    }
    let mut failures = Vec::new();
    for ((label, file), v) in tampered.iter().zip(tampered_verdicts) {
        if v.verified {
            failures.push(format!("{label}: JS verified it: {}", v.line));
        }
        let r = rosette_verify(file);
        if r.code != 1 || r.report["verified"] != json!(false) || !has_invalid_check(&r) {
            failures.push(format!("{label}: rosette: {r}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} tampered copies not rejected:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// With the same key, credential and `created`, Rosette and the JS reference
/// must produce the same proof (Ed25519 is deterministic), for both suites
/// and for proof sets. The key reaches Rosette as a PKCS#8 PEM built here.
#[test]
fn same_key_same_proof_value() {
    if !node_ready() {
        return;
    }
    let dir = tempdir();
    let key = write_pkcs8_pem(dir.path(), SHARED_SEED);
    let did = js_did(SHARED_SEED);
    for (name, shape, suites) in SIGNING_CASES {
        let unsigned = shape(&did);
        let by_rosette = rosette_sign_all(dir.path(), &key, &unsigned, suites);
        let by_js = js_sign_all(dir.path(), SHARED_SEED, &unsigned, suites);
        let (rp, jp) = (proofs(&by_rosette), proofs(&by_js));
        assert_eq!(rp.len(), jp.len(), "{name}: proof count");
        for (i, (r, j)) in rp.iter().zip(&jp).enumerate() {
            assert_eq!(
                r["proofValue"], j["proofValue"],
                "{name}: proof {i} differs\nrosette: {r:#}\njs: {j:#}"
            );
            assert_eq!(r, j, "{name}: proof {i} options differ");
        }
        assert_eq!(
            without_proof(&by_rosette),
            without_proof(&by_js),
            "{name}: document changed"
        );
        assert_eq!(
            without_proof(&by_rosette),
            unsigned,
            "{name}: Rosette changed the document"
        );
    }
}

/// The Node harness on its own: did:key vector, sign → verify, tamper →
/// false, and the strict proof-set rule versus the library's own verdict.
#[test]
fn node_harness_self_check() {
    if !node_ready() {
        return;
    }
    assert_eq!(
        js_did(&"00".repeat(32)),
        OTHER_DID,
        "did-key.mjs vs W3C did:key vector"
    );
    let dir = tempdir();
    let did = js_did(JS_SEED);
    let set = js_sign_all(dir.path(), JS_SEED, &minimal(&did), &[RDFC, JCS]);
    let mut bad_second = set.clone();
    change_one_char(&mut last_proof(&mut bad_second)["proofValue"]);
    let mut changed = set.clone();
    append(&mut changed["credentialSubject"]["name"], "x");
    let good = write_json(dir.path(), "good.json", &set);
    let bad2 = write_json(dir.path(), "bad2.json", &bad_second);
    let changed = write_json(dir.path(), "changed.json", &changed);

    let v = js_verify(&[&good, &bad2, &changed], &[]);
    assert!(
        v[0].verified && v[0].proofs_verified() == 2,
        "{}",
        v[0].line
    );
    assert!(
        !v[1].verified,
        "strict: one bad proof of two must fail: {}",
        v[1].line
    );
    assert_eq!(
        v[1].line["libraryVerified"],
        json!(true),
        "library accepts a set if any proof verifies: {}",
        v[1].line
    );
    assert!(
        !v[2].verified && v[2].line["libraryVerified"] == json!(false),
        "{}",
        v[2].line
    );

    let lenient = js_verify(&[&bad2], &["--any-proof"]);
    assert!(
        lenient[0].verified,
        "--any-proof gives the library's verdict: {}",
        lenient[0].line
    );
}

// ---------------------------------------------------------------------------
// Helpers: environment.
// ---------------------------------------------------------------------------

/// Whether Node and the installed harness are usable. Missing ones fail the
/// test under CI (env `CI` set) and are skipped loudly otherwise.
pub(crate) fn node_ready() -> bool {
    let problem = if !Path::new(INTEROP_DIR).join("node_modules").is_dir() {
        Some(format!(
            "{INTEROP_DIR}/node_modules is missing (run `npm ci` in tests/interop)"
        ))
    } else {
        match Command::new("node").arg("--version").output() {
            Err(e) => Some(format!("`node` cannot be run: {e}")),
            Ok(out) if !out.status.success() => Some("`node --version` failed".to_owned()),
            Ok(out) => {
                let v = String::from_utf8_lossy(&out.stdout).trim().to_owned();
                let major: u32 = v
                    .trim_start_matches('v')
                    .split('.')
                    .next()
                    .and_then(|m| m.parse().ok())
                    .unwrap_or(0);
                (major < 20).then(|| format!("node {v} is too old (need >= 20)"))
            }
        }
    };
    match problem {
        None => true,
        Some(p) if std::env::var_os("CI").is_some() => {
            panic!("interop tests cannot run in CI: {p}")
        }
        Some(p) => {
            // Written to the stderr handle directly: unlike eprintln!, this
            // is not swallowed by the test harness's output capture.
            let _ = writeln!(
                std::io::stderr(),
                "\n!!!!!!!! INTEROP TEST SKIPPED: {p} !!!!!!!!\n"
            );
            false
        }
    }
}

pub(crate) fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("create temp dir")
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub(crate) fn node(script: &str, args: &[&str]) -> Output {
    run(Command::new("node")
        .current_dir(INTEROP_DIR)
        .arg(script)
        .args(args))
}

pub(crate) fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    let text = serde_json::to_string_pretty(value).expect("serialize JSON");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path
}

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

fn parse_stdout(what: &str, out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{what}: stdout is not JSON ({e}): {}", describe(out)))
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

// ---------------------------------------------------------------------------
// Helpers: Rosette CLI.
// ---------------------------------------------------------------------------

/// `rosette keys generate --out PATH` → (key path, did:key).
pub(crate) fn rosette_keygen(dir: &Path) -> (PathBuf, String) {
    let key = dir.join("rosette-key.pem");
    let out = run(Command::new(ROSETTE)
        .args(["keys", "generate", "--out"])
        .arg(&key));
    assert_eq!(code(&out), 0, "rosette keys generate: {}", describe(&out));
    let did = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        did.starts_with("did:key:z6Mk") && !did.contains('\n'),
        "keys generate printed {did:?}"
    );
    assert!(key.is_file(), "keys generate wrote no {}", key.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key)
            .expect("key metadata")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "key file mode");
    }
    (key, did)
}

/// `rosette sign` once per suite (each adds a proof), returns the result.
pub(crate) fn rosette_sign_all(dir: &Path, key: &Path, unsigned: &Value, suites: &[&str]) -> Value {
    let mut doc = unsigned.clone();
    for suite in suites {
        let input = write_json(dir, "rosette-sign-input.json", &doc);
        let out = run(Command::new(ROSETTE)
            .args(["sign", "--suite", suite, "--created", CREATED, "--key"])
            .arg(key)
            .arg(&input));
        assert_eq!(
            code(&out),
            0,
            "rosette sign --suite {suite}: {}",
            describe(&out)
        );
        doc = parse_stdout("rosette sign", &out);
    }
    doc
}

pub(crate) struct RosetteVerdict {
    file: PathBuf,
    pub(crate) code: i32,
    pub(crate) report: Value,
    stderr: String,
}

impl std::fmt::Display for RosetteVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: exit {}, report {}, stderr {:?}",
            self.file.display(),
            self.code,
            self.report,
            self.stderr
        )
    }
}

/// `rosette verify --json FILE`; exit 2 (usage/unreadable) is a harness bug.
pub(crate) fn rosette_verify(file: &Path) -> RosetteVerdict {
    let out = run(Command::new(ROSETTE).args(["verify", "--json"]).arg(file));
    assert!(
        matches!(code(&out), 0 | 1),
        "rosette verify --json: {}",
        describe(&out)
    );
    let report = parse_stdout("rosette verify --json", &out);
    assert!(
        report["checks"].is_array(),
        "report has no checks array: {report}"
    );
    RosetteVerdict {
        file: file.to_owned(),
        code: code(&out),
        report,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn check_states(r: &RosetteVerdict) -> impl Iterator<Item = &str> {
    r.report["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["state"].as_str().unwrap_or("?"))
}

fn has_invalid_check(r: &RosetteVerdict) -> bool {
    check_states(r).any(|s| s == "invalid")
}

fn assert_no_invalid_check(name: &str, r: &RosetteVerdict) {
    for state in check_states(r) {
        assert!(
            matches!(state, "valid" | "unknown"),
            "{name}: check state {state:?} in a verified report: {r}"
        );
    }
}

/// Writes the Ed25519 key for `seed_hex` as an unencrypted PKCS#8 v1 PEM
/// (RFC 8410), mode 0600.
fn write_pkcs8_pem(dir: &Path, seed_hex: &str) -> PathBuf {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend(
        (0..32).map(|i| u8::from_str_radix(&seed_hex[2 * i..2 * i + 2], 16).expect("hex seed")),
    );
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64(&der)
    );
    let path = dir.join("shared-key.pem");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(&path).expect("create PEM file");
    file.write_all(pem.as_bytes()).expect("write PEM");
    path
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Helpers: Node harness.
// ---------------------------------------------------------------------------

pub(crate) fn js_did(seed: &str) -> String {
    let out = node("did-key.mjs", &["--seed", seed]);
    assert_eq!(code(&out), 0, "did-key.mjs: {}", describe(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// `sign.mjs` once per suite (each adds a proof), returns the result.
pub(crate) fn js_sign_all(dir: &Path, seed: &str, unsigned: &Value, suites: &[&str]) -> Value {
    let mut doc = unsigned.clone();
    for suite in suites {
        let input = write_json(dir, "js-sign-input.json", &doc);
        let out = node(
            "sign.mjs",
            &[
                "--suite",
                suite,
                "--seed",
                seed,
                "--created",
                CREATED,
                path_str(&input),
            ],
        );
        assert_eq!(
            code(&out),
            0,
            "sign.mjs --suite {suite}: {}",
            describe(&out)
        );
        doc = parse_stdout("sign.mjs", &out);
    }
    doc
}

pub(crate) struct JsVerdict {
    pub(crate) file: PathBuf,
    pub(crate) verified: bool,
    pub(crate) line: Value,
}

impl JsVerdict {
    fn proofs_verified(&self) -> usize {
        self.line["proofs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["verified"] == json!(true))
            .count()
    }
}

/// `verify.mjs [extra] FILE...` → one verdict per file, in order. Checks the
/// exit code agrees with the lines (0 iff all verified; 2 is a harness bug).
pub(crate) fn js_verify(files: &[&Path], extra: &[&str]) -> Vec<JsVerdict> {
    let mut args: Vec<&str> = extra.to_vec();
    args.extend(files.iter().map(|p| path_str(p)));
    let out = node("verify.mjs", &args);
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("verify.mjs line {l:?}: {e}")))
        .collect();
    assert_eq!(
        lines.len(),
        files.len(),
        "verify.mjs: one line per file: {}",
        describe(&out)
    );
    let verdicts: Vec<JsVerdict> = files
        .iter()
        .zip(lines)
        .map(|(file, line)| {
            assert_eq!(
                line["file"].as_str(),
                Some(path_str(file)),
                "verify.mjs line order"
            );
            let verified = match line["verified"] {
                Value::Bool(b) => b,
                _ => panic!("verify.mjs line without boolean verified: {line}"),
            };
            JsVerdict {
                file: file.to_path_buf(),
                verified,
                line,
            }
        })
        .collect();
    let expected = if verdicts.iter().all(|v| v.verified) {
        0
    } else {
        1
    };
    assert_eq!(
        code(&out),
        expected,
        "verify.mjs exit code: {}",
        describe(&out)
    );
    verdicts
}

// ---------------------------------------------------------------------------
// Helpers: JSON manipulation.
// ---------------------------------------------------------------------------

fn proofs(doc: &Value) -> Vec<Value> {
    match &doc["proof"] {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        p => vec![p.clone()],
    }
}

fn without_proof(doc: &Value) -> Value {
    let mut d = doc.clone();
    if let Some(map) = d.as_object_mut() {
        map.remove("proof");
    }
    d
}

fn first_proof(doc: &mut Value) -> &mut Value {
    match &mut doc["proof"] {
        Value::Array(a) => a.first_mut().expect("empty proof array"),
        p => p,
    }
}

fn last_proof(doc: &mut Value) -> &mut Value {
    match &mut doc["proof"] {
        Value::Array(a) => a.last_mut().expect("empty proof array"),
        p => p,
    }
}

fn append(v: &mut Value, suffix: &str) {
    let s = v.as_str().expect("string to tamper with");
    *v = json!(format!("{s}{suffix}"));
}

/// Replaces the middle character of a multibase string by another base58btc
/// character, keeping it decodable.
fn change_one_char(v: &mut Value) {
    let mut chars: Vec<char> = v.as_str().expect("proofValue string").chars().collect();
    let i = chars.len() / 2;
    chars[i] = if chars[i] == '2' { '3' } else { '2' };
    *v = json!(chars.into_iter().collect::<String>());
}

fn truncate_half(v: &mut Value) {
    let s = v.as_str().expect("proofValue string");
    *v = json!(s[..s.len() / 2].to_owned());
}

// ---------------------------------------------------------------------------
// Generic VC-API issuance, verified by the reference libraries over https.
// ---------------------------------------------------------------------------

/// A credential issued through generic VC-API (`POST /credentials/issue`
/// with an `issuer` token, `options.cryptosuite`, a revocation entry) by a
/// did:key `rosette serve` over HTTPS verifies in the pinned Digital Bazaar
/// libraries (`vcapi_generic.mjs`): every proof, and `checkStatus` with the
/// status list credential verified and its issuer matching — the list
/// fetched by jsonld.js's own node document loader over https (the loader
/// of the W3C suites, which reads no body from an `application/vc`
/// answer). After a revocation through the admin API the library reads the
/// bit as set.
#[test]
fn generic_vc_api_credentials_and_their_status_lists_verify_in_js_over_https() {
    if !node_ready() {
        return;
    }
    let s = crate::conformance::Suite::start();
    let dir = tempdir();
    let ca = s.server.ca.display().to_string();
    let check = |file: &Path| -> Value {
        let out = node(
            "vcapi_generic.mjs",
            &[
                "--credential",
                path_str(file),
                "--ca",
                &ca,
                "--origin",
                &s.server.base,
            ],
        );
        assert_eq!(code(&out), 0, "vcapi_generic.mjs: {}", describe(&out));
        parse_stdout("vcapi_generic.mjs", &out)
    };
    for suite in [JCS, RDFC] {
        // Only contexts the JS loader bundles (it has no examples context).
        let signed = s.issued(
            suite,
            &s.credential(),
            &json!({ "cryptosuite": suite, "statusPurpose": "revocation" }),
        );
        let file = write_json(dir.path(), &format!("{suite}.json"), &signed);
        let list = signed["credentialStatus"]
            .as_array()
            .and_then(|a| a.first())
            .unwrap_or(&signed["credentialStatus"])["statusListCredential"]
            .as_str()
            .unwrap_or_else(|| panic!("{suite}: no status entry: {signed:#}"))
            .to_owned();

        let line = check(&file);
        assert_eq!(line["verified"], true, "{suite}: {line}");
        assert_eq!(line["libraryVerified"], true, "{suite}: {line}");
        assert_eq!(line["proofs"][0]["cryptosuite"], suite, "{line}");
        assert_eq!(line["statusVerified"], true, "{suite}: {line}");
        assert_eq!(
            line["status"],
            json!([{
                "purpose": "revocation",
                "index": signed["credentialStatus"][0]["statusListIndex"]
                    .as_str()
                    .or(signed["credentialStatus"]["statusListIndex"].as_str()),
                "list": list,
                "set": false
            }]),
            "{suite}: {line}"
        );
        assert_eq!(
            line["fetched"],
            json!([list]),
            "only the list is fetched: {line}"
        );

        let uuid = crate::conformance::Suite::uuid_of(&signed);
        let r = s.post(
            &format!("/api/v1/admin/credentials/{uuid}/revoke"),
            Some(s.admin_token()),
            &json!({ "reason": "interop test" }),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let line = check(&file);
        assert_eq!(line["statusVerified"], true, "{suite}: {line}");
        assert_eq!(line["status"][0]["set"], true, "{suite}: revoked: {line}");
    }
}

/// VC-DI 1.0 §2.4.1 (CONFORMANCE: "the Data Integrity v2 context appended
/// when signing 1.1 input whose contexts do not define
/// `DataIntegrityProof`"): `rosette sign` of VCDM 1.1 input appends the
/// context, as the JavaScript issuer does, and the result verifies in both.
#[test]
fn rosette_sign_adds_the_data_integrity_context_to_vcdm_1_1_input() {
    if !node_ready() {
        return;
    }
    let dir = tempdir();
    let (key, did) = rosette_keygen(dir.path());
    let unsigned = serde_json::json!({
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:7d7c3a5e-3f0e-4a43-9a3b-0f3d2b9e1c11",
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21"}
    });
    for suite in ["eddsa-rdfc-2022", "eddsa-jcs-2022"] {
        let signed = rosette_sign_all(dir.path(), &key, &unsigned, &[suite]);
        assert_eq!(
            signed["@context"],
            serde_json::json!([
                "https://www.w3.org/2018/credentials/v1",
                "https://w3id.org/security/data-integrity/v2"
            ]),
            "{suite}: {signed}"
        );
        let file = write_json(dir.path(), &format!("v11-{suite}.json"), &signed);
        let ours = rosette_verify(&file);
        assert_eq!(ours.code, 0, "{suite}: {ours}");
        let js = js_verify(&[&file], &[]);
        assert!(js[0].verified, "{suite}: {}", js[0].line);
    }
    // Signing again (a proof set) leaves the contexts alone: the first
    // proof covers them.
    let once = rosette_sign_all(dir.path(), &key, &unsigned, &["eddsa-rdfc-2022"]);
    let twice = rosette_sign_all(dir.path(), &key, &once, &["eddsa-jcs-2022"]);
    assert_eq!(twice["@context"], once["@context"]);
    let file = write_json(dir.path(), "v11-set.json", &twice);
    assert_eq!(rosette_verify(&file).code, 0);
}
