//! The command-line options of every command (clap), each turned into the parameters of its job.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use cinepicks_domain::{IsoWeek, Language};
use cinepicks_jobs as jobs;

#[derive(Debug, Default, Args)]
pub struct AnalyzeArgs {
    /// Language of the report [default: the configuration's `locale`].
    #[arg(long, value_name = "fr|en")]
    pub lang: Option<Language>,
    /// List the marts and the lake tables they would read, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl From<AnalyzeArgs> for jobs::analyze::AnalyzeOptions {
    fn from(a: AnalyzeArgs) -> Self {
        Self { lang: a.lang, dry_run: a.dry_run }
    }
}

#[derive(Debug, Default, Args)]
pub struct AudienceArgs {
    /// A MovieLens film title, with "(year)" to choose between homonyms.
    #[arg(value_name = "TITLE")]
    pub title: String,
    /// Groups shown.
    #[arg(long, default_value_t = 10)]
    pub n: usize,
    /// Language of the output [default: locale].
    #[arg(long, value_name = "fr|en")]
    pub locale: Option<Language>,
    /// Use this run folder instead of the latest run with an audience model.
    #[arg(long, value_name = "DIR")]
    pub run: Option<PathBuf>,
}

impl From<AudienceArgs> for jobs::audience::AudienceParams {
    fn from(a: AudienceArgs) -> Self {
        Self { title: a.title, n: a.n, locale: a.locale, run: a.run }
    }
}

#[derive(Debug, Args)]
pub struct CustomersArgs {
    #[command(subcommand)]
    pub command: CustomersCommand,
}

#[derive(Debug, Subcommand)]
pub enum CustomersCommand {
    /// Import customers from a CSV file with the header name,email,phone,locale,likes,consent (see docs/commands.md);
    /// any bad row stops the import, and nothing is imported.
    Import {
        file: PathBuf,
        /// Check the file and report, import nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Add one customer (or update the one owning the e-mail address or phone number).
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// fr or en [default: the configured locale].
        #[arg(long)]
        locale: Option<String>,
        /// Channels the customer agreed to: email, sms, or both (comma-separated).
        #[arg(long, value_delimiter = ',', required = true)]
        consent: Vec<String>,
        /// A liked film, by IMDb id or title with optional "(year)"; repeat for several.
        #[arg(long = "like", value_name = "FILM")]
        likes: Vec<String>,
        /// A genre the customer likes (IMDb name: Drama, Comedy…), for picks before any like; repeat for several.
        #[arg(long = "genre", value_name = "GENRE")]
        genres: Vec<String>,
    },
    /// List customers with their subscriptions and likes.
    List,
    /// Record that a customer (id, e-mail or phone) likes films (IMDb ids or titles).
    Like {
        customer: String,
        #[arg(required = true, value_name = "FILM")]
        films: Vec<String>,
    },
    /// Stop sending picks to an e-mail address, a phone number, a customer id or an unsubscribe token.
    Unsubscribe { reference: String },
    /// Print everything held about a customer (id, e-mail or phone) as JSON: the answer to an access request.
    Export { reference: String },
    /// Erase a customer (id, e-mail or phone) from the store and the outboxes; their deliveries stay for the
    /// statistics without name or address.
    Erase { reference: String },
}

impl From<CustomersCommand> for jobs::customers::CustomersCommand {
    fn from(a: CustomersCommand) -> Self {
        match a {
            CustomersCommand::Import { file, dry_run } => Self::Import { file, dry_run },
            CustomersCommand::Add { name, email, phone, locale, consent, likes, genres } => {
                Self::Add { name, email, phone, locale, consent, likes, genres }
            }
            CustomersCommand::List => Self::List,
            CustomersCommand::Like { customer, films } => Self::Like { customer, films },
            CustomersCommand::Unsubscribe { reference } => Self::Unsubscribe { reference },
            CustomersCommand::Export { reference } => Self::Export { reference },
            CustomersCommand::Erase { reference } => Self::Erase { reference },
        }
    }
}

