//! The customers commands: import a CSV file (all or nothing, bad rows reported by line), add, list, like,
//! unsubscribe, and for a person's rights export what is held about them and erase them (store and outboxes).

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use cinepicks_domain::{Channel, Email, PhoneNumber};
use cinepicks_store::queries::customers::{ImportSummary, NewCustomer};
use cinepicks_store::queries::film_lookup::FilmLookup;
use cinepicks_store::queries::privacy::Erased;

use crate::context::{Context, Metrics, Report};
use cinepicks_domain::Language;

/// What `cinepicks customers …` asks.
#[derive(Debug, Clone)]
pub enum CustomersCommand {
    /// Import customers from a CSV file with the header name,email,phone,locale,likes,consent (see docs/commands.md);
    /// any bad row stops the import, and nothing is imported.
    Import {
        file: PathBuf,
        /// Check the file and report, import nothing.
        dry_run: bool,
    },
    /// Add one customer (or update the one owning the e-mail address or phone number).
    Add {
        name: String,
        email: Option<String>,
        phone: Option<String>,
        /// fr or en [default: the configured locale].
        locale: Option<String>,
        /// Channels the customer agreed to: email, sms, or both (comma-separated).
        consent: Vec<String>,
        /// A liked film, by IMDb id or title with optional "(year)"; repeat for several.
        likes: Vec<String>,
        /// A genre the customer likes (IMDb name: Drama, Comedy…), for picks before any like; repeat for several.
        genres: Vec<String>,
    },
    /// List customers with their subscriptions and likes.
    List,
    /// Record that a customer (id, e-mail or phone) likes films (IMDb ids or titles).
    Like { customer: String, films: Vec<String> },
    /// Stop sending picks to an e-mail address, a phone number, a customer id or an unsubscribe token.
    Unsubscribe { reference: String },
    /// Everything held about a customer (id, e-mail or phone), as JSON.
    Export { reference: String },
    /// Erase a customer (id, e-mail or phone): their store rows and outbox files; deliveries stay, anonymised.
    Erase { reference: String },
}

/// Columns of the import file, in any order (`email` and `phone` may be left empty, not both; `genres` is
/// optional).
pub const IMPORT_COLUMNS: [&str; 7] = ["name", "email", "phone", "locale", "likes", "consent", "genres"];

pub fn run(ctx: &Context, command: &CustomersCommand) -> Result<CustomersReport> {
    crate::store::with_store(ctx, async |store| run_command(ctx, store, command).await)
}

