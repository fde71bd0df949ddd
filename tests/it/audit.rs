//! Signed audit checkpoints: a database-level attacker who rewrites the log
//! and recomputes every hash passes the chain check alone, but not a
//! checkpoint exported earlier, which names the first entry that differs; checkpoints of retired keys still verify;
//! altered or foreign checkpoints are refused; the admin route needs the
//! admin scope; `rosette serve` signs on its own.

use crate::support::{block_on, fresh_postgres_database, ok, rosette, sqlite_url};
use rosette::audit::{AuditDraft, Checkpoint, CheckpointPolicy, SignedCheckpoint, entry_hash};
use rosette::issuance::Actor;
use rosette::issuance::checkpoints::{
    LogBroken, checkpoint_if_due, export_checkpoint, latest_checkpoint, verify_log,
};
use rosette::keys::{IssuerKey, SigningKey};
use rosette::store::{SqlStore, Store};
use serde_json::json;
use std::path::Path;

const DID: &str = "did:web:certs.example.com";

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// What an attacker with write access to the database does: edits entry
/// `seq`'s details, recomputes the hash of every entry from there and the
/// head, in SQL, and (when `cover_tracks`) deletes the stored checkpoints
/// from `seq` on, which it cannot re-sign.
async fn rewrite_history(url: &str, seq: i64, cover_tracks: bool) {
    use sqlx::{Connection as _, Row as _};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let lift_append_only = if url.starts_with("postgres") {
        "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log"
    } else {
        "DROP TRIGGER IF EXISTS audit_log_no_update"
    };
    sqlx::raw_sql(lift_append_only)
        .execute(&mut conn)
        .await
        .unwrap();
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, details, prev_hash FROM audit_log WHERE seq >= $1 ORDER BY seq",
    )
    .bind(seq)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut prev: Option<String> = None;
    for row in &rows {
        let n: i64 = row.get("seq");
        let mut details: String = row.get("details");
        if n == seq {
            details = r#"{"forged":true}"#.to_owned();
        }
        let prev_hash = prev.take().unwrap_or_else(|| row.get("prev_hash"));
        let hash = entry_hash(
            &prev_hash,
            n,
            &row.get::<String, _>("at"),
            &row.get::<String, _>("actor"),
            &row.get::<String, _>("action"),
            &row.get::<String, _>("subject"),
            &details,
        );
        sqlx::query("UPDATE audit_log SET details = $1, prev_hash = $2, hash = $3 WHERE seq = $4")
            .bind(details)
            .bind(prev_hash)
            .bind(hash.clone())
            .bind(n)
            .execute(&mut conn)
            .await
            .unwrap();
        prev = Some(hash);
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(prev.expect("entries from seq on"))
        .execute(&mut conn)
        .await
        .unwrap();
    if cover_tracks {
        sqlx::query("DELETE FROM audit_checkpoints WHERE seq >= $1")
            .bind(seq)
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

/// Appends one entry in its own transaction.
async fn append(store: &SqlStore, i: usize) {
    let mut tx = store.begin().await.unwrap();
    tx.append_audit(
        &[AuditDraft::new(
            "test",
            "credential.issue",
            format!("urn:uuid:{i}"),
            json!({ "i": i }),
        )],
        "2026-11-25T12:00:00Z",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[test]
fn a_rewritten_history_passes_the_chain_check_but_not_an_earlier_checkpoint_on_both_backends() {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut urls = vec![sqlite_url(dir.path())];
        urls.extend(fresh_postgres_database().await);
        for url in urls {
            for cover_tracks in [false, true] {
                let store = SqlStore::connect(&url).await.unwrap();
                // A second round on the same database starts from its own state.
                sqlx::raw_sql("DELETE FROM audit_checkpoints")
                    .execute(store.dangerous_pool())
                    .await
                    .unwrap();
                let key = IssuerKey::did_web(SigningKey::from_bytes(&[3; 32]), DID).unwrap();
                let start = store.audit_head().await.unwrap().0;
                if start == 0 {
                    rosette::issuance::keys::key_history(
                        &store,
                        &key.public_key(),
                        now(),
                        &Actor::admin("test"),
                    )
                    .await
                    .unwrap();
                }
                // A checkpoint after every entry (every_entries = 1) …
                let every = CheckpointPolicy {
                    every_entries: 1,
                    every_minutes: 0,
                };
                let first = store.audit_head().await.unwrap().0 + 1;
                let mut exported = None;
                for i in 0..8 {
                    append(&store, i).await;
                    let signed = checkpoint_if_due(&store, &key, every, now()).await.unwrap();
                    assert_eq!(signed.map(|c| c.seq), Some(first + i as i64));
                    assert_eq!(
                        checkpoint_if_due(&store, &key, every, now()).await.unwrap(),
                        None
                    );
                    // … and one exported after the sixth.
                    if i == 5 {
                        exported = Some(export_checkpoint(&store, &key, now()).await.unwrap());
                    }
                }
                let exported = vec![("checkpoint early.json".to_owned(), exported.unwrap())];
                assert_eq!(exported[0].1.seq, first + 5);
                let listed = exported[0].1.entry_hashes.as_ref().map(Vec::len);
                assert_eq!(listed, Some((first + 5) as usize), "{url}");
                // The same checkpoint as exported before the hash lists: the head alone.
                let mut head_only = exported.clone();
                head_only[0].1.entry_hashes = None;
                let intact = verify_log(&store, &exported).await.unwrap().unwrap();
                assert_eq!(intact.checkpoints, (1, 8));

                let edited = first + 2;
                rewrite_history(&url, edited, cover_tracks).await;
                let alone = verify_log(&store, &[]).await.unwrap();
                let pinned = verify_log(&store, &exported).await.unwrap();
                if cover_tracks {
                    // The chain holds and no surviving signature contradicts it …
                    assert!(alone.is_ok(), "{url}: {alone:?}");
                    // … but the exported checkpoint does, naming the entry.
                    let broken = pinned.unwrap_err();
                    assert!(
                        matches!(&broken, LogBroken::Differs { seq, covers, origin, .. }
                            if *seq == edited && *covers == first + 5 && origin == "checkpoint early.json"),
                        "{url}: {broken:?}"
                    );
                    let text = broken.to_string();
                    assert!(
                        text.starts_with(&format!("entry {edited} differs"))
                            && text.contains("early.json"),
                        "{text}"
                    );
                    // Its head alone: the entries from the last stored
                    // checkpoint that matches to the exported one.
                    let broken = verify_log(&store, &head_only).await.unwrap().unwrap_err();
                    assert!(
                        matches!(&broken, LogBroken::Rewritten { seq, from, .. }
                            if *seq == first + 5 && *from == edited),
                        "{url}: {broken:?}"
                    );
                    let text = broken.to_string();
                    assert!(
                        text.contains(&format!("an entry from {edited} to {}", first + 5)),
                        "{text}"
                    );
                } else {
                    // No new checkpoint vouches for a log that contradicts a signed one.
                    append(&store, 99).await;
                    for refused in [
                        checkpoint_if_due(&store, &key, every, now())
                            .await
                            .map(|_| ()),
                        latest_checkpoint(&store, &key, now()).await.map(|_| ()),
                        export_checkpoint(&store, &key, now()).await.map(|_| ()),
                    ] {
                        let text = refused.unwrap_err().to_string();
                        assert!(
                            text.contains(&format!(
                                "does not extend its last signed checkpoint (entry {})",
                                first + 7
                            )),
                            "{url}: {text}"
                        );
                    }
                    // The stored signed checkpoints name the very entry.
                    for result in [alone, pinned] {
                        let broken = result.unwrap_err();
                        assert!(
                            matches!(&broken, LogBroken::Rewritten { seq, from, .. }
                                if *seq == edited && *from == edited),
                            "{url}: {broken:?}"
                        );
                        assert!(
                            broken
                                .to_string()
                                .starts_with(&format!("entry {edited} differs")),
                            "{broken}"
                        );
                    }
                }
                // Fresh entries on top of the rewritten ones for the next round.
                sqlx::raw_sql("DELETE FROM audit_checkpoints")
                    .execute(store.dangerous_pool())
                    .await
                    .unwrap();
            }
        }
    });
}

fn init(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("data");
    ok(&rosette(
        &data,
        &["init", "--public-url", "https://certs.example.com"],
    ));
    data
}

fn verify_with(data: &Path, files: &[&Path]) -> (Option<i32>, String) {
    let mut args = vec!["audit".to_owned(), "verify".to_owned()];
    for f in files {
        args.push("--checkpoint".to_owned());
        args.push(f.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = rosette(data, &args);
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn read_checkpoint(path: &Path) -> SignedCheckpoint {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn tokens_create(data: &Path, name: &str) {
    ok(&rosette(
        data,
        &["tokens", "create", "--name", name, "--scope", "admin"],
    ));
}

#[test]
fn the_cli_exports_a_checkpoint_that_names_the_first_entry_of_a_rewritten_history() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path());
    // Entry 1 registers the key; the command that writes entry 2 signs the
    // first checkpoint when it is done; entries 3 to 6 are not due for one.
    for name in ["one", "two", "three", "four", "five"] {
        tokens_create(&data, name);
    }
    let early = dir.path().join("early.json");
    ok(&rosette(
        &data,
        &["audit", "checkpoint", "--out", early.to_str().unwrap()],
    ));
    let cp = read_checkpoint(&early);
    assert_eq!(cp.format, "rosette-audit-checkpoint/v1");
    assert!(cp.key_id.starts_with(&format!("{DID}#z6Mk")), "{cp:?}");
    // The head did not move: the same checkpoint again.
    let again = dir.path().join("again.json");
    ok(&rosette(
        &data,
        &["audit", "checkpoint", "--out", again.to_str().unwrap()],
    ));
    assert_eq!(read_checkpoint(&again), cp);
    assert_eq!(cp.seq, 6);
    let hashes = cp
        .entry_hashes
        .clone()
        .expect("the export lists the entry hashes");
    assert_eq!((hashes.len(), hashes.last()), (6, Some(&cp.hash)));
    // The same file as exported before the hash lists: the head alone.
    let head_only = dir.path().join("head-only.json");
    let mut old = cp.clone();
    old.entry_hashes = None;
    std::fs::write(&head_only, serde_json::to_vec(&old).unwrap()).unwrap();
    for name in ["six", "seven"] {
        tokens_create(&data, name);
    }
    for file in [&early, &head_only] {
        let (code, text) = verify_with(&data, &[file]);
        assert_eq!(code, Some(0), "{text}");
        assert!(
            text.contains("intact") && text.contains("1 checkpoint(s) given"),
            "{text}"
        );
    }

    // Entry 4 rewritten, and the stored checkpoints from 4 on deleted: the
    // one of entry 2 survives.
    block_on(rewrite_history(&sqlite_url(&data), 4, true));
    let (code, text) = verify_with(&data, &[]);
    assert_eq!(code, Some(0), "the chain alone cannot see it: {text}");
    let (code, text) = verify_with(&data, &[&early]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("BROKEN")
            && text.contains("entry 4 differs")
            && text.contains(&hashes[3])
            && text.contains(&early.display().to_string()),
        "{text}"
    );
    // A head-only file narrows it down to the entries after the last
    // stored checkpoint that matches, as before.
    let (code, text) = verify_with(&data, &[&head_only]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("BROKEN") && text.contains("an entry from 3 to 6"),
        "{text}"
    );
    // A list altered in storage cannot make the log pass: its last hash
    // must be the signed one.
    let mut forged = cp.clone();
    if let Some(list) = forged.entry_hashes.as_mut() {
        list[5] = list[4].clone();
    }
    let forged_path = dir.path().join("forged.json");
    std::fs::write(&forged_path, serde_json::to_vec(&forged).unwrap()).unwrap();
    let (code, text) = verify_with(&data, &[&forged_path]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("signed hash of entry 6"), "{text}");
}

#[test]
fn checkpoints_of_a_retired_key_verify_and_altered_or_foreign_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = init(dir.path());
    tokens_create(&data, "before");
    let before = dir.path().join("before.json");
    ok(&rosette(
        &data,
        &["audit", "checkpoint", "--out", before.to_str().unwrap()],
    ));
    ok(&rosette(&data, &["keys", "rotate"]));
    tokens_create(&data, "after");
    let after = dir.path().join("after.json");
    ok(&rosette(
        &data,
        &["audit", "checkpoint", "--out", after.to_str().unwrap()],
    ));
    let (old, new) = (read_checkpoint(&before), read_checkpoint(&after));
    assert_ne!(
        old.key_id, new.key_id,
        "signed by the key after the rotation"
    );
    assert!(new.seq > old.seq);
    let (code, text) = verify_with(&data, &[&before, &after]);
    assert_eq!(code, Some(0), "{text}");

    // Altered after signing: a signed field, or the signature itself.
    let write = |name: &str, c: &SignedCheckpoint| {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec(c).unwrap()).unwrap();
        path
    };
    let mut moved = old.clone();
    moved.seq -= 1;
    let mut resigned = old.clone();
    let last = resigned.signature.pop().unwrap();
    resigned.signature.push(if last == '2' { '3' } else { '2' });
    for (name, altered) in [("moved.json", &moved), ("resigned.json", &resigned)] {
        let (code, text) = verify_with(&data, &[&write(name, altered)]);
        assert_eq!(code, Some(1), "{name}: {text}");
        assert!(
            text.contains("signature does not verify") && text.contains(name),
            "{name}: {text}"
        );
    }
    // Signed by a key this issuer never had.
    let stranger = IssuerKey::did_web(SigningKey::from_bytes(&[9; 32]), DID).unwrap();
    let foreign = old.checkpoint().sign(&stranger);
    let (code, text) = verify_with(&data, &[&write("foreign.json", &foreign)]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("not one of this issuer's keys"), "{text}");
    // Not a checkpoint at all.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, b"{\"seq\": 1}").unwrap();
    let (code, text) = verify_with(&data, &[&junk]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("junk.json") && text.contains("not an audit checkpoint"),
        "{text}"
    );
    // A checkpoint made by hand with a field the signature does not cover.
    let unsigned = Checkpoint {
        seq: new.seq,
        hash: new.hash.clone(),
        time: new.time.clone(),
        key_id: String::new(),
    };
    let mut extra = serde_json::to_value(unsigned.sign(&stranger)).unwrap();
    extra["note"] = json!("added");
    let extra_path = dir.path().join("extra.json");
    std::fs::write(&extra_path, extra.to_string()).unwrap();
    let (code, _) = verify_with(&data, &[&extra_path]);
    assert_eq!(code, Some(2), "unknown fields are refused");
}

#[test]
fn the_admin_route_serves_a_signed_checkpoint_to_admins_only_and_serve_signs_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let process = crate::support::ServerProcess::start(
        &data,
        &[
            ("ROSETTE_AUDIT_CHECKPOINT_EVERY_ENTRIES", "1"),
            ("ROSETTE_AUTH_FAILURES_PER_MINUTE", "0"),
        ],
        &[],
    );
    let client = crate::support::Client::new(process.addr);
    // The server registered its key (entry 1) and signs a checkpoint of it
    // by itself, without any command or request.
    block_on(async {
        let store = SqlStore::connect(&sqlite_url(&data)).await.unwrap();
        let mut waited = 0;
        loop {
            if let Some(c) = store.latest_audit_checkpoint().await.unwrap() {
                assert_eq!(c.seq, store.audit_head().await.unwrap().0);
                break;
            }
            assert!(waited < 100, "no checkpoint after 10 s");
            waited += 1;
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    });
    let path = "/api/v1/admin/audit/checkpoint";
    client.get(path).send().expect(401, None);
    let token = |scope: &str| {
        let out = rosette(
            &data,
            &["tokens", "create", "--name", scope, "--scope", scope],
        );
        ok(&out).trim().to_owned()
    };
    let grader = token("grader");
    client
        .get(path)
        .bearer(Some(&grader))
        .send()
        .expect(403, Some("insufficient_scope"));
    let admin = token("admin");
    let first = client
        .get(path)
        .bearer(Some(&admin))
        .send()
        .expect(200, None);
    let second = client
        .get(path)
        .bearer(Some(&admin))
        .send()
        .expect(200, None);
    let (first, second): (SignedCheckpoint, SignedCheckpoint) = (
        serde_json::from_value(first).unwrap(),
        serde_json::from_value(second).unwrap(),
    );
    // Each read is audited first, so each answer covers it.
    assert!(second.seq > first.seq, "{first:?} {second:?}");
    // The file form: the hash of every entry up to it.
    let listed = second.entry_hashes.as_ref().map(Vec::len);
    assert_eq!(listed, usize::try_from(second.seq).ok(), "{second:?}");
    let file = dir.path().join("served.json");
    std::fs::write(&file, serde_json::to_vec(&second).unwrap()).unwrap();
    let (code, text) = verify_with(&data, &[&file]);
    assert_eq!(code, Some(0), "{text}");
    drop(process);
    // A history rewritten in the middle is reported at its first entry.
    let middle = second.seq / 2 + 1;
    assert!(middle < second.seq);
    block_on(rewrite_history(&sqlite_url(&data), middle, true));
    let (code, text) = verify_with(&data, &[]);
    assert_eq!(code, Some(0), "the chain alone cannot see it: {text}");
    let (code, text) = verify_with(&data, &[&file]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!("entry {middle} differs")) && text.contains("served.json"),
        "{text}"
    );
}
