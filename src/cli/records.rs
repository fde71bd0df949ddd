//! `init`, `assess`, `issue`, `renew`, `correct`, `credentials`.

use super::app::{App, cli_actor, load_catalog, rosette_env};
use super::keyfile;
use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use rosette::config::{CONFIG_FILE, Config, Overrides};
use rosette::issuance::bulk::{BulkOptions, inert_cell};
use rosette::issuance::{Actor, IssueOutcome, LabInput, WrittenInput};
use rosette::keys;
use rosette::store::{CredentialFilter, CredentialKind, CredentialRecord, CredentialState, Store};
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `rosette init` options.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Public base URL (QR codes, pages, did:web).
    #[arg(long)]
    pub public_url: Option<String>,
    /// Issuer display name.
    #[arg(long)]
    pub issuer_name: Option<String>,
    /// Issuer home page.
    #[arg(long)]
    pub issuer_url: Option<String>,
    /// A registered lab grader's e-mail (repeatable); give a public name or
    /// role in rosette.toml (`graders`).
    #[arg(long = "grader")]
    pub graders: Vec<String>,
    /// A certification catalog folder of your own, relative to the data directory [default: the four built-in certifications].
    #[arg(long)]
    pub badges_dir: Option<PathBuf>,
}

/// `rosette assess …`.
#[derive(Debug, Subcommand)]
pub enum AssessCommand {
    /// Record a written-assessment score (registers the candidate when new).
    Written {
        /// Candidate e-mail.
        #[arg(long)]
        email: String,
        /// Candidate display name (needed the first time).
        #[arg(long)]
        name: Option<String>,
        /// The candidate's id in another system (HR, LMS), stored on registration.
        #[arg(long)]
        candidate_id: Option<String>,
        /// Certification slug.
        #[arg(long)]
        certification: String,
        /// Attempt number.
        #[arg(long, default_value_t = 1)]
        attempt: i64,
        /// Percent score, 0–100.
        #[arg(long)]
        score: f64,
        /// Assessment date, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Exam form or session reference.
        #[arg(long)]
        reference: Option<String>,
    },
    /// Record a hands-on lab result (only a registered grader).
    Lab {
        /// Candidate e-mail.
        #[arg(long)]
        email: String,
        /// Certification slug.
        #[arg(long)]
        certification: String,
        /// Attempt number.
        #[arg(long, default_value_t = 1)]
        attempt: i64,
        /// pass or fail.
        #[arg(long)]
        result: LabResult,
        /// The grading Professional Services engineer (a registered grader).
        #[arg(long)]
        grader: String,
        /// Lab date, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// Rubric notes.
        #[arg(long)]
        notes: Option<String>,
    },
}

/// Lab outcome.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LabResult {
    /// Passed.
    Pass,
    /// Failed.
    Fail,
}

/// `rosette issue` options.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Bulk: issue from this CSV file (its columns are listed below).
    #[arg(long, conflicts_with_all = ["email", "certification"])]
    pub csv: Option<PathBuf>,
    /// Bulk: per-row outcomes file [default: <csv>.results.csv].
    #[arg(long, requires = "csv")]
    pub results: Option<PathBuf>,
    /// Bulk: rows per transaction.
    #[arg(long, default_value_t = 500, requires = "csv")]
    pub chunk: usize,
    /// Candidate e-mail.
    #[arg(long, required_unless_present = "csv")]
    pub email: Option<String>,
    /// Certification slug.
    #[arg(long, required_unless_present = "csv")]
    pub certification: Option<String>,
    /// Attempt number.
    #[arg(long, default_value_t = 1)]
    pub attempt: i64,
    /// The issuance's id in another system (idempotency key).
    #[arg(long)]
    pub external_id: Option<String>,
    /// Also write the signed credential JSON to this file (`-` for standard output).
    #[arg(long)]
    pub out: Option<String>,
}

/// What `rosette issue --help` says after the options: the roster columns,
/// from the lists the bulk parser checks headers against.
pub fn csv_columns_help() -> String {
    use rosette::issuance::bulk::{OPTIONAL, REQUIRED};
    format!(
        "CSV columns for --csv (a header row names them, in any order):\n  \
         required: {}\n  optional: {}\n\
         Dates are YYYY-MM-DD, written_score a percent (0-100), lab_result `pass` or `fail`, \
         grader a registered grader; README \"Bulk issuance from CSV\" describes each column.",
        REQUIRED.join(", "),
        OPTIONAL.join(", ")
    )
}

