//! Older credentials: `Ed25519Signature2020` proofs, `StatusList2021Entry`
//! and `1EdTechRevocationList` statuses, and proof sets holding a proof of
//! a type Rosette does not support (VC-DI 1.0 §4.5). Lists are served over
//! real HTTP on 127.0.0.1:0; the Digital Bazaar fixtures are in
//! tests/vectors/legacy-suites (made by tests/interop/legacy.mjs, which the
//! interop test here re-runs).

use crate::interop::{node, node_ready};
use crate::support::{block_on, ok, rosette, vector_json, vector_path};
use rosette::fetch::{FetchPolicy, HttpFetcher};
use rosette::future::BoxFuture;
use rosette::keys::{self, CredentialSigner, OfflineResolver, VerificationMethod};
use rosette::proof::{self, Cryptosuite, ProofOptions};
use rosette::verification::{
    self, CheckState, PROOF_IGNORED, Report, SourceError, StatusCache, StatusSource, Verdict,
    VerifyContext,
};
use serde_json::{Value, json};

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-25T00:00:00Z")
        .unwrap()
        .to_utc()
}

/// A resolver knowing the key a verification method `controller#z6Mk…`
/// carries in its fragment (how 1EdTech's examples name their keys).
fn fragment_key_resolver(vm: &str) -> OfflineResolver {
    let (controller, fragment) = vm.split_once('#').unwrap();
    let key = keys::decode_public_key_multibase(fragment).unwrap();
    OfflineResolver::new().with_method(VerificationMethod::for_controller(controller, key))
}

/// Fetches over real HTTP, sending URLs of `origin` to the loopback server
/// at `base` (the signed credentials name public https origins).
struct Loopback {
    fetcher: HttpFetcher,
    origin: String,
    base: String,
}

impl StatusSource for Loopback {
    fn status_list<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, SourceError>> {
        let local = match url.strip_prefix(self.origin.as_str()) {
            Some(path) => format!("{}{path}", self.base),
            None => url.to_owned(),
        };
        Box::pin(async move { self.fetcher.status_list(&local).await })
    }
}

/// Serves `files` (path → JSON) on 127.0.0.1:0 for `origin`'s URLs, runs
/// `verify` with the source, then stops the server.
async fn with_server<T>(
    origin: &str,
    files: Vec<(String, Value)>,
    verify: impl AsyncFnOnce(&Loopback) -> T,
) -> T {
    let mut router = axum::Router::new();
    for (path, body) in files {
        let text = body.to_string();
        router = router.route(&path, axum::routing::get(move || async move { text }));
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let source = Loopback {
        fetcher: HttpFetcher::new(FetchPolicy {
            allow_loopback: true,
            ..FetchPolicy::default()
        })
        .unwrap(),
        origin: origin.to_owned(),
        base,
    };
    let out = verify(&source).await;
    server.abort();
    out
}

async fn verify_with(doc: &Value, resolver: &OfflineResolver, source: &Loopback) -> Report {
    let cache = StatusCache::new();
    verification::verify_value(
        doc,
        VerifyContext::new(resolver, now()).with_status(source, &cache),
    )
    .await
}

fn state_of<'a>(report: &'a Report, check: &str) -> Vec<(CheckState, &'a str)> {
    report
        .checks
        .iter()
        .filter(|c| c.check == check)
        .map(|c| (c.state, c.code.as_str()))
        .collect()
}

// ---------------------------------------------------------------- 1EdTech

const ONEDTECH: &str = "https://dc.1edtech.org";

fn onedtech_revoked_vector() -> (Value, OfflineResolver, String, String) {
    let doc = vector_json("ob-v3p0-validator/credential-status-revoked.json");
    let resolver = fragment_key_resolver(doc["proof"]["verificationMethod"].as_str().unwrap());
    let list_url = doc["credentialStatus"]["id"].as_str().unwrap().to_owned();
    let path = list_url.strip_prefix(ONEDTECH).unwrap().to_owned();
    (doc, resolver, list_url, path)
}

