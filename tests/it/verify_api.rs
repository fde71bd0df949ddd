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
        TestServer::start_with(|_| {})
    }

    /// A server whose state `adjust` changed first (limits…).
    pub(crate) fn start_with(adjust: impl FnOnce(&mut AppState)) -> TestServer {
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
        let mut state = AppState::new(Arc::new(store.clone()), Some(Arc::new(parts)));
        adjust(&mut state);
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
        self.issue_to(name, &email, secret, clock)
    }

    /// Issues a credential to `name` at `email` (see [`TestServer::issue`]).
    fn issue_to(&self, name: &str, email: &str, secret: [u8; 32], clock: &str) -> String {
        let email = email.to_owned();
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
    pub(crate) fn verify(&self, body: &Value, accept: &str) -> crate::support::Response {
        self.client
            .post("/api/v1/verify")
            .json(body)
            .header("Accept", accept)
            .send()
    }

    /// `POST /api/v1/verify` of a raw body of `content_type`.
    pub(crate) fn post(
        &self,
        content_type: &str,
        body: &[u8],
        accept: &str,
    ) -> crate::support::Response {
        self.client
            .post("/api/v1/verify")
            .body(content_type, body)
            .header("Accept", accept)
            .send()
    }

    /// `POST /api/v1/verify` of a `multipart/form-data` upload of `parts`:
    /// (field name, file name, content type, content).
    pub(crate) fn form(
        &self,
        parts: &[(&str, &str, &str, &[u8])],
        accept: &str,
    ) -> crate::support::Response {
        let boundary = "verify-api-test";
        let mut body = Vec::new();
        for (name, file, content_type, content) in parts {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
            body.extend(*content);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        self.post(
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
            accept,
        )
    }

    /// The link to the page of `id`, as the badge's QR code carries it.
    pub(crate) fn link(&self, id: &str) -> String {
        let uuid = id.trim_start_matches("urn:uuid:");
        format!("{}/v/{uuid}", self.public_url.trim_end_matches('/'))
    }

    /// The stored credential document of `id`.
    pub(crate) fn document(&self, id: &str) -> String {
        use rosette::store::Store as _;
        self.rt
            .block_on(self.store.credential(id))
            .unwrap()
            .unwrap()
            .document
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
        let parts: Vec<(&str, &str, &str, &[u8])> = parts
            .iter()
            .map(|(content_type, text)| ("roster", "team.csv", *content_type, text.as_bytes()))
            .collect();
        server.form(&parts, "application/json")
    };
    expect_empty(form(&[]), "a form without files");
    expect_empty(form(&[("text/csv", "")]), "an empty roster file");
    expect_empty(
        form(&[("application/vnd.ms-excel", "\u{FEFF}\r\n;;\r\n ; \t\r\n")]),
        "a roster of blank lines and empty cells",
    );
    expect_empty(
        server.post("text/csv", b"\r\n,,\r\n", "text/csv"),
        "an empty roster body",
    );
}

/// The CSV answer, which starts with a UTF-8 BOM: its header and rows.
pub(crate) fn csv_rows(r: &crate::support::Response) -> (Vec<String>, Vec<csv::StringRecord>) {
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    let body = r
        .body
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or_else(|| panic!("no UTF-8 BOM: {}", r.text()));
    let mut reader = csv::Reader::from_reader(body);
    let head = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    (head, reader.records().map(Result::unwrap).collect())
}

/// The cell of `row` under `column`.
pub(crate) fn cell<'a>(head: &[String], row: &'a csv::StringRecord, column: &str) -> &'a str {
    let i = head
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no {column} in {head:?}"));
    &row[i]
}

