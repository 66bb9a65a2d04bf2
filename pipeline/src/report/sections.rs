//! The report's sections, one per mart: the chart(s), the reading computed from the mart, a small table,
//! notes on missing inputs, and the key figures of the summary.

use polars::prelude::*;

use super::svg::{self, Bar, Line, PALETTE, Stacked};
use super::{Chart, KeyFigure, Language, ReportInput, Section};
use crate::analyze::{MARTS, actors as ac, ages as ag, audience as au, best_rated as br, countries as co};
use crate::analyze::{genres_money as gm, niches as ni, runtime as rt, series_vs_films as sv};
use cinepicks_domain::names::{country, genre};

// ------------------------------------------------------------------ frame helpers

fn rows(df: &DataFrame, predicate: Expr) -> DataFrame {
    df.clone().lazy().filter(predicate).collect().unwrap_or_else(|_| df.clear())
}

fn sorted(df: &DataFrame, by: &[&str], descending: &[bool]) -> DataFrame {
    let exprs: Vec<Expr> = by.iter().map(|b| col(*b)).collect();
    df.clone()
        .lazy()
        .sort_by_exprs(
            exprs,
            SortMultipleOptions::default().with_order_descending_multi(descending.to_vec()).with_nulls_last(true),
        )
        .collect()
        .unwrap_or_else(|_| df.clone())
}

fn strs(df: &DataFrame, name: &str) -> Vec<String> {
    match df.column(name).and_then(|c| c.cast(&DataType::String)) {
        Ok(c) => c.str().map(|s| s.iter().map(|v| v.unwrap_or_default().to_owned()).collect()).unwrap_or_default(),
        Err(_) => vec![],
    }
}

fn f64s(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    match df.column(name).and_then(|c| c.cast(&DataType::Float64)) {
        Ok(c) => c.f64().map(|s| s.iter().map(|v| v.filter(|x| x.is_finite())).collect()).unwrap_or_default(),
        Err(_) => vec![],
    }
}

fn i64s(df: &DataFrame, name: &str) -> Vec<Option<i64>> {
    match df.column(name).and_then(|c| c.cast(&DataType::Int64)) {
        Ok(c) => c.i64().map(|s| s.iter().collect()).unwrap_or_default(),
        Err(_) => vec![],
    }
}

fn first_f64(df: &DataFrame, name: &str) -> Option<f64> {
    f64s(df, name).into_iter().next().flatten()
}

fn first_i64(df: &DataFrame, name: &str) -> Option<i64> {
    i64s(df, name).into_iter().next().flatten()
}

fn eq(name: &str, value: &str) -> Expr {
    col(name).eq(lit(value.to_owned()))
}

/// "les années 1990" / "the 1990s".
fn decade_name(lang: Language, decade: i64) -> String {
    lang.pick(&format!("les années {decade}"), &format!("the {decade}s")).to_owned()
}

/// "Décennie" column value: "1990s" / "années 1990".
/// "1er"/"3e" in French, "st"/"rd" in English (after a number).
fn ordinal_suffix(lang: Language, n: i64) -> &'static str {
    match lang {
        Language::Fr if n == 1 => "er",
        Language::Fr => "e",
        Language::En if n % 100 / 10 == 1 => "th",
        Language::En => match n % 10 {
            1 => "st",
            2 => "nd",
            3 => "rd",
            _ => "th",
        },
    }
}

/// "1 an" / "3 ans", "1 year" / "3 years".
fn years(lang: Language, n: f64) -> String {
    let v = lang.num(n, 0);
    let one = v == "1" || v == "0";
    format!("{v} {}", if one { lang.pick("an", "year") } else { lang.pick("ans", "years") })
}

fn decade_short(lang: Language, decade: i64) -> String {
    lang.pick(&format!("années {decade}"), &format!("{decade}s")).to_owned()
}

fn empty_section(input: &ReportInput, lang: Language, mart: &'static str) -> Section {
    let m = MARTS.iter().find(|m| m.name == mart).expect("registered mart");
    let missing: Vec<&str> = m.inputs.iter().copied().filter(|t| !input.lake_tables.contains(t)).collect();
    let mut notes = vec![
        lang.pick(
            "Pas de données pour cette question dans le lac actuel.",
            "No data for this question in the current lake.",
        )
        .to_owned(),
    ];
    if !missing.is_empty() {
        notes.push(format!("{} {}", lang.pick("Tables absentes :", "Absent tables:"), missing.join(", ")));
    }
    Section {
        mart,
        title: title(lang, mart),
        question: lang.pick(m.question_fr, m.question_en).to_owned(),
        reading: vec![],
        charts: vec![],
        table: None,
        notes,
        method: String::new(),
    }
}

fn title(lang: Language, mart: &str) -> String {
    let (fr, en) = match mart {
        "countries" => ("Les pays producteurs", "Producing countries"),
        "actors" => ("Les visages les plus présents", "The most present faces"),
        "runtime" => ("La durée des films", "How long films run"),
        "series_vs_films" => ("Séries et cinéma : les mêmes acteurs ?", "Series and films: the same actors?"),
        "ages" => ("L'âge des acteurs", "Actors' age"),
        "best_rated" => ("Les films les mieux notés", "The best-rated films"),
        "genres_money" => ("Les genres : popularité et rentabilité", "Genres: popularity and returns"),
        "audience" => ("Les publics et leurs genres", "Audiences and their genres"),
        "niches" => ("Quelle spécialisation pour le cinéma ?", "Which specialisation for the cinema?"),
        _ => (mart, mart),
    };
    lang.pick(fr, en).to_owned()
}

fn base_section(input: &ReportInput, lang: Language, mart: &'static str) -> Section {
    let mut s = empty_section(input, lang, mart);
    s.notes.clear();
    let m = MARTS.iter().find(|m| m.name == mart).expect("registered mart");
    let missing: Vec<&str> = m.inputs.iter().copied().filter(|t| !input.lake_tables.contains(t)).collect();
    if !missing.is_empty() {
        s.notes.push(format!(
            "{} {}",
            lang.pick(
                "Tables absentes du lac, dont l'analyse se passe avec moins de détail :",
                "Lake tables absent, which the analysis does without, in less detail:",
            ),
            missing.join(", ")
        ));
    }
    s
}

/// Builds the section of one mart from its (non-empty) frame.
type SectionBuilder = fn(&ReportInput, Language, &DataFrame) -> Section;

/// All nine sections, in registry order.
pub(crate) fn all(input: &ReportInput, lang: Language) -> Vec<Section> {
    let builders: [(&str, SectionBuilder); 9] = [
        ("countries", countries),
        ("actors", actors),
        ("runtime", runtime),
        ("series_vs_films", series_vs_films),
        ("ages", ages),
        ("best_rated", best_rated),
        ("genres_money", genres_money),
        ("audience", audience),
        ("niches", niches),
    ];
    builders
        .iter()
        .map(|(name, build)| match input.mart(name) {
            Some(df) if df.height() > 0 => build(input, lang, df),
            _ => empty_section(input, lang, MARTS.iter().find(|m| m.name == *name).expect("registered").name),
        })
        .map(|mut section| {
            // French puts a space before ; and :, English does not.
            if lang == Language::En {
                for r in &mut section.reading {
                    *r = r.replace(" ; ", "; ").replace(" : ", ": ");
                }
            }
            section
        })
        .collect()
}

// ------------------------------------------------------------------ 1. countries

