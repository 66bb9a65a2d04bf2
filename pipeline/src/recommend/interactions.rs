//! MovieLens ratings from the lake as a user × item matrix, and each MovieLens film's IMDb id: through
//! `links` when the release has it (latest, 25M…), else by title and year against IMDb `titles` (100K, 1M).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::Csr;
use super::title_search::{movielens_variants, normalize, split_year};
use crate::lake::{table_path, tables};
use crate::sources::imdb::columns as imdb;
use crate::sources::movielens::columns as ml;

/// Why lake tables could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("lake table `{table}` is missing ({path}): run `cinepicks ingest` with the source that provides it")]
    Missing { table: &'static str, path: PathBuf },
    #[error("cannot read lake table `{table}` ({path}): {source}")]
    Polars { table: &'static str, path: PathBuf, source: PolarsError },
}

/// A lazy scan of a lake table, or `None` when the table is absent.
pub fn scan_table(lake: &Path, table: &'static str) -> Result<Option<LazyFrame>, LoadError> {
    let path = table_path(lake, table);
    if !path.exists() {
        return Ok(None);
    }
    LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), ScanArgsParquet::default())
        .map(Some)
        .map_err(|source| LoadError::Polars { table, path, source })
}

/// Collects a lazy frame, naming the table on error.
pub fn collect(lf: LazyFrame, lake: &Path, table: &'static str) -> Result<DataFrame, LoadError> {
    lf.collect().map_err(|source| LoadError::Polars { table, path: table_path(lake, table), source })
}

/// A required table.
pub fn require(lake: &Path, table: &'static str) -> Result<LazyFrame, LoadError> {
    scan_table(lake, table)?.ok_or_else(|| LoadError::Missing { table, path: table_path(lake, table) })
}

/// One MovieLens film.
#[derive(Debug, Clone, PartialEq)]
pub struct MlMovie {
    pub movie_id: i64,
    pub title: String,
    pub year: Option<i32>,
    pub genres: Vec<String>,
    /// Its IMDb id (`tt…`) when known.
    pub film_id: Option<String>,
}

/// How MovieLens films were matched to IMDb.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, PartialEq, Eq)]
pub struct MappingCounts {
    pub by_links: usize,
    pub by_title_and_year: usize,
    pub unmapped: usize,
}

/// MovieLens ratings: rows are users (`user_ids[row]`), columns are films (`movies[col]`).
#[derive(Debug, Clone)]
pub struct Interactions {
    pub ratings: Csr,
    pub user_ids: Vec<i64>,
    pub movies: Vec<MlMovie>,
    pub mapping: MappingCounts,
}

impl Interactions {
    pub fn movie_ids(&self) -> Vec<i64> {
        self.movies.iter().map(|m| m.movie_id).collect()
    }
}

fn err<'a>(lake: &'a Path, table: &'static str) -> impl Fn(PolarsError) -> LoadError + 'a {
    move |source| LoadError::Polars { table, path: table_path(lake, table), source }
}

