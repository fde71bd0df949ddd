//! `rosette claims create|list`: wallet claim links, through the same
//! issuance functions the admin API and the console call.

use super::app::{App, cli_actor};
use super::records::credential_id as full_id;
use clap::Subcommand;
use rosette::issuance::Actor;
use rosette::issuance::claims::{DEFAULT_CLAIM_TTL, claim_state, parse_ttl};
use std::io::Write as _;
use std::process::ExitCode;

/// `rosette claims …`.
#[derive(Debug, Subcommand)]
pub enum ClaimsCommand {
    /// Create a one-time link through which the holder's wallet receives a
    /// copy bound to the holder's DID; prints the link once.
    Create {
        /// Credential id (the UUID or `urn:uuid:…`): a valid certification.
        id: String,
        /// How long the link works: 14d (default), 36h, 2w; at most 90 days.
        #[arg(long)]
        expires: Option<String>,
        /// Require a six-digit transaction code in OpenID wallets (printed
        /// once: give it to the holder apart from the link).
        #[arg(long)]
        tx_code: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also print the message to send the holder (subject and body).
        #[arg(long)]
        notice: bool,
    },
    /// List a credential's claims and their state (never their links).
    List {
        /// Credential id.
        id: String,
    },
}

/// Runs a `claims` command.
pub async fn claims(app: &App, cmd: ClaimsCommand) -> anyhow::Result<ExitCode> {
    let admin = Actor::admin(cli_actor());
    let issuer = app.issuer();
    let mut out = std::io::stdout().lock();
    match cmd {
        ClaimsCommand::Create {
            id,
            expires,
            tx_code,
            json,
            notice,
        } => {
            let ttl = match expires.as_deref() {
                Some(t) => {
                    parse_ttl(t).map_err(|e| anyhow::anyhow!("refused ({}): {e}", e.code()))?
                }
                None => DEFAULT_CLAIM_TTL,
            };
            let new = issuer
                .create_claim(&full_id(&id), ttl, tx_code, &admin)
                .await
                .map_err(|e| anyhow::anyhow!("refused ({}): {e}", e.code()))?;
            let links = &new.links;
            if json {
                let body = serde_json::json!({
                    "id": new.claim.id,
                    "credential_id": new.claim.credential_id,
                    "expires_at": new.claim.expires_at,
                    "links": links,
                    "tx_code": new.tx_code,
                    "notice": new.notice,
                });
                writeln!(out, "{body}")?;
            } else {
                writeln!(
                    out,
                    "Claim {} for {}",
                    new.claim.id, new.claim.credential_id
                )?;
                writeln!(
                    out,
                    "Send the holder this link (it works once, until {}):",
                    new.claim.expires_at
                )?;
                writeln!(out, "  {}", links.claim_url)?;
                if let Some(code) = &new.tx_code {
                    writeln!(
                        out,
                        "Transaction code for OpenID wallets (send it separately): {code}"
                    )?;
                }
                writeln!(out, "The link is shown only now; only its hash is stored.")?;
                if notice {
                    writeln!(out, "\n--- message for the holder ---\n{}", new.notice)?;
                }
            }
        }
        ClaimsCommand::List { id } => {
            let now = rosette::issuance::stamp(issuer.clock.now());
            let claims = issuer.store.wallet_claims_of(&full_id(&id)).await?;
            if claims.is_empty() {
                writeln!(out, "no claims for {}", full_id(&id))?;
            }
            for c in claims {
                let state = claim_state(&c, &now);
                writeln!(
                    out,
                    "{}\t{state}\texpires {}\t{}",
                    c.id,
                    c.expires_at,
                    match (&c.redeemed_via, &c.holder_did, &c.issued_credential_id) {
                        (Some(via), Some(holder), Some(copy)) =>
                            format!("via {via} by {holder} as {copy}"),
                        _ => String::new(),
                    }
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
