//! Settings, layered: built-in defaults < `<data-dir>/rosette.toml` <
//! `ROSETTE_*` environment variables < command-line flags. Secrets (a
//! database password) never appear in `Debug` output or logs.

use crate::proof::Cryptosuite;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// File name of the configuration inside the data directory.
pub const CONFIG_FILE: &str = "rosette.toml";

/// The effective configuration.
#[derive(Clone)]
pub struct Config {
    /// Directory holding the configuration, the SQLite database and the keys.
    pub data_dir: PathBuf,
    /// Public base URL of the service (QR codes, credential pages, did:web), no trailing slash.
    pub public_url: String,
    /// `sqlite://…` or `postgres://…`; a relative SQLite path is resolved
    /// against the data directory ([`resolve_database_url`]).
    pub database_url: String,
    /// Issuer display name.
    pub issuer_name: String,
    /// Issuer home page.
    pub issuer_url: Option<String>,
    /// The issuer's signing key (PKCS#8 PEM, mode 0600).
    pub key_file: PathBuf,
    /// A certification catalog folder, resolved against the data directory;
    /// `None`: the catalog compiled into the binary
    /// ([`crate::catalog::Catalog::builtin`]).
    pub badges_dir: Option<PathBuf>,
    /// Registered lab graders: e-mails (lower-cased), each with the public
    /// name and/or role credentials show instead of the e-mail.
    pub graders: Vec<crate::issuance::Grader>,
    /// Proof suite for new credentials.
    pub suite: Cryptosuite,
    /// LinkedIn organization id for add-to-profile links.
    pub linkedin_organization_id: Option<String>,
    /// Largest request body the server accepts (413 above).
    pub max_body_bytes: usize,
    /// Address `rosette serve` listens on.
    pub listen: String,
    /// TLS certificate chain (PEM); with `tls_key`, the server speaks HTTPS.
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM, PKCS#8, SEC1 or RSA).
    pub tls_key: Option<PathBuf>,
    /// Requests per minute one client may make to the public endpoints (0: unlimited).
    pub rate_limit_per_minute: u32,
    /// Requests a client may make in a burst above the steady rate.
    pub rate_limit_burst: u32,
    /// Failed admin-token checks per minute one client may make (0: unlimited).
    pub auth_failures_per_minute: u32,
    /// Longest a request may take before the server answers 503.
    pub request_timeout_secs: u64,
    /// Most credentials in one `POST /api/v1/verify` batch.
    pub max_batch: usize,
    /// Sign an audit checkpoint after this many new entries (0: off; default 1,000).
    pub audit_checkpoint_every_entries: u64,
    /// Sign an audit checkpoint this many minutes after the last, if the log grew (0: off; default 60).
    pub audit_checkpoint_every_minutes: u64,
    /// Log lines as `text` (for people) or `json` (for log collectors).
    pub log_format: LogFormat,
    /// Reverse proxies / load balancers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Let `rosette serve` fetch loopback URLs (`127.0.0.0/8`, `::1`,
    /// `localhost`) for its callers: tests and local demos only. Off by
    /// default; every other non-public address stays refused.
    pub fetch_allow_loopback: bool,
    /// Issuer ids (DIDs or URLs) an employer trusts: each verification
    /// report says whether a credential's issuer is on this list
    /// (`issuer_trust`); this issuer's own DID is always known. `None`: no
    /// list (reports say `no_list`). Never changes a verdict.
    pub trusted_issuers: Option<Vec<String>>,
    /// Longest time a fetched third-party DID or controller document is
    /// reused without asking its host again (a shorter `Cache-Control:
    /// max-age` wins; `no-store` is not kept). Default 300; 0 revalidates
    /// every time.
    pub did_cache_seconds: u64,
    /// Extra root certificates (PEM) trusted by outbound fetches besides the
    /// system's: a private PKI, or a test's throwaway CA. Relative to the
    /// data directory.
    pub fetch_ca_file: Option<PathBuf>,
    /// Which DID names the issuer (`issuer_did`): the did:web of the
    /// public URL (default) or the did:key of the current signing key.
    pub issuer_did_method: IssuerDidMethod,

