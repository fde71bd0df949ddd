//! Operations and security of the server over real HTTP on 127.0.0.1:0:
//! rate limits, CORS on the public API only, security headers, metrics,
//! timeouts, TLS, structured logs, graceful shutdown, and several nodes
//! sharing one PostgreSQL.

use crate::support::{
    Client, ServerProcess, block_on, fresh_postgres_database, ok, raw_request, rosette,
    rosette_with, sqlite_url,
};
use rosette::store::SqlStore;
use rosette::web::layers::RateLimiter;
use rosette::web::{AppState, ServerOptions};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Serves `state` in-process on a background runtime; returns its address
/// and a sender that stops it.
pub(crate) fn serve_in_background(
    state_for: impl FnOnce(SqlStore) -> AppState + Send + 'static,
    options: ServerOptions,
) -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let store = SqlStore::connect(&url).await.unwrap();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            let router = rosette::web::router(state_for(store));
            rosette::web::serve_with(listener, router, options, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
    });
    (addr_rx.recv().unwrap(), stop, dir)
}

#[test]
fn public_routes_are_rate_limited_per_client_and_answer_429_with_retry_after() {
    let (addr, _stop, _dir) = serve_in_background(
        |store| {
            let mut state = AppState::new(Arc::new(store), None);
            state.rate_limiter = Arc::new(RateLimiter::new(60, 2)); // 1/s, 3 at once
            state
        },
        ServerOptions::default(),
    );
    let client = Client::new(addr);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(client.get("/status/nope").send().status);
    }
    assert_eq!(statuses, [404, 404, 404, 429]);
    let r = client.get("/v/00000000-0000-4000-8000-000000000000").send();
    assert_eq!(r.status, 429, "pages share the client's budget");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "{}", r.head);
    let problem: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(problem["status"], 429);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    // Operations routes are not limited.
    assert_eq!(client.get("/healthz").send().status, 200);
    // The budget refills at the steady rate.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(client.get("/status/nope").send().status, 404);
}

#[test]
fn cors_is_on_the_public_api_only_and_every_response_carries_security_headers() {
    let (addr, _stop, _dir) = serve_in_background(
        |store| AppState::new(Arc::new(store), None),
        ServerOptions::default(),
    );
    let client = Client::new(addr);
    let preflight = |path: &str| {
        client
            .request("OPTIONS", path)
            .header("Origin", "https://hr.example")
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
    };
    for path in ["/api/v1/verify", "/credentials/verify"] {
        let r = preflight(path);
        assert!(r.status == 200 || r.status == 204, "{path}: {}", r.head);
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("*"),
            "{path}: {}",
            r.head
        );
        assert!(
            r.header("access-control-allow-methods")
                .unwrap()
                .contains("POST")
        );
    }
    // A cross-origin read of a public resource is allowed…
    let r = client
        .get("/status/nope")
        .header("Origin", "https://hr.example")
        .send();
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    // …but the admin API, pages and operations never answer CORS.
    for path in [
        "/api/v1/admin/credentials",
        "/credentials/issue",
        "/v/00000000-0000-4000-8000-000000000000",
        "/metrics",
    ] {
        let r = preflight(path);
        assert_eq!(
            r.header("access-control-allow-origin"),
            None,
            "{path}: {}",
            r.head
        );
        let r = client
            .get(path)
            .header("Origin", "https://evil.example")
            .send();
        assert_eq!(
            r.header("access-control-allow-origin"),
            None,
            "{path}: {}",
            r.head
        );
    }
    // Security headers on everything, including errors and unknown paths.
    for path in ["/healthz", "/status/nope", "/no/such/path", "/metrics"] {
        let r = client.get(path).send();
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
        assert!(
            r.header("content-security-policy")
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}: {}",
            r.head
        );
        assert!(r.header("x-request-id").is_some(), "{path}");
        assert_eq!(
            r.header("strict-transport-security"),
            None,
            "no HSTS over plain HTTP"
        );
    }
    let r = client.get("/no/such/path").send();
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert!(r.text().contains("no such resource"));
    // Errors made outside the handlers are problem JSON too.
    let r = client.request("DELETE", "/api/v1/verify").send();
    assert_eq!(r.status, 405);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert!(r.text().contains("method_not_allowed"));
    let big = vec![b' '; 2 * 1024 * 1024];
    let r = client
        .post("/api/v1/verify")
        .body("application/json", &big)
        .send();
    assert_eq!(r.status, 413);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert!(r.text().contains("body_too_large"));
    // A sane request id is echoed, a hostile one replaced.
    let request_id = |id: &str| client.get("/healthz").header("X-Request-Id", id).send();
    assert_eq!(
        request_id("abc-123").header("x-request-id"),
        Some("abc-123")
    );
    assert_ne!(
        request_id("a b<script>").header("x-request-id"),
        Some("a b<script>")
    );
}

