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
        Self::start_on(data, "127.0.0.1:0", envs, args)
    }

    /// [`ServerProcess::start`] listening on `listen` (e.g. a port chosen
    /// beforehand, so that `public_url` can name it).
    pub fn start_on(
        data: &std::path::Path,
        listen: &str,
        envs: &[(&str, &str)],
        args: &[&str],
    ) -> ServerProcess {
        use std::io::BufRead as _;
        std::fs::create_dir_all(data).unwrap();
        let stderr_path = data.with_extension(format!("{}.stderr", uuid::Uuid::new_v4().simple()));
        let stderr = std::fs::File::create(&stderr_path).unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rosette"));
        cmd.arg("--data-dir")
            .arg(data)
            .args(["serve", "--listen", listen])
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

// ---------------------------------------------------------------------------
// HTTP: one typed client for every test that talks to a server, and one raw
// exchange for the tests of malformed or unfinished requests.

/// An HTTP/1.1 client (RFC 9112) for a server on `127.0.0.1:port`: one
/// request per connection (`Connection: close`), with exactly the headers
/// the test asks for (no default `Accept`, no redirect followed), so that a
/// test sees the server's answer to precisely what it sent.
#[derive(Clone, Copy, Debug)]
pub struct Client {
    /// Where the server listens.
    pub addr: std::net::SocketAddr,
}

impl Client {
    /// A client of the server on `addr`.
    pub fn new(addr: std::net::SocketAddr) -> Client {
        Client { addr }
    }

    /// The absolute URL of `path` on this server (`http://127.0.0.1:port/…`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A `method` request for `path` (with its query), sent by [`Request::send`].
    pub fn request(&self, method: &str, path: &str) -> Request {
        Request {
            addr: self.addr,
            method: method.to_owned(),
            path: path.to_owned(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A `GET` request for `path`.
    pub fn get(&self, path: &str) -> Request {
        self.request("GET", path)
    }

    /// A `POST` request for `path` (empty body unless one is set).
    pub fn post(&self, path: &str) -> Request {
        self.request("POST", path)
    }
}

/// A request being built by [`Client`].
#[must_use = "a request does nothing until sent"]
pub struct Request {
    addr: std::net::SocketAddr,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl Request {
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds `Authorization: Bearer <token>` (RFC 6750 §2.1) when there is a token.
    pub fn bearer(self, token: Option<&str>) -> Request {
        match token {
            Some(t) => self.header("Authorization", &format!("Bearer {t}")),
            None => self,
        }
    }

    /// Sets the body and its `Content-Type`.
    pub fn body(mut self, content_type: &str, body: &[u8]) -> Request {
        self.body = Some(body.to_vec());
        self.header("Content-Type", content_type)
    }

    /// Sets a JSON body (`application/json`).
    pub fn json(self, value: &serde_json::Value) -> Request {
        self.body("application/json", value.to_string().as_bytes())
    }

    /// Sends the request on a fresh connection and reads the whole answer.
    /// `Content-Length` goes with a body and with every `POST`.
    pub fn send(self) -> Response {
        let addr = self.addr;
        let (method, path) = (self.method.as_str(), self.path.as_str());
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        if self.body.is_some() || method == "POST" {
            let length = self.body.as_ref().map_or(0, Vec::len);
            head.push_str(&format!("Content-Length: {length}\r\n"));
        }
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let raw = exchange(
            addr,
            head.as_bytes(),
            self.body.as_deref().unwrap_or_default(),
            None,
        );
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| {
                panic!(
                    "{method} {path}: no response head in {:?}",
                    String::from_utf8_lossy(&raw)
                )
            });
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{method} {path}: bad status line: {head}"));
        let mut response = Response {
            status,
            head,
            body: raw[split + 4..].to_vec(),
        };
        if response
            .header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
        {
            response.body = dechunk(&response.body);
        }
        response
    }
}

/// An answer: status, head (status line and header fields) and body (de-chunked).
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The status line and the header fields, as received.
    pub head: String,
    /// The body, without chunked transfer coding.
    pub body: Vec<u8>,
}

impl Response {
    /// A header field's value (the first, name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim())
        })
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; fails the test with the answer if it is not.
    pub fn json(&self) -> serde_json::Value {
        self.json_as("")
    }

    /// [`Response::json`], naming `case` if the body is not JSON.
    #[track_caller]
    fn json_as(&self, case: &str) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{case}: not JSON ({e}): {}\n{}",
                self.head,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the status and, for a problem (RFC 9457), its `code`,
    /// `status`, non-empty `title` and media type; the body as JSON (null
    /// when empty).
    #[track_caller]
    pub fn expect(&self, status: u16, code: Option<&str>) -> serde_json::Value {
        self.expect_as("", status, code)
    }

    /// [`Response::expect`], naming `case` in every failure message.
    #[track_caller]
    pub fn expect_as(&self, case: &str, status: u16, code: Option<&str>) -> serde_json::Value {
        assert_eq!(
            self.status,
            status,
            "{case}\n{}\n{}",
            self.head,
            self.text()
        );
        if let Some(code) = code {
            assert_eq!(
                self.header("content-type"),
                Some("application/problem+json"),
                "{case}\n{}",
                self.head
            );
            let v = self.json_as(case);
            assert_eq!(v["code"], code, "{case}\n{v:#}");
            assert_eq!(v["status"], status, "{case}\n{v:#}");
            assert!(
                v["title"].as_str().is_some_and(|t| !t.is_empty()),
                "{case}\n{v:#}"
            );
            return v;
        }
        if self.body.is_empty() {
            serde_json::Value::Null
        } else {
            self.json_as(case)
        }
    }
}

/// Writes `request` as it is on a fresh connection and reads until the
/// server closes it or 5 s pass: for the tests of requests no client would
/// send (unfinished heads and bodies, plain HTTP on a TLS port).
pub fn raw_request(addr: std::net::SocketAddr, request: &[u8]) -> Vec<u8> {
    exchange(addr, request, b"", Some(std::time::Duration::from_secs(5)))
}

/// One exchange on a fresh connection: writes `head`, then `body` (the
/// server may answer and close before reading it all, so a failed body
/// write is not an error), and reads to the end.
fn exchange(
    addr: std::net::SocketAddr,
    head: &[u8],
    body: &[u8],
    read_timeout: Option<std::time::Duration>,
) -> Vec<u8> {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(read_timeout).unwrap();
    s.write_all(head).unwrap();
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    raw
}

/// A body without its chunked transfer coding (RFC 9112 §7.1).
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}

