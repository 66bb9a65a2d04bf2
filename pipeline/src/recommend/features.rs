//! The content features of films, read from the lake: genres and decade (catalogue or MovieLens),
//! directors and writers (`crew`), top-billed cast (`credits`), people's names (`people`), and from TMDB
//! keywords, original language and production countries (joined through `links`, else title and year).
//! Each table is filtered to the wanted films before it is collected, so memory follows the catalogue,
//! not the dump.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;

use super::content::{FeatureTable, Field};
use super::interactions::{LoadError, collect, scan_table, string_list};
use super::title_search::normalize;
use crate::lake::tables;
use crate::sources::imdb::columns as imdb;
use crate::sources::movielens::columns as ml;
use crate::sources::tmdb::columns as tmdb;

/// What is known of a film before the feature tables are read.
#[derive(Debug, Clone, Default)]
pub struct FilmDescriptor {
    /// IMDb id, when the film is an IMDb title.
    pub film_id: Option<String>,
    pub titles: Vec<String>,
    pub year: Option<i32>,
    pub genres: Vec<String>,
}

/// Cast members kept per film (by billing order).
pub const TOP_CAST: i32 = 6;
/// Writers kept per film (the first credited).
const TOP_WRITERS: usize = 3;
/// TMDB keywords kept per film.
const TOP_KEYWORDS: usize = 15;

/// A decade token: 1994 → "1990s".
pub fn decade(year: i32) -> String {
    format!("{}s", year.div_euclid(10) * 10)
}

fn ids_frame(ids: &[&str]) -> LazyFrame {
    DataFrame::new_infer_height(vec![Column::new(imdb::TITLE_ID.into(), ids.to_vec())]).expect("one column").lazy()
}

/// Builds the feature table of `films` (one row per film, in order) from whatever lake tables exist.
pub fn load(lake: &Path, films: &[FilmDescriptor]) -> Result<FeatureTable, LoadError> {
    let mut table = FeatureTable::with_items(films.len());
    let mut item_of: HashMap<&str, usize> = HashMap::new();
    for (i, f) in films.iter().enumerate() {
        for g in &f.genres {
            table.add(i, Field::Genre, g, 1.0);
        }
        if let Some(y) = f.year {
            table.add(i, Field::Decade, &decade(y), 1.0);
        }
        if let Some(id) = &f.film_id {
            item_of.insert(id.as_str(), i);
        }
    }
    let ids: Vec<&str> = item_of.keys().copied().collect();
    if !ids.is_empty() {
        add_crew(lake, &mut table, &item_of, &ids)?;
        add_cast(lake, &mut table, &item_of, &ids)?;
        add_names(lake, &mut table)?;
    }
    add_tmdb(lake, &mut table, films, &item_of)?;
    Ok(table)
}

fn add_crew(
    lake: &Path,
    table: &mut FeatureTable,
    item_of: &HashMap<&str, usize>,
    ids: &[&str],
) -> Result<(), LoadError> {
    let Some(crew) = scan_table(lake, tables::CREW)? else { return Ok(()) };
    let df = collect(
        crew.join(ids_frame(ids), [col(imdb::TITLE_ID)], [col(imdb::TITLE_ID)], JoinArgs::new(JoinType::Semi))
            .select([col(imdb::TITLE_ID), col(imdb::DIRECTORS), col(imdb::WRITERS)]),
        lake,
        tables::CREW,
    )?;
    let e =
        |source| LoadError::Polars { table: tables::CREW, path: crate::lake::table_path(lake, tables::CREW), source };
    let t = df.column(imdb::TITLE_ID).and_then(|c| c.str().cloned()).map_err(e)?;
    let d = df.column(imdb::DIRECTORS).and_then(|c| c.list().cloned()).map_err(e)?;
    let w = df.column(imdb::WRITERS).and_then(|c| c.list().cloned()).map_err(e)?;
    for ((id, directors), writers) in t.iter().zip(d.series_iter()).zip(w.series_iter()) {
        let Some(&item) = id.and_then(|id| item_of.get(id)) else { continue };
        for p in string_list(directors.as_ref()) {
            table.add(item, Field::Director, &p, 1.0);
        }
        for p in string_list(writers.as_ref()).into_iter().take(TOP_WRITERS) {
            table.add(item, Field::Writer, &p, 1.0);
        }
    }
    Ok(())
}

