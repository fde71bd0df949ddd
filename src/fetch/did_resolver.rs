//! Third-party keys over the network: `did:web` DID URLs (DID Web Method
//! §3.2 "Read (Resolve)") and HTTP(S) key URLs (Open Badges 3.0 §8.5, a
//! controller document at the URL without its fragment, CID 1.0 §3.3),
//! fetched within the [`HttpFetcher`] policy and cached.
//!
//! [`NetworkResolver`] asks the local [`OfflineResolver`] first (`did:key`,
//! this issuer's own key history, supplied documents): a controller it holds
//! keys of is never fetched. Every fetched document is parsed strictly
//! (repeated member names refused, RFC 7493 §2.3), must carry the `id` it
//! was fetched for, and yields a key only through
//! [`method_from_controller_document`] (listed under `assertionMethod`, its
//! controller the document's id). A document that could not be fetched is
//! "could not check" ([`ResolveError::Unreachable`], or
//! [`ResolveError::Unknown`] for 404/410 and an answer that is not JSON at
//! all), never "invalid"; a JSON document that repeats a member name is
//! [`ResolveError::Document`] (`json_duplicate_key`, "invalid").
//!
//! [`DocumentCache`] keeps documents by id for a configured lifetime,
//! shortened by the response's `Cache-Control: max-age`, not kept at all
//! under `no-store`, revalidated with `If-None-Match` when stale (RFC 9111
//! §4.2, §4.3; a `304` keeps the cached document). It holds at most
//! [`DocumentCache::capacity`] documents, and concurrent resolutions of one
//! document wait for a single fetch.

use super::{CacheHeaders, Conditional, FetchError, HttpFetcher};
use crate::future::BoxFuture;
use crate::keys::{
    KeyResolver, OfflineResolver, ResolveError, VerificationMethod, did_web_resolution_url,
    method_from_controller_document,
};
use crate::model::strict_json;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Largest controller document accepted, in bytes (a DID document lists a
/// few keys; the cap keeps a hostile host from making us read megabytes).
pub const DID_DOCUMENT_MAX_BYTES: usize = 256 * 1024;

/// The `Accept` header of a document fetch (DID Core §6.2, §6.3; CID 1.0 §2).
pub const DOCUMENT_ACCEPT: &str = "application/did+json, application/did+ld+json;q=0.9, \
     application/ld+json;q=0.8, application/json;q=0.7";

/// Most documents a [`DocumentCache`] keeps unless told otherwise.
const DEFAULT_CAPACITY: usize = 1024;

/// Where controller documents come from: the bounded fetcher, or a server's
/// per-request fetches (which count against the caller's budget).
pub trait DocumentSource: Send + Sync {
    /// GETs the document at `url`, conditionally on `etag` when given, with
    /// a body of at most [`DID_DOCUMENT_MAX_BYTES`].
    fn fetch_document<'a>(
        &'a self,
        url: &'a str,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Conditional, FetchError>>;
}

impl DocumentSource for HttpFetcher {
    fn fetch_document<'a>(
        &'a self,
        url: &'a str,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Conditional, FetchError>> {
        Box::pin(async move {
            self.with_max_bytes(DID_DOCUMENT_MAX_BYTES)
                .get_conditional(url, DOCUMENT_ACCEPT, etag)
                .await
        })
    }
}

impl<T: DocumentSource + ?Sized> DocumentSource for Arc<T> {
    fn fetch_document<'a>(
        &'a self,
        url: &'a str,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Conditional, FetchError>> {
        (**self).fetch_document(url, etag)
    }
}

