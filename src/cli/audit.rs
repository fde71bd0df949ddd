//! `rosette audit verify|list|checkpoint`, and the checkpoint a command
//! signs when it is done.

use super::app::App;
use anyhow::Context as _;
use clap::Subcommand;
use rosette::audit::SignedCheckpoint;
use rosette::clock::Clock as _;
use rosette::issuance::checkpoints::{checkpoint_if_due, export_checkpoint, verify_log};
use rosette::store::Store as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Largest checkpoint file read: the signed head is a few hundred bytes,
/// its list of entry hashes about 72 bytes an entry (some 3.7 million
/// entries fit).
const MAX_CHECKPOINT_BYTES: usize = 256 * 1024 * 1024;

/// `rosette audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain end to end, and that it extends every checkpoint given.
    Verify {
        /// A checkpoint exported earlier (`rosette audit checkpoint`); repeatable. Each must be
        /// signed by one of the issuer's keys (current or retired), and the entry it names must
        /// still have the hash it signed; the entry hashes it lists name the first entry that
        /// differs.
        #[arg(long = "checkpoint", num_args = 1..)]
        checkpoints: Vec<PathBuf>,
    },
    /// Print audit entries (JSON lines).
    List {
        /// Start after this sequence number.
        #[arg(long, default_value_t = 0)]
        after: i64,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Export the latest signed checkpoint of the log's head (signed now if the head moved), with
    /// the hash of every entry up to it, as JSON, to keep outside the database.
    Checkpoint {
        /// Where to write it (`-` for standard output).
        #[arg(long)]
        out: String,
    },
}

/// `rosette audit verify|list|checkpoint`.
pub async fn audit(app: &App, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Verify { checkpoints } => {
            let mut exported = Vec::with_capacity(checkpoints.len());
            for path in &checkpoints {
                exported.push((
                    format!("checkpoint file {}", path.display()),
                    read_checkpoint(path)?,
                ));
            }
            match verify_log(&app.store, &exported).await? {
                Ok(intact) => {
                    let (seq, hash) = &intact.head;
                    let (given, stored) = intact.checkpoints;
                    println!(
                        "audit log intact: {} entries, head {seq} {hash}; it extends the {given} \
                         checkpoint(s) given and the {stored} stored",
                        intact.entries
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(broken) => {
                    println!("audit log BROKEN: {broken}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        AuditCommand::List { after, limit } => {
            let mut out = std::io::stdout().lock();
            for e in app.store.audit_entries(after, limit).await? {
                writeln!(out, "{}", serde_json::to_string(&e)?)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Checkpoint { out } => {
            let checkpoint = export_checkpoint(&app.store, &app.key, app.clock.now())
                .await
                .context("signing the audit checkpoint")?;
            let mut json = serde_json::to_string_pretty(&checkpoint)?;
            json.push('\n');
            if out == "-" {
                std::io::stdout().lock().write_all(json.as_bytes())?;
            } else {
                std::fs::write(&out, json).with_context(|| format!("cannot write {out}"))?;
                eprintln!(
                    "wrote {out}: checkpoint of entry {} signed at {} by {}",
                    checkpoint.seq, checkpoint.time, checkpoint.key_id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Reads and parses one exported checkpoint; the error names the file.
fn read_checkpoint(path: &std::path::Path) -> anyhow::Result<SignedCheckpoint> {
    let bytes = super::read_limited(&path.to_string_lossy(), MAX_CHECKPOINT_BYTES)?;
    if bytes.len() > MAX_CHECKPOINT_BYTES {
        anyhow::bail!(
            "{}: larger than {MAX_CHECKPOINT_BYTES} bytes; not a checkpoint (keep only its \
             signed fields to check the log against its head alone)",
            path.display()
        );
    }
    serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{}: not an audit checkpoint (a JSON object with format, seq, hash, time, keyId, signature and optionally entryHashes)",
            path.display()
        )
    })
}

/// Signs a checkpoint when one is due (`audit_checkpoint_every_*`), after a
/// command that may have appended to the log. A failure is reported, not
/// fatal: the command's own work is committed.
pub async fn checkpoint_after_command(app: &App) {
    if let Err(e) = checkpoint_if_due(
        &app.store,
        &app.key,
        app.config.audit_checkpoint_policy(),
        app.clock.now(),
    )
    .await
    {
        eprintln!("rosette: warning: could not sign an audit checkpoint: {e}");
    }
}