#[derive(Debug, Args)]
pub struct ScreeningsArgs {
    #[command(subcommand)]
    pub command: ScreeningsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ScreeningsCommand {
    /// Import screenings from a CSV file (header film,starts_at,room,version,price,booking_url,note; see
    /// docs/commands.md) or an iCalendar file (.ics); any bad row stops the import, and nothing is imported.
    Import {
        file: PathBuf,
        /// Check the file and report, import nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The screenings of the coming days.
    List {
        #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=366))]
        days: u32,
    },
}

impl From<ScreeningsCommand> for jobs::screenings::ScreeningsCommand {
    fn from(a: ScreeningsCommand) -> Self {
        match a {
            ScreeningsCommand::Import { file, dry_run } => Self::Import { file, dry_run },
            ScreeningsCommand::List { days } => Self::List { days },
        }
    }
}

#[derive(Debug, Default, Args)]
pub struct DaemonArgs {
    /// Do not catch up the latest run missed while the daemon was not running.
    #[arg(long)]
    pub no_catch_up: bool,
}

impl From<DaemonArgs> for jobs::daemon::DaemonParams {
    fn from(a: DaemonArgs) -> Self {
        Self { no_catch_up: a.no_catch_up }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The job: `nightly` (fetch, ingest, train, analyze, evaluate, publish) or `weekly_notify`.
    pub job: String,
    /// Run it again even when its latest scheduled run already succeeded.
    #[arg(long)]
    pub force: bool,
}

impl From<RunArgs> for jobs::daemon::RunParams {
    fn from(a: RunArgs) -> Self {
        Self { job: a.job, force: a.force }
    }
}

#[derive(Debug, Default, Args)]
pub struct EvaluateArgs {
    /// Seed of the split [default: recommend.seed].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Folds of the rating cross-validation, 0 to skip it [default: recommend.evaluation.folds].
    #[arg(long)]
    pub folds: Option<usize>,
    /// Leave out the content and hybrid models (no film features read).
    #[arg(long)]
    pub no_content: bool,
    /// Write the exact train and test split (`train.csv`, `test.csv`: user,item,rating with MovieLens ids).
    #[arg(long, value_name = "DIR")]
    pub export_split: Option<PathBuf>,
    /// Folder for metrics.json (replay.json with --feedback-replay) [default: <data-dir>/evaluations/<run-id>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Instead of the model comparison: held-out users play subscribers for some weeks, receiving the weekly
    /// picks with and without their feedback ("J'aime", "Pas pour moi") and a retraining between weeks.
    #[arg(long, conflicts_with_all = ["folds", "no_content", "export_split"])]
    pub feedback_replay: bool,
    /// Weeks played by --feedback-replay [default: 10].
    #[arg(long, requires = "feedback_replay")]
    pub weeks: Option<usize>,
    /// Held-out users playing subscribers in --feedback-replay [default: 200].
    #[arg(long, requires = "feedback_replay")]
    pub subscribers: Option<usize>,
}

impl From<EvaluateArgs> for jobs::evaluate::EvaluateParams {
    fn from(a: EvaluateArgs) -> Self {
        Self { seed: a.seed, folds: a.folds, no_content: a.no_content, export_split: a.export_split, out: a.out }
    }
}

impl From<EvaluateArgs> for jobs::evaluate::ReplayParams {
    fn from(a: EvaluateArgs) -> Self {
        Self { weeks: a.weeks, subscribers: a.subscribers, seed: a.seed, out: a.out }
    }
}

#[derive(Debug, Default, Args)]
pub struct GenerateArgs {
    /// Size relative to the full IMDb dump (1.0 ≈ 11M titles; 0.01 for tests) [default: generate.scale].
    #[arg(long)]
    pub scale: Option<f64>,
    /// Random seed: the same seed and scale give byte-identical files [default: generate.seed].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Data folder to write `raw/` into [default: the data directory].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Share of rows replaced by malformed ones, to exercise the quarantine (0 = clean data).
    #[arg(long, default_value_t = 0.0)]
    pub corrupt_share: f64,
}

impl From<GenerateArgs> for jobs::generate::GenerateParams {
    fn from(a: GenerateArgs) -> Self {
        Self { scale: a.scale, seed: a.seed, out: a.out, corrupt_share: a.corrupt_share }
    }
}

#[derive(Debug, Default, Args)]
pub struct IngestArgs {
    /// Folder of the IMDb .tsv(.gz) files [default: <data-dir>/raw/imdb].
    #[arg(long, value_name = "DIR")]
    pub imdb: Option<PathBuf>,
    /// Folder of a MovieLens release (100K, 1M or latest layout) [default: <data-dir>/raw/movielens].
    #[arg(long, value_name = "DIR")]
    pub movielens: Option<PathBuf>,
    /// Folder of the TMDB 5000 CSVs [default: <data-dir>/raw/tmdb].
    #[arg(long, value_name = "DIR")]
    pub tmdb: Option<PathBuf>,
    /// Ingest even when the inputs are unchanged since the last run.
    #[arg(long)]
    pub force: bool,
    /// Ingest without a required file (title.basics or title.ratings), leaving its tables out.
    #[arg(long)]
    pub allow_partial: bool,
    /// List what would be ingested, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl From<IngestArgs> for jobs::ingest::IngestParams {
    fn from(a: IngestArgs) -> Self {
        Self {
            imdb: a.imdb,
            movielens: a.movielens,
            tmdb: a.tmdb,
            force: a.force,
            allow_partial: a.allow_partial,
            dry_run: a.dry_run,
        }
    }
}

#[derive(Debug, Default, Clone, Args)]
pub struct NotifyArgs {
    /// ISO week to send, e.g. 2026-W48 [default: this week in the cinema's timezone].
    #[arg(long, value_name = "YYYY-Www")]
    pub week: Option<IsoWeek>,
    /// Compute the picks and say what would be sent; create and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Only this customer (id).
    #[arg(long, value_name = "ID")]
    pub customer: Option<i32>,
}

impl From<NotifyArgs> for jobs::notify::NotifyParams {
    fn from(a: NotifyArgs) -> Self {
        Self { week: a.week, dry_run: a.dry_run, customer: a.customer }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ProgrammeArgs {
    /// ISO week the films are shown, e.g. 2026-W48 [default: this week].
    #[arg(long, value_name = "YYYY-Www")]
    pub week: Option<IsoWeek>,
    /// The films shown (IMDb ids or titles with an optional "(year)"); none clears the week's programme.
    #[arg(value_name = "FILM")]
    pub films: Vec<String>,
}

impl From<ProgrammeArgs> for jobs::notify::ProgrammeParams {
    fn from(a: ProgrammeArgs) -> Self {
        Self { week: a.week, films: a.films }
    }
}

#[derive(Debug, Clone, Args)]
pub struct UnsubscribeArgs {
    /// The token of an unsubscribe link (`…/unsubscribe?token=TOKEN`).
    pub token: String,
}

impl From<UnsubscribeArgs> for jobs::notify::UnsubscribeParams {
    fn from(a: UnsubscribeArgs) -> Self {
        Self { token: a.token }
    }
}

#[derive(Debug, Default, Args)]
pub struct PredictArgs {
    /// A genre (repeat for several): --genre Drama --genre Romance.
    #[arg(long = "genre", value_name = "GENRE")]
    pub genres: Vec<String>,
    /// Runtime in minutes.
    #[arg(long)]
    pub runtime: Option<f32>,
    /// Release year [default: this year].
    #[arg(long)]
    pub year: Option<i32>,
    /// A director, by name or IMDb id (repeatable).
    #[arg(long = "director", value_name = "NAME")]
    pub directors: Vec<String>,
    /// A writer (repeatable).
    #[arg(long = "writer", value_name = "NAME")]
    pub writers: Vec<String>,
    /// A lead actor or actress (repeatable; the first three count).
    #[arg(long = "actor", value_name = "NAME")]
    pub actors: Vec<String>,
    /// A production company, as TMDB names it (repeatable).
    #[arg(long = "company", value_name = "NAME")]
    pub companies: Vec<String>,
    /// Budget in US dollars.
    #[arg(long)]
    pub budget: Option<f64>,
    /// A production country, ISO code such as FR (repeatable).
    #[arg(long = "country", value_name = "CODE")]
    pub countries: Vec<String>,
    /// Original language, ISO 639-1 code such as fr.
    #[arg(long)]
    pub language: Option<String>,
    /// A TMDB keyword (repeatable).
    #[arg(long = "keyword", value_name = "WORD")]
    pub keywords: Vec<String>,
    /// IMDb title type [default: movie].
    #[arg(long)]
    pub title_type: Option<String>,
    /// Reasons shown.
    #[arg(long, default_value_t = 5)]
    pub reasons: usize,
    /// Language of the output [default: locale].
    #[arg(long, value_name = "fr|en")]
    pub locale: Option<Language>,
    /// Print the prediction as JSON instead of sentences.
    #[arg(long)]
    pub json: bool,
    /// Use this run folder instead of the latest run with a popularity model.
    #[arg(long, value_name = "DIR")]
    pub run: Option<PathBuf>,
}

impl From<PredictArgs> for jobs::predict::PredictParams {
    fn from(a: PredictArgs) -> Self {
        Self {
            genres: a.genres,
            runtime: a.runtime,
            year: a.year,
            directors: a.directors,
            writers: a.writers,
            actors: a.actors,
            companies: a.companies,
            budget: a.budget,
            countries: a.countries,
            language: a.language,
            keywords: a.keywords,
            title_type: a.title_type,
            reasons: a.reasons,
            locale: a.locale,
            json: a.json,
            run: a.run,
        }
    }
}

#[derive(Debug, Default, Args)]
pub struct PublishArgs {
    /// Publish this run (its folder name under <data-dir>/models) instead of the latest successful one;
    /// naming an older, already published run makes it active again.
    #[arg(long, value_name = "RUN_ID")]
    pub run: Option<String>,
    /// When no model run exists yet, still load films and people from the lake (the demo before training).
    #[arg(long)]
    pub allow_no_run: bool,
    /// Say what would be published, change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

impl From<PublishArgs> for jobs::publish::PublishParams {
    fn from(a: PublishArgs) -> Self {
        Self { run: a.run, allow_no_run: a.allow_no_run, dry_run: a.dry_run }
    }
}

#[derive(Debug, Default, Args)]
pub struct RecommendArgs {
    /// A film title (French or original, accents optional), with "(year)" to choose between homonyms.
    #[arg(value_name = "TITLE", required_unless_present = "likes", conflicts_with = "likes")]
    pub title: Option<String>,
    /// Several liked films separated by ";": "Amélie; Le Parrain; Dune (2021)".
    #[arg(long, value_name = "TITLES")]
    pub likes: Option<String>,
    /// Number of films [default: recommend.picks].
    #[arg(long)]
    pub n: Option<usize>,
    /// Films never to propose, separated by ";".
    #[arg(long, value_name = "TITLES")]
    pub exclude: Option<String>,
    /// Only propose films of this programme: a file with one title or IMDb id per line, or titles separated by ";".
    #[arg(long, value_name = "FILE|TITLES")]
    pub candidates: Option<String>,
    /// Language of the output [default: locale].
    #[arg(long, value_name = "fr|en")]
    pub locale: Option<Language>,
    /// Use this run folder instead of the latest complete run in <data-dir>/models.
    #[arg(long, value_name = "DIR")]
    pub run: Option<PathBuf>,
}

impl From<RecommendArgs> for jobs::recommend::RecommendParams {
    fn from(a: RecommendArgs) -> Self {
        Self {
            title: a.title,
            likes: a.likes,
            n: a.n,
            exclude: a.exclude,
            candidates: a.candidates,
            locale: a.locale,
            run: a.run,
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// A summary for people.
    #[default]
    Text,
    /// Prometheus text exposition format, for a node-exporter textfile collector or a scrape proxy.
    Prometheus,
}

impl From<StatusFormat> for jobs::status::StatusFormat {
    fn from(a: StatusFormat) -> Self {
        match a {
            StatusFormat::Text => Self::Text,
            StatusFormat::Prometheus => Self::Prometheus,
        }
    }
}

#[derive(Debug, Default, Args)]
pub struct StatusArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: StatusFormat,
}

impl From<StatusArgs> for jobs::status::StatusParams {
    fn from(a: StatusArgs) -> Self {
        Self { format: a.format.into() }
    }
}

#[derive(Debug, Default, Args)]
pub struct SuggestArgs {
    #[arg(long)]
    pub age: i32,
    /// F or M (MovieLens records only these two).
    #[arg(long)]
    pub gender: String,
    /// A MovieLens occupation (artist, engineer, student, …).
    #[arg(long)]
    pub occupation: String,
    /// Films proposed.
    #[arg(long, default_value_t = 10)]
    pub n: usize,
    /// Language of the output [default: locale].
    #[arg(long, value_name = "fr|en")]
    pub locale: Option<Language>,
    /// Use this run folder instead of the latest run with an audience model.
    #[arg(long, value_name = "DIR")]
    pub run: Option<PathBuf>,
}

impl From<SuggestArgs> for jobs::suggest::SuggestParams {
    fn from(a: SuggestArgs) -> Self {
        Self { age: a.age, gender: a.gender, occupation: a.occupation, n: a.n, locale: a.locale, run: a.run }
    }
}

#[derive(Debug, Default, Args)]
pub struct TrainArgs {
    /// Say what would be trained and where, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Only these models (recommender, popularity, audience; repeatable); all by default.
    #[arg(long, value_name = "KIND")]
    pub only: Vec<String>,
}

impl From<TrainArgs> for jobs::train::TrainParams {
    fn from(a: TrainArgs) -> Self {
        Self { dry_run: a.dry_run, only: a.only }
    }
}
#[derive(Debug, Default, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on [default: serve.addr]; port 0 picks a free port (printed at start).
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<std::net::SocketAddr>,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Only these sources (names from the configuration); all by default.
    #[arg(value_name = "SOURCE")]
    pub only: Vec<String>,
    /// Download again even when the file is already there and verified.
    #[arg(long)]
    pub force: bool,
    /// Say what would be downloaded, download nothing.
    #[arg(long)]
    pub dry_run: bool,
}