    // Generic VC-API issuance.
    /// The status purposes (`revocation`, `suspension`) a credential issued
    /// over VC-API gets when its request asks for none
    /// (`options.statusPurpose` / `options.credentialStatus`). Default both;
    /// empty: none. Env `ROSETTE_GENERIC_STATUS_PURPOSES`, comma-separated.
    pub generic_status_purposes: Vec<&'static str>,

    // Webhooks and expiry warnings.
    /// How long after an event its failed webhook deliveries are retried
    /// before they are marked failed, in seconds (default 86,400: 24 h).
    pub webhook_retry_period_secs: u64,
    /// The wait after a delivery's first failed attempt, in milliseconds
    /// (default 5,000); each later wait doubles, up to an hour.
    pub webhook_first_retry_ms: u64,
    /// How often the delivery worker looks for due deliveries, in
    /// milliseconds (default 1,000).
    pub webhook_poll_ms: u64,
    /// Longest one delivery attempt may take, in seconds (default 10).
    pub webhook_timeout_secs: u64,
    /// The warning windows of the daily expiry pass, in days (default
    /// `[60, 30]`): each credential gets one `credential.expiring` event per
    /// window. Empty: no pass. Env `ROSETTE_EXPIRY_WARNING_DAYS`, comma-separated.
    pub expiry_warning_days: Vec<i64>,
}

/// The DID method of the issuer id (`issuer_did = "did:web" | "did:key"`,
/// env `ROSETTE_ISSUER_DID`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IssuerDidMethod {
    /// `did:web` of [`Config::public_url`] (did:web Method, "Method-specific
    /// identifier"): one issuer id whatever the key; retired keys stay
    /// published in `/.well-known/did.json`.
    #[default]
    Web,
    /// `did:key` of the current signing key (did:key Method v0.7, "The
    /// did:key Format"): no domain needed, nothing to publish; a new key is a
    /// new issuer id.
    Key,
}

impl IssuerDidMethod {
    /// The setting's value: `did:web` or `did:key`.
    pub fn as_str(self) -> &'static str {
        match self {
            IssuerDidMethod::Web => "did:web",
            IssuerDidMethod::Key => "did:key",
        }
    }
}

impl std::str::FromStr for IssuerDidMethod {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.trim() {
            "did:web" => Ok(IssuerDidMethod::Web),
            "did:key" => Ok(IssuerDidMethod::Key),
            other => Err(ConfigError(format!(
                "issuer_did {other:?} is neither \"did:web\" nor \"did:key\""
            ))),
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = ConfigError;
    fn from_str(s: &str) -> Result<Self, ConfigError> {
        match s.trim() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(ConfigError(format!(
                "log_format {other:?} is neither \"text\" nor \"json\""
            ))),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("public_url", &self.public_url)
            .field("database_url", &redact_url(&self.database_url))
            .field("issuer_name", &self.issuer_name)
            .field("issuer_url", &self.issuer_url)
            .field("key_file", &self.key_file)
            .field("badges_dir", &self.badges_dir)
            .field("graders", &self.graders)
            .field("suite", &self.suite.as_str())
            .field("linkedin_organization_id", &self.linkedin_organization_id)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("listen", &self.listen)
            .field("tls_cert", &self.tls_cert)
            .field("tls_key", &self.tls_key)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("rate_limit_burst", &self.rate_limit_burst)
            .field("auth_failures_per_minute", &self.auth_failures_per_minute)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("max_batch", &self.max_batch)
            .field(
                "audit_checkpoint_every_entries",
                &self.audit_checkpoint_every_entries,
            )
            .field(
                "audit_checkpoint_every_minutes",
                &self.audit_checkpoint_every_minutes,
            )
            .field("log_format", &self.log_format)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("fetch_allow_loopback", &self.fetch_allow_loopback)
            .field("trusted_issuers", &self.trusted_issuers)
            .field("did_cache_seconds", &self.did_cache_seconds)
            .field("fetch_ca_file", &self.fetch_ca_file)
            .field("issuer_did_method", &self.issuer_did_method)
            .field("generic_status_purposes", &self.generic_status_purposes)
            .field("webhook_retry_period_secs", &self.webhook_retry_period_secs)
            .field("webhook_first_retry_ms", &self.webhook_first_retry_ms)
            .field("webhook_poll_ms", &self.webhook_poll_ms)
            .field("webhook_timeout_secs", &self.webhook_timeout_secs)
            .field("expiry_warning_days", &self.expiry_warning_days)
            .finish()
    }
}

/// A URL with any password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The default database, relative to the data directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://rosette.db";

/// The path and the `?query` (possibly empty) of a `sqlite:` URL
/// (`sqlite://path` or `sqlite:path`); `None` for other schemes.
fn sqlite_parts(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    Some(match rest.find('?') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    })
}

