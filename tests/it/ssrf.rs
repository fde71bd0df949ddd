//! No server-side request forgery from the public routes: a real server on
//! 127.0.0.1:0 and a canary HTTP server on another loopback port that counts
//! the requests it receives. Loopback in every spelling is refused unless
//! `fetch_allow_loopback` is on; a caller learns only `fetch_failed`;
//! batches and rosters fetch concurrently under one deadline; a per-client
//! budget bounds the fetches one visitor can cause.

use crate::server_ops::serve_in_background;
use crate::support::{Client, Response, ServerProcess};
use rosette::fetch::{FetchPolicy, HttpFetcher};
use rosette::web::layers::RateLimiter;
use rosette::web::{AppState, ServerOptions};
use serde_json::{Value, json};
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How the canary answers.
#[derive(Clone, Copy)]
enum Canary {
    /// 200 with a JSON document (a credential-shaped object).
    Document,
    /// 404, as `/metrics` behind an auth proxy might.
    NotFound,
    /// Accepts the connection and never answers.
    Hang,
}

/// A canary on 127.0.0.1:0: its port and how many requests reached it.
fn canary(mode: Canary) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            if let Canary::Hang = mode {
                held.push(stream);
                continue;
            }
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let (status, body) = match mode {
                Canary::Document => (
                    "200 OK",
                    r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"]}"#,
                ),
                _ => ("404 Not Found", "no"),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, hits)
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Each fetch (and each batch) ends within this.
const TIMEOUT: Duration = Duration::from_secs(2);

/// An in-process server whose fetcher allows loopback or not, with short
/// timeouts and the given fetch budget (`None`: the default one).
fn server(
    allow_loopback: bool,
    budget: Option<RateLimiter>,
) -> (Client, tokio::sync::oneshot::Sender<()>, tempfile::TempDir) {
    let (addr, stop, dir) = serve_in_background(
        move |store| {
            let mut state = AppState::new(Arc::new(store), None);
            state.fetcher = Some(
                HttpFetcher::new(FetchPolicy {
                    connect_timeout: TIMEOUT,
                    total_timeout: TIMEOUT,
                    allow_loopback,
                    ..FetchPolicy::default()
                })
                .unwrap(),
            );
            if let Some(budget) = budget {
                state.fetch_budget = Arc::new(budget);
            }
            state
        },
        ServerOptions::default(),
    );
    (Client::new(addr), stop, dir)
}

fn verify_url(client: &Client, url: &str) -> Response {
    client
        .post("/api/v1/verify")
        .json(&json!({ "url": url }))
        .send()
}

fn json_of(r: &Response) -> Value {
    assert_eq!(r.status, 200, "{}\n{}", r.head, r.text());
    serde_json::from_slice(&r.body).unwrap()
}

