//! The recommend job: films like one title, or for a profile of liked titles, from the latest complete run,
//! each with a short reason, in French by default.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use cinepicks_pipeline::recommend::artefacts::{self, Pick, StoredRecommender};
use cinepicks_pipeline::recommend::reasons::{self, Language};
use cinepicks_pipeline::recommend::title_search::SearchOutcome;

use crate::config::Locale;
use crate::context::{Context, Metrics};

#[derive(Debug, Default, clap::Args)]
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
    #[arg(long, value_enum)]
    pub locale: Option<Locale>,
    /// Use this run folder instead of the latest complete run in <data-dir>/models.
    #[arg(long, value_name = "DIR")]
    pub run: Option<PathBuf>,
}

/// Turns a title (or an IMDb id) into a film, or fails with "did you mean" suggestions.
fn resolve(model: &StoredRecommender, query: &str, fr: bool) -> Result<u32> {
    let query = query.trim();
    if let Some(item) = model.item_of(query) {
        return Ok(item);
    }
    match model.search(query) {
        SearchOutcome::Found { best, same_title } => {
            if !same_title.is_empty() {
                let others: Vec<String> = same_title.iter().take(3).map(|m| model.film(m.item).label(fr)).collect();
                if fr {
                    eprintln!(
                        "note : « {query} » désigne aussi {} ; précisez l'année, par ex. « Titre (1984) ».",
                        others.join(", ")
                    );
                } else {
                    eprintln!(
                        "note: \"{query}\" also names {}; add the year, e.g. \"Title (1984)\".",
                        others.join(", ")
                    );
                }
            }
            Ok(best.item)
        }
        SearchOutcome::NotFound { suggestions } => {
            let list: Vec<String> = suggestions.iter().map(|m| model.film(m.item).label(fr)).collect();
            match (fr, list.is_empty()) {
                (true, true) => bail!("aucun film ne correspond à « {query} »"),
                (true, false) => {
                    bail!("aucun film ne correspond à « {query} ». Vouliez-vous dire : {} ?", list.join(" ; "))
                }
                (false, true) => bail!("no film matches \"{query}\""),
                (false, false) => bail!("no film matches \"{query}\". Did you mean: {}?", list.join("; ")),
            }
        }
    }
}

fn split_titles(list: &str) -> Vec<&str> {
    list.split(';').map(str::trim).filter(|s| !s.is_empty()).collect()
}

pub fn run(ctx: &Context, args: &RecommendArgs) -> Result<Metrics> {
    let locale = args.locale.unwrap_or(ctx.config.locale);
    let fr = locale == Locale::Fr;
    let language = if fr { Language::Fr } else { Language::En };
    let n = args.n.unwrap_or(ctx.config.recommend.picks);
    anyhow::ensure!(n > 0, "--n must be at least 1");
    let run_dir = match &args.run {
        Some(dir) => dir.clone(),
        None => artefacts::latest_run(&ctx.paths.models)
            .ok_or_else(|| artefacts::ArtefactError::NoRun { dir: ctx.paths.models.clone() })?,
    };
    let loaded = Instant::now();
    let model =
        StoredRecommender::load(&run_dir).with_context(|| format!("loading the run in {}", run_dir.display()))?;
    let load_ms = loaded.elapsed().as_secs_f64() * 1e3;

    let likes: Vec<u32> = match (&args.title, &args.likes) {
        (Some(title), _) => vec![resolve(&model, title, fr)?],
        (None, Some(list)) => {
            let titles = split_titles(list);
            anyhow::ensure!(!titles.is_empty(), "--likes needs at least one title");
            titles.iter().map(|t| resolve(&model, t, fr)).collect::<Result<_>>()?
        }
        (None, None) => bail!("give a title or --likes"),
    };
    let exclude: HashSet<u32> = match &args.exclude {
        Some(list) => split_titles(list).iter().map(|t| resolve(&model, t, fr)).collect::<Result<_>>()?,
        None => HashSet::new(),
    };
    let candidates: Option<HashSet<u32>> = match &args.candidates {
        Some(spec) => {
            let text = if std::path::Path::new(spec).is_file() {
                std::fs::read_to_string(spec)
                    .with_context(|| format!("reading the programme {spec}"))?
                    .replace('\n', ";")
            } else {
                spec.clone()
            };
            Some(split_titles(&text).iter().map(|t| resolve(&model, t, fr)).collect::<Result<_>>()?)
        }
        None => None,
    };

    let lookup = Instant::now();
    let picks = model.for_likes(&likes, n, &exclude, candidates.as_ref());
    let lookup_ms = lookup.elapsed().as_secs_f64() * 1e3;

    let names: Vec<String> = likes.iter().map(|&i| model.film(i).label(fr)).collect();
    match (fr, likes.len()) {
        (true, 1) => println!("Films proches de « {} » :", names[0]),
        (true, _) => {
            println!("Pour qui a aimé {} :", names.iter().map(|n| format!("« {n} »")).collect::<Vec<_>>().join(", "))
        }
        (false, 1) => println!("Films like \"{}\":", names[0]),
        (false, _) => println!(
            "For someone who liked {}:",
            names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
        ),
    }
    print_picks(&model, &picks, language);
    if picks.len() < n {
        if fr {
            println!("({} film(s) seulement : tous les autres sont exclus ou hors programme.)", picks.len());
        } else {
            println!("(only {} film(s): every other film is excluded or outside the programme.)", picks.len());
        }
    }
    let mut metrics = Metrics::default();
    metrics.insert("run", run_dir.display().to_string());
    metrics.insert("picks", picks.len());
    metrics.insert("load_ms", load_ms);
    metrics.insert("lookup_ms", lookup_ms);
    metrics.insert("films", picks.iter().map(|p| model.film(p.item).film_id.clone()).collect::<Vec<_>>());
    Ok(metrics)
}

/// One line per pick: rank, title (year), reason.
pub fn print_picks(model: &StoredRecommender, picks: &[Pick], language: Language) {
    let fr = language == Language::Fr;
    for (rank, p) in picks.iter().enumerate() {
        let title_of = |id: &str| model.item_of(id).map(|i| model.film(i).label(fr));
        let reason = reasons::render(p.reason.kind, p.reason.detail.as_deref(), language, title_of);
        println!("  {}. {} — {}  [{}]", rank + 1, model.film(p.item).label(fr), reason, model.film(p.item).film_id);
    }
}
