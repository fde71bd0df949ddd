//! Revocation and suspension: entries in every credential, lists re-signed
//! on each change, verification fail-closed, and hostile lists refused.

use crate::issuance::{catalog, test_key, verify};
use crate::support::{block_on, fresh_postgres_database, sqlite_url};
use rosette::clock::FixedClock;
use rosette::future::BoxFuture;
use rosette::issuance::revocation::{OwnStatusLists, StatusChange};
use rosette::issuance::{Actor, IssueOutcome, Issuer, LabInput, WrittenInput};
use rosette::keys::{CredentialSigner, IssuerKey, OfflineResolver};
use rosette::proof::{self, Cryptosuite, ProofOptions};
use rosette::status::{Bitstring, MIN_LIST_SIZE};
use rosette::store::{SqlStore, Store};
use rosette::verification::{
    self, CheckState, SourceError, StatusCache, StatusSource, VerifyContext,
};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};

const CERT: &str = "gitlab-project-management-specialist";

use crate::issuance::issuer;

async fn issue_one(iss: &Issuer<'_>, n: usize) -> rosette::store::CredentialRecord {
    let admin = Actor::admin("admin");
    let email = format!("p{n}@example.com");
    iss.register_candidate(&format!("Person {n}"), &email, None, &admin)
        .await
        .unwrap();
    iss.record_written(
        &WrittenInput {
            email: email.clone(),
            certification: CERT.into(),
            attempt: 1,
            score: 95.0,
            assessed_on: "2026-11-01".into(),
            reference: None,
        },
        &admin,
    )
    .await
    .unwrap();
    iss.record_lab(
        &LabInput {
            email: email.clone(),
            certification: CERT.into(),
            attempt: 1,
            passed: true,
            notes: None,
            assessed_on: "2026-11-02".into(),
        },
        &Actor::grader("grader@example.com"),
    )
    .await
    .unwrap();
    match iss.issue(&email, CERT, 1, None, &admin).await.unwrap() {
        IssueOutcome::Issued(r) => r,
        other => panic!("{other:?}"),
    }
}

fn status_code(report: &verification::Report) -> Vec<(String, CheckState)> {
    report
        .checks
        .iter()
        .filter(|c| c.check == "status")
        .map(|c| (c.code.clone(), c.state))
        .collect()
}