fn countries(input: &ReportInput, lang: Language, df: &DataFrame) -> Section {
    use co::columns as c;
    let mut s = base_section(input, lang, "countries");
    let Some(source) = co::preferred_source(df) else { return s };
    let src = rows(df, eq(c::SOURCE, source));
    let overall = sorted(&rows(&src, col(c::DECADE).is_null()), &[c::RANK, c::COUNTRY], &[false, false]);
    let names = strs(&overall, c::COUNTRY);
    let films = i64s(&overall, c::FILMS);
    let shares = f64s(&overall, c::SHARE);
    let label = if source == co::SOURCE_TMDB {
        lang.pick("des films TMDB", "of TMDB films")
    } else {
        lang.pick("des films IMDb dont l'origine est connue", "of IMDb films of known origin")
    };
    let bars: Vec<Bar> = names
        .iter()
        .zip(&films)
        .zip(&shares)
        .take(12)
        .enumerate()
        .map(|(i, ((n, f), sh))| Bar {
            label: country(n, lang),
            value: f.unwrap_or(0) as f64,
            shown: format!("{} ({})", lang.int(f.unwrap_or(0)), lang.pct(sh.unwrap_or(0.0), 1)),
            color: if n == "FR" {
                PALETTE[2]
            } else if i == 0 {
                PALETTE[0]
            } else {
                PALETTE[1]
            },
        })
        .collect();
    let chart_title =
        lang.pick("Films par pays de production (toutes années)", "Films per producing country (all years)");
    s.charts.push(Chart { name: "countries".into(), svg: svg::hbar(chart_title, &bars) });
    if let (Some(first), Some(Some(n1)), Some(Some(sh1))) = (names.first(), films.first(), shares.first()) {
        let mut text = format!(
            "{} {}, {} {} {} ({} {label})",
            lang.pick("En tête :", "In the lead:"),
            country(first, lang),
            lang.pick("avec", "with"),
            lang.int(*n1),
            lang.pick("films", "films"),
            lang.pct(*sh1, 1),
        );
        let others: Vec<String> = names
            .iter()
            .zip(&films)
            .skip(1)
            .take(2)
            .map(|(n, f)| format!("{} ({})", country(n, lang), lang.int(f.unwrap_or(0))))
            .collect();
        if !others.is_empty() {
            text.push_str(&format!(
                ", {} {}",
                lang.pick("devant", "ahead of"),
                others.join(lang.pick(" et ", " and "))
            ));
        }
        text.push('.');
        s.reading.push(text);
    }
    if let Some(pos) = names.iter().position(|n| n == "FR") {
        s.reading.push(format!(
            "{} {}{} ({} {}, {}).",
            lang.pick("La France est", "France ranks"),
            i64s(&overall, c::RANK)[pos].unwrap_or(0),
            ordinal_suffix(lang, i64s(&overall, c::RANK)[pos].unwrap_or(0)),
            lang.int(films[pos].unwrap_or(0)),
            lang.pick("films", "films"),
            lang.pct(shares[pos].unwrap_or(0.0), 1)
        ));
    }
    // Leaders per decade, for the table and the change over time, each decade from the source that covers more
    // of its films (TMDB lists few films before the 1960s, the akas of IMDb many).
    let per_decade = rows(df, col(c::DECADE).is_not_null());
    let mut bases: Vec<(i64, String, f64)> = Vec::new();
    for ((d, src_name), (n, share)) in i64s(&per_decade, c::DECADE)
        .into_iter()
        .zip(strs(&per_decade, c::SOURCE))
        .zip(i64s(&per_decade, c::FILMS).into_iter().zip(f64s(&per_decade, c::SHARE)))
    {
        if let (Some(d), Some(n), Some(share)) = (d, n, share.filter(|x| *x > 0.0)) {
            let base = n as f64 / share;
            match bases.iter_mut().find(|(bd, bs, _)| *bd == d && *bs == src_name) {
                Some(entry) => entry.2 = entry.2.max(base),
                None => bases.push((d, src_name, base)),
            }
        }
    }
    let mut chosen: Vec<(i64, String)> = Vec::new();
    for (d, src_name, base) in &bases {
        let better = bases
            .iter()
            .any(|(od, os, ob)| od == d && os != src_name && (*ob > *base || (*ob == *base && os == source)));
        if !better {
            chosen.push((*d, src_name.clone()));
        }
    }
    let from_other_source: Vec<i64> =
        chosen.iter().filter(|(_, src_name)| src_name != source).map(|(d, _)| *d).collect();
    let by_decade = match chosen
        .iter()
        .map(|(d, src_name)| col(c::DECADE).eq(lit(*d as i32)).and(eq(c::SOURCE, src_name)))
        .reduce(|a, b| a.or(b))
    {
        Some(keep) => sorted(&rows(&per_decade, keep), &[c::DECADE, c::RANK, c::COUNTRY], &[true, false, false]),
        None => per_decade.clear(),
    };
    if let (Some(first), Some(last)) = (from_other_source.iter().min(), from_other_source.iter().max()) {
        let span = match (lang, first == last) {
            (Language::Fr, true) => format!("Dans les années {first}"),
            (Language::Fr, false) => format!("Des années {first} aux années {last}"),
            (Language::En, true) => format!("In the {first}s"),
            (Language::En, false) => format!("From the {first}s to the {last}s"),
        };
        s.notes.push(format!(
            "{span}, {}",
            lang.pick(
                "TMDB compte trop peu de films : l'origine des films y est lue dans title.akas (la région du titre \
                 original).",
                "TMDB lists too few films: a film's origin is read from title.akas there (the region of its original \
                 title).",
            ),
        ));
    }
    let decades: Vec<i64> = {
        let mut d: Vec<i64> = i64s(&by_decade, c::DECADE).into_iter().flatten().collect();
        d.dedup();
        d
    };
    let mut table = Vec::new();
    for d in decades.iter().take(8) {
        let in_d = rows(&by_decade, col(c::DECADE).eq(lit(*d as i32)));
        let cells: Vec<String> = strs(&in_d, c::COUNTRY)
            .iter()
            .zip(f64s(&in_d, c::SHARE))
            .take(3)
            .map(|(n, sh)| format!("{} ({})", country(n, lang), lang.pct(sh.unwrap_or(0.0), 0)))
            .collect();
        let mut row = vec![decade_short(lang, *d)];
        row.extend(cells);
        row.resize(4, String::new());
        table.push(row);
    }
    // A decade's leader is read only on a base of at least MIN_BASE films (four TMDB films of the 1920s say
    // nothing), with that base, and a tie is said as a tie.
    const MIN_BASE: f64 = 30.0;
    let leaders_of = |d: i64| -> Option<(String, f64)> {
        let in_d = rows(&by_decade, col(c::DECADE).eq(lit(d as i32)));
        let (names, counts, shares) = (strs(&in_d, c::COUNTRY), i64s(&in_d, c::FILMS), f64s(&in_d, c::SHARE));
        let top = counts.first().copied().flatten()?;
        let base = top as f64 / shares.first().copied().flatten().filter(|s| *s > 0.0)?;
        let tied: Vec<String> =
            names.iter().zip(&counts).take_while(|(_, n)| **n == Some(top)).map(|(n, _)| country(n, lang)).collect();
        let shown = match tied.len() {
            1 => tied[0].clone(),
            _ => format!("{} ({})", tied.join(lang.pick(" et ", " and ")), lang.pick("ex aequo", "tied")),
        };
        (base >= MIN_BASE).then_some((shown, base))
    };
    let readable: Vec<(i64, (String, f64))> =
        decades.iter().rev().filter(|d| **d >= 1920).filter_map(|d| leaders_of(*d).map(|l| (*d, l))).collect();
    if let (Some((first, (a, base_a))), Some((last, (b, base_b)))) = (readable.first(), readable.last())
        && first != last
    {
        let on = |base: f64| format!("{} {} {}", lang.pick("sur", "out of"), lang.int(base.round() as i64), "films");
        s.reading.push(
            format!(
                "{} {} ({}) : {} ; {} {} ({}) : {}.",
                lang.pick("Premier producteur dans", "Leading producer in"),
                decade_name(lang, *first),
                on(*base_a),
                a,
                lang.pick("dans", "in"),
                decade_name(lang, *last),
                on(*base_b),
                if a == b { format!("{} {}", lang.pick("toujours", "still"), b) } else { b.clone() }
            )
            .replace(" :", lang.pick(" :", ":")),
        );
    }
    s.table = Some((
        vec![
            lang.pick("Décennie", "Decade").into(),
            lang.pick("1er", "1st").into(),
            lang.pick("2e", "2nd").into(),
            lang.pick("3e", "3rd").into(),
        ],
        table,
    ));
    if source == co::SOURCE_AKAS {
        s.notes.push(
            lang.pick(
                "TMDB est absent : le pays d'un film est la région de son titre original dans title.akas.",
                "TMDB is absent: a film's country is the region of its original title in title.akas.",
            )
            .into(),
        );
    }
    s.method = lang
        .pick(
            "Un film coproduit compte pour chacun de ses pays ; la part est rapportée aux films dont un pays est connu.",
            "A co-produced film counts for each of its countries; shares are over films with a known country.",
        )
        .into();
    s
}

// ------------------------------------------------------------------ 2. actors

/// "Les 20 acteurs les plus présents n'ont pas de nom…": every ranked person of a category is unnamed.
fn none_named(lang: Language, actor: bool, n: usize) -> String {
    match (lang, actor) {
        (Language::Fr, true) => format!(
            "Les {n} acteurs les plus présents n'ont pas de nom dans cet extrait de name.basics : aucun n'est montré."
        ),
        (Language::Fr, false) => format!(
            "Les {n} actrices les plus présentes n'ont pas de nom dans cet extrait de name.basics : aucune n'est montrée."
        ),
        (Language::En, true) => {
            format!("The {n} most present actors have no name in this extract of name.basics: none is shown.")
        }
        (Language::En, false) => {
            format!("The {n} most present actresses have no name in this extract of name.basics: none is shown.")
        }
    }
}

/// "3 acteurs plus présents n'ont pas de nom…": people ranked higher than the first named one, whom the
/// extract of name.basics does not name.
fn unnamed_ahead(lang: Language, actor: bool, n: usize) -> String {
    match (lang, actor, n) {
        (Language::Fr, true, 1) => {
            "Un acteur plus présent n'a pas de nom dans cet extrait de name.basics ; il n'est pas montré.".into()
        }
        (Language::Fr, false, 1) => {
            "Une actrice plus présente n'a pas de nom dans cet extrait de name.basics ; elle n'est pas montrée.".into()
        }
        (Language::Fr, true, n) => format!(
            "{n} acteurs plus présents n'ont pas de nom dans cet extrait de name.basics ; ils ne sont pas montrés."
        ),
        (Language::Fr, false, n) => format!(
            "{n} actrices plus présentes n'ont pas de nom dans cet extrait de name.basics ; elles ne sont pas montrées."
        ),
        (Language::En, true, 1) => {
            "One more present actor has no name in this extract of name.basics and is not shown.".into()
        }
        (Language::En, false, 1) => {
            "One more present actress has no name in this extract of name.basics and is not shown.".into()
        }
        (Language::En, true, n) => {
            format!("{n} more present actors have no name in this extract of name.basics and are not shown.")
        }
        (Language::En, false, n) => {
            format!("{n} more present actresses have no name in this extract of name.basics and are not shown.")
        }
    }
}