#[test]
fn metrics_count_requests_per_route_pattern_and_verdicts() {
    let (addr, _stop, _dir) = serve_in_background(
        |store| AppState::new(Arc::new(store), None),
        ServerOptions::default(),
    );
    let client = Client::new(addr);
    for _ in 0..3 {
        client.get("/status/list-a").send();
    }
    client.get("/status/list-b").send();
    let r = client
        .post("/api/v1/verify")
        .body("application/json", br#"{"@context": []}"#)
        .send();
    assert_eq!(r.status, 200, "{}", r.head);
    let r = client.get("/metrics").send();
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = String::from_utf8(r.body).unwrap();
    assert!(
        text.contains(
            "rosette_http_requests_total{method=\"GET\",route=\"/status/{list}\",status=\"404\"} 4"
        ),
        "ids never become labels:\n{text}"
    );
    assert!(
        text.contains(
            "rosette_http_request_duration_seconds_count{method=\"GET\",route=\"/status/{list}\"} 4"
        ),
        "{text}"
    );
    assert!(
        text.contains("rosette_verifications_total{verdict=\"invalid\"} 1"),
        "{text}"
    );
    assert!(!text.contains("list-a"), "{text}");
}

#[test]
fn slow_clients_are_cut_off_by_the_header_and_request_timeouts() {
    let (addr, _stop, _dir) = serve_in_background(
        |store| {
            let mut state = AppState::new(Arc::new(store), None);
            state.request_timeout = Duration::from_millis(500);
            state
        },
        ServerOptions {
            header_read_timeout: Duration::from_millis(400),
            ..ServerOptions::default()
        },
    );
    // Half a request head, then silence: the connection is closed.
    let started = Instant::now();
    let rest = raw_request(addr, b"GET /healthz HTTP/1.1\r\nHost: x\r\n");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the server kept a silent client for {:?}",
        started.elapsed()
    );
    let text = String::from_utf8_lossy(&rest);
    assert!(text.is_empty() || text.contains(" 408 "), "{text}");

    // A body that never finishes: answered before long, not held open.
    let started = Instant::now();
    let response = raw_request(addr, b"POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":");
    let text = String::from_utf8_lossy(&response);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        text.starts_with("HTTP/1.1 408") || text.starts_with("HTTP/1.1 503"),
        "{text}"
    );
    assert!(
        text.contains("application/problem+json") && text.contains("\"status\":"),
        "timeouts answer problem JSON: {text}"
    );
}

/// A throwaway CA and a certificate for 127.0.0.1 signed by it (openssl).
pub(crate) fn test_certificates(dir: &std::path::Path) -> (String, String, String) {
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl is needed for the TLS test");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Rosette test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign",
    ]);
    run(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    let p = |f: &str| dir.join(f).display().to_string();
    (p("ca.pem"), p("server.pem"), p("server.key"))
}

