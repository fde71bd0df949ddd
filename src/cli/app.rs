//! Wiring: configuration → store, catalog, signing key → an [`Issuer`].

use super::keyfile;
use anyhow::{Context as _, anyhow};
use rosette::catalog::Catalog;
use rosette::clock::{Clock as _, SystemClock};
use rosette::config::{Config, Overrides};
use rosette::issuance::keys::key_history;
use rosette::issuance::{Actor, IssuanceError, Issuer, IssuerProfile};
use rosette::keys::{IssuerKey, KeyHistory};
use rosette::store::SqlStore;
use std::collections::HashMap;
use std::path::Path;

/// The `ROSETTE_*` environment variables.
pub fn rosette_env() -> HashMap<String, String> {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("ROSETTE_"))
        .collect()
}

/// Everything a command needs, opened from the data directory.
pub struct App {
    /// Effective configuration.
    pub config: Config,
    /// The database.
    pub store: SqlStore,
    /// The certifications.
    pub catalog: Catalog,
    /// The issuer's key, bound to its did:web; checked to be the current key
    /// of [`App::keys`].
    pub key: IssuerKey,
    /// The issuer's public keys from the database: current (= `key`) first,
    /// then retired keys, most recently retired first. All of them are
    /// published in did.json and trusted when verifying.
    pub keys: KeyHistory,
    /// The wall clock.
    pub clock: SystemClock,
}

impl App {
    /// Opens an initialized data directory (see `rosette init`). The key
    /// file must hold the issuer's current key: the first key is registered
    /// in the database, and a retired or unknown key is refused
    /// ([`key_history`]) so that no command signs with a stale key.
    pub async fn open(data_dir: &Path, flags: &Overrides) -> anyhow::Result<App> {
        let config = Config::load(data_dir, &rosette_env(), flags)?;
        if !config.key_file.exists() {
            return Err(anyhow!(
                "no issuer key at {} — run `rosette init` first (data directory {})",
                config.key_file.display(),
                data_dir.display()
            ));
        }
        let catalog = load_catalog(&config)?;
        let secret = keyfile::read_secret_key_file(&config.key_file)?;
        let key = config.issuer_key(secret)?;
        let store = open_store(&config).await?;
        let clock = SystemClock;
        let keys = key_history(
            &store,
            &key.public_key(),
            clock.now(),
            &Actor::admin(cli_actor()),
        )
        .await
        .map_err(|e| key_file_refusal(&config.key_file, e))?;
        Ok(App {
            config,
            store,
            catalog,
            key,
            keys,
            clock,
        })
    }

    /// The issuing service over this app's parts.
    pub fn issuer(&self) -> Issuer<'_> {
        Issuer {
            store: &self.store,
            catalog: &self.catalog,
            signer: &self.key,
            profile: IssuerProfile {
                id: rosette::keys::CredentialSigner::issuer(&self.key).to_owned(),
                name: self.config.issuer_name.clone(),
                url: self.config.issuer_url.clone(),
            },
            public_url: self.config.public_url.clone(),
            clock: &self.clock,
            suite: self.config.suite,
            graders: self.config.graders.clone(),
        }
    }
}

/// The certification catalog: the `badges_dir` folder when one is set (it
/// must exist), else the catalog compiled into the binary.
pub fn load_catalog(config: &Config) -> anyhow::Result<Catalog> {
    let Some(dir) = &config.badges_dir else {
        return Catalog::builtin().context("loading the built-in certification catalog");
    };
    if !dir.is_dir() {
        return Err(anyhow!(
            "badges_dir {} is not a folder (relative paths in rosette.toml, ROSETTE_BADGES_DIR \
             and --badges-dir are resolved against the data directory {}); unset badges_dir \
             to use the built-in certifications",
            dir.display(),
            config.data_dir.display()
        ));
    }
    Catalog::load(dir)
        .with_context(|| format!("loading the certification catalog from {}", dir.display()))
}

/// The error for a key file [`key_history`] refused (a retired or unknown
/// key), naming the file, and pointing at an unfinished rotation's
/// `<key_file>.next` when there is one.
pub fn key_file_refusal(key_file: &Path, e: IssuanceError) -> anyhow::Error {
    match e {
        IssuanceError::Invalid {
            field: "key_file",
            message,
        } => {
            let pending = keyfile::pending_key_path(key_file);
            let hint = if pending.exists() {
                format!(
                    "\nnote: {} is left from an interrupted `rosette keys rotate`; run \
                     `rosette keys rotate` again on this node to finish it",
                    pending.display()
                )
            } else {
                String::new()
            };
            anyhow!("key file {}: {message}{hint}", key_file.display())
        }
        other => anyhow!("checking the issuer key against the database: {other}"),
    }
}

/// The configured database, migrated; the error names it (password hidden).
pub async fn open_store(config: &Config) -> anyhow::Result<SqlStore> {
    SqlStore::connect(&config.database_url)
        .await
        .with_context(|| {
            format!(
                "opening the database {}",
                rosette::config::redact_url(&config.database_url)
            )
        })
}

/// The actor for commands run from the command line: `cli:<user>`.
pub fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

/// The outbound fetch policy of `config`: loopback as `allow_loopback`
/// says, plus the root certificates of `fetch_ca_file`, if set.
pub fn fetch_policy(
    config: &Config,
    allow_loopback: bool,
) -> anyhow::Result<rosette::fetch::FetchPolicy> {
    let policy = rosette::fetch::FetchPolicy {
        allow_loopback,
        ..Default::default()
    };
    let Some(path) = &config.fetch_ca_file else {
        return Ok(policy);
    };
    let pem = std::fs::read(path)
        .with_context(|| format!("fetch_ca_file: cannot read {}", path.display()))?;
    policy
        .with_roots_pem(&pem)
        .with_context(|| format!("fetch_ca_file {}", path.display()))
}
