//! `rosette serve`: wiring of configuration, store, key history and
//! catalog into the HTTP server, structured logs, and signal handling.

use super::{app, records};
use anyhow::Context as _;
use clap::Args;
use rosette::config::Overrides;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// `rosette serve` flags (each overrides rosette.toml and `ROSETTE_*`).
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080; rosette.toml `listen`, ROSETTE_LISTEN].
    #[arg(long)]
    pub listen: Option<String>,
    /// TLS certificate chain (PEM); with --tls-key, serve HTTPS. A relative path is relative to the current directory (in rosette.toml, to the data directory).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM). A relative path is relative to the current directory (in rosette.toml, to the data directory).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Let the public routes fetch loopback URLs (127.0.0.0/8, ::1, localhost) for callers: tests and local demos only, never on a shared host [rosette.toml `fetch_allow_loopback`, ROSETTE_FETCH_ALLOW_LOOPBACK].
    #[arg(long)]
    pub fetch_allow_loopback: bool,
}

/// Runs the server on a multi-threaded runtime until Ctrl-C or SIGTERM.
pub fn run(data_dir: &Path, mut flags: Overrides, args: ServeArgs) -> anyhow::Result<ExitCode> {
    flags.listen = args.listen;
    if args.fetch_allow_loopback {
        flags.fetch_allow_loopback = Some(true);
    }
    // Paths typed on the command line mean what the shell means: relative
    // to the current directory (the configuration resolves relative paths
    // against the data directory).
    let from_cwd =
        |p: PathBuf| std::path::absolute(&p).with_context(|| format!("resolving {}", p.display()));
    flags.tls_cert = args.tls_cert.map(from_cwd).transpose()?;
    flags.tls_key = args.tls_key.map(from_cwd).transpose()?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(serve(data_dir, flags))
}

async fn serve(data_dir: &Path, flags: Overrides) -> anyhow::Result<ExitCode> {
    if !data_dir.join(rosette::config::CONFIG_FILE).exists() {
        eprintln!("first start: initializing {}", data_dir.display());
        let args = records::InitArgs {
            public_url: None,
            issuer_name: None,
            issuer_url: None,
            graders: Vec::new(),
            badges_dir: None,
        };
        records::init(data_dir, args, flags.clone()).await?;
    }
    let app = app::App::open(data_dir, &flags).await?;
    rosette::telemetry::init_logs(app.config.log_format);
    let config = app.config.clone();
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(rosette::web::tls_config(cert, key)?),
        _ => None,
    };
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let store: Arc<dyn rosette::store::Store> = Arc::new(app.store.clone());
    let parts = rosette::web::IssuerParts {
        profile: app.issuer().profile,
        public_url: config.public_url.clone(),
        clock: Arc::new(app.clock),
        suite: config.suite,
        graders: config.graders.clone(),
        linkedin_organization_id: config.linkedin_organization_id.clone(),
        catalog: app.catalog,
        key: app.key,
    };
    let parts = Arc::new(parts);
    let mut state = rosette::web::AppState::new(store, Some(parts.clone()));
    // Every key, retired ones too, from the start (then refreshed).
    state.key_ring = Arc::new(rosette::web::keyring::KeyRing::new(
        rosette::keys::CredentialSigner::issuer(&parts.key),
        parts.key.public_key(),
        app.keys,
    ));
    state.max_body_bytes = config.max_body_bytes;
    state.max_batch = config.max_batch;
    state.fetcher = Some(rosette::fetch::HttpFetcher::new(app::fetch_policy(
        &config,
        config.fetch_allow_loopback,
    )?)?);
    state.did_cache = Arc::new(rosette::fetch::DocumentCache::new(
        std::time::Duration::from_secs(config.did_cache_seconds),
    ));
    if config.fetch_allow_loopback {
        tracing::warn!(
            "fetch_allow_loopback is on: any caller of the public verification routes can make \
             this server fetch URLs on its own machine (127.0.0.0/8, ::1, localhost); \
             use it for tests and local demos only"
        );
    }
    state.rate_limiter = Arc::new(rosette::web::layers::RateLimiter::new(
        config.rate_limit_per_minute,
        config.rate_limit_burst,
    ));
    state.auth_failures = Arc::new(rosette::web::layers::RateLimiter::new(
        config.auth_failures_per_minute,
        rosette::web::layers::AUTH_FAILURE_BURST,
    ));
    state.request_timeout = std::time::Duration::from_secs(config.request_timeout_secs);
    state.hsts = tls.is_some();
    state.trusted_proxies = config.trusted_proxies.clone().into();
    // Own ids from the key history: in did:key mode, every key's DID.
    let mut trusted = rosette::web::state::own_issuers(&state.key_ring);
    state.generic_status_purposes = config.generic_status_purposes.clone().into();
    if let Some(list) = &config.trusted_issuers {
        trusted = trusted.with_list(list.iter().cloned());
    }
    state.trusted_issuers = Arc::new(trusted);
    spawn_key_refresh(&state);
    spawn_audit_checkpoints(&state, &parts, config.audit_checkpoint_policy());
    spawn_grader_refresh(&state, data_dir, &flags);
    spawn_webhook_delivery(&state, &parts, &config)?;
    spawn_expiry_pass(&state, config.expiry_warning_days.clone());
    spawn_bulk_jobs(&state);
    let scheme = if tls.is_some() { "https" } else { "http" };
    let options = rosette::web::ServerOptions {
        tls,
        ..Default::default()
    };
    println!(
        "Rosette is serving on {scheme}://{addr} (public URL {})",
        config.public_url
    );
    tracing::info!(%addr, scheme, public_url = %config.public_url, database = %rosette::config::redact_url(&config.database_url), "serving");
    rosette::web::serve_with(
        listener,
        rosette::web::router(state),
        options,
        shutdown_signal(),
    )
    .await?;
    tracing::info!("stopped");
    eprintln!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Reads the key history again every