/// A PostgreSQL server of one test's own, for tests that stop and start
/// it (the shared test server must stay up for the others): `initdb` in a
/// temporary folder, a free loopback port; stopped when dropped.
pub struct OwnPostgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

impl OwnPostgres {
    /// Starts one with the binaries of the newest `/usr/lib/postgresql/*/bin`;
    /// `None` (a failure under `CI`) as [`postgres_admin_url`] when there is
    /// no test PostgreSQL.
    pub fn start() -> Option<OwnPostgres> {
        postgres_admin_url()?;
        let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL's binaries in /usr/lib/postgresql")
            .filter_map(|e| Some(e.ok()?.path().join("bin")))
            .filter(|p| p.join("initdb").exists())
            .collect();
        bins.sort_by_key(|p| {
            p.parent()
                .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
        });
        let bin = bins.pop().expect("initdb in /usr/lib/postgresql/*/bin");
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        if Self::is_root() {
            let status = std::process::Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = OwnPostgres { bin, dir, port };
        let data = pg.dir.path().join("data");
        let out = pg
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "rosette", "--no-sync"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        pg.start_server();
        Some(pg)
    }

    fn is_root() -> bool {
        std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
    }

    /// `program` of this PostgreSQL, run as the `postgres` user when the tests run as root.
    fn command(&self, program: &str) -> std::process::Command {
        let path = self.bin.join(program);
        if Self::is_root() {
            let mut cmd = std::process::Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(path);
            cmd
        } else {
            std::process::Command::new(path)
        }
    }

    fn pg_ctl(&self, args: &[&str]) -> std::process::Output {
        self.command("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(args)
            .output()
            .unwrap()
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-h 127.0.0.1 -p {} -k {} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log");
        let out = self.pg_ctl(&["-l", log.to_str().unwrap(), "-w", "-o", &options, "start"]);
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Stops the server (fast shutdown: open sessions are ended) and waits.
    pub fn stop_server(&self) {
        let out = self.pg_ctl(&["-m", "fast", "-w", "stop"]);
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://rosette@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["-m", "immediate", "stop"]);
    }
}

// ---------------------------------------------------------------------------
// HTTPS: `rosette serve` as the W3C conformance suites reach it (TLS on
// 127.0.0.1, `public_url` its own https address, a did:key issuer, the
// loopback fetch flag), and a client trusting the test's certificate.

/// A port on 127.0.0.1 that was free a moment ago (bound, then released).
pub fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// `rosette serve` over HTTPS on 127.0.0.1, set up as the W3C suites'
/// implementation config expects: `public_url` is `https://127.0.0.1:<port>`
/// (so status list URLs in credentials are https and dereferenceable),
/// `issuer_did = "did:key"` (`ROSETTE_ISSUER_DID`), TLS from a throwaway CA
/// (`tls_cert`/`tls_key`), `fetch_allow_loopback` on with that CA trusted
/// for outbound fetches, and no rate limits. Killed when dropped.
pub struct HttpsServer {
    /// Killed when dropped.
    process: ServerProcess,
    /// Its data directory.
    pub data: PathBuf,
    /// `https://127.0.0.1:<port>`, also its `public_url`.
    pub base: String,
    /// The throwaway CA's certificate (PEM file) the server's certificate chains to.
    pub ca: PathBuf,
    /// A client trusting that CA.
    pub client: HttpsClient,
    envs: Vec<(String, String)>,
    _dir: tempfile::TempDir,
}

impl HttpsServer {
    /// Starts one; `envs` are added to (and win over) the settings above.
    pub fn start(envs: &[(&str, &str)]) -> HttpsServer {
        let dir = tempfile::tempdir().unwrap();
        let (ca, cert, key) = crate::server_ops::test_certificates(dir.path());
        let port = free_loopback_port();
        let base = format!("https://127.0.0.1:{port}");
        let mut all: Vec<(String, String)> = [
            ("ROSETTE_PUBLIC_URL", base.as_str()),
            ("ROSETTE_ISSUER_DID", "did:key"),
            ("ROSETTE_FETCH_ALLOW_LOOPBACK", "true"),
            ("ROSETTE_FETCH_CA_FILE", ca.as_str()),
            ("ROSETTE_RATE_LIMIT_PER_MINUTE", "0"),
            ("ROSETTE_AUTH_FAILURES_PER_MINUTE", "0"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        for (k, v) in envs {
            all.retain(|(name, _)| name != k);
            all.push(((*k).to_owned(), (*v).to_owned()));
        }
        let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let data = dir.path().join("data");
        let process = ServerProcess::start_on(
            &data,
            &format!("127.0.0.1:{port}"),
            &pairs,
            &["--tls-cert", &cert, "--tls-key", &key],
        );
        let ca = PathBuf::from(ca);
        let client = HttpsClient::new(&std::fs::read(&ca).unwrap());
        HttpsServer {
            process,
            data,
            base,
            ca,
            client,
            envs: all,
            _dir: dir,
        }
    }

    /// The absolute URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Runs the `rosette` CLI on this server's data directory with its settings.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        let pairs: Vec<(&str, &str)> = self
            .envs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        rosette_with(&self.data, &pairs, args)
    }

    /// `rosette tokens create --name <name> --scope <scope>`: the secret.
    pub fn token(&self, name: &str, scope: &str) -> String {
        let secret = ok(&self.cli(&["tokens", "create", "--name", name, "--scope", scope]))
            .trim()
            .to_owned();
        assert!(secret.starts_with("rst_"), "{secret}");
        secret
    }

    /// The did:key of the current signing key (`rosette keys list --json`,
    /// `keyFile.publicKeyMultibase`): what a did:key issuer signs as.
    pub fn current_did_key(&self) -> String {
        let out = ok(&self.cli(&["keys", "list", "--json"]));
        let listing: serde_json::Value = serde_json::from_str(&out).unwrap();
        let multibase = listing["keyFile"]["publicKeyMultibase"]
            .as_str()
            .unwrap_or_else(|| panic!("no keyFile.publicKeyMultibase in {listing:#}"));
        assert!(multibase.starts_with("z6Mk"), "{multibase}");
        format!("did:key:{multibase}")
    }

    /// What the server wrote to standard error.
    pub fn stderr(&self) -> String {
        self.process.stderr()
    }
}

/// An HTTPS client trusting one PEM root (the test's CA) and nothing
/// else's proxy settings: no proxy, no redirect followed, no compression,
/// only the headers a test sets (plus reqwest's `Accept: */*` when none is
/// set). Answers are [`Response`]s, so the plain-HTTP helpers apply.
pub struct HttpsClient {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl HttpsClient {
    /// A client trusting `ca_pem`.
    pub fn new(ca_pem: &[u8]) -> HttpsClient {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(ca_pem).expect("CA PEM"))
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("https client");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        HttpsClient { rt, client }
    }

    /// A `method` request for the absolute `url`, sent by [`HttpsRequest::send`].
    pub fn request(&self, method: &str, url: &str) -> HttpsRequest<'_> {
        HttpsRequest {
            client: self,
            method: method.to_owned(),
            url: url.to_owned(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A `GET` request.
    pub fn get(&self, url: &str) -> HttpsRequest<'_> {
        self.request("GET", url)
    }

    /// A `POST` request.
    pub fn post(&self, url: &str) -> HttpsRequest<'_> {
        self.request("POST", url)
    }
}

/// A request being built by [`HttpsClient`].
#[must_use = "a request does nothing until sent"]
pub struct HttpsRequest<'a> {
    client: &'a HttpsClient,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl HttpsRequest<'_> {
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds `Authorization: Bearer <token>` (RFC 6750 §2.1) when there is a token.
    pub fn bearer(self, token: Option<&str>) -> Self {
        match token {
            Some(t) => self.header("Authorization", &format!("Bearer {t}")),
            None => self,
        }
    }

    /// Sets the body and its `Content-Type`.
    pub fn body(mut self, content_type: &str, body: &[u8]) -> Self {
        self.body = Some(body.to_vec());
        self.header("Content-Type", content_type)
    }

    /// Sets a JSON body (`application/json`).
    pub fn json(self, value: &serde_json::Value) -> Self {
        self.body("application/json", value.to_string().as_bytes())
    }

    /// Sends the request and reads the whole answer.
    pub fn send(self) -> Response {
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).expect("method");
        let mut request = self.client.client.request(method, &self.url);
        for (k, v) in &self.headers {
            request = request.header(k, v);
        }
        if let Some(body) = self.body {
            request = request.body(body);
        }
        let what = format!("{} {}", self.method, self.url);
        self.client.rt.block_on(async move {
            let answer = request
                .send()
                .await
                .unwrap_or_else(|e| panic!("{what}: {e:?}"));
            let mut head = format!("HTTP/1.1 {}", answer.status());
            for (name, value) in answer.headers() {
                head.push_str(&format!(
                    "\r\n{name}: {}",
                    String::from_utf8_lossy(value.as_bytes())
                ));
            }
            let status = answer.status().as_u16();
            let body = answer
                .bytes()
                .await
                .unwrap_or_else(|e| panic!("{what}: body: {e}"))
                .to_vec();
            Response { status, head, body }
        })
    }
}
