//! Cross-cutting layers: request logs and metrics, security headers, CORS
//! for the public API, per-client rate limits on public routes.

use super::error::{ApiError, ErrorCause, ErrorCode};
pub use super::rate_limit::{AUTH_FAILURE_BURST, RateLimiter};
use super::state::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The `x-request-id` header: echoed when a client sent a sane one,
/// generated otherwise, and logged with the request.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

static NEXT_REQUEST: AtomicU64 = AtomicU64::new(1);

fn request_id(req: &Request) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| {
            format!(
                "{:x}-{:x}",
                std::process::id(),
                NEXT_REQUEST.fetch_add(1, Ordering::Relaxed)
            )
        })
}

/// The client's address: the connection's peer, or — when the peer is one
/// of `trusted_proxies` (a load balancer in front of several nodes) — the
/// rightmost `X-Forwarded-For` address that is not itself a trusted proxy
/// (the left part of that header is whatever the client chose to send).
pub fn client_ip(req: &Request, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get_all(HeaderName::from_static("x-forwarded-for"))
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    forwarded
        .iter()
        .rev()
        .filter_map(|a| a.parse::<IpAddr>().ok())
        .find(|a| !trusted_proxies.contains(a))
        .or(Some(peer))
}

/// The path as the request log writes it: a path holding a secret (a
/// wallet claim link or exchange, matched or near enough to be one) as the
/// route's template, never the secret.
pub fn loggable_path(route: Option<&str>, path: &str) -> String {
    match route {
        Some(r) if r.contains("{secret}") => r.to_owned(),
        _ => {
            for prefix in ["/claim/", "/exchanges/"] {
                if path.starts_with(prefix) {
                    return format!("{prefix}{{secret}}…");
                }
            }
            path.to_owned()
        }
    }
}

/// Logs one structured line per request (method, route pattern, path,
/// status, latency, client, request id — never headers, bodies or query
/// strings, which may hold secrets) and records the request metrics; an
/// error answer's cause ([`ErrorCause`], from the response's extensions)
/// is logged here, once, with the request id.
pub async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let path = loggable_path(route.as_deref(), req.uri().path());
    let client = client_ip(&req, &state.trusted_proxies);
    let id = request_id(&req);
    // For handlers that log on their own (outbound fetches).
    req.extensions_mut().insert(super::outbound::RequestInfo {
        id: id.as_str().into(),
        client,
    });
    let mut response = next.run(req).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let route = route.as_deref().unwrap_or("unmatched");
    // The one place an error's cause is logged (the client never sees it).
    if let Some(ErrorCause { what, cause }) = response.extensions_mut().remove::<ErrorCause>() {
        if status >= 500 {
            tracing::error!(target: "rosette::http", request_id = %id, route, status, error = %cause, "{what}");
        } else {
            tracing::info!(target: "rosette::http", request_id = %id, route, status, error = %cause, "{what}");
        }
    }
    state
        .metrics
        .observe_request(method.as_str(), route, status, elapsed.as_secs_f64());
    let latency_ms = elapsed.as_secs_f64() * 1000.0;
    let client = client.map(|c| c.to_string()).unwrap_or_default();
    if status >= 500 {
        tracing::warn!(target: "rosette::http", request_id = %id, method = %method, route, path, status, latency_ms, client, "request");
    } else {
        tracing::info!(target: "rosette::http", request_id = %id, method = %method, route, path, status, latency_ms, client, "request");
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    response
}

/// Security headers on every response (OWASP Secure Headers): no MIME
/// sniffing, no framing, no referrer leaks, no powerful features; a
/// locked-down CSP on anything that did not set its own (pages do); HSTS
/// when serving HTTPS.
pub async fn security_headers(State(hsts): State<bool>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    );
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    if hsts {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

/// Error answers made outside the handlers — 413 from the body limit, 503
/// from the request timeout, 405 and 408 from the router and the body
/// timeout — come with a plain-text or empty body; this gives them the
/// same RFC 9457 problem body as every other error.
pub async fn uniform_errors(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !(content_type.is_empty() || content_type.starts_with("text/plain")) {
        return response;
    }
    let (code, title) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::BodyTooLarge,
            "the request body is larger than this server accepts",
        ),
        StatusCode::SERVICE_UNAVAILABLE => {
            (ErrorCode::Timeout, "the request took too long; try again")
        }
        StatusCode::REQUEST_TIMEOUT => (
            ErrorCode::BodyTimeout,
            "the request body arrived too slowly",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "this method is not allowed on this path",
        ),
        _ => (
            ErrorCode::Error,
            status.canonical_reason().unwrap_or("error"),
        ),
    };
    let (_, body) = ApiError::titled(status, title)
        .with_code(code)
        .into_response()
        .into_parts();
    // The other parts stay: a 405 keeps its `Allow` header.
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}

