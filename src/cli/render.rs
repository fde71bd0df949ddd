//! `rosette render ID --format png|svg|og [--size N] [--out FILE]`.

use super::app::App;
use super::records::credential_id;
use anyhow::{Context as _, bail};
use clap::ValueEnum;
use rosette::clock::Clock;
use rosette::render::badge::{self, BadgeData, BadgeStatus};
use rosette::render::bake;
use rosette::store::Store;
use std::process::ExitCode;

/// Output format.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// The badge as PNG, with the credential baked in.
    Png,
    /// The badge as SVG, with the credential baked in.
    Svg,
    /// The 1200×627 Open Graph share image (PNG).
    Og,
}

/// `YYYY-MM-DD…` → `25 Nov 2026`.
fn display_date(stamp: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_else(|_| stamp.get(..10).unwrap_or(stamp).to_owned())
}

/// What a badge shows for a stored credential now.
pub async fn badge_data(
    app: &App,
    id: &str,
) -> anyhow::Result<(rosette::store::CredentialRecord, BadgeData)> {
    let Some(rec) = app.store.credential(id).await? else {
        bail!("no credential {id}");
    };
    let cert = app
        .catalog
        .get(&rec.certification)
        .with_context(|| format!("certification {} is not in the catalog", rec.certification))?;
    let status = app
        .issuer()
        .credential_status(&rec.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let expired = rec
        .valid_until
        .as_deref()
        .and_then(|u| chrono::DateTime::parse_from_rfc3339(u).ok())
        .is_some_and(|u| u.to_utc() < app.clock.now());
    let uuid = rec.id.strip_prefix("urn:uuid:").unwrap_or(&rec.id);
    let data = BadgeData {
        certification_name: cert.name.clone(),
        holder_name: rec.holder_name.clone(),
        issued_on: display_date(&rec.valid_from),
        expires_on: rec.valid_until.as_deref().map(display_date),
        verify_url: format!("{}/v/{uuid}", app.config.public_url),
        status: if status.revoked {
            BadgeStatus::Revoked
        } else if status.suspended {
            BadgeStatus::Suspended
        } else if expired {
            BadgeStatus::Expired
        } else {
            BadgeStatus::Valid
        },
    };
    Ok((rec, data))
}

/// Renders a stored credential's badge.
pub async fn render(
    app: &App,
    id: &str,
    format: Format,
    size: u32,
    out: Option<&str>,
) -> anyhow::Result<ExitCode> {
    if !matches!(size, 600 | 1200) {
        bail!("--size {size} is not supported (600 or 1200)");
    }
    let id = credential_id(id);
    let (rec, data) = badge_data(app, &id).await?;
    let cert = app
        .catalog
        .get(&rec.certification)
        .context("certification missing from the catalog")?;
    let (bytes, ext) = match format {
        Format::Svg => {
            let svg = badge::badge_svg(cert, &data)?;
            (bake::bake_svg(&svg, &rec.document)?.into_bytes(), "svg")
        }
        Format::Png => {
            let svg = badge::badge_svg(cert, &data)?;
            let png = badge::render_png(&svg, size)?;
            (bake::bake_png(&png, &rec.document)?, "png")
        }
        Format::Og => (badge::og_image(cert, &data)?, "og.png"),
    };
    let uuid = rec
        .id
        .strip_prefix("urn:uuid:")
        .unwrap_or(&rec.id)
        .to_owned();
    let path = out
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{uuid}.{ext}"));
    if path == "-" {
        use std::io::Write;
        std::io::stdout().lock().write_all(&bytes)?;
    } else {
        std::fs::write(&path, &bytes).with_context(|| format!("writing {path}"))?;
        eprintln!("wrote {path} ({} bytes)", bytes.len());
    }
    Ok(ExitCode::SUCCESS)
}
