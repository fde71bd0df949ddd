//! Shared helpers for the integration tests.

use std::path::PathBuf;

/// `tests/vectors/<rel>`.
pub fn vector_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(rel)
}

/// Reads `tests/vectors/<rel>` as text.
pub fn vector_text(rel: &str) -> String {
    std::fs::read_to_string(vector_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Reads `tests/vectors/<rel>` as JSON.
pub fn vector_json(rel: &str) -> serde_json::Value {
    serde_json::from_str(&vector_text(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `../shared/data/<rel>` (material whose licence keeps it out of the
/// project). Missing is a failure when `CI` is set, otherwise a loud skip.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(rel);
    if p.exists() {
        return Some(p);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} is missing; CI must have ../shared beside the project",
            p.display()
        );
    }
    eprintln!("SKIPPED: {} is not present", p.display());
    None
}

/// A current-thread runtime for async library calls.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}