/// `url` with a relative SQLite file path resolved against `data_dir`
/// (`sqlite://rosette.db` → `sqlite://<data_dir>/rosette.db`); absolute
/// SQLite paths, in-memory databases (`sqlite::memory:`) and other
/// schemes (PostgreSQL) are returned unchanged.
pub fn resolve_database_url(url: &str, data_dir: &Path) -> String {
    match sqlite_parts(url) {
        Some((path, query)) if !path.is_empty() && !path.starts_with(['/', ':']) => {
            format!("sqlite://{}{query}", data_dir.join(path).display())
        }
        _ => url.to_owned(),
    }
}

/// Default of [`Config::auth_failures_per_minute`].
pub const DEFAULT_AUTH_FAILURES_PER_MINUTE: u32 = 30;

/// The file's settings; every key optional, unknown keys refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    /// See [`Config::public_url`].
    pub public_url: Option<String>,
    /// See [`Config::database_url`] (a relative SQLite path is relative to
    /// the data directory).
    pub database_url: Option<String>,
    /// See [`Config::issuer_name`].
    pub issuer_name: Option<String>,
    /// See [`Config::issuer_url`].
    pub issuer_url: Option<String>,
    /// See [`Config::key_file`] (relative to the data directory).
    pub key_file: Option<PathBuf>,
    /// See [`Config::badges_dir`] (relative to the data directory).
    pub badges_dir: Option<PathBuf>,
    /// See [`Config::graders`]: `"e-mail"` or `{ email, name, role }` entries.
    pub graders: Option<Vec<crate::issuance::Grader>>,
    /// `eddsa-rdfc-2022` or `eddsa-jcs-2022`.
    pub suite: Option<String>,
    /// See [`Config::linkedin_organization_id`].
    pub linkedin_organization_id: Option<String>,
    /// See [`Config::max_body_bytes`].
    pub max_body_bytes: Option<usize>,
    /// See [`Config::listen`].
    pub listen: Option<String>,
    /// See [`Config::tls_cert`] (relative to the data directory).
    pub tls_cert: Option<PathBuf>,
    /// See [`Config::tls_key`] (relative to the data directory).
    pub tls_key: Option<PathBuf>,
    /// See [`Config::rate_limit_per_minute`].
    pub rate_limit_per_minute: Option<u32>,
    /// See [`Config::rate_limit_burst`].
    pub rate_limit_burst: Option<u32>,
    /// See [`Config::auth_failures_per_minute`].
    pub auth_failures_per_minute: Option<u32>,
    /// See [`Config::request_timeout_secs`].
    pub request_timeout_secs: Option<u64>,
    /// See [`Config::max_batch`].
    pub max_batch: Option<usize>,
    /// See [`Config::audit_checkpoint_every_entries`].
    pub audit_checkpoint_every_entries: Option<u64>,
    /// See [`Config::audit_checkpoint_every_minutes`].
    pub audit_checkpoint_every_minutes: Option<u64>,
    /// `text` or `json`.
    pub log_format: Option<String>,
    /// See [`Config::trusted_proxies`].
    pub trusted_proxies: Option<Vec<String>>,
    /// See [`Config::fetch_allow_loopback`].
    pub fetch_allow_loopback: Option<bool>,
    /// See [`Config::trusted_issuers`].
    pub trusted_issuers: Option<Vec<String>>,
    /// See [`Config::did_cache_seconds`].
    pub did_cache_seconds: Option<u64>,
    /// See [`Config::fetch_ca_file`] (relative to the data directory).
    pub fetch_ca_file: Option<PathBuf>,
    /// `did:web` or `did:key`, see [`Config::issuer_did_method`].
    pub issuer_did: Option<String>,

    // Generic VC-API issuance.
    /// See [`Config::generic_status_purposes`].
    pub generic_status_purposes: Option<Vec<String>>,

    // Webhooks and expiry warnings.
    /// See [`Config::webhook_retry_period_secs`].
    pub webhook_retry_period_secs: Option<u64>,
    /// See [`Config::webhook_first_retry_ms`].
    pub webhook_first_retry_ms: Option<u64>,
    /// See [`Config::webhook_poll_ms`].
    pub webhook_poll_ms: Option<u64>,
    /// See [`Config::webhook_timeout_secs`].
    pub webhook_timeout_secs: Option<u64>,
    /// See [`Config::expiry_warning_days`].
    pub expiry_warning_days: Option<Vec<i64>>,
}