/// `rosette credentials …`.
#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// List credentials, newest first.
    List {
        /// Only certifications, or only generic credentials (VC-API).
        #[arg(long)]
        kind: Option<KindArg>,
        /// Only this certification.
        #[arg(long)]
        certification: Option<String>,
        /// Holder name contains.
        #[arg(long)]
        holder: Option<String>,
        /// Only active or superseded ones.
        #[arg(long)]
        state: Option<StateArg>,
        /// Page size.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Rows to skip.
        #[arg(long, default_value_t = 0)]
        offset: i64,
        /// JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// List the credentials expiring within a window (current, not revoked, not renewed), soonest first, and raise `credential.expiring` once per credential for that window.
    Expiring {
        /// The window: 60d, 8w or a number of days.
        #[arg(long, default_value = "60d")]
        within: String,
        /// JSON lines instead of a table.
        #[arg(long)]
        json: bool,
        /// Only list; raise no event.
        #[arg(long)]
        dry_run: bool,
    },
    /// Show one credential: record, lineage, and optionally the signed JSON.
    Show {
        /// Credential id (`urn:uuid:…` or the bare UUID).
        id: String,
        /// Print the signed credential JSON exactly as stored.
        #[arg(long)]
        document: bool,
    },
}

/// Credential kind filter.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// Catalog certifications.
    Certification,
    /// Credentials issued over VC-API from a client's document.
    Generic,
}

/// Credential state filter.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StateArg {
    /// Current.
    Active,
    /// Replaced by a correction.
    Superseded,
}

/// Normalizes `uuid` to `urn:uuid:uuid`.
pub fn credential_id(id: &str) -> String {
    if id.starts_with("urn:") {
        id.to_owned()
    } else {
        format!("urn:uuid:{id}")
    }
}

