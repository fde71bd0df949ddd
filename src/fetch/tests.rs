//! Tests of the bounded fetcher against local HTTP servers.

use super::address::screen_addresses;
use super::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};

type Handler = dyn Fn(&Request, u16, &mut TcpStream) + Send + Sync;

struct Request {
    path: String,
    headers: HashMap<String, String>,
}

/// A tiny HTTP/1.1 server on 127.0.0.1:0, one thread per connection,
/// answering through `handler`; returns its port and a request counter.
fn serve(
    handler: impl Fn(&Request, u16, &mut TcpStream) + Send + Sync + 'static,
) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handler: Arc<Handler> = Arc::new(handler);
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let handler = Arc::clone(&handler);
            let counter = Arc::clone(&counter);
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let Some(request) = read_request(&mut stream) else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                handler(&request, port, &mut stream);
                let _ = stream.flush();
            });
        }
    });
    (port, hits)
}

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    Some(Request { path, headers })
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn ok(stream: &mut TcpStream, content_type: &str, body: &[u8]) {
    let len = body.len().to_string();
    respond(
        stream,
        "200 OK",
        &[("Content-Type", content_type), ("Content-Length", &len)],
        body,
    );
}

fn redirect(stream: &mut TcpStream, status: &str, location: &str) {
    respond(
        stream,
        status,
        &[("Location", location), ("Content-Length", "0")],
        b"",
    );
}

fn test_policy() -> FetchPolicy {
    FetchPolicy {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(5),
        max_bytes: 1000,
        max_redirects: 3,
        allow_private: false,
        allow_loopback: true,
        extra_roots: Vec::new(),
    }
}

fn fetcher(policy: FetchPolicy) -> HttpFetcher {
    HttpFetcher::new(policy).expect("fetcher")
}

/// A fetcher whose resolver consults `table` instead of the system.
fn fetcher_with_table(
    policy: FetchPolicy,
    table: &[(&str, IpAddr)],
) -> (HttpFetcher, Arc<AtomicUsize>) {
    let table: HashMap<String, IpAddr> = table.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
    let lookups = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&lookups);
    let lookup = move |host: &str| {
        counter.fetch_add(1, Ordering::SeqCst);
        table
            .get(host)
            .map(|ip| vec![*ip])
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such host"))
    };
    (
        HttpFetcher::with_lookup(policy, Arc::new(lookup)).expect("fetcher"),
        lookups,
    )
}

