//! `rosette keys list` and `rosette keys rotate`: the issuer's key history
//! (public keys, in the database shared by every node) and this node's key
//! file (the secret). These commands open the configuration and the
//! database directly, not through [`super::app::App::open`], so that they
//! also work on a node whose key file is stale — that is where they help.

use super::app::{cli_actor, key_file_refusal, rosette_env};
use super::keyfile;
use anyhow::{Context as _, bail};
use rosette::clock::{Clock as _, SystemClock};
use rosette::config::{CONFIG_FILE, Config, IssuerDidMethod, Overrides};
use rosette::issuance::Actor;
use rosette::issuance::keys::{key_history, rotate as record_rotation};
use rosette::keys::{self, VerifyingKey, public_key_multibase};
use rosette::store::{IssuerKeyRecord, IssuerKeyState, SqlStore, Store as _};
use serde_json::{Value, json};
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// The configuration and the database of a data directory.
async fn open(data_dir: &Path, flags: &Overrides) -> anyhow::Result<(Config, SqlStore)> {
    if !data_dir.join(CONFIG_FILE).exists() {
        bail!(
            "{} is not initialized — run `rosette init` first",
            data_dir.display()
        );
    }
    let config = Config::load(data_dir, &rosette_env(), flags)?;
    config.issuer_did()?;
    let store = super::app::open_store(&config).await?;
    Ok((config, store))
}

/// The verification method id `key` signs as: `did:web:…#z6Mk…`, or in
/// did:key mode `did:key:z6Mk…#z6Mk…` (`Config::issuer_id`).
fn method_id(config: &Config, key: &VerifyingKey) -> anyhow::Result<String> {
    Ok(format!(
        "{}#{}",
        config.issuer_id(key)?,
        public_key_multibase(key)
    ))
}

/// [`method_id`] of a stored key (its multibase as written in the database).
fn stored_method_id(config: &Config, record: &IssuerKeyRecord) -> anyhow::Result<String> {
    let key = keys::decode_public_key_multibase(&record.public_key_multibase)
        .with_context(|| format!("stored key {}", record.public_key_multibase))?;
    method_id(config, &key)
}

/// How this node's key file relates to the stored keys.
fn key_file_state(key: &VerifyingKey, records: &[IssuerKeyRecord]) -> &'static str {
    let multibase = public_key_multibase(key);
    match records.iter().find(|r| r.public_key_multibase == multibase) {
        Some(r) => r.state.as_str(),
        None if records.is_empty() => "unregistered",
        None => "unknown",
    }
}

