//! `rosette webhooks add|list|remove|deliveries` and `rosette credentials
//! expiring`: the same issuance functions the admin API calls.

use super::app::{App, cli_actor, fetch_policy};
use clap::Subcommand;
use rosette::issuance::Actor;
use rosette::issuance::expiry::parse_window;
use rosette::issuance::webhooks::NewSubscription;
use rosette::store::{DeliveryFilter, DeliveryState};
use std::io::Write as _;
use std::process::ExitCode;

/// `rosette webhooks …`.
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Subscribe a receiver to credential events; prints the signing secret once.
    Add {
        /// The receiver's URL: https on a public address (loopback only with `fetch_allow_loopback`, for tests).
        url: String,
        /// An event to send (repeatable): credential.issued, credential.revoked,
        /// credential.suspended, credential.reinstated, credential.renewed,
        /// credential.corrected, credential.expiring.
        #[arg(long = "event", required = true)]
        events: Vec<String>,
        /// Only events of credentials of this certification (a catalog slug).
        #[arg(long)]
        certification: Option<String>,
        /// What it is for.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List the active subscriptions (never their secrets).
    List {
        /// Print JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Remove a subscription; its pending deliveries are cancelled.
    Remove {
        /// Subscription id (`wh_…`).
        id: String,
    },
    /// List deliveries, newest event first.
    Deliveries {
        /// Only pending, delivered, failed or cancelled ones.
        #[arg(long)]
        state: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Print JSON lines.
        #[arg(long)]
        json: bool,
    },
}

fn refusal(e: rosette::issuance::IssuanceError) -> anyhow::Error {
    anyhow::anyhow!("refused ({}): {e}", e.code())
}

/// Runs a `webhooks` command.
pub async fn webhooks(app: &App, cmd: WebhooksCommand) -> anyhow::Result<ExitCode> {
    let admin = Actor::admin(cli_actor());
    let issuer = app.issuer();
    let mut out = std::io::stdout().lock();
    match cmd {
        WebhooksCommand::Add {
            url,
            events,
            certification,
            description,
        } => {
            let fetcher = rosette::fetch::HttpFetcher::new(fetch_policy(
                &app.config,
                app.config.fetch_allow_loopback,
            )?)?;
            let (record, secret) = issuer
                .add_webhook(
                    NewSubscription {
                        url,
                        events,
                        certification,
                        description,
                    },
                    &fetcher,
                    &admin,
                )
                .await
                .map_err(refusal)?;
            eprintln!(
                "added webhook {} → {} ({}); its signing secret is shown only now:",
                record.id,
                record.url,
                record.events.join(", ")
            );
            writeln!(out, "{secret}")?;
        }
        WebhooksCommand::List { json } => {
            for s in issuer.webhooks(&admin).await.map_err(refusal)? {
                if json {
                    writeln!(out, "{}", serde_json::to_string(&s)?)?;
                } else {
                    writeln!(
                        out,
                        "{}  {}  {}{}",
                        s.id,
                        s.url,
                        s.events.join(","),
                        s.certification
                            .map(|c| format!("  (only {c})"))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
        WebhooksCommand::Remove { id } => {
            issuer.remove_webhook(&id, &admin).await.map_err(refusal)?;
            writeln!(out, "removed webhook {id}")?;
        }
        WebhooksCommand::Deliveries { state, limit, json } => {
            let state = match state.as_deref() {
                None => None,
                Some(s) => Some(DeliveryState::parse(s).ok_or_else(|| {
                    anyhow::anyhow!("--state {s:?} is not pending, delivered, failed or cancelled")
                })?),
            };
            let filter = DeliveryFilter {
                state,
                subscription_id: None,
                limit: limit.clamp(1, 1000),
            };
            for d in issuer
                .webhook_deliveries(&filter, &admin)
                .await
                .map_err(refusal)?
            {
                if json {
                    writeln!(out, "{}", serde_json::to_string(&d)?)?;
                } else {
                    writeln!(
                        out,
                        "{}  {:<9} {:<22} {}  attempts {}{}",
                        d.event_id,
                        d.state.as_str(),
                        d.event_type,
                        d.url,
                        d.attempts,
                        d.last_error
                            .map(|e| format!("  last error: {e}"))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `rosette credentials expiring --within 60d`: lists the credentials
/// expiring within the window and, unless `dry_run`, raises
/// `credential.expiring` for those not yet warned about for that window
/// (what the server's daily pass does for its configured windows).
pub async fn expiring(
    app: &App,
    within: &str,
    json: bool,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let admin = Actor::admin(cli_actor());
    let issuer = app.issuer();
    let days = parse_window(within).map_err(refusal)?;
    let list = issuer.expiring(days, &admin).await.map_err(refusal)?;
    let mut out = std::io::stdout().lock();
    for c in &list {
        if json {
            let view = serde_json::json!({
                "id": c.record.id,
                "certification": c.record.certification,
                "holderName": c.record.holder_name,
                "holderEmail": c.holder_email,
                "validUntil": c.record.valid_until,
                "daysLeft": c.days_left,
                "suspended": c.suspended,
                "verificationUrl": issuer.verification_url(&c.record.id),
            });
            writeln!(out, "{view}")?;
        } else {
            writeln!(
                out,
                "{}  {}  {:<36} {}  expires {} ({} days){}",
                c.record.id,
                c.record.certification,
                c.record.holder_name,
                c.holder_email,
                c.record.valid_until.as_deref().unwrap_or(""),
                c.days_left,
                if c.suspended { "  suspended" } else { "" }
            )?;
        }
    }
    if !dry_run {
        let warned = issuer
            .warn_expiring(&[days], &admin)
            .await
            .map_err(refusal)?;
        let n: usize = warned.iter().map(|(_, ids)| ids.len()).sum();
        eprintln!(
            "{} expiring within {days} days; {n} newly warned about (credential.expiring)",
            list.len()
        );
    } else {
        eprintln!(
            "{} expiring within {days} days (dry run: no event raised)",
            list.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
