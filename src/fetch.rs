//! Bounded HTTP(S) fetches of third-party documents: Bitstring Status List
//! credentials and `did:web` documents.
//!
//! The verifier must never fetch anything on behalf of a credential before its
//! signature has been checked (callers enforce the order; this module only
//! makes each fetch safe). Every fetch here is bounded:
//!
//! - **Schemes**: `https` only, except `http` to a loopback host (`127.0.0.0/8`,
//!   `::1`, `localhost`) for tests and local setups. Anything else (`ftp:`,
//!   `file:`, `http://example.com/`) is refused before any network access.
//! - **Addresses**: every target host, including each redirect target, is
//!   resolved and refused when any resolved address is not globally routable
//!   (see [`is_public_address`]). Loopback is the one exception: a loopback URL
//!   (`http(s)://127.0.0.1…`, `http(s)://[::1]…`, `http(s)://localhost…`) may
//!   be fetched, and a redirect chain that *starts* at a loopback URL may go
//!   to another loopback URL; a chain that starts elsewhere may not redirect
//!   to loopback, and a DNS name other than `localhost` that resolves to
//!   loopback is refused. [`FetchPolicy::allow_private`] lifts every address
//!   check (but not the scheme rule).
//! - **No DNS rebinding**: names are resolved once, by a resolver installed in
//!   the HTTP client, which checks the addresses and hands exactly those to the
//!   connector; there is no second lookup between check and connect. IP
//!   literals are checked before the request is sent.
//! - **Redirects** are followed by hand (the client's redirect policy is
//!   "none"), at most [`FetchPolicy::max_redirects`] hops, each re-checked.
//! - **Time**: a connect timeout and one total timeout covering every hop and
//!   reading the body.
//! - **Size**: the body is read incrementally and the fetch fails with
//!   [`FetchError::TooLarge`] as soon as it would exceed
//!   [`FetchPolicy::max_bytes`] (a declared `Content-Length` above the cap fails
//!   before reading). Bodies are never silently truncated. No
//!   `Accept-Encoding` is sent, so no decompression happens.
//! - No proxies (environment proxy variables are ignored), no cookies, no
//!   `Referer`, no credentials in URLs.
//!
//! TLS uses rustls with the `ring` provider: [`HttpFetcher::new`] installs it as
//! the process default if no provider is installed yet (an already installed
//! provider is kept).

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, LOCATION};

/// Why a fetch failed; [`FetchError::code`] gives a stable machine code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The URL could not be parsed, has no host, or carries credentials
    /// (`fetch_invalid_url`).
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The URL's scheme is not allowed: not `https`, or `http` to a host that
    /// is not loopback (`fetch_scheme_refused`).
    #[error("URL scheme refused: {0}")]
    SchemeRefused(String),
    /// The host is, or resolves to, an address that is not globally routable
    /// (`fetch_private_address`).
    #[error("address refused: {host} is or resolves to the non-public address {address}")]
    PrivateAddress {
        /// The host as written in the URL.
        host: String,
        /// The offending address.
        address: String,
    },
    /// The connect timeout or the total timeout elapsed (`fetch_timeout`).
    #[error("fetch timed out")]
    Timeout,
    /// The body is (or is declared to be) larger than the limit
    /// (`fetch_too_large`).
    #[error("response body larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes ([`FetchPolicy::max_bytes`]).
        limit: usize,
    },
    /// The final response had a non-2xx status (`fetch_status`).
    #[error("HTTP status {status}")]
    Status {
        /// The HTTP status code.
        status: u16,
    },
    /// Too many redirects, or a redirect without a usable `Location`
    /// (`fetch_redirect_refused`).
    #[error("redirect refused: {0}")]
    RedirectRefused(String),
    /// Any other failure: DNS, connection, TLS, protocol, client set-up
    /// (`fetch_failed`).
    #[error("fetch failed: {0}")]
    Failed(String),
}

