//! `GET /openapi.json` and `GET /docs`: the document is OpenAPI 3.1,
//! generated from the code, valid (checked by an independent validator in
//! `tests/interop/openapi.mjs`), and in step with the router:
//!
//! * every route the router serves is documented, and every documented
//!   route is registered: the routes are read from the source
//!   (`.route("…", get(…).post(…))` calls under `src/`), so a route added
//!   without its `#[utoipa::path]` (or without listing it in
//!   `web::openapi::ApiDoc`) fails here, with nothing else to keep in step;
//! * at run time, every documented operation reaches exactly its route (the
//!   server's metrics record the matched route pattern, never the fallback),
//!   and every other method on a documented path is refused with 405.
//!
//! `/docs` renders every operation, escapes what the document says, has
//! the strict CSP, and loads nothing from another site.

use crate::support::{Client, Response, sqlite_url};
use rosette::store::SqlStore;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The methods an OpenAPI path item can hold (lower case, as in the document).
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The tags the document declares, in order.
const TAGS: [&str; 7] = [
    "verification",
    "vc-api",
    "credentials",
    "status",
    "admin",
    "wallets",
    "operations",
];

// ---------------------------------------------------------------------------
// A server on 127.0.0.1:0 (in-process, its own thread and runtime).

struct TestServer {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url(dir.path());
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let store = SqlStore::connect(&url).await.unwrap();
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let state = rosette::web::AppState::new(Arc::new(store), None);
                rosette::web::serve(listener, rosette::web::router(state), async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            });
        });
        let addr = addr_rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the server did not start");
        TestServer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
        }
    }

    /// One request with an optional JSON body.
    fn request(&self, method: &str, path: &str, body: Option<&str>) -> Response {
        let request = Client::new(self.addr).request(method, path);
        match body {
            Some(b) => request.body("application/json", b.as_bytes()),
            None => request,
        }
        .send()
    }

    fn get(&self, path: &str) -> Response {
        self.request("GET", path, None)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------
// The document's operations, and the router's routes read from the source.

fn document() -> Value {
    serde_json::to_value(rosette::web::openapi::document()).unwrap()
}

/// (METHOD, path) → operation, for every operation in the document.
fn documented(doc: &Value) -> BTreeMap<(String, String), Value> {
    let mut ops = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                ops.insert((method.to_uppercase(), path.clone()), op.clone());
            }
        }
    }
    ops
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every (METHOD, path) registered with `.route(…)` in `src/` (outside
/// comments and `#[cfg(test)]` modules). Any routing this reader does not
/// understand fails the test, so that no route can slip past it.
fn served_routes() -> BTreeSet<(String, String)> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut routes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.display().to_string();
        let code: String = text
            .lines()
            .take_while(|l| l.trim() != "#[cfg(test)]")
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for unsupported in [".nest(", ".nest_service(", ".route_service("] {
            assert!(
                !code.contains(unsupported),
                "{name}: `{unsupported}` is not understood by the route check in tests/it/openapi.rs; extend served_routes()"
            );
        }
        let mut rest = code.as_str();
        while let Some(at) = rest.find(".route(") {
            let after = rest[at + ".route(".len()..].trim_start();
            let Some(literal) = after.strip_prefix('"') else {
                panic!(
                    "{name}: a route path that is not a string literal: {}",
                    &after[..after.len().min(60)]
                );
            };
            let end = literal.find('"').unwrap();
            let path = &literal[..end];
            assert!(!path.contains('\\'), "{name}: escaped route path {path}");
            let after = literal[end + 1..]
                .trim_start()
                .strip_prefix(',')
                .unwrap_or_else(|| panic!("{name}: cannot read the route {path}"));
            let (expr, tail) = up_to_closing_paren(after);
            let methods = methods_of(expr)
                .unwrap_or_else(|e| panic!("{name}: route {path}: {e} in `{}`", expr.trim()));
            assert!(
                !methods.is_empty(),
                "{name}: route {path}: no method in `{}`",
                expr.trim()
            );
            // The admin console (`/admin`, `/admin/…`) is HTML for people
            // with a session cookie, not part of the JSON API's contract.
            let console = path == "/admin" || path.starts_with("/admin/");
            for m in methods.into_iter().filter(|_| !console) {
                routes.insert((m.to_uppercase(), path.to_owned()));
            }
            rest = tail;
        }
    }
    routes
}

