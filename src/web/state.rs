//! The state every route shares ([`AppState`]) and what the issuing side
//! needs ([`IssuerParts`]).

use super::outbound::{self, Outbound, RequestInfo};
use super::{keyring, rate_limit};
use crate::fetch::{DocumentCache, NetworkResolver};
use crate::keys::KeyResolver;
use crate::store::Store;
use crate::verification::{Report, StatusCache, StatusSource, VerifyContext};
use std::sync::Arc;

/// Shared state of the routes.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The issuing side (catalog, key, profile, clock), when this server
    /// issues; `None` serves status lists only.
    pub issuer: Option<Arc<IssuerParts>>,
    /// Largest request body; larger ones get 413.
    pub max_body_bytes: usize,
    /// The bounded client for third-party status lists and credential URLs,
    /// built once (its connection pool and TLS roots are shared).
    pub fetcher: Option<crate::fetch::HttpFetcher>,
    /// Most credentials in one verification batch.
    pub max_batch: usize,
    /// Prometheus metrics.
    pub metrics: Arc<crate::telemetry::metrics::Metrics>,
    /// Third-party DID and controller documents fetched while verifying
    /// (keys of did:web and HTTP(S) issuers), shared by all requests.
    pub did_cache: Arc<DocumentCache>,
    /// Verified status lists, shared by all requests: third-party lists for
    /// their ttl, this issuer's own for at most a second (and dropped at
    /// once when this process changes one).
    pub status_cache: Arc<crate::verification::StatusCache>,
    /// This issuer's status list versions, read at most every 250 ms.
    pub list_versions: Arc<crate::issuance::revocation::ListVersions>,
    /// This issuer's keys (current and retired) as published in did.json
    /// and trusted when verifying, refreshed from the store; [`AppState::new`]
    /// starts it with the signing key alone.
    pub key_ring: Arc<keyring::KeyRing>,
    /// Per-client limits on the public routes.
    pub rate_limiter: Arc<rate_limit::RateLimiter>,
    /// Per-client budget of failed token checks on the admin API.
    pub auth_failures: Arc<rate_limit::RateLimiter>,
    /// Per-client budget of outbound fetches (credential URLs, third-party
    /// status lists) made for the public routes; a fetch over it fails as
    /// `fetch_failed` without touching the network.
    pub fetch_budget: Arc<rate_limit::RateLimiter>,
    /// Longest a request may take (503 after).
    pub request_timeout: std::time::Duration,
    /// Whether responses carry HSTS (the server speaks HTTPS).
    pub hsts: bool,
    /// Proxies whose `X-Forwarded-For` names the client (rate limits, logs).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// The registered graders now: [`AppState::new`] starts it with
    /// [`IssuerParts::graders`]; `rosette serve` replaces it when
    /// rosette.toml changes, so graders take effect without a restart.
    pub graders: Arc<GraderRoster>,
    /// This issuer's DID and the configured list of trusted issuers
    /// (`trusted_issuers`), for the report's `issued_here` and
    /// `issuer_trust`; [`AppState::new`] starts it with the DID alone.
    pub trusted_issuers: Arc<crate::verification::TrustedIssuers>,
    /// The status purposes a generic VC-API credential gets when its request
    /// asks for none (configuration `generic_status_purposes`).
    pub generic_status_purposes: Arc<[&'static str]>,
}

/// The registered graders, swapped as a whole when the configuration
/// changes (readers keep the list they took).
#[derive(Debug, Default)]
pub struct GraderRoster {
    list: std::sync::RwLock<Arc<Vec<crate::issuance::Grader>>>,
}

/// How often `rosette serve` reads the graders from rosette.toml again.
pub const GRADER_REFRESH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

impl GraderRoster {
    /// A roster of `graders`.
    pub fn new(graders: Vec<crate::issuance::Grader>) -> Self {
        GraderRoster {
            list: std::sync::RwLock::new(Arc::new(graders)),
        }
    }