#[test]
fn revoke_suspend_reinstate_change_the_published_lists() {
    let on =
        async |store: SqlStore| {
            let (catalog, key, clock) = (
                catalog(),
                test_key(),
                FixedClock::parse("2026-11-25T12:00:00Z").unwrap(),
            );
            let iss = issuer(&store, &catalog, &key, &clock);
            let admin = Actor::admin("admin");
            let rec = issue_one(&iss, 1).await;
            let doc: Value = serde_json::from_str(&rec.document).unwrap();
            let entries = doc["credentialStatus"]
                .as_array()
                .expect("two status entries");
            assert_eq!(entries.len(), 2);
            let purposes: Vec<&str> = entries
                .iter()
                .map(|e| e["statusPurpose"].as_str().unwrap())
                .collect();
            assert_eq!(purposes, ["revocation", "suspension"]);
            for e in entries {
                assert_eq!(e["type"], "BitstringStatusListEntry");
                let idx = e["statusListIndex"]
                    .as_str()
                    .expect("the index is a decimal string");
                assert!(idx.parse::<u64>().unwrap() < MIN_LIST_SIZE as u64);
                assert!(
                    e["statusListCredential"]
                        .as_str()
                        .unwrap()
                        .starts_with("https://certs.example.com/status/")
                );
                assert_eq!(
                    e["id"],
                    format!("{}#{idx}", e["statusListCredential"].as_str().unwrap())
                );
            }
            let now = "2026-11-26T00:00:00Z";
            assert!(verify(&store, &rec.document, &key, now).await.verified);

            // Suspend, then reinstate; the status says since when.
            assert_eq!(iss.credential_status(&rec.id).await.unwrap().since, None);
            let suspended = iss
                .change_status(
                    &rec.id,
                    StatusChange::Suspend,
                    "exam integrity review",
                    &admin,
                )
                .await
                .unwrap();
            assert!(suspended.suspended && !suspended.revoked);
            assert_eq!(suspended.since.as_deref(), Some("2026-11-25T12:00:00Z"));
            assert_eq!(iss.credential_status(&rec.id).await.unwrap(), suspended);
            let report = verify(&store, &rec.document, &key, now).await;
            assert!(!report.verified);
            assert!(
                status_code(&report).contains(&("suspended".into(), CheckState::Invalid)),
                "{report:#?}"
            );
            assert_eq!(
                iss.change_status(&rec.id, StatusChange::Suspend, "again", &admin)
                    .await
                    .unwrap_err()
                    .code(),
                "status_conflict"
            );
            let reinstated = iss
                .change_status(&rec.id, StatusChange::Reinstate, "review cleared", &admin)
                .await
                .unwrap();
            assert_eq!((reinstated.suspended, reinstated.since), (false, None));
            assert!(verify(&store, &rec.document, &key, now).await.verified);

            // Revoke: final.
            let revoked = iss
                .change_status(&rec.id, StatusChange::Revoke, "shared exam answers", &admin)
                .await
                .unwrap();
            assert!(revoked.revoked);
            assert_eq!(revoked.since.as_deref(), Some("2026-11-25T12:00:00Z"));
            let report = verify(&store, &rec.document, &key, now).await;
            assert!(
                status_code(&report).contains(&("revoked".into(), CheckState::Invalid)),
                "{report:#?}"
            );
            for (change, code) in [
                (StatusChange::Revoke, "status_conflict"),
                (StatusChange::Reinstate, "status_conflict"),
                (StatusChange::Suspend, "status_conflict"),
            ] {
                assert_eq!(
                    iss.change_status(&rec.id, change, "x", &admin)
                        .await
                        .unwrap_err()
                        .code(),
                    code
                );
            }
            assert_eq!(
                iss.change_status(&rec.id, StatusChange::Revoke, "  ", &admin)
                    .await
                    .unwrap_err()
                    .code(),
                "invalid_input"
            );
            assert_eq!(
                iss.change_status(
                    "urn:uuid:00000000-0000-4000-8000-000000000000",
                    StatusChange::Revoke,
                    "x",
                    &admin
                )
                .await
                .unwrap_err()
                .code(),
                "unknown_credential"
            );

            // The published list verifies on its own and never carries the reason.
            let list_url = entries[0]["statusListCredential"].as_str().unwrap();
            let list_id = list_url.rsplit('/').next().unwrap();
            let published = store
                .status_list(list_id)
                .await
                .unwrap()
                .unwrap()
                .published
                .unwrap();
            assert!(!published.contains("shared exam answers"));
            let list: Value = serde_json::from_str(&published).unwrap();
            let resolver = OfflineResolver::new().with_method(key.method());
            let outcomes = proof::verify_proofs(
                &list,
                "assertionMethod",
                &resolver,
                chrono::DateTime::parse_from_rfc3339(now).unwrap().to_utc(),
            )
            .await
            .unwrap();
            assert!(outcomes.iter().all(|o| o.result.is_ok()));
            let bits = Bitstring::decode(
                list["credentialSubject"]["encodedList"].as_str().unwrap(),
                1 << 24,
            )
            .unwrap();
            assert_eq!(
                bits.set_indexes(),
                vec![
                    entries[0]["statusListIndex"]
                        .as_str()
                        .unwrap()
                        .parse::<u64>()
                        .unwrap()
                ]
            );
            let audit = store.audit_entries(0, 1000).await.unwrap();
            assert!(
                audit.iter().any(|e| e.action == "credential.revoke"
                    && e.details.contains("shared exam answers"))
            );

            // Positions are allocated at random, never twice.
            let mut indexes = Vec::new();
            for n in 2..40 {
                let r = issue_one(&iss, n).await;
                let d: Value = serde_json::from_str(&r.document).unwrap();
                indexes.push(
                    d["credentialStatus"][0]["statusListIndex"]
                        .as_str()
                        .unwrap()
                        .parse::<u64>()
                        .unwrap(),
                );
            }
            let mut sorted = indexes.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), indexes.len(), "no index reused");
            assert_ne!(sorted, indexes, "positions must not follow issuance order");
        };
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        on(SqlStore::connect(&sqlite_url(dir.path())).await.unwrap()).await;
        if let Some(url) = fresh_postgres_database().await {
            on(SqlStore::connect(&url).await.unwrap()).await;
        }
    });
}

/// A status source serving crafted lists and counting fetches.
struct Crafted {
    body: Result<Vec<u8>, SourceError>,
    fetches: AtomicUsize,
}

impl StatusSource for Crafted {
    fn status_list<'a>(&'a self, _url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, SourceError>> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        Box::pin(std::future::ready(self.body.clone()))
    }
}