/// Reads `ml_ratings` and `ml_movies`, and maps films to IMDb ids (links, else titles).
pub fn load(lake: &Path) -> Result<Interactions, LoadError> {
    let ratings = collect(
        require(lake, tables::ML_RATINGS)?.select([
            col(ml::USER_ID).cast(DataType::Int64),
            col(ml::MOVIE_ID).cast(DataType::Int64),
            col(ml::RATING).cast(DataType::Float32),
        ]),
        lake,
        tables::ML_RATINGS,
    )?;
    let e = err(lake, tables::ML_RATINGS);
    let users_col = ratings.column(ml::USER_ID).and_then(|c| c.i64().cloned()).map_err(&e)?;
    let movies_col = ratings.column(ml::MOVIE_ID).and_then(|c| c.i64().cloned()).map_err(&e)?;
    let values = ratings.column(ml::RATING).and_then(|c| c.f32().cloned()).map_err(&e)?;

    let mut movies = match scan_table(lake, tables::ML_MOVIES)? {
        Some(lf) => read_movies(lake, lf)?,
        None => Vec::new(),
    };
    // Rated films missing from ml_movies (orphans) still count as items.
    let mut known: HashMap<i64, usize> = movies.iter().enumerate().map(|(i, m)| (m.movie_id, i)).collect();
    for m in movies_col.iter().flatten() {
        if let std::collections::hash_map::Entry::Vacant(e) = known.entry(m) {
            e.insert(movies.len());
            movies.push(MlMovie { movie_id: m, title: String::new(), year: None, genres: Vec::new(), film_id: None });
        }
    }
    movies.sort_by_key(|m| m.movie_id);
    let column_of: HashMap<i64, u32> = movies.iter().enumerate().map(|(i, m)| (m.movie_id, i as u32)).collect();
    let mut user_ids: Vec<i64> = users_col.iter().flatten().collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let row_of: HashMap<i64, u32> = user_ids.iter().enumerate().map(|(i, &u)| (u, i as u32)).collect();
    let triplets: Vec<(u32, u32, f32)> = users_col
        .iter()
        .zip(movies_col.iter())
        .zip(values.iter())
        .filter_map(|((u, m), r)| Some((row_of[&u?], column_of[&m?], r?)))
        .collect();
    // A user who rated a film twice keeps one rating (the sum would be meaningless): last wins.
    let mut dedup: HashMap<(u32, u32), f32> = HashMap::with_capacity(triplets.len());
    for (u, i, r) in triplets {
        dedup.insert((u, i), r);
    }
    let triplets: Vec<(u32, u32, f32)> = dedup.into_iter().map(|((u, i), r)| (u, i, r)).collect();
    let ratings = Csr::from_triplets(user_ids.len(), movies.len(), &triplets);

    let mut mapping = MappingCounts::default();
    if let Some(links) = scan_table(lake, tables::LINKS)? {
        let links =
            collect(links.select([col(ml::MOVIE_ID).cast(DataType::Int64), col(ml::IMDB_ID)]), lake, tables::LINKS)?;
        let e = err(lake, tables::LINKS);
        let ids = links.column(ml::MOVIE_ID).and_then(|c| c.i64().cloned()).map_err(&e)?;
        let imdb_ids = links.column(ml::IMDB_ID).and_then(|c| c.str().cloned()).map_err(&e)?;
        for (m, tt) in ids.iter().zip(imdb_ids.iter()) {
            if let (Some(m), Some(tt)) = (m, tt)
                && let Some(&col) = column_of.get(&m)
            {
                movies[col as usize].film_id = Some(tt.to_owned());
                mapping.by_links += 1;
            }
        }
    }
    if movies.iter().any(|m| m.film_id.is_none())
        && let Some(titles) = scan_table(lake, tables::TITLES)?
    {
        let candidates = imdb_films(lake, titles)?;
        mapping.by_title_and_year = match_by_title(&mut movies, &candidates);
    }
    mapping.unmapped = movies.iter().filter(|m| m.film_id.is_none()).count();
    Ok(Interactions { ratings, user_ids, movies, mapping })
}

fn read_movies(lake: &Path, lf: LazyFrame) -> Result<Vec<MlMovie>, LoadError> {
    let df = collect(
        lf.select([col(ml::MOVIE_ID).cast(DataType::Int64), col(ml::TITLE), col(ml::YEAR), col(ml::GENRES)]),
        lake,
        tables::ML_MOVIES,
    )?;
    let e = err(lake, tables::ML_MOVIES);
    let ids = df.column(ml::MOVIE_ID).and_then(|c| c.i64().cloned()).map_err(&e)?;
    let titles = df.column(ml::TITLE).and_then(|c| c.str().cloned()).map_err(&e)?;
    let years = df.column(ml::YEAR).and_then(|c| c.i32().cloned()).map_err(&e)?;
    let genres = df.column(ml::GENRES).and_then(|c| c.list().cloned()).map_err(&e)?;
    let mut out = Vec::with_capacity(df.height());
    for (((id, title), year), g) in ids.iter().zip(titles.iter()).zip(years.iter()).zip(genres.series_iter()) {
        let Some(id) = id else { continue };
        out.push(MlMovie {
            movie_id: id,
            title: title.unwrap_or_default().to_owned(),
            year,
            genres: string_list(g.as_ref()),
            film_id: None,
        });
    }
    Ok(out)
}

/// The strings of a list cell.
pub fn string_list(cell: Option<&Series>) -> Vec<String> {
    cell.and_then(|s| s.str().ok().map(|ca| ca.iter().flatten().map(str::to_owned).collect())).unwrap_or_default()
}

/// An IMDb film a MovieLens title may be matched to.
#[derive(Debug, Clone)]
pub struct ImdbFilm {
    pub title_id: String,
    pub titles: Vec<String>,
    pub year: Option<i32>,
}

