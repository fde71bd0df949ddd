//! Expiry ahead of time (issue 15 §3), with fixed clocks on both backends:
//! exactly the right credentials are listed — current, not revoked, not
//! renewed, `validUntil` inside the window — and the pass raises
//! `credential.expiring` once per credential and window, however often it
//! runs.

use crate::issuance::{catalog, issuer, test_key};
use crate::support::{block_on, sqlite_url};
use rosette::catalog::Catalog;
use rosette::clock::FixedClock;
use rosette::fetch::{FetchPolicy, HttpFetcher};
use rosette::issuance::revocation::StatusChange;
use rosette::issuance::webhooks::NewSubscription;
use rosette::issuance::{Actor, IssueOutcome, LabInput, WrittenInput};
use rosette::keys::IssuerKey;
use rosette::store::{DeliveryFilter, SqlStore, Store};
use std::collections::BTreeMap;

const GRADER: &str = "grader@example.com";

/// Issues `cert` to `email` at `when` (both stages passed the days before).
pub(crate) async fn issue_at(
    store: &SqlStore,
    catalog: &Catalog,
    key: &IssuerKey,
    when: &str,
    email: &str,
    cert: &str,
) -> String {
    let clock = FixedClock::parse(when).unwrap();
    let iss = issuer(store, catalog, key, &clock);
    let admin = Actor::admin("admin@example.com");
    let day = |back: i64| {
        (clock.0 - chrono::Duration::days(back))
            .format("%Y-%m-%d")
            .to_string()
    };
    iss.register_candidate(email, email, None, &admin)
        .await
        .unwrap();
    iss.record_written(
        &WrittenInput {
            email: email.into(),
            certification: cert.into(),
            attempt: 1,
            score: 90.0,
            assessed_on: day(3),
            reference: None,
        },
        &admin,
    )
    .await
    .unwrap();
    iss.record_lab(
        &LabInput {
            email: email.into(),
            certification: cert.into(),
            attempt: 1,
            passed: true,
            notes: None,
            assessed_on: day(2),
        },
        &Actor::grader(GRADER),
    )
    .await
    .unwrap();
    match iss.issue(email, cert, 1, None, &admin).await.unwrap() {
        IssueOutcome::Issued(r) => r.id,
        other => panic!("{other:?}"),
    }
}

fn ids(list: &[rosette::issuance::expiry::ExpiringCredential]) -> Vec<String> {
    list.iter().map(|c| c.record.id.clone()).collect()
}

/// Expiring events raised so far, per credential id.
async fn expiring_events(store: &SqlStore) -> BTreeMap<String, usize> {
    let filter = DeliveryFilter {
        limit: 1000,
        ..DeliveryFilter::default()
    };
    let mut out = BTreeMap::new();
    for d in store.webhook_deliveries(&filter).await.unwrap() {
        if d.event_type == "credential.expiring" {
            *out.entry(d.credential_id).or_default() += 1;
        }
    }
    out
}