/// `rosette keys list [--json]`: every key of the issuer, current first,
/// then retired keys (most recently retired first), as verification
/// method ids; and whether this node's key file holds the current key.
pub async fn list(data_dir: &Path, flags: &Overrides, as_json: bool) -> anyhow::Result<ExitCode> {
    let (config, store) = open(data_dir, flags).await?;
    let records = store.issuer_keys().await?;
    let file_key = keyfile::read_secret_key_file(&config.key_file).map(|k| k.verifying_key());
    // The issuer id now: the current key's (did:key mode), else the key file's.
    let current = records
        .iter()
        .find(|r| r.state == IssuerKeyState::Current)
        .and_then(|r| keys::decode_public_key_multibase(&r.public_key_multibase).ok());
    let did = match current.or_else(|| file_key.as_ref().ok().copied()) {
        Some(k) => config.issuer_id(&k)?,
        None => config.issuer_did()?,
    };
    let mut out = std::io::stdout().lock();
    if as_json {
        let keys: Vec<Value> = records
            .iter()
            .map(|r| {
                Ok(json!({
                    "id": stored_method_id(&config, r)?,
                    "publicKeyMultibase": r.public_key_multibase,
                    "state": r.state.as_str(),
                    "addedAt": r.added_at,
                    "retiredAt": r.retired_at,
                }))
            })
            .collect::<anyhow::Result<_>>()?;
        let key_file = match &file_key {
            Ok(k) => json!({
                "path": config.key_file.display().to_string(),
                "publicKeyMultibase": public_key_multibase(k),
                "state": key_file_state(k, &records),
            }),
            Err(e) => json!({
                "path": config.key_file.display().to_string(),
                "error": format!("{e:#}"),
            }),
        };
        let doc = json!({ "controller": did, "keys": keys, "keyFile": key_file });
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    for r in &records {
        let retired = r
            .retired_at
            .as_deref()
            .map(|t| format!("  retired {t}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}  {:<7}  added {}{retired}",
            stored_method_id(&config, r)?,
            r.state.as_str(),
            r.added_at
        )?;
    }
    if records.is_empty() {
        eprintln!(
            "no key registered in the database yet; the key file's key is registered the first \
             time a command opens this data directory"
        );
    }
    match &file_key {
        Ok(k) => eprintln!(
            "this node's key file {} holds {} ({})",
            config.key_file.display(),
            public_key_multibase(k),
            match key_file_state(k, &records) {
                "current" => "the current key",
                "retired" => "a RETIRED key: copy the current key file from another node",
                "unknown" =>
                    "NOT one of this issuer's keys: copy the current key file from another node",
                _ => "not registered yet",
            }
        ),
        Err(e) => eprintln!("this node's key file: {e:#}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `rosette keys rotate`: generates a new issuer key, records the rotation
/// in the database and installs the new secret key file; the old key stays
/// published (retired) so credentials it signed keep verifying.
///
/// The steps are ordered so that a failure at any point loses no key and
/// never leaves the database naming a key whose secret is gone:
///
/// 1. The key file must hold the database's current key ([`key_history`];
///    on a new database it is registered first). A stale node cannot rotate.
/// 2. The new key is written to `<key_file>.next` (a new file, mode 0600,
///    synced). Nothing else has changed yet.
/// 3. The old secret is copied byte for byte to
///    `<data_dir>/keys/retired/<z6Mk…>.pem` (new file, mode 0600, synced).
///    The key file is untouched.
/// 4. One database transaction retires the old key, adds the new one as
///    current and appends a `key.rotated` audit entry (public keys only).
///    If it fails, the database is re-read: when the rotation is not there,
///    `<key_file>.next` is removed (the archived copy of the still-current
///    key is harmless) and the node goes on with the old key; when it is
///    there (the commit went through but its answer was lost), step 5 runs.
/// 5. `<key_file>.next` is renamed over the key file (atomic; the directory
///    is synced) — the old secret's only remaining copy is the archive.
///
/// If the process dies between 4 and 5, the database names the new key
/// while the key file still holds the old one: every command refuses the
/// stale key and points at `<key_file>.next`, and running `rosette keys
/// rotate` again finishes the rename. A `.next` file whose key the database
/// does not know (a run that stopped before step 4, or one running right
/// now) is never deleted automatically: the message says to delete it.
pub async fn rotate(data_dir: &Path, flags: &Overrides) -> anyhow::Result<ExitCode> {
    let (config, store) = open(data_dir, flags).await?;
    let key_file = config.key_file.as_path();
    let pending = keyfile::pending_key_path(key_file);
    let actor = Actor::admin(cli_actor());
    let now = SystemClock.now();

    if pending.exists() {
        return finish_interrupted(data_dir, &config, &store, key_file, &pending).await;
    }

    // 1. This node holds the current key.
    let old = keyfile::read_secret_key_file(key_file)?.verifying_key();
    key_history(&store, &old, now, &actor)
        .await
        .map_err(|e| key_file_refusal(key_file, e))?;

    // 2. The new key, not installed yet.
    let new = {
        let secret = keys::generate_signing_key(&mut getrandom::SysRng)?;
        keyfile::write_secret_key_file(&pending, &secret, false)?;
        secret.verifying_key()
    };

    // 3. The old secret, archived.
    let archived = keyfile::retired_key_path(data_dir, &old);
    if let Err(e) = keyfile::archive_secret_key_file(key_file, &old, &archived) {
        remove_pending(&pending);
        return Err(e.context("archiving the old key; nothing was changed"));
    }

    // 4. The rotation, recorded.
    if let Err(e) = record_rotation(&store, &old, &new, now, &actor).await {
        match store.issuer_keys().await {
            Ok(records) if is_current(&records, &new) => {
                eprintln!("note: the database reported an error ({e}) but recorded the rotation");
            }
            Ok(_) => {
                // The new secret is kept: an error reported at COMMIT may
                // still land afterwards, and then this file is the only
                // copy of the key the database names as current.
                return Err(key_file_refusal(key_file, e).context(format!(
                    "recording the rotation failed; the database does not name the new key, \
                     which is kept in {}: run `rosette keys rotate` again — it finishes the \
                     rotation if the database recorded it after all, and otherwise tells you \
                     to delete that file",
                    pending.display()
                )));
            }
            Err(reread) => {
                return Err(key_file_refusal(key_file, e).context(format!(
                    "recording the rotation failed, and the database cannot be read back \
                     ({reread}) to tell whether it went through; the new key is kept in {}: \
                     run `rosette keys rotate` again once the database is reachable",
                    pending.display()
                )));
            }
        }
    }

    // 5. The new key, installed.
    keyfile::install_key_file(&pending, key_file).with_context(|| {
        format!(
            "the database already names the new key {}; run `rosette keys rotate` again to \
             finish installing it",
            public_key_multibase(&new)
        )
    })?;
    report(&config, &old, &new, key_file, &archived)?;
    Ok(ExitCode::SUCCESS)
}

/// A `<key_file>.next` exists: finish the rotation that wrote it, if the
/// database recorded it; otherwise explain and change nothing.
async fn finish_interrupted(
    data_dir: &Path,
    config: &Config,
    store: &SqlStore,
    key_file: &Path,
    pending: &Path,
) -> anyhow::Result<ExitCode> {
    let new = keyfile::read_secret_key_file(pending)?.verifying_key();
    let records = store.issuer_keys().await?;
    if !is_current(&records, &new) {
        let what = if records
            .iter()
            .any(|r| r.public_key_multibase == public_key_multibase(&new))
        {
            "a retired key"
        } else {
            "a key the database does not know: an earlier `rosette keys rotate` stopped before \
             recording the rotation, or one is running right now"
        };
        bail!(
            "{} holds {what}. Nothing was changed. If no rotation is running, delete {} and run \
             `rosette keys rotate` again",
            pending.display(),
            pending.display()
        );
    }
    let old = keyfile::read_secret_key_file(key_file)?.verifying_key();
    let archived = keyfile::retired_key_path(data_dir, &old);
    keyfile::archive_secret_key_file(key_file, &old, &archived)?;
    keyfile::install_key_file(pending, key_file)?;
    eprintln!("finished an interrupted rotation");
    report(config, &old, &new, key_file, &archived)?;
    Ok(ExitCode::SUCCESS)
}

fn is_current(records: &[IssuerKeyRecord], key: &VerifyingKey) -> bool {
    let multibase = public_key_multibase(key);
    records
        .iter()
        .any(|r| r.state == IssuerKeyState::Current && r.public_key_multibase == multibase)
}

fn remove_pending(pending: &Path) {
    if let Err(e) = std::fs::remove_file(pending) {
        eprintln!(
            "warning: could not remove {} ({e}); delete it before rotating again",
            pending.display()
        );
    }
}

/// Prints the new verification method id (standard output) and what to do next.
fn report(
    config: &Config,
    old: &VerifyingKey,
    new: &VerifyingKey,
    key_file: &Path,
    archived: &Path,
) -> anyhow::Result<()> {
    let (new_id, old_id) = (method_id(config, new)?, method_id(config, old)?);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{new_id}")?;
    let published = match config.issuer_did_method {
        IssuerDidMethod::Web => "is retired and stays published in did.json",
        IssuerDidMethod::Key => {
            "is retired; its did:key names the key itself, and the issuer id of new credentials \
             is the new did:key"
        }
    };
    eprintln!(
        "rotated the issuer key: new credentials are signed with {new_id}\n\
         the old key {old_id} {published}, so credentials it signed keep verifying\n\
         wrote {key_file} (mode 0600); the old secret key is in {archived} (mode 0600)\n\
         next: restart every running `rosette serve`, and copy {key_file} to every other node \
         sharing this database — until then they refuse to sign with the old key",
        key_file = key_file.display(),
        archived = archived.display(),
    );
    Ok(())
}
