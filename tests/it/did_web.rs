//! Third-party did:web issuers and HTTPS key URLs (DID Web Method §3.2,
//! Open Badges 3.0 §8.5): their documents are fetched from an HTTPS server
//! on 127.0.0.1:0 (a throwaway CA, the loopback flag on), checked, cached
//! (Cache-Control, ETag) and used by the library, `rosette serve` and
//! `rosette verify`; failures are "could not check", never "invalid".

use crate::server_ops::test_certificates;
use crate::support::{Client, ServerProcess, rosette_with};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rosette::fetch::{DocumentCache, FetchPolicy, HttpFetcher, NetworkResolver};
use rosette::keys::{
    CredentialSigner as _, IssuerKey, KeyResolver, OfflineResolver, SigningKey, did_web_document,
};
use rosette::proof::{Cryptosuite, ProofOptions};
use rosette::verification::{Report, VerifyContext, verify_value};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the host answers at one path.
#[derive(Clone, Default)]
struct Answer {
    body: Vec<u8>,
    /// 200 unless set.
    status: Option<u16>,
    etag: Option<&'static str>,
    cache_control: Option<&'static str>,
    /// Wait this long before answering.
    delay: Duration,
}

/// One request the host received: its path and `If-None-Match`.
type Seen = (String, Option<String>);

#[derive(Default)]
struct Shared {
    answers: Mutex<HashMap<String, Answer>>,
    seen: Mutex<Vec<Seen>>,
}

/// An HTTPS document host on 127.0.0.1:0 with a certificate from a
/// throwaway CA.
struct Host {
    shared: Arc<Shared>,
    port: u16,
    ca: String,
    rt: tokio::runtime::Runtime,
    _stop: tokio::sync::oneshot::Sender<()>,
    dir: tempfile::TempDir,
}

async fn answer(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path().to_owned();
    let if_none_match = headers
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    shared
        .seen
        .lock()
        .unwrap()
        .push((path.clone(), if_none_match.clone()));
    let found = shared.answers.lock().unwrap().get(&path).cloned();
    let Some(a) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    tokio::time::sleep(a.delay).await;
    let mut headers = vec![("content-type", "application/did+json")];
    headers.extend(a.etag.map(|e| ("etag", e)));
    headers.extend(a.cache_control.map(|c| ("cache-control", c)));
    let mut response = if a.etag.is_some() && if_none_match.as_deref() == a.etag {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let status = StatusCode::from_u16(a.status.unwrap_or(200)).unwrap();
        (status, a.body).into_response()
    };
    for (name, value) in headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

impl Host {
    fn start() -> Host {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = tempfile::tempdir().unwrap();
        let (ca, cert, key) = test_certificates(dir.path());
        let tls = rosette::web::tls_config(cert.as_ref(), key.as_ref()).unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let shared = Arc::new(Shared::default());
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = axum::Router::new()
            .fallback(answer)
            .with_state(shared.clone());
        let options = rosette::web::ServerOptions {
            tls: Some(tls),
            ..Default::default()
        };
        rt.spawn(rosette::web::serve_with(listener, router, options, async {
            let _ = stopped.await;
        }));
        Host {
            shared,
            port,
            ca,
            rt,
            _stop: stop,
            dir,
        }
    }

    /// The did:web of `case` on this host (`/<case>/did.json`).
    fn did(&self, case: &str) -> String {
        format!("did:web:127.0.0.1%3A{}:{case}", self.port)
    }

    fn set(&self, path: &str, answer: Answer) {
        self.shared
            .answers
            .lock()
            .unwrap()
            .insert(path.to_owned(), answer);
    }

    /// Serves `doc` at `case`'s did.json with `headers` (ETag, Cache-Control).
    fn publish(&self, case: &str, doc: &Value, answer: Answer) {
        let body = serde_json::to_vec(doc).unwrap();
        self.set(&format!("/{case}/did.json"), Answer { body, ..answer });
    }

    /// The requests for `path` so far, with their `If-None-Match`.
    fn seen(&self, path: &str) -> Vec<Option<String>> {
        let seen = self.shared.seen.lock().unwrap();
        seen.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, inm)| inm.clone())
            .collect()
    }

    fn all_requests(&self) -> usize {
        self.shared.seen.lock().unwrap().len()
    }

    /// A fetcher trusting this host's CA, loopback allowed.
    fn fetcher(&self, total_timeout: Duration) -> HttpFetcher {
        let pem = std::fs::read(&self.ca).unwrap();
        let policy = FetchPolicy {
            allow_loopback: true,
            total_timeout,
            ..Default::default()
        }
        .with_roots_pem(&pem)
        .unwrap();
        HttpFetcher::new(policy).unwrap()
    }
}