fn actors(input: &ReportInput, lang: Language, df: &DataFrame) -> Section {
    use ac::columns as c;
    let mut s = base_section(input, lang, "actors");
    // Real dumps are not closed: principals credit people missing from name.basics. They are never shown by
    // id: rankings skip them, and the reading says how many ranked higher.
    let has_name = col(c::NAME).is_not_null().and(col(c::NAME).neq(lit("")));
    let named = rows(df, has_name.clone());
    let overall_all = rows(df, eq(c::SCOPE, ac::SCOPE_OVERALL));
    let overall = rows(&named, eq(c::SCOPE, ac::SCOPE_OVERALL));
    let person = |r: &DataFrame, i: usize| -> String { strs(r, c::NAME).get(i).cloned().unwrap_or_default() };
    let mut bars = Vec::new();
    for (cat, color) in [(crate::analyze::ACTOR, PALETTE[1]), (crate::analyze::ACTRESS, PALETTE[0])] {
        let r = sorted(&rows(&overall, eq(c::CATEGORY, cat)), &[c::RANK], &[false]);
        let films = i64s(&r, c::FILMS);
        let (first, last) = (i64s(&r, c::FIRST_YEAR), i64s(&r, c::LAST_YEAR));
        for i in 0..r.height().min(8) {
            bars.push(Bar {
                label: format!("{} ({}–{})", person(&r, i), first[i].unwrap_or(0), last[i].unwrap_or(0)),
                value: films[i].unwrap_or(0) as f64,
                shown: format!("{} {}", lang.int(films[i].unwrap_or(0)), lang.pick("films", "films")),
                color,
            });
        }
        if r.height() > 0 {
            let top_rank = first_i64(&r, c::RANK).unwrap_or(1);
            let ahead = rows(
                &overall_all,
                eq(c::CATEGORY, cat).and(col(c::RANK).lt(lit(top_rank))).and(has_name.clone().not()),
            )
            .height();
            let who = match (cat == crate::analyze::ACTOR, ahead > 0) {
                (true, false) => lang.pick("L'acteur le plus présent est", "The most present actor is"),
                (false, false) => lang.pick("L'actrice la plus présente est", "The most present actress is"),
                (true, true) => lang.pick(
                    "Parmi les acteurs dont les données donnent le nom, le plus présent est",
                    "Among the actors whose name the data gives, the most present is",
                ),
                (false, true) => lang.pick(
                    "Parmi les actrices dont les données donnent le nom, la plus présente est",
                    "Among the actresses whose name the data gives, the most present is",
                ),
            };
            s.reading.push(format!(
                "{who} {} : {} {} ({} {} {} {}).",
                person(&r, 0),
                lang.int(films[0].unwrap_or(0)),
                lang.pick("films", "films"),
                lang.pick("en activité de", "active from"),
                first[0].unwrap_or(0),
                lang.pick("à", "to"),
                last[0].unwrap_or(0),
            ));
            if ahead > 0 {
                s.reading.push(unnamed_ahead(lang, cat == crate::analyze::ACTOR, ahead));
            }
        } else {
            let ranked = rows(&overall_all, eq(c::CATEGORY, cat)).height();
            if ranked > 0 {
                s.reading.push(none_named(lang, cat == crate::analyze::ACTOR, ranked));
            }
        }
    }
    let chart_title = lang
        .pick("Acteurs (bleu) et actrices (rouge) les plus présents", "Most present actors (blue) and actresses (red)");
    s.charts.push(Chart { name: "actors".into(), svg: svg::hbar(chart_title, &bars) });
    // The first named person of each key and category (the mart keeps the top few of each).
    let first_named = |scope: &str, key: &str| match col(c::RANK).min().over([col(key), col(c::CATEGORY)]) {
        Ok(first) => rows(&rows(&named, eq(c::SCOPE, scope)), col(c::RANK).eq(first)),
        Err(_) => named.clear(),
    };
    // Leaders per genre: the biggest genres' number ones.
    let genres = sorted(&first_named(ac::SCOPE_GENRE, c::GENRE), &[c::FILMS, c::GENRE], &[true, false]);
    let mut leaders: Vec<(String, Vec<String>)> = Vec::new();
    for i in 0..genres.height() {
        let g = genre(&strs(&genres, c::GENRE)[i], lang);
        if let Some(k) = leaders.iter().position(|(name, _)| *name == g) {
            leaders[k].1.push(person(&genres, i));
        } else if leaders.len() < 4 {
            leaders.push((g, vec![person(&genres, i)]));
        }
    }
    if !leaders.is_empty() {
        let parts: Vec<String> = leaders
            .iter()
            .map(|(g, p)| format!("{g}{} {}", lang.pick(" :", ":"), p.join(lang.pick(" et ", " and "))))
            .collect();
        s.reading.push(format!(
            "{} {}.",
            lang.pick("Les plus présents par genre —", "Most present by genre —"),
            parts.join(" ; ")
        ));
    }
    let decades = sorted(&first_named(ac::SCOPE_DECADE, c::DECADE), &[c::DECADE, c::CATEGORY], &[true, false]);
    let mut table = Vec::new();
    let mut ds: Vec<i64> = i64s(&decades, c::DECADE).into_iter().flatten().collect();
    ds.dedup();
    for d in ds.iter().take(8) {
        let in_d = rows(&decades, col(c::DECADE).eq(lit(*d as i32)));
        let cell = |cat: &str| {
            let r = rows(&in_d, eq(c::CATEGORY, cat));
            if r.height() == 0 {
                String::new()
            } else {
                format!("{} ({})", person(&r, 0), lang.int(first_i64(&r, c::FILMS).unwrap_or(0)))
            }
        };
        table.push(vec![decade_short(lang, *d), cell(crate::analyze::ACTOR), cell(crate::analyze::ACTRESS)]);
    }
    s.table = Some((
        vec![
            lang.pick("Décennie", "Decade").into(),
            lang.pick("Acteur n°1", "No. 1 actor").into(),
            lang.pick("Actrice n°1", "No. 1 actress").into(),
        ],
        table,
    ));
    s.method = lang
        .pick(
            "Nombre de films (cinéma et téléfilms) où la personne est créditée comme acteur ou actrice dans title.principals ; période d'activité = première et dernière année de ces films.",
            "Number of films (cinema and TV films) where the person is credited as actor or actress in title.principals; active period = first and last year of those films.",
        )
        .into();
    s
}

// ------------------------------------------------------------------ 3. runtime

fn runtime(input: &ReportInput, lang: Language, df: &DataFrame) -> Section {
    use rt::columns as c;
    let mut s = base_section(input, lang, "runtime");
    let years = |kind: &str, column: &str, min_titles: i64| -> Vec<(f64, f64)> {
        let r = sorted(
            &rows(df, eq(c::KIND, kind).and(eq(c::SCOPE, rt::SCOPE_YEAR)).and(col(c::TITLES).gt_eq(lit(min_titles)))),
            &[c::PERIOD],
            &[false],
        );
        i64s(&r, c::PERIOD).into_iter().zip(f64s(&r, column)).filter_map(|(x, y)| Some((x? as f64, y?))).collect()
    };
    let film_years = rows(df, eq(c::KIND, rt::KIND_FILM).and(eq(c::SCOPE, rt::SCOPE_YEAR)));
    // Thin years make noisy lines: keep years with enough titles for the data at hand.
    let min_titles =
        if i64s(&film_years, c::TITLES).into_iter().flatten().filter(|n| *n >= 10).count() >= 10 { 10 } else { 1 };
    let series = vec![
        Line {
            name: lang.pick("Films — moyenne", "Films — mean").into(),
            color: PALETTE[0],
            points: years(rt::KIND_FILM, c::MEAN_MINUTES, min_titles),
            dashed: false,
        },
        Line {
            name: lang.pick("Films — médiane", "Films — median").into(),
            color: PALETTE[2],
            points: years(rt::KIND_FILM, c::MEDIAN_MINUTES, min_titles),
            dashed: true,
        },
        Line {
            name: lang.pick("Épisodes — moyenne", "Episodes — mean").into(),
            color: PALETTE[1],
            points: years(rt::KIND_EPISODE, c::MEAN_MINUTES, min_titles),
            dashed: false,
        },
    ];
    let chart_title =
        lang.pick("Durée moyenne et médiane par année (minutes)", "Mean and median runtime per year (minutes)");
    s.charts.push(Chart {
        name: "runtime".into(),
        svg: svg::lines(chart_title, &series, lang.pick("Année", "Year"), lang.pick("Minutes", "Minutes"), &|v| {
            lang.num(v, 0)
        }),
    });
    for (kind, what) in
        [(rt::KIND_FILM, lang.pick("films", "films")), (rt::KIND_EPISODE, lang.pick("épisodes", "episodes"))]
    {
        let all = rows(df, eq(c::KIND, kind).and(eq(c::SCOPE, rt::SCOPE_ALL)));
        let (Some(n), Some(mean), Some(median)) =
            (first_i64(&all, c::TITLES), first_f64(&all, c::MEAN_MINUTES), first_f64(&all, c::MEDIAN_MINUTES))
        else {
            continue;
        };
        let mut text = format!(
            "{} {} {what}{} {} {} min, {} {} min.",
            lang.pick("Sur", "Over"),
            lang.int(n),
            lang.pick(" :", ":"),
            lang.pick("durée moyenne", "mean runtime"),
            lang.num(mean, 1),
            lang.pick("médiane", "median"),
            lang.num(median, 0),
        );
        if let (Some(slope), Some(lo), Some(hi)) =
            (first_f64(&all, c::SLOPE), first_f64(&all, c::SLOPE_LOW), first_f64(&all, c::SLOPE_HIGH))
        {
            let verdict = if lo > 0.0 {
                lang.pick("ils s'allongent", "they are getting longer")
            } else if hi < 0.0 {
                lang.pick("ils raccourcissent", "they are getting shorter")
            } else {
                lang.pick("pas de tendance nette", "no clear trend")
            };
            text.push_str(&format!(
                " {} {} min {} ({} {} {} {}) : {verdict}.",
                lang.pick("Tendance :", "Trend:"),
                lang.signed(slope * 10.0, 2),
                lang.pick("par décennie", "per decade"),
                lang.pick("IC 95 %", "95% CI"),
                lang.signed(lo * 10.0, 2),
                lang.pick("à", "to"),
                lang.signed(hi * 10.0, 2),
            ));
        }
        s.reading.push(text);
    }
    let decades = sorted(&rows(df, eq(c::SCOPE, rt::SCOPE_DECADE)), &[c::PERIOD], &[false]);
    let mut ds: Vec<i64> = i64s(&decades, c::PERIOD).into_iter().flatten().collect();
    ds.dedup();
    let mut table = Vec::new();
    for d in &ds {
        let get = |kind: &str, column: &str| {
            let r = rows(&decades, col(c::PERIOD).eq(lit(*d as i32)).and(eq(c::KIND, kind)));
            first_f64(&r, column).map_or(String::new(), |v| lang.num(v, 0))
        };
        let n =
            first_i64(&rows(&decades, col(c::PERIOD).eq(lit(*d as i32)).and(eq(c::KIND, rt::KIND_FILM))), c::TITLES);
        table.push(vec![
            decade_short(lang, *d),
            n.map_or(String::new(), |n| lang.int(n)),
            get(rt::KIND_FILM, c::MEAN_MINUTES),
            get(rt::KIND_FILM, c::MEDIAN_MINUTES),
            get(rt::KIND_EPISODE, c::MEAN_MINUTES),
        ]);
    }
    s.table = Some((
        vec![
            lang.pick("Décennie", "Decade").into(),
            lang.pick("Films", "Films").into(),
            lang.pick("Moyenne (min)", "Mean (min)").into(),
            lang.pick("Médiane (min)", "Median (min)").into(),
            lang.pick("Épisodes, moyenne", "Episodes, mean").into(),
        ],
        table,
    ));
    s.method = lang
        .pick(
            "Titres avec durée et année connues. Tendance : pente des moindres carrés de la durée sur l'année, sur chaque titre, avec son intervalle de confiance à 95 % (loi de Student).",
            "Titles with a known runtime and year. Trend: least-squares slope of runtime on year over every title, with its 95% confidence interval (Student's t).",
        )
        .into();
    s
}