async fn run_command(
    ctx: &Context,
    store: &cinepicks_store::Store,
    command: &CustomersCommand,
) -> Result<CustomersReport> {
    let now = ctx.clock.now();
    Ok(match command {
        CustomersCommand::Import { file, dry_run } => {
            let lookup = store.film_lookup().await?;
            let customers = read_import_file(file, &lookup, ctx.config.locale)?;
            if *dry_run || ctx.dry_run {
                return Ok(CustomersReport::Checked { file: file.clone(), valid: customers.len() });
            }
            let summary = store.import_customers(&customers, now).await?;
            CustomersReport::Imported { file: file.clone(), summary }
        }
        CustomersCommand::Add { name, email, phone, locale, consent, likes, genres } => {
            let lookup = store.film_lookup().await?;
            let (likes, consent) = (likes.join("|"), consent.join(","));
            let genres = genres.join("|");
            let fields = RawCustomer {
                name,
                email: email.as_deref().unwrap_or(""),
                phone: phone.as_deref().unwrap_or(""),
                locale: locale.as_deref().unwrap_or(""),
                likes: &likes,
                consent: &consent,
                genres: &genres,
            };
            let customer = fields
                .validate(&lookup, ctx.config.locale, "cli".to_owned())
                .map_err(|problems| anyhow::anyhow!("{}", problems.join("; ")))?;
            let summary = store.import_customers(std::slice::from_ref(&customer), now).await?;
            CustomersReport::Added { name: customer.name, summary }
        }
        CustomersCommand::List => {
            let customers = store.list_customers().await?;
            let lines = customers
                .into_iter()
                .map(|view| CustomerLine {
                    id: view.customer.id,
                    subscriptions: view
                        .subscriptions
                        .iter()
                        .map(|s| {
                            let state = if s.unsubscribed_at.is_some() { " (unsubscribed)" } else { "" };
                            format!("{} {}{state}", s.channel, s.address)
                        })
                        .collect(),
                    name: view.customer.name,
                    locale: view.customer.locale,
                    likes: view.likes,
                })
                .collect();
            CustomersReport::Listed(lines)
        }
        CustomersCommand::Like { customer, films } => {
            let found = store.find_customer(customer).await?.ok_or_else(|| {
                anyhow::anyhow!("no customer matches {customer:?} (give an id, an e-mail address or a phone number)")
            })?;
            let lookup = store.film_lookup().await?;
            let mut ids = Vec::new();
            for film in films {
                ids.push(lookup.resolve(film)?);
            }
            let mut added = 0;
            for id in &ids {
                added += u64::from(store.add_like(found.id, id, "cli", now).await?);
            }
            CustomersReport::Liked { name: found.name, added, films: ids }
        }
        CustomersCommand::Unsubscribe { reference } => {
            let changed = store.unsubscribe(reference, now).await?;
            CustomersReport::Unsubscribed { reference: reference.clone(), changed }
        }
        CustomersCommand::Export { reference } => {
            let found = find(store, reference).await?;
            let record = store.export_customer(found.id).await?.unwrap_or_default();
            CustomersReport::Exported(record)
        }
        CustomersCommand::Erase { reference } => {
            let found = find(store, reference).await?;
            let erased = erase(ctx, store, found.id).await?;
            CustomersReport::Erased { reference: reference.clone(), erased }
        }
    })
}

async fn find(store: &cinepicks_store::Store, reference: &str) -> Result<cinepicks_store::entities::customer::Model> {
    store.find_customer(reference).await?.ok_or_else(|| {
        anyhow::anyhow!("no customer matches {reference:?} (give an id, an e-mail address or a phone number)")
    })
}

/// What erasing a customer removed, store and outboxes.
#[derive(Debug, Clone, Default)]
pub struct ErasedCustomer {
    pub store: Erased,
    /// Outbox files removed (e-mails to the customer, their confirmation e-mails).
    pub files: usize,
    /// SMS lines removed from the outbox files.
    pub sms_lines: usize,
}

/// Erases a customer from the outboxes, then from the store: every `.eml` written to them (weekly picks are
/// named by customer, confirmations by subscription) and every SMS line sent to one of their numbers go first,
/// so that an erasure stopped half-way can be run again (the store still knows the addresses). Also used by the
/// retention purge of `notify`.
pub async fn erase(ctx: &Context, store: &cinepicks_store::Store, customer_id: i32) -> Result<ErasedCustomer> {
    let addresses = store.addresses_of(customer_id).await?;
    let (files, sms_lines) = forget_in_outboxes(ctx, Some(customer_id), &addresses)?;
    let Some(erased) = store.erase_customer(customer_id).await? else {
        anyhow::bail!("customer {customer_id} no longer exists");
    };
    tracing::info!(customer = customer_id, files, sms_lines, "customer erased");
    Ok(ErasedCustomer { store: erased, files, sms_lines })
}

