//! The signals that stop the long-running services (the daemon, the web server): SIGINT and SIGTERM.

/// Completes on SIGINT or SIGTERM with the signal's name.
pub async fn signal() -> &'static str {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing the SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = term.recv() => "SIGTERM",
    }
}
