//! Bounded HTTP(S) fetches of third-party documents: Bitstring Status List
//! credentials and `did:web` documents.
//!
//! The verifier must never fetch anything on behalf of a credential before its
//! signature has been checked (callers enforce the order; this module only
//! makes each fetch safe). Every fetch here is bounded:
//!
//! - **Schemes**: `https` only, except `http` to a loopback host (`127.0.0.0/8`,
//!   `::1`, `localhost`) when loopback is allowed. Anything else (`ftp:`,
//!   `file:`, `http://example.com/`) is refused before any network access.
//! - **Addresses**: every target host, including each redirect target, is
//!   resolved and refused when any resolved address is not globally routable
//!   (see [`is_public_address`]; RFC 6890 special-purpose ranges). Hosts are
//!   parsed as the URL parser (WHATWG URL §3.5) and thus the client reads them,
//!   so `0x7f000001`, `2130706433`, `127.1`, `0177.0.0.1` and
//!   `[::ffff:127.0.0.1]` are all `127.0.0.1`. Loopback is refused by default;
//!   [`FetchPolicy::allow_loopback`] (tests, local demos, the CLI) lets a
//!   loopback URL (`http(s)://127.0.0.1…`, `http(s)://[::1]…`,
//!   `http(s)://localhost…`) be fetched, and a redirect chain that *starts* at
//!   a loopback URL go to another loopback URL; a chain that starts elsewhere
//!   may still not redirect to loopback, and a DNS name other than `localhost`
//!   that resolves to loopback is still refused. [`FetchPolicy::allow_private`]
//!   lifts every address check (but not the scheme rule).
//! - **No DNS rebinding**: names are resolved once, by a resolver installed in
//!   the HTTP client, which checks the addresses and hands exactly those to the
//!   connector; there is no second lookup between check and connect. IP
//!   literals are checked before the request is sent, and the address each
//!   response actually came from is checked again under the same rule.
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
//! provider is kept). Certificates are checked against the platform's roots
//! plus [`FetchPolicy::extra_roots`] (a private PKI, a test's CA).
//!
//! [`HttpFetcher::get_conditional`] revalidates with `If-None-Match` and
//! reports the `ETag` and `Cache-Control` of each answer. The
//! [`NetworkResolver`] (`did_resolver`) uses it to resolve third-party
//! `did:web` and HTTP(S) key URLs into a [`DocumentCache`].

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

mod address;
mod did_resolver;

pub use address::is_public_address;
use address::{AddressRefused, GuardedResolver, is_localhost_name, is_loopback, system_lookup};
pub use did_resolver::{
    DID_DOCUMENT_MAX_BYTES, DOCUMENT_ACCEPT, DocumentCache, DocumentSource, NetworkResolver,
    cache_lifetime,
};
use reqwest::header::{
    ACCEPT, CACHE_CONTROL, CONTENT_TYPE, ETAG, HeaderValue, IF_NONE_MATCH, LOCATION,
};

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
    /// Accept loopback URLs (`127.0.0.0/8`, `::1`, `localhost`, over http or
    /// https) and redirects from one to another. Default `false`: a server
    /// must not reach services on its own machine for a caller.
    pub allow_loopback: bool,
    /// Root certificates trusted in addition to the platform's (a private
    /// PKI, or a test's throwaway CA); see [`FetchPolicy::with_roots_pem`].
    pub extra_roots: Vec<reqwest::Certificate>,
}

impl FetchPolicy {
    /// This policy, also trusting every certificate of the PEM bundle `pem`
    /// as a root (for tests and private PKI; public issuers need none).
    pub fn with_roots_pem(mut self, pem: &[u8]) -> Result<Self, FetchError> {
        let roots = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| FetchError::Failed(format!("reading root certificates: {}", chain(&e))))?;
        if roots.is_empty() {
            return Err(FetchError::Failed(
                "no PEM certificate in the root certificate file".to_owned(),
            ));
        }
        self.extra_roots.extend(roots);
        Ok(self)
    }
}

