//! Webhooks (issue 15 §2): a loopback receiver gets every credential event
//! signed after the Standard Webhooks convention (its HMAC checked here
//! with the `hmac` crate directly), without a revocation reason; a
//! receiver that is down gets every event once it returns; an event
//! committed before a `kill -9` is delivered after the restart; a receiver
//! that never answers 2xx ends `failed`, visible in the admin API; two
//! nodes on one PostgreSQL deliver each event exactly once; a subscription
//! to a private address is refused.

use crate::support::{
    Client, ServerProcess, free_loopback_port, fresh_postgres_database, ok, rosette_with,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const GRADER: &str = "grader@example.com";
const ALL_EVENTS: [&str; 7] = [
    "credential.issued",
    "credential.revoked",
    "credential.suspended",
    "credential.reinstated",
    "credential.renewed",
    "credential.corrected",
    "credential.expiring",
];

/// One request the receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    /// Header names lower-cased.
    pub headers: HashMap<String, String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// A webhook receiver on 127.0.0.1: records every request and answers
/// with `status` (204 unless changed). Stops when dropped.
pub(crate) struct Receiver {
    pub addr: SocketAddr,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub status: Arc<AtomicU16>,
    stop: Arc<AtomicBool>,
}

impl Receiver {
    pub fn start() -> Receiver {
        Self::start_on(0)
    }

    pub fn start_on(port: u16) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the receiver");
        let addr = listener.local_addr().unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(204));
        let stop = Arc::new(AtomicBool::new(false));
        let (g, s, st) = (got.clone(), status.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (g, s) = (g.clone(), s.clone());
                std::thread::spawn(move || serve_one(conn, &g, &s));
            }
        });
        Receiver {
            addr,
            got,
            status,
            stop,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hooks", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve_one(conn: TcpStream, got: &Mutex<Vec<Received>>, status: &AtomicU16) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut headers = HashMap::new();
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let code = status.load(Ordering::SeqCst);
    if (200..300).contains(&code) {
        got.lock().unwrap().push(Received { headers, body });
    }
    let mut conn = conn;
    let _ = write!(
        conn,
        "HTTP/1.1 {code} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
}

/// Checks a received message's Standard Webhooks signature with `secret`,
/// computed here with the `hmac` crate (not Rosette's code).
fn check_signature(secret: &str, r: &Received) {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ secret"))
        .unwrap();
    let (id, ts) = (r.header("webhook-id"), r.header("webhook-timestamp"));
    assert!(id.starts_with("msg_"), "{id}");
    let ts_n: i64 = ts.parse().expect("a unix timestamp");
    let now = rosette::clock::Clock::now(&rosette::clock::SystemClock).timestamp();
    assert!((now - ts_n).abs() < 300, "timestamp {ts_n} is now");
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(&r.body);
    let want = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    assert!(
        r.header("webhook-signature").split(' ').any(|s| s == want),
        "signature {} is not {want}",
        r.header("webhook-signature")
    );
    // Rosette's own receiver-side check agrees.
    rosette::notify::signature::verify(secret, id, ts, r.header("webhook-signature"), &r.body, now)
        .unwrap();
    // A changed body fails.
    let mut bad = r.body.clone();
    bad.push(b' ');
    assert!(
        rosette::notify::signature::verify(
            secret,
            id,
            ts,
            r.header("webhook-signature"),
            &bad,
            now
        )
        .is_err()
    );
}

/// Each received event's `(type, data.credentialId)`.
fn type_and_credential(got: &[Received]) -> Vec<(String, String)> {
    got.iter()
        .map(|r| {
            let b = r.json();
            (
                b["type"].as_str().unwrap().to_owned(),
                b["data"]["credentialId"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Polls `cond` every 50 ms for up to `secs` seconds.
pub(crate) fn wait_until(secs: u64, what: &str, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

/// A data directory initialized for webhooks on loopback, an admin token.
struct Setup {
    dir: tempfile::TempDir,
    envs: Vec<(String, String)>,
    token: String,
}

impl Setup {
    fn new(database: Option<&str>, extra: &[(&str, &str)]) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let mut envs: Vec<(String, String)> = [
            ("ROSETTE_GRADERS", GRADER),
            ("ROSETTE_PUBLIC_URL", "https://badges.example"),
            ("ROSETTE_RATE_LIMIT_PER_MINUTE", "0"),
            ("ROSETTE_AUTH_FAILURES_PER_MINUTE", "0"),
            ("ROSETTE_FETCH_ALLOW_LOOPBACK", "true"),
            ("ROSETTE_WEBHOOK_POLL_MS", "100"),
            ("ROSETTE_WEBHOOK_FIRST_RETRY_MS", "200"),
        ]
        .iter()
        .chain(extra)
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        if let Some(db) = database {
            envs.push(("ROSETTE_DATABASE_URL".into(), db.into()));
        }
        let setup = Setup {
            dir,
            envs,
            token: String::new(),
        };
        let data = setup.data("a");
        ok(&rosette_with(&data, &setup.pairs(), &["init"]));
        let token = ok(&rosette_with(
            &data,
            &setup.pairs(),
            &["tokens", "create", "--name", "hooks", "--scope", "admin"],
        ))
        .trim()
        .to_owned();
        Setup { token, ..setup }
    }

    fn pairs(&self) -> Vec<(&str, &str)> {
        self.envs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    fn data(&self, node: &str) -> std::path::PathBuf {
        self.dir.path().join(format!("node-{node}"))
    }

    /// A second node's data directory: node A's configuration and key.
    fn copy_node(&self, node: &str) -> std::path::PathBuf {
        let (a, b) = (self.data("a"), self.data(node));
        std::fs::create_dir_all(b.join("keys")).unwrap();
        std::fs::copy(a.join("keys/issuer.pem"), b.join("keys/issuer.pem")).unwrap();
        std::fs::copy(a.join("rosette.toml"), b.join("rosette.toml")).unwrap();
        b
    }

    fn serve(&self, node: &str) -> ServerProcess {
        ServerProcess::start(&self.data(node), &self.pairs(), &[])
    }

    fn subscribe(&self, server: &ServerProcess, body: Value) -> Value {
        Client::new(server.addr)
            .post("/api/v1/admin/webhooks")
            .bearer(Some(&self.token))
            .json(&body)
            .send()
            .expect(201, None)
    }

    /// Issues one credential per `(name, certification)` over the bulk endpoint.
    fn issue(&self, server: &ServerProcess, people: &[(&str, &str)]) -> Vec<String> {
        let rows: Vec<Value> = people
            .iter()
            .map(|(name, cert)| {
                json!({
                    "name": name,
                    "email": format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
                    "certification": cert, "written_score": 91, "written_date": "2026-11-20",
                    "lab_result": "pass", "grader": GRADER, "lab_date": "2026-11-22",
                })
            })
            .collect();
        let out = Client::new(server.addr)
            .post("/api/v1/admin/credentials/bulk")
            .bearer(Some(&self.token))
            .json(&json!(rows))
            .send()
            .expect(200, None);
        out["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["credential_id"].as_str().expect("issued").to_owned())
            .collect()
    }

    fn admin_post(&self, server: &ServerProcess, path: &str, body: Value, status: u16) -> Value {
        Client::new(server.addr)
            .post(path)
            .bearer(Some(&self.token))
            .json(&body)
            .send()
            .expect(status, None)
    }

    fn deliveries(&self, server: &ServerProcess, query: &str) -> Vec<Value> {
        Client::new(server.addr)
            .get(&format!("/api/v1/admin/webhooks/deliveries{query}"))
            .bearer(Some(&self.token))
            .send()
            .expect(200, None)["deliveries"]
            .as_array()
            .unwrap()
            .clone()
    }
}

fn uuid_of(id: &str) -> &str {
    id.strip_prefix("urn:uuid:").unwrap_or(id)
}

#[test]
fn every_change_reaches_a_loopback_receiver_signed_and_without_a_reason() {
    let setup = Setup::new(None, &[]);
    let server = setup.serve("a");
    let all = Receiver::start();
    let cicd_only = Receiver::start();
    let sub = setup.subscribe(
        &server,
        json!({ "url": all.url(), "events": ALL_EVENTS, "description": "HR system" }),
    );
    let secret = sub["secret"].as_str().expect("the secret, once").to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let filtered = setup.subscribe(
        &server,
        json!({ "url": cicd_only.url(), "events": ["credential.revoked", "credential.issued"],
                "certification": "gitlab-ci-cd-specialist" }),
    );
    // The list never shows a secret.
    let list = Client::new(server.addr)
        .get("/api/v1/admin/webhooks")
        .bearer(Some(&setup.token))
        .send()
        .expect(200, None);
    assert_eq!(list["webhooks"].as_array().unwrap().len(), 2);
    assert!(!list.to_string().contains("whsec_"), "{list}");
    // Nor does the audit log (the subscription is there, its secret is not).
    let audit = Client::new(server.addr)
        .get("/api/v1/admin/audit?limit=500")
        .bearer(Some(&setup.token))
        .send()
        .expect(200, None);
    assert!(audit.to_string().contains("webhook.add"), "{audit}");
    assert!(!audit.to_string().contains(&secret[6..]), "{audit}");

    let ids = setup.issue(
        &server,
        &[
            ("Ada Lovelace", "gitlab-ci-cd-specialist"),
            ("Grace Hopper", "gitlab-certified-associate"),
        ],
    );
    let (ada, grace) = (&ids[0], &ids[1]);
    let reason = "lab submission was copied from another candidate";
    setup.admin_post(
        &server,
        &format!("/api/v1/admin/credentials/{}/revoke", uuid_of(ada)),
        json!({ "reason": reason }),
        200,
    );
    for change in ["suspend", "reinstate"] {
        setup.admin_post(
            &server,
            &format!("/api/v1/admin/credentials/{}/{change}", uuid_of(grace)),
            json!({ "reason": "checking an enquiry" }),
            200,
        );
    }
    let renewed = setup.admin_post(
        &server,
        &format!("/api/v1/admin/credentials/{}/renew", uuid_of(grace)),
        json!({}),
        201,
    );
    let renewal = renewed["credential"]["id"].as_str().unwrap().to_owned();
    let corrected = setup.admin_post(
        &server,
        &format!("/api/v1/admin/credentials/{}/correct", uuid_of(&renewal)),
        json!({ "name": "Grace B. Hopper", "reason": "middle initial missing" }),
        201,
    );
    let correction = corrected["credential"]["id"].as_str().unwrap().to_owned();

    wait_until(20, "seven events at the receiver", || {
        all.received().len() >= 7
    });
    std::thread::sleep(Duration::from_millis(500));
    let got = all.received();
    let events: Vec<(String, String)> = type_and_credential(&got);
    let mut want = vec![
        ("credential.issued".to_owned(), ada.clone()),
        ("credential.issued".to_owned(), grace.clone()),
        ("credential.revoked".to_owned(), ada.clone()),
        ("credential.suspended".to_owned(), grace.clone()),
        ("credential.reinstated".to_owned(), grace.clone()),
        ("credential.renewed".to_owned(), renewal.clone()),
        ("credential.corrected".to_owned(), correction.clone()),
        // A correction revokes the credential it replaces, but through the
        // correction's entry: one event, not two.
    ];
    let (mut have, mut w) = (events.clone(), want.clone());
    have.sort();
    w.sort();
    // Exactly these (the correction of a renewal raises one event).
    assert_eq!(have, w, "{events:?}");
    want.clear();
    for r in &got {
        check_signature(&secret, r);
        assert_eq!(r.header("content-type"), "application/json");
        let body = String::from_utf8_lossy(&r.body);
        assert!(!body.contains(reason), "a reason leaked: {body}");
        assert!(!body.contains("checking an enquiry"), "{body}");
        assert!(!body.contains("middle initial"), "{body}");
        let b = r.json();
        assert!(b["timestamp"].as_str().unwrap().ends_with('Z'), "{b}");
        let id = b["data"]["credentialId"].as_str().unwrap();
        assert_eq!(
            b["data"]["verificationUrl"],
            json!(format!("https://badges.example/v/{}", uuid_of(id)))
        );
    }
    let renewed_event = got
        .iter()
        .map(Received::json)
        .find(|b| b["type"] == "credential.renewed")
        .unwrap();
    assert_eq!(renewed_event["data"]["renews"], json!(grace));
    let corrected_event = got
        .iter()
        .map(Received::json)
        .find(|b| b["type"] == "credential.corrected")
        .unwrap();
    assert_eq!(corrected_event["data"]["corrects"], json!(renewal));
    assert_eq!(
        corrected_event["data"]["holderName"],
        json!("Grace B. Hopper")
    );
    readme_receiver_check_agrees(&secret, &got[0]);
    // Distinct events have distinct ids.
    let mut msg_ids: Vec<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
    msg_ids.sort();
    msg_ids.dedup();
    assert_eq!(msg_ids.len(), got.len());

    // The filtered subscription: only the CI/CD credential's issue and revocation.
    wait_until(10, "the filtered receiver", || {
        cicd_only.received().len() >= 2
    });
    let filtered_got: Vec<Value> = cicd_only.received().iter().map(Received::json).collect();
    assert_eq!(filtered_got.len(), 2, "{filtered_got:?}");
    for b in &filtered_got {
        assert_eq!(b["data"]["certification"], "gitlab-ci-cd-specialist", "{b}");
        assert_eq!(b["data"]["credentialId"], json!(ada));
    }
    // Deliveries are listed delivered; removing a subscription stops its events.
    let delivered = setup.deliveries(&server, "?state=delivered");
    assert_eq!(delivered.len(), 9, "{delivered:?}");
    let fid = filtered["id"].as_str().unwrap();
    let gone = Client::new(server.addr)
        .request("DELETE", &format!("/api/v1/admin/webhooks/{fid}"))
        .bearer(Some(&setup.token))
        .send();
    assert_eq!(gone.status, 204, "{}", gone.text());
    Client::new(server.addr)
        .request("DELETE", &format!("/api/v1/admin/webhooks/{fid}"))
        .bearer(Some(&setup.token))
        .send()
        .expect(404, None);
    setup.issue(&server, &[("Alan Turing", "gitlab-ci-cd-specialist")]);
    wait_until(10, "the eighth event", || all.received().len() >= 8);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        cicd_only.received().len(),
        2,
        "a removed subscription gets nothing"
    );
}

/// The receiver's check the README shows (Python), run on a real event:
/// it accepts it, and refuses it with one byte of the body changed.
fn readme_receiver_check_agrees(secret: &str, r: &Received) {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let after = readme
        .split("A receiver's check, in Python:")
        .nth(1)
        .expect("the README shows a receiver's check");
    let code = after
        .split("```python\n")
        .nth(1)
        .and_then(|c| c.split("```").next())
        .expect("a python block");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("check.py");
    std::fs::write(
        &script,
        format!(
            "{code}\nimport json, sys\nd = json.load(open(sys.argv[1]))\nprint(verify(d['secret'], d['headers'], base64.b64decode(d['body'])))\n"
        ),
    )
    .unwrap();
    for (body, want) in [
        (r.body.clone(), "True"),
        ([&r.body[..], b" "].concat(), "False"),
    ] {
        let input = dir.path().join("input.json");
        std::fs::write(
            &input,
            json!({ "secret": secret, "headers": r.headers, "body": STANDARD.encode(&body) })
                .to_string(),
        )
        .unwrap();
        let out = std::process::Command::new("python3")
            .arg(&script)
            .arg(&input)
            .output()
            .expect("python3 runs the README's receiver check");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            want,
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_receiver_down_for_a_while_gets_every_event_after_it_returns() {
    let setup = Setup::new(None, &[]);
    let server = setup.serve("a");
    let port = free_loopback_port();
    let url = format!("http://127.0.0.1:{port}/hooks");
    setup.subscribe(
        &server,
        json!({ "url": url, "events": ["credential.issued", "credential.revoked"] }),
    );
    let ids = setup.issue(
        &server,
        &[
            ("One Person", "gitlab-certified-associate"),
            ("Two Person", "gitlab-certified-associate"),
            ("Three Person", "gitlab-ci-cd-specialist"),
        ],
    );
    setup.admin_post(
        &server,
        &format!("/api/v1/admin/credentials/{}/revoke", uuid_of(&ids[0])),
        json!({ "reason": "test" }),
        200,
    );
    // Nobody listens: attempts fail and are scheduled again.
    wait_until(20, "failed attempts", || {
        let pending = setup.deliveries(&server, "?state=pending");
        pending.len() == 4
            && pending
                .iter()
                .all(|d| d["attempts"].as_i64().unwrap() >= 2 && d["last_error"].is_string())
    });
    let receiver = Receiver::start_on(port);
    wait_until(30, "all four events after the receiver returned", || {
        receiver.received().len() >= 4
    });
    wait_until(10, "all delivered", || {
        setup.deliveries(&server, "?state=delivered").len() == 4
    });
    let mut got: Vec<(String, String)> = type_and_credential(&receiver.received());
    got.sort();
    got.dedup();
    assert_eq!(got.len(), 4, "{got:?}");
}

#[test]
fn an_event_committed_before_a_kill_9_is_delivered_after_the_restart() {
    let setup = Setup::new(None, &[]);
    let mut server = setup.serve("a");
    let port = free_loopback_port();
    setup.subscribe(
        &server,
        json!({ "url": format!("http://127.0.0.1:{port}/hooks"), "events": ["credential.issued"] }),
    );
    let ids = setup.issue(&server, &[("Kill Nine", "gitlab-certified-associate")]);
    // Committed and attempted (the receiver is not up yet), not delivered.
    wait_until(20, "a failed attempt", || {
        setup
            .deliveries(&server, "?state=pending")
            .iter()
            .any(|d| d["attempts"].as_i64().unwrap() >= 1 && d["last_error"].is_string())
    });
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let receiver = Receiver::start_on(port);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        receiver.received().is_empty(),
        "nothing is delivered while the server is down"
    );
    let _server = setup.serve("a");
    wait_until(30, "the event after the restart", || {
        !receiver.received().is_empty()
    });
    let b = receiver.received()[0].json();
    assert_eq!(b["type"], "credential.issued");
    assert_eq!(b["data"]["credentialId"], json!(ids[0]));
}

#[test]
fn a_receiver_that_never_answers_2xx_ends_failed_and_is_listed() {
    let setup = Setup::new(None, &[("ROSETTE_WEBHOOK_RETRY_PERIOD_SECS", "2")]);
    let server = setup.serve("a");
    let receiver = Receiver::start();
    // A redirect is not followed: it fails like any other answer that is not 2xx.
    receiver.status.store(302, Ordering::SeqCst);
    let sub = setup.subscribe(
        &server,
        json!({ "url": receiver.url(), "events": ["credential.issued"] }),
    );
    let ids = setup.issue(&server, &[("Never Answered", "gitlab-certified-associate")]);
    wait_until(30, "the delivery to fail for good", || {
        setup.deliveries(&server, "?state=failed").len() == 1
    });
    let failed = &setup.deliveries(&server, "?state=failed")[0];
    assert_eq!(failed["credential_id"], json!(ids[0]));
    assert_eq!(failed["subscription_id"], sub["id"]);
    assert_eq!(failed["last_status"], json!(302));
    assert!(failed["attempts"].as_i64().unwrap() >= 2, "{failed}");
    assert!(failed["finished_at"].is_string(), "{failed}");
    // The CLI lists it too.
    let out = ok(&rosette_with(
        &setup.data("a"),
        &setup.pairs(),
        &["webhooks", "deliveries", "--state", "failed"],
    ));
    assert!(
        out.contains("failed") && out.contains("credential.issued"),
        "{out}"
    );
}

#[test]
fn two_nodes_on_one_postgres_deliver_each_event_exactly_once() {
    let Some(db) = crate::support::block_on(fresh_postgres_database()) else {
        return;
    };
    let setup = Setup::new(Some(&db), &[("ROSETTE_WEBHOOK_POLL_MS", "20")]);
    setup.copy_node("b");
    let (a, b) = (setup.serve("a"), setup.serve("b"));
    let receiver = Receiver::start();
    setup.subscribe(
        &a,
        json!({ "url": receiver.url(), "events": ["credential.issued", "credential.revoked"] }),
    );
    let mut expected = Vec::new();
    for round in 0..6 {
        for (n, node) in [&a, &b].into_iter().enumerate() {
            let people: Vec<(String, &str)> = (0..5)
                .map(|i| {
                    (
                        format!("Person R{round} N{n} I{i}"),
                        "gitlab-certified-associate",
                    )
                })
                .collect();
            let refs: Vec<(&str, &str)> = people.iter().map(|(p, c)| (p.as_str(), *c)).collect();
            for id in setup.issue(node, &refs) {
                expected.push(("credential.issued".to_owned(), id));
            }
        }
        let revoke = expected[round * 11].1.clone();
        setup.admin_post(
            if round % 2 == 0 { &a } else { &b },
            &format!("/api/v1/admin/credentials/{}/revoke", uuid_of(&revoke)),
            json!({ "reason": "test" }),
            200,
        );
        expected.push(("credential.revoked".to_owned(), revoke));
    }
    wait_until(60, "every event", || {
        receiver.received().len() >= expected.len()
    });
    std::thread::sleep(Duration::from_secs(2));
    let got = receiver.received();
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for r in &got {
        *by_id.entry(r.header("webhook-id").to_owned()).or_default() += 1;
    }
    let twice: Vec<_> = by_id.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    let mut have: Vec<(String, String)> = type_and_credential(&got);
    have.sort();
    expected.sort();
    assert_eq!(have, expected);
    // Both nodes delivered (each claims what is due when it looks).
    assert_eq!(
        setup.deliveries(&a, "?state=delivered&limit=500").len(),
        expected.len()
    );
}

#[test]
fn a_subscription_to_a_private_address_is_refused() {
    // A server without the loopback allowance: what production runs.
    let dir = tempfile::tempdir().unwrap();
    let envs = [("ROSETTE_RATE_LIMIT_PER_MINUTE", "0")];
    let data = dir.path().join("node");
    ok(&rosette_with(&data, &envs, &["init"]));
    let token = ok(&rosette_with(
        &data,
        &envs,
        &["tokens", "create", "--name", "hooks", "--scope", "admin"],
    ))
    .trim()
    .to_owned();
    let server = ServerProcess::start(&data, &envs, &[]);
    for url in [
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[fd00::1]/hooks",
        "https://127.0.0.1/hooks",
        "http://127.0.0.1:9/hooks",
        "https://localhost/hooks",
        "http://hr.example.com/hooks",
        "ftp://hr.example.com/hooks",
        "https://user:pw@hr.example.com/hooks",
    ] {
        let problem = Client::new(server.addr)
            .post("/api/v1/admin/webhooks")
            .bearer(Some(&token))
            .json(&json!({ "url": url, "events": ["credential.revoked"] }))
            .send()
            .expect_as(url, 422, Some("invalid_input"));
        assert_eq!(problem["field"], "url", "{url}: {problem}");
    }
    // The CLI applies the same rule.
    let out = rosette_with(
        &data,
        &envs,
        &[
            "webhooks",
            "add",
            "https://10.0.0.7/hooks",
            "--event",
            "credential.revoked",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fetch_private_address"), "{err}");
    // Unknown events and certifications are refused too; nothing was added.
    for (body, field) in [
        (
            json!({ "url": "https://hr.example.com/h", "events": ["credential.deleted"] }),
            "events",
        ),
        (
            json!({ "url": "https://hr.example.com/h", "events": [] }),
            "events",
        ),
    ] {
        let p = Client::new(server.addr)
            .post("/api/v1/admin/webhooks")
            .bearer(Some(&token))
            .json(&body)
            .send()
            .expect(422, Some("invalid_input"));
        assert_eq!(p["field"], field, "{p}");
    }
    let list = Client::new(server.addr)
        .get("/api/v1/admin/webhooks")
        .bearer(Some(&token))
        .send()
        .expect(200, None);
    assert_eq!(list["webhooks"], json!([]));
}
