//! Issue 11, Privacy and graders: credentials name a grader by public name
//! or role, never by e-mail (CLI, admin API and bulk issuance alike), the
//! e-mail stays in the private records; `rosette serve` picks up graders
//! added to or removed from rosette.toml without a restart; a bulk row
//! whose credential was revoked is refused as `revoked` (CLI and API).

use crate::support::{Client, Response, ServerProcess, ok, rosette};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const CICD: &str = "gitlab-ci-cd-specialist";
const ANA: &str = "ana@example.com";
const BO: &str = "bo@example.com";
const ANA_LABEL: &str = "Ana Silva, GitLab Professional Services engineer";

/// `rosette init` in `dir/data`, then `graders` in rosette.toml set to `graders`.
fn init(dir: &Path, graders: &str) -> PathBuf {
    let data = dir.join("data");
    ok(&rosette(
        &data,
        &["init", "--public-url", "https://certs.example.com"],
    ));
    set_graders(&data, graders);
    data
}

/// Replaces the `graders = …` line of rosette.toml.
fn set_graders(data: &Path, graders: &str) {
    let path = data.join("rosette.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("graders")).collect();
    std::fs::write(&path, format!("{}\ngraders = {graders}\n", kept.join("\n"))).unwrap();
}

/// Every string value in `v` (object keys too), recursively.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

/// Checks the signed credential `doc` names no grader e-mail anywhere, and
/// names its grader by `label` in the lab evidence.
#[track_caller]
fn names_grader_only_by(doc: &Value, label: &str) {
    let mut all = Vec::new();
    strings(doc, &mut all);
    assert!(!all.is_empty());
    for s in &all {
        for email in [ANA, BO] {
            assert!(
                !s.to_lowercase().contains(email),
                "{email} published in {s:?}"
            );
        }
    }
    let evidence = doc["evidence"].to_string();
    assert!(
        evidence.contains(&format!("grader: {label}.")),
        "{label} not in {evidence}"
    );
}

fn csv_row(name: &str, email: &str, grader: &str, ext: &str) -> String {
    format!("{name},{email},{CICD},90,2026-11-20,pass,{grader},2026-11-22,{ext}\n")
}

/// [`csv_row`] as a row of the admin API's JSON bulk body.
fn json_row(name: &str, email: &str, grader: &str, ext: &str) -> Value {
    json!({ "name": name, "email": email, "certification": CICD, "written_score": 90,
            "written_date": "2026-11-20", "lab_result": "pass", "grader": grader,
            "lab_date": "2026-11-22", "external_id": ext })
}

const CSV_HEADER: &str =
    "name,email,certification,written_score,written_date,lab_result,grader,lab_date,external_id\n";

/// The results file of a bulk import, as (outcome, credential id, code, message) per row.
fn results(path: &Path) -> Vec<[String; 4]> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            [4, 5, 6, 7].map(|i| rec.get(i).unwrap_or_default().to_owned())
        })
        .collect()
}