fn signing_key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// An Open Badges credential issued by `issuer`, signed by `key`.
fn signed_by(key: &IssuerKey) -> Value {
    let doc = crate::bad_input::minimal(key.issuer());
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        Some("2026-01-01T00:00:00Z".into()),
    );
    rosette::proof::add_proof(&doc, &options, key).unwrap()
}

/// A did:web key of `case` on `host`, its credential, and its published
/// document (served with `answer`'s headers).
fn did_web_issuer(host: &Host, case: &str, seed: u8, answer: Answer) -> Value {
    let did = host.did(case);
    let key = IssuerKey::did_web(signing_key(seed), &did).unwrap();
    host.publish(
        case,
        &did_web_document(&did, &[signing_key(seed).verifying_key()]),
        answer,
    );
    signed_by(&key)
}

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

fn verify(host: &Host, resolver: &dyn KeyResolver, doc: &Value) -> Report {
    host.rt
        .block_on(verify_value(doc, VerifyContext::new(resolver, now())))
}

/// The state and code of the report's proof check.
fn proof_check(report: &Report) -> (String, String, String) {
    let c = report
        .checks
        .iter()
        .find(|c| c.check == "proof")
        .unwrap_or_else(|| panic!("no proof check in {report:?}"));
    (
        serde_json::to_value(c.state)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned(),
        c.code.clone(),
        c.message.clone(),
    )
}

fn network_resolver(host: &Host, timeout: Duration) -> NetworkResolver<HttpFetcher> {
    NetworkResolver::new(
        Arc::new(OfflineResolver::new()),
        host.fetcher(timeout),
        Arc::new(DocumentCache::new(Duration::from_secs(300))),
    )
}

#[test]
fn a_did_web_credential_verifies_and_its_document_is_cached_for_max_age() {
    let host = Host::start();
    let cached = Answer {
        cache_control: Some("max-age=600"),
        ..Default::default()
    };
    let credential = did_web_issuer(&host, "cached", 1, cached);
    let resolver = network_resolver(&host, Duration::from_secs(5));
    for _ in 0..2 {
        let report = verify(&host, &resolver, &credential);
        assert!(report.verified, "{report:?}");
    }
    assert_eq!(host.seen("/cached/did.json").len(), 1, "one fetch");
    // The fetched document stays available by DID (for other key types).
    let doc = host
        .rt
        .block_on(resolver.document(&host.did("cached")))
        .unwrap();
    assert_eq!(doc["id"], host.did("cached"));
    assert_eq!(host.seen("/cached/did.json").len(), 1);

    // A tampered credential is invalid, from the cached key.
    let mut tampered = credential.clone();
    tampered["name"] = json!("Forged");
    let report = verify(&host, &resolver, &tampered);
    assert_eq!(proof_check(&report).0, "invalid", "{report:?}");
    assert_eq!(host.seen("/cached/did.json").len(), 1);
}

