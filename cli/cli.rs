//! Command-line interface: argument definitions and dispatch to the jobs.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

use cinepicks_jobs::context::FixedClock;
use cinepicks_jobs::{
    Context, Metrics, Report, analyze, audience, customers, daemon, evaluate, fetch, generate, ingest, notify, predict,
    publish, recommend, screenings, status, suggest, train,
};

use crate::args::*;
use crate::config::Config;
use crate::demo;
use crate::telemetry::LogFormat;

/// cinepicks: film data pipeline, recommendations and weekly picks for a small cinema.
#[derive(Debug, Parser)]
#[command(name = "cinepicks", version, about, propagate_version = true)]
pub struct Cli {
    /// Environment configuration file layered over the built-in defaults.
    #[arg(long, global = true, env = "CINEPICKS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Root data folder (overrides `data_dir`).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// More detail in logs (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Only warnings and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Log format: text for people, json for log collectors.
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// What a command prints on stdout: text for people, or its figures as one JSON object for scripts (the
    /// recommended films' IMDb ids, for instance, which the text leaves out).
    #[arg(long, global = true, value_enum, default_value = "text")]
    pub output: Output,

    #[command(subcommand)]
    pub command: Command,
}

/// The form of a command's result on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Text,
    Json,
}

impl Output {
    /// Prints a job's report (its notes on stderr) and hands back its figures.
    pub fn show(self, report: impl Report) -> Metrics {
        match self {
            Output::Text => show(report),
            Output::Json => {
                for note in report.notes() {
                    eprintln!("{note}");
                }
                let metrics = report.metrics();
                print_out(&format!("{}\n", serde_json::to_string_pretty(&metrics.0).unwrap_or_default()));
                metrics
            }
        }
    }
}