/// 1EdTech's `credential-status-revoked.json` (VC 1.1,
/// `Ed25519Signature2020`, did:web key named by its fragment): the
/// signature verifies, and the status says revoked when the revocation
/// list served for its `credentialStatus.id` names the credential.
#[test]
fn onedtech_ed25519_2020_credential_is_revoked_by_its_revocation_list() {
    let (doc, resolver, _, path) = onedtech_revoked_vector();
    let id = doc["id"].as_str().unwrap().to_owned();
    let issuer = doc["issuer"]["id"].as_str().unwrap().to_owned();
    block_on(async {
        // The validator's spelling (`revokedCredential`), `revoked` absent.
        let listed = json!({"revokedCredential": [{"id": "urn:uuid:other"}, {"id": id}]});
        let report = with_server(ONEDTECH, vec![(path.clone(), listed)], async |s| {
            verify_with(&doc, &resolver, s).await
        })
        .await;
        assert_eq!(
            state_of(&report, "proof"),
            [(CheckState::Valid, "ok")],
            "{report:#?}"
        );
        assert_eq!(
            state_of(&report, "status"),
            [(CheckState::Invalid, "revoked")]
        );
        assert_eq!(report.verdict, Verdict::Revoked);

        // The specification's spelling, with `revoked: false`, and an issuer.
        let cleared = json!({
            "issuer": issuer,
            "revokedCredentials": [{"id": id, "revoked": false}],
        });
        let report = with_server(ONEDTECH, vec![(path.clone(), cleared)], async |s| {
            verify_with(&doc, &resolver, s).await
        })
        .await;
        assert_eq!(state_of(&report, "status"), [(CheckState::Valid, "ok")]);
        assert!(report.verified, "{report:#?}");

        // A list of another issuer does not speak for this credential.
        let foreign = json!({"issuer": "did:web:elsewhere.example", "revokedCredentials": []});
        let report = with_server(ONEDTECH, vec![(path.clone(), foreign)], async |s| {
            verify_with(&doc, &resolver, s).await
        })
        .await;
        assert_eq!(
            state_of(&report, "status"),
            [(CheckState::Invalid, "status_list_issuer_mismatch")]
        );

        // No list at the URL (404): could not check.
        let report = with_server(ONEDTECH, vec![], async |s| {
            verify_with(&doc, &resolver, s).await
        })
        .await;
        assert_eq!(report.verdict, Verdict::Unknown, "{report:#?}");
        assert_eq!(
            state_of(&report, "status"),
            [(CheckState::Unknown, "status_list_unreachable")]
        );

        // Not a revocation list: could not check.
        let report = with_server(
            ONEDTECH,
            vec![(path.clone(), json!({"list": []}))],
            async |s| verify_with(&doc, &resolver, s).await,
        )
        .await;
        assert_eq!(
            state_of(&report, "status"),
            [(CheckState::Unknown, "status_list_malformed")]
        );
    });
}

/// A changed copy of the 1EdTech `Ed25519Signature2020` credential fails
/// its signature, and its revocation list is then never fetched.
#[test]
fn tampered_ed25519_2020_credential_is_invalid_and_fetches_nothing() {
    let (mut doc, resolver, _, path) = onedtech_revoked_vector();
    doc["name"] = json!("another name");
    block_on(async {
        let report = with_server(
            ONEDTECH,
            vec![(path, json!({"revokedCredentials": []}))],
            async |s| verify_with(&doc, &resolver, s).await,
        )
        .await;
        assert_eq!(
            state_of(&report, "proof"),
            [(CheckState::Invalid, "signature_invalid")]
        );
        assert_eq!(
            state_of(&report, "status"),
            [(CheckState::Unknown, "status_not_checked")]
        );
        assert_eq!(report.verdict, Verdict::Invalid);
    });

    // Without the suite context the proof's terms are undefined.
    let (mut doc, resolver, _, _) = onedtech_revoked_vector();
    doc["@context"].as_array_mut().unwrap().pop();
    let report = block_on(verification::verify_value(
        &doc,
        VerifyContext::new(&resolver, now()),
    ));
    assert_eq!(
        state_of(&report, "proof"),
        [(CheckState::Invalid, "proof_context_missing")]
    );
}

// ------------------------------------------------------------ proof sets

/// 1EdTech's `simple-multiple-proofs.json`: an unknown `SomeProofType`
/// beside a valid `eddsa-rdfc-2022` proof. The set verifies; the unknown
/// proof is shown as `unknown` and ignored.
#[test]
fn proof_set_with_an_unknown_proof_type_verifies_on_its_supported_proof() {
    let doc = vector_json("ob-v3p0-validator/simple-multiple-proofs.json");
    let resolver = fragment_key_resolver(doc["proof"][1]["verificationMethod"].as_str().unwrap());
    let report = block_on(verification::verify_value(
        &doc,
        VerifyContext::new(&resolver, now()),
    ));
    assert!(report.verified, "{report:#?}");
    assert_eq!(report.verdict, Verdict::Valid);
    assert_eq!(
        state_of(&report, "proof"),
        [
            (CheckState::Unknown, PROOF_IGNORED),
            (CheckState::Valid, "ok")
        ]
    );
    let ignored = &report
        .checks
        .iter()
        .find(|c| c.code == PROOF_IGNORED)
        .unwrap()
        .message;
    assert!(
        ignored.contains("SomeProofType") && ignored.contains("proof 1"),
        "{ignored}"
    );
    assert!(report.first_failure().is_none());

    // Without its key, the supported proof cannot be checked: the set
    // cannot verify, and the unknown proof is no longer "ignored".
    let report = block_on(verification::verify_value(
        &doc,
        VerifyContext::new(&OfflineResolver::new(), now()),
    ));
    assert_eq!(report.verdict, Verdict::Unknown);
    assert_eq!(
        state_of(&report, "proof"),
        [
            (CheckState::Unknown, "cryptosuite_unsupported"),
            (CheckState::Unknown, "key_unknown")
        ]
    );
}

