//! The README's security text states the limits the code has: each number
//! below is read from the code (a default or a constant, or measured, as
//! the fetch budget's size) and must appear in README.md as written, so a
//! limit changed in one place and not the other fails here. What each limit
//! does is tested where it is enforced (named in each row).

use crate::support::{block_on, sqlite_url};
use rosette::audit::CheckpointPolicy;
use rosette::fetch::FetchPolicy;
use rosette::issuance::checkpoints::CHECKPOINT_POLL;
use rosette::web::outbound::{FETCH_BUDGET_BURST, FETCH_BUDGET_PER_MINUTE, FETCH_CONCURRENCY};
use rosette::web::rate_limit::RateLimiter;
use rosette::web::{AppState, DEFAULT_MAX_BODY_BYTES, ServerOptions};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

/// README.md with every run of white space made one space.
fn readme() -> String {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `n` bytes as the README writes sizes: "16 MiB", "1 MiB".
fn mib(n: usize) -> String {
    assert_eq!(n % (1024 * 1024), 0, "{n} is not a whole number of MiB");
    format!("{} MiB", n / (1024 * 1024))
}

/// How many fetches a fresh client may start at one instant.
fn budget_at_once() -> usize {
    let budget = RateLimiter::new(FETCH_BUDGET_PER_MINUTE, FETCH_BUDGET_BURST);
    let (client, now) = (IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), Instant::now());
    (0..10_000)
        .take_while(|_| budget.check(client, now).is_ok())
        .count()
}

#[test]
fn the_security_section_states_the_limits_the_code_has() {
    let readme = readme();
    let fetch = FetchPolicy::default();
    let server = ServerOptions::default();
    let dir = tempfile::tempdir().unwrap();
    let config = rosette::config::Config::defaults(dir.path());
    let checkpoints = CheckpointPolicy::default();
    // (what the README says, enforced and tested in)
    let claims = [
        // fetch::tests::default_policy, ssrf::*
        format!(
            "a {} s connect timeout, a {} s total timeout, a {} cap, at most {} redirects and no proxy",
            fetch.connect_timeout.as_secs(),
            fetch.total_timeout.as_secs(),
            mib(fetch.max_bytes),
            fetch.max_redirects
        ),
        // ssrf::five_hanging_urls_in_a_batch_or_roster_end_within_one_timeout
        format!(
            "one deadline ({} s, counted once its body has been read): a batch or roster fetches {} at a time",
            fetch.total_timeout.as_secs(),
            FETCH_CONCURRENCY
        ),
        // ssrf::the_per_client_fetch_budget_stops_a_scan
        format!(
            "a budget of {} outbound fetches at once, refilled at {} outbound fetches a minute",
            budget_at_once(),
            FETCH_BUDGET_PER_MINUTE
        ),
        // server_ops::slow_clients_are_cut_off_by_the_header_and_request_timeouts
        format!(
            "{} s to send the request head or to finish the TLS handshake, {} s per request",
            server.header_read_timeout.as_secs(),
            config.request_timeout_secs
        ),
        // verify_api::a_roster_over_max_batch_is_refused_naming_the_limit
        format!(
            "capped (`max_body_bytes`, {} by default; 413)",
            mib(DEFAULT_MAX_BODY_BYTES)
        ),
        format!(
            "at most `max_batch` items ({} by default; a roster line counts one; 413 naming the limit)",
            config.max_batch
        ),
        // bad_input::verify_rejects_bad_input_with_clear_codes
        format!(
            "nests at most {} levels (`json_too_deep`)",
            rosette::model::MAX_JSON_DEPTH
        ),
        // render::bake::tests
        format!(
            "A baked image is read up to {} and the credential in it up to {}",
            mib(rosette::render::bake::MAX_IMAGE_BYTES),
            mib(rosette::render::bake::MAX_CREDENTIAL_BYTES)
        ),
        format!(
            "at most {} chunks (`png_too_many_chunks`) and {} of other text chunks",
            thousands(rosette::render::bake::MAX_PNG_CHUNKS as u64),
            mib(rosette::render::bake::MAX_PNG_TEXT_BYTES)
        ),
        // audit::tests::checkpoints_fall_due_by_entries_or_minutes_once_the_head_moves,
        // it::audit::the_admin_route_serves_a_signed_checkpoint_to_admins_only_and_serve_signs_on_its_own
        format!(
            "`rosette serve` looks every {} seconds whether one is due",
            CHECKPOINT_POLL.as_secs()
        ),
        format!(
            "{} new entries and {} minutes by default, 0 turns one off",
            thousands(checkpoints.every_entries),
            checkpoints.every_minutes
        ),
    ];
    let missing: Vec<&String> = claims.iter().filter(|c| !readme.contains(*c)).collect();
    assert!(
        missing.is_empty(),
        "README.md does not say (or says otherwise): {missing:#?}"
    );
    // The server's defaults are the library's.
    let store = block_on(rosette::store::SqlStore::connect(&sqlite_url(dir.path()))).unwrap();
    let state = AppState::new(std::sync::Arc::new(store), None);
    assert_eq!(state.request_timeout.as_secs(), config.request_timeout_secs);
    assert_eq!(state.max_body_bytes, config.max_body_bytes);
    assert_eq!(state.max_batch, config.max_batch);
}

/// `n` with a comma every three digits, as the README writes counts.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}
