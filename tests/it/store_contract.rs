//! ONE contract test suite, run against SQLite and against PostgreSQL.

use crate::support::{block_on, fresh_postgres_database, sqlite_url};
use rosette::audit::{AuditDraft, ChainCheck};
use rosette::store::{
    AssessmentKind, AssessmentRecord, CandidateRecord, CredentialFilter, CredentialKind,
    CredentialRecord, CredentialState, IssuerKeyRecord, IssuerKeyState, SqlStore, Store,
    StoreError,
};
use serde_json::json;

const AT: &str = "2026-11-25T12:00:00Z";

fn candidate(n: u32) -> CandidateRecord {
    CandidateRecord {
        id: format!("cand-{n}"),
        name: format!("Candidate {n}"),
        email: format!("c{n}@example.com"),
        external_id: None,
        created_at: AT.into(),
    }
}

fn assessment(c: &CandidateRecord, kind: AssessmentKind) -> AssessmentRecord {
    AssessmentRecord {
        id: format!("{}-{}", c.id, kind.as_str()),
        candidate_id: c.id.clone(),
        certification: "gitlab-ci-cd-specialist".into(),
        attempt: 1,
        kind,
        score: (kind == AssessmentKind::Written).then_some(91.5),
        pass_mark: (kind == AssessmentKind::Written).then_some(80.0),
        passed: true,
        grader: (kind == AssessmentKind::Lab).then(|| "grader@example.com".into()),
        notes: None,
        reference: None,
        assessed_on: "2026-11-20".into(),
        recorded_at: AT.into(),
        recorded_by: "test".into(),
    }
}

fn credential(c: &CandidateRecord, n: u32) -> CredentialRecord {
    CredentialRecord {
        id: format!("urn:uuid:00000000-0000-4000-8000-{n:012}"),
        kind: CredentialKind::Certification,
        candidate_id: Some(c.id.clone()),
        certification: "gitlab-ci-cd-specialist".into(),
        attempt: 1,
        issuance_key: format!("issue:{}:gitlab-ci-cd-specialist:{n}", c.id),
        external_id: Some(format!("EXT-{n}")),
        holder_name: c.name.clone(),
        issued_at: format!("2026-11-25T12:00:{:02}Z", n % 60),
        valid_from: AT.into(),
        valid_until: Some("2028-11-25T12:00:00Z".into()),
        state: CredentialState::Active,
        renews: None,
        replaces: None,
        superseded_by: None,
        document: format!("{{\"id\":\"{n}\",\"name\":\"ünïcode ✓\"}}"),
    }
}

/// Runs `check` against a fresh SQLite store and a fresh PostgreSQL store.
fn on_both(check: impl AsyncFn(SqlStore)) {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        check(
            SqlStore::connect(&sqlite_url(dir.path()))
                .await
                .expect("sqlite store"),
        )
        .await;
        if let Some(url) = fresh_postgres_database().await {
            check(SqlStore::connect(&url).await.expect("postgres store")).await;
        }
    });
}

#[test]
fn migrations_are_applied_once_with_the_same_names() {
    on_both(async |store| {
        assert_eq!(
            store.applied_migrations().await.unwrap(),
            vec![
                "0001_initial".to_owned(),
                "0002_status_lists".to_owned(),
                "0003_api_tokens".to_owned(),
                "0004_issuer_keys".to_owned(),
                "0005_holder_search".to_owned(),
                "0006_status_changed_at".to_owned(),
                "0007_audit_checkpoints".to_owned(),
                "0008_generic_credentials".to_owned(),
                "0009_webhooks".to_owned(),
                "0010_console_sessions".to_owned(),
                "0011_bulk_jobs".to_owned(),
                "0012_wallet_claims".to_owned()
            ]
        );
    });
    // Re-opening applies nothing twice.
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(dir.path());
        drop(SqlStore::connect(&url).await.unwrap());
        let again = SqlStore::connect(&url).await.unwrap();
        assert_eq!(
            again.applied_migrations().await.unwrap().len(),
            rosette::store::migrations::SQLITE.len()
        );
    });
}