#[test]
fn tls_json_logs_metrics_and_graceful_shutdown_of_a_real_server() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = test_certificates(dir.path());
    let data = dir.path().join("data");
    let server = ServerProcess::start(
        &data,
        &[("ROSETTE_LOG_FORMAT", "json")],
        &["--tls-cert", &cert, "--tls-key", &key],
    );
    let addr = server.addr;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap())
        .build()
        .unwrap();
    let secret_marker = "rst_this-is-not-a-real-token-but-must-not-be-logged";
    block_on(async {
        let r = client
            .get(format!("https://{addr}/healthz"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()
                .get("strict-transport-security")
                .and_then(|v| v.to_str().ok()),
            Some("max-age=31536000; includeSubDomains")
        );
        let r = client
            .get(format!("https://{addr}/api/v1/admin/credentials"))
            .bearer_auth(secret_marker)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let r = client
            .get(format!("https://{addr}/metrics"))
            .send()
            .await
            .unwrap();
        let text = r.text().await.unwrap();
        assert!(
            text.contains(
                "rosette_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
            ),
            "{text}"
        );
    });
    // Plain HTTP on the TLS port gets no answer.
    let buf = raw_request(addr, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));

    let stderr_path = server.stderr_path.clone();
    let status = server.stop();
    assert!(status.success(), "SIGTERM is a clean stop: {status:?}");
    let logs = std::fs::read_to_string(stderr_path).unwrap();
    assert!(
        !logs.contains(secret_marker),
        "a bearer token reached the logs"
    );
    let requests: Vec<serde_json::Value> = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["message"] == "request")
        .collect();
    let health = requests
        .iter()
        .find(|v| v["route"] == "/healthz")
        .unwrap_or_else(|| panic!("no JSON request line for /healthz in:\n{logs}"));
    assert_eq!(health["status"], 200);
    assert_eq!(health["method"], "GET");
    assert!(health["latency_ms"].as_f64().is_some());
    assert!(health["request_id"].as_str().is_some());
    assert!(
        logs.lines()
            .any(|l| l.contains("\"stopped\"") || l.contains("stopped")),
        "{logs}"
    );
}

