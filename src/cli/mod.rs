//! Command-line interface: clap parsing → validated command → wiring.
//!
//! Exit codes (DESIGN habit 13): 0 success or "verified", 1 "not verified"
//! (invalid or unknown), 2 usage error, unreadable input or internal error.

mod app;
mod audit;
mod claims;
mod key_commands;
mod keyfile;
mod records;
mod render;
mod serve;
mod webhooks;

use anyhow::{Context as _, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use rosette::clock::{Clock, SystemClock};
use rosette::issuance::revocation::{OwnStatusLists, StatusChange};
use rosette::keys::{self, CredentialSigner, IssuerKey, OfflineResolver};
use rosette::proof::{self, Cryptosuite, ProofOptions};
use rosette::verification::{self, CheckState, VerifyContext};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Rosette: verifiable certification credentials (Open Badges 3.0).
#[derive(Debug, Parser)]
#[command(name = "rosette", version, about)]
struct Cli {
    /// Directory for the database, keys and configuration.
    #[arg(long, global = true, env = "ROSETTE_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Database URL (`sqlite://…` or `postgres://…`; a relative SQLite path is relative to the data directory), overriding rosette.toml and ROSETTE_DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Public base URL, overriding rosette.toml and ROSETTE_PUBLIC_URL.
    #[arg(long, global = true)]
    public_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage Ed25519 signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Sign an unsigned credential (adds a proof; a second signature makes a proof set).
    Sign(SignArgs),
    /// Verify a credential (JSON, or a baked PNG/SVG badge): exit 0 when valid, 1 when not, 2 on unreadable input.
    ///
    /// Keys of third-party did:web and HTTPS issuers (their DID or controller document) and
    /// third-party status lists are fetched over HTTPS from public addresses, and (unlike
    /// `rosette serve`) also from loopback (127.0.0.0/8, ::1, localhost, http or https): this
    /// command runs on your own machine, for you. Other private addresses stay refused. This
    /// installation's own keys and lists, did:key and `--key-doc` documents need no fetch;
    /// `--offline` forbids every fetch (what would need one is then UNKNOWN).
    Verify(VerifyArgs),
    /// Run the server (initializes the data directory on first start).
    Serve(serve::ServeArgs),
    /// Create the data directory, configuration, issuer key and database (safe to run twice).
    Init(records::InitArgs),
    /// Record assessment results.
    #[command(subcommand)]
    Assess(records::AssessCommand),
    /// Issue a certification (one candidate, or many with --csv); prints the credential id and its verification page.
    #[command(after_help = records::csv_columns_help())]
    Issue(records::IssueArgs),
    /// Renew a credential: a new one valid from now, recording what it renews.
    Renew {
        /// Credential id.
        id: String,
        /// Also write the signed credential JSON to this file (`-` for standard output).
        #[arg(long)]
        out: Option<String>,
    },
    /// Correct a credential (e.g. a misspelt name): a replacement is issued, the old one superseded.
    Correct {
        /// Credential id.
        id: String,
        /// The corrected holder name.
        #[arg(long)]
        name: String,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Revoke a credential (final), or every credential listed in --from. The reason stays in the audit log.
    Revoke {
        /// Credential id.
        #[arg(required_unless_present = "from")]
        id: Option<String>,
        /// A file with one credential id per line, revoked concurrently.
        #[arg(long, conflicts_with = "id")]
        from: Option<PathBuf>,
        /// Why (kept privately in the audit log, never published).
        #[arg(long)]
        reason: String,
    },
    /// Suspend a credential (reversible with `reinstate`).
    Suspend {
        /// Credential id.
        id: String,
        /// Why (kept privately in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Lift a suspension (a revoked credential cannot be reinstated).
    Reinstate {
        /// Credential id.
        id: String,
        /// Why (kept privately in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// List and show credentials.
    #[command(subcommand)]
    Credentials(records::CredentialsCommand),
    /// Render a credential's badge: PNG or SVG with the credential baked in, or the Open Graph image.
    Render {
        /// Credential id.
        id: String,
        /// png, svg or og.
        #[arg(long, default_value = "png")]
        format: render::Format,
        /// PNG size in pixels (600 or 1200).
        #[arg(long, default_value_t = 600)]
        size: u32,
        /// Output file (`-` for standard output) [default: <uuid>.<format>].
        #[arg(long)]
        out: Option<String>,
    },
    /// Admin API tokens (shown once; stored hashed).
    #[command(subcommand)]
    Tokens(records::TokensCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Webhook subscriptions: status-change events posted to HR systems, signed (Standard Webhooks).
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCommand),
    /// Wallet claim links: a holder's wallet receives a copy bound to the holder's DID (VC-API, OpenID4VCI).
    #[command(subcommand)]
    Claims(claims::ClaimsCommand),
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Generate a key (PKCS#8 PEM, mode 0600) and print its did:key.
    Generate {
        /// Where to write the key [default: <data-dir>/keys/issuer.pem].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing key file.
        #[arg(long)]
        force: bool,
    },
    /// List the issuer's keys (did:web verification methods): the current key and the retired ones, which stay published.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rotate the issuer key: a new key signs from now on; the old one is retired but stays published, so what it signed keeps verifying.
    Rotate,
}

#[derive(Debug, Args)]
struct SignArgs {
    /// Cryptosuite of the proof.
    #[arg(long, default_value = "eddsa-rdfc-2022")]
    suite: Cryptosuite,
    /// Secret key file (PKCS#8 PEM or multibase).
    #[arg(long)]
    key: PathBuf,
    /// Issuer DID the key belongs to when it is not the key's did:key (a did:web).
    #[arg(long)]
    issuer: Option<String>,
    /// Proof `created` time, RFC 3339 [default: now].
    #[arg(long)]
    created: Option<String>,
    /// Proof `id` (lets a later proof chain to this one).
    #[arg(long)]
    proof_id: Option<String>,
    /// `previousProof`: chain the new proof to the proof with this id.
    #[arg(long)]
    previous_proof: Vec<String>,
    /// Unsigned credential JSON file, or `-` for standard input.
    #[arg(default_value = "-")]
    input: String,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// Print the full report as JSON.
    #[arg(long)]
    json: bool,
    /// Trust the keys of this controller/DID document (did:web or URL issuers, no fetch).
    #[arg(long = "key-doc")]
    key_docs: Vec<PathBuf>,
    /// Fetch nothing: no DID or controller documents, no third-party status lists.
    #[arg(long)]
    offline: bool,
    /// Largest accepted input in bytes.
    #[arg(long, default_value_t = verification::DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// An issuer id (DID or URL) you trust; repeatable. Replaces the
    /// configuration's `trusted_issuers`. The report says whether the issuer
    /// is on the list; the verdict does not depend on it.
    #[arg(long = "trusted-issuer", value_name = "ID")]
    trusted_issuers: Vec<String>,
    /// With a verification receipt as input: the credential (JSON, VC-JWT
    /// or baked image) it was made for; its digest must be the one the
    /// receipt attests (check `receipt_digest`).
    #[arg(long, value_name = "FILE")]
    credential: Option<PathBuf>,
    /// Credential JSON file (or a baked image, a VC-JWT, a verification
    /// receipt), or `-` for standard input.
    #[arg(default_value = "-")]
    input: String,
}

/// Parses arguments, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("rosette: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let flags = rosette::config::Overrides {
        database_url: cli.database_url.clone(),
        public_url: cli.public_url.clone(),
        ..Default::default()
    };
    match cli.command {
        Command::Keys(KeysCommand::Generate { out, force }) => {
            let path = out.unwrap_or_else(|| cli.data_dir.join("keys").join("issuer.pem"));
            let key = keys::generate_signing_key(&mut getrandom::SysRng)?;
            keyfile::write_secret_key_file(&path, &key, force)?;
            println!("{}", keys::did_key(&key.verifying_key()));
            eprintln!("wrote {} (mode 0600)", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Sign(args) => sign(args),
        Command::Verify(args) => verify(args, &cli.data_dir, &flags),
        Command::Serve(args) => serve::run(&cli.data_dir, flags, args),
        command => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?
            .block_on(run_with_data(&cli.data_dir, flags, command)),
    }
}

/// Commands that work on the data directory.
async fn run_with_data(
    data_dir: &std::path::Path,
    flags: rosette::config::Overrides,
    command: Command,
) -> anyhow::Result<ExitCode> {
    if let Command::Init(args) = command {
        return records::init(data_dir, args, flags).await;
    }
    // Key commands open the database themselves: they must also work on a
    // node whose key file is stale, which `App::open` refuses.
    match command {
        Command::Keys(KeysCommand::List { json }) => {
            return key_commands::list(data_dir, &flags, json).await;
        }
        Command::Keys(KeysCommand::Rotate) => return key_commands::rotate(data_dir, &flags).await,
        _ => {}
    }
    let app = app::App::open(data_dir, &flags).await?;
    // `audit` commands only read (an export signs on its own): signing after
    // them could pin a head nobody has checked.
    let appends = !matches!(command, Command::Audit(_));
    let result = dispatch(&app, command).await;
    if appends && result.is_ok() {
        audit::checkpoint_after_command(&app).await;
    }
    result
}

/// Runs a command that needs the opened data directory.
async fn dispatch(app: &app::App, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Assess(cmd) => records::assess(app, cmd).await,
        Command::Issue(args) => records::issue(app, args).await,
        Command::Renew { id, out } => records::renew(app, &id, out.as_deref()).await,
        Command::Correct { id, name, reason } => records::correct(app, &id, &name, &reason).await,
        Command::Revoke {
            id: Some(id),
            reason,
            ..
        } => records::change_status(app, &id, StatusChange::Revoke, &reason).await,
        Command::Revoke {
            from: Some(file),
            reason,
            ..
        } => records::revoke_many(app, &file, &reason).await,
        Command::Revoke { .. } => bail!("give a credential id or --from FILE"),
        Command::Suspend { id, reason } => {
            records::change_status(app, &id, StatusChange::Suspend, &reason).await
        }
        Command::Reinstate { id, reason } => {
            records::change_status(app, &id, StatusChange::Reinstate, &reason).await
        }
        Command::Credentials(cmd) => records::credentials(app, cmd).await,
        Command::Tokens(cmd) => records::tokens(app, cmd).await,
        Command::Webhooks(cmd) => webhooks::webhooks(app, cmd).await,
        Command::Claims(cmd) => claims::claims(app, cmd).await,
        Command::Render {
            id,
            format,
            size,
            out,
        } => render::render(app, &id, format, size, out.as_deref()).await,
        Command::Audit(cmd) => audit::audit(app, cmd).await,
        Command::Keys(_)
        | Command::Sign(_)
        | Command::Verify(_)
        | Command::Init(_)
        | Command::Serve(_) => {
            bail!("internal: command dispatched to the wrong runner")
        }
    }
}

/// Reads `input` (a path or `-`), at most `limit + 1` bytes, so the caller
/// can tell an oversized input without reading all of it.
fn read_limited(input: &str, limit: usize) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let cap = limit as u64 + 1;
    if input == "-" {
        std::io::stdin()
            .take(cap)
            .read_to_end(&mut buf)
            .context("reading standard input")?;
    } else {
        let file = std::fs::File::open(input).with_context(|| format!("cannot open {input}"))?;
        file.take(cap)
            .read_to_end(&mut buf)
            .with_context(|| format!("cannot read {input}"))?;
    }
    Ok(buf)
}

fn issuer_id(doc: &Value) -> Option<&str> {
    match doc.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id")?.as_str(),
        _ => None,
    }
}

fn now_stamp() -> String {
    SystemClock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn sign(args: SignArgs) -> anyhow::Result<ExitCode> {
    let limit = verification::DEFAULT_MAX_BYTES;
    let bytes = read_limited(&args.input, limit)?;
    if bytes.len() > limit {
        bail!("{}: larger than {limit} bytes", args.input);
    }
    let mut doc: Value = rosette::model::strict_json::from_slice(&bytes)
        .map_err(|e| anyhow!("{}: {e} ({})", args.input, e.code()))?;
    // VC-DI 1.0 §2.4.1: VCDM 1.1 input whose contexts do not define
    // `DataIntegrityProof` gets the Data Integrity context — only before
    // the first proof, since a proof set's earlier proofs cover the contexts.
    if let Some(map) = doc.as_object_mut()
        && !map.contains_key("proof")
        && proof::context::inject_data_integrity_context(map)
    {
        eprintln!(
            "note: appended {} to @context (its contexts do not define DataIntegrityProof)",
            rosette::contexts::DATA_INTEGRITY_V2
        );
    }
    if !doc.is_object() {
        bail!("{}: a credential must be a JSON object", args.input);
    }
    if let Err(problems) = rosette::model::inspect_credential(&doc) {
        let list: Vec<String> = problems
            .iter()
            .map(|p| format!("  {} at {}: {}", p.code, p.path, p.message))
            .collect();
        bail!(
            "{}: not a well-formed credential, refusing to sign:\n{}",
            args.input,
            list.join("\n")
        );
    }
    let key = keyfile::read_secret_key_file(&args.key)?;
    let signer = match &args.issuer {
        None => IssuerKey::did_key(key),
        Some(did) if did.starts_with("did:web:") => IssuerKey::did_web(key, did)?,
        Some(url) => IssuerKey::url(key, url)?,
    };
    let issuer = issuer_id(&doc)
        .ok_or_else(|| anyhow!("{}: the credential has no issuer id", args.input))?;
    if issuer != signer.issuer() {
        bail!(
            "the credential's issuer is {issuer} but the key belongs to {}; set issuer to the key's DID (or pass --issuer)",
            signer.issuer()
        );
    }
    let created = match args.created {
        Some(c) => {
            proof::check_date_time_stamp(&c).map_err(|e| anyhow!("--created: {e}"))?;
            c
        }
        None => now_stamp(),
    };
    let mut options = ProofOptions::assertion(args.suite, Some(created));
    options.id = args.proof_id;
    options.previous_proof = args.previous_proof;
    let signed =
        proof::add_proof(&doc, &options, &signer).map_err(|e| anyhow!("cannot sign: {e}"))?;
    let signed = proof::proof_as_array(signed);
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &signed)?;
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}

fn load_resolver(docs: &[PathBuf]) -> anyhow::Result<OfflineResolver> {
    let mut resolver = OfflineResolver::new();
    for path in docs {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let doc: Value = rosette::model::strict_json::from_slice(&bytes)
            .map_err(|e| anyhow!("{}: {e} ({})", path.display(), e.code()))?;
        resolver
            .add_controller_document(&doc)
            .with_context(|| format!("{}: not a usable controller document", path.display()))?;
    }
    Ok(resolver)
}

/// This installation's own issuer keys, so `rosette verify` checks our
/// credentials offline: every key in the database's history (current and
/// retired — what did.json publishes), so credentials signed before a
/// rotation keep verifying; each under the issuer id the configuration
/// gives it (`Config::issuer_id`: the did:web, or each key's own did:key).
/// Before any key is registered (or without a database), the key file's
/// key. Nothing is written.
async fn own_issuer_methods(
    data_dir: &std::path::Path,
    flags: &rosette::config::Overrides,
    store: Option<&rosette::store::SqlStore>,
) -> Vec<keys::VerificationMethod> {
    use rosette::store::Store as _;
    let Ok(config) = rosette::config::Config::load(data_dir, &app::rosette_env(), flags) else {
        return Vec::new();
    };
    let method = |k: keys::VerifyingKey| {
        config
            .issuer_id(&k)
            .ok()
            .map(|id| keys::VerificationMethod::for_controller(&id, k))
    };
    if let Some(store) = store
        && let Ok(records) = store.issuer_keys().await
        && !records.is_empty()
    {
        // A corrupt row is skipped: it cannot vouch for a signature.
        return records
            .iter()
            .filter_map(|r| keys::decode_public_key_multibase(&r.public_key_multibase).ok())
            .filter_map(method)
            .collect();
    }
    if !config.key_file.exists() {
        return Vec::new();
    }
    let Ok(secret) = keyfile::read_secret_key_file(&config.key_file) else {
        return Vec::new();
    };
    method(secret.verifying_key()).into_iter().collect()
}

/// The store of an initialized data directory, with its public URL.
async fn own_store(
    data_dir: &std::path::Path,
    flags: &rosette::config::Overrides,
) -> Option<(rosette::store::SqlStore, String)> {
    if !data_dir.join(rosette::config::CONFIG_FILE).exists() {
        return None;
    }
    let config = rosette::config::Config::load(data_dir, &app::rosette_env(), flags).ok()?;
    let store = rosette::store::SqlStore::connect(&config.database_url)
        .await
        .ok()?;
    Some((store, config.public_url))
}

/// Whom `rosette verify` reports as known: this installation's issuer DID
/// (once its data directory is initialized) and the trusted issuers of
/// `--trusted-issuer`, else of the configuration.
fn trusted_issuers(
    ids: &[String],
    data_dir: &std::path::Path,
    flags: &rosette::config::Overrides,
) -> anyhow::Result<verification::TrustedIssuers> {
    let mut flags = flags.clone();
    if !ids.is_empty() {
        flags.trusted_issuers = Some(ids.to_vec());
    }
    let config = rosette::config::Config::load(data_dir, &app::rosette_env(), &flags)?;
    // This installation's own issuer ids are added by `verify`, from its keys.
    let mut trusted = verification::TrustedIssuers::new();
    if let Some(list) = config.trusted_issuers {
        trusted = trusted.with_list(list);
    }
    Ok(trusted)
}

fn verify(
    args: VerifyArgs,
    data_dir: &std::path::Path,
    flags: &rosette::config::Overrides,
) -> anyhow::Result<ExitCode> {
    let mut resolver = load_resolver(&args.key_docs)?;
    let mut trusted = trusted_issuers(&args.trusted_issuers, data_dir, flags)?;
    // Baked images may be larger than a credential; verify_input applies both limits.
    let read_cap = args.max_bytes.max(rosette::render::bake::MAX_IMAGE_BYTES);
    let bytes = read_limited(&args.input, read_cap)?;
    // The credential a receipt names: a credential or a baked image, within the same limits.
    let supplied_limit = read_cap;
    let supplied = match &args.credential {
        Some(path) => {
            let name = path.display().to_string();
            let bytes = read_limited(&name, supplied_limit)?;
            if bytes.len() > supplied_limit {
                bail!("{name}: larger than {supplied_limit} bytes");
            }
            Some(bytes)
        }
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    // Loopback is allowed: this runs on the user's own machine, for the user.
    let config = rosette::config::Config::load(data_dir, &app::rosette_env(), flags).ok();
    let policy = match &config {
        Some(config) => app::fetch_policy(config, true)?,
        None => rosette::fetch::FetchPolicy {
            allow_loopback: true,
            ..Default::default()
        },
    };
    let fetcher = if args.offline {
        None
    } else {
        Some(rosette::fetch::HttpFetcher::new(policy)?)
    };
    let report = runtime.block_on(async {
        // This installation's own status lists, straight from its store.
        // Third-party lists over bounded HTTP, fetched only after the signature checks out.
        let fallback = fetcher
            .as_ref()
            .map(|f| f as &dyn verification::StatusSource);
        let own = own_store(data_dir, flags).await;
        if data_dir.join(rosette::config::CONFIG_FILE).exists() {
            for method in own_issuer_methods(data_dir, flags, own.as_ref().map(|(s, _)| s)).await {
                trusted = trusted.with_own(method.controller.clone());
                resolver.add_method(method);
            }
        }
        let own_lists = own
            .as_ref()
            .map(|(store, public_url)| OwnStatusLists::new(store, public_url, fallback));
        let source: Option<&dyn verification::StatusSource> = match &own_lists {
            Some(lists) => Some(lists),
            None => fallback,
        };
        // Third-party keys through the same fetcher, during the proof check.
        let local = std::sync::Arc::new(resolver);
        let resolver: Box<dyn keys::KeyResolver> = match &fetcher {
            Some(f) => Box::new(rosette::fetch::NetworkResolver::new(
                local,
                f.clone(),
                std::sync::Arc::new(rosette::fetch::DocumentCache::new(
                    std::time::Duration::from_secs(
                        config.as_ref().map_or(300, |c| c.did_cache_seconds),
                    ),
                )),
            )),
            None => Box::new(local),
        };
        let cache = verification::StatusCache::new();
        let mut cx =
            VerifyContext::new(resolver.as_ref(), SystemClock.now()).with_issuers(&trusted);
        if let Some(source) = source {
            cx = cx.with_status(source, &cache);
        }
        cx.max_bytes = args.max_bytes;
        verification::verify_input(&bytes, cx).await
    });
    let report = match &supplied {
        Some(credential) => verification::receipt::with_credential(report, credential),
        None => report,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", report.verdict.label())?;
        if let Some(info) = &report.credential {
            if let Some(h) = &info.holder {
                writeln!(out, "  holder:      {h}")?;
            }
            if let Some(a) = &info.achievement {
                writeln!(out, "  achievement: {a}")?;
            }
            match &info.issuer_name {
                Some(name) => writeln!(out, "  issuer:      {name} ({})", info.issuer)?,
                None => writeln!(out, "  issuer:      {}", info.issuer)?,
            }
            let trust = if info.issued_here {
                "issued here, by this Rosette"
            } else {
                info.issuer_trust.label()
            };
            writeln!(out, "  trust:       {trust}")?;
        }
        if let Some(a) = &report.attests {
            writeln!(
                out,
                "  receipt of:  {} — {} at {}, by {}",
                a.credential_id
                    .as_deref()
                    .unwrap_or("(a credential without id)"),
                a.verdict.as_deref().unwrap_or("?"),
                a.checked_at.as_deref().unwrap_or("?"),
                a.verifier.as_deref().unwrap_or("?"),
            )?;
        }
        for c in &report.checks {
            let mark = match c.state {
                CheckState::Valid => "ok     ",
                CheckState::Invalid => "INVALID",
                CheckState::Unknown => "UNKNOWN",
            };
            writeln!(out, "  [{mark}] {:<11} {} ({})", c.check, c.message, c.code)?;
        }
    }
    Ok(if report.verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