#[test]
fn a_stale_document_is_revalidated_with_its_etag_and_no_store_is_refetched() {
    let host = Host::start();
    let revalidated = did_web_issuer(
        &host,
        "etag",
        2,
        Answer {
            etag: Some("\"v1\""),
            cache_control: Some("max-age=0"),
            ..Default::default()
        },
    );
    let not_stored = did_web_issuer(
        &host,
        "nostore",
        3,
        Answer {
            etag: Some("\"n1\""),
            cache_control: Some("no-store"),
            ..Default::default()
        },
    );
    let resolver = network_resolver(&host, Duration::from_secs(5));
    for _ in 0..3 {
        for credential in [&revalidated, &not_stored] {
            let report = verify(&host, &resolver, credential);
            assert!(report.verified, "{report:?}");
        }
    }
    let etag = Some("\"v1\"".to_owned());
    assert_eq!(
        host.seen("/etag/did.json"),
        vec![None, etag.clone(), etag],
        "the first fetch is unconditional, then 304s keep the document"
    );
    assert_eq!(host.seen("/nostore/did.json"), vec![None, None, None]);
}

#[test]
fn concurrent_resolutions_of_one_did_share_one_fetch() {
    let host = Host::start();
    let credential = did_web_issuer(
        &host,
        "slow",
        4,
        Answer {
            delay: Duration::from_millis(300),
            ..Default::default()
        },
    );
    let resolver = Arc::new(network_resolver(&host, Duration::from_secs(5)));
    let credential = Arc::new(credential);
    let reports = host.rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..6 {
            let (resolver, credential) = (resolver.clone(), credential.clone());
            set.spawn(async move {
                verify_value(&credential, VerifyContext::new(resolver.as_ref(), now())).await
            });
        }
        set.join_all().await
    });
    assert!(reports.iter().all(|r| r.verified), "{reports:?}");
    assert_eq!(host.seen("/slow/did.json").len(), 1);
}

#[test]
fn unreachable_documents_are_unknown_and_bad_documents_follow_the_rules() {
    let host = Host::start();
    let resolver = network_resolver(&host, Duration::from_secs(1));
    let did = |case: &str| host.did(case);
    let key = |case: &str, seed: u8| IssuerKey::did_web(signing_key(seed), &did(case)).unwrap();
    let doc_of =
        |case: &str, seed: u8| did_web_document(&did(case), &[signing_key(seed).verifying_key()]);

    // Nothing served: 404.
    let missing = signed_by(&key("missing", 5));
    // Hangs past the fetch timeout.
    host.publish(
        "hang",
        &doc_of("hang", 6),
        Answer {
            delay: Duration::from_secs(5),
            ..Default::default()
        },
    );
    // Larger than the document cap.
    let mut big = doc_of("big", 7);
    big["padding"] = json!("x".repeat(rosette::fetch::DID_DOCUMENT_MAX_BYTES));
    host.publish("big", &big, Answer::default());
    // A repeated member name.
    let text = serde_json::to_string(&doc_of("dup", 8)).unwrap();
    host.set(
        "/dup/did.json",
        Answer {
            body: format!("{{\"id\":\"did:web:evil.example\",{}", &text[1..]).into_bytes(),
            ..Default::default()
        },
    );
    // Not JSON at all (an HTML page).
    host.set(
        "/html/did.json",
        Answer {
            body: b"<!doctype html><title>Welcome</title>".to_vec(),
            ..Default::default()
        },
    );
    // Another DID's document.
    host.publish("other", &doc_of("cached", 9), Answer::default());
    // The key is published, but not for assertions.
    let mut auth_only = doc_of("authonly", 10);
    auth_only["assertionMethod"] = json!([]);
    host.publish("authonly", &auth_only, Answer::default());
    // A server error.
    host.set(
        "/broken/did.json",
        Answer {
            status: Some(500),
            ..Default::default()
        },
    );

    for (case, seed, state, code) in [
        ("missing", 5, "unknown", "key_unknown"),
        ("hang", 6, "unknown", "key_unreachable"),
        ("big", 7, "unknown", "key_unreachable"),
        ("broken", 11, "unknown", "key_unreachable"),
        ("html", 21, "unknown", "key_unknown"),
        ("dup", 8, "invalid", "json_duplicate_key"),
        ("other", 9, "invalid", "key_invalid"),
        ("authonly", 10, "invalid", "key_invalid"),
    ] {
        let credential = if case == "missing" {
            missing.clone()
        } else {
            signed_by(&key(case, seed))
        };
        let report = verify(&host, &resolver, &credential);
        let (s, c, message) = proof_check(&report);
        assert_eq!((s.as_str(), c.as_str()), (state, code), "{case}: {message}");
        assert!(!report.verified);
    }
    // Failures are not cached: a document published later is used.
    host.publish("missing", &doc_of("missing", 5), Answer::default());
    assert!(verify(&host, &resolver, &missing).verified);
}

