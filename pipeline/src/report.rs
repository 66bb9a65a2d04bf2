//! The analysis report: one self-contained HTML page (inline CSS and SVG, nothing fetched when opened)
//! with a chart per question, a reading of each chart computed from the marts, and key figures.
//! French by default, English on request.

mod drivers;
pub mod names;
mod sections;
pub mod svg;

use std::fmt::Write as _;

use polars::prelude::*;

use crate::analyze::{AnalyzeParams, Mart};
use svg::escape;

/// Language of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Fr => fr,
            Self::En => en,
        }
    }

    pub fn code(self) -> &'static str {
        self.pick("fr", "en")
    }

    /// A number with `decimals` decimals: `12 345,6` in French (narrow no-break spaces), `12,345.6` in English.
    pub fn num(self, value: f64, decimals: usize) -> String {
        if !value.is_finite() {
            return "—".into();
        }
        let text = format!("{:.*}", decimals, value.abs());
        let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
        let (sep, point) = self.pick_pair(("\u{202f}", ","), (",", "."));
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push_str(sep);
            }
            grouped.push(ch);
        }
        let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "−" } else { "" };
        match frac {
            Some(f) => format!("{sign}{grouped}{point}{f}"),
            None => format!("{sign}{grouped}"),
        }
    }

    /// An integer count.
    pub fn int(self, value: i64) -> String {
        self.num(value as f64, 0)
    }

    /// A share as a percentage: `12,3 %` / `12.3%`.
    pub fn pct(self, share: f64, decimals: usize) -> String {
        let n = self.num(share * 100.0, decimals);
        self.pick_pair((format!("{n}\u{a0}%"), ""), (format!("{n}%"), "")).0
    }

    /// A signed number (`+1,2`).
    pub fn signed(self, value: f64, decimals: usize) -> String {
        let n = self.num(value, decimals);
        if value > 0.0 && n.chars().any(|c| c.is_ascii_digit() && c != '0') { format!("+{n}") } else { n }
    }

    fn pick_pair<T>(self, fr: T, en: T) -> T {
        match self {
            Self::Fr => fr,
            Self::En => en,
        }
    }
}

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
pub fn render(input: &ReportInput, lang: Lang) -> Rendered {
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
const PAGE_CSS: &str = r#"
:root{--red:#b3261e;--night:#1f3b5b;--gold:#c9a227;--ink:#1f2328;--muted:#5b6470;--paper:#faf8f3;--card:#fff;--line:#e7e2d6}
*{box-sizing:border-box}
body{margin:0;background:var(--paper);color:var(--ink);font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}
header{background:linear-gradient(135deg,#14263b 0%,var(--night) 60%,#3b1d24 100%);color:#fff;padding:48px 24px 40px}
header .wrap,main,footer{max-width:1040px;margin:0 auto}
header h1{margin:0 0 6px;font-size:2.1rem;letter-spacing:.01em}
header p{margin:0;color:#d9dee7}
header .reel{color:var(--gold);font-weight:600;letter-spacing:.2em;text-transform:uppercase;font-size:.78rem}
main{padding:8px 24px 40px}
footer{padding:10px 24px 40px;color:var(--muted);font-size:.85rem}
@media print{body{background:#fff}header{background:#1f3b5b;-webkit-print-color-adjust:exact;print-color-adjust:exact}section.q{border:none;padding:0}}
"#;

/// The report's content (key figures, sections, charts, tables): also the stylesheet of the owner's dashboard,
/// which shows the same content inside the site.
pub const CONTENT_CSS: &str = r#"
.report{--red:#b3261e;--night:#1f3b5b;--gold:#c9a227;--line:#e7e2d6;--card:#fff}
nav.toc{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:14px 20px;margin:24px 0}
nav.toc ol{margin:0;padding-left:1.2em;columns:2;column-gap:32px}
nav.toc a{color:var(--night);text-decoration:none}
nav.toc a:hover{text-decoration:underline}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:12px;margin:24px 0}
.figure{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--red);border-radius:10px;padding:12px 14px}
.figure .label{color:var(--muted);font-size:.82rem;text-transform:uppercase;letter-spacing:.04em}
.figure .value{font-size:1.35rem;font-weight:650;margin:2px 0}
.figure .detail{color:var(--muted);font-size:.86rem}
section.q{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:22px 26px;margin:22px 0;break-inside:avoid}
section.q h2{margin:0 0 2px;font-size:1.35rem;color:var(--night)}
section.q h2 .n{display:inline-block;min-width:1.8em;color:var(--red)}
section.q .question{margin:0 0 12px;color:var(--muted);font-style:italic}
.reading{border-left:3px solid var(--gold);padding:2px 0 2px 14px;margin:12px 0 16px}
.reading p{margin:.35em 0}
figure{margin:8px 0 4px;overflow-x:auto}
figure svg{max-width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:10px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line)}
th{color:var(--muted);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.note{background:#fff7e6;border:1px solid #f1d9a6;border-radius:8px;padding:8px 12px;color:#6b4e00;font-size:.9rem;margin:8px 0}
.method{color:var(--muted);font-size:.85rem;margin-top:10px}
"#;

fn page(input: &ReportInput, lang: Lang, sections: &[Section], figures: &[KeyFigure]) -> String {
    let mut h = String::with_capacity(256 * 1024);
    let title = lang.pick("Cinepicks — ce que disent les données du cinéma", "Cinepicks — what the film data says");
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{PAGE_CSS}{CONTENT_CSS}</style>\n</head>\n<body>\n",
        lang.code(),
        escape(title)
    );
    let _ = write!(
        h,
        "<header><div class=\"wrap\"><div class=\"reel\">{}</div><h1>{}</h1><p>{}</p></div></header>\n<main>\n",
        escape(lang.pick("Rapport d'analyse", "Analysis report")),
        escape(title),
        escape(&format!(
            "{} {} · {} {}",
            lang.pick("Établi le", "Produced on"),
            input.generated_at,
            lang.pick("sources :", "sources:"),
            sources(input, lang)
        )),
    );
    h.push_str("<nav class=\"toc\"><ol>");
    for s in sections {
        let _ = write!(h, "<li><a href=\"#{}\">{}</a></li>", s.mart, escape(&s.title));
    }
    h.push_str("</ol></nav>\n");
    h.push_str(&content(sections, figures, lang));
    let _ = write!(
        h,
        "</main>\n<footer><p>{}</p></footer>\n</body>\n</html>\n",
        escape(lang.pick(
            "Chaque chiffre vient des tables Parquet de data/marts/, que les analystes peuvent relire dans notebooks/. Données : IMDb (usage non commercial), MovieLens (GroupLens, recherche non commerciale), TMDB.",
            "Every figure comes from the Parquet tables in data/marts/, which analysts can re-read in notebooks/. Data: IMDb (non-commercial use), MovieLens (GroupLens, non-commercial research), TMDB.",
        ))
    );
    h
}

/// The key figures and the sections, without the page around them.
fn content(sections: &[Section], figures: &[KeyFigure], lang: Lang) -> String {
    let mut h = String::with_capacity(128 * 1024);
    let _ = write!(
        h,
        "<h2 id=\"key-figures\">{}</h2>\n<div class=\"figures\">",
        escape(lang.pick("Chiffres clés", "Key figures"))
    );
    for f in figures {
        let _ = write!(
            h,
            "<div class=\"figure\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"detail\">{}</div></div>",
            escape(&f.label),
            escape(&f.value),
            escape(&f.detail)
        );
    }
    h.push_str("</div>\n");
    for (i, s) in sections.iter().enumerate() {
        let _ = write!(
            h,
            "<section class=\"q\" id=\"{}\">\n<h2><span class=\"n\">{}.</span>{}</h2>\n<p class=\"question\">{}</p>\n",
            s.mart,
            i + 1,
            escape(&s.title),
            escape(&s.question)
        );
        if !s.reading.is_empty() {
            h.push_str("<div class=\"reading\">");
            for r in &s.reading {
                let _ = write!(h, "<p>{}</p>", escape(r));
            }
            h.push_str("</div>\n");
        }
        for c in &s.charts {
            let _ = writeln!(h, "<figure data-chart=\"{}\">{}</figure>", escape(&c.name), c.svg);
        }
        if let Some((head, rows)) = &s.table {
            h.push_str("<table><thead><tr>");
            for (j, col) in head.iter().enumerate() {
                let class = if j > 0 && rows.iter().all(|r| r.get(j).is_some_and(|v| v.is_empty() || looks_numeric(v)))
                {
                    " class=\"num\""
                } else {
                    ""
                };
                let _ = write!(h, "<th{class}>{}</th>", escape(col));
            }
            h.push_str("</tr></thead><tbody>");
            for r in rows {
                h.push_str("<tr>");
                for (j, v) in r.iter().enumerate() {
                    let class = if j > 0 && looks_numeric(v) { " class=\"num\"" } else { "" };
                    let _ = write!(h, "<td{class}>{}</td>", escape(v));
                }
                h.push_str("</tr>");
            }
            h.push_str("</tbody></table>\n");
        }
        for n in &s.notes {
            let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(n));
        }
        let _ = write!(h, "<p class=\"method\">{}</p>\n</section>\n", escape(&s.method));
    }
    h
}

/// The report's content (key figures, then each question with its reading, charts and table), for the owner's
/// dashboard of the web site; styled by [`CONTENT_CSS`].
pub fn dashboard(input: &ReportInput, lang: Lang) -> String {
    let mut sections = sections::all(input, lang);
    if let Some(section) = input.popularity.as_ref().and_then(|m| drivers::section(m, lang)) {
        sections.push(section);
    }
    content(&sections, &sections::key_figures(input, lang), lang)
}

fn looks_numeric(v: &str) -> bool {
    let t = v.trim_start_matches(['+', '−', '-', '×']);
    t.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn sources(input: &ReportInput, lang: Lang) -> String {
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

    fn render_lake(lake: &LakeFrames, tables: Vec<&'static str>, lang: Lang) -> Rendered {
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
        let out = render_lake(&LakeFrames::default(), vec![], Lang::Fr);
        assert!(out.html.contains("<html lang=\"fr\">"));
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
        let fr = render_lake(&lake, vec!["titles"], Lang::Fr);
        // Three films: mean 100, median 100.
        assert!(fr.html.contains("Sur 3 films : durée moyenne 100,0 min, médiane 100 min."), "{}", fr.html);
        assert!(fr.charts.iter().any(|c| c.name == "runtime"));
        let en = render_lake(&lake, vec!["titles"], Lang::En);
        assert!(en.html.contains("<html lang=\"en\">"));
        assert!(en.html.contains("Over 3 films: mean runtime 100.0 min, median 100 min."), "{}", en.html);
    }

    #[test]
    fn numbers_follow_french_and_english_conventions() {
        assert_eq!(Lang::Fr.num(12345.678, 1), "12\u{202f}345,7");
        assert_eq!(Lang::En.num(12345.678, 1), "12,345.7");
        assert_eq!(Lang::Fr.pct(0.1234, 1), "12,3\u{a0}%");
        assert_eq!(Lang::En.pct(0.5, 0), "50%");
        assert_eq!(Lang::Fr.signed(-1.26, 1), "−1,3");
        assert_eq!(Lang::En.signed(0.04, 1), "0.0");
        assert_eq!(Lang::En.int(999), "999");
    }
}