// ------------------------------------------------------------------ 4. series vs films

fn series_vs_films(input: &ReportInput, lang: Language, df: &DataFrame) -> Section {
    use sv::columns as c;
    let mut s = base_section(input, lang, "series_vs_films");
    // Decades with few actors on one side give meaningless shares: keep those with 30 or more on each.
    let decades = sorted(
        &rows(
            df,
            eq(c::SECTION, sv::SECTION_DECADE)
                .and(col(c::FILM_ACTORS).gt_eq(lit(30i64)))
                .and(col(c::SERIES_ACTORS).gt_eq(lit(30i64))),
        ),
        &[c::DECADE],
        &[false],
    );
    let pts = |column: &str| -> Vec<(f64, f64)> {
        i64s(&decades, c::DECADE)
            .into_iter()
            .zip(f64s(&decades, column))
            .filter_map(|(x, y)| Some((x? as f64, y? * 100.0)))
            .collect()
    };
    let series = vec![
        Line {
            name: lang.pick("Acteurs de cinéma aussi en séries", "Film actors also in series").into(),
            color: PALETTE[0],
            points: pts(c::SHARE_OF_FILM_ACTORS),
            dashed: false,
        },
        Line {
            name: lang.pick("Acteurs de séries aussi au cinéma", "Series actors also in films").into(),
            color: PALETTE[1],
            points: pts(c::SHARE_OF_SERIES_ACTORS),
            dashed: false,
        },
        Line { name: "Jaccard".into(), color: PALETTE[2], points: pts(c::JACCARD), dashed: true },
    ];
    let chart_title =
        lang.pick("Chevauchement cinéma / séries par décennie (%)", "Film / series overlap per decade (%)");
    s.charts.push(Chart {
        name: "series_vs_films".into(),
        svg: svg::lines(chart_title, &series, lang.pick("Décennie", "Decade"), "%", &|v| lang.num(v, 0)),
    });
    let overall = rows(df, eq(c::SECTION, sv::SECTION_OVERALL));
    if let (Some(_), Some(_), Some(0)) =
        (first_i64(&overall, c::BOTH), first_i64(&overall, c::FILM_ACTORS), first_i64(&overall, c::SERIES_ACTORS))
    {
        // An extract without series credits says nothing about who plays in both: said so, not "0 people".
        s.reading.push(
            lang.pick(
                "Les données ne contiennent aucun crédit d'acteur de série : la comparaison entre cinéma et séries est \
                 impossible sur cet extrait.",
                "The data holds no series acting credit: films and series cannot be compared on this extract.",
            )
            .to_owned(),
        );
    } else if let (Some(both), Some(films), Some(series_n)) =
        (first_i64(&overall, c::BOTH), first_i64(&overall, c::FILM_ACTORS), first_i64(&overall, c::SERIES_ACTORS))
    {
        s.reading.push(format!(
            "{} {} {} {} {} {} {} {} {} {} {}.",
            lang.int(both),
            lang.pick(
                "personnes jouent à la fois au cinéma et dans des séries, sur",
                "people act both in films and in series, out of"
            ),
            lang.int(films),
            lang.pick("acteurs de cinéma et", "film actors and"),
            lang.int(series_n),
            lang.pick("acteurs de séries, soit", "series actors, that is"),
            lang.pct(first_f64(&overall, c::SHARE_OF_FILM_ACTORS).unwrap_or(0.0), 1),
            lang.pick("des acteurs de cinéma et", "of film actors and"),
            lang.pct(first_f64(&overall, c::SHARE_OF_SERIES_ACTORS).unwrap_or(0.0), 1),
            lang.pick("des acteurs de séries ; indice de Jaccard", "of series actors; Jaccard index"),
            lang.num(first_f64(&overall, c::JACCARD).unwrap_or(0.0), 3),
        ));
    }
    let jac = pts(c::JACCARD);
    if let (Some(a), Some(b)) = (jac.first(), jac.last())
        && a.0 < b.0
    {
        s.reading.push(format!(
            "{} {} {} {} {} {} {} {}.",
            lang.pick("L'indice de Jaccard passe de", "The Jaccard index goes from"),
            lang.pct(a.1 / 100.0, 1),
            lang.pick("dans", "in"),
            decade_name(lang, a.0 as i64),
            lang.pick("à", "to"),
            lang.pct(b.1 / 100.0, 1),
            lang.pick("dans", "in"),
            decade_name(lang, b.0 as i64),
        ));
    }
    let persons = sorted(&rows(df, eq(c::SECTION, sv::SECTION_PERSON)), &[c::RANK], &[false]);
    let names = strs(&persons, c::NAME);
    let (films, series_counts) = (i64s(&persons, c::FILMS), i64s(&persons, c::SERIES));
    // People missing from name.basics are left out rather than shown by id.
    let table: Vec<Vec<String>> = (0..persons.height())
        .filter(|&i| !names[i].is_empty())
        .take(10)
        .map(|i| vec![names[i].clone(), lang.int(films[i].unwrap_or(0)), lang.int(series_counts[i].unwrap_or(0))])
        .collect();
    if let Some(first) = table.first() {
        s.reading.push(format!(
            "{} {} ({} {}, {} {}).",
            lang.pick("La personne la plus présente des deux côtés est", "The person most present on both sides is"),
            first[0],
            first[1],
            lang.pick("films", "films"),
            first[2],
            lang.pick("séries", "series"),
        ));
    }
    s.table = Some((
        vec![
            lang.pick("Présents des deux côtés", "Present on both sides").into(),
            lang.pick("Films", "Films").into(),
            lang.pick("Séries", "Series").into(),
        ],
        table,
    ));
    s.method = lang
        .pick(
            "Crédits d'acteur ou d'actrice ; un épisode compte pour sa série. Jaccard = personnes des deux côtés / personnes d'au moins un côté.",
            "Actor and actress credits; an episode counts as its series. Jaccard = people on both sides / people on at least one side.",
        )
        .into();
    s
}

// ------------------------------------------------------------------ 5. ages