/// Feature films and TV films of `titles`, with their primary and original titles.
fn imdb_films(lake: &Path, titles: LazyFrame) -> Result<Vec<ImdbFilm>, LoadError> {
    let types = Series::new("types".into(), ["movie", "tvMovie", "video"]);
    let df = collect(
        titles.filter(col(imdb::TITLE_TYPE).is_in(lit(types).implode(false), false)).select([
            col(imdb::TITLE_ID),
            col(imdb::PRIMARY_TITLE),
            col(imdb::ORIGINAL_TITLE),
            col(imdb::START_YEAR),
        ]),
        lake,
        tables::TITLES,
    )?;
    let e = err(lake, tables::TITLES);
    let ids = df.column(imdb::TITLE_ID).and_then(|c| c.str().cloned()).map_err(&e)?;
    let primary = df.column(imdb::PRIMARY_TITLE).and_then(|c| c.str().cloned()).map_err(&e)?;
    let original = df.column(imdb::ORIGINAL_TITLE).and_then(|c| c.str().cloned()).map_err(&e)?;
    let years = df.column(imdb::START_YEAR).and_then(|c| c.i32().cloned()).map_err(&e)?;
    Ok(ids
        .iter()
        .zip(primary.iter())
        .zip(original.iter())
        .zip(years.iter())
        .filter_map(|(((id, p), o), y)| {
            Some(ImdbFilm {
                title_id: id?.to_owned(),
                titles: [p, o].into_iter().flatten().map(str::to_owned).collect(),
                year: y,
            })
        })
        .collect())
}

/// Gives unmapped MovieLens films the IMDb film with the same normalised title and year (a year off by
/// one accepted when nothing matches exactly; release years differ by country). Ambiguous titles (two
/// IMDb films with the same title and year) are left unmapped rather than guessed. Returns the count.
pub fn match_by_title(movies: &mut [MlMovie], films: &[ImdbFilm]) -> usize {
    let mut by_key: HashMap<(String, i32), Vec<usize>> = HashMap::new();
    for (f, film) in films.iter().enumerate() {
        let Some(year) = film.year else { continue };
        let mut names: Vec<String> = film.titles.iter().map(|t| normalize(t)).collect();
        names.sort();
        names.dedup();
        for n in names {
            by_key.entry((n, year)).or_default().push(f);
        }
    }
    let mut matched = 0;
    for m in movies.iter_mut().filter(|m| m.film_id.is_none()) {
        let (title, year_in_title) = split_year(&m.title);
        let Some(year) = m.year.or(year_in_title) else { continue };
        let variants: Vec<String> = movielens_variants(title).iter().map(|v| normalize(v)).collect();
        'years: for y in [year, year - 1, year + 1] {
            for v in &variants {
                if let Some(found) = by_key.get(&(v.clone(), y)) {
                    let mut distinct: Vec<usize> = found.clone();
                    distinct.dedup();
                    if distinct.len() == 1 {
                        m.film_id = Some(films[distinct[0]].title_id.clone());
                        matched += 1;
                    }
                    break 'years;
                }
            }
        }
    }
    matched
}

#[cfg(test)]
mod tests {
    use super::*;

    fn movie(id: i64, title: &str, year: i32) -> MlMovie {
        MlMovie { movie_id: id, title: title.to_owned(), year: Some(year), genres: Vec::new(), film_id: None }
    }

    fn film(id: &str, titles: &[&str], year: i32) -> ImdbFilm {
        ImdbFilm { title_id: id.to_owned(), titles: titles.iter().map(|t| t.to_string()).collect(), year: Some(year) }
    }

    #[test]
    fn movielens_titles_match_imdb_by_title_and_year() {
        let mut movies = vec![
            movie(1, "Shawshank Redemption, The (1994)", 1994),
            movie(2, "City of Lost Children, The (Cité des enfants perdus, La) (1995)", 1995),
            movie(3, "Dune (1984)", 1984),
            movie(4, "Unknown Film (1990)", 1990),
            movie(5, "Twins (1988)", 1988),
        ];
        let films = [
            film("tt0111161", &["The Shawshank Redemption"], 1994),
            film("tt0112682", &["The City of Lost Children", "La cité des enfants perdus"], 1995),
            film("tt0087182", &["Dune"], 1984),
            film("tt1160419", &["Dune"], 2021),
            film("tt0096320", &["Twins"], 1988),
            film("tt9999999", &["Twins"], 1988),
        ];
        assert_eq!(match_by_title(&mut movies, &films), 3);
        let ids: Vec<Option<&str>> = movies.iter().map(|m| m.film_id.as_deref()).collect();
        assert_eq!(ids, vec![Some("tt0111161"), Some("tt0112682"), Some("tt0087182"), None, None]);
    }
}