/// A handler that panicked (a bug: handlers return errors) answers an
/// opaque 500 problem instead of a dropped connection; the panic message
/// goes to the log only.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    ApiError::titled(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error; the cause was logged",
    )
    .with_code(ErrorCode::InternalError)
    .caused_by("a request handler panicked", &message)
    .into_response()
}

/// CORS for the public API (Fetch Standard §3.2): any origin may call the
/// verification endpoints and read credentials, status lists and the DID
/// document — without credentials (no cookies, no `Authorization`), so the
/// admin API never becomes reachable cross-origin.
pub fn public_cors() -> tower_http::cors::CorsLayer {
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE, header::ACCEPT, REQUEST_ID])
        .expose_headers([REQUEST_ID, header::RETRY_AFTER, header::ETAG])
        .max_age(Duration::from_secs(86_400))
}

/// 429 problem with `Retry-After` (RFC 6585 §4), whole seconds, at least 1.
pub(super) fn too_many_requests(wait: Duration, title: &'static str) -> Response {
    ApiError::titled(StatusCode::TOO_MANY_REQUESTS, title)
        .with_code(ErrorCode::RateLimited)
        .retry_after(wait.as_secs().max(1))
        .into_response()
}

/// Rate-limits public routes per client address: 429 with `Retry-After`.
pub async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(ip) = client_ip(&req, &state.trusted_proxies)
        && let Err(wait) = state.rate_limiter.check(ip, Instant::now())
    {
        return too_many_requests(wait, "too many requests from this address; slow down");
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_holding_a_claim_secret_are_logged_without_it() {
        assert_eq!(
            loggable_path(Some("/claim/{secret}"), "/claim/s3cr3t"),
            "/claim/{secret}"
        );
        // Near misses the router did not match are cut too.
        assert_eq!(loggable_path(None, "/claim/s3cr3t/x"), "/claim/{secret}…");
        assert_eq!(
            loggable_path(None, "/exchanges/s3cr3t/"),
            "/exchanges/{secret}…"
        );
        assert_eq!(loggable_path(Some("/v/{id}"), "/v/abc"), "/v/abc");
    }

    #[test]
    fn buckets_refill_at_the_steady_rate_and_allow_a_burst() {
        let limiter = RateLimiter::new(60, 2); // 1/s, burst 2 → capacity 3
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(ip, t0).is_ok());
        }
        let wait = limiter.check(ip, t0).unwrap_err();
        assert!(wait <= Duration::from_secs(1) && wait > Duration::ZERO);
        // Another client is not affected.
        assert!(limiter.check("192.0.2.2".parse().unwrap(), t0).is_ok());
        // One second later, one more token.
        let t1 = t0 + Duration::from_millis(1001);
        assert!(limiter.check(ip, t1).is_ok());
        assert!(limiter.check(ip, t1).is_err());
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_an_opaque_500() {
        use tower::ServiceExt as _;
        let app = axum::Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    let detail: Vec<&str> = Vec::new();
                    // Out of bounds: the panic message names the index.
                    detail[usize::from(detail.is_empty()) + 6].to_owned()
                }),
            )
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(
                panic_response,
            ));
        let request = axum::http::Request::builder()
            .uri("/boom")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("internal_error"), "{text}");
        assert!(!text.contains("index out of bounds"), "{text}");
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let request = |peer: &str, xff: Option<&str>| {
            let mut req = Request::new(axum::body::Body::empty());
            req.extensions_mut().insert(ConnectInfo(
                format!("{peer}:40000").parse::<SocketAddr>().unwrap(),
            ));
            if let Some(v) = xff {
                req.headers_mut()
                    .insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
            }
            req
        };
        let lb: IpAddr = "10.0.0.2".parse().unwrap();
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        // Not behind a trusted proxy: the header is ignored.
        assert_eq!(
            client_ip(&request("198.51.100.7", Some("203.0.113.9")), &[lb]),
            ip("198.51.100.7")
        );
        // Behind it: the rightmost address the proxy appended, not what the client forged.
        assert_eq!(
            client_ip(&request("10.0.0.2", Some("1.2.3.4, 203.0.113.9")), &[lb]),
            ip("203.0.113.9")
        );
        // A proxy that sent no header: the proxy itself.
        assert_eq!(client_ip(&request("10.0.0.2", None), &[lb]), ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_clients_share_their_64_and_zero_means_unlimited() {
        let limiter = RateLimiter::new(60, 0);
        let t0 = Instant::now();
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2::ffff".parse().unwrap();
        assert!(limiter.check(a, t0).is_ok());
        assert!(limiter.check(b, t0).is_ok());
        assert!(limiter.check(a, t0).is_err());
        let off = RateLimiter::new(0, 0);
        for _ in 0..1000 {
            assert!(off.check(a, t0).is_ok());
        }
    }
}