/// Removes from the outboxes what was written to these addresses (and, with a customer, their weekly picks):
/// returns the files removed and the SMS lines taken out.
pub fn forget_in_outboxes(
    ctx: &Context,
    customer_id: Option<i32>,
    addresses: &[(Channel, String, i32)],
) -> Result<(usize, usize)> {
    let outbox = &ctx.paths.outbox;
    let (mut files_removed, mut sms_lines) = (0, 0);
    let weekly = customer_id.map(|id| format!("{id}.eml"));
    let confirmations: Vec<String> = addresses.iter().map(|(_, _, id)| format!("{id}-")).collect();
    for dir in subfolders(&outbox.join("email")) {
        let confirmations_dir = dir.file_name().is_some_and(|n| n == "confirmations");
        for file in files(&dir) {
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
            let theirs = if confirmations_dir {
                confirmations.iter().any(|prefix| name.starts_with(prefix.as_str()))
            } else {
                weekly.as_ref().is_some_and(|w| *w == name)
            };
            if theirs {
                std::fs::remove_file(&file).with_context(|| format!("removing {}", file.display()))?;
                files_removed += 1;
            }
        }
    }
    let numbers: Vec<&str> =
        addresses.iter().filter(|(c, _, _)| *c == Channel::Sms).map(|(_, a, _)| a.as_str()).collect();
    if !numbers.is_empty() {
        for file in files(&outbox.join("sms")).into_iter().filter(|f| f.extension().is_some_and(|x| x == "jsonl")) {
            sms_lines += crate::notify::outbox::JsonLines::remove_lines(&file, |record| {
                record["to"].as_str().is_some_and(|to| numbers.contains(&to))
            })?;
        }
    }
    Ok((files_removed, sms_lines))
}

fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect()
}

/// What a `customers` command did.
#[derive(Debug)]
pub enum CustomersReport {
    /// A dry run: the file is valid.
    Checked {
        file: PathBuf,
        valid: usize,
    },
    Imported {
        file: PathBuf,
        summary: ImportSummary,
    },
    Added {
        name: String,
        summary: ImportSummary,
    },
    Listed(Vec<CustomerLine>),
    Liked {
        name: String,
        added: u64,
        films: Vec<String>,
    },
    Unsubscribed {
        reference: String,
        changed: u64,
    },
    Exported(serde_json::Value),
    Erased {
        reference: String,
        erased: ErasedCustomer,
    },
}

/// A customer as the listing shows them.
#[derive(Debug, Clone)]
pub struct CustomerLine {
    pub id: i32,
    pub name: String,
    pub locale: Language,
    /// "channel address", with "(unsubscribed)" when stopped.
    pub subscriptions: Vec<String>,
    pub likes: Vec<String>,
}

impl Report for CustomersReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        match self {
            Self::Checked { valid, .. } => metrics.insert("valid_rows", valid),
            Self::Imported { summary, .. } => {
                metrics.insert("created", summary.created);
                metrics.insert("updated", summary.updated);
                metrics.insert("subscriptions", summary.subscriptions);
                metrics.insert("likes", summary.likes);
            }
            Self::Added { summary, .. } => {
                metrics.insert("created", summary.created);
                metrics.insert("updated", summary.updated);
            }
            Self::Listed(lines) => metrics.insert("customers", lines.len()),
            Self::Liked { added, .. } => metrics.insert("likes", added),
            Self::Unsubscribed { changed, .. } => metrics.insert("unsubscribed", changed),
            Self::Exported(record) => metrics.insert("customer", record.clone()),
            Self::Erased { erased, .. } => {
                metrics.insert("customer_id", erased.store.customer_id);
                metrics.insert("subscriptions", erased.store.addresses.len());
                metrics.insert("likes", erased.store.likes);
                metrics.insert("feedback", erased.store.feedback);
                metrics.insert("deliveries_kept_anonymised", erased.store.deliveries_kept);
                metrics.insert("outbox_files", erased.files);
                metrics.insert("outbox_sms_lines", erased.sms_lines);
            }
        }
        metrics
    }
}