/// The checks' codes of a report.
fn codes(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The loopback spellings of the issue, and a few more.
fn loopback_hosts() -> [&'static str; 12] {
    [
        "127.0.0.1",
        "localhost",
        "LocalHost.",
        "0x7f000001",
        "2130706433",
        "127.1",
        "0177.0.0.1",
        "[::ffff:127.0.0.1]",
        "[::1]",
        "[::127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "0.0.0.0",
    ]
}

#[test]
fn every_spelling_of_loopback_is_refused_and_the_canary_hears_nothing() {
    let (port, hits) = canary(Canary::Document);
    let (client, _stop, _dir) = server(false, None);
    let mut answers = Vec::new();
    let mut urls = Vec::new();
    for host in loopback_hosts() {
        for scheme in ["http", "https"] {
            let url = format!("{scheme}://{host}:{port}/metrics");
            let report = json_of(&verify_url(&client, &url));
            assert_eq!(codes(&report), ["fetch_failed"], "{url}: {report:#}");
            assert_eq!(report["verified"], false, "{url}");
            answers.push(report);
            urls.push(url);
        }
    }
    // One answer for all of them: nothing tells the spellings apart.
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:#?}");
    let text = answers[0].to_string();
    for leak in ["127.0.0.1", "loopback", "refused", "address", "status"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    // The same through a batch and a roster.
    let batch = json_of(
        &client
            .post("/api/v1/verify")
            .json(&json!({ "credentials": urls }))
            .send(),
    );
    let roster = json_of(
        &client
            .post("/api/v1/verify")
            .body("text/csv", urls.join("\n").as_bytes())
            .send(),
    );
    for answer in [batch, roster] {
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), urls.len(), "{answer:#}");
        for r in results {
            assert_eq!(codes(r), ["fetch_failed"], "{r:#}");
        }
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the canary was reached");
}

#[test]
fn open_closed_and_hanging_ports_answer_byte_for_byte_alike() {
    let (open, open_hits) = canary(Canary::NotFound);
    let (hanging, _) = canary(Canary::Hang);
    let closed = closed_port();
    for allow_loopback in [false, true] {
        let (client, _stop, _dir) = server(allow_loopback, None);
        let bodies: Vec<(String, Vec<u8>)> = [open, closed, hanging]
            .into_iter()
            .map(|port| {
                let url = format!("http://127.0.0.1:{port}/metrics");
                let r = verify_url(&client, &url);
                assert_eq!(r.status, 200, "{url}: {}", r.head);
                (url, r.body)
            })
            .collect();
        for (url, body) in &bodies[1..] {
            assert_eq!(
                String::from_utf8_lossy(body),
                String::from_utf8_lossy(&bodies[0].1),
                "loopback allowed: {allow_loopback}; {url} vs {}",
                bodies[0].0
            );
        }
        assert_eq!(
            codes(&serde_json::from_slice(&bodies[0].1).unwrap()),
            ["fetch_failed"]
        );
        assert_eq!(
            open_hits.load(Ordering::SeqCst),
            usize::from(allow_loopback),
            "the open port is reached only with loopback allowed"
        );
    }
}

#[test]
fn five_hanging_urls_in_a_batch_or_roster_end_within_one_timeout() {
    let (port, hits) = canary(Canary::Hang);
    let (client, _stop, _dir) = server(true, None);
    let urls: Vec<String> = (0..5)
        .map(|i| format!("http://127.0.0.1:{port}/hang/{i}"))
        .collect();
    let batch = client
        .post("/api/v1/verify")
        .json(&json!({ "credentials": urls }));
    let roster = client.post("/api/v1/verify").body(
        "text/csv",
        format!("link\n{}\n", urls.join("\n")).as_bytes(),
    );
    for (what, request) in [("batch", batch), ("roster", roster)] {
        let started = Instant::now();
        let answer = json_of(&request.send());
        let took = started.elapsed();
        assert!(
            took < TIMEOUT + TIMEOUT / 2,
            "{what}: five hanging URLs took {took:?} (one timeout is {TIMEOUT:?})"
        );
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), 5, "{what}: {answer:#}");
        for r in results {
            assert_eq!(codes(r), ["fetch_failed"], "{what}: {r:#}");
        }
    }
    assert_eq!(hits.load(Ordering::SeqCst), 10, "every URL was tried");
}

#[test]
fn the_per_client_fetch_budget_stops_a_scan() {
    let (port, hits) = canary(Canary::Document);
    // 1 a second steady, 3 at once.
    let (client, _stop, _dir) = server(true, Some(RateLimiter::new(60, 2)));
    let urls: Vec<String> = (0..5)
        .map(|i| format!("http://127.0.0.1:{port}/doc/{i}"))
        .collect();
    let answer = json_of(
        &client
            .post("/api/v1/verify")
            .json(&json!({ "credentials": urls }))
            .send(),
    );
    let failed = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| codes(r) == ["fetch_failed"])
        .count();
    assert_eq!(failed, 2, "{answer:#}");
    assert_eq!(hits.load(Ordering::SeqCst), 3, "three fetches, then none");
    // Spent: the next URL is not fetched, and the answer is the usual one.
    let report = json_of(&verify_url(&client, &urls[0]));
    assert_eq!(codes(&report), ["fetch_failed"]);
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    // The budget refills at the steady rate.
    std::thread::sleep(Duration::from_millis(1100));
    let report = json_of(&verify_url(&client, &urls[0]));
    assert_ne!(codes(&report), ["fetch_failed"], "{report:#}");
    assert_eq!(hits.load(Ordering::SeqCst), 4);
}