/// [`rosette::web::keyring::KEY_REFRESH_INTERVAL`] (250 ms), so a rotation
/// made on another node shows in this node's did.json and verifier; warns
/// when this node's own key was retired (its signing routes then answer 503).
fn spawn_key_refresh(state: &rosette::web::AppState) {
    let ring = state.key_ring.clone();
    let store = state.store.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(rosette::web::keyring::KEY_REFRESH_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // A failure is logged when it starts or changes, not on every tick
        // (four a second while the database is down).
        let mut last_error = None;
        loop {
            tick.tick().await;
            let refreshed = ring.refresh(store.as_ref()).await;
            if refreshed.is_ok() {
                last_error = None;
            }
            match refreshed {
                Ok(true) if ring.own_key_is_current() => {
                    tracing::info!("issuer key history changed; did.json and verifier updated");
                }
                Ok(true) => tracing::warn!(
                    "this node's signing key was retired by a rotation on another node: \
                     it no longer signs; restart it with the current key file"
                ),
                Ok(false) => {}
                Err(e) => {
                    let e = e.to_string();
                    if last_error.as_ref() != Some(&e) {
                        tracing::warn!(error = %e, "could not read the issuer key history");
                        last_error = Some(e);
                    }
                }
            }
        }
    });
}

/// Signs an audit checkpoint whenever one is due (every N entries or M
/// minutes, see `audit_checkpoint_every_*`), looking every few seconds: a
/// task of its own, so appends never wait for a signature. A node whose key
/// was retired by a rotation elsewhere stops signing.
fn spawn_audit_checkpoints(
    state: &rosette::web::AppState,
    parts: &Arc<rosette::web::IssuerParts>,
    policy: rosette::audit::CheckpointPolicy,
) {
    let store = state.store.clone();
    let ring = state.key_ring.clone();
    let parts = parts.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(rosette::issuance::checkpoints::CHECKPOINT_POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if !ring.own_key_is_current() {
                continue;
            }
            let now = parts.clock.now();
            match rosette::issuance::checkpoints::checkpoint_if_due(
                store.as_ref(),
                &parts.key,
                policy,
                now,
            )
            .await
            {
                Ok(Some(c)) => {
                    tracing::info!(seq = c.seq, key = %c.key_id, "audit checkpoint signed")
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not sign an audit checkpoint"),
            }
        }
    });
}