async fn check(store: SqlStore) {
    let (catalog, key) = (catalog(), test_key());
    let admin = Actor::admin("admin@example.com");
    let cert = "gitlab-ci-cd-specialist";
    // Every certification is valid 24 months.
    let expired = issue_at(
        &store,
        &catalog,
        &key,
        "2024-11-01T09:00:00Z",
        "expired@example.com",
        cert,
    )
    .await;
    let soon = issue_at(
        &store,
        &catalog,
        &key,
        "2025-01-10T09:00:00Z",
        "soon@example.com",
        cert,
    )
    .await;
    let revoked = issue_at(
        &store,
        &catalog,
        &key,
        "2025-01-15T09:00:00Z",
        "revoked@example.com",
        cert,
    )
    .await;
    let renewed = issue_at(
        &store,
        &catalog,
        &key,
        "2025-01-12T09:00:00Z",
        "renewed@example.com",
        cert,
    )
    .await;
    let suspended = issue_at(
        &store,
        &catalog,
        &key,
        "2025-01-20T09:00:00Z",
        "suspended@example.com",
        "gitlab-certified-associate",
    )
    .await;
    let later = issue_at(
        &store,
        &catalog,
        &key,
        "2025-02-20T09:00:00Z",
        "later@example.com",
        cert,
    )
    .await;
    let far = issue_at(
        &store,
        &catalog,
        &key,
        "2025-06-01T09:00:00Z",
        "far@example.com",
        cert,
    )
    .await;

    let clock = FixedClock::parse("2026-10-01T00:00:00Z").unwrap();
    let iss = issuer(&store, &catalog, &key, &clock);
    // A subscription to every expiring event (never delivered here: no worker runs).
    let fetcher = HttpFetcher::new(FetchPolicy {
        allow_loopback: true,
        ..FetchPolicy::default()
    })
    .unwrap();
    iss.add_webhook(
        NewSubscription {
            url: "http://127.0.0.1:9/hooks".into(),
            events: vec!["credential.expiring".into()],
            ..NewSubscription::default()
        },
        &fetcher,
        &admin,
    )
    .await
    .unwrap();
    iss.change_status(&revoked, StatusChange::Revoke, "test", &admin)
        .await
        .unwrap();
    iss.change_status(&suspended, StatusChange::Suspend, "test", &admin)
        .await
        .unwrap();
    let IssueOutcome::Issued(renewal) = iss.renew(&renewed, &admin).await.unwrap() else {
        panic!("renewed")
    };

    // 2026-12-01: the 60-day window ends 2027-01-30.
    let clock = FixedClock::parse("2026-12-01T00:00:00Z").unwrap();
    let iss = issuer(&store, &catalog, &key, &clock);
    let list = iss.expiring(60, &admin).await.unwrap();
    assert_eq!(ids(&list), [soon.clone(), suspended.clone()], "{list:#?}");
    assert!(list[1].suspended && !list[0].suspended);
    assert_eq!(list[0].days_left, 40);
    assert_eq!(list[0].holder_email, "soon@example.com");
    assert!(!ids(&list).contains(&expired) && !ids(&list).contains(&renewal.id));
    // Wider windows take in the later ones, in validUntil order.
    assert_eq!(
        ids(&iss.expiring(90, &admin).await.unwrap()),
        [soon.clone(), suspended.clone(), later.clone()]
    );
    assert!(iss.expiring(30, &admin).await.unwrap().is_empty());
    // Only admins.
    assert!(iss.expiring(60, &Actor::grader(GRADER)).await.is_err());

    // The pass, twice: one event per credential.
    let first = iss.warn_expiring(&[60, 30], &admin).await.unwrap();
    assert_eq!(
        first,
        [(60, vec![soon.clone(), suspended.clone()]), (30, vec![])]
    );
    let again = iss.warn_expiring(&[60, 30], &admin).await.unwrap();
    assert_eq!(again, [(60, vec![]), (30, vec![])]);
    let events = expiring_events(&store).await;
    assert_eq!(
        events,
        BTreeMap::from([(soon.clone(), 1), (suspended.clone(), 1)])
    );

    // 2026-12-15: the 30-day window (to 2027-01-14) now holds `soon` (01-10)
    // but not `suspended` (01-20); the 60-day window (to 2027-02-13) adds nothing new.
    let clock = FixedClock::parse("2026-12-15T00:00:00Z").unwrap();
    let iss = issuer(&store, &catalog, &key, &clock);
    let second = iss.warn_expiring(&[60, 30], &admin).await.unwrap();
    assert_eq!(second, [(60, vec![]), (30, vec![soon.clone()])]);
    // 2026-12-25: `later` (2027-02-20) enters the 60-day window, `suspended` the 30-day one.
    let clock = FixedClock::parse("2026-12-25T00:00:00Z").unwrap();
    let iss = issuer(&store, &catalog, &key, &clock);
    let third = iss.warn_expiring(&[60, 30], &admin).await.unwrap();
    assert_eq!(
        third,
        [(60, vec![later.clone()]), (30, vec![suspended.clone()])]
    );
    assert!(
        iss.warn_expiring(&[60, 30], &admin)
            .await
            .unwrap()
            .iter()
            .all(|(_, w)| w.is_empty())
    );
    let events = expiring_events(&store).await;
    assert_eq!(
        events,
        BTreeMap::from([(soon, 2), (suspended, 2), (later, 1)])
    );
    assert!(!events.contains_key(&far) && !events.contains_key(&revoked));
}

#[test]
fn exactly_the_expiring_credentials_are_listed_and_warned_about_once_per_window() {
    crate::issuance::on_both(check);
}

