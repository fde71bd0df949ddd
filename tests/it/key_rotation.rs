//! Key rotation with retired keys kept published: the key history in the
//! store (`rosette::issuance::keys`, on both backends), and `rosette keys
//! rotate|list` end to end — credentials signed before and after a rotation
//! both verify offline, a node with a stale key file refuses to sign, an
//! interrupted rotation is finished by running it again.

use crate::support::{block_on, fresh_postgres_database, ok, rosette, sqlite_url};
use rosette::audit::ChainCheck;
use rosette::clock::FixedClock;
use rosette::issuance::keys::{ACTION_REGISTERED, ACTION_ROTATED, key_history, rotate};
use rosette::issuance::{Actor, IssuanceError};
use rosette::keys::{SigningKey, VerifyingKey, public_key_multibase};
use rosette::store::{SqlStore, Store};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

const GRADER: &str = "grader@example.com";
const DID: &str = "did:web:certs.example.com";
const CERT: &str = "gitlab-ci-cd-specialist";

fn secret(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn key(seed: u8) -> VerifyingKey {
    secret(seed).verifying_key()
}

fn mb(seed: u8) -> String {
    public_key_multibase(&key(seed))
}

fn now() -> chrono::DateTime<chrono::Utc> {
    FixedClock::parse("2026-11-25T12:00:00Z").unwrap().0
}

fn admin() -> Actor {
    Actor::admin("cli:test")
}

/// Runs `check` against a fresh SQLite store and a fresh PostgreSQL store.
fn on_both(check: impl AsyncFn(SqlStore)) {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        check(SqlStore::connect(&sqlite_url(dir.path())).await.unwrap()).await;
        if let Some(url) = fresh_postgres_database().await {
            check(SqlStore::connect(&url).await.unwrap()).await;
        }
    });
}

/// The `key_file` refusal's message.
fn refusal(result: Result<impl std::fmt::Debug, IssuanceError>) -> String {
    match result {
        Err(IssuanceError::Invalid {
            field: "key_file",
            message,
        }) => message,
        other => panic!("expected a key_file refusal, got {other:?}"),
    }
}

async fn audit_actions(store: &SqlStore) -> Vec<(String, String, String)> {
    store
        .audit_entries(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.subject, e.details))
        .collect()
}