impl fmt::Display for CustomersReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Checked { file, valid } => {
                writeln!(f, "{}: {valid} customers, all valid; nothing imported (dry run).", file.display())
            }
            Self::Imported { file, summary } => writeln!(
                f,
                "Imported {}: {} customers created, {} updated, {} subscriptions and {} likes added.",
                file.display(),
                summary.created,
                summary.updated,
                summary.subscriptions,
                summary.likes
            ),
            Self::Added { name, summary } => {
                let verb = if summary.created > 0 { "Added" } else { "Updated" };
                writeln!(
                    f,
                    "{verb} customer {name} ({} subscriptions, {} likes added).",
                    summary.subscriptions, summary.likes
                )
            }
            Self::Listed(lines) => {
                writeln!(f, "{:>4}  {:<24} {:<6} {:<40} likes", "id", "name", "locale", "subscriptions")?;
                for c in lines {
                    let (subscriptions, likes) = (c.subscriptions.join(", "), c.likes.join(" "));
                    writeln!(f, "{:>4}  {:<24} {:<6} {subscriptions:<40} {likes}", c.id, c.name, c.locale)?;
                }
                Ok(())
            }
            Self::Liked { name, added, films } => {
                writeln!(f, "{name} now likes {added} more film(s) ({}).", films.join(", "))
            }
            Self::Unsubscribed { reference, changed: 0 } => writeln!(f, "{reference}: already unsubscribed."),
            Self::Unsubscribed { reference, changed } => {
                writeln!(f, "{reference}: {changed} subscription(s) stopped; no more picks will be sent there.")
            }
            Self::Exported(record) => {
                writeln!(f, "{}", serde_json::to_string_pretty(record).map_err(|_| fmt::Error)?)
            }
            Self::Erased { reference, erased } => writeln!(
                f,
                "{reference}: erased ({} subscription(s), {} like(s), {} feedback event(s), {} outbox file(s), {} SMS \
                 line(s)); {} \
                 delivery record(s) kept for the statistics without name or address.",
                erased.store.addresses.len(),
                erased.store.likes,
                erased.store.feedback,
                erased.files,
                erased.sms_lines,
                erased.store.deliveries_kept
            ),
        }
    }
}

/// Imports a customers file (the demo uses it), exactly as `cinepicks customers import FILE`.
pub fn import(ctx: &Context, file: &Path) -> Result<CustomersReport> {
    run(ctx, &CustomersCommand::Import { file: file.to_path_buf(), dry_run: false })
}

/// Every problem of an import file, one line each ("line 4: invalid e-mail address …").
#[derive(Debug, thiserror::Error)]
#[error("{file}: {} bad row(s), nothing imported; fix them and import again:\n  {}", .problems.len(), .problems.join("\n  "))]
pub struct ImportErrors {
    pub file: String,
    pub problems: Vec<String>,
}

/// Reads and validates a whole import file; any problem anywhere refuses the whole file.
pub fn read_import_file(path: &Path, films: &FilmLookup, default_locale: Language) -> Result<Vec<NewCustomer>> {
    let mut text = String::new();
    std::fs::File::open(path)
        .with_context(|| format!("opening {}", path.display()))?
        .read_to_string(&mut text)
        .with_context(|| format!("{} is not UTF-8 text", path.display()))?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    parse_import(&text, &name, films, default_locale)
        .map_err(|problems| ImportErrors { file: path.display().to_string(), problems }.into())
}