    /// The graders now.
    pub fn current(&self) -> Arc<Vec<crate::issuance::Grader>> {
        match self.list.read() {
            Ok(l) => l.clone(),
            // A writer panicked mid-swap: the old list is still whole.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Installs `graders`; true when they differ from the current ones.
    pub fn replace(&self, graders: Vec<crate::issuance::Grader>) -> bool {
        if *self.current() == graders {
            return false;
        }
        match self.list.write() {
            Ok(mut l) => *l = Arc::new(graders),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(graders),
        }
        true
    }
}

/// Most credentials in one verification batch, unless configured otherwise
/// (`max_batch`).
pub const MAX_BATCH: usize = 100;

/// How long a fetched DID document is reused unless configured otherwise
/// (`did_cache_seconds`).
pub const DEFAULT_DID_CACHE: std::time::Duration = std::time::Duration::from_secs(300);

/// Default request body limit: 1 MB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// What the routes need to act as the issuer.
pub struct IssuerParts {
    /// The certifications.
    pub catalog: crate::catalog::Catalog,
    /// The signing key, bound to the issuer's did:web or did:key.
    pub key: crate::keys::IssuerKey,
    /// Issuer profile.
    pub profile: crate::issuance::IssuerProfile,
    /// Public base URL.
    pub public_url: String,
    /// Now.
    pub clock: Arc<dyn crate::clock::Clock>,
    /// Proof suite of new credentials.
    pub suite: crate::proof::Cryptosuite,
    /// Registered graders at start (the live list is [`AppState::graders`]).
    pub graders: Vec<crate::issuance::Grader>,
    /// LinkedIn organization id for add-to-profile links, if configured.
    pub linkedin_organization_id: Option<String>,
}

impl AppState {
    /// State with the defaults: 1 MB bodies, batches of 100, no fetcher,
    /// fresh metrics and status cache.
    pub fn new(store: Arc<dyn Store>, issuer: Option<Arc<IssuerParts>>) -> Self {
        let key_ring = match issuer.as_deref() {
            Some(p) => keyring::KeyRing::new(
                crate::keys::CredentialSigner::issuer(&p.key),
                p.key.public_key(),
                crate::keys::KeyHistory::new(p.key.public_key()),
            ),
            None => keyring::KeyRing::none(),
        };
        let graders = issuer.as_deref().map(|p| p.graders.clone());
        let trusted_issuers = own_issuers(&key_ring);
        AppState {
            trusted_issuers: Arc::new(trusted_issuers),
            graders: Arc::new(GraderRoster::new(graders.unwrap_or_default())),
            key_ring: Arc::new(key_ring),
            store,
            issuer,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            fetcher: None,
            max_batch: MAX_BATCH,
            metrics: Arc::new(crate::telemetry::metrics::Metrics::new()),
            status_cache: Arc::new(crate::verification::StatusCache::new()),
            did_cache: Arc::new(DocumentCache::new(DEFAULT_DID_CACHE)),
            list_versions: Arc::new(crate::issuance::revocation::ListVersions::new(
                crate::issuance::revocation::LIST_VERSIONS_MAX_AGE,
            )),
            rate_limiter: Arc::new(rate_limit::RateLimiter::new(0, 0)),
            auth_failures: Arc::new(rate_limit::RateLimiter::new(
                crate::config::DEFAULT_AUTH_FAILURES_PER_MINUTE,
                rate_limit::AUTH_FAILURE_BURST,
            )),
            fetch_budget: Arc::new(rate_limit::RateLimiter::new(
                outbound::FETCH_BUDGET_PER_MINUTE,
                outbound::FETCH_BUDGET_BURST,
            )),
            request_timeout: std::time::Duration::from_secs(30),
            hsts: false,
            trusted_proxies: Arc::from(Vec::new()),
            generic_status_purposes: Arc::from(crate::issuance::generic::GENERIC_PURPOSES),
        }
    }

    /// After this process changed a status list: the next verification
    /// reads the list versions again, so no cached copy of the old list is
    /// reused and the change shows at once (third-party lists stay cached).
    pub fn status_changed(&self) {
        self.list_versions.invalidate();
    }

    /// The trusted issuers with this issuer's ids as the key ring knows them
    /// now: in did:key mode a rotation on another node adds a did:key after
    /// start, and the lists re-signed with it are this issuer's own.
    pub fn issuers_now(&self) -> Arc<crate::verification::TrustedIssuers> {
        let view = self.key_ring.view();
        if view
            .issuer_ids
            .iter()
            .all(|id| self.trusted_issuers.is_own(id))
        {
            return self.trusted_issuers.clone();
        }
        Arc::new(
            view.issuer_ids
                .iter()
                .fold((*self.trusted_issuers).clone(), |t, id| {
                    t.with_own(id.clone())
                }),
        )
    }

    /// The issuing service over this state's parts, when this server issues.
    pub fn issuer(&self) -> Option<crate::issuance::Issuer<'_>> {
        let p = self.issuer.as_deref()?;
        Some(crate::issuance::Issuer {
            store: self.store.as_ref(),
            catalog: &p.catalog,
            signer: &p.key,
            profile: p.profile.clone(),
            public_url: p.public_url.clone(),
            clock: p.clock.as_ref(),
            suite: p.suite,
            graders: self.graders.current().as_ref().clone(),
        })
    }
}

/// The trusted issuers knowing `ring`'s issuer ids as this issuer's own
/// (the did:web, or every did:key of the key history), with no list.
pub fn own_issuers(ring: &keyring::KeyRing) -> crate::verification::TrustedIssuers {
    ring.view()
        .issuer_ids
        .iter()
        .fold(crate::verification::TrustedIssuers::new(), |t, id| {
            t.with_own(id.clone())
        })
}

/// What one verification request needs: this issuer's keys, third-party
/// keys resolved through the request's outbound fetches (within the
/// server's fetch policy and the caller's budget), the request's fetches
/// for third-party status lists and credential URLs, a status cache.
pub struct Pieces {
    resolver: Arc<dyn KeyResolver>,
    /// The request's outbound fetches (status lists, credential URLs).
    pub fetcher: Option<Outbound>,
    cache: std::sync::Arc<StatusCache>,
    issuers: std::sync::Arc<crate::verification::TrustedIssuers>,
    now: chrono::DateTime<chrono::Utc>,
}

impl Pieces {
    /// The pieces of `state` for `request`, with its clock's "now"; the
    /// request's fetch deadline starts now.
    pub fn new(state: &AppState, request: RequestInfo) -> Self {
        let parts = state.issuer.as_deref();
        let fetcher = state
            .fetcher
            .clone()
            .map(|f| Outbound::new(f, state.fetch_budget.clone(), request));
        let own = state.key_ring.resolver();
        let resolver: Arc<dyn KeyResolver> = match &fetcher {
            Some(outbound) => Arc::new(NetworkResolver::new(
                own,
                outbound.clone(),
                state.did_cache.clone(),
            )),
            None => own,
        };
        Pieces {
            resolver,
            fetcher,
            cache: state.status_cache.clone(),
            issuers: state.issuers_now(),
            now: parts
                .map(|p| p.clock.now())
                .unwrap_or(chrono::DateTime::<chrono::Utc>::UNIX_EPOCH),
        }
    }

