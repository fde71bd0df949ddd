//! Assessment-gated issuance, renewal, correction and audit, on both backends.

use crate::support::{block_on, fresh_postgres_database, sqlite_url};
use rosette::audit::ChainCheck;
use rosette::catalog::Catalog;
use rosette::clock::FixedClock;
use rosette::issuance::{
    Actor, IssuanceError, IssueOutcome, Issuer, IssuerProfile, LabInput, WrittenInput,
};
use rosette::keys::{IssuerKey, OfflineResolver};
use rosette::proof::Cryptosuite;
use rosette::store::{CredentialState, SqlStore, Store};
use rosette::verification::{self, VerifyContext};
use serde_json::Value;

const CERT: &str = "gitlab-ci-cd-specialist";

pub fn catalog() -> Catalog {
    Catalog::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("badges"))
        .expect("catalog")
}

pub fn test_key() -> IssuerKey {
    let secret =
        rosette::keys::decode_secret_key("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
            .unwrap();
    IssuerKey::did_web(secret, "did:web:certs.example.com").unwrap()
}

/// The test issuer (did:web:certs.example.com, one registered grader).
pub fn issuer<'a>(
    store: &'a SqlStore,
    catalog: &'a Catalog,
    key: &'a IssuerKey,
    clock: &'a FixedClock,
) -> Issuer<'a> {
    Issuer {
        store,
        catalog,
        signer: key,
        profile: IssuerProfile {
            id: "did:web:certs.example.com".into(),
            name: "GitLab Professional Services".into(),
            url: Some("https://about.gitlab.com".into()),
        },
        public_url: "https://certs.example.com".into(),
        clock,
        suite: Cryptosuite::EddsaRdfc2022,
        graders: vec!["grader@example.com".into()],
    }
}

fn written(email: &str, score: f64) -> WrittenInput {
    WrittenInput {
        email: email.into(),
        certification: CERT.into(),
        attempt: 1,
        score,
        assessed_on: "2026-11-20".into(),
        reference: Some("FORM-A".into()),
    }
}

fn lab(email: &str, passed: bool) -> LabInput {
    LabInput {
        email: email.into(),
        certification: CERT.into(),
        attempt: 1,
        passed,
        notes: Some("Pipeline with stages, caching and a review app.".into()),
        assessed_on: "2026-11-22".into(),
    }
}

/// Verifies with the issuer's key and its own status lists from `store`.
pub async fn verify(
    store: &SqlStore,
    doc: &str,
    key: &IssuerKey,
    now: &str,
) -> verification::Report {
    let resolver = OfflineResolver::new().with_method(key.method());
    let now = chrono::DateTime::parse_from_rfc3339(now).unwrap().to_utc();
    let lists = rosette::issuance::revocation::OwnStatusLists::new(
        store,
        "https://certs.example.com",
        None,
    );
    let cache = verification::StatusCache::new();
    verification::verify_bytes(
        doc.as_bytes(),
        VerifyContext::new(&resolver, now).with_status(&lists, &cache),
    )
    .await
}

/// Runs `check` on a fresh SQLite store, then on a fresh PostgreSQL database.
pub(crate) fn on_both(check: impl AsyncFn(SqlStore)) {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        check(SqlStore::connect(&sqlite_url(dir.path())).await.unwrap()).await;
        if let Some(url) = fresh_postgres_database().await {
            check(SqlStore::connect(&url).await.unwrap()).await;
        }
    });
}