/// The `generic_status_purposes` setting: each `revocation` or
/// `suspension`, kept once, in order.
fn generic_status_purposes(given: &[String]) -> Result<Vec<&'static str>, ConfigError> {
    let mut out: Vec<&'static str> = Vec::new();
    for p in given {
        let known = crate::issuance::generic::GENERIC_PURPOSES
            .into_iter()
            .find(|k| k == p)
            .ok_or_else(|| {
                ConfigError(format!(
                    "generic_status_purposes: {p:?} is not revocation or suspension"
                ))
            })?;
        if !out.contains(&known) {
            out.push(known);
        }
    }
    Ok(out)
}

/// A boolean `ROSETTE_*` variable (`true`/`false`, `1`/`0`), if set.
fn env_bool(env: &HashMap<String, String>, key: &str) -> Result<Option<bool>, ConfigError> {
    match env.get(key).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(None),
        Some(v) if v == "true" || v == "1" => Ok(Some(true)),
        Some(v) if v == "false" || v == "0" => Ok(Some(false)),
        Some(v) => Err(ConfigError(format!(
            "{key} {v:?} is neither true nor false"
        ))),
    }
}

/// A numeric `ROSETTE_*` variable, if set.
fn env_number<T: std::str::FromStr>(
    env: &HashMap<String, String>,
    key: &str,
) -> Result<Option<T>, ConfigError> {
    match env.get(key) {
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ConfigError(format!("{key} {v:?} is not a whole number"))),
        None => Ok(None),
    }
}

/// The `trusted_issuers` entries, checked: each an absolute URI (a DID or
/// an `https://` URL: VCDM 2.0 §4.7), without spaces; duplicates dropped.
fn trusted_issuer_ids(ids: &[String]) -> Result<Vec<String>, ConfigError> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id.trim();
        let scheme = id.split_once(':').map(|(s, _)| s).unwrap_or("");
        let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !scheme_ok || id.len() == scheme.len() + 1 || id.chars().any(char::is_whitespace) {
            return Err(ConfigError(format!(
                "trusted_issuers: {id:?} is not an issuer id (a DID such as \"did:web:example.com\" or a URL)"
            )));
        }
        if !out.iter().any(|o| o == id) {
            out.push(id.to_owned());
        }
    }
    Ok(out)
}

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

/// Settings given on the command line (highest precedence).
pub type Overrides = FileSettings;

impl Config {
    /// When to sign audit checkpoints.
    pub fn audit_checkpoint_policy(&self) -> crate::audit::CheckpointPolicy {
        crate::audit::CheckpointPolicy {
            every_entries: self.audit_checkpoint_every_entries,
            every_minutes: self.audit_checkpoint_every_minutes,
        }
    }