/// Parses import text; `Err` lists every problem with its line number (the header is line 1).
pub fn parse_import(
    text: &str,
    file_name: &str,
    films: &FilmLookup,
    default_locale: Language,
) -> Result<Vec<NewCustomer>, Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => return Err(vec![format!("line 1: unreadable header: {e}")]),
    };
    let mut problems = Vec::new();
    for column in &header {
        if !IMPORT_COLUMNS.contains(&column.as_str()) {
            problems.push(format!("line 1: unknown column {column:?} (expected {})", IMPORT_COLUMNS.join(",")));
        }
    }
    let index: HashMap<&str, usize> = header.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    for required in ["name", "consent"] {
        if !index.contains_key(required) {
            problems.push(format!("line 1: missing column {required:?} (expected {})", IMPORT_COLUMNS.join(",")));
        }
    }
    if !index.contains_key("email") && !index.contains_key("phone") {
        problems.push("line 1: needs an \"email\" or a \"phone\" column".to_owned());
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut customers = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(format!("line {line}: unreadable row: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue; // a blank line
        }
        if record.len() != header.len() {
            problems.push(format!("line {line}: {} fields, but the header has {}", record.len(), header.len()));
            continue;
        }
        let field = |name: &str| index.get(name).map_or("", |&i| &record[i]);
        let raw = RawCustomer {
            name: field("name"),
            email: field("email"),
            phone: field("phone"),
            locale: field("locale"),
            likes: field("likes"),
            consent: field("consent"),
            genres: field("genres"),
        };
        match raw.validate(films, default_locale, format!("import {file_name} line {line}")) {
            Ok(customer) => {
                let addresses =
                    [customer.email.as_ref().map(|e| e.to_string()), customer.phone.as_ref().map(|p| p.to_string())];
                for address in addresses.into_iter().flatten() {
                    if let Some(first) = seen.insert(address.clone(), line) {
                        problems.push(format!("line {line}: {address} is already on line {first}"));
                    }
                }
                customers.push(customer);
            }
            Err(row_problems) => problems.extend(row_problems.into_iter().map(|p| format!("line {line}: {p}"))),
        }
    }
    if problems.is_empty() { Ok(customers) } else { Err(problems) }
}

/// One customer's fields as typed, before validation.
struct RawCustomer<'a> {
    name: &'a str,
    email: &'a str,
    phone: &'a str,
    locale: &'a str,
    likes: &'a str,
    consent: &'a str,
    /// IMDb genre names separated by `|`, `;` or `,`.
    genres: &'a str,
}

impl RawCustomer<'_> {
    /// Parses every field, collecting all problems of the row rather than stopping at the first.
    fn validate(
        &self,
        films: &FilmLookup,
        default_locale: Language,
        source: String,
    ) -> Result<NewCustomer, Vec<String>> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.push("the name is empty".to_owned());
        }
        let email = (!self.email.trim().is_empty())
            .then(|| Email::parse(self.email).map_err(|e| problems.push(e.to_string())).ok())
            .flatten();
        let phone = (!self.phone.trim().is_empty())
            .then(|| PhoneNumber::parse(self.phone).map_err(|e| problems.push(e.to_string())).ok())
            .flatten();
        if self.email.trim().is_empty() && self.phone.trim().is_empty() {
            problems.push("neither an e-mail address nor a phone number".to_owned());
        }
        let locale = match self.locale.trim() {
            "" => default_locale,
            given => given.parse().unwrap_or_else(|_| {
                problems.push(format!("unknown locale {given:?} (fr or en)"));
                default_locale
            }),
        };
        let consent = parse_consent(self.consent, !self.email.trim().is_empty(), !self.phone.trim().is_empty())
            .unwrap_or_else(|p| {
                problems.push(p);
                Vec::new()
            });
        let mut likes = Vec::new();
        for reference in self.likes.split(['|', ';']).map(str::trim).filter(|s| !s.is_empty()) {
            match films.resolve(reference) {
                Ok(id) => likes.push(id),
                Err(e) => problems.push(e.to_string()),
            }
        }
        let mut genres = Vec::new();
        for genre in self.genres.split(['|', ';', ',']).map(str::trim).filter(|s| !s.is_empty()) {
            if genre.chars().all(|c| c.is_alphabetic() || c == '-' || c == ' ') {
                genres.push(genre.to_owned());
            } else {
                problems.push(format!("genres: {genre:?} is not a genre name (Drama, Comedy, Sci-Fi…)"));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NewCustomer { name: name.to_owned(), locale, email, phone, consent, likes, genres, source })
    }
}