    /// This issuer's lists from the store, third-party lists through the fetcher.
    pub fn own_lists<'a>(
        &'a self,
        state: &'a AppState,
    ) -> Option<crate::issuance::revocation::OwnStatusLists<'a>> {
        let fallback = self.fetcher.as_ref().map(|f| f as &dyn StatusSource);
        state.issuer.as_deref().map(|p| {
            crate::issuance::revocation::OwnStatusLists::new(
                state.store.as_ref(),
                &p.public_url,
                fallback,
            )
            .with_shared_versions(&state.list_versions)
        })
    }

    /// The verification context: this issuer's key, the status source
    /// (`own`, else the fetcher), the shared cache and the trusted issuers.
    pub fn context<'a>(
        &'a self,
        own: Option<&'a crate::issuance::revocation::OwnStatusLists<'a>>,
    ) -> VerifyContext<'a> {
        let source: Option<&dyn StatusSource> = match own {
            Some(o) => Some(o),
            None => self.fetcher.as_ref().map(|f| f as &dyn StatusSource),
        };
        let cx = VerifyContext::new(self.resolver.as_ref(), self.now).with_issuers(&self.issuers);
        match source {
            Some(s) => cx.with_status(s, &self.cache),
            None => cx,
        }
    }
}

/// Counts a verification by verdict in the metrics.
pub fn count(state: &AppState, report: &Report) {
    state.metrics.observe_verification(report.verdict.as_str());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::issuance::{Actor, keys};
    use crate::keys::{SigningKey, did_key};
    use crate::verification::IssuerTrust;

    /// In did:key mode a rotation on another node adds a did:key; once the
    /// ring has read the new history, its lists are this issuer's own.
    #[tokio::test]
    async fn a_did_key_added_by_a_rotation_elsewhere_is_this_issuers_own() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("r.db").display());
        let store: Arc<dyn Store> = Arc::new(crate::store::open(&url).await.unwrap());
        let (old, new) = (
            SigningKey::from_bytes(&[1; 32]).verifying_key(),
            SigningKey::from_bytes(&[2; 32]).verifying_key(),
        );
        let now = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        let admin = Actor::admin("test");
        let history = keys::key_history(store.as_ref(), &old, now, &admin)
            .await
            .unwrap();
        let mut state = AppState::new(store.clone(), None);
        state.key_ring = Arc::new(keyring::KeyRing::new(&did_key(&old), old, history));
        state.trusted_issuers = Arc::new(own_issuers(&state.key_ring).with_list(["did:web:x"]));
        assert_eq!(
            state.issuers_now().assess(&did_key(&old)),
            IssuerTrust::ThisIssuer
        );
        assert_eq!(
            state.issuers_now().assess(&did_key(&new)),
            IssuerTrust::NotListed
        );

        keys::rotate(store.as_ref(), &old, &new, now, &admin)
            .await
            .unwrap();
        assert!(state.key_ring.refresh(store.as_ref()).await.unwrap());
        let issuers = state.issuers_now();
        assert_eq!(issuers.assess(&did_key(&new)), IssuerTrust::ThisIssuer);
        assert!(issuers.same_issuer(&did_key(&old), &did_key(&new)));
        assert_eq!(
            issuers.assess("did:web:x"),
            IssuerTrust::Listed,
            "the list is kept"
        );
    }
}
