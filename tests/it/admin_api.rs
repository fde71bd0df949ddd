//! The admin API on a real server (`rosette serve` on 127.0.0.1:0): bearer
//! tokens and scopes, every route with its success and its errors, the
//! audit entries, and the search over both store backends.

use crate::support::{
    Client, Response, ServerProcess, block_on, fresh_postgres_database, ok, rosette, sqlite_url,
};
use serde_json::{Value, json};
use std::path::PathBuf;

/// A `rosette serve` process on 127.0.0.1:0 with its own data directory,
/// killed when dropped.
pub struct Server {
    _process: ServerProcess,
    /// Its data directory.
    pub data: PathBuf,
    /// A client of it.
    pub client: Client,
    _dir: tempfile::TempDir,
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
        Server {
            client: Client::new(process.addr),
            _process: process,
            data,
            _dir: dir,
        }
    }

    /// What the server wrote to its standard error (its log) so far.
    pub fn log(&self) -> String {
        self._process.stderr()
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

    /// A `method` request with a `Content-Type` and body, and the token if any.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> Response {
        self.client
            .request(method, path)
            .bearer(token)
            .body(content_type, body)
            .send()
    }

    /// `POST` of a JSON body.
    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.call(
            "POST",
            path,
            token,
            "application/json",
            body.to_string().as_bytes(),
        )
    }

    /// `GET` (with `Content-Type: application/json` and an empty body, as every admin call).
    pub fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.call("GET", path, token, "application/json", b"")
    }

    /// The verdict word of the public page.
    pub fn page_verdict(&self, id: &str) -> String {
        let uuid = id.trim_start_matches("urn:uuid:");
        let html = self
            .client
            .get(&format!("/v/{uuid}"))
            .header("Accept", "text/html")
            .send()
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

/// What a refused call sends: `GET` for [`Call::Get`], `POST` otherwise.
enum Call<'a> {
    /// A `GET`, as [`Server::get`] sends it.
    Get,
    /// A JSON body.
    Json(Value),
    /// Bytes labelled `application/json` (malformed or oversized bodies).
    Bytes(&'a [u8]),
    /// Bytes with another media type.
    Typed(&'a str, &'a [u8]),
}

/// A call the server refuses: the case's name; the token, path and body
/// sent; the status, problem `code` and (where the case checks it)
/// problem `field` expected.
type Refusal<'a> = (
    &'a str,
    Option<&'a str>,
    &'a str,
    Call<'a>,
    u16,
    &'a str,
    Option<&'a str>,
);