#[test]
fn bad_server_settings_are_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&rosette(&data, &["init"]));
    let out = rosette(
        &data,
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "/nonexistent/cert.pem",
            "--tls-key",
            "/nonexistent/key.pem",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/cert.pem"), "{err}");
    let out = rosette(&data, &["serve", "--listen", "not-an-address"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("listen \"not-an-address\""), "{err}");
    std::fs::write(
        data.join("rosette.toml"),
        std::fs::read_to_string(data.join("rosette.toml")).unwrap()
            + "rate_limit_per_minute = \"lots\"\n",
    )
    .unwrap();
    let out = rosette(&data, &["credentials", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rate_limit_per_minute"));
}

/// Issues one credential through the CLI on `data`; its id.
fn issue_one(data: &std::path::Path, envs: &[(&str, &str)], email: &str) -> String {
    let csv = data.with_extension(format!("{}.csv", uuid::Uuid::new_v4().simple()));
    std::fs::write(&csv, format!("name,email,certification,written_score,written_date,lab_result,grader,lab_date\nAda Lovelace,{email},gitlab-certified-associate,90,2026-11-20,pass,grader@example.com,2026-11-22\n")).unwrap();
    ok(&rosette_with(
        data,
        envs,
        &["issue", "--csv", csv.to_str().unwrap()],
    ));
    let results = std::fs::read_to_string(csv.with_extension("results.csv")).unwrap();
    results
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(5)
        .unwrap()
        .to_owned()
}

fn verdict(addr: SocketAddr, uuid: &str) -> String {
    let r = Client::new(addr).get(&format!("/v/{uuid}")).send();
    assert!(
        r.status == 200 || r.status == 410 || r.status == 404,
        "{}",
        r.status
    );
    let html = r.text();
    let start = html.find("<h1>").unwrap() + 4;
    let end = html[start..].find("</h1>").unwrap() + start;
    html[start..end].to_owned()
}

#[test]
fn two_nodes_on_one_postgresql_see_each_others_issuance_and_revocation() {
    let Some(db) = block_on(fresh_postgres_database()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("node-a"), dir.path().join("node-b"));
    let envs = [
        ("ROSETTE_DATABASE_URL", db.as_str()),
        ("ROSETTE_GRADERS", "grader@example.com"),
        ("ROSETTE_PUBLIC_URL", "https://badges.example"),
    ];
    // Node A initializes the database and the key; node B gets a copy of
    // the key file, as an operator would deploy it.
    ok(&rosette_with(&a, &envs, &["init"]));
    std::fs::create_dir_all(b.join("keys")).unwrap();
    std::fs::copy(a.join("keys/issuer.pem"), b.join("keys/issuer.pem")).unwrap();
    std::fs::copy(a.join("rosette.toml"), b.join("rosette.toml")).unwrap();
    let node_a = ServerProcess::start(&a, &envs, &[]);
    let node_b = ServerProcess::start(&b, &envs, &[]);

    let id = issue_one(&a, &envs, "ada@example.com");
    let uuid = id.trim_start_matches("urn:uuid:");
    assert_eq!(verdict(node_a.addr, uuid), "VALID");
    assert_eq!(verdict(node_b.addr, uuid), "VALID");
    // Both nodes publish the same DID document and the same list.
    let (a_client, b_client) = (Client::new(node_a.addr), Client::new(node_b.addr));
    let did_a = a_client.get("/.well-known/did.json").send().body;
    let did_b = b_client.get("/.well-known/did.json").send().body;
    assert_eq!(did_a, did_b);

    // Revoked through node A's data directory (the CLI writes to the shared
    // database): both nodes show it on the very next request.
    ok(&rosette_with(
        &a,
        &envs,
        &["revoke", &id, "--reason", "test"],
    ));
    // Another process changed the list: each node reads the list versions
    // again within LIST_VERSIONS_MAX_AGE (a change through a node's own API
    // shows at once on that node).
    std::thread::sleep(rosette::issuance::revocation::LIST_VERSIONS_MAX_AGE);
    assert_eq!(verdict(node_b.addr, uuid), "REVOKED");
    assert_eq!(verdict(node_a.addr, uuid), "REVOKED");
    let body = a_client
        .get(&format!("/credentials/{uuid}"))
        .header("Accept", "application/vc")
        .send()
        .text();
    let r = b_client
        .post("/api/v1/verify")
        .body("application/json", body.as_bytes())
        .send();
    assert_eq!(r.status, 200);
    let report: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(report["verified"], false);
    assert!(
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "revoked"),
        "{report}"
    );
}

/// A `multipart/form-data` body with one file part per `(name, type, bytes)`.
fn multipart(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "rosette-test-boundary-7d1c";
    let mut body = Vec::new();
    for (name, content_type, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn the_verification_api_takes_uploaded_files_as_a_browser_form_sends_them() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let envs = [("ROSETTE_GRADERS", "grader@example.com")];
    ok(&rosette_with(&data, &envs, &["init"]));
    let server = ServerProcess::start(&data, &envs, &[]);
    let id = issue_one(&data, &envs, "ada@example.com");
    let uuid = id.trim_start_matches("urn:uuid:");
    let client = Client::new(server.addr);
    let json = client
        .get(&format!("/credentials/{uuid}"))
        .header("Accept", "application/vc")
        .send()
        .body;
    let png = client
        .get(&format!("/credentials/{uuid}/badge.png"))
        .send()
        .body;
    let mut tampered = json.clone();
    let at = tampered.windows(3).position(|w| w == b"Ada").unwrap();
    tampered[at] = b'E';

    let verify = |parts: &[(&str, &str, &[u8])]| {
        let (content_type, body) = multipart(parts);
        let r = client
            .post("/api/v1/verify")
            .body(&content_type, &body)
            .send();
        (
            r.status,
            serde_json::from_slice::<serde_json::Value>(&r.body).unwrap(),
        )
    };
    let (status, one) = verify(&[("badge.png", "image/png", &png)]);
    assert_eq!(status, 200);
    assert_eq!(one["verified"], true, "{one}");
    assert_eq!(one["credential"]["holder"], "Ada Lovelace");
    let (status, batch) = verify(&[
        ("credential.json", "application/json", &json),
        ("badge.png", "image/png", &png),
        ("forged.json", "application/json", &tampered),
    ]);
    assert_eq!(status, 200);
    let results = batch["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["verified"], true);
    assert_eq!(results[1]["verified"], true);
    assert_eq!(
        results[2]["verified"], false,
        "the forged name breaks the proof"
    );
    assert_eq!(batch["verified"], false);
    // No file, or a broken form: 400 with a problem.
    let (status, problem) = verify(&[]);
    assert_eq!(status, 400, "{problem}");
    let r = client
        .post("/api/v1/verify")
        .body(
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nunterminated",
        )
        .send();
    assert_eq!(r.status, 400, "{}", r.text());
}

#[test]
fn token_guessing_on_the_admin_api_is_throttled_per_client() {
    let (addr, _stop, _dir) = serve_in_background(
        |store| AppState::new(Arc::new(store), None),
        ServerOptions::default(),
    );
    let client = Client::new(addr);
    let guess = |n: usize| {
        client
            .get("/api/v1/admin/credentials")
            .bearer(Some(&format!("rst_guess-{n}")))
            .send()
    };
    let burst = rosette::web::layers::AUTH_FAILURE_BURST as usize + 1;
    for n in 0..burst {
        assert_eq!(guess(n).status, 401, "guess {n}");
    }
    let r = guess(burst);
    assert_eq!(r.status, 429, "{}", r.text());
    assert!(r.header("retry-after").is_some());
    assert!(r.text().contains("failed token checks"));
    // The public API is a separate budget.
    assert_eq!(client.get("/status/nope").send().status, 404);
}

#[test]
fn an_employer_checks_a_team_by_ids_and_links_and_gets_a_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let envs = [
        ("ROSETTE_GRADERS", "grader@example.com"),
        ("ROSETTE_PUBLIC_URL", "https://certs.example.com"),
    ];
    ok(&rosette_with(&data, &envs, &["init"]));
    let server = ServerProcess::start(&data, &envs, &[]);
    let ada = issue_one(&data, &envs, "ada@example.com");
    let bob = issue_one(&data, &envs, "bob@example.com");
    ok(&rosette_with(
        &data,
        &envs,
        &["revoke", &bob, "--reason", "test"],
    ));
    std::thread::sleep(rosette::issuance::revocation::LIST_VERSIONS_MAX_AGE);
    let ada_uuid = ada.trim_start_matches("urn:uuid:");
    let bob_link = format!(
        "https://certs.example.com/v/{}",
        bob.trim_start_matches("urn:uuid:")
    );
    let unknown = "urn:uuid:00000000-0000-4000-8000-000000000000";
    // The page a QR opens is revalidated on every view.
    let client = Client::new(server.addr);
    let page = client.get(&format!("/v/{ada_uuid}")).send();
    assert_eq!(page.header("cache-control"), Some("no-cache"));

    // JSON batch of references: an id, a bare UUID, the QR link, an unknown id.
    let body = serde_json::json!({ "credentials": [ada, ada_uuid, bob_link, { "id": unknown }] });
    let r = client.post("/api/v1/verify").json(&body).send();
    assert_eq!(r.status, 200);
    let answer: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results[0]["verified"], true, "{answer}");
    assert_eq!(results[1]["verified"], true);
    assert_eq!(results[2]["verified"], false);
    assert!(
        results[2]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "revoked")
    );
    assert_eq!(results[3]["checks"][0]["code"], "credential_not_found");

    // The same team as a roster file in a form, answered as CSV.
    let roster = format!("name,credential\nAda,{ada}\nBob,{bob_link}\nNobody,{unknown}\n");
    let (content_type, form) = multipart(&[("team.csv", "text/csv", roster.as_bytes())]);
    let r = client
        .post("/api/v1/verify")
        .body(&content_type, &form)
        .header("Accept", "text/csv")
        .send();
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let csv = String::from_utf8(r.body).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    // A BOM, the roster's own columns, where each row came from, ours.
    assert_eq!(
        lines[0],
        "\u{FEFF}name,credential,part,filename,line,item,verified,verdict,holder,certification,issuer,valid_from,valid_until,problem_code,problem,issuer_id,issued_here,issuer_trust"
    );
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[1].starts_with(&format!(
            "Ada,{ada},file,team.csv,2,{ada},true,VALID,Ada Lovelace,GitLab Certified Associate,"
        )),
        "{csv}"
    );
    // Who issued it: this installation.
    assert!(
        lines[1].ends_with(",did:web:certs.example.com,true,this Rosette's own issuer"),
        "{csv}"
    );
    assert!(
        lines[2].contains(",false,REVOKED,Ada Lovelace,") && lines[2].contains(",revoked,"),
        "{csv}"
    );
    assert!(
        lines[3].contains(",false,NOT FOUND,") && lines[3].contains("credential_not_found"),
        "{csv}"
    );
}

