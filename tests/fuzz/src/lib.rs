//! The fuzz targets' bodies: each takes arbitrary bytes and must return
//! without panicking. libFuzzer drives them (`fuzz_targets/`, nightly
//! `cargo fuzz`), AFL++ too (`afl/main.rs`, stable `cargo afl`, by name
//! through [`TARGETS`]); the integration test `fuzz_replay` runs the same
//! functions over the committed corpus and crash inputs on stable.
//!
//! This file is compiled twice: as the fuzz crate's library and, through
//! `#[path]`, as a module of the `it` test binary. It may only name
//! crates that both depend on.

use axum::body::Bytes;
use rosette::catalog::Catalog;
use rosette::clock::FixedClock;
use rosette::issuance::bulk::BulkOptions;
use rosette::issuance::{Actor, Issuer, IssuerProfile};
use rosette::keys::{IssuerKey, OfflineResolver, SigningKey};
use rosette::proof::Cryptosuite;
use rosette::store::SqlStore;
use rosette::verification::{VerifyContext, verify_value};
use rosette::web::multipart;
use rosette::web::roster::{self, Sniffed};
use rosette::{jsonld, keys, render::bake};
use serde_json::Value;
use std::sync::OnceLock;

/// The instant every target verifies and issues at.
const NOW: &str = "2026-12-01T12:00:00Z";

/// The boundary of the multipart target's form.
pub const BOUNDARY: &str = "fuzzboundary";

/// The multipart target's part limit: the server's default `max_batch`.
pub const MAX_PARTS: usize = rosette::web::state::MAX_BATCH;

/// A target's body.
pub type Target = fn(&[u8]);

/// Every target by name, as `scripts/fuzz` and the AFL++ entry name them.
pub const TARGETS: [(&str, Target); 7] = [
    ("jsonld", jsonld),
    ("verify", verify),
    ("unbake", unbake),
    ("roster", roster),
    ("bulk", bulk),
    ("did_web", did_web),
    ("multipart", multipart),
];

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        // One worker: `block_on` may be called from several test threads.
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

fn now() -> chrono::DateTime<chrono::Utc> {
    FixedClock::parse(NOW).expect("NOW is RFC 3339").0
}

fn json(data: &[u8]) -> Option<Value> {
    serde_json::from_slice(data).ok()
}

/// JSON-LD to canonical N-Quads on the fast path and the general path
/// (oxjsonld); when both succeed they must agree.
pub fn jsonld(data: &[u8]) {
    let Some(doc) = json(data) else { return };
    let fast = jsonld::canonicalize_fast(&doc);
    let general = jsonld::canonicalize_general(&doc);
    if let (Ok(fast), Ok(general)) = (&fast, &general) {
        assert_eq!(fast, general, "the fast and general paths disagree");
    }
    let _ = jsonld::canonicalize(&doc);
}

/// `verify_value` on a parsed document, with an offline resolver (did:key
/// only) and no status source: nothing leaves the process.
pub fn verify(data: &[u8]) {
    let Some(doc) = json(data) else { return };
    let resolver = OfflineResolver::new();
    let report = runtime().block_on(verify_value(&doc, VerifyContext::new(&resolver, now())));
    assert!(!report.checks.is_empty(), "a report without checks");
}

/// Unbaking a PNG or SVG badge (OB 3.0 §5.3), by sniffing and by format.
pub fn unbake(data: &[u8]) {
    let _ = bake::unbake(data);
    let _ = bake::unbake_png(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = bake::unbake_svg(text);
    }
}

/// The verification API's roster: sniffing an upload, then its rows.
pub fn roster(data: &[u8]) {
    let _ = roster::sniff(data, None);
    let parsed = roster::parse(data);
    let lines = 1 + data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64;
    let mut last = 0;
    for row in &parsed.rows {
        assert!(
            row.line > last,
            "row lines go back: {} after {last}",
            row.line
        );
        assert!(row.line <= lines, "row line {} past the end", row.line);
        last = row.line;
    }
}

/// The issuer the bulk target imports with: the built-in catalog, one
/// grader, a SQLite store in a temporary directory (created once).
struct BulkWorld {
    store: SqlStore,
    catalog: Catalog,
    key: IssuerKey,
    clock: FixedClock,
    _dir: tempfile::TempDir,
}

fn bulk_world() -> &'static BulkWorld {
    static WORLD: OnceLock<BulkWorld> = OnceLock::new();
    WORLD.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("fuzz.db").display());
        let store = runtime()
            .block_on(SqlStore::connect(&url))
            .expect("a SQLite store");
        BulkWorld {
            store,
            catalog: Catalog::builtin().expect("the built-in catalog"),
            key: IssuerKey::did_key(SigningKey::from_bytes(&[7; 32])),
            clock: FixedClock::parse(NOW).expect("NOW is RFC 3339"),
            _dir: dir,
        }
    })
}

/// The bulk CSV import (header, rows, each row's checks) through
/// `Issuer::import_csv`; a row that passes every check is issued.
pub fn bulk(data: &[u8]) {
    let world = bulk_world();
    let issuer = Issuer {
        store: &world.store,
        catalog: &world.catalog,
        signer: &world.key,
        profile: IssuerProfile {
            id: world.key.method().controller.clone(),
            name: "Fuzz issuer".into(),
            url: None,
        },
        public_url: "https://certs.example.com".into(),
        clock: &world.clock,
        suite: Cryptosuite::EddsaRdfc2022,
        graders: vec!["grader@example.com".into()],
    };
    let options = BulkOptions {
        chunk: 64,
        threads: 1,
    };
    let mut rows = 0;
    let result = runtime().block_on(issuer.import_csv(
        data,
        &Actor::admin("fuzz"),
        options,
        &mut |_| rows += 1,
        &mut |_| {},
    ));
    if let Ok(summary) = result {
        assert_eq!(summary.rows, rows, "the summary miscounts the rows");
        assert_eq!(
            summary.rows,
            summary.issued + summary.already_issued + summary.refused
        );
    }
}

/// did:web: the first line is a DID (or a base URL) to map, the rest a
/// DID document whose `assertionMethod` methods are read (CID 1.0 §3.3).
pub fn did_web(data: &[u8]) {
    let (head, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    if let Ok(did) = std::str::from_utf8(head) {
        let _ = keys::did_web_to_url(did);
        let _ = keys::did_web_from_base_url(did);
        let _ = keys::resolve_did_key(did);
        if let Some(doc) = json(rest) {
            let _ = keys::method_from_controller_document(&doc, did);
        }
    }
    if let Some(doc) = json(rest) {
        let _ = OfflineResolver::new().add_controller_document(&doc);
    }
}

/// A `multipart/form-data` upload (RFC 7578) with the boundary
/// [`BOUNDARY`], read by the verification API's own reader
/// (`web::multipart::read_form`, at most [`MAX_PARTS`] parts); rosters are
/// then parsed and credential files unbaked or parsed, as the route does.
pub fn multipart(data: &[u8]) {
    let body = Bytes::copy_from_slice(data);
    let Ok(parts) = runtime().block_on(multipart::read_form(body, BOUNDARY, MAX_PARTS)) else {
        return;
    };
    assert!(parts.len() <= MAX_PARTS, "more parts than the limit");
    for part in parts {
        match part.kind {
            Sniffed::Roster => {
                let _ = roster::parse(&part.bytes);
            }
            Sniffed::Credential => {
                let _ = bake::unbake(&part.bytes);
                let _ = json(&part.bytes);
            }
        }
    }
}
