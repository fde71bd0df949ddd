//! Telemetry: structured logs (`tracing`, text or JSON lines on standard
//! error) and the Prometheus metrics registry the server exposes at
//! `/metrics`.

pub mod metrics;

use crate::config::LogFormat;

/// Structured logs on standard error: `RUST_LOG`-style filter from
/// `ROSETTE_LOG` (default `info`), text or JSON lines.
pub fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ROSETTE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true);
    // A second initialization (tests in one process) is harmless: keep the first.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.with_ansi(false).try_init(),
    };
}