impl Default for FetchPolicy {
    fn default() -> Self {
        FetchPolicy {
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(10),
            max_bytes: 16 * 1024 * 1024,
            max_redirects: 3,
            allow_private: false,
            allow_loopback: false,
            extra_roots: Vec::new(),
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
    /// Its cache validator and directives.
    pub cache: CacheHeaders,
}

/// The caching headers of a response: the `ETag` validator (RFC 9110
/// §8.8.3) and the `Cache-Control` directives (RFC 9111 §5.2), as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheHeaders {
    /// `ETag`, if present and visible ASCII.
    pub etag: Option<String>,
    /// `Cache-Control`, if present and visible ASCII.
    pub cache_control: Option<String>,
}

/// The answer to a conditional GET (RFC 9110 §13.1.2 `If-None-Match`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conditional {
    /// A new representation.
    Modified(Fetched),
    /// `304 Not Modified`: the cached representation is still current; the
    /// headers may refresh its freshness (RFC 9111 §4.3.4).
    NotModified(CacheHeaders),
}

/// An HTTP(S) client for third-party documents (status lists, `did:web`
/// documents), enforcing the rules in the [module documentation](self):
/// `https` only (except `http` to allowed loopback), non-public addresses refused
/// (each redirect target included), addresses checked by the resolver that
/// feeds the connector (no DNS rebinding), at most `max_redirects` redirects,
/// timeouts, and a body size cap.
///
/// Cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct HttpFetcher {
    client: reqwest::Client,
    policy: FetchPolicy,
    lookup: Arc<LookupFn>,
}