#[test]
fn spreadsheet_answers_cannot_carry_formulas() {
    let (addr, _stop, _dir) = serve_in_background(
        |store| AppState::new(Arc::new(store), None),
        ServerOptions::default(),
    );
    // A forged credential whose holder name is a formula.
    let forged = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:x",
        "credentialSubject": { "name": "=HYPERLINK(\"https://evil.example\")" }
    });
    // Items echoed as they came: formulas, also behind spaces (OWASP).
    let body =
        serde_json::json!({ "credentials": [forged, "=1+1", " =1+1", "\u{a0}=1+1", "\t=1"] });
    let r = Client::new(addr)
        .post("/api/v1/verify")
        .json(&body)
        .header("Accept", "text/csv")
        .send();
    assert_eq!(r.status, 200);
    let csv = String::from_utf8(r.body).unwrap();
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a cell could run as a formula: {cell:?} in {csv}"
            );
        }
    }
    assert!(csv.contains("'=1+1"), "{csv}");
    let body = csv.strip_prefix('\u{feff}').unwrap_or(&csv);
    let mut items = Vec::new();
    for record in csv::Reader::from_reader(body.as_bytes()).records() {
        let record = record.unwrap();
        for cell in record.iter() {
            let first =
                cell.trim_start_matches(|c: char| c.is_whitespace() && c != '\t' && c != '\r');
            assert!(
                cell.starts_with('\'') || !first.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell could run as a formula: {cell:?} in {csv}"
            );
        }
        items.extend(
            record
                .iter()
                .filter(|c| c.ends_with("=1+1") || c.ends_with("=1"))
                .map(str::to_owned),
        );
    }
    for item in ["'=1+1", "' =1+1", "'\u{a0}=1+1", "'\t=1"] {
        assert!(items.iter().any(|c| c == item), "{item:?} not in {items:?}");
    }
}

