//! The admin console (issue 16): sessions on both backends with fixed
//! clocks (idle time, lifetime, sign-out, a revoked token), and on a real
//! server the walk an administrator makes — sign in, record both stages,
//! issue, revoke with a reason, see REVOKED on the public page, bulk issue
//! a CSV with a bad row — with the CSRF and authorization rules.

use crate::issuance::{catalog, issuer, on_both, test_key};
use crate::support::{Client, ServerProcess, ok, rosette_with};
use rosette::clock::{Clock as _, FixedClock};
use rosette::issuance::Actor;
use rosette::issuance::sessions::{SessionError, console_session};
use rosette::issuance::tokens::Scope;
use rosette::store::Store as _;

#[test]
fn sessions_end_when_idle_at_their_lifetime_at_sign_out_and_with_their_token() {
    on_both(async |store| {
        let (catalog, key) = (catalog(), test_key());
        let t0 = FixedClock::parse("2026-12-01T08:00:00Z").unwrap();
        let iss = issuer(&store, &catalog, &key, &t0);
        let admin = Actor::admin("admin@example.com");
        let (token, secret) = iss
            .create_token("console", Scope::Admin, &admin)
            .await
            .unwrap();
        let (_, grader_secret) = iss
            .create_token("grader@example.com", Scope::Grader, &admin)
            .await
            .unwrap();
        let (_, issuer_secret) = iss
            .create_token("lms", Scope::Issuer, &admin)
            .await
            .unwrap();
        assert_eq!(
            iss.sign_in("rst_nope").await.unwrap_err(),
            SessionError::Unknown
        );
        assert_eq!(
            iss.sign_in(&issuer_secret).await.unwrap_err(),
            SessionError::WrongScope
        );
        let (session, cookie) = iss.sign_in(&secret).await.unwrap();
        assert_eq!(session.actor.name, format!("token:{}:console", token.id));
        assert_ne!(cookie, secret, "the cookie is a new secret, not the token");
        let at = |t: &str| FixedClock::parse(t).unwrap().now();
        // Used 29 minutes later: fine, and the use is recorded.
        let s = console_session(&store, &cookie, at("2026-12-01T08:29:00Z"))
            .await
            .unwrap();
        assert_eq!(s.csrf, session.csrf);
        // 25 minutes after that use (54 after sign-in): still fine.
        console_session(&store, &cookie, at("2026-12-01T08:54:00Z"))
            .await
            .unwrap();
        // 31 idle minutes: ended.
        assert_eq!(
            console_session(&store, &cookie, at("2026-12-01T09:25:01Z"))
                .await
                .unwrap_err(),
            SessionError::Ended
        );
        // A busy session still ends 12 hours after sign-in.
        let (_, busy) = iss.sign_in(&secret).await.unwrap();
        let mut t = FixedClock::parse("2026-12-01T08:00:00Z").unwrap().now();
        while t < at("2026-12-01T20:00:00Z") {
            t += chrono::Duration::minutes(20);
            let r = console_session(&store, &busy, t).await;
            if t <= at("2026-12-01T20:00:00Z") {
                r.unwrap();
            } else {
                assert_eq!(r.unwrap_err(), SessionError::Ended);
            }
        }
        assert_eq!(
            console_session(&store, &busy, at("2026-12-01T20:00:01Z"))
                .await
                .unwrap_err(),
            SessionError::Ended
        );
        // Sign-out ends it at once.
        let (s, out) = iss.sign_in(&secret).await.unwrap();
        iss.sign_out(&s).await.unwrap();
        assert_eq!(
            console_session(&store, &out, at("2026-12-01T08:01:00Z"))
                .await
                .unwrap_err(),
            SessionError::Ended
        );
        // Revoking the token ends its sessions.
        let (g, grader_cookie) = iss.sign_in(&grader_secret).await.unwrap();
        assert_eq!(g.scope, Scope::Grader);
        let gid = g.actor.name.split(':').nth(1).unwrap().to_owned();
        iss.revoke_token(&gid, &admin).await.unwrap();
        assert_eq!(
            console_session(&store, &grader_cookie, at("2026-12-01T08:01:00Z"))
                .await
                .unwrap_err(),
            SessionError::Revoked
        );
        assert!(
            console_session(&store, "garbage", at("2026-12-01T08:01:00Z"))
                .await
                .is_err()
        );
        // Sign-in and sign-out are audited with the token's actor.
        let (head, _) = store.audit_head().await.unwrap();
        let entries = store.audit_entries(0, head).await.unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"console.sign_in") && actions.contains(&"console.sign_out"));
    });
}