/// How long a document fetched with `cache_control` may be used without
/// asking again: `None` under `no-store` (not kept); zero under `no-cache`
/// or an unreadable `max-age` (kept for revalidation only, RFC 9111
/// §5.2.2.4, §4.2.1); else `max-age`, at most `configured`.
pub fn cache_lifetime(cache_control: Option<&str>, configured: Duration) -> Option<Duration> {
    let mut lifetime = configured;
    for directive in cache_control.unwrap_or_default().split(',') {
        let (name, value) = match directive.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim().trim_matches('"'))),
            None => (directive.trim(), None),
        };
        match name.to_ascii_lowercase().as_str() {
            "no-store" => return None,
            "no-cache" => lifetime = Duration::ZERO,
            "max-age" => {
                let seconds = value.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
                lifetime = lifetime.min(Duration::from_secs(seconds));
            }
            _ => {}
        }
    }
    Some(lifetime)
}

/// A stored document and what revalidating it needs.
#[derive(Debug, Clone)]
struct Entry {
    document: Arc<Value>,
    etag: Option<String>,
    cache_control: Option<String>,
    fresh_until: Instant,
}

/// Fetched controller documents by id, shared by every resolution: kept
/// for the configured lifetime or a shorter `Cache-Control: max-age`, not
/// under `no-store`, revalidated with the `ETag` when stale (RFC 9111 §4.2,
/// §4.3), at most [`DocumentCache::capacity`] of them.
#[derive(Debug)]
pub struct DocumentCache {
    lifetime: Duration,
    capacity: usize,
    entries: Mutex<HashMap<String, Entry>>,
    /// One lock per document being fetched, so concurrent resolutions of
    /// one id share a fetch.
    in_flight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl DocumentCache {
    /// A cache keeping documents at most `lifetime` (the `did_cache_seconds`
    /// setting); zero revalidates on every use.
    pub fn new(lifetime: Duration) -> Self {
        Self::with_capacity(lifetime, DEFAULT_CAPACITY)
    }

    /// A cache of at most `capacity` documents (at least one).
    pub fn with_capacity(lifetime: Duration, capacity: usize) -> Self {
        DocumentCache {
            lifetime,
            capacity: capacity.max(1),
            entries: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// Most documents kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Documents kept now (fresh or awaiting revalidation).
    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }

    /// Whether no document is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The fresh document whose `id` is `id` (a DID or URL without
    /// fragment), as fetched and checked by a [`NetworkResolver`].
    pub fn document(&self, id: &str) -> Option<Arc<Value>> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(id)
            .filter(|e| e.fresh_until > Instant::now())
            .map(|e| e.document.clone())
    }

    fn entry(&self, id: &str) -> Option<Entry> {
        self.entries.lock().ok()?.get(id).cloned()
    }

    /// Keeps `document` under `id` as its headers allow (nothing under
    /// `no-store`); when full, drops the entry that goes stale first.
    fn store(&self, id: &str, document: Arc<Value>, headers: &CacheHeaders) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        let Some(lifetime) = cache_lifetime(headers.cache_control.as_deref(), self.lifetime) else {
            entries.remove(id);
            return;
        };
        if !entries.contains_key(id) && entries.len() >= self.capacity {
            let oldest = entries
                .iter()
                .min_by_key(|(_, e)| e.fresh_until)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        entries.insert(
            id.to_owned(),
            Entry {
                document,
                etag: headers.etag.clone(),
                cache_control: headers.cache_control.clone(),
                fresh_until: Instant::now() + lifetime,
            },
        );
    }

    /// The lock of `id`'s fetch.
    fn gate(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        match self.in_flight.lock() {
            Ok(mut m) => m.entry(id.to_owned()).or_default().clone(),
            Err(_) => Arc::default(),
        }
    }

    /// Forgets `id`'s lock once nobody else holds it.
    fn release(&self, id: &str, gate: Arc<tokio::sync::Mutex<()>>) {
        if let Ok(mut m) = self.in_flight.lock()
            && Arc::strong_count(&gate) <= 2
        {
            m.remove(id);
        }
    }
}

/// The URL a controller document of `id` is fetched from, when `id` is one
/// this resolver fetches: a `did:web` DID, or an `https` (or loopback
/// `http`, within the fetch policy) URL.
fn document_url(id: &str) -> Option<Result<String, ResolveError>> {
    if id.starts_with("did:web:") {
        return Some(did_web_resolution_url(id).map_err(ResolveError::from));
    }
    let lower = id.get(..8).unwrap_or_default().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| Ok(id.to_owned()))
}