/// Reads the graders from rosette.toml again every few seconds (with the
/// environment and flags of the start, which still win over the file), so
/// a grader added or removed takes effect without a restart. A file that
/// does not load keeps the graders in force, and the error is logged once.
fn spawn_grader_refresh(state: &rosette::web::AppState, data_dir: &Path, flags: &Overrides) {
    let roster = state.graders.clone();
    let source = Arc::new((data_dir.to_owned(), app::rosette_env(), flags.clone()));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(rosette::web::state::GRADER_REFRESH_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_error = None;
        loop {
            tick.tick().await;
            let source = source.clone();
            let loaded = tokio::task::spawn_blocking(move || {
                let (dir, env, flags) = source.as_ref();
                rosette::config::Config::load(dir, env, flags).map_err(|e| e.to_string())
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
            match loaded {
                Ok(config) => {
                    last_error = None;
                    let count = config.graders.len();
                    if roster.replace(config.graders) {
                        tracing::info!(graders = count, "graders reloaded from rosette.toml");
                    }
                }
                Err(e) if last_error.as_ref() != Some(&e) => {
                    tracing::warn!(error = %e, "cannot reload the graders; the previous ones stay in force");
                    last_error = Some(e);
                }
                Err(_) => {}
            }
        }
    });
}

/// The webhook delivery worker: every `webhook_poll_ms`, claims the due
/// deliveries (each held by this node only while it attempts it) and
/// posts them through the outbound fetcher's address rules, with
/// `webhook_timeout_secs` per attempt.
fn spawn_webhook_delivery(
    state: &rosette::web::AppState,
    parts: &Arc<rosette::web::IssuerParts>,
    config: &rosette::config::Config,
) -> anyhow::Result<()> {
    let settings = config.delivery_settings();
    let mut policy = app::fetch_policy(config, config.fetch_allow_loopback)?;
    policy.total_timeout = settings.attempt_timeout;
    policy.connect_timeout = policy.connect_timeout.min(settings.attempt_timeout);
    let fetcher = rosette::fetch::HttpFetcher::new(policy)?;
    let store = state.store.clone();
    let parts = parts.clone();
    let poll = std::time::Duration::from_millis(config.webhook_poll_ms.max(10));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_error = None;
        loop {
            tick.tick().await;
            let pass = rosette::issuance::webhooks::deliver_due(
                store.as_ref(),
                &fetcher,
                parts.clock.as_ref(),
                &parts.public_url,
                &settings,
            )
            .await;
            match pass {
                // A full batch: more may be due; go on at once.
                Ok(p) if p.attempted as i64 >= settings.batch => tick.reset_immediately(),
                Ok(_) => last_error = None,
                Err(e) => {
                    let e = e.to_string();
                    if last_error.as_ref() != Some(&e) {
                        tracing::warn!(error = %e, "cannot read the webhook deliveries");
                        last_error = Some(e);
                    }
                }
            }
        }
    });
    Ok(())
}

/// The daily expiry pass: at start and every 24 hours, raises
/// `credential.expiring` for the credentials inside each warning window
/// not yet warned about (once per credential and window, whichever node runs it).
fn spawn_expiry_pass(state: &rosette::web::AppState, windows: Vec<i64>) {
    if windows.is_empty() {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(rosette::issuance::expiry::PASS_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let actor = rosette::issuance::Actor::admin("system:expiry-pass".to_owned());
        loop {
            tick.tick().await;
            let Some(issuer) = state.issuer() else { return };
            match issuer.warn_expiring(&windows, &actor).await {
                Ok(done) => {
                    for (window, ids) in done.iter().filter(|(_, ids)| !ids.is_empty()) {
                        tracing::info!(
                            window_days = window,
                            credentials = ids.len(),
                            "expiry warnings raised"
                        );
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the expiry pass failed; it runs again in 24 h")
                }
            }
        }
    });
}

/// The console's background bulk imports: every second, claims a waiting
/// job (or one whose node stopped) and runs it; several nodes share the
/// queue, one job per node at a time.
fn spawn_bulk_jobs(state: &rosette::web::AppState) {
    let state = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(rosette::web::console::jobs::JOB_POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_error = None;
        loop {
            tick.tick().await;
            match rosette::web::console::jobs::run_next_job(&state).await {
                Ok(_) => last_error = None,
                Err(e) => {
                    let e = e.to_string();
                    if last_error.as_ref() != Some(&e) {
                        tracing::warn!(error = %e, "cannot read the bulk job queue");
                        last_error = Some(e);
                    }
                }
            }
        }
    });
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