/// The value of the first `name="csrf"` field of a page.
fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a CSRF field")
        .to_owned()
}

/// `a=b&c=d`, form-encoded.
fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    serde_urlencoded::to_string(fields).unwrap().into_bytes()
}

struct Browser {
    client: Client,
    cookie: String,
}

impl Browser {
    fn sign_in(client: Client, token: &str) -> Browser {
        let r = client
            .post("/admin/sign-in")
            .body(
                "application/x-www-form-urlencoded",
                &form(&[("token", token)]),
            )
            .send();
        assert_eq!(r.status, 303, "{}", r.text());
        let set = r.header("set-cookie").expect("a session cookie").to_owned();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        assert!(set.contains("Path=/admin"), "{set}");
        Browser {
            client,
            cookie: set.split(';').next().unwrap().to_owned(),
        }
    }

    fn get(&self, path: &str) -> crate::support::Response {
        self.client.get(path).header("cookie", &self.cookie).send()
    }

    /// Uploads `rows` as the bulk form's CSV file.
    fn upload(&self, csrf: &str, rows: &str) -> crate::support::Response {
        let boundary = "----rosette-test";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"csv\"; filename=\"rows.csv\"\r\nContent-Type: text/csv\r\n\r\n{rows}\r\n--{boundary}--\r\n"
        );
        self.client
            .post("/admin/bulk")
            .header("cookie", &self.cookie)
            .body(
                &format!("multipart/form-data; boundary={boundary}"),
                body.as_bytes(),
            )
            .send()
    }

    fn post(&self, path: &str, fields: &[(&str, &str)]) -> crate::support::Response {
        self.client
            .post(path)
            .header("cookie", &self.cookie)
            .body("application/x-www-form-urlencoded", &form(fields))
            .send()
    }
}

