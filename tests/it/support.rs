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
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// The throwaway PostgreSQL server `./scripts/test` starts
/// (`ROSETTE_TEST_POSTGRES_URL`). Missing is a failure when `CI` is set,
/// otherwise a loud skip.
pub fn postgres_admin_url() -> Option<String> {
    if let Ok(url) = std::env::var("ROSETTE_TEST_POSTGRES_URL") {
        return Some(url);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "ROSETTE_TEST_POSTGRES_URL is not set: run the tests with ./scripts/test, which starts PostgreSQL"
        );
    }
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "\n!!!!!!!! POSTGRESQL TEST SKIPPED: ROSETTE_TEST_POSTGRES_URL is not set (use ./scripts/test) !!!!!!!!\n"
    );
    None
}

/// A new, empty PostgreSQL database; its URL.
pub async fn fresh_postgres_database() -> Option<String> {
    use sqlx::Connection as _;
    let admin = postgres_admin_url()?;
    sqlx::any::install_default_drivers();
    let name = format!("rosette_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .expect("connect to the test PostgreSQL");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    Some(format!("{base}/{name}"))
}

/// A new SQLite database file in `dir`; its URL.
pub fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("rosette.db").display())
}

/// Runs the `rosette` binary on data directory `data` with the repository's catalog.
pub fn rosette(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rosette"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env(
            "ROSETTE_BADGES_DIR",
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("badges"),
        )
        .env_remove("ROSETTE_DATABASE_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run rosette")
}

/// Standard output of a successful run; fails the test with both streams otherwise.
pub fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
