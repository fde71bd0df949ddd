//! The admin API on a real server (`rosette serve` on 127.0.0.1:0): bearer
//! tokens and scopes, every route with its success and its errors, the
//! audit entries, and the search over both store backends.

use crate::support::{ServerProcess, block_on, fresh_postgres_database, ok, rosette, sqlite_url};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

/// A `rosette serve` process on 127.0.0.1:0 with its own data directory,
/// killed when dropped.
pub struct Server {
    _process: ServerProcess,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its data directory.
    pub data: PathBuf,
    _dir: tempfile::TempDir,
}

/// A response: status, head (status line and headers) and body.
pub struct Resp {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\n{}",
                self.head,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim())
        })
    }

    /// Asserts the status and, for a problem, its `code`.
    #[track_caller]
    pub fn expect(&self, status: u16, code: Option<&str>) -> Value {
        assert_eq!(self.status, status, "{}\n{}", self.head, self.text());
        if let Some(code) = code {
            assert_eq!(
                self.header("content-type"),
                Some("application/problem+json"),
                "{}",
                self.head
            );
            let v = self.json();
            assert_eq!(v["code"], code, "{v:#}");
            assert_eq!(v["status"], status, "{v:#}");
            assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()), "{v:#}");
            return v;
        }
        if self.body.is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }
}

impl Server {
    /// Starts a server (first start initializes the data directory) with
    /// `grader@example.com` as the registered grader.
    pub fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        // These tests check 401 on every route, many times over: the
        // failed-token throttle (tested in server_ops) is off here.
        let process = ServerProcess::start(
            &data,
            &[
                ("ROSETTE_GRADERS", "grader@example.com"),
                ("ROSETTE_AUTH_FAILURES_PER_MINUTE", "0"),
            ],
            &[],
        );
        let addr = process.addr;
        Server {
            _process: process,
            addr,
            data,
            _dir: dir,
        }
    }

    /// `rosette tokens create`: the secret, and the token id.
    pub fn token(&self, name: &str, scope: &str) -> (String, String) {
        let out = rosette(
            &self.data,
            &["tokens", "create", "--name", name, "--scope", scope],
        );
        let secret = ok(&out).trim().to_owned();
        assert!(secret.starts_with("rst_"), "{secret}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let id = stderr
            .split("created token ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .unwrap()
            .to_owned();
        (secret, id)
    }

    /// One HTTP/1.1 request (raw TCP, `Connection: close`).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> Resp {
        let mut headers = vec![("Content-Type", content_type.to_owned())];
        if let Some(t) = token {
            headers.push(("Authorization", format!("Bearer {t}")));
        }
        self.raw(method, path, &headers, body)
    }

    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> Resp {
        let mut s = std::net::TcpStream::connect(self.addr).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        // The server may answer (413) before reading everything.
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no response head: {}", String::from_utf8_lossy(&raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap();
        Resp {
            status,
            head,
            body: raw[split + 4..].to_vec(),
        }
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.call(
            "POST",
            path,
            token,
            "application/json",
            body.to_string().as_bytes(),
        )
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.call("GET", path, token, "application/json", b"")
    }

    /// The verdict word of the public page.
    pub fn page_verdict(&self, id: &str) -> String {
        let uuid = id.trim_start_matches("urn:uuid:");
        let html = self
            .raw(
                "GET",
                &format!("/v/{uuid}"),
                &[("Accept", "text/html".into())],
                b"",
            )
            .text();
        html.split("<h1>")
            .nth(1)
            .and_then(|s| s.split("</h1>").next())
            .unwrap_or_default()
            .to_owned()
    }

    /// The whole audit log, through the CLI (no API read entry).
    pub fn audit(&self) -> Vec<Value> {
        ok(&rosette(
            &self.data,
            &["audit", "list", "--after", "0", "--limit", "100000"],
        ))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
    }
}

const CICD: &str = "gitlab-ci-cd-specialist";
const ASSOCIATE: &str = "gitlab-certified-associate";

fn written(email: &str, name: Option<&str>, cert: &str, score: f64) -> Value {
    let mut v = json!({ "email": email, "certification": cert, "score": score, "date": "2026-11-20", "reference": "FORM-A" });
    if let Some(n) = name {
        v["name"] = json!(n);
    }
    v
}

fn lab(email: &str, cert: &str, result: &str) -> Value {
    json!({ "email": email, "certification": cert, "result": result, "date": "2026-11-22", "notes": "Pipeline with stages." })
}