impl FetchError {
    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            FetchError::InvalidUrl(_) => "fetch_invalid_url",
            FetchError::SchemeRefused(_) => "fetch_scheme_refused",
            FetchError::PrivateAddress { .. } => "fetch_private_address",
            FetchError::Timeout => "fetch_timeout",
            FetchError::TooLarge { .. } => "fetch_too_large",
            FetchError::Status { .. } => "fetch_status",
            FetchError::RedirectRefused(_) => "fetch_redirect_refused",
            FetchError::Failed(_) => "fetch_failed",
        }
    }
}

/// Limits of a fetcher.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    /// Time allowed to resolve and connect (TCP and TLS) to one host.
    /// Default 5 s.
    pub connect_timeout: Duration,
    /// Time allowed for a whole [`HttpFetcher::get`]: every redirect hop and
    /// reading the body. Default 10 s.
    pub total_timeout: Duration,
    /// Largest accepted body in bytes. Default 16 MiB.
    pub max_bytes: usize,
    /// Most redirects followed. Default 3.
    pub max_redirects: usize,
    /// Accept private, link-local, loopback and other non-public addresses for
    /// any host. Default `false`. The scheme rule (`https`, or `http` to
    /// loopback) still applies.
    pub allow_private: bool,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(10),
            max_bytes: 16 * 1024 * 1024,
            max_redirects: 3,
            allow_private: false,
        }
    }
}

/// A successful fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The final URL, after redirects.
    pub url: String,
    /// The `Content-Type` header of the final response, if present and
    /// visible ASCII.
    pub content_type: Option<String>,
    /// The complete body.
    pub body: Vec<u8>,
}

/// An HTTP(S) client for third-party documents (status lists, `did:web`
/// documents), enforcing the rules in the [module documentation](self):
/// `https` only (except `http` to loopback), non-public addresses refused
/// (each redirect target included), addresses checked by the resolver that
/// feeds the connector (no DNS rebinding), at most `max_redirects` redirects,
/// timeouts, and a body size cap.
///
/// Cheap to clone (the connection pool is shared).
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    client: reqwest::Client,
    policy: FetchPolicy,
}

/// How names are turned into addresses; the system resolver in production,
/// a table in tests.
type LookupFn = dyn Fn(&str) -> std::io::Result<Vec<IpAddr>> + Send + Sync;

impl HttpFetcher {
    /// Builds a fetcher with `policy`.
    ///
    /// Installs rustls' `ring` crypto provider as the process default unless a
    /// provider is already installed (in which case that one is used).
    pub fn new(policy: FetchPolicy) -> Result<Self, FetchError> {
        Self::with_lookup(policy, Arc::new(system_lookup))
    }