/// `expr` up to the `)` that closes the call it is an argument of, and what follows.
fn up_to_closing_paren(s: &str) -> (&str, &str) {
    let bytes = s.as_bytes();
    let (mut depth, mut i) = (0i32, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => return (&s[..i], &s[i + 1..]),
            b')' | b']' | b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    panic!("unbalanced route call: {}", &s[..s.len().min(80)]);
}

/// The HTTP methods of a method-router expression such as
/// `post(a).get(b)` or `axum::routing::get(h)`: the calls at its top level.
fn methods_of(expr: &str) -> Result<Vec<String>, String> {
    let bytes = expr.as_bytes();
    let (mut depth, mut i) = (0i32, 0);
    let mut methods = Vec::new();
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
        } else if matches!(b, b'(' | b'[' | b'{') {
            depth += 1;
        } else if matches!(b, b')' | b']' | b'}') {
            depth -= 1;
        } else if depth == 0 && (b.is_ascii_alphabetic() || b == b'_') {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let ident = &expr[start..i];
            if expr[i..].trim_start().starts_with('(') {
                if METHODS.contains(&ident) {
                    methods.push(ident.to_owned());
                } else if !matches!(ident, "layer" | "route_layer" | "with_state") {
                    return Err(format!(
                        "`{ident}(…)` is not understood by the route check in tests/it/openapi.rs"
                    ));
                }
            }
            continue;
        }
        i += 1;
    }
    Ok(methods)
}

/// A documented path with its `{parameters}` filled in.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str(match &rest[open + 1..close] {
            "image" => "badge.png",
            "list" => "revocation-1",
            name if name == "id" || name.ends_with("_id") => "00000000-0000-4000-8000-000000000000",
            _ => "x",
        });
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------

#[test]
fn openapi_json_is_openapi_3_1_generated_from_the_code() {
    let server = TestServer::start();
    let r = server.get("/openapi.json");
    assert_eq!(r.status, 200, "{}", r.head);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let doc: Value = serde_json::from_slice(&r.body).unwrap();
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1."), "openapi: {version}");
    assert_eq!(doc, document(), "served = generated");
    assert_eq!(doc["info"]["title"], "Rosette");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        doc["info"]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, TAGS);
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(bearer["type"], "http");
    assert_eq!(bearer["scheme"], "bearer");
    for schema in ["Report", "Check", "CheckState", "CredentialInfo", "Problem"] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema} missing"
        );
    }
    assert_eq!(
        doc["components"]["schemas"]["CheckState"]["enum"],
        serde_json::json!(["valid", "invalid", "unknown"])
    );
    // The verification API takes JSON and baked images.
    let content = &doc["paths"]["/api/v1/verify"]["post"]["requestBody"]["content"];
    for media_type in ["application/json", "image/png", "image/svg+xml"] {
        assert!(content.get(media_type).is_some(), "{media_type}");
    }
}

#[test]
fn every_route_the_router_serves_is_documented_and_the_other_way_round() {
    let doc = document();
    let ops = documented(&doc);
    let documented: BTreeSet<(String, String)> = ops.keys().cloned().collect();
    let served = served_routes();
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "served but not documented (add #[utoipa::path] and list it in web::openapi::ApiDoc): {undocumented:?}\n\
         documented but not served: {unserved:?}"
    );
    assert!(served.contains(&("GET".into(), "/openapi.json".into())));
    assert!(served.contains(&("GET".into(), "/docs".into())));

    // Each operation is complete: a declared tag, a summary, a unique
    // operationId, its path parameters declared, a success response, and
    // bearer security exactly on the admin API.
    let mut ids = BTreeSet::new();
    for ((method, path), op) in &ops {
        let what = format!("{method} {path}");
        let tags = op["tags"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: no tags"));
        assert!(
            tags.iter()
                .all(|t| TAGS.contains(&t.as_str().unwrap_or(""))),
            "{what}: undeclared tag {tags:?}"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{what}: no summary"
        );
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: no operationId"));
        assert!(ids.insert(id.to_owned()), "{what}: operationId {id} twice");
        let declared: BTreeSet<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        let in_path: BTreeSet<&str> = path
            .split('{')
            .skip(1)
            .map(|s| s.split('}').next().unwrap())
            .collect();
        assert_eq!(declared, in_path, "{what}: path parameters");
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{what}: no 2xx response"
        );
        let secured = op["security"]
            .as_array()
            .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
        if path.starts_with("/api/v1/admin/") || path == "/credentials/issue" {
            assert!(secured, "{what}: the admin API needs bearer security");
            assert!(responses.contains_key("401"), "{what}: no 401 response");
        } else {
            assert!(!secured, "{what}: public, but documented with a token");
        }
    }
}