const LIST: &str = "https://status.example/lists/1";

fn did_key_signer(secret: &str) -> IssuerKey {
    IssuerKey::did_key(rosette::keys::decode_secret_key(secret).unwrap())
}

fn signed(doc: &Value, signer: &IssuerKey) -> Value {
    proof::add_proof(
        doc,
        &ProofOptions::assertion(
            Cryptosuite::EddsaRdfc2022,
            Some("2026-01-01T00:00:00Z".into()),
        ),
        signer,
    )
    .unwrap()
}

fn credential(signer: &IssuerKey, purpose: &str, index: &str) -> Value {
    signed(
        &json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:11111111-2222-4333-8444-555555555555",
            "type": ["VerifiableCredential"],
            "issuer": signer.issuer(),
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": { "id": "did:example:holder" },
            "credentialStatus": [{ "id": format!("{LIST}#{index}"), "type": "BitstringStatusListEntry", "statusPurpose": purpose, "statusListIndex": index, "statusListCredential": LIST }]
        }),
        signer,
    )
}

fn list(signer: &IssuerKey, purpose: &str, bits: &Bitstring) -> Value {
    signed(
        &rosette::status::list_credential(
            LIST,
            &json!(signer.issuer()),
            purpose,
            bits,
            "2026-01-01T00:00:00Z",
            300_000,
        ),
        signer,
    )
}

#[test]
fn hostile_or_broken_lists_are_never_valid() {
    let alice = did_key_signer("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq");
    let mallory = did_key_signer("z3u2W4YnTstS1nSSBAgZcYSJF43JuZ9uLV6bF38B1Bf8NugW");
    let mut bits = Bitstring::new(MIN_LIST_SIZE);
    bits.set(42, true).unwrap();
    let good = list(&alice, "revocation", &bits);
    let mut tampered = good.clone();
    tampered["credentialSubject"]["encodedList"] = json!(Bitstring::new(MIN_LIST_SIZE).encode());
    let mut bomb = good.clone();
    bomb["credentialSubject"]["encodedList"] = json!(Bitstring::new(64 * 1024 * 1024 * 8).encode());
    let bomb = signed(
        &{
            let mut b = bomb;
            b.as_object_mut().unwrap().remove("proof");
            b
        },
        &alice,
    );
    let bad_b64 = signed(
        &{
            let mut b = good.clone();
            b.as_object_mut().unwrap().remove("proof");
            b["credentialSubject"]["encodedList"] = json!("u***");
            b
        },
        &alice,
    );
    let standard_b64 = signed(
        &{
            let mut b = good.clone();
            b.as_object_mut().unwrap().remove("proof");
            b["credentialSubject"]["encodedList"] = json!("uH4sI+/=");
            b
        },
        &alice,
    );
    let short = list(&alice, "revocation", &Bitstring::new(800));
    let unreachable = Err(SourceError {
        code: "fetch_timeout",
        message: "timed out".into(),
    });
    let bytes = |v: &Value| Ok(serde_json::to_vec(v).unwrap());
    // A cleared list placed before the signed one (bit 42 set): a first-wins
    // reader would see "not revoked".
    let twice = serde_json::to_string(&good).unwrap().replacen(
        "\"credentialSubject\":{",
        &format!(
            "\"credentialSubject\":{{\"encodedList\":\"{}\",",
            Bitstring::new(MIN_LIST_SIZE).encode()
        ),
        1,
    );
    // (label, credential, what the list URL returns, expected state, expected code)
    type Row<'a> = (
        &'a str,
        Value,
        Result<Vec<u8>, SourceError>,
        CheckState,
        &'a str,
    );
    let rows: Vec<Row> = vec![
        (
            "clear bit",
            credential(&alice, "revocation", "41"),
            bytes(&good),
            CheckState::Valid,
            "ok",
        ),
        (
            "set bit",
            credential(&alice, "revocation", "42"),
            bytes(&good),
            CheckState::Invalid,
            "revoked",
        ),
        (
            "out-of-range index",
            credential(&alice, "revocation", "131072"),
            bytes(&good),
            CheckState::Invalid,
            "status_index_out_of_range",
        ),
        (
            "wrong purpose",
            credential(&alice, "suspension", "41"),
            bytes(&good),
            CheckState::Invalid,
            "status_purpose_mismatch",
        ),
        (
            "another issuer's list",
            credential(&alice, "revocation", "41"),
            bytes(&list(&mallory, "revocation", &bits)),
            CheckState::Invalid,
            "status_list_issuer_mismatch",
        ),
        (
            "list changed after signing",
            credential(&alice, "revocation", "42"),
            bytes(&tampered),
            CheckState::Unknown,
            "status_list_proof_invalid",
        ),
        (
            "gzip bomb",
            credential(&alice, "revocation", "41"),
            bytes(&bomb),
            CheckState::Unknown,
            "status_list_too_large",
        ),
        (
            "bad base64",
            credential(&alice, "revocation", "41"),
            bytes(&bad_b64),
            CheckState::Unknown,
            "status_list_encoding",
        ),
        (
            "standard base64 alphabet",
            credential(&alice, "revocation", "41"),
            bytes(&standard_b64),
            CheckState::Unknown,
            "status_list_encoding",
        ),
        (
            "list shorter than 131,072",
            credential(&alice, "revocation", "41"),
            bytes(&short),
            CheckState::Unknown,
            "status_list_too_short",
        ),
        (
            "a duplicate encodedList",
            credential(&alice, "revocation", "42"),
            Ok(twice.into_bytes()),
            CheckState::Unknown,
            "json_duplicate_key",
        ),
        (
            "not JSON",
            credential(&alice, "revocation", "41"),
            Ok(b"<html>".to_vec()),
            CheckState::Unknown,
            "status_list_malformed",
        ),
        (
            "unreachable",
            credential(&alice, "revocation", "41"),
            unreachable,
            CheckState::Unknown,
            "status_list_unreachable",
        ),
    ];
    let resolver = OfflineResolver::new();
    let now = chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .to_utc();
    block_on(async {
        for (label, cred, body, state, code) in rows {
            let source = Crafted {
                body,
                fetches: AtomicUsize::new(0),
            };
            let cache = StatusCache::new();
            let report = verification::verify_value(
                &cred,
                VerifyContext::new(&resolver, now).with_status(&source, &cache),
            )
            .await;
            let status: Vec<_> = report
                .checks
                .iter()
                .filter(|c| c.check == "status")
                .collect();
            assert_eq!(status.len(), 1, "{label}: {report:#?}");
            assert_eq!(
                (status[0].state, status[0].code.as_str()),
                (state, code),
                "{label}: {}",
                status[0].message
            );
            assert_eq!(report.verified, state == CheckState::Valid, "{label}");
        }
        // A non-canonical index ("041") is refused before any status check.
        let mut c = credential(&alice, "revocation", "41");
        c["credentialStatus"][0]["statusListIndex"] = json!("041");
        c.as_object_mut().unwrap().remove("proof");
        let c = signed(&c, &alice);
        let source = Crafted {
            body: Ok(Vec::new()),
            fetches: AtomicUsize::new(0),
        };
        let cache = StatusCache::new();
        let report = verification::verify_value(
            &c,
            VerifyContext::new(&resolver, now).with_status(&source, &cache),
        )
        .await;
        assert!(!report.verified, "{report:#?}");
        assert_eq!(source.fetches.load(Ordering::SeqCst), 0);
    });
}