/// The canned site used by most tests.
fn site() -> (u16, Arc<AtomicUsize>) {
    serve(
        |req, port, s| match req.path.split('?').next().unwrap_or_default() {
            "/ok" => ok(s, "application/vc+ld+json", b"{\"hello\":\"world\"}"),
            "/accept" => {
                let accept = req.headers.get("accept").cloned().unwrap_or_default();
                ok(s, "text/plain", accept.as_bytes());
            }
            "/exact" => ok(s, "application/octet-stream", &[b'x'; 1000]),
            "/big" => ok(s, "application/octet-stream", &[b'x'; 1001]),
            "/chunked-big" => {
                respond(s, "200 OK", &[("Transfer-Encoding", "chunked")], b"");
                for _ in 0..20 {
                    let chunk = [b'y'; 100];
                    let _ = s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes());
                    let _ = s.write_all(&chunk);
                    let _ = s.write_all(b"\r\n");
                }
                let _ = s.write_all(b"0\r\n\r\n");
            }
            "/chunked-small" => {
                respond(s, "200 OK", &[("Transfer-Encoding", "chunked")], b"");
                let _ = s.write_all(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            }
            // No Content-Length, no chunking: the body ends when the connection closes.
            "/close-big" => respond(s, "200 OK", &[], &[b'z'; 5000]),
            // Declares more than the cap but sends little: refused without reading.
            "/claims-big" => respond(s, "200 OK", &[("Content-Length", "1000000")], b"tiny"),
            // Declares little but sends more: only the declared bytes are read.
            "/claims-small" => respond(s, "200 OK", &[("Content-Length", "10")], &[b'w'; 5000]),
            "/slow-head" => {
                std::thread::sleep(Duration::from_secs(3));
                ok(s, "text/plain", b"late");
            }
            "/slow-body" => {
                respond(s, "200 OK", &[("Content-Length", "100")], b"");
                for _ in 0..100 {
                    if s.write_all(b"s").is_err() {
                        return;
                    }
                    let _ = s.flush();
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            "/missing" => respond(s, "404 Not Found", &[("Content-Length", "0")], b""),
            "/error" => respond(
                s,
                "500 Internal Server Error",
                &[("Content-Length", "0")],
                b"",
            ),
            "/r1" => redirect(s, "302 Found", "/r2"),
            "/r2" => redirect(
                s,
                "301 Moved Permanently",
                &format!("http://127.0.0.1:{port}/r3"),
            ),
            "/r3" => redirect(s, "307 Temporary Redirect", "final?x=1"),
            "/final" => ok(s, "text/plain", b"done"),
            "/to-localhost" => redirect(
                s,
                "308 Permanent Redirect",
                &format!("http://localhost:{port}/ok"),
            ),
            "/to-private" => redirect(s, "302 Found", "http://10.0.0.1/"),
            "/to-metadata" => redirect(s, "302 Found", "http://169.254.169.254/latest/meta-data/"),
            "/to-metadata-https" => redirect(s, "302 Found", "https://169.254.169.254/"),
            "/to-mapped" => redirect(s, "302 Found", "https://[::ffff:10.0.0.1]/"),
            "/to-ftp" => redirect(s, "302 Found", "ftp://127.0.0.1/file"),
            "/to-http-public" => redirect(s, "302 Found", "http://example.com/"),
            "/no-location" => respond(s, "302 Found", &[("Content-Length", "0")], b""),
            p if p.starts_with("/loop/") => {
                let n: usize = p["/loop/".len()..].parse().unwrap_or(0);
                redirect(s, "302 Found", &format!("/loop/{}", n + 1));
            }
            _ => respond(s, "404 Not Found", &[("Content-Length", "0")], b""),
        },
    )
}

fn code<T: std::fmt::Debug>(result: Result<T, FetchError>) -> &'static str {
    match result {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}

#[tokio::test]
async fn ok_body_content_type_and_url_come_back() {
    let (port, _) = site();
    let f = fetcher(test_policy());
    let url = format!("http://127.0.0.1:{port}/ok");
    let got = f.get(&url, "application/vc+ld+json").await.expect("200");
    assert_eq!(got.body, b"{\"hello\":\"world\"}");
    assert_eq!(got.content_type.as_deref(), Some("application/vc+ld+json"));
    assert_eq!(got.url, url);
}

#[tokio::test]
async fn accept_header_is_sent_as_given() {
    let (port, _) = site();
    let f = fetcher(test_policy());
    let accept = "application/vc+jwt, application/vc;q=0.9";
    let got = f
        .get(&format!("http://127.0.0.1:{port}/accept"), accept)
        .await
        .expect("200");
    assert_eq!(got.body, accept.as_bytes());
    assert_eq!(
        code(
            f.get(&format!("http://127.0.0.1:{port}/accept"), "bad\nvalue")
                .await
        ),
        "fetch_failed"
    );
}

#[tokio::test]
async fn localhost_name_and_ipv6_loopback_literal_are_allowed() {
    let (port, _) = site();
    let f = fetcher(test_policy());
    let got = f
        .get(&format!("http://localhost:{port}/ok"), "*/*")
        .await
        .expect("localhost");
    assert_eq!(got.body, b"{\"hello\":\"world\"}");
    // Nothing listens on [::1]:port here; the point is that it is not refused.
    let r = f.get(&format!("http://[::1]:{port}/ok"), "*/*").await;
    if let Err(e) = r {
        assert_eq!(e.code(), "fetch_failed", "{e}");
    }
}

#[tokio::test]
async fn body_at_the_cap_is_accepted_over_it_refused() {
    let (port, _) = site();
    let f = fetcher(test_policy());
    let got = f
        .get(&format!("http://127.0.0.1:{port}/exact"), "*/*")
        .await
        .expect("exactly max_bytes");
    assert_eq!(got.body.len(), 1000);
    let err = f
        .get(&format!("http://127.0.0.1:{port}/big"), "*/*")
        .await
        .expect_err("over the cap");
    assert_eq!(err, FetchError::TooLarge { limit: 1000 });
    assert_eq!(err.code(), "fetch_too_large");
}

#[tokio::test]
async fn chunked_and_close_delimited_bodies_are_cut_at_the_cap() {
    let (port, _) = site();
    let f = fetcher(test_policy());
    assert_eq!(
        code(
            f.get(&format!("http://127.0.0.1:{port}/chunked-big"), "*/*")
                .await
        ),
        "fetch_too_large"
    );
    assert_eq!(
        code(
            f.get(&format!("http://127.0.0.1:{port}/close-big"), "*/*")
                .await
        ),
        "fetch_too_large"
    );
    let small = f
        .get(&format!("http://127.0.0.1:{port}/chunked-small"), "*/*")
        .await
        .expect("small chunked");
    assert_eq!(small.body, b"hello world");
}

#[tokio::test]
async fn lying_content_length() {
    let (port, _) = site();
    let f = fetcher(test_policy());
    // Declared over the cap: refused before reading the body.
    assert_eq!(
        code(
            f.get(&format!("http://127.0.0.1:{port}/claims-big"), "*/*")
                .await
        ),
        "fetch_too_large"
    );
    // Declared under the cap, more sent: HTTP framing stops at the declared
    // length, so never more than the cap is read.
    let got = f
        .get(&format!("http://127.0.0.1:{port}/claims-small"), "*/*")
        .await
        .expect("framed by Content-Length");
    assert_eq!(got.body, vec![b'w'; 10]);
}

#[tokio::test]
async fn slow_servers_time_out() {
    let (port, _) = site();
    let f = fetcher(FetchPolicy {
        total_timeout: Duration::from_millis(400),
        ..test_policy()
    });
    let started = std::time::Instant::now();
    assert_eq!(
        code(
            f.get(&format!("http://127.0.0.1:{port}/slow-head"), "*/*")
                .await
        ),
        "fetch_timeout"
    );
    assert_eq!(
        code(
            f.get(&format!("http://127.0.0.1:{port}/slow-body"), "*/*")
                .await
        ),
        "fetch_timeout"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn non_2xx_is_a_status_error() {
    let (port, _) = site();
    let f = fetcher(test_policy());
    let err = f
        .get(&format!("http://127.0.0.1:{port}/missing"), "*/*")
        .await
        .expect_err("404");
    assert_eq!(err, FetchError::Status { status: 404 });
    assert_eq!(err.code(), "fetch_status");
    assert_eq!(
        f.get(&format!("http://127.0.0.1:{port}/error"), "*/*")
            .await,
        Err(FetchError::Status { status: 500 })
    );
}

#[tokio::test]
async fn redirect_chain_on_loopback_is_followed() {
    let (port, hits) = site();
    let f = fetcher(test_policy());
    // /r1 -302-> /r2 -301-> absolute /r3 -307-> relative final?x=1: 3 redirects = max.
    let got = f
        .get(&format!("http://127.0.0.1:{port}/r1"), "*/*")
        .await
        .expect("chain");
    assert_eq!(got.body, b"done");
    assert_eq!(got.url, format!("http://127.0.0.1:{port}/final?x=1"));
    assert_eq!(hits.load(Ordering::SeqCst), 4);
    let got = f
        .get(&format!("http://127.0.0.1:{port}/to-localhost"), "*/*")
        .await
        .expect("to localhost");
    assert_eq!(got.url, format!("http://localhost:{port}/ok"));
}

#[tokio::test]
async fn redirects_to_private_addresses_are_refused() {
    let (port, hits) = site();
    let f = fetcher(test_policy());
    for path in [
        "/to-private",
        "/to-metadata",
        "/to-metadata-https",
        "/to-mapped",
    ] {
        let err = f
            .get(&format!("http://127.0.0.1:{port}{path}"), "*/*")
            .await
            .expect_err(path);
        assert_eq!(err.code(), "fetch_private_address", "{path}: {err}");
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        4,
        "only the redirecting requests"
    );
    assert_eq!(
        code(
            f.get(&format!("http://127.0.0.1:{port}/to-ftp"), "*/*")
                .await
        ),
        "fetch_scheme_refused"
    );
    assert_eq!(
        code(
            f.get(&format!("http://127.0.0.1:{port}/to-http-public"), "*/*")
                .await
        ),
        "fetch_scheme_refused"
    );
    assert_eq!(
        code(
            f.get(&format!("http://127.0.0.1:{port}/no-location"), "*/*")
                .await
        ),
        "fetch_redirect_refused"
    );
}

#[tokio::test]
async fn too_many_redirects_are_refused() {
    let (port, hits) = site();
    let f = fetcher(test_policy());
    let err = f
        .get(&format!("http://127.0.0.1:{port}/loop/0"), "*/*")
        .await
        .expect_err("loop");
    assert_eq!(err.code(), "fetch_redirect_refused", "{err}");
    // The start plus max_redirects hops, then refusal.
    assert_eq!(hits.load(Ordering::SeqCst), 4);
    let none = fetcher(FetchPolicy {
        max_redirects: 0,
        ..test_policy()
    });
    assert_eq!(
        code(
            none.get(&format!("http://127.0.0.1:{port}/r3"), "*/*")
                .await
        ),
        "fetch_redirect_refused"
    );
}

#[tokio::test]
async fn refused_urls_touch_no_network() {
    // A resolver that counts lookups: none may happen for refused URLs.
    let (f, lookups) = fetcher_with_table(test_policy(), &[]);
    for (url, expected) in [
        ("http://example.com/", "fetch_scheme_refused"),
        ("http://example.com:443/status/1", "fetch_scheme_refused"),
        ("ftp://127.0.0.1/list", "fetch_scheme_refused"),
        ("ftp://example.com/list", "fetch_scheme_refused"),
        ("file:///etc/passwd", "fetch_scheme_refused"),
        ("gopher://127.0.0.1:70/", "fetch_scheme_refused"),
        ("not a url", "fetch_invalid_url"),
        ("https://user:pw@example.com/", "fetch_invalid_url"),
        ("http://10.0.0.1/", "fetch_private_address"),
        ("https://10.0.0.1/", "fetch_private_address"),
        (
            "https://169.254.169.254/latest/meta-data/",
            "fetch_private_address",
        ),
        ("https://[fd00::1]/", "fetch_private_address"),
        ("https://[::ffff:192.168.1.1]/", "fetch_private_address"),
        ("https://0.0.0.0/", "fetch_private_address"),
        ("https://100.64.0.1/", "fetch_private_address"),
    ] {
        let err = f.get(url, "*/*").await.expect_err(url);
        assert_eq!(err.code(), expected, "{url}: {err}");
    }
    assert_eq!(lookups.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn names_resolving_to_private_addresses_are_refused() {
    let (port, hits) = site();
    let table = [
        ("internal.test", IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3))),
        ("rebind.test", IpAddr::V4(Ipv4Addr::LOCALHOST)),
    ];
    let (f, lookups) = fetcher_with_table(test_policy(), &table);
    assert_eq!(
        f.get("https://internal.test/list", "*/*").await,
        Err(FetchError::PrivateAddress {
            host: "internal.test".to_owned(),
            address: "10.1.2.3".to_owned()
        })
    );
    // A public-looking name that resolves to loopback is refused too.
    assert_eq!(
        code(
            f.get(&format!("https://rebind.test:{port}/ok"), "*/*")
                .await
        ),
        "fetch_private_address"
    );
    assert_eq!(lookups.load(Ordering::SeqCst), 2);
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    // Unknown names fail as ordinary fetch failures.
    assert_eq!(
        code(f.get("https://nowhere.test/", "*/*").await),
        "fetch_failed"
    );
}

#[tokio::test]
async fn allow_private_connects_to_the_checked_address() {
    // With allow_private, a name resolved by the fetcher's resolver is
    // connected at exactly that address (the system resolver would not
    // know "status.test"), once per connection.
    let (port, _) = site();
    let table = [("status.test", IpAddr::V4(Ipv4Addr::LOCALHOST))];
    let policy = FetchPolicy {
        allow_private: true,
        ..test_policy()
    };
    let (f, lookups) = fetcher_with_table(policy, &table);
    // http to a non-loopback name is still refused...
    assert_eq!(
        code(f.get(&format!("http://status.test:{port}/ok"), "*/*").await),
        "fetch_scheme_refused"
    );
    assert_eq!(lookups.load(Ordering::SeqCst), 0);
    // ...https reaches the (plain-HTTP) loopback server through the table
    // and fails in the TLS handshake, not in DNS.
    let err = f
        .get(&format!("https://status.test:{port}/ok"), "*/*")
        .await
        .expect_err("no TLS on the test server");
    assert_eq!(err.code(), "fetch_failed");
    assert_eq!(lookups.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn https_to_a_plain_http_server_fails_cleanly() {
    // Exercises the rustls client set-up (ring provider) end to end.
    let (port, _) = site();
    let f = fetcher(test_policy());
    assert_eq!(
        code(f.get(&format!("https://127.0.0.1:{port}/ok"), "*/*").await),
        "fetch_failed"
    );
}

#[test]
fn loopback_is_only_reachable_from_loopback_starts() {
    let url = |s: &str| Url::parse(s).expect("url");
    let loopback = test_policy();
    let private = FetchPolicy {
        allow_private: true,
        allow_loopback: false,
        ..test_policy()
    };
    // Start URLs.
    for (start, is_loopback) in [
        ("http://127.0.0.1/", true),
        ("http://127.9.9.9/", true),
        ("https://[::1]/", true),
        ("http://LOCALHOST/", true),
        ("https://example.com/", false),
        ("https://8.8.8.8/", false),
    ] {
        assert_eq!(
            check_target(&url(start), None, &loopback),
            Ok(is_loopback),
            "{start}"
        );
    }
    // A chain that started at a public URL may not reach loopback.
    for target in [
        "https://127.0.0.1/",
        "http://localhost/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
    ] {
        let err = check_target(&url(target), Some(false), &loopback).expect_err(target);
        assert_eq!(err.code(), "fetch_private_address", "{target}");
        assert!(
            check_target(&url(target), Some(true), &loopback).is_ok(),
            "{target}"
        );
        assert!(
            check_target(&url(target), Some(false), &private).is_ok(),
            "{target}"
        );
    }
    // allow_private lifts address checks but not the scheme rule.
    assert_eq!(
        check_target(&url("https://10.0.0.1/"), None, &private),
        Ok(false)
    );
    assert_eq!(
        check_target(&url("http://10.0.0.1/"), None, &private).map_err(|e| e.code()),
        Err("fetch_scheme_refused")
    );
}

#[tokio::test]
async fn the_default_policy_refuses_every_spelling_of_loopback_without_network() {
    // A canary on loopback that counts requests: it must receive none.
    let (port, hits) = site();
    let (f, lookups) = fetcher_with_table(
        FetchPolicy {
            allow_loopback: false,
            ..test_policy()
        },
        &[("rebind.test", IpAddr::V4(Ipv4Addr::LOCALHOST))],
    );
    for host in [
        "127.0.0.1",
        "localhost",
        "LOCALHOST.",
        "0x7f000001",
        "2130706433",
        "127.1",
        "0177.0.0.1",
        "017700000001",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "[::127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "0.0.0.0",
        "[::]",
    ] {
        for scheme in ["http", "https"] {
            let target = format!("{scheme}://{host}:{port}/ok");
            let err = f.get(&target, "*/*").await.expect_err(&target);
            assert_eq!(err.code(), "fetch_private_address", "{target}: {err}");
        }
    }
    assert_eq!(lookups.load(Ordering::SeqCst), 0, "no name was looked up");
    // A name resolving to loopback is refused by the resolver.
    let target = format!("https://rebind.test:{port}/ok");
    assert_eq!(code(f.get(&target, "*/*").await), "fetch_private_address");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the canary was never reached"
    );
    // The same fetcher with loopback allowed reaches it.
    let open = fetcher(test_policy());
    assert!(
        open.get(&format!("http://127.1:{port}/ok"), "*/*")
            .await
            .is_ok()
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[test]
fn the_connected_address_is_checked_again() {
    let url = Url::parse("https://status.example/list").expect("url");
    let peer = |s: &str| Some(std::net::SocketAddr::new(s.parse().expect("ip"), 443));
    let strict = FetchPolicy::default();
    assert!(check_peer(&url, peer("8.8.8.8"), false, &strict).is_ok());
    for bad in ["127.0.0.1", "10.0.0.1", "::1", "::ffff:169.254.169.254"] {
        assert_eq!(
            check_peer(&url, peer(bad), false, &strict).map_err(|e| e.code()),
            Err("fetch_private_address"),
            "{bad}"
        );
    }
    // Loopback only when allowed and the chain started at loopback.
    let loopback = test_policy();
    assert!(check_peer(&url, peer("127.0.0.1"), true, &loopback).is_ok());
    assert!(check_peer(&url, peer("127.0.0.1"), false, &loopback).is_err());
    assert!(check_peer(&url, peer("10.0.0.1"), true, &loopback).is_err());
    assert_eq!(
        check_peer(&url, None, false, &strict).map_err(|e| e.code()),
        Err("fetch_failed")
    );
}

#[test]
fn resolver_screening_refuses_any_private_answer() {
    let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
    assert!(screen_addresses("a.test", vec![ip("8.8.8.8"), ip("2606:4700::1")], false).is_ok());
    let err = screen_addresses("a.test", vec![ip("8.8.8.8"), ip("10.0.0.1")], false)
        .expect_err("mixed answer");
    assert!(err.downcast_ref::<AddressRefused>().is_some());
    assert!(screen_addresses("a.test", vec![ip("8.8.8.8"), ip("10.0.0.1")], true).is_ok());
    assert!(screen_addresses("a.test", vec![], true).is_err());
}

#[test]
fn public_address_table() {
    let cases: &[(&str, bool)] = &[
        // IPv4 private and special ranges.
        ("10.0.0.1", false),
        ("10.255.255.255", false),
        ("172.16.0.1", false),
        ("172.31.255.255", false),
        ("172.32.0.1", true),
        ("172.15.255.255", true),
        ("192.168.0.1", false),
        ("192.168.255.255", false),
        ("127.0.0.1", false),
        ("127.255.0.1", false),
        ("169.254.169.254", false),
        ("169.254.0.1", false),
        ("100.64.0.1", false),
        ("100.127.255.255", false),
        ("100.63.255.255", true),
        ("100.128.0.1", true),
        ("0.0.0.0", false),
        ("0.1.2.3", false),
        ("224.0.0.1", false),
        ("239.255.255.250", false),
        ("240.0.0.1", false),
        ("255.255.255.255", false),
        ("192.0.2.1", false),
        ("198.18.0.1", false),
        ("198.51.100.7", false),
        ("203.0.113.9", false),
        ("8.8.8.8", true),
        ("1.1.1.1", true),
        ("93.184.216.34", true),
        // IPv6.
        ("::", false),
        ("::1", false),
        ("fc00::1", false),
        ("fd12:3456::1", false),
        ("fe80::1", false),
        ("febf::1", false),
        ("fec0::1", false),
        ("ff02::1", false),
        ("::ffff:10.0.0.1", false),
        ("::ffff:127.0.0.1", false),
        ("::ffff:8.8.8.8", true),
        ("::10.0.0.1", false),
        ("64:ff9b::a00:1", false),
        ("64:ff9b::808:808", true),
        ("2002:a00:1::1", false),
        ("2002:808:808::1", true),
        ("2001:db8::", false),
        ("2001:db8:1::1", false),
        ("2001::1", false),
        ("3fff::1", false),
        ("100::1", false),
        ("2606:4700::1", true),
        ("2a00:1450:4001::200e", true),
    ];
    for (text, public) in cases {
        let ip: IpAddr = text.parse().expect("ip");
        assert_eq!(is_public_address(ip), *public, "{text}");
    }
}

#[test]
fn codes_are_stable() {
    let all = [
        (FetchError::InvalidUrl(String::new()), "fetch_invalid_url"),
        (
            FetchError::SchemeRefused(String::new()),
            "fetch_scheme_refused",
        ),
        (
            FetchError::PrivateAddress {
                host: String::new(),
                address: String::new(),
            },
            "fetch_private_address",
        ),
        (FetchError::Timeout, "fetch_timeout"),
        (FetchError::TooLarge { limit: 1 }, "fetch_too_large"),
        (FetchError::Status { status: 404 }, "fetch_status"),
        (
            FetchError::RedirectRefused(String::new()),
            "fetch_redirect_refused",
        ),
        (FetchError::Failed(String::new()), "fetch_failed"),
    ];
    for (err, code) in all {
        assert_eq!(err.code(), code);
    }
}

#[test]
fn default_policy() {
    let p = FetchPolicy::default();
    assert_eq!(p.connect_timeout, Duration::from_secs(5));
    assert_eq!(p.total_timeout, Duration::from_secs(10));
    assert_eq!(p.max_bytes, 16 * 1024 * 1024);
    assert_eq!(p.max_redirects, 3);
    assert!(!p.allow_private);
    assert!(!p.allow_loopback);
}

#[tokio::test]
async fn a_destination_is_checked_by_its_url_and_every_address_its_name_resolves_to() {
    let (f, lookups) = fetcher_with_table(
        FetchPolicy::default(),
        &[
            ("hr.example", IpAddr::from([93, 184, 216, 34])),
            ("intranet.example", IpAddr::from([10, 0, 0, 5])),
            ("metadata.example", IpAddr::from([169, 254, 169, 254])),
        ],
    );
    assert!(
        f.check_destination("https://hr.example/hooks")
            .await
            .is_ok()
    );
    for (url, want) in [
        ("https://intranet.example/hooks", "fetch_private_address"),
        ("https://metadata.example/", "fetch_private_address"),
        ("https://10.0.0.5/hooks", "fetch_private_address"),
        ("https://127.0.0.1/hooks", "fetch_private_address"),
        ("http://hr.example/hooks", "fetch_scheme_refused"),
        ("https://unknown.example/", "fetch_failed"),
        ("not a url", "fetch_invalid_url"),
    ] {
        assert_eq!(code(f.check_destination(url).await), want, "{url}");
    }
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        4,
        "names only are looked up"
    );
}

#[tokio::test]
async fn a_post_is_sent_with_its_headers_and_only_a_2xx_succeeds() {
    let (port, _) = serve(|req, _port, s| match req.path.as_str() {
        "/hook" if req.headers.get("webhook-id").map(String::as_str) == Some("msg_1") => {
            s.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                .ok();
        }
        "/moved" => {
            s.write_all(b"HTTP/1.1 307 Temporary Redirect\r\nlocation: /hook\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .ok();
        }
        _ => {
            s.write_all(
                b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            )
            .ok();
        }
    });
    let f = fetcher(test_policy());
    let headers = [("webhook-id", "msg_1".to_owned())];
    let url = |p: &str| format!("http://127.0.0.1:{port}{p}");
    assert_eq!(
        f.post(&url("/hook"), &headers, b"{}".to_vec()).await,
        Ok(204)
    );
    // A redirect is not followed: it is a failure like any other non-2xx.
    assert_eq!(
        f.post(&url("/moved"), &headers, b"{}".to_vec()).await,
        Err(FetchError::Status { status: 307 })
    );
    assert_eq!(
        f.post(&url("/hook"), &[], b"{}".to_vec()).await,
        Err(FetchError::Status { status: 400 })
    );
    // Loopback needs the policy's allowance.
    let strict = fetcher(FetchPolicy::default());
    assert_eq!(
        code(strict.post(&url("/hook"), &headers, Vec::new()).await),
        "fetch_private_address"
    );
}