    fn with_lookup(policy: FetchPolicy, lookup: Arc<LookupFn>) -> Result<Self, FetchError> {
        // Idempotent: Err only means a provider is already installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let resolver = GuardedResolver {
            allow_private: policy.allow_private,
            lookup,
        };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .referer(false)
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.total_timeout)
            .dns_resolver(Arc::new(resolver))
            .user_agent(concat!("rosette/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Failed(format!("building the HTTP client: {}", chain(&e))))?;
        Ok(HttpFetcher { client, policy })
    }

    /// The limits this fetcher enforces.
    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// GETs `url` with the `Accept` header `accept`, following redirects under
    /// the policy; returns the final URL, the content type and the body.
    pub async fn get(&self, url: &str, accept: &str) -> Result<Fetched, FetchError> {
        let accept = HeaderValue::from_str(accept)
            .map_err(|_| FetchError::Failed("invalid Accept header value".to_owned()))?;
        let start = Url::parse(url).map_err(|e| FetchError::InvalidUrl(format!("{url}: {e}")))?;
        // The start URL is checked before any network access; its loopback-ness
        // decides whether later hops may go to loopback.
        let origin_loopback = check_target(&start, None, self.policy.allow_private)?;
        match tokio::time::timeout(
            self.policy.total_timeout,
            self.follow(start, origin_loopback, accept),
        )
        .await
        {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout),
        }
    }

    async fn follow(
        &self,
        start: Url,
        origin_loopback: bool,
        accept: HeaderValue,
    ) -> Result<Fetched, FetchError> {
        let mut current = start;
        let mut redirects = 0usize;
        loop {
            let response = self
                .client
                .get(current.clone())
                .header(ACCEPT, accept.clone())
                .send()
                .await
                .map_err(map_reqwest_error)?;
            let status = response.status();
            if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
                if redirects >= self.policy.max_redirects {
                    return Err(FetchError::RedirectRefused(format!(
                        "more than {} redirects",
                        self.policy.max_redirects
                    )));
                }
                let location = response
                    .headers()
                    .get(LOCATION)
                    .ok_or_else(|| {
                        FetchError::RedirectRefused(format!("{status} without Location"))
                    })?
                    .to_str()
                    .map_err(|_| FetchError::RedirectRefused("non-ASCII Location".to_owned()))?;
                let next = current.join(location).map_err(|e| {
                    FetchError::RedirectRefused(format!("invalid Location {location:?}: {e}"))
                })?;
                check_target(&next, Some(origin_loopback), self.policy.allow_private)?;
                redirects += 1;
                current = next;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    status: status.as_u16(),
                });
            }
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let url = response.url().to_string();
            let body = read_limited(response, self.policy.max_bytes).await?;
            return Ok(Fetched {
                url,
                content_type,
                body,
            });
        }
    }
}

