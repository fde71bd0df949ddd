//! The record-keeping commands end to end: `init`, `assess`, `issue`
//! (single and `--csv`), `credentials`, `audit verify`; an interrupted bulk
//! import re-run to completion; the audit log edited behind Rosette's back.

use crate::support::{ok, rosette};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const GRADER: &str = "grader@example.com";

fn init(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    ok(&rosette(
        &data,
        &[
            "init",
            "--public-url",
            "https://certs.example.com",
            "--grader",
            GRADER,
        ],
    ));
    data
}

const SLUGS: [&str; 4] = [
    "gitlab-certified-associate",
    "gitlab-innersourcing-specialist",
    "gitlab-ci-cd-specialist",
    "gitlab-project-management-specialist",
];

fn csv_rows(n: usize) -> String {
    let mut s = String::from(
        "name,email,certification,written_score,written_date,lab_result,grader,lab_date,external_id\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "Candidate {i},c{i}@example.com,{},{},2026-11-20,pass,{GRADER},2026-11-22,EXT-{i}\n",
            SLUGS[i % 4],
            80 + i % 21
        ));
    }
    s
}

#[test]
fn init_is_safe_to_run_twice_and_the_key_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path());
    let key = data.join("keys/issuer.pem");
    let before = std::fs::read(&key).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let second = ok(&rosette(&data, &["init"]));
    assert!(second.contains("did:web:certs.example.com"), "{second}");
    assert!(second.contains("4 certification(s)"), "{second}");
    assert_eq!(
        std::fs::read(&key).unwrap(),
        before,
        "init must not replace the key"
    );
}