/// `rosette verify` says the same: exit 0, the unknown proof listed as
/// `UNKNOWN` with its code, once the issuer's controller document is given.
#[test]
fn cli_verifies_the_proof_set_and_shows_the_ignored_proof() {
    let doc = vector_json("ob-v3p0-validator/simple-multiple-proofs.json");
    let vm = doc["proof"][1]["verificationMethod"].as_str().unwrap();
    let method = fragment_key_resolver(vm).resolve_now(vm).unwrap();
    let controller = json!({
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": method.controller,
        "verificationMethod": [method.to_multikey_json()],
        "assertionMethod": [vm],
    });
    let dir = tempfile::tempdir().unwrap();
    let key_doc = dir.path().join("issuer.json");
    std::fs::write(&key_doc, controller.to_string()).unwrap();
    let file = vector_path("ob-v3p0-validator/simple-multiple-proofs.json");
    let (key_doc, file) = (key_doc.to_str().unwrap(), file.to_str().unwrap());
    let data = dir.path().join("data");
    let out = rosette(&data, &["verify", "--key-doc", key_doc, "--json", file]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["verdict"], "VALID");
    assert_eq!(report["checks"][2]["state"], "unknown");
    assert_eq!(report["checks"][2]["code"], PROOF_IGNORED);
    let text = ok(&rosette(&data, &["verify", "--key-doc", key_doc, file]));
    assert!(
        text.contains("[UNKNOWN] proof") && text.contains(PROOF_IGNORED),
        "{text}"
    );
}

/// Over HTTP the same rule holds: `POST /api/v1/verify` answers VALID with
/// the ignored proof `unknown`, and VC-API `POST /credentials/verify` 200
/// with it under `warnings`, not `errors`.
#[test]
fn the_apis_verify_a_proof_set_with_an_unknown_proof() {
    let key = keys::IssuerKey::did_key(keys::SigningKey::from_bytes(&[9; 32]));
    let doc = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:0b0e5c7a-4f7e-4a51-9d0c-5e1f2a3b4c5d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.issuer(), "type": ["Profile"], "name": "Set Issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Proof set badge",
        "credentialSubject": {
            "id": "did:example:holder",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://set.example/achievements/1",
                "type": ["Achievement"],
                "name": "Sets",
                "description": "Two proofs.",
                "criteria": {"narrative": "Signed twice."}
            }
        },
        "proof": [{"type": "SomeProofType", "proofPurpose": "assertionMethod"}]
    });
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        Some("2026-01-01T00:00:00Z".into()),
    );
    let signed = proof::add_proof(&doc, &options, &key).unwrap();
    let server = crate::admin_api::Server::start();
    let report = server
        .post("/api/v1/verify", None, &signed)
        .expect(200, None);
    assert_eq!(report["verdict"], "VALID", "{report}");
    assert_eq!(report["checks"][2]["code"], PROOF_IGNORED);
    let answer = server
        .post(
            "/credentials/verify",
            None,
            &json!({"verifiableCredential": signed}),
        )
        .expect(200, None);
    assert_eq!(answer["verified"], true, "{answer}");
    assert_eq!(answer["errors"], json!([]));
    assert_eq!(answer["warnings"][0]["code"], PROOF_IGNORED);
}

/// Every supported proof of a set must verify: a second, failing
/// `eddsa-rdfc-2022` proof makes the credential invalid even though
/// another verified; a set of only unsupported proofs is `unknown`.
#[test]
fn proof_set_with_a_failing_supported_proof_is_invalid() {
    let doc = vector_json("ob-v3p0-validator/simple-multiple-proofs.json");
    let resolver = fragment_key_resolver(doc["proof"][1]["verificationMethod"].as_str().unwrap());
    let mut bad = doc["proof"][1].clone();
    bad["created"] = json!("2011-01-01T00:00:00Z");
    let mut set = doc.clone();
    set["proof"].as_array_mut().unwrap().push(bad);
    let report = block_on(verification::verify_value(
        &set,
        VerifyContext::new(&resolver, now()),
    ));
    assert!(!report.verified);
    assert_eq!(report.verdict, Verdict::Invalid);
    assert_eq!(
        state_of(&report, "proof"),
        [
            (CheckState::Unknown, PROOF_IGNORED),
            (CheckState::Valid, "ok"),
            (CheckState::Invalid, "signature_invalid")
        ]
    );
    assert_eq!(report.first_failure().unwrap().code, "signature_invalid");

    let mut only_unknown = doc.clone();
    only_unknown["proof"].as_array_mut().unwrap().truncate(1);
    let report = block_on(verification::verify_value(
        &only_unknown,
        VerifyContext::new(&resolver, now()),
    ));
    assert_eq!(report.verdict, Verdict::Unknown);
    assert_eq!(
        state_of(&report, "proof"),
        [(CheckState::Unknown, "cryptosuite_unsupported")]
    );
}