/// Reads the body chunk by chunk, failing as soon as it would exceed `max`.
async fn read_limited(mut response: reqwest::Response, max: usize) -> Result<Vec<u8>, FetchError> {
    let too_large = FetchError::TooLarge { limit: max };
    let declared = response.content_length();
    if let Some(len) = declared
        && usize::try_from(len).map_or(true, |len| len > max)
    {
        return Err(too_large);
    }
    // Trust a declared length only up to 1 MiB for the initial allocation.
    let initial = declared
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(0)
        .min(1024 * 1024);
    let mut body = Vec::with_capacity(initial);
    while let Some(chunk) = response.chunk().await.map_err(map_reqwest_error)? {
        if chunk.len() > max - body.len() {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Checks a target URL before any network access: scheme, credentials, and
/// (for IP literals and `localhost`) the address rules. `origin_loopback` is
/// `None` for the start URL, else whether the start URL was loopback.
/// Returns whether the target is loopback.
fn check_target(
    url: &Url,
    origin_loopback: Option<bool>,
    allow_private: bool,
) -> Result<bool, FetchError> {
    let scheme = url.scheme();
    if scheme != "https" && scheme != "http" {
        return Err(FetchError::SchemeRefused(format!(
            "{scheme}: (only https, or http to loopback)"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::InvalidUrl(
            "credentials in the URL are not allowed".to_owned(),
        ));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| FetchError::InvalidUrl(format!("{url}: no host")))?;
    // The URL parser has already normalised IPv4 literals (for http and https)
    // to dotted quads and IPv6 literals to their bracketed canonical form.
    let literal = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => Some(
            v6.parse::<Ipv6Addr>()
                .map(IpAddr::V6)
                .map_err(|_| FetchError::InvalidUrl(format!("{url}: bad IPv6 host")))?,
        ),
        None => host.parse::<Ipv4Addr>().ok().map(IpAddr::V4),
    };
    let host_text = host.to_owned();
    let loopback = match literal {
        Some(ip) => is_loopback(ip),
        None => is_localhost_name(host),
    };
    if !allow_private {
        let refused = |address: String| FetchError::PrivateAddress {
            host: host_text.clone(),
            address,
        };
        if loopback {
            // Loopback only for a loopback start URL and chains that began there.
            if origin_loopback == Some(false) {
                return Err(refused(
                    literal.map_or_else(|| "loopback".to_owned(), |ip| ip.to_string()),
                ));
            }
        } else if let Some(ip) = literal
            && !is_public_address(ip)
        {
            return Err(refused(ip.to_string()));
        }
    }
    if scheme == "http" && !loopback {
        return Err(FetchError::SchemeRefused(format!(
            "http to {host_text} (only https, or http to loopback)"
        )));
    }
    Ok(loopback)
}

fn is_localhost_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("localhost.")
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.is_loopback(),
            None => v6.is_loopback(),
        },
    }
}

/// The address checks, public for tests: is `ip` a globally routable unicast
/// address, acceptable under the default policy?
///
/// Refused IPv4: `0.0.0.0/8`, `10/8`, `100.64/10` (CGNAT), `127/8`,
/// `169.254/16`, `172.16/12`, `192.0.0/24`, `192.0.2/24`, `192.88.99/24`,
/// `192.168/16`, `198.18/15`, `198.51.100/24`, `203.0.113/24`, `224/4`
/// (multicast) and everything above (`240/4`, broadcast).
///
/// IPv6: only global unicast `2000::/3` is accepted, minus `2001::/23` (IETF
/// protocol assignments, Teredo included), `2001:db8::/32` and `3fff::/20`
/// (documentation); this excludes `::`, `::1`, `fc00::/7`, `fe80::/10`,
/// `ff00::/8` and the deprecated IPv4-compatible and site-local ranges.
/// Addresses that embed an IPv4 address (`::ffff:0:0/96` mapped,
/// `64:ff9b::/96` NAT64, `2002::/16` 6to4) are judged by that IPv4 address.
///
/// Loopback is refused here; [`HttpFetcher`] allows it only for loopback URLs.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let non_public = a == 0
        || a == 10
        || (a == 100 && (b & 0xc0) == 64)
        || a == 127
        || (a == 169 && b == 254)
        || (a == 172 && (b & 0xf0) == 16)
        || (a == 192 && b == 0 && c == 0)
        || (a == 192 && b == 0 && c == 2)
        || (a == 192 && b == 88 && c == 99)
        || (a == 192 && b == 168)
        || (a == 198 && (b & 0xfe) == 18)
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || a >= 224;
    !non_public
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    // NAT64 well-known prefix 64:ff9b::/96.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6].iter().all(|&x| x == 0) {
        return is_public_v4(embedded(s[6], s[7]));
    }
    // 6to4 2002::/16 (the IPv4 address is in bits 16..48).
    if s[0] == 0x2002 {
        return is_public_v4(embedded(s[1], s[2]));
    }
    // Global unicast 2000::/3 only.
    if s[0] & 0xe000 != 0x2000 {
        return false;
    }
    // 2001::/23 (IETF protocol assignments) and 2001:db8::/32 (documentation).
    let in_2001 = s[0] == 0x2001 && (s[1] < 0x0200 || s[1] == 0x0db8);
    // 3fff::/20 (documentation).
    let non_public = in_2001 || (s[0] == 0x3fff && s[1] < 0x1000);
    !non_public
}

/// The error a [`GuardedResolver`] returns for a refused address; found again
/// in reqwest's error chain and turned into [`FetchError::PrivateAddress`].
#[derive(Debug)]
struct AddressRefused {
    host: String,
    address: IpAddr,
}

impl std::fmt::Display for AddressRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves to the non-public address {}",
            self.host, self.address
        )
    }
}

impl StdError for AddressRefused {}

