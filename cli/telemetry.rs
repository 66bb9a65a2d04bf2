//! Logs: human-readable or JSON lines via tracing on stderr; progress bars only for a person at a terminal.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How logs are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Installs the global tracing subscriber. `verbosity` is -1 (quiet), 0 (info), 1 (debug), 2+ (trace).
/// `RUST_LOG` still wins when set, so operators can target one module.
pub fn init(format: LogFormat, verbosity: i8) {
    let level = match verbosity {
        i8::MIN..=-1 => "warn",
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{level},sqlx=warn,sea_orm=warn,polars=warn")));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // Ignore a second initialisation (tests call library functions that may log).
    let _ = match format {
        LogFormat::Text => builder.with_target(false).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    // Bars only make sense for a person watching a terminal; logs carry progress otherwise.
    cinepicks_jobs::progress::enable_bars(
        format == LogFormat::Text && verbosity >= 0 && std::io::stderr().is_terminal(),
    );
}