#[test]
fn an_excel_roster_from_windows_answers_every_line_with_the_employers_columns() {
    let server = TestServer::start();
    let wang = server.issue_to("王小明", "wang@example.com", SECRET, NOW);
    let arabic = server.issue_to("محمد عبد الله", "mohammed@example.com", SECRET, NOW);
    let link = server.link(&wang);
    // Excel in a French or German locale: a BOM, `;`, CRLF, quoted cells.
    let roster = format!(
        "\u{FEFF}Nom;Matricule;Lien du badge\r\n王小明;E-1;{link}\r\n\"عبد الله; محمد\";E-2;\"{arabic}\"\r\n\r\nBob;E-3;\r\n=HYPERLINK(\"x\");E-4;n/a\r\n"
    );
    let parts = [(
        "roster",
        "team.csv",
        "application/vnd.ms-excel",
        roster.as_bytes(),
    )];

    let (head, rows) = csv_rows(&server.form(&parts, "text/csv"));
    assert_eq!(
        head[..7],
        [
            "Nom",
            "Matricule",
            "Lien du badge",
            "part",
            "filename",
            "line",
            "item"
        ],
        "the employer's columns first, then where each row came from"
    );
    assert_eq!(rows.len(), 4, "one row per non-blank data line: {rows:?}");
    let expected = [
        ("王小明", "2", "VALID", "王小明", ""),
        ("عبد الله; محمد", "3", "VALID", "محمد عبد الله", ""),
        ("Bob", "5", "NOT VALID", "", "no_credential_id"),
        (
            "'=HYPERLINK(\"x\")",
            "6",
            "NOT VALID",
            "",
            "no_credential_id",
        ),
    ];
    for (row, (name, line, verdict, holder, code)) in rows.iter().zip(expected) {
        assert_eq!(cell(&head, row, "Nom"), name, "{row:?}");
        assert_eq!(cell(&head, row, "line"), line, "{row:?}");
        assert_eq!(cell(&head, row, "verdict"), verdict, "{row:?}");
        assert_eq!(cell(&head, row, "holder"), holder, "{row:?}");
        assert_eq!(cell(&head, row, "problem_code"), code, "{row:?}");
        assert_eq!(cell(&head, row, "part"), "roster");
        assert_eq!(cell(&head, row, "filename"), "team.csv");
    }
    assert!(
        cell(&head, &rows[2], "problem").contains("line 5 of team.csv"),
        "{:?}",
        rows[2]
    );

    let r = server.form(&parts, "application/json");
    assert_eq!(r.status, 200, "{}", r.text());
    let answer = r.json();
    assert_eq!(answer["verified"], false);
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "{answer:#}");
    assert_eq!(
        results[0]["input"],
        json!({"Nom": "王小明", "Matricule": "E-1", "Lien du badge": link})
    );
    assert_eq!(results[0]["verdict"], "VALID");
    assert_eq!(results[0]["credential"]["holder"], "王小明");
    assert_eq!(results[1]["input"]["Nom"], "عبد الله; محمد");
    assert_eq!(results[2]["line"], 5);
    assert_eq!(results[2]["verdict"], "NOT VALID");
    assert_eq!(results[2]["checks"][0]["code"], "no_credential_id");
    assert_eq!(
        results[3]["input"]["Nom"], "=HYPERLINK(\"x\")",
        "JSON echoes cells unchanged"
    );
}

