//! `rosette render ID --format png|svg|og [--size N] [--out FILE]`.

use super::app::App;
use super::records::credential_id;
use anyhow::{Context as _, bail};
use clap::ValueEnum;
use rosette::clock::Clock;
use rosette::render::badge::{self, BadgeData};
use rosette::render::bake;
use rosette::render::og;
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

/// What a badge shows for a stored credential now.
pub async fn badge_data(
    app: &App,
    id: &str,
) -> anyhow::Result<(rosette::store::CredentialRecord, BadgeData)> {
    let Some(rec) = app.store.credential(id).await? else {
        bail!("no credential {id}");
    };
    let data = app
        .issuer()
        .badge_data(&rec, app.clock.now())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
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
            let svg = badge::badge_svg(&cert.design(), &data)?;
            (bake::bake_svg(&svg, &rec.document)?.into_bytes(), "svg")
        }
        Format::Png => {
            let png = badge::badge_png(&cert.design(), &data, size)?;
            (bake::bake_png(&png, &rec.document)?, "png")
        }
        Format::Og => (og::og_image(&cert.design(), &data)?, "og.png"),
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
