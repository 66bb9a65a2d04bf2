//! The analysis report: one self-contained HTML page (inline CSS and SVG, nothing fetched when opened)
//! with a chart per question, a reading of each chart computed from the marts, and key figures.
//! French by default, English on request.

mod drivers;
mod sections;
pub mod svg;

use cinepicks_domain::{Language, identity};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use polars::prelude::*;

use crate::analyze::{AnalyzeParams, Mart};

/// What the report is made from.
pub struct ReportInput<'a> {
    /// The computed marts, in registry order.
    pub marts: Vec<(&'static Mart, &'a DataFrame)>,
    /// Lake tables present (the others are reported as absent).
    pub lake_tables: Vec<&'static str>,
    /// When the report was made, in the cinema's timezone (the pipeline reads no clock).
    pub generated_at: String,
    pub params: AnalyzeParams,
    /// Figures of the latest trained popularity model, for the section on what drives popularity.
    pub popularity: Option<crate::popularity::training::PopularityMetrics>,
}

impl ReportInput<'_> {
    fn mart(&self, name: &str) -> Option<&DataFrame> {
        self.marts.iter().find(|(m, _)| m.name == name).map(|(_, f)| *f)
    }
}

/// One chart, also written as its own file.
pub struct Chart {
    /// File stem (`countries`, `genres_money-roi`…).
    pub name: String,
    pub svg: String,
}

/// The rendered report.
pub struct Rendered {
    pub html: String,
    pub charts: Vec<Chart>,
    /// Notes about missing inputs, also printed by the job.
    pub notes: Vec<String>,
}

/// One section of the report: a question, its chart(s), its reading and notes.
pub(crate) struct Section {
    pub mart: &'static str,
    pub title: String,
    pub question: String,
    /// Sentences computed from the data (plain text, escaped when rendered).
    pub reading: Vec<String>,
    pub charts: Vec<Chart>,
    /// A small table: header and rows (plain text).
    pub table: Option<(Vec<String>, Vec<Vec<String>>)>,
    pub notes: Vec<String>,
    /// How the figures are computed, in one or two sentences.
    pub method: String,
}

/// A key figure for the summary grid.
pub(crate) struct KeyFigure {
    pub label: String,
    pub value: String,
    pub detail: String,
}

/// Renders the report in `lang`.
pub fn render(input: &ReportInput, lang: Language) -> Rendered {
    let mut sections = sections::all(input, lang);
    if let Some(section) = input.popularity.as_ref().and_then(|m| drivers::section(m, lang)) {
        sections.push(section);
    }
    let figures = sections::key_figures(input, lang);
    let mut notes = Vec::new();
    for (mart, _) in &input.marts {
        let missing: Vec<&str> = mart.inputs.iter().copied().filter(|t| !input.lake_tables.contains(t)).collect();
        if !missing.is_empty() {
            notes.push(format!(
                "{}: {} {}",
                mart.name,
                lang.pick("tables absentes du lac :", "lake tables absent:"),
                missing.join(", ")
            ));
        }
    }
    let html = page(input, lang, &sections, &figures);
    let charts = sections.into_iter().flat_map(|s| s.charts).collect();
    Rendered { html, charts, notes }
}

/// The page around the report: fonts, colours, header and footer.
const PAGE_CSS: &str = include_str!("report/page.css");

/// The report's content (key figures, sections, charts, tables): also the stylesheet of the owner's dashboard,
/// which shows the same content inside the site.
pub const CONTENT_CSS: &str = include_str!("report/content.css");

fn page(input: &ReportInput, lang: Language, sections: &[Section], figures: &[KeyFigure]) -> String {
    let title = lang.pick("Cinepicks — ce que disent les données du cinéma", "Cinepicks — what the film data says");
    let produced = format!(
        "{} {} · {} {}",
        lang.pick("Établi le", "Produced on"),
        input.generated_at,
        lang.pick("sources :", "sources:"),
        sources(input, lang)
    );
    let footer = lang.pick(
        "Chaque chiffre vient des tables Parquet de data/marts/, que les analystes peuvent relire dans notebooks/. Données : IMDb (usage non commercial), MovieLens (GroupLens, recherche non commerciale), TMDB.",
        "Every figure comes from the Parquet tables in data/marts/, which analysts can re-read in notebooks/. Data: IMDb (non-commercial use), MovieLens (GroupLens, non-commercial research), TMDB.",
    );
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(identity::css_variables())) (PreEscaped(PAGE_CSS)) (PreEscaped(CONTENT_CSS)) }
            }
            body {
                header { div class="wrap" {
                    div class="reel" { (lang.pick("Rapport d'analyse", "Analysis report")) }
                    h1 { (title) }
                    p { (produced) }
                } }
                main {
                    nav class="toc" { ol {
                        @for s in sections {
                            li { a href={ "#" (s.mart) } { (s.title) } }
                        }
                    } }
                    (content(sections, figures, lang))
                }
                footer { p { (footer) } }
            }
        }
    }
    .into_string()
}

