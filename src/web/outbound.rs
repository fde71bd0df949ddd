//! Outbound fetches made for a caller of the public routes (a credential
//! URL, a third-party status list, a third-party issuer's DID or controller
//! document): within the server's fetch policy, under one deadline per
//! request, counted against a per-client budget, and failing with one
//! opaque answer.
//!
//! A caller learns only `fetch_failed` — never an HTTP status, an error text
//! or whether the fetch timed out — so the server cannot be used to probe
//! which hosts and ports answer (OWASP SSRF Prevention Cheat Sheet, "blind"
//! responses). The cause goes to the server log with the request id.

use super::rate_limit::RateLimiter;
use crate::fetch::{
    Conditional, DID_DOCUMENT_MAX_BYTES, DocumentSource, FetchError, Fetched, HttpFetcher,
};
use crate::future::BoxFuture;
use crate::verification::{SourceError, StatusSource};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

/// Most fetches (batch items, roster lines) one request runs at once.
pub const FETCH_CONCURRENCY: usize = 8;

/// Outbound fetches one client may cause per minute, steady rate.
pub const FETCH_BUDGET_PER_MINUTE: u32 = 120;

/// Outbound fetches one client may cause in a burst above the steady rate
/// (a full batch of `max_batch` URLs fits).
pub const FETCH_BUDGET_BURST: u32 = 100;

/// The one code a public caller sees when something could not be fetched.
pub const FETCH_FAILED: &str = "fetch_failed";

/// What a public caller is told when something could not be fetched.
pub const FETCH_FAILED_DETAIL: &str =
    "the URL gave no document (the cause is in the server log under this answer's x-request-id)";

/// A request's id (the `x-request-id` it is answered with) and its client,
/// as the request-log layer found them; an extractor for the handlers.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    /// The request id.
    pub id: Arc<str>,
    /// The client's address, when known.
    pub client: Option<IpAddr>,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestInfo {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(parts
            .extensions
            .get::<RequestInfo>()
            .cloned()
            .unwrap_or_default())
    }
}

/// One request's outbound fetches: the server's [`HttpFetcher`], one
/// deadline for all of them (the policy's total timeout, counted from the
/// request's start, so a batch of hanging URLs ends within one timeout), and
/// the client's budget.
#[derive(Clone)]
pub struct Outbound {
    fetcher: HttpFetcher,
    deadline: tokio::time::Instant,
    budget: Arc<RateLimiter>,
    request: RequestInfo,
}

impl Outbound {
    /// The fetches of `request`, from now on.
    pub fn new(fetcher: HttpFetcher, budget: Arc<RateLimiter>, request: RequestInfo) -> Self {
        let deadline = tokio::time::Instant::now() + fetcher.policy().total_timeout;
        Outbound {
            fetcher,
            deadline,
            budget,
            request,
        }
    }

    /// GETs `url` (see [`HttpFetcher::get`]). `Err(())` when the budget is
    /// spent, the deadline passed or the fetch failed; the cause is logged.
    pub async fn get(&self, url: &str, accept: &str, what: &str) -> Result<Fetched, ()> {
        match self
            .get_conditional(&self.fetcher, url, accept, None, what)
            .await?
        {
            Conditional::Modified(fetched) => Ok(fetched),
            Conditional::NotModified(_) => Err(()),
        }
    }

    /// [`Outbound::get`] through `fetcher` (this request's, or one with a
    /// smaller body cap), conditionally on `etag`.
    async fn get_conditional(
        &self,
        fetcher: &HttpFetcher,
        url: &str,
        accept: &str,
        etag: Option<&str>,
        what: &str,
    ) -> Result<Conditional, ()> {
        let id = self.request.id.as_ref();
        // Clients without a known address share one budget.
        let client = self
            .request
            .client
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        if let Err(wait) = self.budget.check(client, std::time::Instant::now()) {
            tracing::warn!(target: "rosette::fetch", request_id = %id, %client, url, retry_after_secs = wait.as_secs(),
                "{what} not fetched: the client's outbound fetch budget is spent");
            return Err(());
        }
        match tokio::time::timeout_at(self.deadline, fetcher.get_conditional(url, accept, etag))
            .await
        {
            Ok(Ok(fetched)) => Ok(fetched),
            Ok(Err(e)) => {
                tracing::info!(target: "rosette::fetch", request_id = %id, %client, url, code = e.code(), error = %e,
                    "{what} could not be fetched");
                Err(())
            }
            Err(_) => {
                tracing::info!(target: "rosette::fetch", request_id = %id, %client, url, code = "fetch_timeout",
                    "{what} could not be fetched before the request's fetch deadline");
                Err(())
            }
        }
    }
}

/// Third-party status lists for a public caller (BSL §3.2 step 2: any
/// failure is a STATUS_RETRIEVAL_ERROR, reported as "unknown"), with the
/// opaque `fetch_failed`.
impl StatusSource for Outbound {
    fn status_list<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, SourceError>> {
        Box::pin(async move {
            self.get(
                url,
                "application/vc, application/vc+ld+json;q=0.9, application/ld+json;q=0.8, application/json;q=0.7",
                "a status list",
            )
            .await
            .map(|f| f.body)
            .map_err(|()| SourceError {
                code: FETCH_FAILED,
                message: FETCH_FAILED_DETAIL.to_owned(),
            })
        })
    }
}

/// Third-party DID and controller documents for a public caller, counted
/// in the caller's budget, failing with the opaque `fetch_failed` detail.
impl DocumentSource for Outbound {
    fn fetch_document<'a>(
        &'a self,
        url: &'a str,
        etag: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Conditional, FetchError>> {
        Box::pin(async move {
            let fetcher = self.fetcher.with_max_bytes(DID_DOCUMENT_MAX_BYTES);
            self.get_conditional(
                &fetcher,
                url,
                crate::fetch::DOCUMENT_ACCEPT,
                etag,
                "a controller document",
            )
            .await
            .map_err(|()| FetchError::Failed(FETCH_FAILED_DETAIL.to_owned()))
        })
    }
}
