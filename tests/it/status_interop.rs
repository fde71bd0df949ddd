//! Bitstring Status List interoperability (STANDARDS §7, §12 item 6):
//! `rosette::status` against the Digital Bazaar reference library
//! `@digitalbazaar/vc-bitstring-status-list`, driven through
//! `tests/interop/status.mjs`.
//!
//! * our `encodedList` → their `decodeList`, and their `createList` +
//!   `encode` → our `Bitstring::decode` (bit order: bit 0 = MSB of byte 0);
//! * our signed `BitstringStatusListCredential` + a credential carrying a
//!   `BitstringStatusListEntry`, checked by their `checkStatus` (list proof
//!   verified, matching issuers, matching purpose).
//!
//! Needs `node` and `tests/interop/node_modules`; see `crate::interop::node_ready`.

use std::path::{Path, PathBuf};
use std::process::Output;

use rosette::keys::{CredentialSigner as _, IssuerKey, SigningKey, decode_secret_key};
use rosette::proof::{Cryptosuite, ProofOptions, add_proof};
use rosette::status::{Bitstring, MAX_DECODED_BYTES, MIN_LIST_SIZE, StatusError, list_credential};
use serde_json::{Value, json};

use crate::interop::{node, node_ready};

/// The list URL (the entries' `statusListCredential` and the list's `id`).
const LIST_URL: &str = "https://status.example/lists/1";
/// A second list, for the two-entry case.
const LIST2_URL: &str = "https://status.example/lists/2";
/// Rosette's test issuer key (multibase secret key; test key only).
const ISSUER_SECRET: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
/// `proof.created` of every signature made here.
const CREATED: &str = "2026-01-01T00:00:00Z";
/// `validFrom` of the lists and the credentials (in the past).
const VALID_FROM: &str = "2026-01-01T00:00:00Z";
/// The index the credentials use; its neighbours are set in every list so
/// an off-by-one or a bit-order mix-up reads a set bit.
const INDEX: u64 = 94_567;

/// Bit sets exchanged in both directions (on a 131,072-entry list).
const BIT_SETS: &[&[u64]] = &[&[0, 7, 8, 131_071], &[1, 94_567]];

// ---------------------------------------------------------------------------
// Encoding: ours → theirs, theirs → ours.
// ---------------------------------------------------------------------------

#[test]
fn rosette_encoded_lists_decode_in_the_library_with_the_same_bits() {
    if !node_ready() {
        return;
    }
    for bits in BIT_SETS {
        let mut list = Bitstring::new(MIN_LIST_SIZE);
        for &i in *bits {
            list.set(i, true).unwrap();
        }
        assert_eq!(list.set_indexes(), bits.to_vec(), "precondition");
        let encoded = list.encode();
        let out = node("status.mjs", &["decode", "--", &encoded]);
        assert_eq!(
            stdout_json("status.mjs decode", &out, 0),
            json!({"length": MIN_LIST_SIZE, "set": bits}),
            "library decode of Rosette's list with bits {bits:?}"
        );
    }
}

#[test]
fn library_encoded_lists_decode_in_rosette_with_the_same_bits() {
    if !node_ready() {
        return;
    }
    for bits in BIT_SETS {
        let encoded = library_encode(MIN_LIST_SIZE, bits);
        let list = Bitstring::decode(&encoded, MAX_DECODED_BYTES)
            .unwrap_or_else(|e| panic!("Rosette cannot decode the library's list {bits:?}: {e}"));
        assert_eq!(list.len(), MIN_LIST_SIZE, "length of {bits:?}");
        assert_eq!(
            list.set_indexes(),
            bits.to_vec(),
            "bits of the library's list"
        );
        for &i in *bits {
            assert_eq!(list.get(i), Ok(true), "bit {i}");
        }
    }
}

/// A known divergence, pinned: the library has no minimum length (neither
/// `createList` nor `decodeList` checks one), Rosette refuses lists shorter
/// than 131,072 entries (BSL §3.2 step 5, STATUS_LIST_LENGTH_ERROR).
#[test]
fn short_lists_are_read_by_the_library_but_refused_by_rosette() {
    if !node_ready() {
        return;
    }
    let theirs = library_encode(800, &[1]);
    assert_eq!(
        Bitstring::decode(&theirs, MAX_DECODED_BYTES),
        Err(StatusError::TooShort(800))
    );

    let mut ours = Bitstring::new(800);
    ours.set(1, true).unwrap();
    let out = node("status.mjs", &["decode", "--", &ours.encode()]);
    assert_eq!(
        stdout_json("status.mjs decode (short list)", &out, 0),
        json!({"length": 800, "set": [1]})
    );
}

// ---------------------------------------------------------------------------
// checkStatus on Rosette's signed list credentials.
// ---------------------------------------------------------------------------