/// The server's pass at start, the CLI and the admin API on a real data
/// directory: a credential issued 24 months less 20 days ago (by the
/// library, with a fixed clock) is listed by the CLI and the API, and the
/// server's first pass posts one `credential.expiring` per window to a
/// subscribed receiver; the CLI's own pass then finds nothing new.
#[test]
fn the_server_pass_the_cli_and_the_admin_api_agree() {
    use crate::support::{Client, ServerProcess, ok, rosette_with};
    use crate::webhooks::{Receiver, wait_until};
    use rosette::clock::Clock as _;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("node");
    let envs = [
        ("ROSETTE_GRADERS", GRADER),
        ("ROSETTE_RATE_LIMIT_PER_MINUTE", "0"),
        ("ROSETTE_FETCH_ALLOW_LOOPBACK", "true"),
        ("ROSETTE_WEBHOOK_POLL_MS", "100"),
    ];
    ok(&rosette_with(&data, &envs, &["init"]));
    let now = rosette::clock::SystemClock.now();
    let issued = (now - chrono::Months::new(24) + chrono::Duration::days(20))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let id = block_on(async {
        let store = SqlStore::connect(&sqlite_url(&data)).await.unwrap();
        issue_at(
            &store,
            &catalog(),
            &test_key(),
            &issued,
            "soon@example.com",
            "gitlab-ci-cd-specialist",
        )
        .await
    });
    let receiver = Receiver::start();
    let secret = ok(&rosette_with(
        &data,
        &envs,
        &[
            "webhooks",
            "add",
            &receiver.url(),
            "--event",
            "credential.expiring",
        ],
    ));
    assert!(secret.trim().starts_with("whsec_"), "{secret}");
    let listed = ok(&rosette_with(
        &data,
        &envs,
        &[
            "credentials",
            "expiring",
            "--within",
            "60d",
            "--json",
            "--dry-run",
        ],
    ));
    let lines: Vec<serde_json::Value> = listed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{listed}");
    assert_eq!(lines[0]["id"], serde_json::json!(id));
    assert!(
        (18..=20).contains(&lines[0]["daysLeft"].as_i64().unwrap()),
        "{listed}"
    );
    assert!(
        ok(&rosette_with(
            &data,
            &envs,
            &["credentials", "expiring", "--within", "2w", "--dry-run"]
        ))
        .is_empty()
    );

    let server = ServerProcess::start(&data, &envs, &[]);
    // The pass at start: one event per configured window (60 and 30 days).
    wait_until(20, "two expiring events", || receiver.received().len() >= 2);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut windows: Vec<i64> = receiver
        .received()
        .iter()
        .map(|r| {
            let b: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(b["type"], "credential.expiring");
            assert_eq!(b["data"]["credentialId"], serde_json::json!(id));
            b["data"]["windowDays"].as_i64().unwrap()
        })
        .collect();
    windows.sort();
    assert_eq!(windows, [30, 60]);
    let token = ok(&rosette_with(
        &data,
        &envs,
        &["tokens", "create", "--name", "hr", "--scope", "admin"],
    ));
    let api = Client::new(server.addr)
        .get("/api/v1/admin/credentials/expiring?within=60d")
        .bearer(Some(token.trim()))
        .send()
        .expect(200, None);
    assert_eq!(api["within_days"], 60);
    assert_eq!(api["credentials"][0]["id"], serde_json::json!(id));
    assert_eq!(api["credentials"].as_array().unwrap().len(), 1);
    Client::new(server.addr)
        .get("/api/v1/admin/credentials/expiring?within=soon")
        .bearer(Some(token.trim()))
        .send()
        .expect(422, Some("invalid_input"));
    // The CLI's pass for the 60-day window finds it already warned about.
    let out = rosette_with(
        &data,
        &envs,
        &["credentials", "expiring", "--within", "60d"],
    );
    ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("0 newly warned"),
        "{out:?}"
    );
}

/// The public page of a current certification tells its holder, within
/// 30 days of `validUntil`, when it expires and how to renew (the
/// catalog's `renewal` text), or links to the renewal already issued;
/// further out, it says nothing of the kind.
#[test]
fn the_page_of_a_certification_expiring_within_30_days_says_how_to_renew() {
    use crate::verify_api::{NOW, SECRET, TestServer};
    use rosette::keys::SigningKey;
    let server = TestServer::start();
    let soon = server.issue("Soon Expiring", SECRET, "2024-12-10T12:00:00Z");
    let later = server.issue("Later Expiring", SECRET, "2025-01-20T12:00:00Z");
    let renewed = server.issue("Renewed Holder", SECRET, "2024-12-12T12:00:00Z");
    let renewal = {
        let catalog = catalog();
        let key = IssuerKey::did_web(SigningKey::from_bytes(&SECRET), &server.did).unwrap();
        let clock = FixedClock::parse(NOW).unwrap();
        let iss = server.issuer(&catalog, &key, &clock);
        match server
            .rt
            .block_on(iss.renew(&renewed, &Actor::admin("admin")))
            .unwrap()
        {
            IssueOutcome::Issued(r) => r.id,
            other => panic!("{other:?}"),
        }
    };
    let page = |id: &str| {
        let uuid = id.strip_prefix("urn:uuid:").unwrap();
        server.client.get(&format!("/v/{uuid}")).send().text()
    };
    let html = page(&soon);
    assert!(html.contains("id=\"renewal\""), "{html}");
    assert!(html.contains("Expires in 15 days"), "{html}");
    assert!(
        html.contains("ask the GitLab certification team to renew your GitLab Certified Associate certification"),
        "the catalog's renewal text: {html}"
    );
    assert!(!page(&later).contains("id=\"renewal\""));
    let html = page(&renewed);
    assert!(html.contains("it has been renewed"), "{html}");
    let renewal_uuid = renewal.strip_prefix("urn:uuid:").unwrap();
    assert!(
        html.contains(&format!("href=\"/v/{renewal_uuid}\"")),
        "{html}"
    );
    // The renewal itself is good for 24 months: no notice.
    assert!(!page(&renewal).contains("id=\"renewal\""));
}