#[test]
fn candidates_assessments_and_credentials_round_trip() {
    on_both(async |store| {
        let c = candidate(1);
        let mut tx = store.begin().await.unwrap();
        tx.insert_candidates(std::slice::from_ref(&c))
            .await
            .unwrap();
        tx.insert_assessments(&[
            assessment(&c, AssessmentKind::Written),
            assessment(&c, AssessmentKind::Lab),
        ])
        .await
        .unwrap();
        tx.insert_credentials(&[credential(&c, 1)]).await.unwrap();
        tx.commit().await.unwrap();

        assert_eq!(
            store.candidate_by_email("c1@example.com").await.unwrap(),
            Some(c.clone())
        );
        assert_eq!(store.candidate(&c.id).await.unwrap(), Some(c.clone()));
        let assessments = store
            .assessments(&c.id, "gitlab-ci-cd-specialist", 1)
            .await
            .unwrap();
        assert_eq!(assessments.len(), 2);
        assert!(assessments.contains(&assessment(&c, AssessmentKind::Written)));
        assert!(assessments.contains(&assessment(&c, AssessmentKind::Lab)));
        let stored = store.credential(&credential(&c, 1).id).await.unwrap();
        assert_eq!(
            stored,
            Some(credential(&c, 1)),
            "the signed document must come back byte for byte"
        );

        let mut tx = store.begin().await.unwrap();
        let by_key = tx
            .credentials_by_keys(&[credential(&c, 1).issuance_key], &[])
            .await
            .unwrap();
        let by_ext = tx
            .credentials_by_keys(&[], &["EXT-1".into()])
            .await
            .unwrap();
        assert_eq!(by_key, by_ext);
        assert_eq!(by_key.len(), 1);
    });
}

#[test]
fn uniqueness_is_enforced_and_a_failed_transaction_leaves_nothing() {
    on_both(async |store| {
        let c = candidate(2);
        let mut tx = store.begin().await.unwrap();
        tx.insert_candidates(std::slice::from_ref(&c))
            .await
            .unwrap();
        tx.insert_assessments(&[assessment(&c, AssessmentKind::Written)])
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // Same stage of the same attempt twice.
        let mut tx = store.begin().await.unwrap();
        let mut again = assessment(&c, AssessmentKind::Written);
        again.id = "other".into();
        assert!(matches!(
            tx.insert_assessments(&[again]).await,
            Err(StoreError::Conflict(_))
        ));
        drop(tx);

        // A transaction dropped without commit writes nothing: credential, audit entry.
        let mut tx = store.begin().await.unwrap();
        tx.insert_credentials(&[credential(&c, 2)]).await.unwrap();
        tx.append_audit(
            &[AuditDraft::new("t", "credential.issue", "x", json!({}))],
            AT,
        )
        .await
        .unwrap();
        drop(tx);
        assert_eq!(store.credential(&credential(&c, 2).id).await.unwrap(), None);
        assert_eq!(store.audit_head().await.unwrap().0, 0);

        // Duplicate issuance key or external id.
        let mut tx = store.begin().await.unwrap();
        tx.insert_credentials(&[credential(&c, 3)]).await.unwrap();
        tx.commit().await.unwrap();
        let mut dup = credential(&c, 4);
        dup.issuance_key = credential(&c, 3).issuance_key;
        let mut tx = store.begin().await.unwrap();
        assert!(matches!(
            tx.insert_credentials(&[dup]).await,
            Err(StoreError::Conflict(_))
        ));
        drop(tx);
        let mut dup = credential(&c, 5);
        dup.external_id = Some("EXT-3".into());
        let mut tx = store.begin().await.unwrap();
        assert!(matches!(
            tx.insert_credentials(&[dup]).await,
            Err(StoreError::Conflict(_))
        ));
        drop(tx);
        // A duplicate candidate e-mail.
        let mut tx = store.begin().await.unwrap();
        let mut twin = candidate(2);
        twin.id = "twin".into();
        assert!(matches!(
            tx.insert_candidates(&[twin]).await,
            Err(StoreError::Conflict(_))
        ));
    });
}

