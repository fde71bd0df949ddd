//! `POST /api/v1/verify` on a real server (127.0.0.1:0, in-process, fixed
//! clock): the `verdict` word of its JSON reports, of its CSV answer and of
//! the verification page agree for every verdict, and a request with
//! nothing to verify is a problem, never `verified: true`.

use crate::support::{Client, block_on, sqlite_url};
use rosette::clock::{Clock, FixedClock};
use rosette::issuance::revocation::StatusChange;
use rosette::issuance::{Actor, Issuer, IssuerProfile, LabInput, WrittenInput};
use rosette::keys::{IssuerKey, SigningKey};
use rosette::proof::Cryptosuite;
use rosette::store::SqlStore;
use rosette::web::{AppState, IssuerParts};
use serde_json::{Value, json};
use std::sync::Arc;

pub(crate) const CERT: &str = "gitlab-certified-associate";
pub(crate) const NOW: &str = "2026-11-25T12:00:00Z";
pub(crate) const SECRET: [u8; 32] = [11; 32];

/// A server on 127.0.0.1:0 (also used by `pages`) that issues as `did:web:127.0.0.1%3A{port}`,
/// its clock fixed at [`NOW`]; it runs until the runtime is dropped.
pub(crate) struct TestServer {
    pub(crate) rt: tokio::runtime::Runtime,
    store: SqlStore,
    db: String,
    pub(crate) did: String,
    pub(crate) public_url: String,
    pub(crate) client: Client,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub(crate) fn start() -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let db = sqlite_url(dir.path());
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let store = rt.block_on(SqlStore::connect(&db)).unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let client = Client::new(listener.local_addr().unwrap());
        let public_url = client.url("");
        let did = rosette::keys::did_web_from_base_url(&public_url).unwrap();
        let parts = IssuerParts {
            catalog: crate::issuance::catalog(),
            key: IssuerKey::did_web(SigningKey::from_bytes(&SECRET), &did).unwrap(),
            profile: profile(&did),
            public_url: public_url.clone(),
            clock: Arc::new(FixedClock::parse(NOW).unwrap()),
            suite: Cryptosuite::EddsaRdfc2022,
            graders: vec!["grader@example.com".into()],
            linkedin_organization_id: None,
        };
        let state = AppState::new(Arc::new(store.clone()), Some(Arc::new(parts)));
        rt.spawn(rosette::web::serve(
            listener,
            rosette::web::router(state),
            std::future::pending(),
        ));
        TestServer {
            rt,
            store,
            db,
            did,
            public_url,
            client,
            _dir: dir,
        }
    }

    /// This server's issuer, signing with `key` at `clock`.
    pub(crate) fn issuer<'a>(
        &'a self,
        catalog: &'a rosette::catalog::Catalog,
        key: &'a IssuerKey,
        clock: &'a FixedClock,
    ) -> Issuer<'a> {
        Issuer {
            store: &self.store,
            catalog,
            signer: key,
            profile: profile(&self.did),
            public_url: self.public_url.clone(),
            clock,
            suite: Cryptosuite::EddsaRdfc2022,
            graders: vec!["grader@example.com".into()],
        }
    }

    /// Issues a credential to `name` signed by `secret`, the assessments and
    /// the issue dated by `clock`; its id.
    pub(crate) fn issue(&self, name: &str, secret: [u8; 32], clock: &str) -> String {
        let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
        let clock = FixedClock::parse(clock).unwrap();
        let day = |back: i64| (clock.now() - chrono::Duration::days(back)).format("%Y-%m-%d");
        let catalog = crate::issuance::catalog();
        let key = IssuerKey::did_web(SigningKey::from_bytes(&secret), &self.did).unwrap();
        let iss = self.issuer(&catalog, &key, &clock);
        let admin = Actor::admin("admin");
        self.rt.block_on(async {
            iss.register_candidate(name, &email, None, &admin)
                .await
                .unwrap();
            let written = WrittenInput {
                email: email.clone(),
                certification: CERT.into(),
                attempt: 1,
                score: 90.0,
                assessed_on: day(3).to_string(),
                reference: None,
            };
            iss.record_written(&written, &admin).await.unwrap();
            let lab = LabInput {
                email: email.clone(),
                certification: CERT.into(),
                attempt: 1,
                passed: true,
                notes: None,
                assessed_on: day(2).to_string(),
            };
            iss.record_lab(&lab, &Actor::grader("grader@example.com"))
                .await
                .unwrap();
            let outcome = iss.issue(&email, CERT, 1, None, &admin).await.unwrap();
            outcome.record().id.clone()
        })
    }

    /// Revokes or suspends `id`.
    pub(crate) fn change(&self, id: &str, change: StatusChange) {
        self.change_at(id, change, "test", NOW);
    }

    /// Revokes or suspends `id` for `reason`, at `at` (RFC 3339).
    pub(crate) fn change_at(&self, id: &str, change: StatusChange, reason: &str, at: &str) {
        let catalog = crate::issuance::catalog();
        let key = IssuerKey::did_web(SigningKey::from_bytes(&SECRET), &self.did).unwrap();
        let clock = FixedClock::parse(at).unwrap();
        let iss = self.issuer(&catalog, &key, &clock);
        self.rt
            .block_on(iss.change_status(id, change, reason, &Actor::admin("admin")))
            .unwrap();
    }

    /// Edits the stored document of `id` behind the issuer's back.
    fn tamper(&self, id: &str, from: &str, to: &str) {
        use sqlx::Connection as _;
        sqlx::any::install_default_drivers();
        block_on(async {
            let mut conn = sqlx::AnyConnection::connect(&self.db).await.unwrap();
            let done = sqlx::query(
                "UPDATE credentials SET document = replace(document, ?, ?) WHERE id = ?",
            )
            .bind(from)
            .bind(to)
            .bind(id)
            .execute(&mut conn)
            .await
            .unwrap();
            assert_eq!(done.rows_affected(), 1);
        });
    }

    /// `POST /api/v1/verify` of a JSON body with an `Accept` header.
    fn verify(&self, body: &Value, accept: &str) -> crate::support::Response {
        self.client
            .post("/api/v1/verify")
            .json(body)
            .header("Accept", accept)
            .send()
    }

    /// The verdict word in large letters on the page of `id`.
    fn page_verdict(&self, id: &str) -> String {
        let uuid = id.trim_start_matches("urn:uuid:");
        let html = self.client.get(&format!("/v/{uuid}")).send().text();
        html.split("<h1>")
            .nth(1)
            .and_then(|s| s.split("</h1>").next())
            .unwrap_or_default()
            .to_owned()
    }
}