#[test]
fn the_cli_flow_from_assessment_to_a_verified_credential() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path());
    let cert = "gitlab-innersourcing-specialist";
    // Issuing before the stages are passed is refused, naming the stage.
    let out = rosette(
        &data,
        &[
            "assess",
            "written",
            "--email",
            "lin@example.com",
            "--certification",
            cert,
            "--score",
            "88",
            "--date",
            "2026-11-20",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--name"),
        "a new candidate needs a name"
    );
    ok(&rosette(
        &data,
        &[
            "assess",
            "written",
            "--email",
            "lin@example.com",
            "--name",
            "Lin Wu",
            "--certification",
            cert,
            "--score",
            "88",
            "--date",
            "2026-11-20",
        ],
    ));
    let out = rosette(
        &data,
        &[
            "issue",
            "--email",
            "lin@example.com",
            "--certification",
            cert,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("lab stage"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = rosette(
        &data,
        &[
            "assess",
            "lab",
            "--email",
            "lin@example.com",
            "--certification",
            cert,
            "--result",
            "pass",
            "--grader",
            "intruder@example.com",
            "--date",
            "2026-11-22",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a registered grader"));
    ok(&rosette(
        &data,
        &[
            "assess",
            "lab",
            "--email",
            "lin@example.com",
            "--certification",
            cert,
            "--result",
            "pass",
            "--grader",
            GRADER,
            "--date",
            "2026-11-22",
            "--notes",
            "Clean merge-request workflow.",
        ],
    ));
    let json_path = dir.path().join("lin.json");
    let id = ok(&rosette(
        &data,
        &[
            "issue",
            "--email",
            "lin@example.com",
            "--certification",
            cert,
            "--out",
            json_path.to_str().unwrap(),
        ],
    ))
    .trim()
    .to_owned();
    assert!(id.starts_with("urn:uuid:"), "{id}");
    // Issuing again returns the same credential.
    assert_eq!(
        ok(&rosette(
            &data,
            &[
                "issue",
                "--email",
                "lin@example.com",
                "--certification",
                cert
            ]
        ))
        .trim(),
        id
    );
    // The written JSON verifies with this installation's key, offline.
    let report: Value = serde_json::from_str(&ok(&rosette(
        &data,
        &["verify", "--json", json_path.to_str().unwrap()],
    )))
    .unwrap();
    assert_eq!(report["verified"], true, "{report:#}");
    assert_eq!(report["verdict"], "VALID", "{report:#}");
    let list = ok(&rosette(&data, &["credentials", "list"]));
    assert!(list.contains(&id) && list.contains("Lin Wu"), "{list}");
    let shown: Value =
        serde_json::from_str(&ok(&rosette(&data, &["credentials", "show", &id]))).unwrap();
    assert_eq!(shown["certification"], cert);
    assert_eq!(
        ok(&rosette(&data, &["credentials", "show", "--document", &id])).trim(),
        std::fs::read_to_string(&json_path).unwrap().trim()
    );
    // Correct the name: a replacement; the old one superseded.
    let fixed = ok(&rosette(
        &data,
        &[
            "correct",
            &id,
            "--name",
            "Lin Wú",
            "--reason",
            "accent missing",
        ],
    ))
    .trim()
    .to_owned();
    let old: Value =
        serde_json::from_str(&ok(&rosette(&data, &["credentials", "show", &id]))).unwrap();
    assert_eq!(old["state"], "superseded");
    assert_eq!(old["superseded_by"], fixed.as_str());
    assert!(ok(&rosette(&data, &["audit", "verify"])).contains("intact"));
}

#[test]
fn bulk_import_reports_every_row_and_bad_rows_never_stop_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path());
    let mut bytes = csv_rows(6).into_bytes();
    let bad_rows: &[&[u8]] = &[
        b"Eve,eve@example.com,gitlab-kubernetes-wizard,90,2026-11-20,pass,grader@example.com,2026-11-22,BAD-1\n",
        b"Fay,fay@example.com,gitlab-ci-cd-specialist,190,2026-11-20,pass,grader@example.com,2026-11-22,BAD-2\n",
        b"Gus,gus@example.com,gitlab-ci-cd-specialist,50,2026-11-20,pass,grader@example.com,2026-11-22,BAD-3\n",
        b"Hal,hal@example.com,gitlab-ci-cd-specialist,90,2026-11-20,fail,grader@example.com,2026-11-22,BAD-4\n",
        b"Ivy,ivy@example.com,gitlab-ci-cd-specialist,90,2026-11-20,pass,impostor@example.com,2026-11-22,BAD-5\n",
        b"J\xff\xfe,jay@example.com,gitlab-ci-cd-specialist,90,2026-11-20,pass,grader@example.com,2026-11-22,BAD-6\n",
        b"Kit,not-an-email,gitlab-ci-cd-specialist,90,2026-11-20,pass,grader@example.com,2026-11-22,BAD-7\n",
        b"Lou,lou@example.com,gitlab-ci-cd-specialist,90,yesterday,pass,grader@example.com,2026-11-22,BAD-8\n",
        b"\"Unterminated,x@example.com\n",
    ];
    for row in bad_rows {
        bytes.extend_from_slice(row);
    }
    bytes.extend_from_slice(
        csv_rows(9)
            .lines()
            .skip(7)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .as_bytes(),
    );
    let csv = dir.path().join("batch.csv");
    std::fs::write(&csv, &bytes).unwrap();
    let results = dir.path().join("results.csv");
    let out = rosette(
        &data,
        &[
            "issue",
            "--csv",
            csv.to_str().unwrap(),
            "--results",
            results.to_str().unwrap(),
            "--chunk",
            "4",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "refused rows make the exit code 1\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&results).unwrap();
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let issued = rows.iter().filter(|r| r[4] == "issued").count();
    assert_eq!(issued, 6, "{text}");
    for code in [
        "unknown_certification",
        "invalid_input",
        "stage_failed",
        "not_a_grader",
    ] {
        assert!(text.contains(code), "{code} missing:\n{text}");
    }
    assert!(text.contains("UTF-8"), "{text}");
    assert!(text.contains("BAD-3") && text.contains("written"), "{text}");
    // Re-running issues nothing new.
    let out = rosette(
        &data,
        &[
            "issue",
            "--csv",
            csv.to_str().unwrap(),
            "--results",
            results.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let again = std::fs::read_to_string(&results).unwrap();
    assert_eq!(again.matches(",already issued,").count(), 6, "{again}");
    assert_eq!(again.matches(",issued,").count(), 0, "{again}");
    // Unknown columns and missing required columns are refused up front.
    std::fs::write(&csv, "name,email\nA,a@example.com\n").unwrap();
    let out = rosette(&data, &["issue", "--csv", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing column"));
}

async fn count_credentials(db: &Path) -> i64 {
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", db.display());
    let Ok(mut conn) = sqlx::AnyConnection::connect(&url).await else {
        return 0;
    };
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM credentials")
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0)
}

/// SIGKILL midway through a bulk import, then run it again: every row is
/// issued exactly once, every credential verifies, the audit chain holds.
#[test]
fn a_killed_bulk_import_finishes_on_rerun_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path());
    let rows = 3000;
    let csv = dir.path().join("big.csv");
    std::fs::write(&csv, csv_rows(rows)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rosette"))
        .arg("--data-dir")
        .arg(&data)
        .args(["issue", "--csv", csv.to_str().unwrap(), "--chunk", "100"])
        .env(
            "ROSETTE_BADGES_DIR",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("badges"),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let db = data.join("rosette.db");
    let killed_at = crate::support::block_on(async {
        for _ in 0..6000 {
            let n = count_credentials(&db).await;
            if n >= 200 {
                child.kill().unwrap(); // SIGKILL
                return n;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        panic!("the import never got going");
    });
    child.wait().unwrap();
    let after_kill = crate::support::block_on(count_credentials(&db));
    assert!(
        after_kill < rows as i64,
        "the import finished before it could be killed ({killed_at})"
    );
    assert_eq!(
        after_kill % 100,
        0,
        "only whole chunks commit ({after_kill})"
    );

    ok(&rosette(
        &data,
        &["issue", "--csv", csv.to_str().unwrap(), "--chunk", "100"],
    ));
    let results = std::fs::read_to_string(csv.with_extension("results.csv")).unwrap();
    assert_eq!(
        results.matches(",already issued,").count() as i64,
        after_kill
    );
    assert_eq!(
        results.matches(",issued,").count() as i64,
        rows as i64 - after_kill
    );

    // Exactly one credential per row, each verifying with the issuer's key.
    let (documents, externals) = crate::support::block_on(async {
        use sqlx::Connection as _;
        let mut conn = sqlx::AnyConnection::connect(&format!("sqlite://{}?mode=ro", db.display()))
            .await
            .unwrap();
        let docs: Vec<String> = sqlx::query_scalar("SELECT document FROM credentials")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let ext: Vec<String> = sqlx::query_scalar("SELECT DISTINCT external_id FROM credentials")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        (docs, ext)
    });
    assert_eq!(documents.len(), rows);
    assert_eq!(externals.len(), rows);
    let secret = rosette::keys::decode_secret_key(
        &std::fs::read_to_string(data.join("keys/issuer.pem")).unwrap(),
    )
    .unwrap();
    let key = rosette::keys::IssuerKey::did_web(secret, "did:web:certs.example.com").unwrap();
    let resolver = rosette::keys::OfflineResolver::new().with_method(key.method());
    let now = chrono::DateTime::parse_from_rfc3339("2027-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    crate::support::block_on(async {
        let store = rosette::store::SqlStore::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        let lists = rosette::issuance::revocation::OwnStatusLists::new(
            &store,
            "https://certs.example.com",
            None,
        );
        let cache = rosette::verification::StatusCache::new();
        for d in documents.iter().step_by(7) {
            let r = rosette::verification::verify_bytes(
                d.as_bytes(),
                rosette::verification::VerifyContext::new(&resolver, now)
                    .with_status(&lists, &cache),
            )
            .await;
            assert!(r.verified, "{r:#?}");
        }
    });
    assert!(
        ok(&rosette(&data, &["audit", "verify"])).contains(&format!("intact: {} ", rows * 4 + 1)),
        "the issuer key's registration, then candidate + 2 assessments + issuance per row"
    );
}

/// Edits the SQLite database behind Rosette's back.
fn tamper(db: &Path, sql: &'static str) {
    crate::support::block_on(async {
        use sqlx::Connection as _;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    });
}

#[test]
fn audit_verify_detects_edited_reordered_and_deleted_entries() {
    let setup = || {
        let dir = tempfile::tempdir().unwrap();
        let data = init(dir.path());
        let csv = dir.path().join("few.csv");
        std::fs::write(&csv, csv_rows(3)).unwrap();
        ok(&rosette(&data, &["issue", "--csv", csv.to_str().unwrap()]));
        // The issuer key's registration, then 4 entries per row.
        assert!(ok(&rosette(&data, &["audit", "verify"])).contains("intact: 13 entries"));
        (dir, data)
    };
    // Rosette's own connection refuses to rewrite history.
    let (_d, data) = setup();
    let refused = crate::support::block_on(async {
        use sqlx::Connection as _;
        let mut conn = sqlx::AnyConnection::connect(&format!(
            "sqlite://{}",
            data.join("rosette.db").display()
        ))
        .await
        .unwrap();
        sqlx::raw_sql("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
            .execute(&mut conn)
            .await
    });
    assert!(refused.unwrap_err().to_string().contains("append-only"));

    for (what, sql, expect) in [
        (
            "edited",
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET details = '{\"score\":100}' WHERE seq = 5;",
            "edited",
        ),
        (
            "reordered",
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET seq = -1 WHERE seq = 5; UPDATE audit_log SET seq = 5 WHERE seq = 6; UPDATE audit_log SET seq = 6 WHERE seq = -1;",
            "entry 5",
        ),
        (
            "deleted",
            "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 7;",
            "removed",
        ),
        (
            "tail deleted",
            "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 13;",
            "removed",
        ),
    ] {
        let (_d, data) = setup();
        tamper(&data.join("rosette.db"), sql);
        let out = rosette(&data, &["audit", "verify"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{what}: {text}");
        assert!(
            text.contains("BROKEN") && text.contains(expect),
            "{what}: {text}"
        );
    }
}

#[test]
fn unknown_database_scheme_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path());
    let out = rosette(
        &data,
        &[
            "--database-url",
            "mysql://localhost/x",
            "credentials",
            "list",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown database URL scheme \"mysql\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn tokens_are_shown_once_stored_hashed_and_revocable() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path());
    let secret = ok(&rosette(
        &data,
        &[
            "tokens",
            "create",
            "--name",
            "HR system",
            "--scope",
            "admin",
        ],
    ))
    .trim()
    .to_owned();
    assert!(secret.starts_with("rst_") && secret.len() > 40, "{secret}");
    let list = ok(&rosette(&data, &["tokens", "list"]));
    assert!(
        list.contains("HR system") && list.contains("admin"),
        "{list}"
    );
    assert!(!list.contains(&secret));
    let id = list.split_whitespace().next().unwrap().to_owned();
    // Only the hash is in the database.
    let db = std::fs::read(data.join("rosette.db")).unwrap();
    assert!(
        !db.windows(secret.len()).any(|w| w == secret.as_bytes()),
        "the secret must not be stored"
    );
    let store = crate::support::block_on(rosette::store::SqlStore::connect(&format!(
        "sqlite://{}",
        data.join("rosette.db").display()
    )))
    .unwrap();
    let (token, actor) =
        crate::support::block_on(rosette::issuance::tokens::authenticate(&store, &secret)).unwrap();
    assert_eq!(token.id, id);
    assert_eq!(actor.role, rosette::issuance::Role::Admin);
    assert_eq!(
        crate::support::block_on(rosette::issuance::tokens::authenticate(&store, "rst_wrong"))
            .unwrap_err(),
        rosette::issuance::tokens::AuthError::Unknown
    );
    ok(&rosette(&data, &["tokens", "revoke", &id]));
    assert_eq!(
        crate::support::block_on(rosette::issuance::tokens::authenticate(&store, &secret))
            .unwrap_err(),
        rosette::issuance::tokens::AuthError::Revoked
    );
    let out = rosette(&data, &["tokens", "revoke", &id]);
    assert_eq!(out.status.code(), Some(2), "revoking twice is refused");
    let audit = ok(&rosette(&data, &["audit", "list"]));
    assert!(
        audit.contains("token.create")
            && audit.contains("token.revoke")
            && !audit.contains(&secret)
    );
}

/// One number from the store, read behind Rosette's back.
async fn count(db: &Path, sql: &'static str) -> i64 {
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", db.display());
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

/// Issue 11, items 1 and 2: a re-run never answers a row with another
/// holder's credential, and a row refused by the stage rule (a lab after a
/// failed written stage) leaves no candidate and no assessment behind.
#[test]
fn a_rerun_bulk_import_never_reports_another_holders_credential() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path());
    let csv = dir.path().join("roster.csv");
    std::fs::write(
        &csv,
        format!(
            "name,email,certification,written_score,written_date,lab_result,grader,lab_date,external_id\n\
             Ivy Chen,ivy@example.com,gitlab-ci-cd-specialist,90,2026-11-20,pass,{GRADER},2026-11-22,HR-1\n\
             Kim Lee,kim@example.com,gitlab-ci-cd-specialist,40,2026-11-20,pass,{GRADER},2026-11-22,HR-2\n\
             Ivy Two,ivy2@example.com,gitlab-ci-cd-specialist,90,2026-11-20,pass,{GRADER},2026-11-22,HR-1\n"
        ),
    )
    .unwrap();
    let results = dir.path().join("results.csv");
    let run = || {
        rosette(
            &data,
            &[
                "issue",
                "--csv",
                csv.to_str().unwrap(),
                "--results",
                results.to_str().unwrap(),
            ],
        )
    };
    let row = |text: &str, line: &str| -> String {
        text.lines()
            .find(|l| l.starts_with(&format!("{line},")))
            .unwrap_or_else(|| panic!("no line {line}:\n{text}"))
            .to_owned()
    };
    assert_eq!(run().status.code(), Some(1));
    let first = std::fs::read_to_string(&results).unwrap();
    let ivy = row(&first, "2");
    assert!(ivy.contains(",issued,"), "{first}");
    let ivy_id = ivy
        .split(',')
        .find(|f| f.starts_with("urn:uuid:"))
        .unwrap()
        .to_owned();
    assert!(row(&first, "3").contains("stage_failed"), "{first}");
    assert!(row(&first, "4").contains("duplicate_row"), "{first}");
    for _ in 0..2 {
        assert_eq!(run().status.code(), Some(1));
        let again = std::fs::read_to_string(&results).unwrap();
        assert!(row(&again, "2").contains(",already issued,"), "{again}");
        assert!(row(&again, "2").contains(&ivy_id), "{again}");
        let line4 = row(&again, "4");
        assert!(line4.contains("external_id_conflict"), "{again}");
        assert!(line4.contains("HR-1"), "{again}");
        for private in [ivy_id.as_str(), "Ivy Chen", "ivy@example.com"] {
            assert!(!line4.contains(private), "{private} leaked: {line4}");
        }
        assert!(row(&again, "3").contains("stage_failed"), "{again}");
    }
    // The refused rows left nothing behind.
    let db = data.join("rosette.db");
    crate::support::block_on(async {
        assert_eq!(count(&db, "SELECT COUNT(*) FROM candidates").await, 1);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM assessments").await, 2);
        assert_eq!(count(&db, "SELECT COUNT(*) FROM credentials").await, 1);
    });
    // A single issuance with Ivy's external id is refused the same way.
    let out = rosette(
        &data,
        &[
            "issue",
            "--email",
            "ivy@example.com",
            "--certification",
            "gitlab-innersourcing-specialist",
            "--external-id",
            "HR-1",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("external_id_conflict"), "{err}");
    assert!(!err.contains(&ivy_id), "{err}");
}

/// Issue 11: issuing again for a revoked credential says it is revoked
/// and exits 1 (not `already issued` and 0).
#[test]
fn reissuing_a_revoked_credential_says_revoked_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path());
    let cert = "gitlab-ci-cd-specialist";
    let assess = |stage: &str, extra: &[&str], date: &str| {
        let mut args = vec![
            "assess",
            stage,
            "--email",
            "rae@example.com",
            "--certification",
            cert,
            "--date",
            date,
        ];
        args.extend_from_slice(extra);
        rosette(&data, &args)
    };
    // The date rules, as the CLI shows them.
    let out = assess(
        "written",
        &["--name", "Rae Kim", "--score", "90"],
        "2999-01-01",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("date_in_future"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok(&assess(
        "written",
        &["--name", "Rae Kim", "--score", "90"],
        "2026-11-20",
    ));
    let out = assess(
        "lab",
        &["--result", "pass", "--grader", GRADER],
        "2026-11-19",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("lab_before_written"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok(&assess(
        "lab",
        &["--result", "pass", "--grader", GRADER],
        "2026-11-22",
    ));
    let issue = || {
        rosette(
            &data,
            &[
                "issue",
                "--email",
                "rae@example.com",
                "--certification",
                cert,
            ],
        )
    };
    let id = ok(&issue()).trim().to_owned();
    let again = issue();
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already issued"));
    ok(&rosette(&data, &["revoke", &id, "--reason", "test"]));
    let out = issue();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("revoked") && err.contains(&id), "{err}");
    assert!(!err.contains("already issued"), "{err}");
}