#[test]
fn issuance_requires_both_stages_and_is_idempotent() {
    on_both(async |store| {
        let (catalog, key, clock) = (
            catalog(),
            test_key(),
            FixedClock::parse("2026-11-25T12:00:00Z").unwrap(),
        );
        let iss = issuer(&store, &catalog, &key, &clock);
        let admin = Actor::admin("admin@example.com");
        let grader = Actor::grader("grader@example.com");
        iss.register_candidate("Ada Lovelace", "Ada@Example.com ", None, &admin)
            .await
            .unwrap();

        let refuse = |r: Result<IssueOutcome, IssuanceError>| r.unwrap_err().code();
        assert_eq!(
            refuse(iss.issue("ada@example.com", CERT, 1, None, &admin).await),
            "stage_missing"
        );
        // A failing written score is recorded, and issuance says why.
        iss.register_candidate("Bob", "bob@example.com", None, &admin)
            .await
            .unwrap();
        iss.record_written(&written("bob@example.com", 42.0), &admin)
            .await
            .unwrap();
        let e = iss
            .issue("bob@example.com", CERT, 1, None, &admin)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "stage_failed");
        assert!(e.to_string().contains("written"), "{e}");

        iss.record_written(&written("ada@example.com", 91.0), &admin)
            .await
            .unwrap();
        assert!(
            iss.issue("ada@example.com", CERT, 1, None, &admin)
                .await
                .unwrap_err()
                .to_string()
                .contains("lab")
        );
        // Only a registered grader records a lab result.
        assert_eq!(
            iss.record_lab(
                &lab("ada@example.com", true),
                &Actor::grader("someone@example.com")
            )
            .await
            .unwrap_err()
            .code(),
            "not_a_grader"
        );
        assert_eq!(
            iss.record_lab(&lab("ada@example.com", true), &admin)
                .await
                .unwrap_err()
                .code(),
            "not_a_grader"
        );
        iss.record_lab(&lab("ada@example.com", true), &grader)
            .await
            .unwrap();
        // Recording the same result again is harmless; a different one is refused.
        iss.record_lab(&lab("ada@example.com", true), &grader)
            .await
            .unwrap();
        assert_eq!(
            iss.record_lab(&lab("ada@example.com", false), &grader)
                .await
                .unwrap_err()
                .code(),
            "already_recorded"
        );

        let first = iss
            .issue("ada@example.com", CERT, 1, Some("EXAM-77"), &admin)
            .await
            .unwrap();
        let IssueOutcome::Issued(rec) = &first else {
            panic!("expected a new credential")
        };
        let again = iss
            .issue("ADA@example.com", CERT, 1, None, &admin)
            .await
            .unwrap();
        assert_eq!(again, IssueOutcome::AlreadyIssued(rec.clone()));
        // Another holder's external id is a conflict, never their credential
        // (issue 11, item 1; this once answered with Ada's credential).
        iss.register_candidate("Carol", "carol@example.com", None, &admin)
            .await
            .unwrap();
        iss.record_written(&written("carol@example.com", 99.0), &admin)
            .await
            .unwrap();
        iss.record_lab(&lab("carol@example.com", true), &grader)
            .await
            .unwrap();
        let conflict = iss
            .issue("carol@example.com", CERT, 1, Some("EXAM-77"), &admin)
            .await
            .unwrap_err();
        assert_eq!(conflict.code(), "external_id_conflict");
        assert!(!conflict.to_string().contains(&rec.id), "{conflict}");
        // The same attempt with its own external id again is the same credential.
        assert_eq!(
            iss.issue("ada@example.com", CERT, 1, Some("EXAM-77"), &admin)
                .await
                .unwrap(),
            IssueOutcome::AlreadyIssued(rec.clone())
        );

        // The credential: signed, verifies, carries the results and evidence.
        let report = verify(&store, &rec.document, &key, "2026-11-26T00:00:00Z").await;
        assert!(report.verified, "{report:#?}");
        let doc: Value = serde_json::from_str(&rec.document).unwrap();
        assert_eq!(doc["credentialSubject"]["name"], "Ada Lovelace");
        assert_eq!(doc["issuer"]["id"], "did:web:certs.example.com");
        assert_eq!(doc["validFrom"], "2026-11-25T12:00:00Z");
        assert_eq!(doc["validUntil"], "2028-11-25T12:00:00Z");
        let subject = &doc["credentialSubject"];
        assert!(
            !rec.document.contains("ada@example.com"),
            "the e-mail must only appear hashed"
        );
        let ident = &subject["identifier"][0];
        let salt = ident["salt"].as_str().unwrap();
        assert_eq!(
            ident["identityHash"],
            format!(
                "sha256${}",
                hex::encode(sha2::Sha256::digest(format!("ada@example.com{salt}")))
            )
        );
        let results = subject["result"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0]["value"], "91");
        assert_eq!(
            results[0]["resultDescription"],
            "https://certs.example.com/certifications/gitlab-ci-cd-specialist#written"
        );
        let descriptions = subject["achievement"]["resultDescription"]
            .as_array()
            .unwrap();
        for r in results {
            assert!(
                descriptions
                    .iter()
                    .any(|d| d["id"] == r["resultDescription"]),
                "every result is tied to a ResultDescription"
            );
        }
        let evidence = doc["evidence"].as_array().unwrap();
        // The grader by role (none configured: the default), never by e-mail.
        assert!(evidence.iter().any(|e| {
            e["description"]
                .as_str()
                .unwrap_or("")
                .contains("grader: Professional Services engineer.")
        }));
        assert!(!doc.to_string().contains("grader@example.com"), "{doc:#}");
        assert!(
            evidence
                .iter()
                .any(|e| e["narrative"].as_str().unwrap_or("").contains("review app"))
        );
        // Stored exactly as signed.
        assert_eq!(
            store.credential(&rec.id).await.unwrap().unwrap().document,
            rec.document
        );
    });
}