#[test]
fn a_database_outage_is_503_for_readiness_and_token_checks_never_401() {
    let Some(db) = block_on(fresh_postgres_database()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let envs = [("ROSETTE_DATABASE_URL", db.as_str())];
    ok(&rosette_with(&data, &envs, &["init"]));
    let token = ok(&rosette_with(
        &data,
        &envs,
        &["tokens", "create", "--name", "ops", "--scope", "admin"],
    ))
    .trim()
    .to_owned();
    let server = ServerProcess::start(&data, &envs, &[]);
    let client = Client::new(server.addr);
    assert_eq!(client.get("/readyz").send().status, 200);
    let list = || {
        client
            .get("/api/v1/admin/credentials")
            .bearer(Some(&token))
            .send()
    };
    assert_eq!(list().status, 200);

    // The database goes away.
    let name = db.rsplit('/').next().unwrap().to_owned();
    block_on(async {
        use sqlx::Connection as _;
        let admin = crate::support::postgres_admin_url().unwrap();
        let mut conn = sqlx::AnyConnection::connect(&admin).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await
        .unwrap();
    });
    let started = Instant::now();
    let r = client.get("/readyz").send();
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    // A valid token is not called invalid because the store is down; no
    // database text reaches the answer.
    let r = list();
    let text = r.text();
    assert_eq!(r.status, 503, "{text}");
    assert!(r.header("www-authenticate").is_none(), "{}", r.head);
    assert!(
        !text.contains(&name) && !text.to_lowercase().contains("sqlx"),
        "{text}"
    );
    // The public page says so too, without leaking anything.
    let r = client.get("/v/00000000-0000-4000-8000-000000000000").send();
    assert_eq!(r.status, 503);
    assert!(!r.text().contains(&name));
    assert_eq!(client.get("/healthz").send().status, 200);
}

#[test]
fn the_page_of_a_corrected_credential_points_to_the_corrected_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let envs = [("ROSETTE_GRADERS", "grader@example.com")];
    ok(&rosette_with(&data, &envs, &["init"]));
    let server = ServerProcess::start(&data, &envs, &[]);
    let old = issue_one(&data, &envs, "ada@example.com");
    let out = ok(&rosette_with(
        &data,
        &envs,
        &[
            "correct",
            &old,
            "--name",
            "Ada King",
            "--reason",
            "married name",
        ],
    ));
    let new = out
        .split_whitespace()
        .find(|w| w.starts_with("urn:uuid:") && *w != old)
        .unwrap_or_else(|| panic!("no new id in {out:?}"))
        .to_owned();
    std::thread::sleep(rosette::issuance::revocation::LIST_VERSIONS_MAX_AGE);
    let page = |id: &str| {
        let r = Client::new(server.addr)
            .get(&format!("/v/{}", id.trim_start_matches("urn:uuid:")))
            .send();
        assert_eq!(r.status, 200);
        String::from_utf8(r.body).unwrap()
    };
    let old_page = page(&old);
    assert!(old_page.contains("<h1>REVOKED</h1>"), "{old_page}");
    assert!(old_page.contains("replaced this credential with a corrected one"));
    assert!(
        old_page.contains(&format!(
            "href=\"/v/{}\"",
            new.trim_start_matches("urn:uuid:")
        )),
        "{old_page}"
    );
    let new_page = page(&new);
    assert!(new_page.contains("<h1>VALID</h1>"));
    assert!(new_page.contains("Ada King"));
    assert!(!new_page.contains("id=\"successor\""));
}

#[test]
fn a_server_that_does_not_issue_answers_404_on_the_issuer_routes() {
    let (addr, _stop, _dir) = serve_in_background(
        |store| AppState::new(Arc::new(store), None),
        ServerOptions::default(),
    );
    let client = Client::new(addr);
    for path in [
        "/.well-known/did.json",
        "/credentials/00000000-0000-4000-8000-000000000000",
        "/credentials/00000000-0000-4000-8000-000000000000/badge.png",
        "/credentials/00000000-0000-4000-8000-000000000000/og.png",
    ] {
        let r = client.get(path).header("Accept", "application/vc").send();
        assert_eq!(r.status, 404, "{path}: {}", r.head);
        assert_eq!(
            r.header("content-type"),
            Some("application/problem+json"),
            "{path}"
        );
    }
    let r = client.get("/v/00000000-0000-4000-8000-000000000000").send();
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("NOT FOUND"));
}