#[test]
fn lists_are_fetched_once_per_ttl_and_never_before_the_signature_holds() {
    let alice = did_key_signer("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq");
    let bits = Bitstring::new(MIN_LIST_SIZE);
    let source = Crafted {
        body: Ok(serde_json::to_vec(&list(&alice, "revocation", &bits)).unwrap()),
        fetches: AtomicUsize::new(0),
    };
    let cache = StatusCache::new();
    let resolver = OfflineResolver::new();
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let cred = credential(&alice, "revocation", "7");
    block_on(async {
        for minutes in [0, 1, 4] {
            let now = t0 + chrono::Duration::minutes(minutes);
            assert!(
                verification::verify_value(
                    &cred,
                    VerifyContext::new(&resolver, now).with_status(&source, &cache)
                )
                .await
                .verified
            );
        }
        assert_eq!(
            source.fetches.load(Ordering::SeqCst),
            1,
            "cached within the 300 s ttl"
        );
        let later = t0 + chrono::Duration::minutes(6);
        assert!(
            verification::verify_value(
                &cred,
                VerifyContext::new(&resolver, later).with_status(&source, &cache)
            )
            .await
            .verified
        );
        assert_eq!(
            source.fetches.load(Ordering::SeqCst),
            2,
            "refetched after the ttl"
        );
        // A forged credential: nothing is fetched, status is not checked.
        let mut forged = cred.clone();
        forged["credentialSubject"]["id"] = json!("did:example:mallory");
        let fresh = Crafted {
            body: Ok(Vec::new()),
            fetches: AtomicUsize::new(0),
        };
        let report = verification::verify_value(
            &forged,
            VerifyContext::new(&resolver, later).with_status(&fresh, &cache),
        )
        .await;
        assert!(!report.verified);
        assert_eq!(fresh.fetches.load(Ordering::SeqCst), 0);
        assert!(
            report
                .checks
                .iter()
                .any(|c| c.check == "status" && c.code == "status_not_checked")
        );
        // No source at all: unknown, not valid.
        let report = verification::verify_value(&cred, VerifyContext::new(&resolver, later)).await;
        assert!(!report.verified);
        assert!(
            report
                .checks
                .iter()
                .any(|c| c.check == "status" && c.state == CheckState::Unknown)
        );
    });
    let _ = OwnStatusLists::new;
}