    /// Defaults for `data_dir`.
    pub fn defaults(data_dir: &Path) -> Config {
        Config {
            data_dir: data_dir.to_owned(),
            public_url: "http://127.0.0.1:8080".into(),
            database_url: resolve_database_url(DEFAULT_DATABASE_URL, data_dir),
            issuer_name: "GitLab Professional Services".into(),
            issuer_url: Some("https://about.gitlab.com".into()),
            key_file: data_dir.join("keys").join("issuer.pem"),
            badges_dir: None,
            graders: Vec::new(),
            suite: Cryptosuite::EddsaRdfc2022,
            linkedin_organization_id: None,
            max_body_bytes: 1024 * 1024,
            listen: "127.0.0.1:8080".into(),
            tls_cert: None,
            tls_key: None,
            rate_limit_per_minute: 600,
            rate_limit_burst: 120,
            auth_failures_per_minute: DEFAULT_AUTH_FAILURES_PER_MINUTE,
            request_timeout_secs: 30,
            max_batch: 100,
            audit_checkpoint_every_entries: 1000,
            audit_checkpoint_every_minutes: 60,
            log_format: LogFormat::Text,
            trusted_proxies: Vec::new(),
            fetch_allow_loopback: false,
            trusted_issuers: None,
            did_cache_seconds: 300,
            fetch_ca_file: None,
            issuer_did_method: IssuerDidMethod::Web,
            generic_status_purposes: crate::issuance::generic::GENERIC_PURPOSES.to_vec(),
            webhook_retry_period_secs: 86_400,
            webhook_first_retry_ms: 5_000,
            webhook_poll_ms: 1_000,
            webhook_timeout_secs: 10,
            expiry_warning_days: vec![60, 30],
        }
    }

