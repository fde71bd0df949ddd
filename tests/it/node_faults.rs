//! Faults on several nodes (issue 12 §5), each with the behaviour expected:
//! PostgreSQL stopped and restarted under load, `kill -9` of a node during
//! a bulk import, SQLite on a full disk.

use crate::multi_node::{CERT, Cluster, GRADER};
use crate::support::{Client, block_on, fresh_postgres_database, ok, rosette_with};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

/// `rows` CSV rows for the bulk import, one candidate each.
fn bulk_csv(rows: usize, tag: &str) -> String {
    let mut csv = String::from(
        "name,email,certification,written_score,written_date,lab_result,grader,lab_date,external_id\n",
    );
    for i in 0..rows {
        csv.push_str(&format!(
            "Row {i},{tag}{i}@example.com,{CERT},90,2026-11-20,pass,{GRADER},2026-11-22,{tag}-{i}\n"
        ));
    }
    csv
}

/// Every credential through node `addr`'s admin API: `(id, external or e-mail)`.
fn all_credentials(addr: SocketAddr, token: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page = Client::new(addr)
            .get(&format!(
                "/api/v1/admin/credentials?limit=500&offset={offset}"
            ))
            .bearer(Some(token))
            .send()
            .expect(200, None);
        all.extend(page["credentials"].as_array().unwrap().iter().cloned());
        match page["next_offset"].as_i64() {
            Some(next) => offset = next,
            None => return all,
        }
    }
}

/// `kill -9` of node A while it imports a batch through its admin API: the
/// rows committed before stay, none is half written, and the same batch sent
/// again to node B finishes it with one credential per row.
#[test]
fn a_node_killed_during_a_bulk_import_leaves_no_duplicate_after_a_rerun() {
    let dir = tempfile::tempdir().unwrap();
    let db = block_on(fresh_postgres_database())
        .unwrap_or_else(|| crate::support::sqlite_url(dir.path()));
    let cluster = Cluster::start(&db);
    let [a, b] = &cluster.nodes;
    let (addr_a, addr_b) = (*a.addr.read().unwrap(), *b.addr.read().unwrap());
    let rows = 1100;
    let csv = bulk_csv(rows, "k");
    let request = format!(
        "POST /api/v1/admin/credentials/bulk HTTP/1.1\r\nHost: {addr_a}\r\nConnection: close\r\n\
         Authorization: Bearer {}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\r\n{csv}",
        cluster.token,
        csv.len()
    );
    let import =
        std::thread::spawn(move || crate::support::raw_request(addr_a, request.as_bytes()));
    // Killed once the first chunk (500 rows, one transaction) is in.
    let deadline = Instant::now() + Duration::from_secs(120);
    let first = || {
        Client::new(addr_b)
            .get("/api/v1/admin/credentials?limit=1")
            .bearer(Some(&cluster.token))
            .send()
            .expect(200, None)["credentials"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    };
    while !first() {
        assert!(
            Instant::now() < deadline,
            "the import never started: {}",
            a.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    a.kill();
    let answer = import.join().unwrap();
    assert!(
        !String::from_utf8_lossy(&answer).contains(" 200 OK"),
        "the import finished before the kill: make it longer"
    );
    let before = all_credentials(addr_b, &cluster.token).len();
    assert!(before > 0 && before < rows, "{before} of {rows}");

    let out = Client::new(addr_b)
        .post("/api/v1/admin/credentials/bulk")
        .bearer(Some(&cluster.token))
        .body("text/csv", csv.as_bytes())
        .send()
        .expect(200, None);
    let summary = &out["summary"];
    assert_eq!(summary["refused"], 0, "{out:#}");
    assert_eq!(summary["already_issued"], before, "{summary}");
    assert_eq!(summary["issued"], rows - before, "{summary}");
    let all = all_credentials(addr_b, &cluster.token);
    let ids: BTreeSet<&str> = all.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        (all.len(), ids.len()),
        (rows, rows),
        "one credential per row"
    );
    let from_rows: BTreeSet<&str> = out["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["credential_id"].as_str().unwrap())
        .collect();
    assert_eq!(from_rows, ids);
    let out = ok(&b.cli(&["audit", "verify"]));
    assert!(out.contains("audit log intact"), "{out}");
}

/// SQLite on a full disk (a file-size limit on the importing process,
/// `RLIMIT_FSIZE`, with `SIGXFSZ` ignored so writes fail with `EFBIG` as
/// on a full file system): the import stops with an error that names the
/// database, the database passes `PRAGMA integrity_check`, the audit chain
/// holds, and the same import run again with room finishes it.
#[test]
fn a_full_disk_under_sqlite_is_a_clear_error_and_leaves_the_database_intact() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = crate::support::sqlite_url(dir.path());
    let envs = [
        ("ROSETTE_DATABASE_URL", db.as_str()),
        ("ROSETTE_GRADERS", GRADER),
    ];
    ok(&rosette_with(&data, &envs, &["init"]));
    let rows = 600;
    let csv = dir.path().join("rows.csv");
    std::fs::write(&csv, bulk_csv(rows, "d")).unwrap();
    let largest = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .max()
        .unwrap();
    let limit_kib = largest / 1024 + 512;
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {limit_kib}; exec \"$@\""))
        .arg("rosette")
        .arg(env!("CARGO_BIN_EXE_rosette"))
        .arg("--data-dir")
        .arg(&data)
        .args(["issue", "--csv", csv.to_str().unwrap()])
        .env("ROSETTE_DATABASE_URL", &db)
        .env("ROSETTE_GRADERS", GRADER)
        .env(
            "ROSETTE_BADGES_DIR",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("badges"),
        )
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("disk full: exit {:?}: {stderr}", out.status.code());
    assert_eq!(
        out.status.code(),
        Some(2),
        "an error exit, not a signal: {stderr}"
    );
    assert!(
        stderr.contains("database") && (stderr.contains("full") || stderr.contains("space")),
        "{stderr}"
    );
    block_on(async {
        use sqlx::Connection as _;
        let mut conn = sqlx::SqliteConnection::connect(&db).await.unwrap();
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    });
    let out = ok(&rosette_with(&data, &envs, &["audit", "verify"]));
    assert!(out.contains("audit log intact"), "{out}");
    let out = ok(&rosette_with(
        &data,
        &envs,
        &["issue", "--csv", csv.to_str().unwrap()],
    ));
    assert!(
        out.contains(&format!("{rows} rows: ")) && out.contains(" 0 refused"),
        "{out}"
    );
    let results = std::fs::read_to_string(csv.with_extension("results.csv")).unwrap();
    let ids: BTreeSet<&str> = results
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap())
        .collect();
    assert_eq!(ids.len(), rows, "one credential per row");
}