/// A [`KeyResolver`] that resolves what the local [`OfflineResolver`]
/// knows, and fetches third-party `did:web` and HTTP(S) controller
/// documents through a [`DocumentSource`] into a shared [`DocumentCache`].
pub struct NetworkResolver<S> {
    local: Arc<OfflineResolver>,
    source: S,
    cache: Arc<DocumentCache>,
}

impl<S: DocumentSource> NetworkResolver<S> {
    /// Resolves with `local` first, then fetches from `source` into `cache`.
    pub fn new(local: Arc<OfflineResolver>, source: S, cache: Arc<DocumentCache>) -> Self {
        NetworkResolver {
            local,
            source,
            cache,
        }
    }

    /// The checked document of `id` from the cache, or fetched (once for
    /// concurrent callers).
    async fn fetch_document(&self, id: &str, url: &str) -> Result<Arc<Value>, ResolveError> {
        if let Some(doc) = self.cache.document(id) {
            return Ok(doc);
        }
        let gate = self.cache.gate(id);
        let result = {
            let _turn = gate.lock().await;
            match self.cache.document(id) {
                Some(doc) => Ok(doc),
                None => self.refresh(id, url).await,
            }
        };
        self.cache.release(id, gate);
        result
    }

    /// Fetches `id`'s document, revalidating a stale copy.
    async fn refresh(&self, id: &str, url: &str) -> Result<Arc<Value>, ResolveError> {
        let stale = self.cache.entry(id);
        let etag = stale.as_ref().and_then(|e| e.etag.as_deref());
        let answer = self
            .source
            .fetch_document(url, etag)
            .await
            .map_err(|e| match e {
                FetchError::Status {
                    status: status @ (404 | 410),
                } => ResolveError::Unknown(format!(
                    "no controller document at {url} (HTTP {status})"
                )),
                other => ResolveError::Unreachable(format!(
                    "the controller document at {url} could not be fetched: {other}"
                )),
            })?;
        match (answer, stale) {
            (Conditional::NotModified(headers), Some(stale)) => {
                let headers = CacheHeaders {
                    etag: headers.etag.or(stale.etag),
                    cache_control: headers.cache_control.or(stale.cache_control),
                };
                self.cache.store(id, stale.document.clone(), &headers);
                Ok(stale.document)
            }
            (Conditional::NotModified(_), None) => Err(ResolveError::Unreachable(format!(
                "{url} answered 304 Not Modified to an unconditional request"
            ))),
            (Conditional::Modified(fetched), _) => {
                let doc = strict_json::from_slice(&fetched.body).map_err(|e| match e {
                    // Not JSON at all (an HTML page…): no controller document was found.
                    strict_json::StrictJsonError::Malformed(_) => ResolveError::Unknown(format!(
                        "{url} answered with no JSON controller document: {e}"
                    )),
                    _ => ResolveError::Document {
                        code: e.code(),
                        message: format!("the controller document at {url}: {e}"),
                    },
                })?;
                let found = doc.get("id").and_then(Value::as_str);
                if found != Some(id) {
                    return Err(ResolveError::Invalid(format!(
                        "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID: the document at {url} has \
                         the id {found:?}, not \"{id}\" (CID 1.0 §3.3)"
                    )));
                }
                let doc = Arc::new(doc);
                self.cache.store(id, doc.clone(), &fetched.cache);
                Ok(doc)
            }
        }
    }

    /// The URL to fetch `id` from, unless the local resolver answers for
    /// it (a controller it holds keys of) or it is no fetchable id.
    fn remote(&self, id: &str) -> Option<Result<String, ResolveError>> {
        if self.local.knows_controller(id) {
            return None;
        }
        document_url(id)
    }
}