#[test]
fn an_admin_records_issues_revokes_and_bulk_issues_from_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    let envs = [
        ("ROSETTE_GRADERS", "grader@example.com"),
        ("ROSETTE_RATE_LIMIT_PER_MINUTE", "0"),
    ];
    ok(&rosette_with(&data, &envs, &["init"]));
    let token = |name: &str, scope: &str| {
        ok(&rosette_with(
            &data,
            &envs,
            &["tokens", "create", "--name", name, "--scope", scope],
        ))
        .trim()
        .to_owned()
    };
    let (admin_token, grader_token) = (
        token("Programme Admin", "admin"),
        token("grader@example.com", "grader"),
    );
    let server = ServerProcess::start(&data, &envs, &[]);
    let client = Client::new(server.addr);
    // Without a session: sent to sign in; a wrong token is 401 with the form.
    let r = client.get("/admin").send();
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/admin/sign-in"))
    );
    let r = client
        .post("/admin/sign-in")
        .body(
            "application/x-www-form-urlencoded",
            &form(&[("token", "rst_wrong")]),
        )
        .send();
    assert_eq!(r.status, 401);
    assert!(r.text().contains("not valid"), "{}", r.text());

    let admin = Browser::sign_in(client, &admin_token);
    let page = admin.get("/admin/candidates");
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("form-action 'self'") && !csp.contains("script-src"),
        "{csp}"
    );
    let csrf = csrf_of(&page.text());
    let today = rosette::clock::SystemClock.now().date_naive();
    let yesterday = (today - chrono::Duration::days(1)).to_string();
    let written = [
        ("email", "ada@example.com"),
        ("name", "Ada Lovelace"),
        ("certification", "gitlab-ci-cd-specialist"),
        ("score", "91"),
        ("date", yesterday.as_str()),
    ];
    // A POST without the session's CSRF token is refused, and records nothing.
    let r = admin.post("/admin/assessments/written", &written);
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("CSRF"), "{}", r.text());
    // A refused field is shown next to it, the form kept filled.
    let mut bad = written.to_vec();
    bad.push(("csrf", &csrf));
    bad[3] = ("score", "191");
    let r = admin.post("/admin/assessments/written", &bad);
    assert_eq!(r.status, 422);
    let html = r.text();
    assert!(html.contains("id=\"written-score-error\""), "{html}");
    assert!(
        html.contains("value=\"ada@example.com\""),
        "kept filled: {html}"
    );
    let mut good = written.to_vec();
    good.push(("csrf", &csrf));
    assert_eq!(admin.post("/admin/assessments/written", &good).status, 303);
    // Search folds case as the API does, beyond ASCII.
    let polish = [
        ("csrf", csrf.as_str()),
        ("email", "lukasz@example.com"),
        ("name", "Łukasz Żółw"),
        ("certification", "gitlab-ci-cd-specialist"),
        ("score", "55"),
        ("date", yesterday.as_str()),
    ];
    assert_eq!(
        admin.post("/admin/assessments/written", &polish).status,
        303
    );
    let found = admin
        .get("/admin/candidates?q=%C5%82UKASZ%20%C5%BC%C3%93%C5%81W")
        .text();
    assert!(
        found.contains("Łukasz Żółw") && found.contains("written 55% — failed"),
        "{found}"
    );
    let today_s = today.to_string();
    let lab = [
        ("csrf", csrf.as_str()),
        ("email", "ada@example.com"),
        ("certification", "gitlab-ci-cd-specialist"),
        ("result", "pass"),
        ("grader", "grader@example.com"),
        ("date", today_s.as_str()),
    ];
    assert_eq!(admin.post("/admin/assessments/lab", &lab).status, 303);
    let r = admin.post(
        "/admin/issue",
        &[
            ("csrf", &csrf),
            ("email", "ada@example.com"),
            ("certification", "gitlab-ci-cd-specialist"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let at = r.header("location").unwrap().to_owned();
    let uuid = at.rsplit('/').next().unwrap().to_owned();
    // Found by the search, shown with the verdict the public page computes.
    let list = admin.get("/admin/credentials?q=lovelace").text();
    assert!(list.contains(&uuid), "{list}");
    let page = admin.get(&at).text();
    assert!(page.contains("id=\"verdict\">VALID<"), "{page}");
    // Revocation asks for confirmation, then is final.
    let r = admin.post(
        &format!("{at}/revoke"),
        &[("csrf", &csrf), ("reason", "copied lab")],
    );
    assert_eq!(r.status, 422);
    let r = admin.post(
        &format!("{at}/revoke"),
        &[
            ("csrf", &csrf),
            ("reason", "copied lab"),
            ("confirm", "yes"),
        ],
    );
    assert_eq!(r.status, 303);
    assert!(admin.get(&at).text().contains("id=\"verdict\">REVOKED<"));
    let public = Client::new(server.addr)
        .get(&format!("/v/{uuid}"))
        .send()
        .text();
    assert!(public.contains("REVOKED"), "{public}");
    // The CSV export has it.
    let csv = admin.get("/admin/credentials.csv?status=revoked");
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.text().contains(&uuid));

    // Bulk: three rows, one with a failed written score.
    let rows = format!(
        "name,email,certification,written_score,written_date,lab_result,grader,lab_date\n\
         Grace Hopper,grace@example.com,gitlab-certified-associate,88,{yesterday},pass,grader@example.com,{today_s}\n\
         Alan Turing,alan@example.com,gitlab-certified-associate,42,{yesterday},pass,grader@example.com,{today_s}\n\
         Edsger Dijkstra,edsger@example.com,gitlab-certified-associate,95,{yesterday},pass,grader@example.com,{today_s}\n"
    );
    let r = admin.upload(&csrf, &rows);
    assert_eq!(r.status, 200, "{}", r.text());
    let html = r.text();
    assert!(
        html.contains("3 rows: 2 issued, 0 already issued, 1 refused."),
        "{html}"
    );
    assert!(html.contains("bulk-results.csv"), "{html}");

    // The dashboard counts what the walk did: Ada revoked, two of the bulk
    // rows active, three issued this month (all but none expiring).
    let dash = admin.get("/admin").text();
    for (id, n) in [
        ("count-active", 2),
        ("count-revoked", 1),
        ("count-suspended", 0),
        ("count-expiring", 0),
    ] {
        assert!(
            dash.contains(&format!("id=\"{id}\">{n}<")),
            "{id} = {n}: {dash}"
        );
    }
    assert!(
        dash.contains("<th scope=\"row\">GitLab Certified Associate</th><td>2</td>"),
        "{dash}"
    );
    assert!(
        dash.contains("<th scope=\"row\">GitLab CI/CD Specialist</th><td>1</td>"),
        "{dash}"
    );
    // Tokens: created and shown once, listed, revoked.
    let r = admin.post(
        "/admin/tokens",
        &[("csrf", &csrf), ("name", "HR sync"), ("scope", "admin")],
    );
    assert_eq!(r.status, 201);
    let html = r.text();
    let secret = html
        .split("<code>rst_")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .expect("the new token, shown once");
    let listed = admin.get("/admin/tokens").text();
    assert!(
        listed.contains("HR sync") && !listed.contains(secret),
        "{listed}"
    );
    // Its row's revoke form (rows created in one second are in id order).
    let id = listed
        .split("<tr>")
        .find(|row| row.contains("HR sync"))
        .and_then(|row| row.split("action=\"/admin/tokens/").nth(1))
        .and_then(|rest| rest.split('/').next())
        .expect("the new token's revoke form")
        .to_owned();
    assert_eq!(
        admin
            .post(&format!("/admin/tokens/{id}/revoke"), &[("csrf", &csrf)])
            .status,
        303
    );
    let r = Client::new(server.addr)
        .post("/admin/sign-in")
        .body(
            "application/x-www-form-urlencoded",
            &form(&[("token", &format!("rst_{secret}"))]),
        )
        .send();
    assert_eq!(r.status, 401, "a revoked token cannot sign in");
    // A grader sees the lab page only: issuing and the lists are 403.
    let grader = Browser::sign_in(Client::new(server.addr), &grader_token);
    let r = grader.get("/admin");
    assert_eq!((r.status, r.header("location")), (303, Some("/admin/lab")));
    let gpage = grader.get("/admin/lab").text();
    assert!(!gpage.contains("/admin/credentials"), "{gpage}");
    let gcsrf = csrf_of(&gpage);
    let r = grader.post(
        "/admin/issue",
        &[
            ("csrf", &gcsrf),
            ("email", "ada@example.com"),
            ("certification", "gitlab-ci-cd-specialist"),
        ],
    );
    assert_eq!(r.status, 403);
    assert_eq!(grader.get("/admin/credentials").status, 403);
    // The audit log names the console's token as the API would.
    let audit = admin.get("/admin/audit?after=0").text();
    assert!(audit.contains("id=\"chain\">Audit log intact"), "{audit}");
    assert!(audit.contains("console.sign_in"), "{audit}");
    assert!(audit.contains(":Programme Admin"), "{audit}");
    // Sign-out ends the session: the old cookie is sent to sign in.
    let out = admin.post("/admin/sign-out", &[("csrf", &csrf)]);
    assert_eq!(out.status, 303);
    let r = admin.get("/admin");
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/admin/sign-in"))
    );
}