#[test]
fn rosette_serve_fetches_loopback_only_with_fetch_allow_loopback_and_warns() {
    let (port, hits) = canary(Canary::Document);
    let url = format!("http://localhost:{port}/credential.json");
    let dir = tempfile::tempdir().unwrap();
    let strict = ServerProcess::start(&dir.path().join("strict"), &[], &[]);
    let report = json_of(&verify_url(&Client::new(strict.addr), &url));
    assert_eq!(codes(&report), ["fetch_failed"], "{report:#}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    assert!(
        !strict.stderr().contains("fetch_allow_loopback"),
        "{}",
        strict.stderr()
    );
    let open = ServerProcess::start(
        &dir.path().join("open"),
        &[("ROSETTE_FETCH_ALLOW_LOOPBACK", "true")],
        &[],
    );
    let report = json_of(&verify_url(&Client::new(open.addr), &url));
    assert!(
        !codes(&report).contains(&"fetch_failed".to_owned()),
        "{report:#}"
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "the credential URL was fetched"
    );
    let log = open.stderr();
    assert!(
        log.contains("WARN") && log.contains("fetch_allow_loopback is on"),
        "{log}"
    );
    // Refused fetches are logged with the request id, for the operator.
    let r = verify_url(&Client::new(strict.addr), "http://127.1:9/x");
    let id = r.header("x-request-id").unwrap().to_owned();
    let logged = strict.stderr();
    assert!(
        logged
            .lines()
            .any(|l| l.contains(&id) && l.contains("fetch_private_address")),
        "{logged}"
    );
}

/// A credential signed by a did:key of the caller's choosing whose status
/// list is at `list_url`.
fn attacker_signed(list_url: &str) -> Value {
    use rosette::keys::CredentialSigner as _;
    use rosette::proof::{Cryptosuite, ProofOptions};
    let key = rosette::keys::decode_secret_key("z3u2W4YnTstS1nSSBAgZcYSJF43JuZ9uLV6bF38B1Bf8NugW")
        .unwrap();
    let signer = rosette::keys::IssuerKey::did_key(key);
    let doc = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:11111111-2222-4333-8444-555555555555",
        "type": ["VerifiableCredential"],
        "issuer": signer.issuer(),
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": { "id": "did:example:holder" },
        "credentialStatus": [{ "id": format!("{list_url}#7"), "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": "7", "statusListCredential": list_url }]
    });
    let options = ProofOptions::assertion(
        Cryptosuite::EddsaRdfc2022,
        Some("2026-01-01T00:00:00Z".into()),
    );
    rosette::proof::add_proof(&doc, &options, &signer).unwrap()
}

#[test]
fn status_lists_named_by_a_signed_credential_are_not_fetched_from_loopback() {
    let (port, hits) = canary(Canary::Document);
    let (client, _stop, _dir) = server(false, None);
    for host in ["127.0.0.1", "0x7f000001", "[::ffff:127.0.0.1]", "localhost"] {
        let credential = attacker_signed(&format!("http://{host}:{port}/metrics"));
        let report = json_of(&client.post("/api/v1/verify").json(&credential).send());
        let status = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "status")
            .unwrap_or_else(|| panic!("{report:#}"));
        assert_eq!(status["state"], "unknown", "{host}: {report:#}");
        assert_eq!(status["code"], "status_list_unreachable", "{host}");
        let message = status["message"].as_str().unwrap();
        assert!(message.contains("(fetch_failed)"), "{message}");
        for leak in ["refused", "private", "non-public", "resolves"] {
            assert!(!message.contains(leak), "{leak} in {message}");
        }
        assert_eq!(report["verified"], false);
        // The VC-API route refuses it the same way.
        let r = client
            .post("/credentials/verify")
            .json(&json!({ "verifiableCredential": credential }))
            .send();
        assert!(!r.text().contains("non-public"), "{}", r.text());
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the canary was reached");
}
