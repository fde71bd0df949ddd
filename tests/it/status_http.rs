//! Published lists over real HTTP on 127.0.0.1:0: headers, 304, and a
//! verifier that fetches them as a third party would.

use crate::support::{Client, block_on, sqlite_url};
use rosette::clock::FixedClock;
use rosette::fetch::{FetchPolicy, HttpFetcher};
use rosette::issuance::revocation::StatusChange;
use rosette::issuance::{Actor, Issuer, IssuerProfile, LabInput, WrittenInput};
use rosette::keys::OfflineResolver;
use rosette::proof::Cryptosuite;
use rosette::store::SqlStore;
use rosette::verification::{self, StatusCache, VerifyContext};
use std::sync::Arc;

#[test]
fn lists_are_served_with_cache_headers_and_verified_by_a_remote_verifier() {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::connect(&sqlite_url(dir.path())).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = rosette::web::AppState::new(Arc::new(store.clone()), None);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(rosette::web::serve(
            listener,
            rosette::web::router(state),
            async {
                let _ = stopped.await;
            },
        ));

        let public_url = Client::new(addr).url("");
        let secret =
            rosette::keys::decode_secret_key("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
                .unwrap();
        let did = rosette::keys::did_web_from_base_url(&public_url).unwrap();
        let key = rosette::keys::IssuerKey::did_web(secret, &did).unwrap();
        let (catalog, clock) = (
            crate::issuance::catalog(),
            FixedClock::parse("2026-11-25T12:00:00Z").unwrap(),
        );
        let iss = Issuer {
            store: &store,
            catalog: &catalog,
            signer: &key,
            profile: IssuerProfile {
                id: did.clone(),
                name: "GitLab Professional Services".into(),
                url: None,
            },
            public_url: public_url.clone(),
            clock: &clock,
            suite: Cryptosuite::EddsaRdfc2022,
            graders: vec!["grader@example.com".into()],
        };
        let admin = Actor::admin("admin");
        iss.register_candidate("Remote Reader", "rr@example.com", None, &admin)
            .await
            .unwrap();
        iss.record_written(
            &WrittenInput {
                email: "rr@example.com".into(),
                certification: "gitlab-certified-associate".into(),
                attempt: 1,
                score: 99.0,
                assessed_on: "2026-11-01".into(),
                reference: None,
            },
            &admin,
        )
        .await
        .unwrap();
        iss.record_lab(
            &LabInput {
                email: "rr@example.com".into(),
                certification: "gitlab-certified-associate".into(),
                attempt: 1,
                passed: true,
                notes: None,
                assessed_on: "2026-11-02".into(),
            },
            &Actor::grader("grader@example.com"),
        )
        .await
        .unwrap();
        let rec = iss
            .issue(
                "rr@example.com",
                "gitlab-certified-associate",
                1,
                None,
                &admin,
            )
            .await
            .unwrap()
            .record()
            .clone();

        // Headers: application/vc, Cache-Control matching the 300 s ttl, ETag, 304.
        let client = Client::new(addr);
        let response =
            tokio::task::spawn_blocking(move || client.get("/status/revocation-1").send())
                .await
                .unwrap();
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(response.header("content-type"), Some("application/vc"));
        assert_eq!(
            response.header("cache-control"),
            Some("public, max-age=300")
        );
        let etag = response.header("etag").unwrap().to_owned();
        let again = tokio::task::spawn_blocking(move || {
            client
                .get("/status/revocation-1")
                .header("If-None-Match", &etag)
                .send()
        })
        .await
        .unwrap();
        assert_eq!(again.status, 304, "{}", again.head);
        // What the W3C suites' document loader asks for: the same list as
        // JSON-LD, under a tag of its own (RFC 9110 §8.8.3); the vc tag
        // does not make it a 304.
        let vc_etag = response.header("etag").unwrap().to_owned();
        let loader = tokio::task::spawn_blocking(move || {
            client
                .get("/status/revocation-1")
                .header("Accept", "application/ld+json, application/json")
                .header("If-None-Match", &vc_etag)
                .send()
        })
        .await
        .unwrap();
        assert_eq!(loader.status, 200, "{}", loader.head);
        assert_eq!(loader.header("content-type"), Some("application/ld+json"));
        assert_eq!(loader.header("vary"), Some("Accept"));
        assert_eq!(loader.json(), response.json(), "the same list");
        assert_ne!(loader.header("etag"), response.header("etag"));
        let missing = tokio::task::spawn_blocking(move || client.get("/status/nope").send())
            .await
            .unwrap();
        assert_eq!(missing.status, 404, "{}", missing.head);

        // A verifier that knows nothing but the issuer's key fetches the lists over HTTP.
        // The lists are on this machine: loopback must be allowed.
        let fetcher = HttpFetcher::new(FetchPolicy {
            allow_loopback: true,
            ..FetchPolicy::default()
        })
        .unwrap();
        let resolver = OfflineResolver::new().with_method(key.method());
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-26T00:00:00Z")
            .unwrap()
            .to_utc();
        let cache = StatusCache::new();
        let report = verification::verify_bytes(
            rec.document.as_bytes(),
            VerifyContext::new(&resolver, now).with_status(&fetcher, &cache),
        )
        .await;
        assert!(report.verified, "{report:#?}");

        iss.change_status(&rec.id, StatusChange::Revoke, "test", &admin)
            .await
            .unwrap();
        let fresh = StatusCache::new();
        let report = verification::verify_bytes(
            rec.document.as_bytes(),
            VerifyContext::new(&resolver, now).with_status(&fetcher, &fresh),
        )
        .await;
        assert!(!report.verified);
        assert!(
            report.checks.iter().any(|c| c.code == "revoked"),
            "{report:#?}"
        );

        let _ = stop.send(());
        server.await.unwrap().unwrap();
    });
}