impl std::fmt::Debug for HttpFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpFetcher")
            .field("client", &self.client)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
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
            allow_localhost: policy.allow_private || policy.allow_loopback,
            lookup: lookup.clone(),
        };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .referer(false)
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.total_timeout)
            .dns_resolver(Arc::new(resolver))
            .tls_certs_merge(policy.extra_roots.iter().cloned())
            .user_agent(concat!("rosette/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Failed(format!("building the HTTP client: {}", chain(&e))))?;
        Ok(HttpFetcher {
            client,
            policy,
            lookup,
        })
    }

    /// The limits this fetcher enforces.
    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// This fetcher with a body cap of at most `max_bytes` (the connection
    /// pool is shared).
    pub fn with_max_bytes(&self, max_bytes: usize) -> HttpFetcher {
        let mut fetcher = self.clone();
        fetcher.policy.max_bytes = fetcher.policy.max_bytes.min(max_bytes);
        fetcher
    }

    /// Checks, before anything is sent, that `url` is a destination this
    /// fetcher may reach: the URL rules, and for a DNS name every address
    /// it resolves to now. A request checks again when it connects, so a
    /// name whose answer changes later is still refused then.
    pub async fn check_destination(&self, url: &str) -> Result<(), FetchError> {
        let parsed = Url::parse(url).map_err(|e| FetchError::InvalidUrl(format!("{url}: {e}")))?;
        let loopback = check_target(&parsed, None, &self.policy)?;
        let Some(name) = parsed.domain() else {
            return Ok(());
        };
        if loopback || self.policy.allow_private {
            return Ok(());
        }
        let name = name.to_owned();
        let lookup = self.lookup.clone();
        let resolved = tokio::task::spawn_blocking(move || {
            let ips = lookup(&name).map_err(|e| format!("{name}: {e}"))?;
            address::screen_addresses(&name, ips, false).map_err(|e| {
                match e.downcast::<AddressRefused>() {
                    Ok(refused) => format!("refused:{}", refused.address),
                    Err(other) => other.to_string(),
                }
            })
        })
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?;
        match resolved {
            Ok(_) => Ok(()),
            Err(e) => match e.strip_prefix("refused:") {
                Some(address) => Err(FetchError::PrivateAddress {
                    host: parsed.host_str().unwrap_or_default().to_owned(),
                    address: address.to_owned(),
                }),
                None => Err(FetchError::Failed(e)),
            },
        }
    }

    /// POSTs `body` to `url` with `headers` under the policy (its address
    /// rules and timeouts). No redirect is followed: only a 2xx answer
    /// succeeds (its status is returned); any other status, a 3xx
    /// included, is [`FetchError::Status`]. The answer's body is discarded.
    pub async fn post(
        &self,
        url: &str,
        headers: &[(&'static str, String)],
        body: Vec<u8>,
    ) -> Result<u16, FetchError> {
        let target = Url::parse(url).map_err(|e| FetchError::InvalidUrl(format!("{url}: {e}")))?;
        let loopback = check_target(&target, None, &self.policy)?;
        let mut request = self.client.post(target.clone()).body(body);
        for (name, value) in headers {
            let value = HeaderValue::from_str(value)
                .map_err(|_| FetchError::Failed(format!("invalid {name} header value")))?;
            request = request.header(*name, value);
        }
        let send = async {
            let response = request.send().await.map_err(map_reqwest_error)?;
            check_peer(&target, response.remote_addr(), loopback, &self.policy)?;
            let status = response.status().as_u16();
            if !response.status().is_success() {
                return Err(FetchError::Status { status });
            }
            Ok(status)
        };
        match tokio::time::timeout(self.policy.total_timeout, send).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout),
        }
    }

    /// GETs `url` with the `Accept` header `accept`, following redirects under
    /// the policy; returns the final URL, the content type and the body.
    pub async fn get(&self, url: &str, accept: &str) -> Result<Fetched, FetchError> {
        match self.get_conditional(url, accept, None).await? {
            Conditional::Modified(fetched) => Ok(fetched),
            Conditional::NotModified(_) => Err(FetchError::Status { status: 304 }),
        }
    }

    /// [`HttpFetcher::get`], sending `If-None-Match: <etag>` when `etag` is
    /// given (RFC 9110 §13.1.2); a `304` answer to it is
    /// [`Conditional::NotModified`] (unasked for, it is an error).
    pub async fn get_conditional(
        &self,
        url: &str,
        accept: &str,
        etag: Option<&str>,
    ) -> Result<Conditional, FetchError> {
        let accept = HeaderValue::from_str(accept)
            .map_err(|_| FetchError::Failed("invalid Accept header value".to_owned()))?;
        // A validator that is no valid header value cannot be sent; fetch unconditionally.
        let etag = etag.and_then(|e| HeaderValue::from_str(e).ok());
        let start = Url::parse(url).map_err(|e| FetchError::InvalidUrl(format!("{url}: {e}")))?;
        // The start URL is checked before any network access; its loopback-ness
        // decides whether later hops may go to loopback.
        let origin_loopback = check_target(&start, None, &self.policy)?;
        match tokio::time::timeout(
            self.policy.total_timeout,
            self.follow(start, origin_loopback, accept, etag),
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
        etag: Option<HeaderValue>,
    ) -> Result<Conditional, FetchError> {
        let mut current = start;
        let mut redirects = 0usize;
        loop {
            let mut request = self
                .client
                .get(current.clone())
                .header(ACCEPT, accept.clone());
            if let Some(etag) = &etag {
                request = request.header(IF_NONE_MATCH, etag.clone());
            }
            let response = request.send().await.map_err(map_reqwest_error)?;
            check_peer(
                &current,
                response.remote_addr(),
                origin_loopback,
                &self.policy,
            )?;
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
                check_target(&next, Some(origin_loopback), &self.policy)?;
                redirects += 1;
                current = next;
                continue;
            }
            let header = |name: reqwest::header::HeaderName| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let cache = CacheHeaders {
                etag: header(ETAG),
                cache_control: header(CACHE_CONTROL),
            };
            if status.as_u16() == 304 && etag.is_some() {
                return Ok(Conditional::NotModified(cache));
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    status: status.as_u16(),
                });
            }
            let content_type = header(CONTENT_TYPE);
            let url = response.url().to_string();
            let body = read_limited(response, self.policy.max_bytes).await?;
            return Ok(Conditional::Modified(Fetched {
                url,
                content_type,
                body,
                cache,
            }));
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
    policy: &FetchPolicy,
) -> Result<bool, FetchError> {
    let allow_private = policy.allow_private;
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
            // Loopback only when allowed, for a loopback start URL and chains
            // that began there.
            if !policy.allow_loopback || origin_loopback == Some(false) {
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

/// Checks the address a response actually came from (the connected peer)
/// under the same rule as the URL: public, or loopback when allowed and the
/// chain started at loopback. Guards against a connector or resolver that
/// reached somewhere the checks before the request did not foresee.
fn check_peer(
    url: &Url,
    peer: Option<std::net::SocketAddr>,
    origin_loopback: bool,
    policy: &FetchPolicy,
) -> Result<(), FetchError> {
    let Some(ip) = peer.map(|p| p.ip()) else {
        return Err(FetchError::Failed(format!(
            "{url}: the connected address is unknown"
        )));
    };
    let loopback_ok = policy.allow_loopback && origin_loopback && is_loopback(ip);
    if policy.allow_private || is_public_address(ip) || loopback_ok {
        return Ok(());
    }
    Err(FetchError::PrivateAddress {
        host: url.host_str().unwrap_or_default().to_owned(),
        address: ip.to_string(),
    })
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
mod tests;
