//! Bulk issuance throughput (criterion): CSV rows signed, stored and audited
//! per second, on SQLite (and on PostgreSQL when ROSETTE_BENCH_POSTGRES_URL
//! names a server), with the cost of building and signing the same
//! credentials alone as the same-run baseline.
//!
//! Run: `cargo bench --bench bulk`. The 100,000-row run with peak memory is
//! `./scripts/bench-bulk` (see BENCHMARKS.md).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rosette::catalog::Catalog;
use rosette::clock::FixedClock;
use rosette::issuance::bulk::BulkOptions;
use rosette::issuance::{Actor, Issuer, IssuerProfile};
use rosette::keys::IssuerKey;
use rosette::proof::Cryptosuite;
use rosette::store::{AssessmentKind, AssessmentRecord, CandidateRecord, SqlStore};

const ROWS: usize = 1000;
const SLUGS: [&str; 4] = [
    "gitlab-certified-associate",
    "gitlab-innersourcing-specialist",
    "gitlab-ci-cd-specialist",
    "gitlab-project-management-specialist",
];

fn csv(rows: usize) -> String {
    let mut s = String::from(
        "name,email,certification,written_score,written_date,lab_result,grader,lab_date,external_id\n",
    );
    for i in 0..rows {
        s.push_str(&format!(
            "Candidate {i},c{i}@example.com,{},{},2026-11-20,pass,grader@example.com,2026-11-22,EXT-{i}\n",
            SLUGS[i % 4],
            80 + i % 21
        ));
    }
    s
}

fn benches(c: &mut Criterion) {
    let catalog = Catalog::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("badges"))
        .expect("catalog");
    let secret =
        rosette::keys::decode_secret_key("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
            .expect("key");
    let key = IssuerKey::did_web(secret, "did:web:certs.example.com").expect("key");
    let clock = FixedClock::parse("2026-11-25T12:00:00Z").expect("clock");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let input = csv(ROWS);
    let admin = Actor::admin("bench");
    let mut group = c.benchmark_group("bulk");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));

    // Baseline: building and signing the same number of credentials, nothing stored.
    {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = rt
            .block_on(SqlStore::connect(&format!(
                "sqlite://{}",
                dir.path().join("b.db").display()
            )))
            .expect("store");
        let issuer = Issuer {
            store: &store,
            catalog: &catalog,
            signer: &key,
            profile: IssuerProfile {
                id: "did:web:certs.example.com".into(),
                name: "GitLab Professional Services".into(),
                url: None,
            },
            public_url: "https://certs.example.com".into(),
            clock: &clock,
            suite: Cryptosuite::EddsaRdfc2022,
            graders: vec!["grader@example.com".into()],
        };
        let cert = catalog
            .get("gitlab-ci-cd-specialist")
            .expect("certification");
        let candidate = CandidateRecord {
            id: "c".into(),
            name: "Candidate".into(),
            email: "c@example.com".into(),
            external_id: None,
            created_at: "2026-11-25T12:00:00Z".into(),
        };
        let written = AssessmentRecord {
            id: "w".into(),
            candidate_id: "c".into(),
            certification: cert.slug.to_string(),
            attempt: 1,
            kind: AssessmentKind::Written,
            score: Some(90.0),
            pass_mark: Some(80.0),
            passed: true,
            grader: None,
            notes: None,
            reference: None,
            assessed_on: "2026-11-20".into(),
            recorded_at: "2026-11-25T12:00:00Z".into(),
            recorded_by: "bench".into(),
        };
        let lab = AssessmentRecord {
            id: "l".into(),
            kind: AssessmentKind::Lab,
            score: None,
            pass_mark: None,
            grader: Some("grader@example.com".into()),
            ..written.clone()
        };
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
            .expect("date")
            .to_utc();
        group.bench_function(format!("sign_only_{ROWS}_credentials/one_thread"), |b| {
            b.iter(|| {
                for i in 0..ROWS {
                    let id = format!("urn:uuid:00000000-0000-4000-8000-{i:012}");
                    issuer
                        .credential_document(
                            cert,
                            &candidate,
                            "Candidate",
                            &written,
                            &lab,
                            now,
                            &id,
                            None,
                            &[],
                            None,
                        )
                        .expect("sign");
                }
            })
        });
    }

    let mut targets: Vec<(&str, Option<String>)> = vec![("sqlite", None)];
    if let Ok(url) = std::env::var("ROSETTE_BENCH_POSTGRES_URL") {
        targets.push(("postgres", Some(url)));
    }
    for (name, pg) in targets {
        group.bench_function(format!("import_{ROWS}_rows/{name}"), |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let url = match &pg {
                        Some(admin_url) => fresh_pg(&rt, admin_url),
                        None => format!("sqlite://{}", dir.path().join("bench.db").display()),
                    };
                    let store = rt.block_on(SqlStore::connect(&url)).expect("store");
                    (dir, store)
                },
                |(_dir, store)| {
                    let issuer = Issuer {
                        store: &store,
                        catalog: &catalog,
                        signer: &key,
                        profile: IssuerProfile {
                            id: "did:web:certs.example.com".into(),
                            name: "GitLab Professional Services".into(),
                            url: None,
                        },
                        public_url: "https://certs.example.com".into(),
                        clock: &clock,
                        suite: Cryptosuite::EddsaRdfc2022,
                        graders: vec!["grader@example.com".into()],
                    };
                    let summary = rt
                        .block_on(issuer.import_csv(
                            input.as_bytes(),
                            &admin,
                            BulkOptions::default(),
                            &mut |_| {},
                            &mut |_| {},
                        ))
                        .expect("import");
                    assert_eq!(summary.issued, ROWS as u64);
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn fresh_pg(rt: &tokio::runtime::Runtime, admin: &str) -> String {
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    let name = format!("rosette_bench_{}", uuid::Uuid::new_v4().simple());
    rt.block_on(async {
        let mut conn = sqlx::AnyConnection::connect(admin).await.expect("postgres");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create database");
    });
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    format!("{base}/{name}")
}

criterion_group!(bulk_benches, benches);
criterion_main!(bulk_benches);