#[test]
fn every_documented_operation_reaches_its_route_and_other_methods_are_refused() {
    let ops = documented(&document());
    let server = TestServer::start();
    for (method, path) in ops.keys() {
        let body = (method != "GET").then_some("{}");
        let r = server.request(method, &concrete(path), body);
        assert_ne!(r.status, 405, "{method} {path}: {}", r.head);
        assert!(
            !(r.status == 404 && r.text().contains("no such resource")),
            "{method} {path} reached the fallback"
        );
    }
    // The server's metrics name the route pattern each request matched
    // ("unmatched" for the fallback): each documented operation must have
    // matched exactly its documented path.
    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    let metrics = String::from_utf8(metrics.body).unwrap();
    let label = |line: &str, name: &str| -> String {
        let key = format!("{name}=\"");
        let start = line.find(&key).unwrap() + key.len();
        line[start..][..line[start..].find('"').unwrap()].to_owned()
    };
    let matched: BTreeSet<(String, String)> = metrics
        .lines()
        .filter(|l| l.starts_with("rosette_http_requests_total{"))
        .filter(|l| label(l, "status") != "405")
        .map(|l| (label(l, "method"), label(l, "route")))
        .collect();
    for (method, path) in ops.keys() {
        assert!(
            matched.contains(&(method.clone(), path.clone())),
            "{method} {path} did not match its route; matched: {matched:?}"
        );
    }
    assert!(
        !matched.iter().any(|(_, route)| route == "unmatched"),
        "a documented operation reached the fallback: {matched:?}"
    );

    // Any other method on a documented path is refused.
    let by_path: BTreeMap<&str, BTreeSet<&str>> =
        ops.keys().fold(BTreeMap::new(), |mut m, (method, path)| {
            m.entry(path.as_str()).or_default().insert(method.as_str());
            m
        });
    for (path, methods) in by_path {
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if methods.contains(method) {
                continue;
            }
            let r = server.request(method, &concrete(path), Some("{}"));
            assert_eq!(
                r.status, 405,
                "{method} {path} is served but not documented: {}",
                r.head
            );
        }
    }
}