impl Cli {
    pub fn verbosity(&self) -> i8 {
        if self.quiet { -1 } else { self.verbose.min(3) as i8 }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write deterministic synthetic IMDb, MovieLens and TMDB files in their real formats.
    Generate(GenerateArgs),
    /// Download the public dumps listed in the configuration into <data-dir>/raw.
    Fetch(FetchArgs),
    /// Turn raw dumps into typed, validated Parquet tables in <data-dir>/lake.
    Ingest(IngestArgs),
    /// Compute the marts answering the cinema's questions and the report, into <data-dir>/marts.
    Analyze(AnalyzeArgs),
    /// Fit the models (recommender, popularity…) into a new run folder <data-dir>/models/<run-id>.
    Train(TrainArgs),
    /// Five films like a title, or for several liked titles, with a reason for each.
    Recommend(RecommendArgs),
    /// Predicted rating and audience of a film from its traits (genres, runtime, year, people…), with reasons.
    Predict(PredictArgs),
    /// The groups (age band × gender × occupation) most likely to love a film, with their lift.
    Audience(AudienceArgs),
    /// Films a fictitious profile (age, gender, occupation) would most likely love.
    Suggest(SuggestArgs),
    /// Compare every recommender model and the popularity baseline offline on the MovieLens ratings.
    Evaluate(EvaluateArgs),
    /// Generate a small dataset and run every stage on it, then say where the outputs are.
    Demo(demo::DemoArgs),
    /// Load the latest successful model run into the store and make it the active one.
    Publish(PublishArgs),
    /// Manage customers: import a CSV file, add, list, like films, unsubscribe, export or erase one.
    Customers(CustomersArgs),
    /// The cinema's screenings (séances): import a CSV or iCalendar file, list the coming ones.
    Screenings(ScreeningsArgs),
    /// Run the scheduled jobs (nightly chain, weekly send) until SIGINT or SIGTERM.
    Daemon(DaemonArgs),
    /// Run a scheduled job now, for its latest slot: retries a failed night, does nothing if it succeeded.
    Run(RunArgs),
    /// Last and next runs, the active model, deliveries and subscribers.
    Status(StatusArgs),
    /// Send this week's five picks to every active subscriber, by e-mail or SMS, exactly once.
    Notify(NotifyArgs),
    /// Set the films the cinema shows in a week (the weekly picks favour or keep to them).
    Programme(ProgrammeArgs),
    /// Stop sending to the subscription of a one-click unsubscribe link's token.
    Unsubscribe(UnsubscribeArgs),
    /// Serve the customers' web site and the REST API (/api/v1) from the published store.
    Serve(ServeArgs),
    /// Read the owner's password on standard input and print its Argon2id hash, for the variable named by
    /// serve.owner_password_hash_env (CINEPICKS_OWNER_PASSWORD_HASH).
    HashPassword,
}

/// Environment variable that fixes the clock of a run (tests, replays).
pub const NOW_VARIABLE: &str = "CINEPICKS_NOW";

/// Runs the chosen command; configuration errors surface as [`crate::config::ConfigError`].
pub fn run(cli: Cli) -> Result<()> {
    let config = Config::load(cli.config.as_deref(), cli.data_dir.as_deref())?;
    let dry_run = match &cli.command {
        Command::Fetch(a) => a.dry_run,
        Command::Ingest(a) => a.dry_run,
        Command::Train(a) => a.dry_run,
        Command::Analyze(a) => a.dry_run,
        Command::Publish(a) => a.dry_run,
        Command::Notify(a) => a.dry_run,
        Command::Screenings(_) => false,
        Command::Generate(_)
        | Command::Demo(_)
        | Command::Customers(_)
        | Command::Recommend(_)
        | Command::Predict(_)
        | Command::Audience(_)
        | Command::Suggest(_)
        | Command::Evaluate(_)
        | Command::Daemon(_)
        | Command::Run(_)
        | Command::Status(_)
        | Command::Programme(_)
        | Command::Unsubscribe(_)
        | Command::Serve(_)
        | Command::HashPassword => false,
    };
    let Config { jobs: config, serve: mut serve_config } = config;
    let mut ctx = Context::new(config, dry_run);
    // Replays and end-to-end tests pin "now" (quiet hours, "this week") with an RFC 3339 instant.
    if let Ok(now) = std::env::var(NOW_VARIABLE) {
        let now = chrono::DateTime::parse_from_rfc3339(now.trim()).map_err(|e| {
            anyhow::anyhow!("{NOW_VARIABLE}={now:?} is not an RFC 3339 time (2026-11-25T10:00:00+01:00): {e}")
        })?;
        ctx = ctx.with_clock(std::sync::Arc::new(FixedClock(now.with_timezone(&chrono::Utc))));
    }
    let out = cli.output;
    let (name, metrics) = match cli.command {
        Command::Generate(args) => ("generate", out.show(generate::run(&ctx, &args.into())?)),
        Command::Fetch(args) => ("fetch", out.show(runtime()?.block_on(fetch::run(&ctx, &args.only, args.force))?)),
        Command::Ingest(args) => ("ingest", out.show(ingest::run(&ctx, &args.into())?)),
        Command::Analyze(args) => ("analyze", out.show(analyze::run(&ctx, &args.into())?)),
        Command::Train(args) => ("train", out.show(train::run(&ctx, &args.into())?)),
        Command::Recommend(args) => ("recommend", out.show(recommend::run(&ctx, &args.into())?)),
        Command::Predict(args) => ("predict", out.show(predict::run(&ctx, &args.into())?)),
        Command::Audience(args) => ("audience", out.show(audience::run(&ctx, &args.into())?)),
        Command::Suggest(args) => ("suggest", out.show(suggest::run(&ctx, &args.into())?)),
        Command::Evaluate(args) if args.feedback_replay => {
            ("evaluate", out.show(evaluate::feedback_replay(&ctx, &args.into())?))
        }
        Command::Evaluate(args) => ("evaluate", out.show(evaluate::run(&ctx, &args.into())?)),
        Command::Demo(args) => ("demo", demo::run(&ctx, &serve_config, &args)?),
        Command::Publish(args) => ("publish", out.show(publish::run(&ctx, &args.into())?)),
        Command::Customers(args) => ("customers", out.show(customers::run(&ctx, &args.command.into())?)),
        Command::Screenings(args) => ("screenings", out.show(screenings::run(&ctx, &args.command.into())?)),
        // The daemon logs as it goes; its figures at the end are for the logs only.
        Command::Daemon(args) => ("daemon", daemon::run(&ctx, &args.into())?),
        Command::Run(args) => ("run", out.show(daemon::run_now(&ctx, &args.into())?)),
        Command::Status(args) => ("status", out.show(status::run(&ctx, &args.into())?)),
        Command::Notify(args) => ("notify", out.show(notify::run(&ctx, &args.into())?)),
        Command::Programme(args) => ("programme", out.show(notify::programme(&ctx, &args.into())?)),
        Command::Unsubscribe(args) => ("unsubscribe", out.show(notify::unsubscribe(&ctx, &args.into())?)),
        Command::Serve(args) => {
            if let Some(addr) = args.addr {
                serve_config.addr = addr.to_string();
            }
            let served = cinepicks_web::run(&ctx, &serve_config, print_ready)?;
            let mut metrics = Metrics::default();
            metrics.insert("addr", served.addr.to_string());
            ("serve", metrics)
        }
        Command::HashPassword => ("hash-password", hash_password()?),
    };
    // Customers' figures name people (a listing, an export): the log keeps only which figures there were.
    let logged = match name {
        "customers" => serde_json::to_string(&metrics.0.keys().collect::<Vec<_>>()),
        _ => serde_json::to_string(&metrics.0),
    };
    tracing::debug!(job = name, metrics = %logged.unwrap_or_default(), "job finished");
    Ok(())
}

/// Prints a job's report (its notes on stderr) and hands back its figures.
pub fn show(report: impl Report) -> Metrics {
    for note in report.notes() {
        eprintln!("{note}");
    }
    print_out(&report.to_string());
    report.metrics()
}

/// Writes to stdout; a reader that went away (`cinepicks recommend … | head -1`) ends the output quietly
/// instead of a panic.
fn print_out(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: writing the output: {e}");
    }
}

/// Prints the hash of the first line of standard input (typed, or piped from a password manager).
fn hash_password() -> Result<Metrics> {
    use std::io::{BufRead as _, IsTerminal as _};
    if std::io::stdin().is_terminal() {
        eprintln!("Type the owner's password, then Enter (it is shown: make sure nobody is looking):");
    }
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']);
    anyhow::ensure!(password.chars().count() >= 12, "the owner's password needs at least 12 characters");
    println!("{}", cinepicks_web::owner::session::hash_password(password)?);
    eprintln!("Set it in the server's environment: CINEPICKS_OWNER_PASSWORD_HASH='<the line above>'");
    Ok(Metrics::default())
}

/// What `serve` prints once it listens: the first line of stdout is the URL (scripts and tests started with
/// port 0 read the real port there).
pub fn print_ready(ready: &cinepicks_web::Ready) {
    use std::io::Write as _;
    let local = ready.addr;
    println!("Serving the site on http://{local}/ (API docs: http://{local}/api/docs); Ctrl-C stops.");
    let yes_no = |loaded: bool| if loaded { "yes" } else { "no" };
    println!(
        "  {} films, popularity model: {}, audience model: {}",
        ready.films,
        yes_no(ready.popularity_model),
        yes_no(ready.audience_model)
    );
    std::io::stdout().flush().ok();
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}