/// The key figures and the sections, without the page around them.
fn content(sections: &[Section], figures: &[KeyFigure], lang: Language) -> Markup {
    html! {
        h2 id="key-figures" { (lang.pick("Chiffres clés", "Key figures")) }
        div class="figures" {
            @for f in figures {
                div class="figure" {
                    div class="label" { (f.label) }
                    div class="value" { (f.value) }
                    div class="detail" { (f.detail) }
                }
            }
        }
        @for (i, s) in sections.iter().enumerate() {
            section class="q" id=(s.mart) {
                h2 { span class="n" { (i + 1) "." } (s.title) }
                p class="question" { (s.question) }
                @if !s.reading.is_empty() {
                    div class="reading" { @for r in &s.reading { p { (r) } } }
                }
                @for c in &s.charts {
                    // The charts are SVG drawn by `svg`, which escapes every text it places.
                    figure data-chart=(c.name) { (PreEscaped(&c.svg)) }
                }
                @if let Some((head, rows)) = &s.table {
                    table {
                        thead { tr {
                            @for (j, col) in head.iter().enumerate() {
                                @let numeric = j > 0
                                    && rows.iter().all(|r| r.get(j).is_some_and(|v| v.is_empty() || looks_numeric(v)));
                                th class=[numeric.then_some("num")] { (col) }
                            }
                        } }
                        tbody {
                            @for r in rows {
                                tr {
                                    @for (j, v) in r.iter().enumerate() {
                                        td class=[(j > 0 && looks_numeric(v)).then_some("num")] { (v) }
                                    }
                                }
                            }
                        }
                    }
                }
                @for n in &s.notes {
                    p class="note" { (n) }
                }
                p class="method" { (s.method) }
            }
        }
    }
}

/// The report's content (key figures, then each question with its reading, charts and table), for the owner's
/// dashboard of the web site; styled by [`CONTENT_CSS`].
pub fn dashboard(input: &ReportInput, lang: Language) -> String {
    let mut sections = sections::all(input, lang);
    if let Some(section) = input.popularity.as_ref().and_then(|m| drivers::section(m, lang)) {
        sections.push(section);
    }
    content(&sections, &sections::key_figures(input, lang), lang).into_string()
}

fn looks_numeric(v: &str) -> bool {
    let t = v.trim_start_matches(['+', '−', '-', '×']);
    t.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn sources(input: &ReportInput, lang: Language) -> String {
    let has = |t: &str| input.lake_tables.contains(&t);
    let mut parts = Vec::new();
    if has("titles") {
        parts.push("IMDb");
    }
    if has("ml_ratings") {
        parts.push("MovieLens");
    }
    if has("tmdb_movies") {
        parts.push("TMDB");
    }
    if parts.is_empty() { lang.pick("aucune", "none").to_owned() } else { parts.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{AnalyzeParams, LakeFrames, MARTS};

    fn render_lake(lake: &LakeFrames, tables: Vec<&'static str>, lang: Language) -> Rendered {
        let frames: Vec<DataFrame> =
            MARTS.iter().map(|m| m.compute(lake, &AnalyzeParams::default()).unwrap()).collect();
        let input = ReportInput {
            marts: MARTS.iter().zip(&frames).collect(),
            lake_tables: tables,
            generated_at: "2026-01-01 10:00".into(),
            params: AnalyzeParams::default(),
            popularity: None,
        };
        render(&input, lang)
    }

    #[test]
    fn an_empty_lake_gives_every_section_saying_there_is_no_data() {
        let out = render_lake(&LakeFrames::default(), vec![], Language::Fr);
        assert!(out.html.contains("<html lang=\"fr\">"));
        // In the cinema's identity, as the site and the e-mails.
        assert!(out.html.contains(&identity::css_variables()), "{}", out.html);
        assert_eq!(out.html.matches("<section class=\"q\"").count(), MARTS.len());
        assert_eq!(out.html.matches("Pas de données pour cette question").count(), MARTS.len());
        assert!(out.charts.is_empty());
        assert_eq!(out.notes.len(), MARTS.len(), "every mart names its absent tables");
    }

    #[test]
    fn readings_quote_the_marts_figures_in_the_chosen_language() {
        let titles = df!(
            "title_id" => ["tt1", "tt2", "tt3"],
            "title_type" => ["movie", "movie", "movie"],
            "start_year" => [1990i32, 1991, 2001],
            "runtime_minutes" => [90i32, 100, 110],
            "genres" => [Series::new("".into(), ["Drama"]), Series::new("".into(), ["Comedy"]), Series::new("".into(), ["Drama"])],
        )
        .unwrap()
        .lazy();
        let lake = LakeFrames { titles: Some(titles), ..Default::default() };
        let fr = render_lake(&lake, vec!["titles"], Language::Fr);
        // Three films: mean 100, median 100.
        assert!(fr.html.contains("Sur 3 films : durée moyenne 100,0 min, médiane 100 min."), "{}", fr.html);
        assert!(fr.charts.iter().any(|c| c.name == "runtime"));
        let en = render_lake(&lake, vec!["titles"], Language::En);
        assert!(en.html.contains("<html lang=\"en\">"));
        assert!(en.html.contains("Over 3 films: mean runtime 100.0 min, median 100 min."), "{}", en.html);
    }

    #[test]
    fn numbers_follow_french_and_english_conventions() {
        assert_eq!(Language::Fr.num(12345.678, 1), "12\u{202f}345,7");
        assert_eq!(Language::En.num(12345.678, 1), "12,345.7");
        assert_eq!(Language::Fr.pct(0.1234, 1), "12,3\u{a0}%");
        assert_eq!(Language::En.pct(0.5, 0), "50%");
        assert_eq!(Language::Fr.signed(-1.26, 1), "−1,3");
        assert_eq!(Language::En.signed(0.04, 1), "0.0");
        assert_eq!(Language::En.int(999), "999");
    }
}