/// Waits until `/readyz` answers `status` on every node, failing after `within`.
fn readiness_becomes(addrs: &[SocketAddr], status: u16, within: Duration) {
    for addr in addrs {
        let deadline = Instant::now() + within;
        loop {
            let got = Client::new(*addr).get("/readyz").send().status;
            if got == status {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{addr}: /readyz still {got}, not {status}, after {within:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// PostgreSQL stopped and started again under load on two nodes: while it
/// is down `/readyz` answers 503 on both and writes answer 503 (nothing
/// else); after it is back both are ready again by themselves, and every
/// row, each sent again until answered, has exactly one credential.
#[test]
fn a_postgresql_restart_under_load_is_503_meanwhile_and_loses_or_doubles_no_write() {
    let Some(pg) = crate::support::OwnPostgres::start() else {
        return;
    };
    let cluster = Cluster::start(&pg.url());
    let addrs = [
        *cluster.nodes[0].addr.read().unwrap(),
        *cluster.nodes[1].addr.read().unwrap(),
    ];
    let stop = std::sync::atomic::AtomicBool::new(false);
    let down_answers = std::sync::atomic::AtomicUsize::new(0);
    let rows: Vec<(usize, String)> = std::thread::scope(|s| {
        let load = s.spawn(|| {
            let mut issued = Vec::new();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let row = json!([{
                    "name": format!("Row {n}"), "email": format!("pg{n}@example.com"),
                    "certification": CERT, "written_score": 90, "written_date": "2026-11-20",
                    "lab_result": "pass", "grader": GRADER, "lab_date": "2026-11-22",
                }]);
                let r = Client::new(addrs[n % 2])
                    .post("/api/v1/admin/credentials/bulk")
                    .bearer(Some(&cluster.token))
                    .json(&row)
                    .send();
                if r.status == 503 {
                    // The same row again until it is answered.
                    down_answers.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                let out = r.expect(200, None);
                let row = &out["rows"][0];
                assert!(
                    row["outcome"] == "issued" || row["outcome"] == "already_issued",
                    "{out:#}"
                );
                issued.push((n, row["credential_id"].as_str().unwrap().to_owned()));
                n += 1;
            }
            issued
        });
        std::thread::sleep(Duration::from_secs(2));
        pg.stop_server();
        readiness_becomes(&addrs, 503, Duration::from_secs(10));
        std::thread::sleep(Duration::from_secs(2));
        pg.start_server();
        readiness_becomes(&addrs, 200, Duration::from_secs(30));
        std::thread::sleep(Duration::from_secs(2));
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        load.join().unwrap()
    });
    assert!(down_answers.into_inner() > 0, "the load saw the outage");
    let all = all_credentials(addrs[0], &cluster.token);
    let ids: BTreeSet<&str> = all.iter().map(|c| c["id"].as_str().unwrap()).collect();
    let answered: BTreeSet<&str> = rows.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(answered.len(), rows.len(), "one credential per row");
    assert_eq!(
        ids, answered,
        "every answered write is there, and nothing else"
    );
    let out = ok(&cluster.nodes[0].cli(&["audit", "verify"]));
    assert!(out.contains("audit log intact"), "{out}");
}