fn add_cast(
    lake: &Path,
    table: &mut FeatureTable,
    item_of: &HashMap<&str, usize>,
    ids: &[&str],
) -> Result<(), LoadError> {
    let Some(credits) = scan_table(lake, tables::CREDITS)? else { return Ok(()) };
    // Directors and writers are also principals: extracts without title.crew still name them.
    let actors = Series::new("c".into(), ["actor", "actress", "director", "writer"]);
    let df = collect(
        credits
            .filter(
                col(imdb::CATEGORY)
                    .is_in(lit(actors).implode(false), false)
                    .and(col(imdb::ORDERING).lt_eq(lit(TOP_CAST + 6))),
            )
            .join(ids_frame(ids), [col(imdb::TITLE_ID)], [col(imdb::TITLE_ID)], JoinArgs::new(JoinType::Semi))
            .select([col(imdb::TITLE_ID), col(imdb::ORDERING), col(imdb::PERSON_ID), col(imdb::CATEGORY)])
            .sort_by_exprs([col(imdb::TITLE_ID), col(imdb::ORDERING)], SortMultipleOptions::default()),
        lake,
        tables::CREDITS,
    )?;
    let e = |source| LoadError::Polars {
        table: tables::CREDITS,
        path: crate::lake::table_path(lake, tables::CREDITS),
        source,
    };
    let t = df.column(imdb::TITLE_ID).and_then(|c| c.str().cloned()).map_err(e)?;
    let p = df.column(imdb::PERSON_ID).and_then(|c| c.str().cloned()).map_err(e)?;
    let cat = df.column(imdb::CATEGORY).and_then(|c| c.str().cloned()).map_err(e)?;
    let mut billed: HashMap<usize, usize> = HashMap::new();
    for ((id, person), category) in t.iter().zip(p.iter()).zip(cat.iter()) {
        let (Some(&item), Some(person)) = (id.and_then(|id| item_of.get(id)), person) else { continue };
        match category {
            Some("director") => {
                table.add(item, Field::Director, person, 1.0);
                continue;
            }
            Some("writer") => {
                table.add(item, Field::Writer, person, 1.0);
                continue;
            }
            _ => {}
        }
        let rank = billed.entry(item).or_default();
        if *rank >= TOP_CAST as usize {
            continue;
        }
        *rank += 1;
        // The leads weigh more than the supporting cast.
        table.add(item, Field::Cast, person, if *rank <= 3 { 1.0 } else { 0.6 });
    }
    Ok(())
}

/// Replaces people's ids by their names in feature labels (reasons show names).
fn add_names(lake: &Path, table: &mut FeatureTable) -> Result<(), LoadError> {
    let Some(people) = scan_table(lake, tables::PEOPLE)? else { return Ok(()) };
    let person_fields = [Field::Director, Field::Cast, Field::Writer];
    let ids: Vec<&str> = (0..table.n_features())
        .filter(|&f| person_fields.contains(&table.fields[f]))
        .map(|f| table.keys[f].as_str())
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let wanted =
        DataFrame::new_infer_height(vec![Column::new(imdb::PERSON_ID.into(), ids)]).expect("one column").lazy();
    let df = collect(
        people
            .join(wanted, [col(imdb::PERSON_ID)], [col(imdb::PERSON_ID)], JoinArgs::new(JoinType::Semi))
            .select([col(imdb::PERSON_ID), col(imdb::PRIMARY_NAME)]),
        lake,
        tables::PEOPLE,
    )?;
    let e = |source| LoadError::Polars {
        table: tables::PEOPLE,
        path: crate::lake::table_path(lake, tables::PEOPLE),
        source,
    };
    let ids = df.column(imdb::PERSON_ID).and_then(|c| c.str().cloned()).map_err(e)?;
    let names = df.column(imdb::PRIMARY_NAME).and_then(|c| c.str().cloned()).map_err(e)?;
    for (id, name) in ids.iter().zip(names.iter()) {
        if let (Some(id), Some(name)) = (id, name) {
            for field in person_fields {
                table.set_label(field, id, name);
            }
        }
    }
    Ok(())
}