fn ages(input: &ReportInput, lang: Language, df: &DataFrame) -> Section {
    use ag::columns as c;
    let mut s = base_section(input, lang, "ages");
    let line = |section: &str, cat: &str| -> Vec<(f64, f64)> {
        let r = sorted(
            &rows(
                df,
                eq(c::SECTION, section)
                    .and(eq(c::CATEGORY, cat))
                    .and(col(c::DECADE).is_not_null())
                    .and(col(c::CREDITS).gt_eq(lit(3))),
            ),
            &[c::DECADE],
            &[false],
        );
        i64s(&r, c::DECADE)
            .into_iter()
            .zip(f64s(&r, c::MEDIAN_AGE))
            .filter_map(|(x, y)| Some((x? as f64, y?)))
            .collect()
    };
    let series = vec![
        Line {
            name: lang.pick("Tous les rôles", "All roles").into(),
            color: PALETTE[7],
            points: line(ag::SECTION_DECADE, ag::ALL),
            dashed: true,
        },
        Line {
            name: lang.pick("Premiers rôles — acteurs", "Leads — actors").into(),
            color: PALETTE[1],
            points: line(ag::SECTION_LEAD, crate::analyze::ACTOR),
            dashed: false,
        },
        Line {
            name: lang.pick("Premiers rôles — actrices", "Leads — actresses").into(),
            color: PALETTE[0],
            points: line(ag::SECTION_LEAD, crate::analyze::ACTRESS),
            dashed: false,
        },
    ];
    let chart_title = lang.pick("Âge médian à la sortie du film, par décennie", "Median age at release, per decade");
    s.charts.push(Chart {
        name: "ages".into(),
        svg: svg::lines(
            chart_title,
            &series,
            lang.pick("Décennie", "Decade"),
            lang.pick("Âge (ans)", "Age (years)"),
            &|v| lang.num(v, 0),
        ),
    });
    let overall = rows(df, eq(c::SECTION, ag::SECTION_OVERALL).and(eq(c::CATEGORY, ag::ALL)));
    if let (Some(n), Some(mean), Some(median)) =
        (first_i64(&overall, c::CREDITS), first_f64(&overall, c::MEAN_AGE), first_f64(&overall, c::MEDIAN_AGE))
    {
        s.reading.push(format!(
            "{} {} {} {} {} ({} {} {}).",
            lang.pick("Sur", "Over"),
            lang.int(n),
            lang.pick(
                "rôles dont l'âge est connu, l'âge médian à la sortie est de",
                "roles of known age, the median age at release is"
            ),
            lang.num(median, 0),
            lang.pick("ans", "years"),
            lang.pick("moyenne", "mean"),
            lang.num(mean, 1),
            lang.pick("ans", "years"),
        ));
    }
    let lead = |cat: &str| {
        first_f64(
            &rows(df, eq(c::SECTION, ag::SECTION_LEAD).and(eq(c::CATEGORY, cat)).and(col(c::DECADE).is_null())),
            c::MEDIAN_AGE,
        )
    };
    if let (Some(m), Some(f)) = (lead(crate::analyze::ACTOR), lead(crate::analyze::ACTRESS)) {
        s.reading.push(format!(
            "{} {} {} {} {} ({} {}).",
            lang.pick(
                "Dans les premiers rôles, les actrices ont en médiane",
                "In lead roles, actresses are at the median"
            ),
            lang.num(f, 0),
            lang.pick("ans, contre", "years old, against"),
            lang.num(m, 0),
            lang.pick("ans pour les acteurs", "for actors"),
            lang.pick("écart de", "a gap of"),
            years(lang, (m - f).abs()),
        ));
    }
    let genres =
        sorted(&rows(df, eq(c::SECTION, ag::SECTION_GENRE).and(eq(c::CATEGORY, ag::ALL))), &[c::CREDITS], &[true]);
    let g = strs(&genres, c::GENRE);
    let (n, mean, median) = (i64s(&genres, c::CREDITS), f64s(&genres, c::MEAN_AGE), f64s(&genres, c::MEDIAN_AGE));
    let table: Vec<Vec<String>> = (0..genres.height().min(10))
        .map(|i| {
            vec![
                genre(&g[i], lang),
                lang.int(n[i].unwrap_or(0)),
                lang.num(mean[i].unwrap_or(f64::NAN), 1),
                lang.num(median[i].unwrap_or(f64::NAN), 0),
            ]
        })
        .collect();
    s.table = Some((
        vec![
            lang.pick("Genre", "Genre").into(),
            lang.pick("Rôles", "Roles").into(),
            lang.pick("Âge moyen", "Mean age").into(),
            lang.pick("Âge médian", "Median age").into(),
        ],
        table,
    ));
    s.method = lang
        .pick(
            "Âge = année du film − année de naissance, pour les acteurs et actrices de films ; les personnes sans année de naissance sont écartées. Premier rôle = rang de générique 1 à 3.",
            "Age = film year − birth year, for film actors and actresses; people without a birth year are left out. Lead role = billing position 1 to 3.",
        )
        .into();
    s
}

// ------------------------------------------------------------------ 6. best rated

fn dimension_name(lang: Language, dim: &str) -> &'static str {
    match dim {
        br::DIM_GENRE => lang.pick("Genre", "Genre"),
        br::DIM_DECADE => lang.pick("Décennie", "Decade"),
        br::DIM_RUNTIME => lang.pick("Durée", "Runtime"),
        br::DIM_DIRECTOR => lang.pick("Réalisation", "Director"),
        br::DIM_COUNTRY => lang.pick("Pays", "Country"),
        _ => "",
    }
}

fn value_name(lang: Language, dim: &str, label: &str) -> String {
    match dim {
        br::DIM_GENRE => genre(label, lang),
        br::DIM_COUNTRY => country(label, lang),
        br::DIM_DECADE => decade_short(lang, label.parse().unwrap_or(0)),
        br::DIM_RUNTIME => format!("{label} min"),
        _ => label.to_owned(),
    }
}

fn best_rated(input: &ReportInput, lang: Language, df: &DataFrame) -> Section {
    use br::columns as c;
    let mut s = base_section(input, lang, "best_rated");
    let top = sorted(&rows(df, eq(c::SECTION, br::SECTION_TOP)), &[c::RANK], &[false]);
    let lift = rows(df, eq(c::SECTION, br::SECTION_LIFT));
    // The most over-represented values with some support, across dimensions.
    let min_support = if top.height() >= 20 { 3 } else { 1 };
    let supported =
        sorted(&rows(&lift, col(c::TOP_FILMS).gt_eq(lit(min_support as i64))), &[c::LIFT, c::TOP_FILMS], &[true, true]);
    // The three strongest values of each dimension, so that no dimension (directors) fills the chart.
    let strong = supported
        .clone()
        .lazy()
        .filter(col(c::LIFT).gt(lit(1.0)))
        .with_column(col(c::LABEL).cum_count(false).over([col(c::DIMENSION)]).unwrap_or(lit(1)).alias("nth"))
        .filter(col("nth").lt_eq(lit(3)))
        .collect()
        .unwrap_or_else(|_| supported.clone());
    let strong = sorted(&strong, &[c::LIFT], &[true]);
    let (dims, labels, lifts, counts) =
        (strs(&strong, c::DIMENSION), strs(&strong, c::LABEL), f64s(&strong, c::LIFT), i64s(&strong, c::TOP_FILMS));
    let bars: Vec<Bar> = (0..strong.height().min(15))
        .map(|i| Bar {
            label: format!("{} : {}", dimension_name(lang, &dims[i]), value_name(lang, &dims[i], &labels[i])),
            // Lifts span ×1 to ×100: bar lengths on a log scale keep the small ones readable.
            value: lifts[i].unwrap_or(1.0).max(1.0).ln().max(0.02),
            shown: format!(
                "×{} ({} {})",
                lang.num(lifts[i].unwrap_or(0.0), 1),
                lang.int(counts[i].unwrap_or(0)),
                lang.pick("films", "films")
            ),
            color: PALETTE[match dims[i].as_str() {
                br::DIM_GENRE => 0,
                br::DIM_DECADE => 1,
                br::DIM_RUNTIME => 2,
                br::DIM_DIRECTOR => 3,
                _ => 4,
            }],
        })
        .collect();
    let chart_title = lang.pick(
        "Ce que les films les mieux notés ont en commun (sur-représentation, ×1 = comme le catalogue ; échelle log)",
        "What the best-rated films share (over-representation, ×1 = as in the catalogue; log scale)",
    );
    s.charts.push(Chart { name: "best_rated".into(), svg: svg::hbar(chart_title, &bars) });
    if let (Some(m), Some(cmean)) = (first_f64(&top, c::PRIOR_VOTES), first_f64(&top, c::PRIOR_MEAN_RATING)) {
        let t = strs(&top, c::TITLE_FR);
        s.reading.push(format!(
            "{} {} {} {} {} {} {} {} ({}, {} {}).",
            lang.pick("Classement de", "Ranking of"),
            lang.int(top.height() as i64),
            lang.pick("films ayant au moins", "films with at least"),
            lang.int(m.round() as i64),
            lang.pick("votes (m) ; note moyenne du catalogue C =", "votes (m); catalogue mean rating C ="),
            lang.num(cmean, 2),
            lang.pick("— n°1 :", "— no. 1:"),
            t.first().cloned().unwrap_or_default(),
            i64s(&top, c::YEAR).first().copied().flatten().map(|y| y.to_string()).unwrap_or_default(),
            lang.pick("note pondérée", "weighted rating"),
            lang.num(first_f64(&top, c::WEIGHTED_RATING).unwrap_or(f64::NAN), 2),
        ));
    }
    let over: Vec<String> = (0..strong.height().min(4))
        .filter(|i| lifts[*i].unwrap_or(0.0) > 1.0)
        .map(|i| {
            format!(
                "{} ({}) ×{}",
                value_name(lang, &dims[i], &labels[i]),
                dimension_name(lang, &dims[i]).to_lowercase(),
                lang.num(lifts[i].unwrap_or(0.0), 1)
            )
        })
        .collect();
    if !over.is_empty() {
        s.reading.push(format!(
            "{} {}.",
            lang.pick(
                "Les plus sur-représentés par rapport au catalogue :",
                "Most over-represented against the catalogue:"
            ),
            over.join(", ")
        ));
    }
    let genres = sorted(
        &rows(&lift, eq(c::DIMENSION, br::DIM_GENRE).and(col(c::CATALOGUE_FILMS).gt_eq(lit(5i64)))),
        &[c::LIFT],
        &[false],
    );
    if let (Some(g), Some(l)) = (strs(&genres, c::LABEL).first(), first_f64(&genres, c::LIFT))
        && l < 1.0
    {
        s.reading.push(if l == 0.0 {
            format!(
                "{} {}.",
                lang.pick("Aucun film du classement n'est de genre", "No listed film is of genre"),
                genre(g, lang)
            )
        } else {
            format!(
                "{} {} (×{}).",
                lang.pick("Le genre le plus sous-représenté est", "The most under-represented genre is"),
                genre(g, lang),
                lang.num(l, 2)
            )
        });
    }
    let (titles, years, ratings, votes, wr) = (
        strs(&top, c::TITLE_FR),
        i64s(&top, c::YEAR),
        f64s(&top, c::AVERAGE_RATING),
        i64s(&top, c::NUM_VOTES),
        f64s(&top, c::WEIGHTED_RATING),
    );
    let table: Vec<Vec<String>> = (0..top.height().min(10))
        .map(|i| {
            vec![
                format!("{}. {}", i + 1, titles[i]),
                years[i].map(|y| y.to_string()).unwrap_or_default(),
                lang.num(ratings[i].unwrap_or(f64::NAN), 1),
                lang.int(votes[i].unwrap_or(0)),
                lang.num(wr[i].unwrap_or(f64::NAN), 2),
            ]
        })
        .collect();
    s.table = Some((
        vec![
            lang.pick("Film", "Film").into(),
            lang.pick("Année", "Year").into(),
            lang.pick("Note", "Rating").into(),
            lang.pick("Votes", "Votes").into(),
            lang.pick("Note pondérée", "Weighted").into(),
        ],
        table,
    ));
    s.method = lang
        .pick(
            "Note pondérée bayésienne WR = v/(v+m)·R + m/(v+m)·C (comme les classements d'IMDb), m = quantile des votes du catalogue. Sur-représentation = part parmi les films classés / part dans le catalogue.",
            "Bayesian weighted rating WR = v/(v+m)·R + m/(v+m)·C (as in IMDb's top lists), m = a quantile of the catalogue's votes. Over-representation = share among listed films / share in the catalogue.",
        )
        .into();
    s
}