#[test]
fn a_raw_csv_or_text_body_is_a_roster_and_a_line_without_an_id_gives_a_row() {
    let server = TestServer::start();
    let ada = server.issue("Ada Raw", SECRET, NOW);
    let body = format!("{ada}\nno id on this line\n");
    for content_type in [
        "text/csv",
        "text/plain; charset=utf-8",
        "application/octet-stream",
    ] {
        let r = server.post(content_type, body.as_bytes(), "application/json");
        assert_eq!(r.status, 200, "{content_type}: {}", r.text());
        let answer = r.json();
        let results = answer["results"].as_array().unwrap();
        assert_eq!(results.len(), 2, "{content_type}: {answer:#}");
        assert_eq!(results[0]["verdict"], "VALID", "{content_type}: {answer:#}");
        assert_eq!(results[0]["line"], 1);
        assert_eq!(results[0]["input"], json!([ada]));
        assert!(results[0].get("part").is_none(), "{answer:#}");
        assert_eq!(results[1]["line"], 2);
        assert_eq!(results[1]["checks"][0]["code"], "no_credential_id");
    }
    let (head, rows) = csv_rows(&server.post("text/csv", body.as_bytes(), "text/csv"));
    assert_eq!(head[..3], ["column 1", "line", "item"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(cell(&head, &rows[0], "verdict"), "VALID");
    assert_eq!(cell(&head, &rows[1], "column 1"), "no id on this line");
    assert_eq!(cell(&head, &rows[1], "verdict"), "NOT VALID");
}

#[test]
fn multipart_results_name_the_part_and_file_each_row_came_from() {
    let server = TestServer::start();
    let ada = server.issue("Ada Form", SECRET, NOW);
    let bob = server.issue("Bob Form", SECRET, NOW);
    let missing = "urn:uuid:00000000-0000-4000-8000-000000000000";
    let document = server.document(&ada);
    let roster = format!("{bob}\n\n{missing}\n");
    let parts = [
        ("badge", "ada.json", "application/json", document.as_bytes()),
        ("team", "team.txt", "text/plain", roster.as_bytes()),
    ];
    let r = server.form(&parts, "application/json");
    assert_eq!(r.status, 200, "{}", r.text());
    let results = r.json()["results"].as_array().unwrap().clone();
    let places: Vec<(Value, Value, Value, Value)> = results
        .iter()
        .map(|r| {
            (
                r["part"].clone(),
                r["filename"].clone(),
                r["line"].clone(),
                r["verdict"].clone(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            (
                json!("badge"),
                json!("ada.json"),
                Value::Null,
                json!("VALID")
            ),
            (json!("team"), json!("team.txt"), json!(1), json!("VALID")),
            (
                json!("team"),
                json!("team.txt"),
                json!(3),
                json!("NOT FOUND")
            ),
        ]
    );
    let (head, rows) = csv_rows(&server.form(&parts, "text/csv"));
    assert_eq!(head[..5], ["column 1", "part", "filename", "line", "item"]);
    let columns = |row: &csv::StringRecord| {
        ["part", "filename", "line", "item", "verdict"].map(|c| cell(&head, row, c).to_owned())
    };
    assert_eq!(
        columns(&rows[0]),
        ["badge", "ada.json", "", "ada.json", "VALID"]
    );
    assert_eq!(
        columns(&rows[2]),
        ["team", "team.txt", "3", missing, "NOT FOUND"]
    );
}

#[test]
fn a_roster_over_max_batch_is_refused_naming_the_limit() {
    let server = TestServer::start_with(|state| {
        state.max_batch = 2;
        state.max_body_bytes = 4096;
    });
    let id = "urn:uuid:00000000-0000-4000-8000-000000000000";
    let three = format!("{id}\nno id\n{id}\n");
    let form = server.form(
        &[("team", "team.csv", "text/csv", three.as_bytes())],
        "text/csv",
    );
    let raw = server.post("text/csv", three.as_bytes(), "text/csv");
    // Three credential files: the form reader stops at the third part.
    let files = server.form(
        &[
            ("a", "a.json", "application/json", b"{}"),
            ("b", "b.json", "application/json", b"{}"),
            ("c", "c.json", "application/json", b"{}"),
        ],
        "application/json",
    );
    for (case, r) in [("form", form), ("raw body", raw), ("three files", files)] {
        let problem = r.expect_as(case, 413, None);
        let title = problem["title"].as_str().unwrap_or_default();
        assert!(
            title.contains("at most 2") && title.contains("max_batch"),
            "{case}: {problem:#}"
        );
    }
    // The body limit holds for rosters too.
    let long = format!("{id}\n{}\n", "x".repeat(5000));
    server
        .post("text/csv", long.as_bytes(), "text/csv")
        .expect_as("a roster over max_body_bytes", 413, Some("body_too_large"));
    let two = format!("{id}\nno id\n");
    let r = server.post("text/csv", two.as_bytes(), "application/json");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["results"].as_array().map(Vec::len), Some(2));
}