/// Over TLS the session cookie is `Secure`; wrong tokens spend the
/// client's failed-attempt budget, as on the admin API, until 429.
#[test]
fn over_tls_the_cookie_is_secure_and_wrong_tokens_are_throttled() {
    let server = crate::support::HttpsServer::start(&[("ROSETTE_AUTH_FAILURES_PER_MINUTE", "1")]);
    let token = server.token("console", "admin");
    let r = server
        .client
        .post(&server.url("/admin/sign-in"))
        .body(
            "application/x-www-form-urlencoded",
            &form(&[("token", &token)]),
        )
        .send();
    assert_eq!(r.status, 303, "{}", r.text());
    let cookie = r.header("set-cookie").unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let mut statuses = Vec::new();
    for _ in 0..14 {
        let r = server
            .client
            .post(&server.url("/admin/sign-in"))
            .body(
                "application/x-www-form-urlencoded",
                &form(&[("token", "rst_guess")]),
            )
            .send();
        statuses.push(r.status);
    }
    assert_eq!(statuses[0], 401);
    assert_eq!(*statuses.last().unwrap(), 429, "{statuses:?}");
}

/// A background import (issue 16): queued, claimed by one node; a node
/// that stops mid-run leaves its lease to run out, then the job is claimed
/// again and run from the start — rows issued before come back "already
/// issued", none twice. Fixed clocks, both backends.
#[test]
fn a_bulk_job_is_held_by_one_node_and_survives_a_stop_without_issuing_twice() {
    use rosette::issuance::bulk_jobs::data_rows;
    on_both(async |store| {
        let (catalog, key) = (catalog(), test_key());
        let clock = FixedClock::parse("2026-11-25T12:00:00Z").unwrap();
        let iss = issuer(&store, &catalog, &key, &clock);
        let admin = Actor::admin("token:abc:Programme Admin");
        let csv = "name,email,certification,written_score,written_date,lab_result,grader,lab_date\n\
                   Grace Hopper,grace@example.com,gitlab-certified-associate,88,2026-11-20,pass,grader@example.com,2026-11-22\n\
                   \n\
                   Alan Turing,alan@example.com,gitlab-certified-associate,41,2026-11-20,pass,grader@example.com,2026-11-22\n\
                   Edsger Dijkstra,edsger@example.com,gitlab-certified-associate,95,2026-11-20,pass,grader@example.com,2026-11-22\n";
        assert_eq!(data_rows(csv.as_bytes()), 3);
        assert!(
            iss.queue_bulk_job(csv.as_bytes(), &Actor::grader("grader@example.com"))
                .await
                .is_err()
        );
        assert!(
            iss.queue_bulk_job(b"\xff\xfe", &admin).await.is_err(),
            "not UTF-8"
        );
        let job = iss.queue_bulk_job(csv.as_bytes(), &admin).await.unwrap();
        assert_eq!((job.state.as_str(), job.total_rows), ("queued", 3));
        let claimed = store
            .claim_bulk_job("2026-11-25T12:00:00Z", "2026-11-25T12:01:00Z")
            .await
            .unwrap()
            .expect("the queued job");
        assert_eq!(
            (claimed.id.as_str(), claimed.state.as_str()),
            (job.id.as_str(), "running")
        );
        // Held: no other claim before the lease runs out.
        assert!(
            store
                .claim_bulk_job("2026-11-25T12:00:30Z", "2026-11-25T12:01:30Z")
                .await
                .unwrap()
                .is_none()
        );
        // The node ran the import and stopped before recording the end.
        iss.import_csv(
            csv.as_bytes(),
            &admin,
            Default::default(),
            &mut |_| {},
            &mut |_| {},
        )
        .await
        .unwrap();
        // Past the lease another node takes it and runs it from the start.
        let again = store
            .claim_bulk_job("2026-11-25T12:01:00Z", "2026-11-25T12:02:00Z")
            .await
            .unwrap()
            .expect("the stopped job");
        assert_eq!(again.id, job.id);
        let summary = iss.run_bulk_job(&again).await.unwrap();
        assert_eq!(
            (
                summary.rows,
                summary.issued,
                summary.already_issued,
                summary.refused
            ),
            (3, 0, 2, 1)
        );
        let done = store.bulk_job(&job.id).await.unwrap().unwrap();
        assert_eq!((done.state.as_str(), done.done_rows), ("done", 3));
        let results = done.results.unwrap();
        assert_eq!(results.lines().count(), 4, "{results}");
        assert!(
            results.contains("already issued") && results.contains("refused"),
            "{results}"
        );
        assert!(
            store
                .claim_bulk_job("2026-11-25T13:00:00Z", "2026-11-25T13:01:00Z")
                .await
                .unwrap()
                .is_none()
        );
        // Two credentials in all, each issued once.
        let all = store
            .list_credentials(&rosette::store::CredentialFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
    });
}

/// An upload over the inline limit goes to the background: the console
/// answers with the job's page, which shows the progress and then the
/// outcomes of every row, with the results file to download.
#[test]
fn a_large_upload_is_imported_in_the_background_with_its_progress_shown() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    let envs = [
        ("ROSETTE_GRADERS", "grader@example.com"),
        ("ROSETTE_RATE_LIMIT_PER_MINUTE", "0"),
    ];
    ok(&rosette_with(&data, &envs, &["init"]));
    let token = ok(&rosette_with(
        &data,
        &envs,
        &["tokens", "create", "--name", "bulk", "--scope", "admin"],
    ));
    let server = ServerProcess::start(&data, &envs, &[]);
    let admin = Browser::sign_in(Client::new(server.addr), token.trim());
    let csrf = csrf_of(&admin.get("/admin/bulk").text());
    let mut rows = String::from(
        "name,email,certification,written_score,written_date,lab_result,grader,lab_date\n",
    );
    for i in 0..150 {
        rows.push_str(&format!(
            "Person {i},p{i}@example.com,gitlab-certified-associate,90,2026-11-20,pass,grader@example.com,2026-11-22\n"
        ));
    }
    let r = admin.upload(&csrf, &rows);
    assert_eq!(r.status, 303, "{}", r.text());
    let job = r.header("location").unwrap().to_owned();
    assert!(job.starts_with("/admin/bulk/jobs/"), "{job}");
    let mut html = String::new();
    for _ in 0..600 {
        html = admin.get(&job).text();
        if !html.contains("id=\"bulk-progress\"") {
            break;
        }
        assert!(
            html.contains("http-equiv=\"refresh\""),
            "the progress page reloads itself"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        html.contains("150 rows: 150 issued, 0 already issued, 0 refused."),
        "{html}"
    );
    let csv = admin.get(&format!("{job}/results.csv"));
    assert_eq!(csv.status, 200);
    assert_eq!(csv.text().lines().count(), 151);
    assert!(
        admin.get("/admin/bulk").text().contains(&job),
        "the bulk page lists the job"
    );
}

/// Sessions live in the database: signed in on one node, the same cookie
/// works on another node of the same PostgreSQL, and signing out on the
/// second ends it on the first.
#[test]
fn a_session_holds_across_two_nodes_on_one_postgres() {
    let Some(db) = crate::support::block_on(crate::support::fresh_postgres_database()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let envs = [
        ("ROSETTE_DATABASE_URL", db.as_str()),
        ("ROSETTE_RATE_LIMIT_PER_MINUTE", "0"),
    ];
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    ok(&rosette_with(&a, &envs, &["init"]));
    std::fs::create_dir_all(b.join("keys")).unwrap();
    std::fs::copy(a.join("keys/issuer.pem"), b.join("keys/issuer.pem")).unwrap();
    std::fs::copy(a.join("rosette.toml"), b.join("rosette.toml")).unwrap();
    let token = ok(&rosette_with(
        &a,
        &envs,
        &[
            "tokens",
            "create",
            "--name",
            "two nodes",
            "--scope",
            "admin",
        ],
    ));
    let (node_a, node_b) = (
        ServerProcess::start(&a, &envs, &[]),
        ServerProcess::start(&b, &envs, &[]),
    );
    let on_a = Browser::sign_in(Client::new(node_a.addr), token.trim());
    let on_b = Browser {
        client: Client::new(node_b.addr),
        cookie: on_a.cookie.clone(),
    };
    let page = on_b.get("/admin/tokens");
    assert_eq!(page.status, 200, "node B knows node A's session");
    let csrf = csrf_of(&page.text());
    assert_eq!(on_b.post("/admin/sign-out", &[("csrf", &csrf)]).status, 303);
    let r = on_a.get("/admin");
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/admin/sign-in"))
    );
}

/// Issue 17 from the console: the credential page's "Create wallet claim"
/// form (lifetime, optional transaction code) goes through
/// `Issuer::create_claim`, shows the claim link and the code once, and the
/// page lists the claims with their state; once a wallet (`wallet.mjs`, a
/// Digital Bazaar holder) used the link, it shows it redeemed via VC-API
/// with the holder's DID and the copy.
#[test]
fn an_admin_creates_a_wallet_claim_from_the_console_and_sees_it_redeemed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    let port = crate::support::free_loopback_port();
    let base = format!("http://127.0.0.1:{port}");
    let envs = [
        ("ROSETTE_PUBLIC_URL", base.as_str()),
        ("ROSETTE_RATE_LIMIT_PER_MINUTE", "0"),
    ];
    ok(&rosette_with(
        &data,
        &envs,
        &["init", "--grader", "grader@example.com"],
    ));
    let id = crate::browser::issue_with(
        &data,
        &envs,
        "ada@example.com",
        "Ada Lovelace",
        "gitlab-certified-associate",
    );
    let admin_token = ok(&rosette_with(
        &data,
        &envs,
        &[
            "tokens",
            "create",
            "--name",
            "Programme Admin",
            "--scope",
            "admin",
        ],
    ))
    .trim()
    .to_owned();
    let server = ServerProcess::start_on(&data, &format!("127.0.0.1:{port}"), &envs, &[]);
    let admin = Browser::sign_in(Client::new(server.addr), &admin_token);
    let at = format!("/admin/credentials/{}", id.trim_start_matches("urn:uuid:"));
    let page = admin.get(&at);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("Create wallet claim")
            && html.contains("No wallet claims yet.")
            && html.contains("<option value=\"14d\" selected>"),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let claim_at = format!("{at}/claim");

    // CSRF, and the lifetime's rule (the issuance function's).
    let r = admin.post(&claim_at, &[("expires", "7d")]);
    assert_eq!(r.status, 403, "{}", r.text());
    let r = admin.post(&claim_at, &[("csrf", &csrf), ("expires", "365d")]);
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("365d"), "{}", r.text());
    assert!(admin.get(&at).text().contains("No wallet claims yet."));

    // Created: the link and the code, this once, not cached.
    let r = admin.post(
        &claim_at,
        &[("csrf", &csrf), ("expires", "7d"), ("tx_code", "yes")],
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let shown = r.text();
    let claim_url = shown
        .split("<code id=\"claim-url\">")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .unwrap_or_else(|| panic!("no claim link shown: {shown}"))
        .replace("&amp;", "&");
    assert!(
        claim_url.starts_with(&format!("{base}/claim/")) && claim_url.ends_with("?iuv=1"),
        "{claim_url}"
    );
    let code = shown
        .split("<code id=\"claim-tx-code-value\">")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .unwrap_or_else(|| panic!("no transaction code shown: {shown}"));
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    let secret = claim_url
        .trim_start_matches(&format!("{base}/claim/"))
        .trim_end_matches("?iuv=1")
        .to_owned();
    // The link works: the wallet protocols — OpenID4VCI only, since a
    // VC-API exchange cannot ask for the transaction code.
    let protocols = admin
        .client
        .get(&format!("/claim/{secret}"))
        .header("accept", "application/json")
        .send();
    assert_eq!(protocols.status, 200, "{}", protocols.text());
    assert!(
        protocols.text().contains("openid-credential-offer://")
            && !protocols.text().contains("/exchanges/"),
        "{}",
        protocols.text()
    );

    // Listed with its state, never with its link or code.
    let html = admin.get(&at).text();
    assert!(
        html.contains("<td class=\"claim-state\">open</td>"),
        "{html}"
    );
    assert!(
        !html.contains(&secret) && !html.contains(code),
        "the credential page must not show the link again"
    );

    // A second claim, without a code: a VC-API wallet uses it, and the
    // page shows it redeemed by the holder's DID.
    let r = admin.post(&claim_at, &[("csrf", &csrf), ("expires", "14d")]);
    assert_eq!(r.status, 201, "{}", r.text());
    let shown = r.text();
    let claim_url = shown
        .split("<code id=\"claim-url\">")
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .unwrap_or_else(|| panic!("no claim link shown: {shown}"))
        .replace("&amp;", "&");
    assert!(!shown.contains("claim-tx-code-value"), "no code asked for");
    assert!(
        shown.contains("<pre id=\"claim-notice\">Subject: Add your")
            && shown.contains("Learner Credential Wallet"),
        "the message for the holder: {shown}"
    );
    if !crate::interop::node_ready() {
        return;
    }
    let out = crate::browser::wallet(&claim_url, crate::browser::HOLDER_SEED);
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    assert!(
        out.status.success(),
        "wallet.mjs: {report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let holder = report["holder"].as_str().unwrap();
    let copy = report["copy"]["id"].as_str().unwrap();
    let html = admin.get(&at).text();
    assert!(
        html.contains("<td class=\"claim-state\">redeemed</td>")
            && html.contains("<td>vcapi</td>")
            && html.contains(holder)
            && html.contains(&format!(
                "href=\"/admin/credentials/{}\"",
                copy.trim_start_matches("urn:uuid:")
            )),
        "{html}"
    );
}
