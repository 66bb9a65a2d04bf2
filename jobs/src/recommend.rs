//! The recommend job: films like one title, or for a profile of liked titles, from the latest complete run,
//! each with a short reason, in French by default.

use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use cinepicks_pipeline::recommend::artefacts::{self, StoredRecommender};
use cinepicks_pipeline::recommend::reasons;
use cinepicks_pipeline::recommend::title_search::{SearchOutcome, split_year};

use crate::context::{Context, Metrics, Report};
use crate::storage::{self, Area};
use cinepicks_domain::Language;

#[derive(Debug, Clone, Default)]
pub struct RecommendParams {
    /// A film title (French or original, accents optional), with "(year)" to choose between homonyms.
    pub title: Option<String>,
    /// Several liked films separated by ";": "Amélie; Le Parrain; Dune (2021)".
    pub likes: Option<String>,
    /// Number of films [default: recommend.picks].
    pub n: Option<usize>,
    /// Films never to propose, separated by ";".
    pub exclude: Option<String>,
    /// Only propose films of this programme: a file with one title or IMDb id per line, or titles separated by ";".
    pub candidates: Option<String>,
    /// Language of the output [default: locale].
    pub locale: Option<Language>,
    /// Use this run folder instead of the latest complete run in <data-dir>/models.
    pub run: Option<PathBuf>,
}

/// Turns a title (or an IMDb id) into a film, or fails with "did you mean" suggestions.
fn resolve(model: &StoredRecommender, query: &str, language: Language, notes: &mut Vec<String>) -> Result<u32> {
    let query = query.trim();
    let fr = language == Language::Fr;
    if let Some(item) = model.item_of(query) {
        return Ok(item);
    }
    match model.search(query) {
        SearchOutcome::Found { best, same_title } => {
            // Homonyms are worth a note only when the year, which would have told them apart, was not given.
            if !same_title.is_empty() && split_year(query).1.is_none() {
                let others: Vec<String> =
                    same_title.iter().take(3).map(|m| model.film(m.item).label(language)).collect();
                notes.push(if fr {
                    format!(
                        "note : « {query} » désigne aussi {} ; précisez l'année, par ex. « Titre (1984) ».",
                        others.join(", ")
                    )
                } else {
                    format!("note: \"{query}\" also names {}; add the year, e.g. \"Title (1984)\".", others.join(", "))
                });
            }
            Ok(best.item)
        }
        SearchOutcome::NotFound { suggestions } => {
            let list: Vec<String> = suggestions.iter().map(|m| model.film(m.item).label(language)).collect();
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

pub fn run(ctx: &Context, args: &RecommendParams) -> Result<RecommendReport> {
    storage::with_areas(ctx, &[Area::Models], &[], |ctx| recommend(ctx, args))
}

fn recommend(ctx: &Context, args: &RecommendParams) -> Result<RecommendReport> {
    let language = args.locale.unwrap_or(ctx.config.locale);
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

    let mut notes = Vec::new();
    let likes: Vec<u32> = match (&args.title, &args.likes) {
        (Some(title), _) => vec![resolve(&model, title, language, &mut notes)?],
        (None, Some(list)) => {
            let titles = split_titles(list);
            anyhow::ensure!(!titles.is_empty(), "--likes needs at least one title");
            titles.iter().map(|t| resolve(&model, t, language, &mut notes)).collect::<Result<_>>()?
        }
        (None, None) => bail!("give a title or --likes"),
    };
    let exclude: HashSet<u32> = match &args.exclude {
        Some(list) => {
            split_titles(list).iter().map(|t| resolve(&model, t, language, &mut notes)).collect::<Result<_>>()?
        }
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
            Some(split_titles(&text).iter().map(|t| resolve(&model, t, language, &mut notes)).collect::<Result<_>>()?)
        }
        None => None,
    };

    let lookup = Instant::now();
    let picks = model.for_likes(&likes, n, &exclude, candidates.as_ref());
    let lookup_ms = lookup.elapsed().as_secs_f64() * 1e3;

    let title_of = |id: &str| model.item_of(id).map(|i| model.film(i).label(language));
    let shown = picks
        .iter()
        .map(|p| ShownPick {
            title: model.film(p.item).label(language),
            film_id: model.film(p.item).film_id.clone(),
            reason: reasons::render(p.reason.kind, p.reason.detail.as_deref(), language, title_of),
        })
        .collect();
    Ok(RecommendReport {
        liked: likes.iter().map(|&i| model.film(i).label(language)).collect(),
        picks: shown,
        asked: n,
        language,
        notes,
        run: run_dir,
        load_ms,
        lookup_ms,
    })
}

/// Films for a title or a profile, each with its reason.
#[derive(Debug)]
pub struct RecommendReport {
    /// The liked films, as "Title (year)".
    pub liked: Vec<String>,
    pub picks: Vec<ShownPick>,
    /// How many were asked for (fewer means the others were excluded or outside the programme).
    pub asked: usize,
    pub language: Language,
    pub notes: Vec<String>,
    pub run: PathBuf,
    pub load_ms: f64,
    pub lookup_ms: f64,
}

/// One recommended film as people read it (and its IMDb id, for scripts).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShownPick {
    pub title: String,
    pub film_id: String,
    pub reason: String,
}

impl Report for RecommendReport {
    fn metrics(&self) -> Metrics {
        let mut metrics = Metrics::default();
        metrics.insert("run", self.run.display().to_string());
        metrics.insert("picks", self.picks.len());
        metrics.insert("load_ms", self.load_ms);
        metrics.insert("lookup_ms", self.lookup_ms);
        metrics.insert("films", self.picks.iter().map(|p| p.film_id.clone()).collect::<Vec<_>>());
        metrics.insert("picks", &self.picks);
        metrics.insert("liked", &self.liked);
        metrics
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}

impl fmt::Display for RecommendReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = &self.liked;
        let fr = self.language == Language::Fr;
        match (fr, names.len()) {
            (true, 1) => writeln!(f, "Films proches de « {} » :", names[0])?,
            (true, _) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("« {n} »")).collect();
                writeln!(f, "Pour qui a aimé {} :", quoted.join(", "))?
            }
            (false, 1) => writeln!(f, "Films like \"{}\":", names[0])?,
            (false, _) => {
                let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
                writeln!(f, "For someone who liked {}:", quoted.join(", "))?
            }
        }
        for (rank, p) in self.picks.iter().enumerate() {
            // The IMDb id stays in the metrics (structured logs): people read titles.
            writeln!(f, "  {}. {} — {}", rank + 1, p.title, p.reason)?;
        }
        if self.picks.len() < self.asked {
            if fr {
                writeln!(
                    f,
                    "({} film(s) seulement : tous les autres sont exclus ou hors programme.)",
                    self.picks.len()
                )?;
            } else {
                writeln!(
                    f,
                    "(only {} film(s): every other film is excluded or outside the programme.)",
                    self.picks.len()
                )?;
            }
        }
        Ok(())
    }
}