/// The DNS resolver installed in the client: resolves once, refuses the name
/// when any address is non-public, and returns exactly the checked addresses
/// to the connector.
struct GuardedResolver {
    allow_private: bool,
    lookup: Arc<LookupFn>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let allow_private = self.allow_private;
        let lookup = Arc::clone(&self.lookup);
        Box::pin(async move {
            if is_localhost_name(&host) {
                // Never asked of DNS; `check_target` has already decided that
                // loopback is acceptable for this chain.
                let addrs: Addrs = Box::new(
                    [
                        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                        SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
                    ]
                    .into_iter(),
                );
                return Ok(addrs);
            }
            let name = host.clone();
            let ips = tokio::task::spawn_blocking(move || lookup(&name))
                .await
                .map_err(|e| Box::new(e) as Box<dyn StdError + Send + Sync>)??;
            let ips = screen_addresses(&host, ips, allow_private)?;
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// Refuses the whole answer when any address is non-public (unless
/// `allow_private`); an empty answer is an error.
fn screen_addresses(
    host: &str,
    ips: Vec<IpAddr>,
    allow_private: bool,
) -> Result<Vec<IpAddr>, Box<dyn StdError + Send + Sync>> {
    if ips.is_empty() {
        return Err(format!("{host}: no addresses").into());
    }
    if !allow_private && let Some(&address) = ips.iter().find(|ip| !is_public_address(**ip)) {
        return Err(Box::new(AddressRefused {
            host: host.to_owned(),
            address,
        }));
    }
    Ok(ips)
}

fn system_lookup(host: &str) -> std::io::Result<Vec<IpAddr>> {
    Ok((host, 0u16).to_socket_addrs()?.map(|a| a.ip()).collect())
}

fn map_reqwest_error(err: reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn StdError + 'static)> = Some(&err);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<AddressRefused>() {
            return FetchError::PrivateAddress {
                host: refused.host.clone(),
                address: refused.address.to_string(),
            };
        }
        source = e.source();
    }
    if err.is_timeout() {
        return FetchError::Timeout;
    }
    FetchError::Failed(chain(&err))
}

/// An error and its sources, joined with ": ".
fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        let more = e.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = e.source();
    }
    text
}

/// Third-party status lists over HTTP, within the fetch policy (BSL §3.2
/// step 2: any failure is a STATUS_RETRIEVAL_ERROR, reported as "unknown").
impl crate::verification::StatusSource for HttpFetcher {
    fn status_list<'a>(
        &'a self,
        url: &'a str,
    ) -> crate::future::BoxFuture<'a, Result<Vec<u8>, crate::verification::SourceError>> {
        Box::pin(async move {
            self.get(url, "application/vc, application/vc+ld+json;q=0.9, application/ld+json;q=0.8, application/json;q=0.7")
                .await
                .map(|f| f.body)
                .map_err(|e| crate::verification::SourceError { code: e.code(), message: e.to_string() })
        })
    }
}

#[cfg(test)]
mod tests {
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
        let table: HashMap<String, IpAddr> =
            table.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
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
                "/to-metadata" => {
                    redirect(s, "302 Found", "http://169.254.169.254/latest/meta-data/")
                }
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
        // Start URLs.
        assert_eq!(
            check_target(&url("http://127.0.0.1/"), None, false),
            Ok(true)
        );
        assert_eq!(
            check_target(&url("http://127.9.9.9/"), None, false),
            Ok(true)
        );
        assert_eq!(check_target(&url("https://[::1]/"), None, false), Ok(true));
        assert_eq!(
            check_target(&url("http://LOCALHOST/"), None, false),
            Ok(true)
        );
        assert_eq!(
            check_target(&url("https://example.com/"), None, false),
            Ok(false)
        );
        assert_eq!(
            check_target(&url("https://8.8.8.8/"), None, false),
            Ok(false)
        );
        // A chain that started at a public URL may not reach loopback.
        for target in [
            "https://127.0.0.1/",
            "http://localhost/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
        ] {
            let err = check_target(&url(target), Some(false), false).expect_err(target);
            assert_eq!(err.code(), "fetch_private_address", "{target}");
            assert!(
                check_target(&url(target), Some(true), false).is_ok(),
                "{target}"
            );
            assert!(
                check_target(&url(target), Some(false), true).is_ok(),
                "{target}"
            );
        }
        // allow_private lifts address checks but not the scheme rule.
        assert_eq!(
            check_target(&url("https://10.0.0.1/"), None, true),
            Ok(false)
        );
        assert_eq!(
            check_target(&url("http://10.0.0.1/"), None, true).map_err(|e| e.code()),
            Err("fetch_scheme_refused")
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
    }
}