#[test]
fn library_check_status_reads_a_clear_bit_as_false() {
    if !node_ready() {
        return;
    }
    let issuer = issuer_key();
    let list = signed_list(&issuer, LIST_URL, "revocation", &[INDEX - 1, INDEX + 1]);
    let credential = signed_credential(&issuer, json!(entry(LIST_URL, "revocation", INDEX)));
    let report = check(&credential, &[&list]);
    assert_eq!(
        report,
        json!({
            "verified": true,
            "results": [{"purpose": "revocation", "index": INDEX.to_string(), "status": false, "verified": true}],
            "credentialVerified": true
        })
    );
}

/// STANDARDS §12 item 6: the library reports a set bit as `status: true`
/// and still `verified: true` (also for the whole credential).
#[test]
fn library_check_status_reads_a_set_bit_as_true_and_still_verified() {
    if !node_ready() {
        return;
    }
    let issuer = issuer_key();
    let list = signed_list(&issuer, LIST_URL, "revocation", &[0, INDEX, 131_071]);
    let credential = signed_credential(&issuer, json!(entry(LIST_URL, "revocation", INDEX)));
    let report = check(&credential, &[&list]);
    assert_eq!(
        report,
        json!({
            "verified": true,
            "results": [{"purpose": "revocation", "index": INDEX.to_string(), "status": true, "verified": true}],
            "credentialVerified": true
        })
    );
}

#[test]
fn library_check_status_reads_two_entries_on_two_lists() {
    if !node_ready() {
        return;
    }
    let issuer = issuer_key();
    let revocation = signed_list(&issuer, LIST_URL, "revocation", &[INDEX - 1, INDEX + 1]);
    let suspension = signed_list(&issuer, LIST2_URL, "suspension", &[7]);
    let credential = signed_credential(
        &issuer,
        json!([
            entry(LIST_URL, "revocation", INDEX),
            entry(LIST2_URL, "suspension", 7)
        ]),
    );
    let report = check(&credential, &[&revocation, &suspension]);
    assert_eq!(
        report,
        json!({
            "verified": true,
            "results": [
                {"purpose": "revocation", "index": INDEX.to_string(), "status": false, "verified": true},
                {"purpose": "suspension", "index": "7", "status": true, "verified": true}
            ],
            "credentialVerified": true
        })
    );
}

/// verifyMatchingIssuers: a list validly signed by another did:key (and
/// naming that issuer) is refused for our credential.
#[test]
fn library_check_status_refuses_a_list_from_another_issuer() {
    if !node_ready() {
        return;
    }
    let issuer = issuer_key();
    let other = other_key();
    assert_ne!(issuer.issuer(), other.issuer(), "precondition");
    let list = signed_list(&other, LIST_URL, "revocation", &[]);
    let credential = signed_credential(&issuer, json!(entry(LIST_URL, "revocation", INDEX)));
    let msg = "Issuers of the status list credential and verifiable credential do not match.";
    assert_refused(&check(&credential, &[&list]), "revocation", msg);
}

/// A list naming our issuer but signed by another key fails the list's
/// proof check (the key's controller is not the list's issuer).
#[test]
fn library_check_status_refuses_a_list_signed_by_another_key() {
    if !node_ready() {
        return;
    }
    let issuer = issuer_key();
    let other = other_key();
    let unsigned = list_credential(
        LIST_URL,
        &json!(issuer.issuer()),
        "revocation",
        &bits(&[]),
        VALID_FROM,
        300_000,
    );
    let list = sign(&unsigned, &other);
    let credential = signed_credential(&issuer, json!(entry(LIST_URL, "revocation", INDEX)));
    let report = check(&credential, &[&list]);
    assert_refused(
        &report,
        "revocation",
        "\"BitstringStatusListCredential\" not verified; reason: Verification error(s). \
         [cause: Credential issuer must match the verification method controller.]",
    );
}

/// The list's proof is really checked: flipping a bit after signing (here,
/// setting the credential's bit) makes the list fail verification.
#[test]
fn library_check_status_refuses_a_list_changed_after_signing() {
    if !node_ready() {
        return;
    }
    let issuer = issuer_key();
    let mut list = signed_list(&issuer, LIST_URL, "revocation", &[]);
    list["credentialSubject"]["encodedList"] = json!(bits(&[INDEX]).encode());
    let credential = signed_credential(&issuer, json!(entry(LIST_URL, "revocation", INDEX)));
    assert_refused(
        &check(&credential, &[&list]),
        "revocation",
        "\"BitstringStatusListCredential\" not verified; reason: Verification error(s). \
         [cause: Invalid signature.]",
    );
}

#[test]
fn library_check_status_refuses_a_purpose_mismatch() {
    if !node_ready() {
        return;
    }
    let issuer = issuer_key();
    let list = signed_list(&issuer, LIST_URL, "revocation", &[]);
    let credential = signed_credential(&issuer, json!(entry(LIST_URL, "suspension", INDEX)));
    let msg = "The status purpose \"revocation\" of the status list credential does not match \
               the status purpose \"suspension\" in the credential.";
    assert_refused(&check(&credential, &[&list]), "suspension", msg);
}