/// "email", "sms", "email+sms", "both", "yes" (every channel with an address); consent is required.
fn parse_consent(raw: &str, has_email: bool, has_phone: bool) -> Result<Vec<Channel>, String> {
    let raw = raw.trim().to_ascii_lowercase();
    let channels: Vec<Channel> = match raw.as_str() {
        "" | "no" | "non" | "none" | "false" => {
            return Err(
                "no consent: the cinema may not contact this customer (consent must be email, sms or both)".to_owned()
            );
        }
        "yes" | "oui" | "true" | "both" | "all" => {
            Channel::ALL.into_iter().filter(|c| if *c == Channel::Email { has_email } else { has_phone }).collect()
        }
        list => {
            let mut channels = Vec::new();
            for part in list.split(['+', ',', ';', ' ', '|']).filter(|s| !s.is_empty()) {
                channels.push(part.parse::<Channel>().map_err(|e| format!("consent: {e}"))?);
            }
            channels
        }
    };
    for channel in &channels {
        match channel {
            Channel::Email if !has_email => return Err("consent to e-mail but no e-mail address".to_owned()),
            Channel::Sms if !has_phone => return Err("consent to SMS but no phone number".to_owned()),
            _ => {}
        }
    }
    Ok(channels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn films() -> FilmLookup {
        let mut l = FilmLookup::default();
        l.add("tt0211915", Some(2001), ["Amélie".to_owned()]);
        l.add("tt0133093", Some(1999), ["The Matrix".to_owned()]);
        l
    }

    const HEADER: &str = "name,email,phone,locale,likes,consent\n";

    #[test]
    fn a_valid_file_gives_normalised_customers() {
        let text = format!("{HEADER}Camille Martin,Camille@Example.org,06 00 00 00 01,fr,amelie|tt0133093,email+sms\n");
        let customers = parse_import(&text, "c.csv", &films(), Language::Fr).unwrap();
        let c = &customers[0];
        assert_eq!(c.email.as_ref().unwrap().as_str(), "camille@example.org");
        assert_eq!(c.phone.as_ref().unwrap().as_str(), "+33600000001");
        assert_eq!(c.likes, vec!["tt0211915", "tt0133093"]);
        assert_eq!(c.consent, vec![Channel::Email, Channel::Sms]);
        assert_eq!(c.source, "import c.csv line 2");
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let text = format!(
            "{HEADER}Ok Person,ok@example.org,,fr,,email\nBad Mail,not-an-email,,fr,,email\n\
             Bad Phone,,12,fr,,sms\nUnknown Film,x@example.org,,fr,Nope Movie,email\nShort,a@example.org,,fr\n"
        );
        let problems = parse_import(&text, "c.csv", &films(), Language::Fr).unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with("line 3:") && problems[0].contains("e-mail"), "{problems:#?}");
        assert!(problems[1].starts_with("line 4:") && problems[1].contains("phone"), "{problems:#?}");
        assert!(problems[2].starts_with("line 5:") && problems[2].contains("Nope Movie"), "{problems:#?}");
        assert!(problems[3].starts_with("line 6:") && problems[3].contains("4 fields"), "{problems:#?}");
    }

    #[test]
    fn consent_is_required_and_needs_the_matching_address() {
        assert!(parse_consent("", true, true).is_err());
        assert!(parse_consent("sms", true, false).is_err());
        assert_eq!(parse_consent("yes", true, false).unwrap(), vec![Channel::Email]);
    }

    #[test]
    fn an_address_twice_in_a_file_is_reported_on_the_second_line() {
        let text = format!("{HEADER}A,a@example.org,,fr,,email\nB,A@example.org,,fr,,email\n");
        let problems = parse_import(&text, "c.csv", &films(), Language::Fr).unwrap_err();
        assert_eq!(problems, vec!["line 3: a@example.org is already on line 2"]);
    }
}