#[test]
fn the_first_key_is_registered_then_only_the_current_key_is_accepted() {
    on_both(async |store| {
        let history = key_history(&store, &key(1), now(), &admin()).await.unwrap();
        assert_eq!(history.keys(), &[key(1)]);
        assert_eq!(
            audit_actions(&store).await,
            vec![(
                ACTION_REGISTERED.to_owned(),
                mb(1),
                format!("{{\"publicKeyMultibase\":\"{}\"}}", mb(1))
            )]
        );
        // Opening again writes nothing.
        assert_eq!(
            key_history(&store, &key(1), now(), &admin()).await.unwrap(),
            history
        );
        assert_eq!(store.audit_head().await.unwrap().0, 1);

        // A grader may not rotate; a key used before cannot come back.
        assert!(matches!(
            rotate(&store, &key(1), &key(2), now(), &Actor::grader(GRADER)).await,
            Err(IssuanceError::Forbidden(_))
        ));
        assert!(
            refusal(rotate(&store, &key(1), &key(1), now(), &admin()).await)
                .contains("used before")
        );

        let rotated = rotate(&store, &key(1), &key(2), now(), &admin())
            .await
            .unwrap();
        assert_eq!(rotated.keys(), &[key(2), key(1)]);
        assert_eq!(
            key_history(&store, &key(2), now(), &admin()).await.unwrap(),
            rotated
        );
        let rotated = rotate(&store, &key(2), &key(3), now(), &admin())
            .await
            .unwrap();
        assert_eq!(rotated.current(), &key(3));
        assert_eq!(
            rotated.retired(),
            &[key(2), key(1)],
            "most recently retired first"
        );

        // The did:web document lists every key, current first (did:web "Update").
        let doc = rotated.did_web_document(DID);
        let ids: Vec<&str> = doc["assertionMethod"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let expected: Vec<String> = [3, 2, 1]
            .iter()
            .map(|s| format!("{DID}#{}", mb(*s)))
            .collect();
        assert_eq!(ids, expected);

        // Stale and unknown keys are refused, saying which key is current.
        for stale in [1, 2] {
            let message = refusal(key_history(&store, &key(stale), now(), &admin()).await);
            assert!(
                message.contains("holds a retired issuer key")
                    && message.contains(&mb(stale))
                    && message.contains(&mb(3))
                    && message.contains("copy the current key file"),
                "{message}"
            );
        }
        let message = refusal(key_history(&store, &key(9), now(), &admin()).await);
        assert!(
            message.contains("not one of this issuer's keys") && message.contains(&mb(3)),
            "{message}"
        );
        // A stale node cannot rotate either, and nothing is written.
        let head = store.audit_head().await.unwrap();
        refusal(rotate(&store, &key(1), &key(4), now(), &admin()).await);
        assert_eq!(store.audit_head().await.unwrap(), head);
        assert_eq!(store.issuer_keys().await.unwrap().len(), 3);

        // The audit log names public keys only, and its chain holds.
        let entries = store.audit_entries(0, 1000).await.unwrap();
        let rotations: Vec<Value> = entries
            .iter()
            .filter(|e| e.action == ACTION_ROTATED)
            .map(|e| serde_json::from_str(&e.details).unwrap())
            .collect();
        assert_eq!(
            rotations,
            vec![
                serde_json::json!({ "retired": mb(1), "current": mb(2) }),
                serde_json::json!({ "retired": mb(2), "current": mb(3) }),
            ]
        );
        for seed in [1u8, 2, 3] {
            let seed_hex = hex::encode([seed; 32]);
            assert!(entries.iter().all(|e| !e.details.contains(&seed_hex)));
        }
        let (seq, hash) = store.audit_head().await.unwrap();
        let mut check = ChainCheck::default();
        for e in &entries {
            check.push(e).unwrap();
        }
        assert_eq!(check.finish(seq, &hash), Ok(3));
    });
}

#[test]
fn two_nodes_registering_different_keys_at_once_agree_on_one() {
    on_both(async |store| {
        let store = std::sync::Arc::new(store);
        let tasks: Vec<_> = [1u8, 2]
            .into_iter()
            .map(|seed| {
                let store = store.clone();
                tokio::spawn(async move {
                    key_history(&*store, &key(seed), now(), &admin())
                        .await
                        .map(|h| *h.current())
                })
            })
            .collect();
        let mut winners = Vec::new();
        let mut refused = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(k) => winners.push(k),
                Err(IssuanceError::Invalid {
                    field: "key_file", ..
                }) => refused += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!((winners.len(), refused), (1, 1));
        let keys = store.issuer_keys().await.unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(
            keys[0].public_key_multibase,
            public_key_multibase(&winners[0])
        );
        assert_eq!(store.audit_head().await.unwrap().0, 1);
    });
}

// ---- the command line ----

/// One node: a data directory; all nodes of a test share `db`.
struct Node {
    data: PathBuf,
    db: String,
}

impl Node {
    fn run(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec!["--database-url", self.db.as_str()];
        all.extend_from_slice(args);
        rosette(&self.data, &all)
    }

    fn init(dir: &Path, name: &str, db: &str) -> Node {
        let node = Node {
            data: dir.join(name),
            db: db.to_owned(),
        };
        ok(&node.run(&[
            "init",
            "--public-url",
            "https://certs.example.com",
            "--grader",
            GRADER,
        ]));
        node
    }

    fn key_file(&self) -> PathBuf {
        self.data.join("keys/issuer.pem")
    }

    /// Records both stages for `email` and issues.
    fn issue(&self, email: &str, name: &str) -> std::process::Output {
        ok(&self.run(&[
            "assess",
            "written",
            "--email",
            email,
            "--name",
            name,
            "--certification",
            CERT,
            "--score",
            "91",
            "--date",
            "2026-11-20",
        ]));
        ok(&self.run(&[
            "assess",
            "lab",
            "--email",
            email,
            "--certification",
            CERT,
            "--result",
            "pass",
            "--grader",
            GRADER,
            "--date",
            "2026-11-22",
        ]));
        self.run(&[
            "issue",
            "--email",
            email,
            "--certification",
            CERT,
            "--out",
            "-",
        ])
    }

    fn issued(&self, email: &str, name: &str) -> (PathBuf, Value) {
        let out = ok(&self.issue(email, name));
        // `--out -` prints the id line, then the credential JSON.
        let json = &out[out.find('{').expect("credential JSON on stdout")..];
        let doc: Value = serde_json::from_str(json).unwrap();
        let path = self.data.join(format!("{email}.json"));
        std::fs::write(&path, json).unwrap();
        (path, doc)
    }

    fn keys_json(&self) -> Value {
        serde_json::from_str(&ok(&self.run(&["keys", "list", "--json"]))).unwrap()
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn signing_method(doc: &Value) -> &str {
    let proof = &doc["proof"];
    let proof = if proof.is_array() { &proof[0] } else { proof };
    proof["verificationMethod"].as_str().unwrap()
}

/// The multibase public key of a PEM key file.
fn file_key(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    public_key_multibase(
        &rosette::keys::decode_secret_key(&text)
            .unwrap()
            .verifying_key(),
    )
}

/// Runs a node pair on PostgreSQL when the test server is there, else on one SQLite file.
fn shared_database(dir: &Path) -> String {
    block_on(fresh_postgres_database()).unwrap_or_else(|| sqlite_url(dir))
}

#[test]
fn rotation_keeps_old_credentials_verifying_and_stale_nodes_refuse_to_sign() {
    let dir = tempfile::tempdir().unwrap();
    let db = shared_database(dir.path());
    let a = Node::init(dir.path(), "a", &db);
    let (before_path, before) = a.issued("lin@example.com", "Lin Wu");
    let old_key = file_key(&a.key_file());
    let old_pem = std::fs::read(a.key_file()).unwrap();
    assert_eq!(signing_method(&before), format!("{DID}#{old_key}"));

    // Node b was set up with its own key: not one of the issuer's keys.
    let b = Node::init(dir.path(), "b", &db);
    let out = b.run(&[
        "issue",
        "--email",
        "lin@example.com",
        "--certification",
        CERT,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("not one of this issuer's keys") && err.contains(&old_key),
        "{err}"
    );
    // With a copy of a's key file it signs (the key file's mode is kept private).
    std::fs::copy(a.key_file(), b.key_file()).unwrap();
    ok(&b.issue("ana@example.com", "Ana Lima"));

    // Rotate on a.
    let out = a.run(&["keys", "rotate"]);
    let method = ok(&out).trim().to_owned();
    let new_key = file_key(&a.key_file());
    assert_ne!(new_key, old_key);
    assert_eq!(method, format!("{DID}#{new_key}"));
    let note = stderr(&out);
    assert!(note.contains("restart") && note.contains("copy"), "{note}");
    assert_eq!(mode(&a.key_file()), 0o600);
    let archived = a.data.join(format!("keys/retired/{old_key}.pem"));
    assert_eq!(
        std::fs::read(&archived).unwrap(),
        old_pem,
        "moved byte for byte"
    );
    assert_eq!(mode(&archived), 0o600);
    assert!(!a.data.join("keys/issuer.pem.next").exists());

    let (after_path, after) = a.issued("kim@example.com", "Kim Park");
    assert_eq!(signing_method(&after), format!("{DID}#{new_key}"));
    // Both verify offline, with the history from the database.
    for path in [&before_path, &after_path] {
        let out = a.run(&["verify", path.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    // keys list: one current, one retired, as did:web method ids.
    let text = ok(&a.run(&["keys", "list"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(&format!("{DID}#{new_key}  current  added ")),
        "{text}"
    );
    assert!(
        lines[1].starts_with(&format!("{DID}#{old_key}  retired  added ")),
        "{text}"
    );
    assert!(lines[1].contains(" retired 20"), "{text}");
    let listed = a.keys_json();
    assert_eq!(listed["controller"], DID);
    let states: Vec<(&str, &str)> = listed["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["publicKeyMultibase"].as_str().unwrap(),
                k["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        vec![(new_key.as_str(), "current"), (old_key.as_str(), "retired")]
    );
    assert_eq!(listed["keys"][0]["id"], format!("{DID}#{new_key}"));
    assert_eq!(listed["keys"][0]["retiredAt"], Value::Null);
    assert_eq!(listed["keyFile"]["state"], "current");

    // Node b still has the old key: it refuses to sign, and says what to do.
    let out = b.run(&[
        "issue",
        "--email",
        "lin@example.com",
        "--certification",
        CERT,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&b.key_file().display().to_string())
            && err.contains("holds a retired issuer key")
            && err.contains(&new_key)
            && err.contains("copy the current key file"),
        "{err}"
    );
    assert_eq!(b.keys_json()["keyFile"]["state"], "retired");
    // b's `verify` trusts the whole history too.
    ok(&b.run(&["verify", after_path.to_str().unwrap()]));
    // b cannot rotate from its stale key.
    let out = b.run(&["keys", "rotate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("holds a retired issuer key"),
        "{}",
        stderr(&out)
    );
    // With the new key file, b signs again.
    std::fs::copy(a.key_file(), b.key_file()).unwrap();
    ok(&b.issue("joe@example.com", "Joe Bloggs"));

    // The audit chain holds, and records the rotation without secrets.
    let out = ok(&a.run(&["audit", "verify"]));
    assert!(out.contains("audit log intact"), "{out}");
    let audit = ok(&a.run(&["audit", "list"]));
    assert!(
        audit.contains("\"key.registered\"") && audit.contains("\"key.rotated\""),
        "{audit}"
    );
    let old_body: String = String::from_utf8(old_pem)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let new_body: String = std::fs::read_to_string(a.key_file())
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert!(!audit.contains(&old_body) && !audit.contains(&new_body));
}

/// Writes a PKCS#8 PEM key file with mode 0600 (what `keys rotate` writes).
fn write_key(path: &Path, key: &SigningKey) {
    let pem = rosette::keys::encode_pkcs8_pem(key).unwrap();
    std::fs::write(path, pem.as_bytes()).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn an_interrupted_rotation_is_finished_by_running_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_url(dir.path());
    let a = Node::init(dir.path(), "a", &db);
    ok(&a.run(&["keys", "list"])); // no key registered yet: nothing to list
    assert_eq!(a.keys_json()["keyFile"]["state"], "unregistered");
    let old_pem = std::fs::read(a.key_file()).unwrap();
    let old = rosette::keys::decode_secret_key(std::str::from_utf8(&old_pem).unwrap())
        .unwrap()
        .verifying_key();
    let pending = a.data.join("keys/issuer.pem.next");

    // A run that stopped before recording the rotation left a `.next` file
    // the database does not know: nothing is changed, the message says what to do.
    write_key(&pending, &secret(7));
    let out = a.run(&["keys", "rotate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("does not know") && err.contains(&format!("delete {}", pending.display())),
        "{err}"
    );
    assert_eq!(std::fs::read(a.key_file()).unwrap(), old_pem);
    assert!(pending.exists(), "never deleted automatically");
    std::fs::remove_file(&pending).unwrap();

    // A run that stopped after recording the rotation, before installing the key.
    block_on(async {
        let store = SqlStore::connect(&db).await.unwrap();
        rotate(&store, &old, &key(8), now(), &admin())
            .await
            .unwrap();
    });
    write_key(&pending, &secret(8));
    let out = a.run(&["credentials", "list"]);
    assert_eq!(out.status.code(), Some(2), "the stale key file is refused");
    let err = stderr(&out);
    assert!(
        err.contains("holds a retired issuer key")
            && err.contains("interrupted `rosette keys rotate`"),
        "{err}"
    );
    let out = a.run(&["keys", "rotate"]);
    assert_eq!(ok(&out).trim(), format!("{DID}#{}", mb(8)));
    assert!(stderr(&out).contains("finished an interrupted rotation"));
    assert_eq!(file_key(&a.key_file()), mb(8));
    assert_eq!(mode(&a.key_file()), 0o600);
    assert!(!pending.exists());
    let archived = a
        .data
        .join(format!("keys/retired/{}.pem", public_key_multibase(&old)));
    assert_eq!(std::fs::read(&archived).unwrap(), old_pem);
    assert_eq!(mode(&archived), 0o600);
    ok(&a.run(&["credentials", "list"]));
    ok(&a.run(&["audit", "verify"]));
}

/// A running server follows a rotation made elsewhere (here by the CLI on
/// the same database): within its refresh interval its did.json lists both
/// keys, and it stops signing with its retired key (503 `key_retired`)
/// while verification of old credentials goes on.
#[test]
fn a_running_server_follows_a_rotation_made_by_another_process() {
    use crate::support::{Client, ServerProcess};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&rosette(&data, &["init", "--grader", GRADER]));
    let server = ServerProcess::start(&data, &[], &[]);
    let token = ok(&rosette(
        &data,
        &["tokens", "create", "--name", "ops", "--scope", "admin"],
    ));
    let token = token
        .split_whitespace()
        .find(|w| w.starts_with("rst_"))
        .unwrap()
        .to_owned();
    let did = |addr| -> Value { Client::new(addr).get("/.well-known/did.json").send().json() };
    assert_eq!(
        did(server.addr)["verificationMethod"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let revoke = |addr| {
        Client::new(addr)
            .post("/api/v1/admin/credentials/urn:uuid:00000000-0000-4000-8000-000000000000/revoke")
            .bearer(Some(&token))
            .body("application/json", br#"{"reason":"test"}"#)
            .send()
    };
    assert_eq!(
        revoke(server.addr).status,
        404,
        "the key is current: the call gets to the lookup"
    );

    ok(&rosette(&data, &["keys", "rotate"]));
    let deadline = std::time::Instant::now()
        + rosette::web::keyring::KEY_REFRESH_INTERVAL
        + std::time::Duration::from_secs(5);
    while did(server.addr)["verificationMethod"]
        .as_array()
        .unwrap()
        .len()
        < 2
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the server never picked up the rotation"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let doc = did(server.addr);
    assert_eq!(doc["assertionMethod"].as_array().unwrap().len(), 2);
    let r = revoke(server.addr);
    assert_eq!(r.status, 503, "{}", r.text());
    let problem: Value = r.json();
    assert_eq!(problem["code"], "key_retired");
    assert!(server.stderr().contains("retired"), "{}", server.stderr());
}