/// Every admin route: method, path, and a body it would accept.
fn routes(id: &str) -> Vec<(&'static str, String)> {
    let id = id.trim_start_matches("urn:uuid:");
    vec![
        ("POST", "/api/v1/admin/assessments/written".into()),
        ("POST", "/api/v1/admin/assessments/lab".into()),
        ("POST", "/api/v1/admin/credentials".into()),
        ("POST", "/api/v1/admin/credentials/bulk".into()),
        ("GET", "/api/v1/admin/credentials".into()),
        ("GET", format!("/api/v1/admin/credentials/{id}")),
        ("POST", format!("/api/v1/admin/credentials/{id}/renew")),
        ("POST", format!("/api/v1/admin/credentials/{id}/correct")),
        ("POST", format!("/api/v1/admin/credentials/{id}/revoke")),
        ("POST", format!("/api/v1/admin/credentials/{id}/suspend")),
        ("POST", format!("/api/v1/admin/credentials/{id}/reinstate")),
        ("GET", "/api/v1/admin/audit".into()),
        ("POST", "/credentials/issue".into()),
    ]
}

#[test]
fn admin_api_end_to_end() {
    let server = Server::start();
    let (admin, admin_id) = server.token("ops-bot", "admin");
    let (grader, _) = server.token("grader@example.com", "grader");
    let (intern, _) = server.token("intern@example.com", "grader");
    let (revoked, revoked_id) = server.token("old-bot", "admin");
    ok(&rosette(&server.data, &["tokens", "revoke", &revoked_id]));
    let a = Some(admin.as_str());
    let g = Some(grader.as_str());
    let big = vec![b' '; 1024 * 1024 + 10];

    // --- Authentication: 401 without, with an unknown, a revoked or a non-bearer token.
    let nobody = "urn:uuid:00000000-0000-4000-8000-000000000000";
    for (method, path) in routes(nobody) {
        let r = server.call(method, &path, None, "application/json", b"{}");
        r.expect(401, Some("unauthorized"));
        assert!(
            r.header("www-authenticate")
                .is_some_and(|h| h.starts_with("Bearer")),
            "{method} {path}: {}",
            r.head
        );
        let r = server.call(
            method,
            &path,
            Some("rst_unknown"),
            "application/json",
            b"{}",
        );
        r.expect(401, Some("invalid_token"));
        assert!(
            r.header("www-authenticate")
                .unwrap()
                .contains("invalid_token")
        );
        let r = server.call(method, &path, Some(&revoked), "application/json", b"{}");
        let p = r.expect(401, Some("invalid_token"));
        assert!(p["detail"].as_str().unwrap().contains("revoked"), "{p}");
        // An unauthenticated caller gets 401 even with an oversized body.
        server
            .call(method, &path, None, "application/json", &big)
            .expect(401, Some("unauthorized"));
    }
    let r = server.raw(
        "GET",
        "/api/v1/admin/audit",
        &[("Authorization", format!("Basic {admin}"))],
        b"",
    );
    r.expect(401, Some("unauthorized"));
    // --- 403: a grader token on every route but the lab one.
    for (method, path) in routes(nobody) {
        if path.ends_with("/lab") {
            continue;
        }
        let r = server.call(method, &path, g, "application/json", b"{}");
        r.expect(403, Some("insufficient_scope"));
        assert!(
            r.header("www-authenticate")
                .unwrap()
                .contains("insufficient_scope")
        );
    }

    // --- Written assessments.
    let w = "/api/v1/admin/assessments/written";
    let rec = server
        .post(
            w,
            a,
            &written("ada@example.com", Some("Ada Lovelace"), CICD, 92.0),
        )
        .expect(201, None);
    assert_eq!(rec["kind"], "written");
    assert_eq!(rec["passed"], true);
    assert_eq!(rec["recorded_by"], format!("token:{admin_id}:ops-bot"));
    // The same result again is the first record (idempotent).
    let again = server
        .post(w, a, &written("ada@example.com", None, CICD, 92.0))
        .expect(201, None);
    assert_eq!(again["id"], rec["id"]);
    server
        .post(w, a, &written("ada@example.com", None, CICD, 50.0))
        .expect(409, Some("already_recorded"));
    server
        .call("POST", w, a, "application/json", b"{\"email\": ")
        .expect(400, Some("malformed_json"));
    server
        .post(
            w,
            a,
            &json!({ "email": "ada@example.com", "certification": CICD }),
        )
        .expect(422, Some("invalid_request"));
    server
        .post(w, a, &json!({ "email": "x@example.com", "name": "X", "certification": CICD, "score": 90, "date": "2026-11-20", "extra": 1 }))
        .expect(422, Some("invalid_request"));
    server
        .post(
            w,
            a,
            &written("ada@example.com", None, "no-such-cert", 92.0),
        )
        .expect(422, Some("unknown_certification"));
    let p = server
        .post(w, a, &written("not-an-email", Some("X"), CICD, 92.0))
        .expect(422, Some("invalid_input"));
    assert_eq!(p["field"], "email");
    server
        .post(w, a, &written("new@example.com", None, CICD, 92.0))
        .expect(422, Some("unknown_candidate"));
    server
        .post(w, a, &written("ada@example.com", None, CICD, 120.0))
        .expect(422, Some("invalid_input"));
    let mut bad_date = written("ada@example.com", None, CICD, 92.0);
    bad_date["date"] = json!("20 Nov 2026");
    bad_date["attempt"] = json!(2);
    server
        .post(w, a, &bad_date)
        .expect(422, Some("invalid_input"));
    server
        .call("POST", w, a, "application/json", &big)
        .expect(413, Some("body_too_large"));
    for (email, name, score) in [
        ("dora@example.com", "Dora Deploy", 88.0),
        ("carl@example.com", "Carl Crash", 10.0),
        ("eve@example.com", "Eve Ops", 95.0),
    ] {
        server
            .post(w, a, &written(email, Some(name), CICD, score))
            .expect(201, None);
    }

    // --- Lab results.
    let l = "/api/v1/admin/assessments/lab";
    // A lab before the written assessment of that certification.
    server
        .post(l, g, &lab("ada@example.com", ASSOCIATE, "pass"))
        .expect(422, Some("stage_missing"));
    // After a failed written assessment.
    server
        .post(l, g, &lab("carl@example.com", CICD, "pass"))
        .expect(422, Some("stage_failed"));
    let rec = server
        .post(l, g, &lab("ada@example.com", CICD, "pass"))
        .expect(201, None);
    assert_eq!(rec["grader"], "grader@example.com");
    assert!(rec["recorded_by"].as_str().unwrap().starts_with("token:"));
    server
        .post(l, g, &lab("ada@example.com", CICD, "fail"))
        .expect(409, Some("already_recorded"));
    let mut other = lab("dora@example.com", CICD, "pass");
    other["grader"] = json!("someone@example.com");
    server
        .post(l, g, &other)
        .expect(403, Some("grader_mismatch"));
    server
        .post(l, Some(&intern), &lab("dora@example.com", CICD, "pass"))
        .expect(403, Some("not_a_grader"));
    // An admin token names the grader; it must be a registered one.
    let p = server
        .post(l, a, &lab("dora@example.com", CICD, "pass"))
        .expect(422, Some("invalid_input"));
    assert_eq!(p["field"], "grader");
    other["grader"] = json!("someone@example.com");
    server.post(l, a, &other).expect(422, Some("not_a_grader"));
    other["grader"] = json!("grader@example.com");
    assert_eq!(
        server.post(l, a, &other).expect(201, None)["grader"],
        "grader@example.com"
    );
    let mut eve = lab("eve@example.com", CICD, "pass");
    eve["result"] = json!("maybe");
    server.post(l, g, &eve).expect(422, Some("invalid_request"));
    server
        .post(l, g, &lab("nobody@example.com", CICD, "pass"))
        .expect(422, Some("unknown_candidate"));
    server
        .post(l, g, &lab("eve@example.com", "no-such-cert", "pass"))
        .expect(422, Some("unknown_certification"));
    server
        .call("POST", l, g, "application/json", b"[")
        .expect(400, Some("malformed_json"));
    server
        .call("POST", l, g, "application/json", &big)
        .expect(413, Some("body_too_large"));
    server
        .post(l, g, &lab("eve@example.com", CICD, "pass"))
        .expect(201, None);

    // --- Issue.
    let c = "/api/v1/admin/credentials";
    let issue = |email: &str| json!({ "email": email, "certification": CICD });
    let r = server.post(c, a, &issue("ada@example.com"));
    let ada = r.expect(201, None);
    assert_eq!(ada["outcome"], "issued");
    let ada_id = ada["credential"]["id"].as_str().unwrap().to_owned();
    assert!(
        r.header("location")
            .unwrap()
            .ends_with(ada_id.trim_start_matches("urn:uuid:"))
    );
    assert_eq!(ada["credential"]["status"], "active");
    assert_eq!(ada["credential"]["holder_email"], "ada@example.com");
    assert_eq!(ada["document"]["id"], ada_id.as_str());
    assert_eq!(
        ada["document"]["credentialStatus"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let again = server
        .post(c, a, &issue("ada@example.com"))
        .expect(200, None);
    assert_eq!(again["outcome"], "already_issued");
    assert_eq!(again["credential"]["id"], ada_id.as_str());
    server
        .post(c, a, &issue("carl@example.com"))
        .expect(422, Some("stage_failed"));
    server
        .post(
            c,
            a,
            &json!({ "email": "ada@example.com", "certification": ASSOCIATE }),
        )
        .expect(422, Some("stage_missing"));
    server
        .post(
            c,
            a,
            &json!({ "email": "ada@example.com", "certification": "nope" }),
        )
        .expect(422, Some("unknown_certification"));
    server
        .post(c, a, &issue("zed@example.com"))
        .expect(422, Some("unknown_candidate"));
    server
        .post(c, a, &json!({ "email": "ada@example.com" }))
        .expect(422, Some("invalid_request"));
    server
        .call("POST", c, a, "application/json", b"nope")
        .expect(400, Some("malformed_json"));
    server
        .call("POST", c, a, "application/json", &big)
        .expect(413, Some("body_too_large"));
    let dora_id = server
        .post(c, a, &issue("dora@example.com"))
        .expect(201, None)["credential"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let eve_id = server
        .post(c, a, &issue("eve@example.com"))
        .expect(201, None)["credential"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = |id: &str, action: &str| {
        format!(
            "/api/v1/admin/credentials/{}{action}",
            id.trim_start_matches("urn:uuid:")
        )
    };

    // --- Revoke: shows as REVOKED on /v/{id} at once; final.
    assert_eq!(server.page_verdict(&ada_id), "VALID");
    let reason = json!({ "reason": "exam integrity review" });
    let st = server
        .post(&path(&ada_id, "/revoke"), a, &reason)
        .expect(200, None);
    assert_eq!(st["status"], "revoked");
    assert_eq!(server.page_verdict(&ada_id), "REVOKED");
    server
        .post(&path(&ada_id, "/revoke"), a, &reason)
        .expect(409, Some("status_conflict"));
    server
        .post(&path(&ada_id, "/reinstate"), a, &reason)
        .expect(409, Some("status_conflict"));
    server
        .post(&path(&ada_id, "/suspend"), a, &reason)
        .expect(409, Some("status_conflict"));
    for action in ["/revoke", "/suspend", "/reinstate"] {
        server
            .post(&path(nobody, action), a, &reason)
            .expect(404, Some("unknown_credential"));
        let p = server
            .post(&path(&eve_id, action), a, &json!({ "reason": "  " }))
            .expect(422, Some("invalid_input"));
        assert_eq!(p["field"], "reason");
        server
            .post(&path(&eve_id, action), a, &json!({}))
            .expect(422, Some("invalid_request"));
        server
            .call("POST", &path(&eve_id, action), a, "application/json", b"{")
            .expect(400, Some("malformed_json"));
        server
            .call("POST", &path(&eve_id, action), a, "application/json", &big)
            .expect(413, Some("body_too_large"));
    }

    // --- Suspend and reinstate.
    server
        .post(&path(&eve_id, "/reinstate"), a, &reason)
        .expect(409, Some("status_conflict"));
    let st = server
        .post(&path(&eve_id, "/suspend"), a, &reason)
        .expect(200, None);
    assert_eq!(st["status"], "suspended");
    assert_eq!(server.page_verdict(&eve_id), "SUSPENDED");
    server
        .post(&path(&eve_id, "/suspend"), a, &reason)
        .expect(409, Some("status_conflict"));
    let st = server
        .post(&path(&eve_id, "/reinstate"), a, &reason)
        .expect(200, None);
    assert_eq!(st["status"], "active");
    assert_eq!(server.page_verdict(&eve_id), "VALID");

    // --- Renew.
    let r = server.call(
        "POST",
        &path(&dora_id, "/renew"),
        a,
        "application/json",
        b"",
    );
    let renewal = r.expect(201, None);
    assert_eq!(renewal["credential"]["renews"], dora_id.as_str());
    let renewal_id = renewal["credential"]["id"].as_str().unwrap().to_owned();
    let again = server
        .post(&path(&dora_id, "/renew"), a, &json!({}))
        .expect(200, None);
    assert_eq!(again["credential"]["id"], renewal_id.as_str());
    server
        .post(&path(nobody, "/renew"), a, &json!({}))
        .expect(404, Some("unknown_credential"));
    server
        .post(&path(&dora_id, "/renew"), a, &json!({ "when": "now" }))
        .expect(422, Some("invalid_request"));
    server
        .call(
            "POST",
            &path(&dora_id, "/renew"),
            a,
            "application/json",
            b"{{",
        )
        .expect(400, Some("malformed_json"));
    server
        .call(
            "POST",
            &path(&dora_id, "/renew"),
            a,
            "application/json",
            &big,
        )
        .expect(413, Some("body_too_large"));

    // --- Correct.
    let fix = json!({ "name": "Dora Deployment", "reason": "misspelt name" });
    let corrected = server
        .post(&path(&renewal_id, "/correct"), a, &fix)
        .expect(201, None);
    assert_eq!(corrected["credential"]["replaces"], renewal_id.as_str());
    assert_eq!(corrected["credential"]["holder_name"], "Dora Deployment");
    let corrected_id = corrected["credential"]["id"].as_str().unwrap().to_owned();
    server
        .post(&path(&renewal_id, "/correct"), a, &fix)
        .expect(409, Some("superseded"));
    server
        .post(&path(&renewal_id, "/renew"), a, &json!({}))
        .expect(409, Some("superseded"));
    server
        .post(
            &path(&corrected_id, "/correct"),
            a,
            &json!({ "name": "D", "reason": "" }),
        )
        .expect(422, Some("invalid_input"));
    server
        .post(&path(nobody, "/correct"), a, &fix)
        .expect(404, Some("unknown_credential"));
    server
        .post(&path(&corrected_id, "/correct"), a, &json!({ "name": "D" }))
        .expect(422, Some("invalid_request"));
    server
        .call(
            "POST",
            &path(&corrected_id, "/correct"),
            a,
            "application/json",
            b"}",
        )
        .expect(400, Some("malformed_json"));
    server
        .call(
            "POST",
            &path(&corrected_id, "/correct"),
            a,
            "application/json",
            &big,
        )
        .expect(413, Some("body_too_large"));
    assert_eq!(server.page_verdict(&corrected_id), "VALID");

    // --- Show, with lineage and status.
    let shown = server.get(&path(&renewal_id, ""), a).expect(200, None);
    assert_eq!(shown["credential"]["status"], "superseded");
    let lineage: Vec<&str> = shown["lineage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        lineage,
        [dora_id.as_str(), renewal_id.as_str(), corrected_id.as_str()]
    );
    assert_eq!(shown["document"]["id"], renewal_id.as_str());
    let shown = server.get(&path(&ada_id, ""), a).expect(200, None);
    assert_eq!(shown["credential"]["status"], "revoked");
    assert_eq!(shown["credential"]["revoked"], true);
    // The full URN works as the path id too.
    server
        .get(&format!("/api/v1/admin/credentials/{ada_id}"), a)
        .expect(200, None);
    server
        .get(&path(nobody, ""), a)
        .expect(404, Some("unknown_credential"));

    // --- List and search.
    let list = |q: &str| server.get(&format!("/api/v1/admin/credentials{q}"), a);
    let ids = |v: &Value| -> Vec<String> {
        v["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = list("").expect(200, None);
    assert_eq!(ids(&all).len(), 5, "{all:#}");
    assert_eq!(all["next_offset"], Value::Null);
    assert_eq!(
        ids(&list("?status=revoked").expect(200, None)),
        [ada_id.as_str()]
    );
    assert_eq!(
        ids(&list("?status=superseded").expect(200, None)),
        [renewal_id.as_str()]
    );
    let active = ids(&list("?status=active").expect(200, None));
    assert_eq!(active.len(), 3, "{active:?}");
    assert!(!active.contains(&ada_id) && active.contains(&eve_id));
    // Text search over name and e-mail, case-insensitive.
    let dora = ids(&list("?q=DORA%40").expect(200, None));
    assert_eq!(dora.len(), 3);
    assert_eq!(
        ids(&list("?q=lovelace").expect(200, None)),
        [ada_id.as_str()]
    );
    assert!(ids(&list("?q=100%25").expect(200, None)).is_empty());
    assert_eq!(
        ids(&list(&format!("?certification={CICD}&q=eve")).expect(200, None)),
        [eve_id.as_str()]
    );
    assert!(ids(&list(&format!("?certification={ASSOCIATE}")).expect(200, None)).is_empty());
    // Issued date range (inclusive), from today's credentials.
    let today = all["credentials"][0]["issued_at"].as_str().unwrap()[..10].to_owned();
    assert_eq!(
        ids(&list(&format!("?issued_from={today}&issued_to={today}")).expect(200, None)).len(),
        5
    );
    assert!(ids(&list("?issued_to=2000-01-01").expect(200, None)).is_empty());
    assert!(ids(&list("?issued_from=2999-01-01").expect(200, None)).is_empty());
    // Pagination.
    let first = list("?limit=2").expect(200, None);
    assert_eq!(first["next_offset"], 2);
    let second = list("?limit=2&offset=2").expect(200, None);
    let third = list("?limit=2&offset=4").expect(200, None);
    assert_eq!(third["next_offset"], Value::Null);
    let mut paged = ids(&first);
    paged.extend(ids(&second));
    paged.extend(ids(&third));
    assert_eq!(paged, ids(&all));
    list("?limit=501").expect(422, Some("invalid_input"));
    list("?limit=0").expect(422, Some("invalid_input"));
    list("?limit=ten").expect(400, Some("invalid_query"));
    list("?colour=red").expect(400, Some("invalid_query"));
    list("?status=lost").expect(422, Some("invalid_input"));
    list("?issued_from=yesterday").expect(422, Some("invalid_input"));
    list("?issued_from=2026-02-01&issued_to=2026-01-01").expect(422, Some("invalid_input"));
    list("?offset=-1").expect(422, Some("invalid_input"));

    // --- Bulk, CSV and JSON.
    let b = "/api/v1/admin/credentials/bulk";
    let csv = "name,email,certification,written_score,written_date,lab_result,grader,lab_date\n\
               Fay,fay@example.com,gitlab-certified-associate,90,2026-11-20,pass,grader@example.com,2026-11-22\n\
               Gus,gus@example.com,gitlab-certified-associate,90,2026-11-20,pass,stranger@example.com,2026-11-22\n";
    let out = server
        .call("POST", b, a, "text/csv", csv.as_bytes())
        .expect(200, None);
    assert_eq!(out["summary"]["issued"], 1, "{out:#}");
    assert_eq!(out["summary"]["refused"], 1);
    assert_eq!(out["rows"][0]["outcome"], "issued");
    assert_eq!(out["rows"][0]["line"], 2);
    assert_eq!(out["rows"][1]["code"], "not_a_grader");
    let again = server
        .call("POST", b, a, "text/csv", csv.as_bytes())
        .expect(200, None);
    assert_eq!(again["rows"][0]["outcome"], "already_issued");
    assert_eq!(
        again["rows"][0]["credential_id"],
        out["rows"][0]["credential_id"]
    );
    let rows = json!([
        { "name": "Hal", "email": "hal@example.com", "certification": ASSOCIATE, "written_score": 91, "written_date": "2026-11-20", "lab_result": "pass", "grader": "grader@example.com", "lab_date": "2026-11-22", "external_id": "LMS-1" },
        { "name": "Ivy", "email": "ivy@example.com", "certification": ASSOCIATE, "written_score": 40, "written_date": "2026-11-20", "lab_result": "pass", "grader": "grader@example.com", "lab_date": "2026-11-22" }
    ]);
    let out = server.post(b, a, &rows).expect(200, None);
    assert_eq!(out["summary"]["issued"], 1, "{out:#}");
    assert_eq!(out["rows"][0]["index"], 0);
    assert_eq!(out["rows"][0]["external_id"], "LMS-1");
    assert_eq!(out["rows"][1]["index"], 1);
    assert_eq!(out["rows"][1]["code"], "stage_failed");
    let hal = out["rows"][0]["credential_id"].as_str().unwrap().to_owned();
    assert_eq!(server.page_verdict(&hal), "VALID");
    server
        .post(b, a, &json!([{ "name": "X" }, 3]))
        .expect(422, Some("invalid_request"));
    server
        .post(b, a, &json!([{ "name": ["X"] }]))
        .expect(422, Some("invalid_request"));
    server
        .call(
            "POST",
            b,
            a,
            "text/csv",
            b"name,email,colour\nX,x@example.com,red\n",
        )
        .expect(422, Some("invalid_input"));
    server
        .call("POST", b, a, "application/json", b"[{")
        .expect(400, Some("malformed_json"));
    server
        .call("POST", b, a, "text/plain", csv.as_bytes())
        .expect(415, Some("unsupported_media_type"));
    server
        .call("POST", b, a, "text/csv", &big)
        .expect(413, Some("body_too_large"));

    // --- The audit log through the API.
    let log = server
        .get("/api/v1/admin/audit?after=0&limit=500", a)
        .expect(200, None);
    let entries = log["entries"].as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    let me = format!("token:{admin_id}:ops-bot");
    let by = |action: &str| -> Vec<&Value> {
        entries.iter().filter(|e| e["action"] == action).collect()
    };
    assert!(
        by("credential.issue")
            .iter()
            .all(|e| e["actor"] == me.as_str())
    );
    let revocation = by("credential.revoke");
    assert_eq!(revocation.len(), 1);
    assert_eq!(revocation[0]["subject"], ada_id.as_str());
    assert_eq!(revocation[0]["details"]["reason"], "exam integrity review");
    let labs = by("assessment.lab");
    assert!(labs.iter().any(|e| {
        e["actor"]
            .as_str()
            .unwrap()
            .ends_with(":grader@example.com")
    }));
    for action in [
        "candidate.register",
        "assessment.written",
        "credential.renew",
        "credential.correct",
        "credential.suspend",
        "credential.reinstate",
    ] {
        assert!(actions.contains(&action), "{action} missing: {actions:?}");
    }
    // Reads and refused scopes leave entries too; the read of this page is its last entry.
    let reads = by("api.read");
    assert!(
        reads
            .iter()
            .any(|e| e["details"]["route"] == "GET /api/v1/admin/credentials"
                && e["details"]["query"]["q"] == "lovelace")
    );
    assert!(reads.iter().any(|e| e["subject"] == ada_id.as_str()));
    let last = entries.last().unwrap();
    assert_eq!(last["action"], "api.read");
    assert_eq!(last["details"]["route"], "GET /api/v1/admin/audit");
    // A repeat that signed nothing, and each bulk call, are audited too.
    assert!(
        by("api.repeat")
            .iter()
            .any(|e| e["subject"] == ada_id.as_str()
                && e["details"]["route"] == "POST /api/v1/admin/credentials")
    );
    assert!(
        by("api.repeat")
            .iter()
            .any(|e| e["details"]["route"] == "POST /api/v1/admin/credentials/{id}/renew")
    );
    let bulk: Vec<&Value> = by("api.bulk");
    assert_eq!(bulk.len(), 3, "{bulk:?}");
    assert_eq!(bulk[1]["details"]["already_issued"], 1);
    assert_eq!(bulk[2]["details"]["format"], "json");
    let denied = by("api.denied");
    assert!(denied.len() >= 12, "{}", denied.len());
    assert!(denied.iter().all(|e| {
        e["actor"]
            .as_str()
            .unwrap()
            .ends_with(":grader@example.com")
    }));
    // No secret in the log.
    for secret in [&admin, &grader, &intern, &revoked] {
        assert!(!log.to_string().contains(secret.as_str()));
    }
    // Paging by sequence number.
    let page = server
        .get("/api/v1/admin/audit?after=3&limit=2", a)
        .expect(200, None);
    assert_eq!(page["entries"][0]["seq"], 4);
    assert_eq!(page["entries"].as_array().unwrap().len(), 2);
    assert_eq!(page["next_after"], 5);
    server
        .get("/api/v1/admin/audit?limit=501", a)
        .expect(422, Some("invalid_input"));
    server
        .get("/api/v1/admin/audit?after=-1", a)
        .expect(422, Some("invalid_input"));
    server
        .get("/api/v1/admin/audit?after=x", a)
        .expect(400, Some("invalid_query"));
    // The chain is intact after all of it.
    assert!(ok(&rosette(&server.data, &["audit", "verify"])).contains("intact"));
    let every = server.audit();
    assert!(every.iter().any(|e| {
        let details: Value = serde_json::from_str(e["details"].as_str().unwrap()).unwrap();
        e["action"] == "api.denied" && details["route"] == "POST /api/v1/admin/credentials"
    }));

    // --- Metrics count what the API did.
    let metrics = server.get("/metrics", None).text();
    let issued: f64 = metrics
        .lines()
        .find(|l| l.starts_with("rosette_credentials_issued_total"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(issued >= 7.0, "{metrics}");
    assert!(
        metrics.contains("rosette_status_changes_total{change=\"revoke\"} 1"),
        "{metrics}"
    );

    // No response names the database.
    for r in [list(""), server.get(&path(nobody, ""), a)] {
        let t = r.text().to_lowercase();
        assert!(!t.contains("sqlx") && !t.contains("database"), "{t}");
    }
}

/// The search behind `GET /api/v1/admin/credentials`, on both backends.
#[test]
fn credential_search_on_both_backends() {
    use rosette::issuance::{Actor, LabInput, WrittenInput};
    use rosette::store::{CredentialSearch, CredentialStatusFilter, SqlStore, Store};
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut urls = vec![sqlite_url(dir.path())];
        urls.extend(fresh_postgres_database().await);
        for url in urls {
            let store = SqlStore::connect(&url).await.unwrap();
            let catalog = crate::issuance::catalog();
            let key = crate::issuance::test_key();
            let clock = rosette::clock::FixedClock::new(
                chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
                    .unwrap()
                    .to_utc(),
            );
            let issuer = crate::issuance::issuer(&store, &catalog, &key, &clock);
            let admin = Actor::admin("test");
            let mut ids = Vec::new();
            for (name, email) in [
                ("Ada 100%_done", "ada@example.com"),
                ("Bob Łukasz-Żółć", "bob@example.org"),
            ] {
                issuer
                    .register_candidate(name, email, None, &admin)
                    .await
                    .unwrap();
                let w = WrittenInput {
                    email: email.into(),
                    certification: CICD.into(),
                    attempt: 1,
                    score: 90.0,
                    assessed_on: "2026-11-20".into(),
                    reference: None,
                };
                issuer.record_written(&w, &admin).await.unwrap();
                let l = LabInput {
                    email: email.into(),
                    certification: CICD.into(),
                    attempt: 1,
                    passed: true,
                    notes: None,
                    assessed_on: "2026-11-22".into(),
                };
                issuer
                    .record_lab_for(&l, "grader@example.com", &admin)
                    .await
                    .unwrap();
                let out = issuer.issue(email, CICD, 1, None, &admin).await.unwrap();
                ids.push(out.record().id.clone());
            }
            use rosette::issuance::revocation::StatusChange;
            issuer
                .change_status(&ids[1], StatusChange::Suspend, "check", &admin)
                .await
                .unwrap();
            let search = |s: CredentialSearch| {
                let store = &store;
                async move {
                    store
                        .search_credentials(&CredentialSearch { limit: 10, ..s })
                        .await
                        .unwrap()
                }
            };
            let all = search(CredentialSearch::default()).await;
            assert_eq!(all.len(), 2, "{url}");
            assert!(all.iter().all(|h| h.record.document.is_empty()));
            let bob = all.iter().find(|h| h.record.id == ids[1]).unwrap();
            assert!(bob.suspended && !bob.revoked, "{url}");
            assert_eq!(bob.holder_email, "bob@example.org");
            let text = |t: &str| CredentialSearch {
                text: Some(t.into()),
                ..Default::default()
            };
            // LIKE wildcards in the text are literal.
            assert_eq!(search(text("100%_d")).await.len(), 1, "{url}");
            assert_eq!(search(text("a%e")).await.len(), 0, "{url}");
            assert_eq!(search(text("b_b")).await.len(), 0, "{url}");
            assert_eq!(search(text("EXAMPLE.ORG")).await[0].record.id, ids[1]);
            // Case folding is Unicode on both backends (SQLite's LOWER() is ASCII-only).
            assert_eq!(search(text("łukasz")).await[0].record.id, ids[1], "{url}");
            assert_eq!(search(text("ŻÓŁĆ")).await[0].record.id, ids[1], "{url}");
            let status = |s| CredentialSearch {
                status: Some(s),
                ..Default::default()
            };
            assert_eq!(
                search(status(CredentialStatusFilter::Suspended))
                    .await
                    .len(),
                1
            );
            assert_eq!(
                search(status(CredentialStatusFilter::Active)).await[0]
                    .record
                    .id,
                ids[0]
            );
            assert!(
                search(status(CredentialStatusFilter::Revoked))
                    .await
                    .is_empty()
            );
            // Expiry: past every validUntil, nothing is active and every
            // unrevoked credential is expired; before any, none is.
            let at = |s, now: &str| CredentialSearch {
                status: Some(s),
                now: Some(now.into()),
                ..Default::default()
            };
            let later = "2100-01-01T00:00:00Z";
            let earlier = "2000-01-01T00:00:00Z";
            assert!(
                search(at(CredentialStatusFilter::Active, later))
                    .await
                    .is_empty()
            );
            assert_eq!(
                search(at(CredentialStatusFilter::Expired, later))
                    .await
                    .len(),
                2,
                "{url}"
            );
            assert!(
                search(at(CredentialStatusFilter::Expired, earlier))
                    .await
                    .is_empty()
            );
            assert_eq!(
                search(at(CredentialStatusFilter::Active, earlier)).await[0]
                    .record
                    .id,
                ids[0]
            );
            let range = CredentialSearch {
                issued_from: Some("2026-11-25".into()),
                issued_before: Some("2026-11-26".into()),
                certification: Some(CICD.into()),
                ..Default::default()
            };
            assert_eq!(search(range).await.len(), 2, "{url}");
            let before = CredentialSearch {
                issued_before: Some("2026-11-25".into()),
                ..Default::default()
            };
            assert!(search(before).await.is_empty());
            let page = CredentialSearch {
                offset: 1,
                ..Default::default()
            };
            assert_eq!(search(page).await.len(), 1);
        }
    });
}

#[test]
fn refused_calls_by_valid_tokens_are_audited_and_leave_nothing_else_behind() {
    let server = Server::start();
    let (admin, _) = server.token("refusals", "admin");
    server
        .post(
            "/api/v1/admin/assessments/written",
            Some(&admin),
            &json!({
                "email": "nobody@example.com",
                "name": "No Body",
                "certification": "gitlab-typo-specialist",
                "attempt": 1,
                "score": 90,
                "date": "2026-11-20"
            }),
        )
        .expect(422, Some("unknown_certification"));
    server
        .post(
            "/api/v1/admin/credentials/urn:uuid:00000000-0000-4000-8000-000000000000/revoke",
            Some(&admin),
            &json!({ "reason": "probe" }),
        )
        .expect(404, None);
    let entries = server.audit();
    let refused: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "api.refused")
        .collect();
    assert_eq!(refused.len(), 2, "{entries:?}");
    let details =
        |e: &Value| -> Value { serde_json::from_str(e["details"].as_str().unwrap()).unwrap() };
    assert_eq!(
        details(refused[0])["route"],
        "POST /api/v1/admin/assessments/written"
    );
    assert_eq!(details(refused[0])["status"], 422);
    assert!(refused[0]["actor"].as_str().unwrap().ends_with(":refusals"));
    assert_eq!(details(refused[1])["status"], 404);
    assert!(
        !entries.iter().any(|e| e["action"] == "candidate.register"),
        "the refused call registered a candidate: {entries:?}"
    );
    // Without a valid token nothing is written (no database writes for strangers).
    let before = server.audit().len();
    server
        .post(
            "/api/v1/admin/credentials/urn:uuid:00000000-0000-4000-8000-000000000000/revoke",
            Some("rst_not-a-token"),
            &json!({ "reason": "probe" }),
        )
        .expect(401, Some("invalid_token"));
    assert_eq!(server.audit().len(), before);
}