#[test]
fn https_key_urls_resolve_through_the_controller_document_at_the_url() {
    let host = Host::start();
    let issuer = format!("https://127.0.0.1:{}/issuers/1", host.port);
    let key = IssuerKey::url(signing_key(12), &issuer).unwrap();
    let method = key.method();
    let controller = json!({
        "@context": "https://www.w3.org/ns/cid/v1",
        "id": issuer,
        "verificationMethod": [method.to_multikey_json()],
        "assertionMethod": [method.id],
    });
    host.set(
        "/issuers/1",
        Answer {
            body: serde_json::to_vec(&controller).unwrap(),
            ..Default::default()
        },
    );
    let resolver = network_resolver(&host, Duration::from_secs(5));
    let report = verify(&host, &resolver, &signed_by(&key));
    assert!(report.verified, "{report:?}");
    assert_eq!(host.seen("/issuers/1").len(), 1);
}

#[test]
fn known_controllers_and_offline_resolution_make_no_request() {
    let host = Host::start();
    let did = host.did("ours");
    let ours = IssuerKey::did_web(signing_key(13), &did).unwrap();
    let published = did_web_issuer(&host, "ours", 13, Answer::default());
    // Our own key history knows the DID: a retired-and-removed key of it is
    // not looked up on the network.
    let removed = IssuerKey::did_web(signing_key(14), &did).unwrap();
    let local = OfflineResolver::new().with_method(ours.method());
    let resolver = NetworkResolver::new(
        Arc::new(local),
        host.fetcher(Duration::from_secs(5)),
        Arc::new(DocumentCache::new(Duration::from_secs(300))),
    );
    assert!(verify(&host, &resolver, &published).verified);
    let report = verify(&host, &resolver, &signed_by(&removed));
    assert_eq!(proof_check(&report).1, "key_unknown", "{report:?}");
    assert_eq!(host.all_requests(), 0);
}