impl<S: DocumentSource> KeyResolver for NetworkResolver<S> {
    fn resolve<'a>(
        &'a self,
        vm_url: &'a str,
    ) -> BoxFuture<'a, Result<VerificationMethod, ResolveError>> {
        Box::pin(async move {
            let local = self.local.resolve_now(vm_url);
            let Err(ResolveError::Unknown(_)) = &local else {
                return local;
            };
            let Some((id, _)) = vm_url.split_once('#') else {
                return local;
            };
            let Some(url) = self.remote(id) else {
                return local;
            };
            let doc = self.fetch_document(id, &url?).await?;
            method_from_controller_document(&doc, vm_url).map_err(|e| {
                if e.is_unsupported_key() {
                    ResolveError::Unknown(e.to_string())
                } else {
                    ResolveError::from(e)
                }
            })
        })
    }

    fn document<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Arc<Value>, ResolveError>> {
        Box::pin(async move {
            let local = self.local.document_now(id);
            let Err(ResolveError::Unknown(_)) = &local else {
                return local;
            };
            match self.remote(id) {
                Some(url) => self.fetch_document(id, &url?).await,
                None => local,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_lifetimes_follow_cache_control() {
        let day = Duration::from_secs(86_400);
        let five = Duration::from_secs(300);
        assert_eq!(cache_lifetime(None, five), Some(five));
        assert_eq!(
            cache_lifetime(Some("public, max-age=60"), five),
            Some(Duration::from_secs(60))
        );
        assert_eq!(cache_lifetime(Some("max-age=\"86400\""), five), Some(five));
        assert_eq!(
            cache_lifetime(Some("Max-Age=86400"), day),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(
            cache_lifetime(Some("max-age=-1"), five),
            Some(Duration::ZERO)
        );
        assert_eq!(cache_lifetime(Some("no-cache"), five), Some(Duration::ZERO));
        assert_eq!(cache_lifetime(Some("max-age=60, no-store"), five), None);
        assert_eq!(cache_lifetime(Some("NO-STORE"), five), None);
        assert_eq!(
            cache_lifetime(Some("max-age=600"), Duration::ZERO),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn document_urls() {
        assert_eq!(
            document_url("did:web:example.com:u:a").map(Result::unwrap),
            Some("https://example.com/u/a/did.json".to_owned())
        );
        assert_eq!(
            document_url("did:web:127.0.0.1%3A8443").map(Result::unwrap),
            Some("https://127.0.0.1:8443/.well-known/did.json".to_owned())
        );
        assert_eq!(
            document_url("HTTPS://issuer.example/1").map(Result::unwrap),
            Some("HTTPS://issuer.example/1".to_owned())
        );
        assert!(document_url("did:web:10.0.0.1").is_some_and(|r| r.is_err()));
        assert!(document_url("did:example:123").is_none());
        assert!(document_url("urn:uuid:1").is_none());
    }

    #[test]
    fn a_full_cache_drops_what_goes_stale_first() {
        let cache = DocumentCache::with_capacity(Duration::from_secs(300), 2);
        let short = CacheHeaders {
            etag: None,
            cache_control: Some("max-age=10".into()),
        };
        let doc = |id: &str| Arc::new(serde_json::json!({ "id": id }));
        cache.store("a", doc("a"), &CacheHeaders::default());
        cache.store("b", doc("b"), &short);
        cache.store("c", doc("c"), &CacheHeaders::default());
        assert_eq!(cache.len(), 2);
        assert!(cache.document("a").is_some() && cache.document("c").is_some());
        assert!(cache.document("b").is_none());
        // no-store removes a kept copy.
        let no_store = CacheHeaders {
            etag: None,
            cache_control: Some("no-store".into()),
        };
        cache.store("a", doc("a"), &no_store);
        assert!(cache.document("a").is_none());
        assert_eq!(cache.len(), 1);
    }
}