/// TMDB keywords, language and countries, joined through links (tmdb_id → imdb_id), else title and year.
fn add_tmdb(
    lake: &Path,
    table: &mut FeatureTable,
    films: &[FilmDescriptor],
    item_of: &HashMap<&str, usize>,
) -> Result<(), LoadError> {
    let columns = [tmdb::ORIGINAL_LANGUAGE, tmdb::KEYWORDS, tmdb::PRODUCTION_COUNTRIES];
    let Some((df, items)) = tmdb_rows(lake, films, item_of, &columns)? else { return Ok(()) };
    let e = tmdb_error(lake);
    let langs = df.column(tmdb::ORIGINAL_LANGUAGE).and_then(|c| c.str().cloned()).map_err(&e)?;
    let keywords = df.column(tmdb::KEYWORDS).and_then(|c| c.list().cloned()).map_err(&e)?;
    let countries = df.column(tmdb::PRODUCTION_COUNTRIES).and_then(|c| c.list().cloned()).map_err(&e)?;
    for ((item, lang), (kw, co)) in
        items.iter().zip(langs.iter()).zip(keywords.series_iter().zip(countries.series_iter()))
    {
        let Some(item) = *item else { continue };
        if let Some(lang) = lang {
            table.add(item, Field::Language, lang, 1.0);
        }
        for k in string_list(kw.as_ref()).into_iter().take(TOP_KEYWORDS) {
            table.add(item, Field::Keyword, &k, 1.0);
        }
        for c in string_list(co.as_ref()) {
            table.add(item, Field::Country, &c, 1.0);
        }
    }
    Ok(())
}

/// What TMDB says of a catalogue film for its page: its original language (ISO 639-1) and its overview (in
/// English, as TMDB 5000 gives it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmdbPresentation {
    pub film_id: String,
    pub original_language: Option<String>,
    pub overview: Option<String>,
}

/// The presentation of every film TMDB reaches, joined as the content features are.
pub fn tmdb_presentations(lake: &Path, films: &[FilmDescriptor]) -> Result<Vec<TmdbPresentation>, LoadError> {
    let item_of: HashMap<&str, usize> =
        films.iter().enumerate().filter_map(|(i, f)| Some((f.film_id.as_deref()?, i))).collect();
    let columns = [tmdb::ORIGINAL_LANGUAGE, tmdb::OVERVIEW];
    let Some((df, items)) = tmdb_rows(lake, films, &item_of, &columns)? else { return Ok(Vec::new()) };
    let e = tmdb_error(lake);
    let langs = df.column(tmdb::ORIGINAL_LANGUAGE).and_then(|c| c.str().cloned()).map_err(&e)?;
    let overviews = df.column(tmdb::OVERVIEW).and_then(|c| c.str().cloned()).map_err(&e)?;
    let mut out: HashMap<usize, TmdbPresentation> = HashMap::new();
    for ((item, lang), overview) in items.iter().zip(langs.iter()).zip(overviews.iter()) {
        let (Some(item), Some(film_id)) = (*item, item.and_then(|i| films[i].film_id.clone())) else { continue };
        let clean = |t: Option<&str>| t.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        // The first TMDB row of a film wins: two rows of one film say the same.
        out.entry(item).or_insert(TmdbPresentation {
            film_id,
            original_language: clean(lang),
            overview: clean(overview),
        });
    }
    let mut out: Vec<TmdbPresentation> = out.into_values().collect();
    out.sort_by(|a, b| a.film_id.cmp(&b.film_id));
    Ok(out)
}

/// The TMDB poster path (`/abc.jpg`) of every film of `films` that The Movies Dataset's posters (`tmdb_posters`)
/// reach, by IMDb id; empty when the lake has no such table.
pub fn tmdb_posters(lake: &Path, films: &[FilmDescriptor]) -> Result<HashMap<String, String>, LoadError> {
    let Some(posters) = scan_table(lake, tables::TMDB_POSTERS)? else { return Ok(HashMap::new()) };
    let selected = posters.select([col(tmdb::IMDB_ID), col(tmdb::POSTER_PATH)]).drop_nulls(None);
    let df = collect(selected, lake, tables::TMDB_POSTERS)?;
    let e = |source| LoadError::Polars {
        table: tables::TMDB_POSTERS,
        path: crate::lake::table_path(lake, tables::TMDB_POSTERS),
        source,
    };
    let wanted: std::collections::HashSet<&str> = films.iter().filter_map(|f| f.film_id.as_deref()).collect();
    let ids = df.column(tmdb::IMDB_ID).and_then(|c| c.str().cloned()).map_err(&e)?;
    let posters = df.column(tmdb::POSTER_PATH).and_then(|c| c.str().cloned()).map_err(&e)?;
    Ok(ids
        .iter()
        .zip(posters.iter())
        .filter_map(|(id, poster)| Some((id?, poster?)))
        .filter(|(id, _)| wanted.contains(id))
        .map(|(id, poster)| (id.to_owned(), poster.to_owned()))
        .collect())
}