fn profile(did: &str) -> IssuerProfile {
    IssuerProfile {
        id: did.to_owned(),
        name: "GitLab Professional Services".into(),
        url: None,
    }
}

#[test]
fn the_json_report_the_csv_and_the_page_give_the_same_verdict_word() {
    let server = TestServer::start();
    let valid = server.issue("Vera Valid", SECRET, NOW);
    let revoked = server.issue("Rex Revoked", SECRET, NOW);
    let suspended = server.issue("Sue Suspended", SECRET, NOW);
    // Issued three years ago for 24 months.
    let expired = server.issue("Ed Expired", SECRET, "2023-06-01T09:00:00Z");
    // Signed by a key the issuer never published: the proof cannot be checked.
    let unknown_key = server.issue("Kim Unknownkey", [12; 32], NOW);
    let forged = server.issue("Nina Forged", SECRET, NOW);
    server.change(&revoked, StatusChange::Revoke);
    server.change(&suspended, StatusChange::Suspend);
    server.tamper(&forged, "Nina Forged", "Nino Forged");
    let missing = "urn:uuid:00000000-0000-4000-8000-000000000000".to_owned();
    let cases = [
        (&valid, "VALID"),
        (&revoked, "REVOKED"),
        (&suspended, "SUSPENDED"),
        (&expired, "EXPIRED"),
        (&missing, "NOT FOUND"),
        (&forged, "NOT VALID"),
        (&unknown_key, "CANNOT VERIFY"),
    ];
    let ids: Vec<&String> = cases.iter().map(|(id, _)| *id).collect();
    let batch = json!({ "credentials": ids });

    let r = server.verify(&batch, "application/json");
    assert_eq!(r.status, 200, "{}", r.text());
    let answer = r.json();
    let reports = answer["results"].as_array().unwrap();
    assert_eq!(answer["verified"], false);

    let r = server.verify(&batch, "text/csv");
    assert_eq!(r.status, 200, "{}", r.text());
    let mut csv = csv::Reader::from_reader(r.body.as_slice());
    let headers = csv.headers().unwrap().clone();
    let column = headers.iter().position(|h| h == "verdict").unwrap();
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), cases.len());

    for (((id, word), report), row) in cases.iter().zip(reports).zip(&rows) {
        assert_eq!(report["verdict"], *word, "JSON report of {id}: {report:#}");
        assert_eq!(report["verified"], *word == "VALID", "{report:#}");
        assert_eq!(&row[column], *word, "CSV row of {id}: {row:?}");
        assert_eq!(server.page_verdict(id), *word, "page of {id}");
        // One credential alone answers the same report.
        let one = server
            .verify(&json!({ "id": id }), "application/json")
            .json();
        assert_eq!(one["verdict"], *word, "{one:#}");
    }
}

#[test]
fn a_request_with_nothing_to_verify_is_a_problem_not_verified() {
    let server = TestServer::start();
    let expect_empty = |r: crate::support::Response, case: &str| {
        let problem = r.expect_as(case, 400, Some("empty_batch"));
        assert!(problem.get("verified").is_none(), "{case}: {problem}");
    };
    expect_empty(
        server.verify(&json!({ "credentials": [] }), "application/json"),
        "an empty JSON batch",
    );
    expect_empty(
        server.verify(&json!({ "credentials": [] }), "text/csv"),
        "an empty JSON batch, as CSV",
    );
    let form = |parts: &[(&str, &str)]| {
        let boundary = "verify-api-test";
        let mut body = String::new();
        for (content_type, text) in parts {
            body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"roster\"; filename=\"team.csv\"\r\nContent-Type: {content_type}\r\n\r\n{text}\r\n"));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        server
            .client
            .post("/api/v1/verify")
            .body(
                &format!("multipart/form-data; boundary={boundary}"),
                body.as_bytes(),
            )
            .send()
    };
    expect_empty(form(&[]), "a form without files");
    expect_empty(form(&[("text/csv", "")]), "an empty roster file");
    expect_empty(
        form(&[("text/csv", "name,credential\nAda,\nBob,n/a\n")]),
        "a roster without a credential id or link",
    );
}