#[test]
fn rosette_verify_fetches_did_web_keys_and_offline_fetches_nothing() {
    let host = Host::start();
    let credential = did_web_issuer(&host, "cli", 15, Answer::default());
    let file = host.dir.path().join("credential.json");
    std::fs::write(&file, serde_json::to_vec(&credential).unwrap()).unwrap();
    let data = host.dir.path().join("data");
    let envs = [("ROSETTE_FETCH_CA_FILE", host.ca.as_str())];
    let file = file.to_str().unwrap();

    let out = rosette_with(&data, &envs, &["verify", "--offline", file]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.starts_with("CANNOT VERIFY"), "{text}");
    assert!(
        text.contains("[UNKNOWN] proof") && text.contains("key_unknown"),
        "{text}"
    );
    assert_eq!(host.all_requests(), 0, "--offline fetches nothing");

    let out = rosette_with(&data, &envs, &["verify", "--json", file]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(report["verified"], true);
    assert_eq!(host.seen("/cli/did.json").len(), 1);
}

#[test]
fn the_verification_api_resolves_did_web_keys_within_the_fetch_policy() {
    let host = Host::start();
    let credential = did_web_issuer(&host, "api", 16, Answer::default());
    let missing = signed_by(&IssuerKey::did_web(signing_key(17), &host.did("gone")).unwrap());
    let data = host.dir.path().join("server");
    let ca = host.ca.clone();
    let loopback = ServerProcess::start(
        &data,
        &[
            ("ROSETTE_FETCH_ALLOW_LOOPBACK", "true"),
            ("ROSETTE_FETCH_CA_FILE", &ca),
            ("ROSETTE_DID_CACHE_SECONDS", "600"),
        ],
        &[],
    );
    let client = Client::new(loopback.addr);
    for _ in 0..2 {
        let report = client
            .post("/api/v1/verify")
            .json(&credential)
            .send()
            .expect(200, None);
        assert_eq!(report["verified"], true, "{report}");
    }
    assert_eq!(
        host.seen("/api/did.json").len(),
        1,
        "cached across requests"
    );
    // A missing document: unknown, with an opaque message.
    let report = client
        .post("/api/v1/verify")
        .json(&missing)
        .send()
        .expect(200, None);
    let proof = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "proof")
        .unwrap()
        .clone();
    assert_eq!(proof["state"], "unknown", "{report}");
    assert_eq!(proof["code"], "key_unreachable", "{report}");
    let message = proof["message"].as_str().unwrap();
    assert!(
        message.contains(rosette::web::outbound::FETCH_FAILED_DETAIL) && !message.contains("404"),
        "{message}"
    );
    assert_eq!(host.seen("/gone/did.json").len(), 1);
    loopback.stop();

    // The default policy refuses loopback: unknown, and no request is made.
    let public_only = ServerProcess::start(
        &host.dir.path().join("server2"),
        &[("ROSETTE_FETCH_CA_FILE", &ca)],
        &[],
    );
    let before = host.all_requests();
    let report = Client::new(public_only.addr)
        .post("/api/v1/verify")
        .json(&credential)
        .send()
        .expect(200, None);
    assert_eq!(report["verified"], false, "{report}");
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["check"] == "proof" && c["state"] == "unknown"),
        "{report}"
    );
    assert_eq!(host.all_requests(), before);
    public_only.stop();
}