fn tmdb_error(lake: &Path) -> impl Fn(PolarsError) -> LoadError + '_ {
    move |source| LoadError::Polars {
        table: tables::TMDB_MOVIES,
        path: crate::lake::table_path(lake, tables::TMDB_MOVIES),
        source,
    }
}

/// TMDB's movies (the columns asked for) and, row by row, the film each one is.
type TmdbRows = (DataFrame, Vec<Option<usize>>);

/// The TMDB movies table's `columns` and, for each of its rows, the film it is (by links' tmdb_id → imdb_id,
/// else by title and year when exactly one film has them); `None` when the lake has no TMDB table.
fn tmdb_rows(
    lake: &Path,
    films: &[FilmDescriptor],
    item_of: &HashMap<&str, usize>,
    columns: &[&str],
) -> Result<Option<TmdbRows>, LoadError> {
    let Some(movies) = scan_table(lake, tables::TMDB_MOVIES)? else { return Ok(None) };
    let mut selected =
        vec![col(tmdb::TMDB_ID).cast(DataType::Int64), col(tmdb::TITLE), col(tmdb::ORIGINAL_TITLE), col(tmdb::YEAR)];
    selected.extend(columns.iter().map(|c| col(*c)));
    let df = collect(movies.select(selected), lake, tables::TMDB_MOVIES)?;
    // tmdb_id → IMDb id, from links when present.
    let mut imdb_of: HashMap<i64, String> = HashMap::new();
    if let Some(links) = scan_table(lake, tables::LINKS)? {
        let l = collect(
            links
                .select([col(ml::TMDB_ID).cast(DataType::Int64), col(ml::IMDB_ID)])
                .filter(col(ml::TMDB_ID).is_not_null()),
            lake,
            tables::LINKS,
        )?;
        let e = |source| LoadError::Polars {
            table: tables::LINKS,
            path: crate::lake::table_path(lake, tables::LINKS),
            source,
        };
        let t = l.column(ml::TMDB_ID).and_then(|c| c.i64().cloned()).map_err(e)?;
        let i = l.column(ml::IMDB_ID).and_then(|c| c.str().cloned()).map_err(e)?;
        for (t, i) in t.iter().zip(i.iter()) {
            if let (Some(t), Some(i)) = (t, i) {
                imdb_of.insert(t, i.to_owned());
            }
        }
    }
    // (normalised title, year) → item, for films TMDB cannot reach through links.
    let mut by_title: HashMap<(String, i32), Option<usize>> = HashMap::new();
    for (i, f) in films.iter().enumerate() {
        let Some(y) = f.year else { continue };
        for t in &f.titles {
            by_title
                .entry((normalize(t), y))
                .and_modify(|e| {
                    if *e != Some(i) {
                        *e = None
                    }
                })
                .or_insert(Some(i));
        }
    }
    let e = tmdb_error(lake);
    let ids = df.column(tmdb::TMDB_ID).and_then(|c| c.i64().cloned()).map_err(&e)?;
    let titles = df.column(tmdb::TITLE).and_then(|c| c.str().cloned()).map_err(&e)?;
    let originals = df.column(tmdb::ORIGINAL_TITLE).and_then(|c| c.str().cloned()).map_err(&e)?;
    let years = df.column(tmdb::YEAR).and_then(|c| c.i32().cloned()).map_err(&e)?;
    let items = ids
        .iter()
        .zip(titles.iter())
        .zip(originals.iter())
        .zip(years.iter())
        .map(|(((id, title), original), year)| {
            let by_link = id.and_then(|id| imdb_of.get(&id)).and_then(|tt| item_of.get(tt.as_str()).copied());
            let by_name = || {
                let y = year?;
                [title, original]
                    .into_iter()
                    .flatten()
                    .find_map(|t| by_title.get(&(normalize(t), y)).copied().flatten())
            };
            by_link.or_else(by_name)
        })
        .collect();
    Ok(Some((df, items)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decades_round_down() {
        assert_eq!(decade(1994), "1990s");
        assert_eq!(decade(2000), "2000s");
    }
}
