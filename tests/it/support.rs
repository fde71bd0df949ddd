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
    rosette_with(data, &[], args)
}

/// [`rosette`] with `envs` added to the environment (they win over the
/// defaults, `ROSETTE_DATABASE_URL` included).
pub fn rosette_with(
    data: &std::path::Path,
    envs: &[(&str, &str)],
    args: &[&str],
) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_rosette"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env(
            "ROSETTE_BADGES_DIR",
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("badges"),
        )
        .env_remove("ROSETTE_DATABASE_URL")
        .envs(envs.iter().copied())
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

/// A `rosette serve` process on 127.0.0.1:0, killed when dropped.
pub struct ServerProcess {
    /// The process.
    pub child: std::process::Child,
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    /// What it wrote to standard error so far is in this file.
    pub stderr_path: PathBuf,
}

impl ServerProcess {
    /// Starts `rosette serve` on `data` with the repository's catalog,
    /// `envs` added to the environment and `args` after `serve`; waits
    /// for its "serving on" line.
    pub fn start(data: &std::path::Path, envs: &[(&str, &str)], args: &[&str]) -> ServerProcess {
        use std::io::BufRead as _;
        std::fs::create_dir_all(data).unwrap();
        let stderr_path = data.with_extension(format!("{}.stderr", uuid::Uuid::new_v4().simple()));
        let stderr = std::fs::File::create(&stderr_path).unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rosette"));
        cmd.arg("--data-dir")
            .arg(data)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env(
                "ROSETTE_BADGES_DIR",
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("badges"),
            )
            .env_remove("ROSETTE_DATABASE_URL")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(stderr);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start rosette serve");
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("Rosette is serving on") {
            line.clear();
            if stdout.read_line(&mut line).unwrap() == 0 {
                let _ = child.wait();
                panic!(
                    "the server exited before serving:\n{}",
                    std::fs::read_to_string(&stderr_path).unwrap_or_default()
                );
            }
        }
        let addr = line
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        ServerProcess {
            child,
            addr,
            stderr_path,
        }
    }

    /// What the server wrote to standard error.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().unwrap()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange over a fresh connection: (status, head, body).
pub fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head, raw[split + 4..].to_vec())
}

/// A header's value in a response head.
pub fn header_value<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        l.split_once(':')
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    })
}