// ---------------------------------- Digital Bazaar Ed25519Signature2020

const LEGACY_ISSUER: &str = "https://legacy-issuer.example";

fn legacy(name: &str) -> Value {
    vector_json(&format!("legacy-suites/{name}"))
}

fn list_path(credential: &Value) -> String {
    let url = credential["credentialStatus"]["statusListCredential"]
        .as_str()
        .unwrap();
    url.strip_prefix(LEGACY_ISSUER).unwrap().to_owned()
}

async fn verify_legacy(credential: &Value, list: Value) -> Report {
    // did:key: resolved without any registration.
    let resolver = OfflineResolver::new();
    let path = list_path(credential);
    with_server(LEGACY_ISSUER, vec![(path, list)], async |s| {
        verify_with(credential, &resolver, s).await
    })
    .await
}

/// The Digital Bazaar `Ed25519Signature2020` credential with a
/// `StatusList2021Entry`: valid with the clear list, revoked with the bit
/// set, invalid once changed; a changed list is not believed.
#[test]
fn digital_bazaar_ed25519_2020_with_status_list_2021() {
    let credential = legacy("credential.json");
    block_on(async {
        let report = verify_legacy(&credential, legacy("status-list.json")).await;
        assert!(report.verified, "{report:#?}");
        assert_eq!(state_of(&report, "status"), [(CheckState::Valid, "ok")]);

        let report = verify_legacy(&credential, legacy("status-list-revoked.json")).await;
        assert_eq!(report.verdict, Verdict::Revoked, "{report:#?}");
        assert_eq!(state_of(&report, "proof"), [(CheckState::Valid, "ok")]);

        let mut tampered = credential.clone();
        tampered["credentialSubject"]["achievement"]["name"] = json!("Something Else");
        let report = verify_legacy(&tampered, legacy("status-list.json")).await;
        assert_eq!(report.verdict, Verdict::Invalid);
        assert_eq!(
            state_of(&report, "proof"),
            [(CheckState::Invalid, "signature_invalid")]
        );

        // The revoked list with its bit cleared by hand: its proof fails.
        let mut forged = legacy("status-list-revoked.json");
        forged["credentialSubject"]["encodedList"] =
            legacy("status-list.json")["credentialSubject"]["encodedList"].clone();
        let report = verify_legacy(&credential, forged).await;
        assert_eq!(
            state_of(&report, "status"),
            [(CheckState::Unknown, "status_list_proof_invalid")]
        );
    });
}

/// Re-runs tests/interop/legacy.mjs: the Digital Bazaar libraries make the
/// committed fixtures again byte for byte, verify them (valid; revoked with
/// the bit set) and, like Rosette, refuse a changed copy.
#[test]
fn digital_bazaar_regenerates_and_agrees_on_the_legacy_fixtures() {
    if !node_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = node(
        "legacy.mjs",
        &["fixtures", "--out", dir.path().to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in [
        "credential.json",
        "status-list.json",
        "status-list-revoked.json",
    ] {
        let made = std::fs::read(dir.path().join(name)).unwrap();
        let committed = std::fs::read(vector_path(&format!("legacy-suites/{name}"))).unwrap();
        assert!(
            made == committed,
            "{name} differs from the committed fixture"
        );
    }
    let db_verify = |credential: &std::path::Path, list: &str| -> Value {
        let list = dir.path().join(list);
        let out = node(
            "legacy.mjs",
            &[
                "verify",
                "--credential",
                credential.to_str().unwrap(),
                "--list",
                list.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let credential = dir.path().join("credential.json");
    let answer = db_verify(&credential, "status-list.json");
    assert_eq!(answer["verified"], true, "{answer}");
    let answer = db_verify(&credential, "status-list-revoked.json");
    assert_eq!(
        (answer["verified"].clone(), answer["statusVerified"].clone()),
        (json!(false), json!(false)),
        "{answer}"
    );

    let mut tampered = legacy("credential.json");
    tampered["credentialSubject"]["achievement"]["name"] = json!("Something Else");
    let path = dir.path().join("tampered.json");
    std::fs::write(&path, tampered.to_string()).unwrap();
    let answer = db_verify(&path, "status-list.json");
    assert_eq!(answer["verified"], false, "{answer}");
    let rosette = block_on(verify_legacy(&tampered, legacy("status-list.json")));
    assert_eq!(rosette.verdict, Verdict::Invalid);
}
