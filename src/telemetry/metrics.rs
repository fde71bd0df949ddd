//! `GET /metrics`: Prometheus metrics in the OpenMetrics text format
//! (OpenMetrics 1.0 §"Text format"), which Prometheus scrapes natively.
//!
//! Per route (the route *pattern*, never the raw path, so ids don't explode
//! the label space): request counts by status and a latency histogram. Per
//! process: verifications by verdict, credentials issued, status changes.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The `Content-Type` of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabels {
    verdict: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChangeLabels {
    change: String,
}

/// Latency buckets in seconds: 0.5 ms … 5 s.
const LATENCY_BUCKETS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The server's metrics registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    verifications: Family<VerdictLabels, Counter>,
    issued: Counter,
    status_changes: Family<ChangeLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry with every metric registered (at zero).
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("rosette");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route pattern and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(LATENCY_BUCKETS)) as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time from request to response head, by method and route pattern",
            latency.clone(),
        );
        let verifications = Family::<VerdictLabels, Counter>::default();
        registry.register(
            "verifications",
            "Credentials verified, by verdict (valid, revoked, suspended, expired, not_found, invalid, unknown)",
            verifications.clone(),
        );
        let issued = Counter::default();
        registry.register(
            "credentials_issued",
            "Credentials issued by this process (new, renewed, corrected)",
            issued.clone(),
        );
        let status_changes = Family::<ChangeLabels, Counter>::default();
        registry.register(
            "status_changes",
            "Revocations, suspensions and reinstatements made by this process",
            status_changes.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            verifications,
            issued,
            status_changes,
        }
    }

    /// One answered request: `route` is the matched pattern
    /// (`/v/{id}`), or `unmatched`.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        // Any token is a valid HTTP method: only the standard ones become
        // labels, so clients cannot grow the label space.
        let method = match method {
            "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
            _ => "OTHER",
        };
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// One verification with its verdict.
    pub fn observe_verification(&self, verdict: &str) {
        self.verifications
            .get_or_create(&VerdictLabels {
                verdict: verdict.to_owned(),
            })
            .inc();
    }

    /// `n` credentials issued.
    pub fn observe_issued(&self, n: u64) {
        self.issued.inc_by(n);
    }

    /// One status change: `revoke`, `suspend` or `reinstate`.
    pub fn observe_status_change(&self, change: &str) {
        self.status_changes
            .get_or_create(&ChangeLabels {
                change: change.to_owned(),
            })
            .inc();
    }

    /// The exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_observed_requests_and_verdicts() {
        let m = Metrics::new();
        m.observe_request("GET", "/v/{id}", 200, 0.003);
        m.observe_request("BREW", "unmatched", 405, 0.001);
        m.observe_verification("revoked");
        m.observe_issued(2);
        m.observe_status_change("revoke");
        let text = m.render();
        assert!(
            text.contains(
                "rosette_http_requests_total{method=\"GET\",route=\"/v/{id}\",status=\"200\"} 1"
            ),
            "{text}"
        );
        assert!(text.contains("rosette_http_request_duration_seconds_bucket{le=\"0.005\",method=\"GET\",route=\"/v/{id}\"} 1") || text.contains("rosette_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v/{id}\",le=\"0.005\"} 1"), "{text}");
        assert!(
            text.contains("rosette_verifications_total{verdict=\"revoked\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("rosette_credentials_issued_total 2"),
            "{text}"
        );
        assert!(
            text.contains("rosette_status_changes_total{change=\"revoke\"} 1"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"));
    }
}
