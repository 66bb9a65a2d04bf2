//! Logs and progress: human-readable or JSON logs via tracing, progress bars only on a terminal.

use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tracing_subscriber::EnvFilter;

/// How logs are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Whether progress bars are drawn; decided once at start-up.
static BARS_ENABLED: OnceLock<bool> = OnceLock::new();

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
    let _ = BARS_ENABLED.set(format == LogFormat::Text && verbosity >= 0 && std::io::stderr().is_terminal());
}

/// Whether progress bars are drawn (a terminal, text logs, not quiet).
pub fn bars_enabled() -> bool {
    *BARS_ENABLED.get().unwrap_or(&false)
}

/// A byte- or item-counting progress bar, hidden when stderr is not a terminal.
pub fn progress_bar(len: u64, message: impl Into<String>, unit: ProgressUnit) -> ProgressBar {
    if !bars_enabled() {
        return ProgressBar::hidden();
    }
    let template = match unit {
        ProgressUnit::Bytes => "{msg:24} [{bar:32}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ProgressUnit::Items => "{msg:24} [{bar:32}] {human_pos}/{human_len} {per_sec} eta {eta}",
    };
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(template).expect("static progress template is valid").progress_chars("=> "),
    );
    bar.set_message(message.into());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// What a progress bar counts.
#[derive(Debug, Clone, Copy)]
pub enum ProgressUnit {
    Bytes,
    Items,
}

/// A counter for work of unknown size (rows written so far), hidden when stderr is not a terminal.
pub fn spinner(message: impl Into<String>) -> ProgressBar {
    if !bars_enabled() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg:28} {human_pos} rows {per_sec}")
            .expect("static progress template is valid"),
    );
    bar.set_message(message.into());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