#[test]
fn supersede_only_active_and_list_filters() {
    on_both(async |store| {
        let c = candidate(3);
        let mut tx = store.begin().await.unwrap();
        tx.insert_candidates(std::slice::from_ref(&c))
            .await
            .unwrap();
        let (a, mut b) = (credential(&c, 10), credential(&c, 11));
        b.replaces = Some(a.id.clone());
        b.holder_name = "Zoë O'Brien_%".into();
        tx.insert_credentials(&[a.clone(), b.clone()])
            .await
            .unwrap();
        tx.supersede(&a.id, &b.id).await.unwrap();
        assert!(matches!(
            tx.supersede(&a.id, &b.id).await,
            Err(StoreError::Conflict(_))
        ));
        tx.commit().await.unwrap();

        let old = store.credential(&a.id).await.unwrap().unwrap();
        assert_eq!(old.state, CredentialState::Superseded);
        assert_eq!(old.superseded_by.as_deref(), Some(b.id.as_str()));

        let all = store
            .list_credentials(&CredentialFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            all.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
            vec![b.id.clone(), a.id.clone()],
            "newest first"
        );
        let active = store
            .list_credentials(&CredentialFilter {
                state: Some(CredentialState::Active),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(active.len(), 1);
        // LIKE wildcards in the search text are literal.
        for (needle, hits) in [
            ("zoë", 1),
            ("_%", 1),
            ("%", 1),
            ("candidate", 1),
            ("nobody", 0),
        ] {
            let found = store
                .list_credentials(&CredentialFilter {
                    holder_contains: Some(needle.into()),
                    limit: 10,
                    ..Default::default()
                })
                .await
                .unwrap();
            assert_eq!(found.len(), hits, "holder contains {needle:?}");
        }
    });
}

#[test]
fn the_audit_chain_grows_one_writer_at_a_time() {
    on_both(async |store| {
        // Concurrent writers, each appending in its own transaction.
        let store = std::sync::Arc::new(store);
        let mut tasks = Vec::new();
        for w in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..5 {
                    let mut tx = store.begin().await.unwrap();
                    tx.append_audit(
                        &[AuditDraft::new(
                            format!("w{w}"),
                            "test",
                            format!("{w}/{i}"),
                            json!({"i": i}),
                        )],
                        AT,
                    )
                    .await
                    .unwrap();
                    tx.commit().await.unwrap();
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let (seq, hash) = store.audit_head().await.unwrap();
        assert_eq!(seq, 40);
        let entries = store.audit_entries(0, 1000).await.unwrap();
        let mut check = ChainCheck::default();
        for e in &entries {
            check.push(e).unwrap();
        }
        assert_eq!(check.finish(seq, &hash), Ok(40));
    });
}

/// `(public key, state, retired_at)` of every stored issuer key, in the store's order.
async fn key_rows(store: &SqlStore) -> Vec<(String, IssuerKeyState, Option<String>)> {
    store
        .issuer_keys()
        .await
        .unwrap()
        .into_iter()
        .map(|r: IssuerKeyRecord| (r.public_key_multibase, r.state, r.retired_at))
        .collect()
}

#[test]
fn issuer_keys_have_one_current_and_retired_keys_most_recent_first() {
    use IssuerKeyState::{Current, Retired};
    const T1: &str = "2026-01-01T00:00:00Z";
    on_both(async |store| {
        assert_eq!(store.issuer_keys().await.unwrap(), vec![]);
        let mut tx = store.begin().await.unwrap();
        tx.add_issuer_key("zKey1", T1).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.issuer_keys().await.unwrap(),
            vec![IssuerKeyRecord {
                public_key_multibase: "zKey1".into(),
                state: Current,
                added_at: T1.into(),
                retired_at: None,
            }]
        );

        // A second current key is refused; retiring a key that is not current too.
        let mut tx = store.begin().await.unwrap();
        assert!(matches!(
            tx.add_issuer_key("zKey2", AT).await,
            Err(StoreError::Conflict(_))
        ));
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        assert!(matches!(
            tx.retire_issuer_key("zKey2", AT).await,
            Err(StoreError::NotFound(_))
        ));
        drop(tx);

        // Two rotations in the same second: the order still comes from the
        // order of addition, not from the timestamps.
        for (old, new) in [("zKey1", "zKey2"), ("zKey2", "zKey3")] {
            let mut tx = store.begin().await.unwrap();
            tx.retire_issuer_key(old, AT).await.unwrap();
            tx.add_issuer_key(new, AT).await.unwrap();
            tx.commit().await.unwrap();
        }
        let after = vec![
            ("zKey3".to_owned(), Current, None),
            ("zKey2".to_owned(), Retired, Some(AT.to_owned())),
            ("zKey1".to_owned(), Retired, Some(AT.to_owned())),
        ];
        assert_eq!(key_rows(&store).await, after);
        assert_eq!(store.issuer_keys().await.unwrap()[2].added_at, T1);

        // A retired key never becomes current again; the failed rotation,
        // dropped, leaves everything as it was (the retirement rolled back).
        let mut tx = store.begin().await.unwrap();
        tx.retire_issuer_key("zKey3", AT).await.unwrap();
        assert!(matches!(
            tx.add_issuer_key("zKey1", AT).await,
            Err(StoreError::Conflict(_))
        ));
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        tx.retire_issuer_key("zKey3", AT).await.unwrap();
        tx.add_issuer_key("zKey4", AT).await.unwrap();
        drop(tx);
        assert_eq!(key_rows(&store).await, after);

        // The schema itself holds the rules, whoever writes.
        for (what, sql) in [
            (
                "a second current key",
                "INSERT INTO issuer_keys (public_key_multibase, seq, state, added_at) \
                 VALUES ('zOther', 99, 'current', '2026-01-01T00:00:00Z')",
            ),
            (
                "a retired key without retired_at",
                "INSERT INTO issuer_keys (public_key_multibase, seq, state, added_at) \
                 VALUES ('zOther', 99, 'retired', '2026-01-01T00:00:00Z')",
            ),
            (
                "a current key with retired_at",
                "UPDATE issuer_keys SET retired_at = '2026-01-01T00:00:00Z' WHERE state = 'current'",
            ),
            (
                "an unknown state",
                "UPDATE issuer_keys SET state = 'lost' WHERE seq = 1",
            ),
        ] {
            assert!(
                sqlx::raw_sql(sql)
                    .execute(store.dangerous_pool())
                    .await
                    .is_err(),
                "{:?}: {what} must be refused",
                store.backend()
            );
        }
        assert_eq!(key_rows(&store).await, after);
    });
}

fn generic_credential(n: u32) -> CredentialRecord {
    CredentialRecord {
        id: format!("https://university.example/credentials/{n}"),
        kind: CredentialKind::Generic,
        candidate_id: None,
        certification: String::new(),
        attempt: 0,
        issuance_key: format!("generic:https://university.example/credentials/{n}"),
        external_id: None,
        holder_name: "Ünïcode Holder".into(),
        issued_at: AT.into(),
        valid_from: AT.into(),
        valid_until: None,
        state: CredentialState::Active,
        renews: None,
        replaces: None,
        superseded_by: None,
        document: format!("{{\"id\":\"{n}\"}}"),
    }
}

#[test]
fn generic_credentials_are_stored_without_a_candidate_and_filtered_by_kind() {
    on_both(async |store| {
        let c = candidate(1);
        let mut tx = store.begin().await.unwrap();
        tx.insert_candidates(std::slice::from_ref(&c))
            .await
            .unwrap();
        tx.insert_credentials(&[credential(&c, 1), generic_credential(2)])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.credential(&generic_credential(2).id).await.unwrap(),
            Some(generic_credential(2))
        );
        let kind = |kind| CredentialFilter {
            kind: Some(kind),
            limit: 10,
            ..CredentialFilter::default()
        };
        let generic = store
            .list_credentials(&kind(CredentialKind::Generic))
            .await
            .unwrap();
        assert_eq!(generic, vec![generic_credential(2)]);
        let certs = store
            .list_credentials(&kind(CredentialKind::Certification))
            .await
            .unwrap();
        assert_eq!(certs, vec![credential(&c, 1)]);
        // The search (joined with candidates) lists both; a generic one has no e-mail.
        let hits = store
            .search_credentials(&rosette::store::CredentialSearch {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(hits.len(), 2);
        let hit = hits
            .iter()
            .find(|h| h.record.kind == CredentialKind::Generic)
            .unwrap();
        assert_eq!(hit.holder_email, "");
        let found = store
            .search_credentials(&rosette::store::CredentialSearch {
                kind: Some(CredentialKind::Generic),
                text: Some("ünïcode".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        // Kind and candidate go together.
        let mut orphan = credential(&c, 3);
        orphan.candidate_id = None;
        let mut owned = generic_credential(4);
        owned.candidate_id = Some(c.id.clone());
        for bad in [orphan, owned] {
            let mut tx = store.begin().await.unwrap();
            assert!(
                tx.insert_credentials(std::slice::from_ref(&bad))
                    .await
                    .is_err(),
                "{bad:?}"
            );
        }
    });
}

/// Applies the migrations before 0008 by hand to an empty database and
/// fills it, as a Rosette of the previous release left it.
async fn database_at_0007(url: &str, backend: &[rosette::store::migrations::Migration]) {
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    let url = if url.starts_with("sqlite") {
        format!("{url}?mode=rwc")
    } else {
        url.to_owned()
    };
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    let raw = |sql: String| sqlx::raw_sql(sqlx::AssertSqlSafe(sql));
    raw("CREATE TABLE rosette_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)".into())
        .execute(&mut conn)
        .await
        .unwrap();
    for m in backend.iter().take_while(|m| m.name < "0008") {
        raw(m.sql.to_owned()).execute(&mut conn).await.unwrap();
        raw(format!(
            "INSERT INTO rosette_migrations (name, applied_at) VALUES ('{}', 'migrated')",
            m.name
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    raw(format!(
        "INSERT INTO candidates (id, name, email, external_id, created_at) VALUES ('cand-1', 'Ada', 'ada@example.com', NULL, '{AT}');
         INSERT INTO credentials (id, candidate_id, certification, attempt, issuance_key, external_id, holder_name, issued_at, valid_from, valid_until, state, renews, replaces, superseded_by, document, holder_search)
         VALUES ('urn:uuid:1', 'cand-1', 'gitlab-ci-cd-specialist', 1, 'issue:cand-1:x:1', 'EXT-1', 'Ada', '{AT}', '{AT}', NULL, 'superseded', NULL, NULL, NULL, '{{\"a\":1}}', 'ada');
         INSERT INTO credentials (id, candidate_id, certification, attempt, issuance_key, external_id, holder_name, issued_at, valid_from, valid_until, state, renews, replaces, superseded_by, document, holder_search)
         VALUES ('urn:uuid:2', 'cand-1', 'gitlab-ci-cd-specialist', 1, 'correct:urn:uuid:1', NULL, 'Ada L.', '{AT}', '{AT}', '2028-01-01T00:00:00Z', 'active', NULL, 'urn:uuid:1', NULL, '{{\"a\":2}}', 'ada l.');
         UPDATE credentials SET superseded_by = 'urn:uuid:2' WHERE id = 'urn:uuid:1';
         INSERT INTO status_lists (id, purpose, size, allocated, permutation_key, created_at) VALUES ('revocation-1', 'revocation', 131072, 2, 'ab', '{AT}');
         INSERT INTO status_entries (list_id, idx, credential_id, purpose, value, changed_at) VALUES ('revocation-1', 17, 'urn:uuid:1', 'revocation', 1, '{AT}');
         INSERT INTO status_entries (list_id, idx, credential_id, purpose, value, changed_at) VALUES ('revocation-1', 99, 'urn:uuid:2', 'revocation', 0, NULL);
         INSERT INTO api_tokens (id, name, scope, token_hash, created_at, revoked_at) VALUES ('t1', 'ops', 'admin', 'h1', '{AT}', NULL);"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
}

#[test]
fn a_database_at_migration_0007_with_data_migrates_losslessly() {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut urls = vec![(sqlite_url(dir.path()), rosette::store::migrations::SQLITE)];
        if let Some(url) = fresh_postgres_database().await {
            urls.push((url, rosette::store::migrations::POSTGRES));
        }
        for (url, migrations) in urls {
            database_at_0007(&url, migrations).await;
            let store = SqlStore::connect(&url).await.expect("migrates");
            assert_eq!(
                store.applied_migrations().await.unwrap().len(),
                migrations.len()
            );
            let old = store.credential("urn:uuid:1").await.unwrap().unwrap();
            let new = store.credential("urn:uuid:2").await.unwrap().unwrap();
            assert_eq!(old.kind, CredentialKind::Certification);
            assert_eq!(old.candidate_id.as_deref(), Some("cand-1"));
            assert_eq!(old.state, CredentialState::Superseded);
            assert_eq!(old.superseded_by.as_deref(), Some("urn:uuid:2"));
            assert_eq!(old.external_id.as_deref(), Some("EXT-1"));
            assert_eq!(old.document, "{\"a\":1}");
            assert_eq!(new.replaces.as_deref(), Some("urn:uuid:1"));
            assert_eq!(new.valid_until.as_deref(), Some("2028-01-01T00:00:00Z"));
            let entries = store.status_entries("urn:uuid:1").await.unwrap();
            assert_eq!(entries.len(), 1);
            assert_eq!((entries[0].idx, entries[0].value), (17, true));
            assert_eq!(entries[0].changed_at.as_deref(), Some(AT));
            assert_eq!(store.status_entries("urn:uuid:2").await.unwrap().len(), 1);
            let hits = store
                .search_credentials(&rosette::store::CredentialSearch {
                    text: Some("ada l".into()),
                    limit: 10,
                    ..Default::default()
                })
                .await
                .unwrap();
            assert_eq!(hits.len(), 1);
            assert_eq!(hits[0].holder_email, "ada@example.com");
            let tokens = store.tokens().await.unwrap();
            assert_eq!(tokens.len(), 1);
            assert_eq!(tokens[0].scope, "admin");
            // References are still enforced after the rebuild, and the new
            // scope is accepted.
            let mut tx = store.begin().await.unwrap();
            assert!(
                tx.insert_status_entries(&[rosette::store::StatusEntryRecord {
                    list_id: "revocation-1".into(),
                    idx: 5,
                    credential_id: "urn:uuid:missing".into(),
                    purpose: "revocation".into(),
                    value: false,
                    changed_at: None,
                }])
                .await
                .is_err()
            );
            drop(tx);
            let mut renewal = generic_credential(1);
            renewal.renews = Some("urn:uuid:missing".into());
            let mut tx = store.begin().await.unwrap();
            assert!(
                tx.insert_credentials(std::slice::from_ref(&renewal))
                    .await
                    .is_err()
            );
            drop(tx);
            let mut tx = store.begin().await.unwrap();
            tx.insert_token(&rosette::store::TokenRecord {
                id: "t2".into(),
                name: "lms".into(),
                scope: "issuer".into(),
                token_hash: "h2".into(),
                created_at: AT.into(),
                revoked_at: None,
            })
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
    });
}