impl Server {
    /// Sends each case in turn and checks its problem; a failure names the case.
    #[track_caller]
    fn refuses(&self, cases: &[Refusal<'_>]) {
        for (name, token, path, send, status, code, field) in cases {
            let (method, r) = match send {
                Call::Get => ("GET", self.get(path, *token)),
                Call::Json(v) => ("POST", self.post(path, *token, v)),
                Call::Bytes(b) => (
                    "POST",
                    self.call("POST", path, *token, "application/json", b),
                ),
                Call::Typed(t, b) => ("POST", self.call("POST", path, *token, t, b)),
            };
            let case = format!("{name}: {method} {path}");
            let problem = r.expect_as(&case, *status, Some(code));
            if let Some(field) = field {
                assert_eq!(problem["field"], *field, "{case}\n{problem:#}");
            }
        }
    }
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
    use Call::{Bytes, Get, Json, Typed};

    // --- Authentication: 401 without, with an unknown, a revoked or a non-bearer token.
    let nobody = "urn:uuid:00000000-0000-4000-8000-000000000000";
    for (method, path) in routes(nobody) {
        let route = format!("{method} {path}");
        let r = server.call(method, &path, None, "application/json", b"{}");
        r.expect_as(&route, 401, Some("unauthorized"));
        assert!(
            r.header("www-authenticate")
                .is_some_and(|h| h.starts_with("Bearer")),
            "{route}: {}",
            r.head
        );
        let r = server.call(
            method,
            &path,
            Some("rst_unknown"),
            "application/json",
            b"{}",
        );
        r.expect_as(&route, 401, Some("invalid_token"));
        assert!(
            r.header("www-authenticate")
                .unwrap()
                .contains("invalid_token"),
            "{route}"
        );
        let r = server.call(method, &path, Some(&revoked), "application/json", b"{}");
        let p = r.expect_as(&route, 401, Some("invalid_token"));
        assert!(
            p["detail"].as_str().unwrap().contains("revoked"),
            "{route}: {p}"
        );
        // An unauthenticated caller gets 401 even with an oversized body.
        server
            .call(method, &path, None, "application/json", &big)
            .expect_as(&route, 401, Some("unauthorized"));
    }
    let r = server
        .client
        .get("/api/v1/admin/audit")
        .header("Authorization", &format!("Basic {admin}"))
        .send();
    r.expect(401, Some("unauthorized"));
    // --- 403: a grader token on every route but the lab one.
    for (method, path) in routes(nobody) {
        if path.ends_with("/lab") {
            continue;
        }
        let route = format!("{method} {path}");
        let r = server.call(method, &path, g, "application/json", b"{}");
        r.expect_as(&route, 403, Some("insufficient_scope"));
        assert!(
            r.header("www-authenticate")
                .unwrap()
                .contains("insufficient_scope"),
            "{route}"
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
    let mut bad_date = written("ada@example.com", None, CICD, 92.0);
    bad_date["date"] = json!("20 Nov 2026");
    bad_date["attempt"] = json!(2);
    let ada = |cert, score| Json(written("ada@example.com", None, cert, score));
    #[rustfmt::skip]
    let cases: [Refusal; 10] = [
        ("another score for a recorded attempt", a, w, ada(CICD, 50.0), 409, "already_recorded", None),
        ("malformed JSON", a, w, Bytes(b"{\"email\": "), 400, "malformed_json", None),
        ("missing fields", a, w, Json(json!({ "email": "ada@example.com", "certification": CICD })), 422, "invalid_request", None),
        ("an unknown field", a, w, Json(json!({ "email": "x@example.com", "name": "X", "certification": CICD, "score": 90, "date": "2026-11-20", "extra": 1 })), 422, "invalid_request", None),
        ("an unknown certification", a, w, ada("no-such-cert", 92.0), 422, "unknown_certification", None),
        ("a bad e-mail", a, w, Json(written("not-an-email", Some("X"), CICD, 92.0)), 422, "invalid_input", Some("email")),
        ("an unknown candidate without a name", a, w, Json(written("new@example.com", None, CICD, 92.0)), 422, "unknown_candidate", None),
        ("a score over 100", a, w, ada(CICD, 120.0), 422, "invalid_input", None),
        ("a date that is not ISO 8601", a, w, Json(bad_date), 422, "invalid_input", None),
        ("an oversized body", a, w, Bytes(&big), 413, "body_too_large", None),
    ];
    server.refuses(&cases);
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
    #[rustfmt::skip]
    let cases: [Refusal; 2] = [
        ("a lab before the written assessment of that certification", g, l, Json(lab("ada@example.com", ASSOCIATE, "pass")), 422, "stage_missing", None),
        ("a lab after a failed written assessment", g, l, Json(lab("carl@example.com", CICD, "pass")), 422, "stage_failed", None),
    ];
    server.refuses(&cases);
    let rec = server
        .post(l, g, &lab("ada@example.com", CICD, "pass"))
        .expect(201, None);
    assert_eq!(rec["grader"], "grader@example.com");
    assert!(rec["recorded_by"].as_str().unwrap().starts_with("token:"));
    let mut other = lab("dora@example.com", CICD, "pass");
    other["grader"] = json!("someone@example.com");
    let mut eve = lab("eve@example.com", CICD, "pass");
    eve["result"] = json!("maybe");
    let dora = || Json(lab("dora@example.com", CICD, "pass"));
    // An admin token names the grader; it must be a registered one.
    #[rustfmt::skip]
    let cases: [Refusal; 10] = [
        ("another result for a recorded attempt", g, l, Json(lab("ada@example.com", CICD, "fail")), 409, "already_recorded", None),
        ("a grader token naming another grader", g, l, Json(other.clone()), 403, "grader_mismatch", None),
        ("a grader token of no registered grader", Some(&intern), l, dora(), 403, "not_a_grader", None),
        ("an admin token naming no grader", a, l, dora(), 422, "invalid_input", Some("grader")),
        ("an admin token naming an unregistered grader", a, l, Json(other.clone()), 422, "not_a_grader", None),
        ("a result that is neither pass nor fail", g, l, Json(eve), 422, "invalid_request", None),
        ("an unknown candidate", g, l, Json(lab("nobody@example.com", CICD, "pass")), 422, "unknown_candidate", None),
        ("an unknown certification", g, l, Json(lab("eve@example.com", "no-such-cert", "pass")), 422, "unknown_certification", None),
        ("malformed JSON", g, l, Bytes(b"["), 400, "malformed_json", None),
        ("an oversized body", g, l, Bytes(&big), 413, "body_too_large", None),
    ];
    server.refuses(&cases);
    other["grader"] = json!("grader@example.com");
    assert_eq!(
        server.post(l, a, &other).expect(201, None)["grader"],
        "grader@example.com"
    );
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
    #[rustfmt::skip]
    let cases: [Refusal; 7] = [
        ("a failed written assessment", a, c, Json(issue("carl@example.com")), 422, "stage_failed", None),
        ("a missing stage", a, c, Json(json!({ "email": "ada@example.com", "certification": ASSOCIATE })), 422, "stage_missing", None),
        ("an unknown certification", a, c, Json(json!({ "email": "ada@example.com", "certification": "nope" })), 422, "unknown_certification", None),
        ("an unknown candidate", a, c, Json(issue("zed@example.com")), 422, "unknown_candidate", None),
        ("no certification", a, c, Json(json!({ "email": "ada@example.com" })), 422, "invalid_request", None),
        ("malformed JSON", a, c, Bytes(b"nope"), 400, "malformed_json", None),
        ("an oversized body", a, c, Bytes(&big), 413, "body_too_large", None),
    ];
    server.refuses(&cases);
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
    // Issuing the attempt again is refused, not answered with the revoked
    // credential as `already_issued` (nor issued anew: the list below counts).
    let p = server
        .post(c, a, &issue("ada@example.com"))
        .expect(409, Some("revoked"));
    assert!(p["detail"].as_str().unwrap().contains(&ada_id), "{p}");
    assert!(!p.to_string().contains("exam integrity"), "{p}");
    let revoked_ada = ["/revoke", "/reinstate", "/suspend"].map(|action| path(&ada_id, action));
    #[rustfmt::skip]
    let cases: [Refusal; 3] = [
        ("revoking a revoked credential", a, &revoked_ada[0], Json(reason.clone()), 409, "status_conflict", None),
        ("reinstating a revoked credential", a, &revoked_ada[1], Json(reason.clone()), 409, "status_conflict", None),
        ("suspending a revoked credential", a, &revoked_ada[2], Json(reason.clone()), 409, "status_conflict", None),
    ];
    server.refuses(&cases);
    for action in ["/revoke", "/suspend", "/reinstate"] {
        let (unknown, eve) = (path(nobody, action), path(&eve_id, action));
        #[rustfmt::skip]
        let cases: [Refusal; 5] = [
            ("an unknown credential", a, &unknown, Json(reason.clone()), 404, "unknown_credential", None),
            ("a blank reason", a, &eve, Json(json!({ "reason": "  " })), 422, "invalid_input", Some("reason")),
            ("no reason", a, &eve, Json(json!({})), 422, "invalid_request", None),
            ("malformed JSON", a, &eve, Bytes(b"{"), 400, "malformed_json", None),
            ("an oversized body", a, &eve, Bytes(&big), 413, "body_too_large", None),
        ];
        server.refuses(&cases);
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
    // A suspended credential is still the answer to a repeat.
    let again = server
        .post(c, a, &issue("eve@example.com"))
        .expect(200, None);
    assert_eq!(again["outcome"], "already_issued");
    assert_eq!(again["credential"]["id"], eve_id.as_str());
    assert_eq!(again["credential"]["status"], "suspended");
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
    let (unknown, renew_dora) = (path(nobody, "/renew"), path(&dora_id, "/renew"));
    #[rustfmt::skip]
    let cases: [Refusal; 4] = [
        ("an unknown credential", a, &unknown, Json(json!({})), 404, "unknown_credential", None),
        ("an unknown field", a, &renew_dora, Json(json!({ "when": "now" })), 422, "invalid_request", None),
        ("malformed JSON", a, &renew_dora, Bytes(b"{{"), 400, "malformed_json", None),
        ("an oversized body", a, &renew_dora, Bytes(&big), 413, "body_too_large", None),
    ];
    server.refuses(&cases);

    // --- Correct.
    let fix = json!({ "name": "Dora Deployment", "reason": "misspelt name" });
    let corrected = server
        .post(&path(&renewal_id, "/correct"), a, &fix)
        .expect(201, None);
    assert_eq!(corrected["credential"]["replaces"], renewal_id.as_str());
    assert_eq!(corrected["credential"]["holder_name"], "Dora Deployment");
    let corrected_id = corrected["credential"]["id"].as_str().unwrap().to_owned();
    let (correct_renewal, renew_renewal) =
        (path(&renewal_id, "/correct"), path(&renewal_id, "/renew"));
    let (correct_corrected, unknown) = (path(&corrected_id, "/correct"), path(nobody, "/correct"));
    #[rustfmt::skip]
    let cases: [Refusal; 7] = [
        ("correcting a superseded credential", a, &correct_renewal, Json(fix.clone()), 409, "superseded", None),
        ("renewing a superseded credential", a, &renew_renewal, Json(json!({})), 409, "superseded", None),
        ("an empty reason", a, &correct_corrected, Json(json!({ "name": "D", "reason": "" })), 422, "invalid_input", None),
        ("an unknown credential", a, &unknown, Json(fix.clone()), 404, "unknown_credential", None),
        ("no reason", a, &correct_corrected, Json(json!({ "name": "D" })), 422, "invalid_request", None),
        ("malformed JSON", a, &correct_corrected, Bytes(b"}"), 400, "malformed_json", None),
        ("an oversized body", a, &correct_corrected, Bytes(&big), 413, "body_too_large", None),
    ];
    server.refuses(&cases);
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
    let unknown = path(nobody, "");
    #[rustfmt::skip]
    let cases: [Refusal; 9] = [
        ("showing an unknown credential", a, &unknown, Get, 404, "unknown_credential", None),
        ("a page over 500", a, "/api/v1/admin/credentials?limit=501", Get, 422, "invalid_input", None),
        ("an empty page", a, "/api/v1/admin/credentials?limit=0", Get, 422, "invalid_input", None),
        ("a limit that is not a number", a, "/api/v1/admin/credentials?limit=ten", Get, 400, "invalid_query", None),
        ("an unknown parameter", a, "/api/v1/admin/credentials?colour=red", Get, 400, "invalid_query", None),
        ("an unknown status", a, "/api/v1/admin/credentials?status=lost", Get, 422, "invalid_input", None),
        ("a date that is not ISO 8601", a, "/api/v1/admin/credentials?issued_from=yesterday", Get, 422, "invalid_input", None),
        ("a date range that ends before it starts", a, "/api/v1/admin/credentials?issued_from=2026-02-01&issued_to=2026-01-01", Get, 422, "invalid_input", None),
        ("a negative offset", a, "/api/v1/admin/credentials?offset=-1", Get, 422, "invalid_input", None),
    ];
    server.refuses(&cases);

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
    #[rustfmt::skip]
    let cases: [Refusal; 6] = [
        ("a row that is not an object", a, b, Json(json!([{ "name": "X" }, 3])), 422, "invalid_request", None),
        ("a field that is not text", a, b, Json(json!([{ "name": ["X"] }])), 422, "invalid_request", None),
        ("an unknown CSV column", a, b, Typed("text/csv", b"name,email,colour\nX,x@example.com,red\n"), 422, "invalid_input", None),
        ("malformed JSON", a, b, Bytes(b"[{"), 400, "malformed_json", None),
        ("a media type that is neither JSON nor CSV", a, b, Typed("text/plain", csv.as_bytes()), 415, "unsupported_media_type", None),
        ("an oversized body", a, b, Typed("text/csv", &big), 413, "body_too_large", None),
    ];
    server.refuses(&cases);

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
    #[rustfmt::skip]
    let cases: [Refusal; 3] = [
        ("a page over 500", a, "/api/v1/admin/audit?limit=501", Get, 422, "invalid_input", None),
        ("a negative sequence number", a, "/api/v1/admin/audit?after=-1", Get, 422, "invalid_input", None),
        ("a sequence number that is not a number", a, "/api/v1/admin/audit?after=x", Get, 400, "invalid_query", None),
    ];
    server.refuses(&cases);
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

/// Issue 11, items 1–3 over the admin API: the bulk route answers a row
/// only with its own credential (another holder's external id is
/// `external_id_conflict`, on every run, naming neither holder nor
/// credential), refuses a lab after a failed written stage and dates out
/// of order with the codes the CLI uses, and the single routes refuse the
/// same dates.
#[test]
fn bulk_route_and_assessments_refuse_conflicts_and_dates_like_the_cli() {
    let server = Server::start();
    let (admin, _) = server.token("hr-bot", "admin");
    let (grader, _) = server.token("grader@example.com", "grader");
    let (a, g) = (Some(admin.as_str()), Some(grader.as_str()));
    let b = "/api/v1/admin/credentials/bulk";
    let row = |name: &str, email: &str, score: u32, lab_date: &str, ext: &str| {
        json!({ "name": name, "email": email, "certification": CICD, "written_score": score,
                "written_date": "2026-11-20", "lab_result": "pass", "grader": "grader@example.com",
                "lab_date": lab_date, "external_id": ext })
    };
    let rows = json!([
        row("Ivy Chen", "ivy@example.com", 90, "2026-11-22", "HR-1"),
        row("Kim", "kim@example.com", 40, "2026-11-22", "HR-2"),
        row("Uma", "uma@example.com", 90, "2999-01-01", "HR-3"),
        row("Vic", "vic@example.com", 90, "2026-11-19", "HR-4"),
    ]);
    let out = server.post(b, a, &rows).expect(200, None);
    assert_eq!(out["rows"][0]["outcome"], "issued", "{out:#}");
    let ivy_id = out["rows"][0]["credential_id"].as_str().unwrap().to_owned();
    assert_eq!(out["rows"][1]["code"], "stage_failed", "{out:#}");
    assert_eq!(out["rows"][2]["code"], "date_in_future", "{out:#}");
    assert_eq!(out["rows"][3]["code"], "lab_before_written", "{out:#}");
    for _ in 0..2 {
        let other = json!([row("Ivy Two", "ivy2@example.com", 90, "2026-11-22", "HR-1")]);
        let out = server.post(b, a, &other).expect(200, None);
        let r = &out["rows"][0];
        assert_eq!(r["outcome"], "refused", "{out:#}");
        assert_eq!(r["code"], "external_id_conflict", "{out:#}");
        let text = r.to_string();
        for private in [ivy_id.as_str(), "Ivy Chen", "ivy@example.com"] {
            assert!(!text.contains(private), "{private} leaked: {text}");
        }
    }
    let again = server.post(b, a, &rows).expect(200, None);
    assert_eq!(again["rows"][0]["outcome"], "already_issued");
    assert_eq!(again["rows"][0]["credential_id"], ivy_id.as_str());
    // Nothing of the refused rows was registered.
    let entries = server.audit();
    let registered = entries
        .iter()
        .filter(|e| e["action"] == "candidate.register")
        .count();
    assert_eq!(registered, 1, "{entries:?}");
    // The single routes apply the same date rule.
    server
        .post(
            "/api/v1/admin/assessments/written",
            a,
            &written("wes@example.com", Some("Wes"), CICD, 90.0),
        )
        .expect(201, None);
    let mut late = lab("wes@example.com", CICD, "pass");
    late["date"] = json!("2999-01-01");
    server
        .post("/api/v1/admin/assessments/lab", g, &late)
        .expect(422, Some("date_in_future"));
}

/// The repeat of a renewal that was revoked is refused as `revoked` (the
/// same rule as a repeated issuance), audited as a refusal, and renews
/// nothing.
#[test]
fn renewing_again_after_the_renewal_was_revoked_is_refused() {
    let server = Server::start();
    let (admin, _) = server.token("hr", "admin");
    let (grader, _) = server.token("grader@example.com", "grader");
    let (a, g) = (Some(admin.as_str()), Some(grader.as_str()));
    let gus = "gus@example.com";
    server
        .post(
            "/api/v1/admin/assessments/written",
            a,
            &written(gus, Some("Gus Grant"), CICD, 90.0),
        )
        .expect(201, None);
    server
        .post("/api/v1/admin/assessments/lab", g, &lab(gus, CICD, "pass"))
        .expect(201, None);
    let issued = server
        .post(
            "/api/v1/admin/credentials",
            a,
            &json!({ "email": gus, "certification": CICD }),
        )
        .expect(201, None);
    let path = |id: &Value, action: &str| {
        format!(
            "/api/v1/admin/credentials/{}{action}",
            id.as_str().unwrap().trim_start_matches("urn:uuid:")
        )
    };
    let renew = path(&issued["credential"]["id"], "/renew");
    let renewal = server.post(&renew, a, &json!({})).expect(201, None)["credential"]["id"].clone();
    server
        .post(
            &path(&renewal, "/revoke"),
            a,
            &json!({ "reason": "renewed in error" }),
        )
        .expect(200, None);
    let p = server
        .post(&renew, a, &json!({}))
        .expect(409, Some("revoked"));
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains(renewal.as_str().unwrap()),
        "{p}"
    );
    let entries = server.audit();
    let refused: Vec<Value> = entries
        .iter()
        .filter(|e| e["action"] == "api.refused")
        .map(|e| serde_json::from_str(e["details"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(refused.len(), 1, "{entries:?}");
    assert_eq!(refused[0]["status"], 409);
    assert!(
        !entries.iter().any(|e| e["action"] == "api.repeat"),
        "{entries:?}"
    );
    let renewals = entries
        .iter()
        .filter(|e| e["action"] == "credential.renew")
        .count();
    assert_eq!(renewals, 1, "{entries:?}");
}