#[test]
fn the_cli_publishes_the_graders_name_or_role_never_the_email() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(
        dir.path(),
        &format!(
            r#"[{{ email = "{ANA}", name = "Ana Silva", role = "GitLab Professional Services engineer" }}, "{BO}"]"#
        ),
    );
    // Single issuance: written, lab by Ana, issue.
    let assess = |stage: &str, extra: &[&str], date: &str| {
        let mut args = vec![
            "assess",
            stage,
            "--email",
            "lin@example.com",
            "--certification",
            CICD,
            "--date",
            date,
        ];
        args.extend_from_slice(extra);
        ok(&rosette(&data, &args));
    };
    assess(
        "written",
        &["--name", "Lin Wu", "--score", "90"],
        "2026-11-20",
    );
    assess(
        "lab",
        &["--result", "pass", "--grader", "Ana@Example.com"],
        "2026-11-22",
    );
    let out = dir.path().join("lin.json");
    ok(&rosette(
        &data,
        &[
            "issue",
            "--email",
            "lin@example.com",
            "--certification",
            CICD,
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    names_grader_only_by(&doc, ANA_LABEL);

    // Bulk issuance: Ana by name and role, Bo (e-mail only) by the default role.
    let csv = dir.path().join("roster.csv");
    std::fs::write(
        &csv,
        format!(
            "{CSV_HEADER}{}{}",
            csv_row("Mo Ali", "mo@example.com", ANA, "HR-1"),
            csv_row("Nia Obi", "nia@example.com", BO, "HR-2")
        ),
    )
    .unwrap();
    ok(&rosette(&data, &["issue", "--csv", csv.to_str().unwrap()]));
    let rows = results(&csv.with_extension("results.csv"));
    for (row, label) in rows
        .iter()
        .zip([ANA_LABEL, "Professional Services engineer"])
    {
        assert_eq!(row[0], "issued", "{row:?}");
        let doc: Value = serde_json::from_str(&ok(&rosette(
            &data,
            &["credentials", "show", "--document", &row[1]],
        )))
        .unwrap();
        names_grader_only_by(&doc, label);
    }
    // The private records keep the e-mail: the audit log names the grader.
    let audit = ok(&rosette(&data, &["audit", "list", "--after", "0"]));
    assert!(audit.contains(ANA) && audit.contains(BO), "{audit}");
}

/// The admin API's `call`: a JSON request with a bearer token.
fn post(client: &Client, path: &str, token: &str, body: &Value) -> Response {
    client.post(path).bearer(Some(token)).json(body).send()
}

fn token(data: &Path, name: &str, scope: &str) -> String {
    ok(&rosette(
        data,
        &["tokens", "create", "--name", name, "--scope", scope],
    ))
    .trim()
    .to_owned()
}

/// Posts Bo's lab result for `email` until it answers `status` (the server
/// reads rosette.toml again every few seconds); panics after 20 s.
fn lab_until(client: &Client, grader: &str, email: &str, status: u16) -> Response {
    let deadline = Instant::now() + Duration::from_secs(20);
    let body =
        json!({ "email": email, "certification": CICD, "result": "pass", "date": "2026-11-22" });
    loop {
        let r = post(client, "/api/v1/admin/assessments/lab", grader, &body);
        if r.status == status || Instant::now() > deadline {
            return r;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn serve_takes_grader_changes_without_a_restart_and_the_api_publishes_no_grader_email() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(
        dir.path(),
        &format!(
            r#"[{{ email = "{ANA}", name = "Ana Silva", role = "GitLab Professional Services engineer" }}]"#
        ),
    );
    let server = ServerProcess::start(&data, &[], &[]);
    let client = Client::new(server.addr);
    let admin = token(&data, "hr-bot", "admin");
    let bo = token(&data, BO, "grader");
    for (email, name) in [
        ("pat@example.com", "Pat Lee"),
        ("quinn@example.com", "Quinn Ray"),
    ] {
        post(
            &client,
            "/api/v1/admin/assessments/written",
            &admin,
            &json!({ "email": email, "name": name, "certification": CICD, "score": 90, "date": "2026-11-20" }),
        )
        .expect(201, None);
    }
    // Bo is not a grader yet.
    lab_until(&client, &bo, "pat@example.com", 403).expect(403, Some("not_a_grader"));

    // Added to rosette.toml with a role: accepted without a restart.
    set_graders(
        &data,
        &format!(
            r#"[{{ email = "{ANA}", name = "Ana Silva", role = "GitLab Professional Services engineer" }}, {{ email = "{BO}", role = "Solutions architect" }}]"#
        ),
    );
    lab_until(&client, &bo, "pat@example.com", 201).expect(201, None);
    let issued = post(
        &client,
        "/api/v1/admin/credentials",
        &admin,
        &json!({ "email": "pat@example.com", "certification": CICD }),
    )
    .expect(201, None);
    names_grader_only_by(&issued["document"], "Solutions architect");

    // Bulk over the API, graded by Ana.
    let bulk = post(
        &client,
        "/api/v1/admin/credentials/bulk",
        &admin,
        &json!([json_row("Rui Sá", "rui@example.com", ANA, "HR-9")]),
    )
    .expect(200, None);
    assert_eq!(bulk["rows"][0]["outcome"], "issued", "{bulk:#}");
    let id = bulk["rows"][0]["credential_id"].as_str().unwrap();
    let doc = client
        .get(&format!(
            "/credentials/{}",
            id.trim_start_matches("urn:uuid:")
        ))
        .header("Accept", "application/json")
        .send()
        .json();
    names_grader_only_by(&doc, ANA_LABEL);

    // Removed again: refused without a restart.
    set_graders(&data, &format!(r#"["{ANA}"]"#));
    lab_until(&client, &bo, "quinn@example.com", 403).expect(403, Some("not_a_grader"));
    // A rosette.toml that does not load keeps the graders in force.
    set_graders(&data, r#"[{ email = "" }]"#);
    std::thread::sleep(Duration::from_secs(3));
    lab_until(&client, &bo, "quinn@example.com", 403).expect(403, Some("not_a_grader"));
    assert!(
        server.stderr().contains("cannot reload the graders"),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_bulk_row_whose_credential_was_revoked_is_refused_over_the_cli_and_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path(), &format!(r#"["{ANA}"]"#));
    let csv = dir.path().join("roster.csv");
    std::fs::write(
        &csv,
        format!(
            "{CSV_HEADER}{}{}",
            csv_row("Ivy Chen", "ivy@example.com", ANA, "HR-1"),
            csv_row("Jo Park", "jo@example.com", ANA, "HR-2")
        ),
    )
    .unwrap();
    let run = || {
        let out = rosette(&data, &["issue", "--csv", csv.to_str().unwrap()]);
        (
            out.status.code(),
            results(&csv.with_extension("results.csv")),
        )
    };
    let (code, first) = run();
    assert_eq!(code, Some(0), "{first:?}");
    let (ivy, jo) = (first[0][1].clone(), first[1][1].clone());
    ok(&rosette(&data, &["revoke", &ivy, "--reason", "exam leak"]));
    ok(&rosette(&data, &["suspend", &jo, "--reason", "review"]));
    let (code, again) = run();
    assert_eq!(code, Some(1), "{again:?}");
    assert_eq!(again[0][0], "refused", "{again:?}");
    assert_eq!(again[0][1], ivy);
    assert_eq!(again[0][2], "revoked");
    assert!(
        again[0][3].contains("revoked") && again[0][3].contains(&ivy),
        "{again:?}"
    );
    assert!(
        !again[0][3].contains("exam leak"),
        "the reason stays private"
    );
    assert_eq!(again[1][0], "already issued", "{again:?}");
    assert_eq!(again[1][1], jo);
    assert!(again[1][3].contains("suspended"), "{again:?}");

    // The same file over the admin API: the same answer.
    let server = ServerProcess::start(&data, &[], &[]);
    let client = Client::new(server.addr);
    let admin = token(&data, "hr-bot", "admin");
    let rows = json!([
        json_row("Ivy Chen", "ivy@example.com", ANA, "HR-1"),
        json_row("Jo Park", "jo@example.com", ANA, "HR-2")
    ]);
    let out = post(&client, "/api/v1/admin/credentials/bulk", &admin, &rows).expect(200, None);
    let r = &out["rows"][0];
    assert_eq!(r["outcome"], "refused", "{out:#}");
    assert_eq!(r["code"], "revoked", "{out:#}");
    assert_eq!(r["credential_id"], ivy.as_str(), "{out:#}");
    assert_eq!(out["rows"][1]["outcome"], "already_issued", "{out:#}");
    // Nothing was issued again.
    let list = ok(&rosette(&data, &["credentials", "list"]));
    assert_eq!(list.matches("urn:uuid:").count(), 2, "{list}");
}
