//! The `cinepicks` binary: parse the command line, set up logs, run the job, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

use cinepicks::cli::{self, Cli};
use cinepicks::config::ConfigError;
use cinepicks::telemetry;
use cinepicks_jobs::daemon::ShutdownError;

/// 0 success, 1 failure of a job, 2 usage or configuration error (clap also exits with 2 on bad usage),
/// 3 or 4 a daemon stopped by a signal with a run cut short (see [`ShutdownError::exit_code`]).
fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format, cli.verbosity());
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            if err.downcast_ref::<ConfigError>().is_some() {
                eprintln!(
                    "  (configuration error: fix the key above in your file or environment; see config/default.yaml)"
                );
                ExitCode::from(2)
            } else if let Some(shutdown) = err.downcast_ref::<ShutdownError>() {
                ExitCode::from(shutdown.exit_code())
            } else {
                ExitCode::from(1)
            }
        }
    }
}