    /// Loads `<data_dir>/rosette.toml` (if present), then `env` (the
    /// `ROSETTE_*` variables), then `flags`.
    pub fn load(
        data_dir: &Path,
        env: &HashMap<String, String>,
        flags: &Overrides,
    ) -> Result<Config, ConfigError> {
        let mut config = Config::defaults(data_dir);
        let path = data_dir.join(CONFIG_FILE);
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
            let file: FileSettings = toml::from_str(&text)
                .map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
            config.apply(&file, data_dir)?;
        }
        let from_env = FileSettings {
            public_url: env.get("ROSETTE_PUBLIC_URL").cloned(),
            database_url: env.get("ROSETTE_DATABASE_URL").cloned(),
            issuer_name: env.get("ROSETTE_ISSUER_NAME").cloned(),
            issuer_url: env.get("ROSETTE_ISSUER_URL").cloned(),
            key_file: env.get("ROSETTE_KEY_FILE").map(PathBuf::from),
            badges_dir: env
                .get("ROSETTE_BADGES_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            graders: env.get("ROSETTE_GRADERS").map(|g| {
                g.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(crate::issuance::Grader::from)
                    .collect()
            }),
            suite: env.get("ROSETTE_SUITE").cloned(),
            linkedin_organization_id: env.get("ROSETTE_LINKEDIN_ORGANIZATION_ID").cloned(),
            max_body_bytes: env_number(env, "ROSETTE_MAX_BODY_BYTES")?,
            listen: env.get("ROSETTE_LISTEN").cloned(),
            tls_cert: env.get("ROSETTE_TLS_CERT").map(PathBuf::from),
            tls_key: env.get("ROSETTE_TLS_KEY").map(PathBuf::from),
            rate_limit_per_minute: env_number(env, "ROSETTE_RATE_LIMIT_PER_MINUTE")?,
            rate_limit_burst: env_number(env, "ROSETTE_RATE_LIMIT_BURST")?,
            auth_failures_per_minute: env_number(env, "ROSETTE_AUTH_FAILURES_PER_MINUTE")?,
            request_timeout_secs: env_number(env, "ROSETTE_REQUEST_TIMEOUT_SECS")?,
            max_batch: env_number(env, "ROSETTE_MAX_BATCH")?,
            audit_checkpoint_every_entries: env_number(
                env,
                "ROSETTE_AUDIT_CHECKPOINT_EVERY_ENTRIES",
            )?,
            audit_checkpoint_every_minutes: env_number(
                env,
                "ROSETTE_AUDIT_CHECKPOINT_EVERY_MINUTES",
            )?,
            log_format: env.get("ROSETTE_LOG_FORMAT").cloned(),
            trusted_proxies: env.get("ROSETTE_TRUSTED_PROXIES").map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
            fetch_allow_loopback: env_bool(env, "ROSETTE_FETCH_ALLOW_LOOPBACK")?,
            trusted_issuers: env
                .get("ROSETTE_TRUSTED_ISSUERS")
                .filter(|v| !v.trim().is_empty())
                .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect()),
            did_cache_seconds: env_number(env, "ROSETTE_DID_CACHE_SECONDS")?,
            fetch_ca_file: env
                .get("ROSETTE_FETCH_CA_FILE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            issuer_did: env.get("ROSETTE_ISSUER_DID").cloned(),
            generic_status_purposes: env.get("ROSETTE_GENERIC_STATUS_PURPOSES").map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
            webhook_retry_period_secs: env_number(env, "ROSETTE_WEBHOOK_RETRY_PERIOD_SECS")?,
            webhook_first_retry_ms: env_number(env, "ROSETTE_WEBHOOK_FIRST_RETRY_MS")?,
            webhook_poll_ms: env_number(env, "ROSETTE_WEBHOOK_POLL_MS")?,
            webhook_timeout_secs: env_number(env, "ROSETTE_WEBHOOK_TIMEOUT_SECS")?,
            expiry_warning_days: match env.get("ROSETTE_EXPIRY_WARNING_DAYS") {
                None => None,
                Some(v) => Some(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(|d| {
                            d.parse().map_err(|_| {
                                ConfigError(format!(
                                    "ROSETTE_EXPIRY_WARNING_DAYS: {d:?} is not a whole number"
                                ))
                            })
                        })
                        .collect::<Result<_, _>>()?,
                ),
            },
        };
        config.apply(&from_env, data_dir)?;
        config.apply(flags, data_dir)?;
        config.check()?;
        Ok(config)
    }

    fn apply(&mut self, s: &FileSettings, data_dir: &Path) -> Result<(), ConfigError> {
        if let Some(v) = &s.public_url {
            self.public_url = v.trim_end_matches('/').to_owned();
        }
        if let Some(v) = &s.database_url {
            self.database_url = resolve_database_url(v, data_dir);
        }
        if let Some(v) = &s.issuer_name {
            self.issuer_name = v.clone();
        }
        if let Some(v) = &s.issuer_url {
            self.issuer_url = Some(v.clone()).filter(|u| !u.is_empty());
        }
        let in_data_dir = |p: &PathBuf| {
            if p.is_absolute() {
                p.clone()
            } else {
                data_dir.join(p)
            }
        };
        if let Some(v) = &s.key_file {
            self.key_file = in_data_dir(v);
        }
        if let Some(v) = &s.badges_dir {
            self.badges_dir = Some(in_data_dir(v));
        }
        if let Some(v) = &s.graders {
            self.graders = v.clone();
        }
        if let Some(v) = &s.suite {
            self.suite = v.parse().map_err(ConfigError)?;
        }
        if let Some(v) = s.max_body_bytes {
            if v < 1024 {
                return Err(ConfigError(format!("max_body_bytes {v} is below 1024")));
            }
            self.max_body_bytes = v;
        }
        if let Some(v) = &s.listen {
            self.listen = v.trim().to_owned();
        }
        if let Some(v) = &s.tls_cert {
            self.tls_cert = Some(in_data_dir(v));
        }
        if let Some(v) = &s.tls_key {
            self.tls_key = Some(in_data_dir(v));
        }
        if let Some(v) = s.rate_limit_per_minute {
            self.rate_limit_per_minute = v;
        }
        if let Some(v) = s.rate_limit_burst {
            self.rate_limit_burst = v;
        }
        if let Some(v) = s.auth_failures_per_minute {
            self.auth_failures_per_minute = v;
        }
        if let Some(v) = s.request_timeout_secs {
            if v == 0 {
                return Err(ConfigError(
                    "request_timeout_secs must be at least 1".into(),
                ));
            }
            self.request_timeout_secs = v;
        }
        if let Some(v) = s.max_batch {
            if v == 0 {
                return Err(ConfigError("max_batch must be at least 1".into()));
            }
            self.max_batch = v;
        }
        if let Some(v) = s.audit_checkpoint_every_entries {
            self.audit_checkpoint_every_entries = v;
        }
        if let Some(v) = s.audit_checkpoint_every_minutes {
            self.audit_checkpoint_every_minutes = v;
        }
        if let Some(v) = &s.log_format {
            self.log_format = v.parse()?;
        }
        if let Some(v) = &s.trusted_proxies {
            self.trusted_proxies = v
                .iter()
                .map(|a| {
                    a.trim().parse().map_err(|_| {
                        ConfigError(format!("trusted_proxies: {a:?} is not an IP address"))
                    })
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(v) = s.fetch_allow_loopback {
            self.fetch_allow_loopback = v;
        }
        if let Some(v) = &s.trusted_issuers {
            self.trusted_issuers = Some(trusted_issuer_ids(v)?);
        }
        if let Some(v) = s.did_cache_seconds {
            self.did_cache_seconds = v;
        }
        if let Some(v) = &s.fetch_ca_file {
            self.fetch_ca_file = Some(in_data_dir(v));
        }
        if let Some(v) = &s.issuer_did {
            self.issuer_did_method = v.parse()?;
        }
        if let Some(v) = &s.generic_status_purposes {
            self.generic_status_purposes = generic_status_purposes(v)?;
        }
        if let Some(v) = &s.linkedin_organization_id {
            self.linkedin_organization_id = Some(v.clone()).filter(|v| !v.trim().is_empty());
        }
        if let Some(v) = s.webhook_retry_period_secs {
            self.webhook_retry_period_secs = v;
        }
        if let Some(v) = s.webhook_first_retry_ms {
            self.webhook_first_retry_ms = v;
        }
        if let Some(v) = s.webhook_poll_ms {
            self.webhook_poll_ms = v;
        }
        if let Some(v) = s.webhook_timeout_secs {
            self.webhook_timeout_secs = v;
        }
        if let Some(v) = &s.expiry_warning_days {
            let max = crate::issuance::expiry::MAX_WINDOW_DAYS;
            if let Some(bad) = v.iter().find(|d| !(1..=max).contains(*d)) {
                return Err(ConfigError(format!(
                    "expiry_warning_days: {bad} is not between 1 and {max}"
                )));
            }
            let mut days = v.clone();
            days.sort_unstable_by(|a, b| b.cmp(a));
            days.dedup();
            self.expiry_warning_days = days;
        }
        Ok(())
    }

    /// The webhook delivery worker's settings.
    pub fn delivery_settings(&self) -> crate::issuance::webhooks::DeliverySettings {
        let ms = |n: u64| chrono::Duration::milliseconds(i64::try_from(n).unwrap_or(i64::MAX));
        crate::issuance::webhooks::DeliverySettings {
            retry: crate::notify::RetryPolicy {
                first_delay: ms(self.webhook_first_retry_ms.max(1)),
                max_delay: chrono::Duration::hours(1),
                give_up_after: ms(self.webhook_retry_period_secs.saturating_mul(1000)),
            },
            attempt_timeout: std::time::Duration::from_secs(
                self.webhook_timeout_secs.clamp(1, 300),
            ),
            batch: 32,
        }
    }

    fn check(&self) -> Result<(), ConfigError> {
        if !(self.public_url.starts_with("https://") || self.public_url.starts_with("http://")) {
            return Err(ConfigError(format!(
                "public_url {:?} must be an http(s) URL",
                self.public_url
            )));
        }
        crate::store::Backend::from_url(&self.database_url)
            .map_err(|e| ConfigError(format!("database_url: {e}")))?;
        if self.issuer_name.trim().is_empty() {
            return Err(ConfigError("issuer_name is empty".into()));
        }
        if self.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(ConfigError(format!(
                "listen {:?} is not an address and port (e.g. 127.0.0.1:8080)",
                self.listen
            )));
        }
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(ConfigError(
                "tls_cert and tls_key go together: give both or neither".into(),
            ));
        }
        Ok(())
    }

    /// The did:web derived from the public URL (did:web Method,
    /// "Method-specific identifier"); the issuer id only in did:web mode —
    /// see [`Config::issuer_id`].
    pub fn issuer_did(&self) -> Result<String, ConfigError> {
        crate::keys::did_web_from_base_url(&self.public_url)
            .map_err(|e| ConfigError(format!("public_url: {e}")))
    }

    /// The issuer id of credentials signed with `key`: the did:web of the
    /// public URL, or in did:key mode `did:key:z6Mk…` of `key` (did:key
    /// Method v0.7). The one rule every command and route names the issuer by.
    pub fn issuer_id(&self, key: &crate::keys::VerifyingKey) -> Result<String, ConfigError> {
        match self.issuer_did_method {
            IssuerDidMethod::Web => self.issuer_did(),
            IssuerDidMethod::Key => Ok(crate::keys::did_key(key)),
        }
    }

    /// The signing key bound to its issuer id ([`Config::issuer_id`]):
    /// verification method `did:web:…#z6Mk…` or `did:key:z6Mk…#z6Mk…`.
    pub fn issuer_key(
        &self,
        secret: crate::keys::SigningKey,
    ) -> Result<crate::keys::IssuerKey, ConfigError> {
        match self.issuer_did_method {
            IssuerDidMethod::Web => crate::keys::IssuerKey::did_web(secret, &self.issuer_did()?)
                .map_err(|e| ConfigError(format!("public_url: {e}"))),
            IssuerDidMethod::Key => Ok(crate::keys::IssuerKey::did_key(secret)),
        }
    }

    /// `path` as rosette.toml writes it: relative to the data directory
    /// when inside it, else as it is.
    fn setting_path<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(&self.data_dir).unwrap_or(path)
    }

    /// [`Config::database_url`] as rosette.toml writes it: a SQLite file
    /// inside the data directory relative to it (`sqlite://rosette.db`),
    /// any other URL as it is.
    fn database_url_setting(&self) -> String {
        match sqlite_parts(&self.database_url) {
            Some((path, query)) if !path.starts_with(':') => {
                let path = self.setting_path(Path::new(path)).display();
                format!("sqlite://{path}{query}")
            }
            _ => self.database_url.clone(),
        }
    }

    /// The configuration file text `rosette init` writes.
    pub fn to_toml(&self) -> String {
        let graders = self
            .graders
            .iter()
            .map(crate::issuance::Grader::to_toml)
            .collect::<Vec<_>>()
            .join(", ");
        let badges_dir = match &self.badges_dir {
            Some(dir) => format!("badges_dir = {:?}", self.setting_path(dir).display().to_string()),
            None => "# badges_dir = \"badges\"  # a catalog folder of your own; unset: the built-in certifications".to_owned(),
        };
        format!(
            "# Rosette configuration. Precedence: this file < ROSETTE_* environment variables < flags.\n\
             # Relative paths (key_file, badges_dir, tls_cert, tls_key, a sqlite:// database) are\n\
             # relative to this file's directory, so a copy of the directory uses its own files.\n\
             public_url = {:?}\n\
             database_url = {:?}\n\
             issuer_name = {:?}\n\
             issuer_url = {:?}\n\
             key_file = \"keys/issuer.pem\"\n\
             {badges_dir}\n\
             graders = [{graders}]\n\
             suite = {:?}\n\
             {}\n",
            self.public_url,
            self.database_url_setting(),
            self.issuer_name,
            self.issuer_url.clone().unwrap_or_default(),
            self.suite.as_str(),
            match self.issuer_did_method {
                IssuerDidMethod::Key => "issuer_did = \"did:key\"".to_owned(),
                IssuerDidMethod::Web =>
                    "# issuer_did = \"did:key\"  # sign as the did:key of the current key; unset: the did:web of public_url".to_owned(),
            },
        )
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