#[test]
fn library_check_status_refuses_an_index_outside_the_list() {
    if !node_ready() {
        return;
    }
    let issuer = issuer_key();
    let list = signed_list(&issuer, LIST_URL, "revocation", &[]);
    let index = MIN_LIST_SIZE as u64;
    let credential = signed_credential(&issuer, json!(entry(LIST_URL, "revocation", index)));
    let report = check(&credential, &[&list]);
    let msg = "Position \"131072\" is out of range \"0-131071\".";
    assert_eq!(report["results"][0]["index"], json!("131072"), "{report:#}");
    assert_refused(&report, "revocation", msg);
}

// ---------------------------------------------------------------------------
// Fixtures.
// ---------------------------------------------------------------------------

fn issuer_key() -> IssuerKey {
    IssuerKey::did_key(decode_secret_key(ISSUER_SECRET).unwrap())
}

/// Another did:key (fixed seed; test key only).
fn other_key() -> IssuerKey {
    IssuerKey::did_key(SigningKey::from_bytes(&[0x42; 32]))
}

fn sign(doc: &Value, key: &IssuerKey) -> Value {
    let options = ProofOptions::assertion(Cryptosuite::EddsaRdfc2022, Some(CREATED.into()));
    add_proof(doc, &options, key).unwrap_or_else(|e| panic!("sign: {e}"))
}

fn bits(set: &[u64]) -> Bitstring {
    let mut b = Bitstring::new(MIN_LIST_SIZE);
    for &i in set {
        b.set(i, true).unwrap();
    }
    b
}

/// Rosette's signed list credential at `url`, issued by `key`, with `set` bits.
fn signed_list(key: &IssuerKey, url: &str, purpose: &str, set: &[u64]) -> Value {
    let unsigned = list_credential(
        url,
        &json!(key.issuer()),
        purpose,
        &bits(set),
        VALID_FROM,
        300_000,
    );
    sign(&unsigned, key)
}

fn entry(list_url: &str, purpose: &str, index: u64) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url
    })
}

/// A minimal VC 2.0 credential with `credentialStatus`, signed by `key`.
fn signed_credential(key: &IssuerKey, credential_status: Value) -> Value {
    let unsigned = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b5d3e4a-6c1f-4a8e-9d2b-7f3c1e5a9b20",
        "type": ["VerifiableCredential"],
        "issuer": key.issuer(),
        "validFrom": VALID_FROM,
        "credentialSubject": {"id": "did:example:holder"},
        "credentialStatus": credential_status
    });
    sign(&unsigned, key)
}

// ---------------------------------------------------------------------------
// Helpers: the Node script.
// ---------------------------------------------------------------------------

/// `status.mjs encode` → the library's `encodedList`.
fn library_encode(length: usize, set: &[u64]) -> String {
    let list: Vec<String> = set.iter().map(u64::to_string).collect();
    let length = length.to_string();
    let out = node(
        "status.mjs",
        &["encode", "--length", &length, "--bits", &list.join(",")],
    );
    let v = stdout_json("status.mjs encode", &out, 0);
    assert_eq!(v["length"], json!(length.parse::<u64>().unwrap()), "{v}");
    let encoded = v["encodedList"]
        .as_str()
        .unwrap_or_else(|| panic!("no encodedList: {v}"));
    assert!(encoded.starts_with('u'), "{encoded}");
    encoded.to_owned()
}

/// `status.mjs check` over a temp credential file and list files.
fn check(credential: &Value, lists: &[&Value]) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let cred = write_json(dir.path(), "credential.json", credential);
    let mut args: Vec<String> = vec!["check".into(), "--credential".into(), path_string(&cred)];
    for (n, list) in lists.iter().enumerate() {
        let p = write_json(dir.path(), &format!("list-{n}.json"), list);
        args.extend(["--list".into(), path_string(&p)]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    stdout_json("status.mjs check", &node("status.mjs", &args), 0)
}

/// The report of a refused check: overall and per-entry `verified: false`,
/// `status: null`, and exactly `msg` as the error (the credential's own
/// verification fails on the status check with the same message).
fn assert_refused(report: &Value, purpose: &str, msg: &str) {
    assert_eq!(report["verified"], json!(false), "{report:#}");
    assert_eq!(report["error"], json!(msg), "{report:#}");
    let results = report["results"]
        .as_array()
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(results.len(), 1, "{report:#}");
    assert_eq!(results[0]["purpose"], json!(purpose), "{report:#}");
    assert_eq!(results[0]["status"], Value::Null, "{report:#}");
    assert_eq!(results[0]["verified"], json!(false), "{report:#}");
    assert_eq!(results[0]["error"], json!(msg), "{report:#}");
    assert_eq!(report["credentialVerified"], json!(false), "{report:#}");
    assert_eq!(report["credentialError"], json!(msg), "{report:#}");
}

fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap())
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path
}

fn path_string(p: &Path) -> String {
    p.to_str().expect("UTF-8 temp path").to_owned()
}

fn stdout_json(what: &str, out: &Output, expected_code: i32) -> Value {
    let describe = || {
        format!(
            "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    assert_eq!(
        out.status.code(),
        Some(expected_code),
        "{what}: {}",
        describe()
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{what}: stdout is not JSON ({e}): {}", describe()))
}