/// Digital Bazaar signs with a did:web key and Rosette fetches its did.json
/// over HTTPS to verify; Rosette signs with a did:web key and the Digital
/// Bazaar verifier checks it with a document loader serving that did.json.
#[test]
fn did_web_credentials_verify_both_ways_with_the_digital_bazaar_libraries() {
    if !crate::interop::node_ready() {
        return;
    }
    let host = Host::start();
    let dir = host.dir.path();
    let write = |name: &str, value: &Value| {
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
        path.to_str().unwrap().to_owned()
    };

    // Digital Bazaar → Rosette.
    let did = host.did("js");
    let js_key = signing_key(0x0b).verifying_key();
    host.publish("js", &did_web_document(&did, &[js_key]), Answer::default());
    let vm = format!("{did}#{}", rosette::keys::public_key_multibase(&js_key));
    let unsigned = write("js-unsigned.json", &crate::bad_input::minimal(&did));
    let seed = "0b".repeat(32);
    let out = crate::interop::node(
        "sign.mjs",
        &[
            "--suite",
            "eddsa-rdfc-2022",
            "--seed",
            &seed,
            "--created",
            "2026-01-01T00:00:00Z",
            "--vm",
            &vm,
            &unsigned,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js_signed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(js_signed["proof"]["verificationMethod"], vm.as_str());
    let resolver = network_resolver(&host, Duration::from_secs(5));
    let report = verify(&host, &resolver, &js_signed);
    assert!(report.verified, "{report:?}");
    assert_eq!(host.seen("/js/did.json").len(), 1);

    // Rosette → Digital Bazaar.
    let did = host.did("rs");
    let key = IssuerKey::did_web(signing_key(0x0c), &did).unwrap();
    let signed = dir.join("rs-signed.json");
    std::fs::write(&signed, serde_json::to_vec(&signed_by(&key)).unwrap()).unwrap();
    let did_json = write(
        "rs-did.json",
        &did_web_document(&did, &[signing_key(0x0c).verifying_key()]),
    );
    let verdicts = crate::interop::js_verify(&[&signed], &["--doc", &did_json]);
    assert!(verdicts[0].verified, "{}", verdicts[0].line);
    // Without the document the library cannot resolve the key.
    let verdicts = crate::interop::js_verify(&[&signed], &[]);
    assert!(!verdicts[0].verified, "{}", verdicts[0].line);
}

#[test]
fn key_document_fetches_count_in_the_callers_outbound_budget() {
    let host = Host::start();
    let first = did_web_issuer(&host, "budget1", 18, Answer::default());
    let second = did_web_issuer(&host, "budget2", 19, Answer::default());
    let third = did_web_issuer(&host, "budget3", 20, Answer::default());
    let fetcher = host.fetcher(Duration::from_secs(5));
    let (addr, _stop, _dir) = crate::server_ops::serve_in_background(
        move |store| {
            let mut state = rosette::web::AppState::new(Arc::new(store), None);
            state.fetcher = Some(fetcher);
            // Two outbound fetches at once per client (the smallest bucket).
            state.fetch_budget = Arc::new(rosette::web::layers::RateLimiter::new(1, 0));
            state
        },
        rosette::web::ServerOptions::default(),
    );
    let client = Client::new(addr);
    // (This server does not issue, so its clock stands at 1970: only the
    // proof check matters here.)
    let proof_of = |credential: &Value| {
        let report = client
            .post("/api/v1/verify")
            .json(credential)
            .send()
            .expect(200, None);
        let proof = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "proof")
            .cloned()
            .unwrap_or_else(|| panic!("no proof check: {report}"));
        (proof["state"].clone(), proof["code"].clone())
    };
    assert_eq!(proof_of(&first), (json!("valid"), json!("ok")));
    assert_eq!(proof_of(&second), (json!("valid"), json!("ok")));
    assert_eq!(
        proof_of(&third),
        (json!("unknown"), json!("key_unreachable"))
    );
    assert_eq!(host.seen("/budget1/did.json").len(), 1);
    assert_eq!(host.seen("/budget2/did.json").len(), 1);
    assert!(
        host.seen("/budget3/did.json").is_empty(),
        "over budget: no request"
    );
}

/// A presentation of `holder`, signed for `authentication` by `key` with
/// challenge `c-1` and domain `hr.example` (eddsa-rdfc-2022).
fn holder_presentation(holder: &str, key: &IssuerKey) -> Value {
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
    });
    let mut options = serde_json::Map::new();
    for (k, v) in [
        ("type", "DataIntegrityProof"),
        ("cryptosuite", "eddsa-rdfc-2022"),
        ("created", "2026-11-25T00:00:00Z"),
        ("verificationMethod", key.verification_method()),
        ("proofPurpose", "authentication"),
        ("challenge", "c-1"),
        ("domain", "hr.example"),
    ] {
        options.insert(k.into(), json!(v));
    }
    let map = vp.as_object().unwrap();
    let proof =
        rosette::proof::rdfc::create_proof(&rosette::proof::Unsecured::new(map), options, key)
            .unwrap();
    let mut signed = map.clone();
    signed.insert("proof".into(), Value::Object(proof));
    Value::Object(signed)
}