// ------------------------------------------------------------------ 7. genres and money

fn genres_money(input: &ReportInput, lang: Language, df: &DataFrame) -> Section {
    use gm::columns as c;
    let mut s = base_section(input, lang, "genres_money");
    let pop = rows(df, eq(c::SECTION, gm::SECTION_POPULARITY));
    // Decades with enough films to read shares (a share of 21 films moves by five points with one film); the
    // six biggest genres.
    const MIN_DECADE_FILMS: f64 = 100.0;
    let totals = pop
        .clone()
        .lazy()
        .group_by([col(c::GENRE)])
        .agg([col(c::FILMS).sum()])
        .sort_by_exprs(
            [col(c::FILMS), col(c::GENRE)],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()
        .unwrap_or_default();
    let big: Vec<String> = strs(&totals, c::GENRE).into_iter().take(6).collect();
    let decade_films = pop
        .clone()
        .lazy()
        .with_column((col(c::FILMS).cast(DataType::Float64) / col(c::SHARE)).alias("decade_films"))
        .group_by([col(c::DECADE)])
        .agg([col("decade_films").max()])
        .filter(col("decade_films").gt_eq(lit(MIN_DECADE_FILMS)))
        .collect()
        .unwrap_or_default();
    let ok_decades: Vec<i64> = i64s(&decade_films, c::DECADE).into_iter().flatten().collect();
    let share_points = |g: &str| -> Vec<(f64, f64)> {
        let r = sorted(&rows(&pop, eq(c::GENRE, g)), &[c::DECADE], &[false]);
        i64s(&r, c::DECADE)
            .into_iter()
            .zip(f64s(&r, c::SHARE))
            .filter_map(|(x, y)| Some((x?, y?)))
            .filter(|(x, _)| ok_decades.contains(x))
            .map(|(x, y)| (x as f64, y * 100.0))
            .collect()
    };
    let series: Vec<Line> = big
        .iter()
        .enumerate()
        .map(|(i, g)| Line {
            name: genre(g, lang),
            color: PALETTE[i % PALETTE.len()],
            points: share_points(g),
            dashed: false,
        })
        .collect();
    let chart_title =
        lang.pick("Part des films de chaque genre, par décennie (%)", "Share of films in each genre, per decade (%)");
    s.charts.push(Chart {
        name: "genres_money-popularity".into(),
        svg: svg::lines(chart_title, &series, lang.pick("Décennie", "Decade"), "%", &|v| lang.num(v, 0)),
    });
    // Rising and falling genres between the first and last decades with enough films.
    if let (Some(first), Some(last)) = (ok_decades.iter().min(), ok_decades.iter().max())
        && first < last
    {
        let changes = pop
            .clone()
            .lazy()
            .filter(col(c::DECADE).eq(lit(*first as i32)).or(col(c::DECADE).eq(lit(*last as i32))))
            .group_by([col(c::GENRE)])
            .agg([
                col(c::SHARE).filter(col(c::DECADE).eq(lit(*last as i32))).first().fill_null(lit(0.0)).alias("last"),
                col(c::SHARE).filter(col(c::DECADE).eq(lit(*first as i32))).first().fill_null(lit(0.0)).alias("first"),
            ])
            .with_column((col("last") - col("first")).alias("change"))
            .sort_by_exprs(
                [col("change"), col(c::GENRE)],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
            .collect()
            .unwrap_or_default();
        let (g, ch) = (strs(&changes, c::GENRE), f64s(&changes, "change"));
        if let (Some(up), Some(down)) = (g.first(), g.last())
            && up != down
        {
            let base = |d: i64| {
                let films = rows(&decade_films, col(c::DECADE).eq(lit(d as i32)));
                lang.int(f64s(&films, "decade_films").first().copied().flatten().unwrap_or(0.0).round() as i64)
            };
            s.reading.push(format!(
                "{} {} ({} {} {}) {} {} ({} {} {}), {} {} ({} {}) ; {} {} ({}).",
                lang.pick("Entre", "Between"),
                decade_name(lang, *first),
                base(*first),
                "films",
                lang.pick("datés", "dated"),
                lang.pick("et", "and"),
                decade_name(lang, *last),
                base(*last),
                "films",
                lang.pick("datés", "dated"),
                lang.pick("le genre qui progresse le plus est", "the genre that grows most is"),
                genre(up, lang),
                lang.signed(ch[0].unwrap_or(0.0) * 100.0, 1),
                lang.pick("points de part", "share points"),
                lang.pick("celui qui recule le plus est", "the one that falls most is"),
                genre(down, lang),
                lang.signed(ch.last().copied().flatten().unwrap_or(0.0) * 100.0, 1),
            ));
        }
    }
    let money = rows(df, eq(c::SECTION, gm::SECTION_MONEY).and(col(c::DECADE).is_null()));
    if money.height() == 0 {
        s.notes.push(
            lang.pick(
                "TMDB est absent : pas de budgets ni de recettes, seule la popularité des genres est analysée.",
                "TMDB is absent: no budgets or revenues, only genre popularity is analysed.",
            )
            .into(),
        );
    } else {
        let min_films =
            if i64s(&money, c::FILMS).into_iter().flatten().filter(|n| *n >= 10).count() >= 5 { 10 } else { 1 };
        let roi = sorted(
            &rows(&money, col(c::FILMS).gt_eq(lit(min_films as i64))),
            &[c::ROI_MEDIAN, c::GENRE],
            &[true, false],
        );
        let (g, r, n, pooled) =
            (strs(&roi, c::GENRE), f64s(&roi, c::ROI_MEDIAN), i64s(&roi, c::FILMS), f64s(&roi, c::ROI_POOLED));
        let bars: Vec<Bar> = (0..roi.height().min(16))
            .map(|i| Bar {
                label: genre(&g[i], lang),
                value: r[i].unwrap_or(0.0).max(0.0),
                shown: format!(
                    "{} ({} {})",
                    lang.pct(r[i].unwrap_or(0.0), 0),
                    lang.int(n[i].unwrap_or(0)),
                    lang.pick("films", "films")
                ),
                color: if i == 0 { PALETTE[0] } else { PALETTE[3] },
            })
            .collect();
        let chart_title = lang
            .pick("Retour sur investissement médian par genre (TMDB)", "Median return on investment per genre (TMDB)");
        s.charts.push(Chart { name: "genres_money-roi".into(), svg: svg::hbar(chart_title, &bars) });
        if let (Some(best), Some(worst)) = (g.first(), g.last()) {
            s.reading.push(
                format!(
                    "{} {} {} {} {} {} ({} {}) ; {} {} ({}).",
                    lang.pick(
                        "Côté rentabilité, le genre au meilleur retour médian est",
                        "On returns, the genre with the best median return is"
                    ),
                    genre(best, lang),
                    ":",
                    lang.pick("un bénéfice médian de", "a median profit of"),
                    lang.pct(r[0].unwrap_or(0.0), 0),
                    lang.pick("du budget", "of the budget"),
                    lang.pick("rendement global", "pooled return"),
                    lang.pct(pooled[0].unwrap_or(0.0), 0),
                    lang.pick("le moins rentable est", "the least profitable is"),
                    genre(worst, lang),
                    lang.pct(r.last().copied().flatten().unwrap_or(0.0), 0),
                )
                .replace(" : :", " :")
                .replace(" :", lang.pick(" :", ":")),
            );
        }
        let table: Vec<Vec<String>> = (0..roi.height().min(10))
            .map(|i| {
                vec![
                    genre(&g[i], lang),
                    lang.int(n[i].unwrap_or(0)),
                    lang.num(f64s(&roi, c::BUDGET_MEDIAN)[i].unwrap_or(f64::NAN) / 1e6, 1),
                    lang.num(f64s(&roi, c::REVENUE_MEDIAN)[i].unwrap_or(f64::NAN) / 1e6, 1),
                    lang.pct(r[i].unwrap_or(0.0), 0),
                ]
            })
            .collect();
        s.table = Some((
            vec![
                lang.pick("Genre", "Genre").into(),
                lang.pick("Films", "Films").into(),
                lang.pick("Budget médian (M$)", "Median budget ($M)").into(),
                lang.pick("Recettes médianes (M$)", "Median revenue ($M)").into(),
                lang.pick("ROI médian", "Median ROI").into(),
            ],
            table,
        ));
    }
    s.method = lang
        .pick(
            "Popularité : part des films IMDb de la décennie ayant ce genre. Rentabilité (TMDB, dollars courants) : ROI = (recettes − budget) / budget par film, films aux budget et recettes connus.",
            "Popularity: share of the decade's IMDb films having the genre. Returns (TMDB, current dollars): ROI = (revenue − budget) / budget per film, films with known budget and revenue.",
        )
        .into();
    s
}

// ------------------------------------------------------------------ 8. audience

fn audience(input: &ReportInput, lang: Language, df: &DataFrame) -> Section {
    use au::columns as c;
    let mut s = base_section(input, lang, "audience");
    let all = sorted(&rows(df, eq(c::DIMENSION, au::DIM_ALL)), &[c::RATINGS, c::GENRE], &[true, false]);
    let genres: Vec<String> = strs(&all, c::GENRE).into_iter().take(12).collect();
    let demographics = rows(df, eq(c::DIMENSION, au::DIM_ALL).not());
    if demographics.height() == 0 {
        s.notes.push(
            lang.pick(
                "Cette version de MovieLens n'a pas de données sur les spectateurs (âge, sexe, métier) : seules les notes par genre sont montrées.",
                "This MovieLens release has no viewer data (age, gender, occupation): only ratings per genre are shown.",
            )
            .into(),
        );
        let bars: Vec<Bar> = (0..all.height().min(12))
            .map(|i| Bar {
                label: genre(&genres[i], lang),
                value: f64s(&all, c::MEAN_RATING)[i].unwrap_or(0.0),
                shown: lang.num(f64s(&all, c::MEAN_RATING)[i].unwrap_or(0.0), 2),
                color: PALETTE[1],
            })
            .collect();
        s.charts.push(Chart {
            name: "audience".into(),
            svg: svg::hbar(lang.pick("Note moyenne par genre (sur 5)", "Mean rating per genre (out of 5)"), &bars),
        });
    } else {
        let age_order = ["<18", "18-24", "25-34", "35-44", "45-49", "50-55", "56+"];
        let mut groups: Vec<(String, String, String)> = Vec::new();
        for a in age_order {
            if rows(df, eq(c::DIMENSION, au::DIM_AGE).and(eq(c::GROUP, a))).height() > 0 {
                let label = match a {
                    "<18" => lang.pick("Moins de 18 ans", "Under 18").into(),
                    "56+" => lang.pick("56 ans et plus", "56 and over").into(),
                    _ => format!("{a} {}", lang.pick("ans", "years")),
                };
                groups.push((au::DIM_AGE.into(), a.into(), label));
            }
        }
        for (g, fr, en) in [("F", "Femmes", "Women"), ("M", "Hommes", "Men")] {
            if rows(df, eq(c::DIMENSION, au::DIM_GENDER).and(eq(c::GROUP, g))).height() > 0 {
                groups.push((au::DIM_GENDER.into(), g.into(), lang.pick(fr, en).into()));
            }
        }
        let occupations = df
            .clone()
            .lazy()
            .filter(eq(c::DIMENSION, au::DIM_OCCUPATION))
            .group_by([col(c::GROUP)])
            .agg([col(c::USERS).max()])
            .sort_by_exprs(
                [col(c::USERS), col(c::GROUP)],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
            .limit(6)
            .collect()
            .unwrap_or_default();
        for o in strs(&occupations, c::GROUP) {
            groups.push((au::DIM_OCCUPATION.into(), o.clone(), o));
        }
        let values: Vec<Vec<Option<f64>>> = groups
            .iter()
            .map(|(d, g, _)| {
                let r = rows(df, eq(c::DIMENSION, d).and(eq(c::GROUP, g)));
                genres
                    .iter()
                    .map(|gname| {
                        let cell = rows(&r, eq(c::GENRE, gname).and(col(c::RATINGS).gt_eq(lit(20i64))));
                        first_f64(&cell, c::RATING_DELTA)
                    })
                    .collect()
            })
            .collect();
        let labels: Vec<String> = groups.iter().map(|(_, _, l)| l.clone()).collect();
        let cols: Vec<String> = genres.iter().map(|g| genre(g, lang)).collect();
        let chart_title = lang.pick(
            "Écart à la note moyenne du groupe, par genre (rouge : aimé, bleu : moins aimé)",
            "Difference from the group's mean rating, per genre (red: loved, blue: less loved)",
        );
        s.charts.push(Chart {
            name: "audience".into(),
            svg: svg::heatmap(chart_title, &labels, &cols, &values, 0.0, &|v| lang.signed(v, 2)),
        });
        // The strongest likes with enough ratings.
        let likes = sorted(
            &rows(&demographics, col(c::RATINGS).gt_eq(lit(50i64)).and(col(c::RATING_DELTA).gt(lit(0.0)))),
            &[c::RATING_DELTA],
            &[true],
        );
        let group_name = |d: &str, g: &str| -> String {
            match d {
                au::DIM_AGE => match g {
                    "<18" => lang.pick("les moins de 18 ans", "under-18s").into(),
                    "56+" => lang.pick("les 56 ans et plus", "people aged 56 and over").into(),
                    _ => format!("{} {g} {}", lang.pick("les", "the"), lang.pick("ans", "year-olds")),
                },
                au::DIM_GENDER => lang
                    .pick(if g == "F" { "les femmes" } else { "les hommes" }, if g == "F" { "women" } else { "men" })
                    .into(),
                _ => match lang {
                    Language::Fr => format!("les « {g} »"),
                    Language::En => format!("\"{g}\" viewers"),
                },
            }
        };
        let (d, g, gname, delta) =
            (strs(&likes, c::DIMENSION), strs(&likes, c::GROUP), strs(&likes, c::GENRE), f64s(&likes, c::RATING_DELTA));
        let items: Vec<String> = (0..likes.height().min(3))
            .map(|i| {
                format!(
                    "{} {} {} ({})",
                    group_name(&d[i], &g[i]),
                    lang.pick("→", "→"),
                    genre(&gname[i], lang),
                    lang.signed(delta[i].unwrap_or(0.0), 2)
                )
            })
            .collect();
        if !items.is_empty() {
            s.reading.push(format!(
                "{} {}.",
                lang.pick(
                    "Les coups de cœur les plus nets (écart à la moyenne du groupe, au moins 50 notes) :",
                    "The clearest favourites (difference from the group's mean, at least 50 ratings):"
                ),
                items.join(" ; ")
            ));
        }
        let lifts = sorted(&rows(&demographics, col(c::RATINGS).gt_eq(lit(50i64))), &[c::PREFERENCE_LIFT], &[true]);
        if lifts.height() > 0 {
            let (d, g, gname, l) = (
                strs(&lifts, c::DIMENSION),
                strs(&lifts, c::GROUP),
                strs(&lifts, c::GENRE),
                f64s(&lifts, c::PREFERENCE_LIFT),
            );
            s.reading.push(format!(
                "{} {} {} {} ({} ×{} {}).",
                lang.pick("Le goût le plus marqué en volume :", "The strongest taste by volume:"),
                genre(&gname[0], lang),
                lang.pick("chez", "among"),
                group_name(&d[0], &g[0]),
                lang.pick("part des notes", "share of ratings"),
                lang.num(l[0].unwrap_or(0.0), 1),
                lang.pick("par rapport à l'ensemble du public", "compared with the whole audience"),
            ));
        }
    }
    if let Some(best) = sorted(&rows(&all, col(c::RATINGS).gt_eq(lit(50i64))), &[c::MEAN_RATING], &[true])
        .column(c::GENRE)
        .ok()
        .and_then(|c| c.str().ok()?.get(0).map(str::to_owned))
    {
        s.reading.push(format!(
            "{} {}.",
            lang.pick(
                "Tous publics confondus, le genre le mieux noté est",
                "Across all viewers, the best-rated genre is"
            ),
            genre(&best, lang)
        ));
    }
    s.method = lang
        .pick(
            "Notes MovieLens ; une note d'un film à plusieurs genres compte dans chacun. Écart = note moyenne du groupe pour le genre − note moyenne du groupe tous genres confondus.",
            "MovieLens ratings; a rating of a film with several genres counts in each. Difference = the group's mean rating for the genre − the group's mean rating over all genres.",
        )
        .into();
    s
}

// ------------------------------------------------------------------ 9. niches

/// A niche's label inside a sentence: lower-cased in French ("cinéma français"), as is in English.
/// The niche as the object of "se spécialiser dans …", with its French article.
fn niche_name(lang: Language, key: &str, label: &str) -> String {
    let fr = match key {
        "nineties" => "les films des années 1990",
        "action_adventure" => "l'action et l'aventure",
        "french" => "le cinéma français",
        "rated_dramas" => "les drames très bien notés",
        "family_animation" => "l'animation familiale",
        "classics" => "les classiques d'avant 1960",
        "horror_thriller" => "l'horreur et les frissons",
        "documentary" => "les documentaires",
        _ => return lang.pick_pair(label.to_lowercase(), label.to_owned()),
    };
    lang.pick_pair(fr.to_owned(), label.to_owned())
}

fn niches(input: &ReportInput, lang: Language, df: &DataFrame) -> Section {
    use ni::columns as c;
    let mut s = base_section(input, lang, "niches");
    let r = sorted(df, &[c::RANK], &[false]);
    let labels = strs(&r, lang.pick(c::LABEL_FR, c::LABEL_EN));
    let keys = strs(&r, c::NICHE);
    let (supply, quality, appetite, score) =
        (f64s(&r, c::SUPPLY_SCORE), f64s(&r, c::QUALITY_SCORE), f64s(&r, c::APPETITE_SCORE), f64s(&r, c::SCORE));
    let bars: Vec<Stacked> = (0..r.height())
        .map(|i| {
            let parts = [supply[i], quality[i], appetite[i]];
            let present = parts.iter().flatten().count().max(1) as f64;
            Stacked {
                label: labels[i].clone(),
                segments: parts.iter().map(|p| p.unwrap_or(0.0) * 100.0 / present).collect(),
                shown: format!("{}/100", lang.num(score[i].unwrap_or(0.0), 0)),
            }
        })
        .collect();
    let legend = [
        lang.pick("Offre", "Supply"),
        lang.pick("Qualité", "Quality"),
        lang.pick("Appétit du public", "Audience appetite"),
    ];
    let chart_title = lang.pick("Score des niches candidates (sur 100)", "Score of the candidate niches (out of 100)");
    s.charts.push(Chart { name: "niches".into(), svg: svg::stacked_hbar(chart_title, &bars, &legend, 100.0) });
    let films = i64s(&r, c::CATALOGUE_FILMS);
    let wr = f64s(&r, c::MEAN_WEIGHTED_RATING);
    let app = f64s(&r, c::APPETITE);
    if r.height() > 0 {
        let mut text = format!(
            "{} {} ({} {}/100) : {} {}",
            lang.pick("Recommandation : se spécialiser dans", "Recommendation: specialise in"),
            niche_name(lang, &keys[0], &labels[0]),
            lang.pick("score", "score"),
            lang.num(score[0].unwrap_or(0.0), 0),
            lang.int(films[0].unwrap_or(0)),
            lang.pick("films programmables", "films to programme"),
        );
        if let Some(w) = wr[0] {
            text.push_str(&format!(
                ", {} {}",
                lang.pick("note pondérée moyenne", "mean weighted rating"),
                lang.num(w, 2)
            ));
        }
        if let Some(a) = app[0] {
            text.push_str(&format!(", {} ×{}", lang.pick("appétit du public", "audience appetite"), lang.num(a, 2)));
        }
        text.push('.');
        s.reading.push(text);
        let scored: Vec<usize> = (0..r.height()).filter(|&i| score[i].is_some()).collect();
        let next: Vec<String> = scored
            .iter()
            .skip(1)
            .take(2)
            .map(|&i| format!("{} ({})", niche_name(lang, &keys[i], &labels[i]), lang.num(score[i].unwrap_or(0.0), 0)))
            .collect();
        if !next.is_empty() {
            s.reading.push(format!(
                "{} {}.",
                lang.pick("Viennent ensuite", "Next come"),
                next.join(lang.pick(" et ", " and "))
            ));
        }
        if let Some(&last) = scored.last().filter(|_| scored.len() > 3) {
            s.reading.push(format!(
                "{} {}.",
                lang.pick("La niche la moins prometteuse :", "The least promising niche:"),
                niche_name(lang, &keys[last], &labels[last])
            ));
        }
        let empty: Vec<String> =
            (0..r.height()).filter(|&i| score[i].is_none()).map(|i| niche_name(lang, &keys[i], &labels[i])).collect();
        if !empty.is_empty() {
            s.reading.push(format!(
                "{} {}.",
                lang.pick("Aucun film programmable, donc pas de score :", "No film to programme, hence no score:"),
                empty.join(lang.pick(" et ", " and "))
            ));
        }
    }
    let table: Vec<Vec<String>> = (0..r.height())
        .map(|i| {
            vec![
                format!("{}. {}", i + 1, labels[i]),
                films[i].map(|n| lang.int(n)).unwrap_or_default(),
                wr[i].map(|w| lang.num(w, 2)).unwrap_or_default(),
                app[i].map(|a| format!("×{}", lang.num(a, 2))).unwrap_or_default(),
                lang.num(score[i].unwrap_or(f64::NAN), 0),
            ]
        })
        .collect();
    s.table = Some((
        vec![
            lang.pick("Niche", "Niche").into(),
            lang.pick("Films", "Films").into(),
            lang.pick("Note pondérée", "Weighted rating").into(),
            lang.pick("Appétit", "Appetite").into(),
            lang.pick("Score", "Score").into(),
        ],
        table,
    ));
    if app.iter().all(Option::is_none) {
        s.notes.push(
            lang.pick(
                "MovieLens est absent : l'appétit du public n'entre pas dans le score.",
                "MovieLens is absent: audience appetite is not in the score.",
            )
            .into(),
        );
    }
    s.method = lang
        .pick(
            "Offre = films du catalogue dans la niche (échelle logarithmique) ; qualité = note pondérée moyenne ; appétit = part des notes MovieLens / part des films MovieLens. Chaque composante est ramenée entre 0 et 1 sur les niches ; score = moyenne × 100.",
            "Supply = catalogue films in the niche (log scale); quality = mean weighted rating; appetite = share of MovieLens ratings / share of MovieLens films. Each component is scaled to 0–1 across niches; score = mean × 100.",
        )
        .into();
    s
}

// ------------------------------------------------------------------ key figures

pub(crate) fn key_figures(input: &ReportInput, lang: Language) -> Vec<KeyFigure> {
    let mut out = Vec::new();
    let mut push = |label: &str, value: String, detail: String| {
        if !value.is_empty() {
            out.push(KeyFigure { label: label.to_owned(), value, detail });
        }
    };
    if let Some(df) = input.mart("countries")
        && let Some(source) = co::preferred_source(df)
    {
        let r = sorted(
            &rows(df, eq(co::columns::SOURCE, source).and(col(co::columns::DECADE).is_null())),
            &[co::columns::RANK],
            &[false],
        );
        if let Some(code) = strs(&r, co::columns::COUNTRY).first() {
            push(
                lang.pick("Premier pays producteur", "Top producing country"),
                country(code, lang),
                format!(
                    "{} {}",
                    lang.pct(first_f64(&r, co::columns::SHARE).unwrap_or(0.0), 1),
                    lang.pick("des films", "of films")
                ),
            );
        }
    }
    if let Some(df) = input.mart("runtime") {
        let r = rows(df, eq(rt::columns::KIND, rt::KIND_FILM).and(eq(rt::columns::SCOPE, rt::SCOPE_ALL)));
        if let Some(m) = first_f64(&r, rt::columns::MEDIAN_MINUTES) {
            push(
                lang.pick("Durée médiane d'un film", "Median film runtime"),
                format!("{} min", lang.num(m, 0)),
                format!(
                    "{} {}",
                    lang.int(first_i64(&r, rt::columns::TITLES).unwrap_or(0)),
                    lang.pick("films mesurés", "films measured")
                ),
            );
        }
    }
    if let Some(df) = input.mart("series_vs_films") {
        let r = rows(df, eq(sv::columns::SECTION, sv::SECTION_OVERALL));
        // Without any series credit the share says nothing about the question: no card.
        let has_series = first_i64(&r, sv::columns::SERIES_ACTORS).is_some_and(|n| n > 0);
        if let Some(sh) = first_f64(&r, sv::columns::SHARE_OF_FILM_ACTORS).filter(|_| has_series) {
            push(
                lang.pick("Acteurs de cinéma aussi en séries", "Film actors also in series"),
                lang.pct(sh, 1),
                format!("Jaccard {}", lang.num(first_f64(&r, sv::columns::JACCARD).unwrap_or(0.0), 3)),
            );
        }
    }
    if let Some(df) = input.mart("ages") {
        let lead = |cat: &str| {
            first_f64(
                &rows(
                    df,
                    eq(ag::columns::SECTION, ag::SECTION_LEAD)
                        .and(eq(ag::columns::CATEGORY, cat))
                        .and(col(ag::columns::DECADE).is_null()),
                ),
                ag::columns::MEDIAN_AGE,
            )
        };
        if let (Some(f), Some(m)) = (lead(crate::analyze::ACTRESS), lead(crate::analyze::ACTOR)) {
            push(
                lang.pick("Âge médian des premiers rôles", "Median age in lead roles"),
                format!("{} / {} {}", lang.num(f, 0), lang.num(m, 0), lang.pick("ans", "years")),
                lang.pick("actrices / acteurs", "actresses / actors").into(),
            );
        }
    }
    if let Some(df) = input.mart("best_rated") {
        let r = sorted(&rows(df, eq(br::columns::SECTION, br::SECTION_TOP)), &[br::columns::RANK], &[false]);
        if let Some(t) = strs(&r, br::columns::TITLE_FR).first() {
            push(
                lang.pick("Film le mieux noté", "Best-rated film"),
                t.clone(),
                format!(
                    "{} {}",
                    lang.pick("note pondérée", "weighted rating"),
                    lang.num(first_f64(&r, br::columns::WEIGHTED_RATING).unwrap_or(f64::NAN), 2)
                ),
            );
        }
    }
    if let Some(df) = input.mart("genres_money") {
        let r = rows(df, eq(gm::columns::SECTION, gm::SECTION_MONEY).and(col(gm::columns::DECADE).is_null()));
        let enough =
            if i64s(&r, gm::columns::FILMS).into_iter().flatten().filter(|n| *n >= 10).count() >= 5 { 10 } else { 1 };
        let best =
            sorted(&rows(&r, col(gm::columns::FILMS).gt_eq(lit(enough as i64))), &[gm::columns::ROI_MEDIAN], &[true]);
        if let Some(g) = strs(&best, gm::columns::GENRE).first() {
            push(
                lang.pick("Genre le plus rentable", "Most profitable genre"),
                genre(g, lang),
                format!(
                    "{} {}",
                    lang.pick("ROI médian", "median ROI"),
                    lang.pct(first_f64(&best, gm::columns::ROI_MEDIAN).unwrap_or(0.0), 0)
                ),
            );
        }
    }
    if let Some(df) = input.mart("niches") {
        let r = sorted(df, &[ni::columns::RANK], &[false]);
        if let Some(l) = strs(&r, lang.pick(ni::columns::LABEL_FR, ni::columns::LABEL_EN)).first() {
            push(
                lang.pick("Niche recommandée", "Recommended niche"),
                l.clone(),
                format!(
                    "{} {}/100",
                    lang.pick("score", "score"),
                    lang.num(first_f64(&r, ni::columns::SCORE).unwrap_or(0.0), 0)
                ),
            );
        }
    }
    out
}