/// `rosette init`: data directory, configuration file, issuer key (0600),
/// database with migrations, catalog check. Safe to run twice.
pub async fn init(data_dir: &Path, args: InitArgs, flags: Overrides) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let config_path = data_dir.join(CONFIG_FILE);
    let init_flags = Overrides {
        public_url: args.public_url.or(flags.public_url.clone()),
        issuer_name: args.issuer_name,
        issuer_url: args.issuer_url,
        graders: (!args.graders.is_empty())
            .then(|| {
                args.graders
                    .iter()
                    .map(|g| rosette::issuance::Grader::new(g, None, None))
                    .collect::<Result<_, _>>()
            })
            .transpose()
            .map_err(|e| anyhow::anyhow!("--grader: {e}"))?,
        badges_dir: args.badges_dir,
        ..flags
    };
    let config = Config::load(data_dir, &rosette_env(), &init_flags)?;
    if config_path.exists() {
        eprintln!("kept {} (already there)", config_path.display());
    } else {
        std::fs::write(&config_path, config.to_toml())
            .with_context(|| format!("writing {}", config_path.display()))?;
        eprintln!("wrote {}", config_path.display());
    }
    config.issuer_did()?;
    let public_key = if config.key_file.exists() {
        let secret = keyfile::read_secret_key_file(&config.key_file)?;
        eprintln!("kept the issuer key {}", config.key_file.display());
        secret.verifying_key()
    } else {
        let secret = keys::generate_signing_key(&mut getrandom::SysRng)?;
        keyfile::write_secret_key_file(&config.key_file, &secret, false)?;
        eprintln!(
            "generated the issuer key {} (mode 0600)",
            config.key_file.display()
        );
        secret.verifying_key()
    };
    let did = config.issuer_id(&public_key)?;
    let catalog = load_catalog(&config)?;
    let store = rosette::store::SqlStore::connect(&config.database_url)
        .await
        .with_context(|| {
            format!(
                "opening {}",
                rosette::config::redact_url(&config.database_url)
            )
        })?;
    let migrations = store.applied_migrations().await?;
    println!("issuer      {did}");
    println!("public URL  {}", config.public_url);
    println!(
        "database    {} ({} migration(s))",
        rosette::config::redact_url(&config.database_url),
        migrations.len()
    );
    println!(
        "catalog     {} certification(s): {}",
        catalog.len(),
        catalog
            .iter()
            .map(|c| c.slug.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if config.graders.is_empty() {
        eprintln!(
            "note: no graders registered yet; add `graders = [{{ email = \"engineer@example.com\", name = \"Ana Silva\", role = \"Professional Services engineer\" }}]` to {} (credentials show the name and role, never the e-mail; a running server picks the change up within seconds)",
            config_path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn refusal(e: rosette::issuance::IssuanceError) -> anyhow::Error {
    anyhow::anyhow!("refused ({}): {e}", e.code())
}

/// `rosette assess written|lab`.
pub async fn assess(app: &App, cmd: AssessCommand) -> anyhow::Result<ExitCode> {
    let issuer = app.issuer();
    let record = match cmd {
        AssessCommand::Written {
            email,
            name,
            candidate_id,
            certification,
            attempt,
            score,
            date,
            reference,
        } => {
            let admin = Actor::admin(cli_actor());
            if issuer
                .store
                .candidate_by_email(&rosette::issuance::normalize_email(&email).map_err(refusal)?)
                .await?
                .is_none()
            {
                let Some(name) = name else {
                    bail!("{email} is not registered yet: give --name to register the candidate");
                };
                issuer
                    .register_candidate(&name, &email, candidate_id.as_deref(), &admin)
                    .await
                    .map_err(refusal)?;
            }
            let input = WrittenInput {
                email,
                certification,
                attempt,
                score,
                assessed_on: date,
                reference,
            };
            issuer
                .record_written(&input, &admin)
                .await
                .map_err(refusal)?
        }
        AssessCommand::Lab {
            email,
            certification,
            attempt,
            result,
            grader,
            date,
            notes,
        } => {
            let input = LabInput {
                email,
                certification,
                attempt,
                passed: matches!(result, LabResult::Pass),
                notes,
                assessed_on: date,
            };
            issuer
                .record_lab(&input, &Actor::grader(grader))
                .await
                .map_err(refusal)?
        }
    };
    println!(
        "recorded {} stage of attempt {} for {}: {}",
        record.kind.as_str(),
        record.attempt,
        record.certification,
        if record.passed {
            "passed"
        } else {
            "not passed"
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn write_document(out: &str, rec: &CredentialRecord) -> anyhow::Result<()> {
    if out == "-" {
        println!("{}", rec.document);
    } else {
        std::fs::write(out, &rec.document).with_context(|| format!("writing {out}"))?;
    }
    Ok(())
}

/// `rosette issue` (single or `--csv`).
pub async fn issue(app: &App, args: IssueArgs) -> anyhow::Result<ExitCode> {
    if let Some(csv) = &args.csv {
        return bulk(app, csv, args.results.clone(), args.chunk).await;
    }
    let (Some(email), Some(certification)) = (&args.email, &args.certification) else {
        bail!("--email and --certification are required (or --csv FILE)");
    };
    let outcome = match app
        .issuer()
        .issue(
            email,
            certification,
            args.attempt,
            args.external_id.as_deref(),
            &Actor::admin(cli_actor()),
        )
        .await
    {
        Ok(outcome) => outcome,
        // The repeat of a revoked credential: refused like a bulk row.
        Err(e @ rosette::issuance::IssuanceError::RepeatRevoked { .. }) => {
            eprintln!("refused ({}): {e}", e.code());
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(refusal(e)),
    };
    let rec = outcome.record();
    match &outcome {
        IssueOutcome::Issued(_) => eprintln!("issued {} ({})", rec.id, rec.certification),
        IssueOutcome::AlreadyIssued(_) => {
            // A repeat answers with the credential issued before (never a
            // revoked one); say when it is suspended.
            let bits = app
                .issuer()
                .credential_status(&rec.id)
                .await
                .map_err(refusal)?;
            let status = if bits.suspended { " — suspended" } else { "" };
            eprintln!("already issued: {} ({}){status}", rec.id, rec.certification)
        }
    }
    // Standard output stays the id alone, for scripts.
    eprintln!(
        "verification page: {}",
        app.issuer().verification_url(&rec.id)
    );
    println!("{}", rec.id);
    if let Some(out) = &args.out {
        write_document(out, rec)?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn bulk(
    app: &App,
    csv: &Path,
    results: Option<PathBuf>,
    chunk: usize,
) -> anyhow::Result<ExitCode> {
    let file =
        std::fs::File::open(csv).with_context(|| format!("cannot open {}", csv.display()))?;
    let total = count_lines(csv).unwrap_or(0).saturating_sub(1);
    let results_path = results.unwrap_or_else(|| csv.with_extension("results.csv"));
    let mut writer = csv::Writer::from_path(&results_path)
        .with_context(|| format!("cannot write {}", results_path.display()))?;
    writer.write_record([
        "line",
        "external_id",
        "email",
        "certification",
        "outcome",
        "credential_id",
        "code",
        "message",
    ])?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} rows  {per_sec}  eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut write_error = None;
    let options = BulkOptions {
        chunk: chunk.clamp(1, 10_000),
        ..BulkOptions::default()
    };
    let summary = app
        .issuer()
        .import_csv(
            file,
            &Actor::admin(cli_actor()),
            options,
            &mut |o| {
                let line = o.line.to_string();
                let cells = [
                    line.as_str(),
                    &o.external_id,
                    &o.email,
                    &o.certification,
                    o.outcome.as_str(),
                    &o.credential_id,
                    &o.code,
                    &o.message,
                ];
                // Cells echo the uploaded file: made inert against formulas.
                if let Err(e) = writer.write_record(cells.map(inert_cell)) {
                    write_error.get_or_insert(e);
                }
            },
            &mut |done| bar.set_position(done),
        )
        .await
        .map_err(refusal)?;
    bar.finish_and_clear();
    writer.flush()?;
    if let Some(e) = write_error {
        return Err(e).with_context(|| format!("writing {}", results_path.display()));
    }
    println!(
        "{} rows: {} issued, {} already issued, {} refused — outcomes in {}",
        summary.rows,
        summary.issued,
        summary.already_issued,
        summary.refused,
        results_path.display()
    );
    Ok(if summary.refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn count_lines(path: &Path) -> std::io::Result<u64> {
    use std::io::BufRead;
    let f = std::io::BufReader::new(std::fs::File::open(path)?);
    Ok(f.split(b'\n').count() as u64)
}

/// `rosette renew ID`.
pub async fn renew(app: &App, id: &str, out: Option<&str>) -> anyhow::Result<ExitCode> {
    let outcome = app
        .issuer()
        .renew(&credential_id(id), &Actor::admin(cli_actor()))
        .await
        .map_err(refusal)?;
    let rec = outcome.record();
    eprintln!(
        "{} {} (renews {})",
        if matches!(outcome, IssueOutcome::Issued(_)) {
            "issued"
        } else {
            "already renewed:"
        },
        rec.id,
        rec.renews.as_deref().unwrap_or("?")
    );
    println!("{}", rec.id);
    if let Some(out) = out {
        write_document(out, rec)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `rosette correct ID --name NAME --reason TEXT`.
pub async fn correct(app: &App, id: &str, name: &str, reason: &str) -> anyhow::Result<ExitCode> {
    let outcome = app
        .issuer()
        .correct(&credential_id(id), name, reason, &Actor::admin(cli_actor()))
        .await
        .map_err(refusal)?;
    let rec = outcome.record();
    eprintln!(
        "issued {} replacing {} (now superseded)",
        rec.id,
        rec.replaces.as_deref().unwrap_or("?")
    );
    println!("{}", rec.id);
    Ok(ExitCode::SUCCESS)
}

/// `rosette credentials list|show`.
pub async fn credentials(app: &App, cmd: CredentialsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        CredentialsCommand::Expiring {
            within,
            json,
            dry_run,
        } => return super::webhooks::expiring(app, &within, json, dry_run).await,
        CredentialsCommand::List {
            kind,
            certification,
            holder,
            state,
            limit,
            offset,
            json,
        } => {
            let filter = CredentialFilter {
                kind: kind.map(|k| match k {
                    KindArg::Certification => CredentialKind::Certification,
                    KindArg::Generic => CredentialKind::Generic,
                }),
                certification,
                candidate_id: None,
                state: state.map(|s| match s {
                    StateArg::Active => CredentialState::Active,
                    StateArg::Superseded => CredentialState::Superseded,
                }),
                holder_contains: holder,
                limit,
                offset,
            };
            let rows = app.store.list_credentials(&filter).await?;
            let mut out = std::io::stdout().lock();
            for r in rows {
                if json {
                    let mut v = serde_json::to_value(&r)?;
                    if let Some(m) = v.as_object_mut() {
                        m.remove("document");
                    }
                    writeln!(out, "{v}")?;
                } else {
                    writeln!(
                        out,
                        "{}  {:<38} {:<11} {}  until {}",
                        r.id,
                        match r.kind {
                            CredentialKind::Certification => r.certification.as_str(),
                            CredentialKind::Generic => "(generic)",
                        },
                        match r.state {
                            CredentialState::Active => "active",
                            CredentialState::Superseded => "superseded",
                        },
                        r.holder_name,
                        r.valid_until.as_deref().unwrap_or("-")
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CredentialsCommand::Show { id, document } => {
            let id = credential_id(&id);
            let Some(rec) = app.store.credential(&id).await? else {
                bail!("no credential {id}");
            };
            if document {
                println!("{}", rec.document);
                return Ok(ExitCode::SUCCESS);
            }
            let mut view = serde_json::to_value(&rec)?;
            let lineage: Vec<Value> = rosette::issuance::lineage(&app.store, &id)
                .await
                .map_err(refusal)?
                .iter()
                .map(|r| serde_json::json!({ "id": r.id, "issued_at": r.issued_at, "state": r.state, "renews": r.renews, "replaces": r.replaces }))
                .collect();
            if let Some(m) = view.as_object_mut() {
                m.remove("document");
                m.insert("lineage".into(), Value::Array(lineage));
            }
            println!("{}", serde_json::to_string_pretty(&view)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `rosette revoke|suspend|reinstate ID --reason TEXT`.
pub async fn change_status(
    app: &App,
    id: &str,
    change: rosette::issuance::revocation::StatusChange,
    reason: &str,
) -> anyhow::Result<ExitCode> {
    let id = credential_id(id);
    let status = app
        .issuer()
        .change_status(&id, change, reason, &Actor::admin(cli_actor()))
        .await
        .map_err(refusal)?;
    println!(
        "{id}: {}",
        if status.revoked {
            "revoked"
        } else if status.suspended {
            "suspended"
        } else {
            "active"
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// `rosette revoke --from FILE --reason TEXT`: revokes every listed
/// credential, 16 at a time; each revocation is its own transaction.
pub async fn revoke_many(app: &App, file: &Path, reason: &str) -> anyhow::Result<ExitCode> {
    use rosette::issuance::revocation::StatusChange;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let ids: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(credential_id)
        .collect();
    let issuer = app.issuer();
    let actor = Actor::admin(cli_actor());
    let mut failures = 0usize;
    for batch in ids.chunks(16) {
        let results = futures_join_all(
            batch
                .iter()
                .map(|id| issuer.change_status(id, StatusChange::Revoke, reason, &actor)),
        )
        .await;
        for (id, r) in batch.iter().zip(results) {
            if let Err(e) = r {
                failures += 1;
                eprintln!("{id}: refused ({}): {e}", e.code());
            }
        }
    }
    println!("{} revoked, {failures} refused", ids.len() - failures);
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs futures concurrently on the current task and collects their results in order.
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, fut) in out.iter_mut().zip(pinned.iter_mut()) {
            if slot.is_none() {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

/// `rosette tokens …`.
#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Create a token and print it once.
    Create {
        /// What the token is for (a person or a system).
        #[arg(long)]
        name: String,
        /// admin or grader.
        #[arg(long)]
        scope: ScopeArg,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token.
    Revoke {
        /// Token id (from `tokens list`).
        id: String,
    },
}

/// Token scope.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    /// The whole admin API.
    Admin,
    /// Lab results only.
    Grader,
    /// VC-API `POST /credentials/issue` only, for credentials other than
    /// the catalog's certifications.
    Issuer,
}

/// `rosette tokens create|list|revoke`.
pub async fn tokens(app: &App, cmd: TokensCommand) -> anyhow::Result<ExitCode> {
    use rosette::issuance::tokens::Scope;
    let admin = Actor::admin(cli_actor());
    match cmd {
        TokensCommand::Create { name, scope } => {
            let scope = match scope {
                ScopeArg::Admin => Scope::Admin,
                ScopeArg::Grader => Scope::Grader,
                ScopeArg::Issuer => Scope::Issuer,
            };
            let (token, secret) = app
                .issuer()
                .create_token(&name, scope, &admin)
                .await
                .map_err(refusal)?;
            eprintln!(
                "created token {} ({}, scope {}); it is shown only now:",
                token.id, token.name, token.scope
            );
            println!("{secret}");
        }
        TokensCommand::List => {
            let mut out = std::io::stdout().lock();
            for t in app.store.tokens().await? {
                writeln!(
                    out,
                    "{}  {:<7} {:<10} created {}{}",
                    t.id,
                    t.scope,
                    t.name,
                    t.created_at,
                    t.revoked_at
                        .map(|r| format!(", revoked {r}"))
                        .unwrap_or_default()
                )?;
            }
        }
        TokensCommand::Revoke { id } => {
            app.issuer()
                .revoke_token(&id, &admin)
                .await
                .map_err(refusal)?;
            println!("revoked token {id}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