use sha2::Digest as _;

#[test]
fn renewal_and_correction_keep_history() {
    on_both(async |store| {
        let (catalog, key) = (catalog(), test_key());
        let clock = FixedClock::parse("2026-11-25T12:00:00Z").unwrap();
        let iss = issuer(&store, &catalog, &key, &clock);
        let admin = Actor::admin("admin@example.com");
        iss.register_candidate("Grace Hoper", "grace@example.com", None, &admin)
            .await
            .unwrap();
        iss.record_written(&written("grace@example.com", 85.0), &admin)
            .await
            .unwrap();
        iss.record_lab(
            &lab("grace@example.com", true),
            &Actor::grader("grader@example.com"),
        )
        .await
        .unwrap();
        let original = iss
            .issue("grace@example.com", CERT, 1, None, &admin)
            .await
            .unwrap()
            .record()
            .clone();

        // Renewal two years later: a new credential that names the one it renews.
        let later = FixedClock::parse("2028-11-01T09:00:00Z").unwrap();
        let iss_later = issuer(&store, &catalog, &key, &later);
        let renewed = iss_later.renew(&original.id, &admin).await.unwrap();
        let IssueOutcome::Issued(renewed) = renewed else {
            panic!("expected a renewal")
        };
        assert_eq!(renewed.renews.as_deref(), Some(original.id.as_str()));
        assert_eq!(renewed.valid_from, "2028-11-01T09:00:00Z");
        assert_eq!(renewed.valid_until.as_deref(), Some("2030-11-01T09:00:00Z"));
        assert!(
            matches!(iss_later.renew(&original.id, &admin).await.unwrap(), IssueOutcome::AlreadyIssued(r) if r.id == renewed.id)
        );
        assert!(
            verify(&store, &renewed.document, &key, "2028-11-02T00:00:00Z")
                .await
                .verified
        );

        // Correction: a replacement with the right name; the old one is superseded, not deleted.
        let fixed = iss_later
            .correct(&renewed.id, "Grace Hopper", "misspelt surname", &admin)
            .await
            .unwrap();
        let IssueOutcome::Issued(fixed) = fixed else {
            panic!("expected a correction")
        };
        assert_eq!(fixed.replaces.as_deref(), Some(renewed.id.as_str()));
        assert_eq!(fixed.holder_name, "Grace Hopper");
        assert_eq!(
            fixed.valid_until, renewed.valid_until,
            "a correction keeps the validity window"
        );
        let old = store.credential(&renewed.id).await.unwrap().unwrap();
        assert_eq!(old.state, CredentialState::Superseded);
        assert_eq!(old.superseded_by.as_deref(), Some(fixed.id.as_str()));
        assert_eq!(
            iss_later
                .correct(&renewed.id, "G. Hopper", "again", &admin)
                .await
                .unwrap_err()
                .code(),
            "superseded"
        );
        assert_eq!(
            iss_later
                .correct(&fixed.id, "G", "", &admin)
                .await
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        let doc: Value = serde_json::from_str(&fixed.document).unwrap();
        assert_eq!(doc["credentialSubject"]["name"], "Grace Hopper");
        assert_eq!(
            store
                .candidate(fixed.candidate_id.as_deref().unwrap())
                .await
                .unwrap()
                .unwrap()
                .name,
            "Grace Hopper",
            "later issuances use the corrected name"
        );
        // The superseded credential is revoked in the published list.
        assert!(
            !verify(&store, &renewed.document, &key, "2028-11-02T00:00:00Z")
                .await
                .verified
        );
        assert!(
            verify(&store, &fixed.document, &key, "2028-11-02T00:00:00Z")
                .await
                .verified
        );

        // The lineage is queryable from any member, oldest first.
        for member in [&original.id, &renewed.id, &fixed.id] {
            let chain: Vec<String> = rosette::issuance::lineage(&store, member)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect();
            assert_eq!(
                chain,
                vec![original.id.clone(), renewed.id.clone(), fixed.id.clone()],
                "from {member}"
            );
        }
        // Every step is in the audit log, and the chain is intact.
        let entries = store.audit_entries(0, 1000).await.unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        for a in [
            "candidate.register",
            "assessment.written",
            "assessment.lab",
            "credential.issue",
            "credential.renew",
            "credential.correct",
        ] {
            assert!(actions.contains(&a), "{a} missing from {actions:?}");
        }
        let (seq, hash) = store.audit_head().await.unwrap();
        let mut check = ChainCheck::default();
        for e in &entries {
            check.push(e).unwrap();
        }
        check.finish(seq, &hash).unwrap();
    });
}

#[test]
fn bad_input_is_refused_with_its_reason_and_nothing_is_written() {
    on_both(async |store| {
        let (catalog, key) = (catalog(), test_key());
        let clock = FixedClock::parse("2026-11-25T12:00:00Z").unwrap();
        let iss = issuer(&store, &catalog, &key, &clock);
        let admin = Actor::admin("admin@example.com");
        iss.register_candidate("Dee", "dee@example.com", None, &admin)
            .await
            .unwrap();
        let head = store.audit_head().await.unwrap();
        let mut w = written("dee@example.com", 120.0);
        assert_eq!(
            iss.record_written(&w, &admin).await.unwrap_err().code(),
            "invalid_input"
        );
        w.score = 90.0;
        w.certification = "gitlab-kubernetes-wizard".into();
        assert_eq!(
            iss.record_written(&w, &admin).await.unwrap_err().code(),
            "unknown_certification"
        );
        w.certification = CERT.into();
        w.assessed_on = "25/11/2026".into();
        assert_eq!(
            iss.record_written(&w, &admin).await.unwrap_err().code(),
            "invalid_input"
        );
        w.assessed_on = "2026-11-20".into();
        w.email = "nobody@example.com".into();
        assert_eq!(
            iss.record_written(&w, &admin).await.unwrap_err().code(),
            "unknown_candidate"
        );
        assert_eq!(
            iss.register_candidate("X", "not-an-email", None, &admin)
                .await
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(
            iss.register_candidate("", "x@example.com", None, &admin)
                .await
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(
            iss.register_candidate("Bad\u{7}Name", "x@example.com", None, &admin)
                .await
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(
            iss.issue("dee@example.com", CERT, 0, None, &admin)
                .await
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(
            iss.renew("urn:uuid:00000000-0000-4000-8000-000000000000", &admin)
                .await
                .unwrap_err()
                .code(),
            "unknown_credential"
        );
        assert_eq!(
            store.audit_head().await.unwrap(),
            head,
            "refusals write nothing"
        );
    });
}

/// Issue 11, item 3: no assessment dated after tomorrow (UTC, the one day
/// allowed for time zones), no lab before its written stage, no credential
/// issued before its lab — by the single and the bulk entry points alike,
/// and a refusal writes nothing.
#[test]
fn dates_are_checked_with_one_day_for_time_zones() {
    use rosette::issuance::bulk::{BulkOptions, Outcome};
    use rosette::issuance::{StageDates, check_stage_dates};
    on_both(async |store| {
        let (catalog, key) = (catalog(), test_key());
        let clock = FixedClock::parse("2026-11-25T12:00:00Z").unwrap();
        let iss = issuer(&store, &catalog, &key, &clock);
        let admin = Actor::admin("admin@example.com");
        let grader = Actor::grader("grader@example.com");
        iss.register_candidate("Tia", "tia@example.com", None, &admin)
            .await
            .unwrap();
        let head = store.audit_head().await.unwrap();
        let mut w = written("tia@example.com", 90.0);
        w.assessed_on = "2026-11-27".into();
        let e = iss.record_written(&w, &admin).await.unwrap_err();
        assert_eq!(e.code(), "date_in_future");
        assert!(e.to_string().contains("2026-11-26"), "{e}");
        assert_eq!(store.audit_head().await.unwrap(), head, "nothing written");
        // Tomorrow in UTC is today east of it.
        w.assessed_on = "2026-11-26".into();
        iss.record_written(&w, &admin).await.unwrap();
        let mut l = lab("tia@example.com", true);
        l.assessed_on = "2026-11-25".into();
        let e = iss.record_lab(&l, &grader).await.unwrap_err();
        assert_eq!(e.code(), "lab_before_written");
        assert!(e.to_string().contains("2026-11-26"), "{e}");
        l.assessed_on = "2026-11-27".into();
        assert_eq!(
            iss.record_lab(&l, &grader).await.unwrap_err().code(),
            "date_in_future"
        );
        l.assessed_on = "2026-11-26".into();
        iss.record_lab(&l, &grader).await.unwrap();
        iss.issue("tia@example.com", CERT, 1, None, &admin)
            .await
            .unwrap();
        // An issue date more than the allowance before the lab.
        let day = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let dates = |issued| StageDates {
            written: Some("2026-11-20"),
            lab: Some("2026-11-22"),
            issued: Some(day(issued)),
        };
        assert_eq!(
            check_stage_dates(day("2026-11-25"), dates("2026-11-20"))
                .unwrap_err()
                .code(),
            "issued_before_lab"
        );
        check_stage_dates(day("2026-11-25"), dates("2026-11-21")).unwrap();

        // Bulk: the same rules, and a refused row leaves nothing behind.
        let csv = "name,email,certification,written_score,written_date,lab_result,grader,lab_date\n\
                   Uma,uma@example.com,gitlab-ci-cd-specialist,90,2026-11-20,pass,grader@example.com,2026-11-30\n\
                   Vic,vic@example.com,gitlab-ci-cd-specialist,90,2026-11-22,pass,grader@example.com,2026-11-20\n\
                   Wes,wes@example.com,gitlab-ci-cd-specialist,90,2026-11-20,pass,grader@example.com,2026-11-22\n";
        let mut rows = Vec::new();
        let summary = iss
            .import_csv(
                csv.as_bytes(),
                &admin,
                BulkOptions::default(),
                &mut |o| rows.push(o.clone()),
                &mut |_| {},
            )
            .await
            .unwrap();
        assert_eq!((summary.issued, summary.refused), (1, 2), "{rows:?}");
        assert_eq!(rows[0].code, "date_in_future", "{rows:?}");
        assert_eq!(rows[1].code, "lab_before_written", "{rows:?}");
        assert_eq!(rows[2].outcome, Outcome::Issued, "{rows:?}");
        for email in ["uma@example.com", "vic@example.com"] {
            assert!(store.candidate_by_email(email).await.unwrap().is_none());
        }
    });
}

/// Issue 11, items 1 and 2, at the use-case level on both backends: a bulk
/// row with a failed written stage is refused (`stage_failed`, as `assess
/// lab` refuses it) and leaves no candidate and no assessment; a re-run
/// answers a row only with its own credential, and refuses an external id
/// that is another holder's (`external_id_conflict`) without naming them.
#[test]
fn bulk_rows_follow_the_stage_rule_and_match_their_own_credential() {
    use rosette::issuance::bulk::{BulkOptions, Outcome, RowOutcome};
    on_both(async |store| {
        let (catalog, key) = (catalog(), test_key());
        let clock = FixedClock::parse("2026-11-25T12:00:00Z").unwrap();
        let iss = issuer(&store, &catalog, &key, &clock);
        let admin = Actor::admin("admin@example.com");
        // Lee is registered before; Kim is not.
        let lee = iss
            .register_candidate("Lee", "lee@example.com", None, &admin)
            .await
            .unwrap();
        let csv = "name,email,certification,written_score,written_date,lab_result,grader,lab_date,external_id\n\
                   Ivy Chen,ivy@example.com,gitlab-ci-cd-specialist,90,2026-11-20,pass,grader@example.com,2026-11-22,HR-1\n\
                   Kim,kim@example.com,gitlab-ci-cd-specialist,40,2026-11-20,pass,grader@example.com,2026-11-22,HR-2\n\
                   Lee,lee@example.com,gitlab-ci-cd-specialist,40,2026-11-20,pass,grader@example.com,2026-11-22,HR-3\n\
                   Ivy Two,ivy2@example.com,gitlab-ci-cd-specialist,90,2026-11-20,pass,grader@example.com,2026-11-22,HR-1\n";
        let run = async || {
            let mut rows: Vec<RowOutcome> = Vec::new();
            iss.import_csv(
                csv.as_bytes(),
                &admin,
                BulkOptions::default(),
                &mut |o| rows.push(o.clone()),
                &mut |_| {},
            )
            .await
            .unwrap();
            rows
        };
        let first = run().await;
        assert_eq!(first[0].outcome, Outcome::Issued, "{first:?}");
        assert_eq!(first[1].code, "stage_failed", "{first:?}");
        assert_eq!(first[2].code, "stage_failed", "{first:?}");
        assert_eq!(first[3].code, "duplicate_row", "{first:?}");
        let ivy_id = first[0].credential_id.clone();
        for _ in 0..2 {
            let again = run().await;
            assert_eq!(again[0].outcome, Outcome::AlreadyIssued, "{again:?}");
            assert_eq!(again[0].credential_id, ivy_id);
            assert_eq!(again[1].code, "stage_failed", "{again:?}");
            let row = &again[3];
            assert_eq!(row.outcome, Outcome::Refused, "{again:?}");
            assert_eq!(row.code, "external_id_conflict", "{again:?}");
            assert!(row.credential_id.is_empty(), "{row:?}");
            assert!(row.message.contains("HR-1"), "{row:?}");
            for private in [ivy_id.as_str(), "Ivy Chen", "ivy@example.com"] {
                assert!(!row.message.contains(private), "{row:?}");
            }
        }
        // Nothing of the refused rows was kept.
        for email in ["kim@example.com", "ivy2@example.com"] {
            assert!(store.candidate_by_email(email).await.unwrap().is_none());
        }
        assert!(
            store
                .assessments(&lee.id, CERT, 1)
                .await
                .unwrap()
                .is_empty()
        );
        // A single issuance with another issuance's external id is refused too.
        let e = iss
            .issue("lee@example.com", CERT, 1, Some("HR-1"), &admin)
            .await
            .unwrap_err();
        assert!(matches!(e, IssuanceError::ExternalIdConflict(_)), "{e}");
    });
}