#[test]
fn the_document_is_valid_openapi_3_1_by_an_independent_validator() {
    if !crate::interop::node_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(file.as_path(), rosette::web::openapi::document_json()).unwrap();
    let out = crate::interop::node("openapi.mjs", &[file.to_str().unwrap()]);
    let describe = format!(
        "exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{describe}");
    let verdict: Value = serde_json::from_slice(&out.stdout).expect(&describe);
    assert_eq!(verdict["valid"], true, "{describe}");
    assert_eq!(verdict["version"], "3.1", "{describe}");

    // And the validator does reject a broken document.
    let mut broken = document();
    broken["paths"]["/healthz"]["get"]["responses"]["200"]["content"]["text/plain"]["schema"]["type"] =
        "text".into();
    broken["info"].as_object_mut().unwrap().remove("version");
    std::fs::write(file.as_path(), broken.to_string()).unwrap();
    let out = crate::interop::node("openapi.mjs", &[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a broken document passed");
}

#[test]
fn docs_page_lists_every_operation_with_a_strict_csp_and_nothing_from_elsewhere() {
    let server = TestServer::start();
    let r = server.get("/docs");
    assert_eq!(r.status, 200, "{}", r.head);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let csp = r.header("content-security-policy").expect("CSP");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("style-src 'self'"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("script-src"),
        "{csp}"
    );
    let html = String::from_utf8(r.body.clone()).unwrap();

    for ((method, path), op) in documented(&document()) {
        let id = op["operationId"].as_str().unwrap();
        let anchor = html
            .find(&format!("id=\"op-{id}\""))
            .unwrap_or_else(|| panic!("{method} {path}: no section"));
        let section = &html[anchor..];
        let section = &section[..section.find("</article>").unwrap()];
        assert!(
            section.contains(&format!(
                "<code>{}</code>",
                rosette::web::page::escape(&path)
            )),
            "{method} {path}: path not shown"
        );
        assert!(
            section.contains(&method),
            "{method} {path}: method not shown"
        );
        assert!(
            section.contains("Responses"),
            "{method} {path}: no responses"
        );
    }
    for schema in ["Report", "Check", "CheckState", "CredentialInfo", "Problem"] {
        assert!(
            html.contains(&format!("id=\"schema-{schema}\"")),
            "{schema}"
        );
    }
    assert!(
        html.contains("href=\"#schema-Report\""),
        "$refs link to schemas"
    );
    assert!(html.contains("href=\"/openapi.json\""));
    assert!(html.contains("id=\"security-bearer\""));

    // No script at all, no inline style, and every stylesheet, image or
    // other resource from this server.
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script");
    assert!(
        !lower.contains("<style") && !lower.contains(" style="),
        "inline style"
    );
    for attr in ["src=\"", "href=\""] {
        for (at, _) in lower.match_indices(attr) {
            let value = &html[at + attr.len()..];
            let value = &value[..value.find('"').unwrap()];
            let tag_start = lower[..at].rfind('<').unwrap();
            let is_link = lower[tag_start..].starts_with("<a ");
            if !is_link {
                assert!(
                    value.starts_with('/') && !value.starts_with("//"),
                    "a resource from elsewhere: {value}"
                );
            }
        }
    }
    let css = server.get("/assets/docs.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!css.body.is_empty());
}

#[test]
fn docs_page_escapes_what_the_document_says() {
    let hostile = serde_json::json!({
        "openapi": "3.1.0",
        "info": {
            "title": "<script>alert(1)</script>",
            "version": "1\"><img src=x onerror=alert(2)>",
            "description": "`<b>code</b>` and <i>text</i> & more",
        },
        "tags": [{"name": "<u>tag</u>", "description": "<em>d</em>"}],
        "paths": {
            "/x/{id}<svg>": {
                "get": {
                    "tags": ["<u>tag</u>"],
                    "operationId": "op\"><script>",
                    "summary": "<marquee>s</marquee>",
                    "parameters": [{"name": "<p1>", "in": "path", "required": true,
                        "schema": {"type": "string", "enum": ["</pre><h1>"]}, "example": "<ex>"}],
                    "responses": {"200": {"description": "<blink>ok</blink>",
                        "content": {"application/<json>": {"schema": {"$ref": "#/components/schemas/A\"B<c>"}}}}},
                    "security": [{"<k>": ["<scope>"]}],
                }
            }
        },
        "components": {
            "schemas": {"A\"B<c>": {"type": "object", "description": "<h6>x</h6>",
                "properties": {"<prop>": {"type": "string", "description": "<d>"}},
                "example": {"<k>": "<v>"}}},
            "securitySchemes": {"<k>": {"type": "http", "scheme": "<bearer>"}},
        },
    });
    let html = rosette::web::docs::render(&hostile.to_string()).unwrap();
    for injected in [
        "<script",
        "<img",
        "<b>",
        "<i>",
        "<u>",
        "<em>",
        "<svg",
        "<marquee",
        "<p1>",
        "</pre><h1>",
        "<blink",
        "<json>",
        "<c>",
        "<h6>",
        "<prop>",
        "<d>",
        "<k>",
        "<v>",
        "<scope>",
        "<bearer>",
        "<ex>",
    ] {
        assert!(!html.contains(injected), "{injected} got through:\n{html}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        html.contains("<code>&lt;b&gt;code&lt;/b&gt;</code>"),
        "code spans"
    );
    assert!(rosette::web::docs::render("not json").is_err());
}

/// `schemas/openapi.json` is the generated document, committed so that API
/// clients and reviewers see it without running the server. Rewritten on
/// purpose with `ROSETTE_UPDATE_GOLDEN=1`.
#[test]
fn the_committed_schema_is_the_generated_document() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/openapi.json");
    let generated: serde_json::Value =
        serde_json::from_str(rosette::web::openapi::document_json()).unwrap();
    let pretty = serde_json::to_string_pretty(&generated).unwrap() + "\n";
    if std::env::var_os("ROSETTE_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == pretty,
        "schemas/openapi.json is out of date: run ROSETTE_UPDATE_GOLDEN=1 cargo test --test it openapi"
    );
}