/// At least 1,000 revocations at once from two processes sharing one
/// PostgreSQL: afterwards every published list has exactly the revoked bits.
#[test]
fn concurrent_revocations_from_two_processes_lose_no_bit() {
    let Some(url) = block_on(fresh_postgres_database()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rosette"));
        cmd.arg("--data-dir")
            .arg(&data)
            .arg("--database-url")
            .arg(&url)
            .args(args)
            .env(
                "ROSETTE_BADGES_DIR",
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("badges"),
            );
        cmd
    };
    assert!(
        run(&[
            "init",
            "--public-url",
            "https://certs.example.com",
            "--grader",
            "grader@example.com"
        ])
        .output()
        .unwrap()
        .status
        .success()
    );
    let rows = 1100;
    let mut csv = String::from(
        "name,email,certification,written_score,written_date,lab_result,grader,lab_date,external_id\n",
    );
    for i in 0..rows {
        csv.push_str(&format!(
            "P {i},p{i}@example.com,{CERT},90,2026-11-20,pass,grader@example.com,2026-11-22,X-{i}\n"
        ));
    }
    let csv_path = dir.path().join("rows.csv");
    std::fs::write(&csv_path, csv).unwrap();
    assert!(
        run(&["issue", "--csv", csv_path.to_str().unwrap()])
            .output()
            .unwrap()
            .status
            .success()
    );
    let results = std::fs::read_to_string(csv_path.with_extension("results.csv")).unwrap();
    let ids: Vec<String> = results
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), rows);
    // Revoke 1,000 of them: two processes, 500 each, 16 at a time inside each.
    let (a, b) = ids[..1000].split_at(500);
    let fa = dir.path().join("a.txt");
    let fb = dir.path().join("b.txt");
    std::fs::write(&fa, a.join("\n")).unwrap();
    std::fs::write(&fb, b.join("\n")).unwrap();
    let pa = run(&[
        "revoke",
        "--from",
        fa.to_str().unwrap(),
        "--reason",
        "batch A",
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let pb = run(&[
        "revoke",
        "--from",
        fb.to_str().unwrap(),
        "--reason",
        "batch B",
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    for p in [
        pa.wait_with_output().unwrap(),
        pb.wait_with_output().unwrap(),
    ] {
        assert!(p.status.success(), "{}", String::from_utf8_lossy(&p.stderr));
        assert!(String::from_utf8_lossy(&p.stdout).contains("500 revoked, 0 refused"));
    }
    // Every bit of every published list.
    block_on(async {
        let store = SqlStore::connect(&url).await.unwrap();
        let mut expected: std::collections::BTreeMap<String, Vec<u64>> = Default::default();
        for (i, id) in ids.iter().enumerate() {
            for e in store.status_entries(id).await.unwrap() {
                if e.purpose == "revocation" {
                    let v = expected.entry(e.list_id.clone()).or_default();
                    if i < 1000 {
                        v.push(e.idx as u64);
                    }
                }
            }
        }
        assert!(!expected.is_empty());
        for (list_id, mut want) in expected {
            want.sort_unstable();
            let published: Value = serde_json::from_str(
                &store
                    .status_list(&list_id)
                    .await
                    .unwrap()
                    .unwrap()
                    .published
                    .unwrap(),
            )
            .unwrap();
            let bits = Bitstring::decode(
                published["credentialSubject"]["encodedList"]
                    .as_str()
                    .unwrap(),
                1 << 24,
            )
            .unwrap();
            assert_eq!(bits.set_indexes(), want, "list {list_id}");
        }
    });
}
