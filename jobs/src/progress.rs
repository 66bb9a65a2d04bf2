//! Progress of long work: bars on a terminal (when the binary enables them), nothing otherwise (the logs carry it).

use std::sync::OnceLock;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether progress bars are drawn; decided once at start-up by the binary.
static BARS_ENABLED: OnceLock<bool> = OnceLock::new();

/// Draw progress bars from now on: a person watches a terminal and text logs are on. The first call wins.
pub fn enable_bars(enabled: bool) {
    let _ = BARS_ENABLED.set(enabled);
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