/// `POST /presentations/verify` with a did:web holder: the holder's DID
/// document is fetched (https, loopback flag, the CA of the host) and
/// cached; the key must be listed under `authentication`; a document that
/// cannot be had is "could not check" (`key_unreachable`, not a cryptographic
/// error); a presentation failing its structural checks fetches nothing.
#[test]
fn presentations_of_did_web_holders_are_checked_against_their_documents() {
    let host = Host::start();
    let holder_did = host.did("holder");
    let holder_key = IssuerKey::did_web(signing_key(21), &holder_did).unwrap();
    host.publish(
        "holder",
        &did_web_document(&holder_did, &[signing_key(21).verifying_key()]),
        Answer {
            cache_control: Some("max-age=600"),
            ..Default::default()
        },
    );
    // A document listing the key for assertionMethod only.
    let assert_did = host.did("assert-only");
    let assert_key = IssuerKey::did_web(signing_key(22), &assert_did).unwrap();
    let mut doc = did_web_document(&assert_did, &[signing_key(22).verifying_key()]);
    doc.as_object_mut().unwrap().remove("authentication");
    host.publish("assert-only", &doc, Answer::default());
    let gone_did = host.did("gone");
    let gone_key = IssuerKey::did_web(signing_key(23), &gone_did).unwrap();

    let data = host.dir.path().join("vp-server");
    let server = ServerProcess::start(
        &data,
        &[
            ("ROSETTE_FETCH_ALLOW_LOOPBACK", "true"),
            ("ROSETTE_FETCH_CA_FILE", host.ca.as_str()),
        ],
        &[],
    );
    let client = Client::new(server.addr);
    let verify = |vp: &Value, status: u16| {
        client
            .post("/presentations/verify")
            .json(&json!({
                "verifiablePresentation": vp,
                "options": {"challenge": "c-1", "domain": "hr.example"},
            }))
            .send()
            .expect(status, None)
    };
    let errors = |r: &Value| -> Vec<(String, String)> {
        r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["code"].as_str().unwrap().to_owned(),
                    e["type"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };

    let vp = holder_presentation(&holder_did, &holder_key);
    for _ in 0..2 {
        let r = verify(&vp, 200);
        for check in ["structure", "proof", "challenge", "domain"] {
            assert!(
                r["checks"].as_array().unwrap().contains(&json!(check)),
                "{r:#}"
            );
        }
    }
    assert_eq!(
        host.seen("/holder/did.json").len(),
        1,
        "cached across requests"
    );

    // The holder's key, claimed by another holder: the controller differs.
    let r = verify(&holder_presentation(&assert_did, &holder_key), 422);
    assert_eq!(errors(&r)[0].0, "proof_controller_mismatch", "{r:#}");
    // Tampered after signing: the signature fails.
    let mut tampered = vp.clone();
    tampered["id"] = json!("urn:uuid:0b7c2c40-1d1e-4a47-9e1d-6a1f0c6f7a11");
    let r = verify(&tampered, 422);
    assert_eq!(errors(&r)[0].0, "signature_invalid", "{r:#}");

    // Listed for assertionMethod only: the document says no.
    let r = verify(&holder_presentation(&assert_did, &assert_key), 422);
    let e = errors(&r);
    assert_eq!(e.len(), 1, "{r:#}");
    assert!(e[0].1.ends_with("CRYPTOGRAPHIC_SECURITY_ERROR"), "{r:#}");
    assert!(
        r["errors"][0]["title"]
            .as_str()
            .unwrap()
            .contains("not listed under authentication"),
        "{r:#}"
    );

    // No document (the server's fetches say only that the fetch failed):
    // could not check, never a cryptographic error.
    let r = verify(&holder_presentation(&gone_did, &gone_key), 422);
    assert_eq!(
        errors(&r),
        [(
            "key_unreachable".to_owned(),
            "https://w3id.org/security#PROOF_VERIFICATION_ERROR".to_owned()
        )],
        "{r:#}"
    );
    assert_eq!(host.seen("/gone/did.json").len(), 1);

    // Failing the structural checks: the holder's document is not fetched.
    let structural = host.did("structural");
    let structural_key = IssuerKey::did_web(signing_key(24), &structural).unwrap();
    let mut untyped = holder_presentation(&structural, &structural_key);
    untyped["type"] = json!(["Presentation"]);
    let r = verify(&untyped, 422);
    assert!(errors(&r).iter().any(|(c, _)| c == "type_missing"), "{r:#}");
    assert!(
        host.seen("/structural/did.json").is_empty(),
        "nothing fetched"
    );
}
