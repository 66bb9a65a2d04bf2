//! The catalogue: the films the cinema could program, with their French display title beside the original.
//!
//! Computed by streaming the lake's titles, ratings and akas as Arrow batches: memory holds one batch and
//! the catalogue itself, whatever the size of the dump. (A polars query over the same files decoded long
//! stretches of them at once: 1.9 GiB at the scale of the real dump, against 0.4 GiB for the rest of the
//! ingest.)

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type};
use arrow_array::{Array, BooleanArray, Float64Array, Int32Array, ListArray, RecordBatch, StringArray};
use arrow_schema::ArrowError;
use cinepicks_domain::{Language, titles};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::lake::{self, BatchSink, LakeError, Part, StagedFile};
use crate::sources::batch::{BatchBuilder, Columns, Kind, schema_of};
use crate::sources::imdb::columns as c;

/// Lake column names added by the catalogue.
pub mod columns {
    pub const FRENCH_TITLE: &str = "french_title";
    /// The title to show a French audience: the French title when known, else the original one
    /// ([`cinepicks_domain::titles::display_title`]).
    pub const DISPLAY_TITLE_FR: &str = "display_title_fr";
}

/// The catalogue table, in order.
pub const COLUMNS: Columns = &[
    (c::TITLE_ID, Kind::Str),
    (c::TITLE_TYPE, Kind::Str),
    (c::PRIMARY_TITLE, Kind::Str),
    (c::ORIGINAL_TITLE, Kind::Str),
    (columns::FRENCH_TITLE, Kind::Str),
    (columns::DISPLAY_TITLE_FR, Kind::Str),
    (c::START_YEAR, Kind::I32),
    (c::RUNTIME_MINUTES, Kind::I32),
    (c::GENRES, Kind::StrList),
    (c::AVERAGE_RATING, Kind::F64),
    (c::NUM_VOTES, Kind::I32),
];

/// Which titles the cinema could program (all configurable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueRules {
    pub title_types: Vec<String>,
    pub min_votes: u32,
    pub min_runtime_minutes: u32,
    pub max_runtime_minutes: u32,
    pub include_adult: bool,
}

/// IMDb's average rating and number of votes, by title id.
type Ratings = HashMap<String, (Option<f64>, Option<i32>)>;

/// One programmable film while the catalogue is built.
struct Film {
    id: String,
    title_type: String,
    primary_title: Option<String>,
    original_title: Option<String>,
    start_year: Option<i32>,
    runtime: Option<i32>,
    genres: Option<Vec<String>>,
    rating: Option<f64>,
    votes: Option<i32>,
    french: Option<FrenchTitle>,
}

/// A French title of a film, and what makes it preferable to another.
struct FrenchTitle {
    preference: u8,
    ordering: Option<i32>,
    title: String,
}

impl FrenchTitle {
    /// Lower is better; a missing ordering sorts first.
    fn rank(&self) -> (u8, Option<i32>) {
        (self.preference, self.ordering)
    }
}

/// Computes the catalogue from (staged) lake files and stages it at `dest`: titles filtered by the rules,
/// with their IMDb rating and French title. Without ratings, votes are unknown and only a zero
/// `min_votes` lets titles through.
pub fn write(
    titles: &Path,
    ratings: Option<&Path>,
    akas: Option<&Path>,
    rules: &CatalogueRules,
    dest: &Path,
) -> Result<StagedFile, LakeError> {
    let ratings = ratings.map(|path| read_ratings(path, rules.min_votes)).transpose()?;
    let mut films = match ratings {
        None if rules.min_votes > 0 => Vec::new(),
        _ => read_films(titles, ratings.as_ref(), rules)?,
    };
    films.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    if let Some(akas) = akas
        && !films.is_empty()
    {
        attach_french_titles(akas, &mut films)?;
    }
    let mut sink = BatchSink::create(dest, schema_of(COLUMNS))?;
    sink.write(&to_batch(&films, dest)?)?;
    sink.finish()
}

/// Rating and votes by title, only for titles with at least `min_votes` votes.
fn read_ratings(path: &Path, min_votes: u32) -> Result<Ratings, LakeError> {
    let mut ratings = HashMap::new();
    for batch in lake::read_batches(path, Some(&[c::TITLE_ID, c::AVERAGE_RATING, c::NUM_VOTES]))? {
        let batch = batch?;
        let (ids, averages, votes) = (
            strings(&batch, c::TITLE_ID, path)?,
            f64s(&batch, c::AVERAGE_RATING, path)?,
            i32s(&batch, c::NUM_VOTES, path)?,
        );
        for row in 0..batch.num_rows() {
            let n = votes.is_valid(row).then(|| votes.value(row));
            let too_few = min_votes > 0 && n.is_none_or(|n| i64::from(n) < i64::from(min_votes));
            if too_few || !ids.is_valid(row) {
                continue;
            }
            ratings.insert(ids.value(row).to_owned(), (averages.is_valid(row).then(|| averages.value(row)), n));
        }
    }
    Ok(ratings)
}

/// The titles the rules keep, with their rating when `ratings` is given.
fn read_films(path: &Path, ratings: Option<&Ratings>, rules: &CatalogueRules) -> Result<Vec<Film>, LakeError> {
    let parts: Vec<Part> = Part::per_thread().collect();
    let films = parts.into_par_iter().map(|part| read_films_part(path, ratings, rules, part));
    Ok(films.collect::<Result<Vec<_>, _>>()?.into_iter().flatten().collect())
}

fn read_films_part(
    path: &Path,
    ratings: Option<&Ratings>,
    rules: &CatalogueRules,
    part: Part,
) -> Result<Vec<Film>, LakeError> {
    let wanted = [
        c::TITLE_ID,
        c::TITLE_TYPE,
        c::PRIMARY_TITLE,
        c::ORIGINAL_TITLE,
        c::IS_ADULT,
        c::START_YEAR,
        c::RUNTIME_MINUTES,
        c::GENRES,
    ];
    let runtimes = rules.min_runtime_minutes as i64..=rules.max_runtime_minutes as i64;
    let mut films = Vec::new();
    for batch in lake::read_part(path, Some(&wanted), None, part)? {
        let batch = batch?;
        let ids = strings(&batch, c::TITLE_ID, path)?;
        let types = strings(&batch, c::TITLE_TYPE, path)?;
        let primary = strings(&batch, c::PRIMARY_TITLE, path)?;
        let original = strings(&batch, c::ORIGINAL_TITLE, path)?;
        let adult = bools(&batch, c::IS_ADULT, path)?;
        let years = i32s(&batch, c::START_YEAR, path)?;
        let runtime = i32s(&batch, c::RUNTIME_MINUTES, path)?;
        let genres = lists(&batch, c::GENRES, path)?;
        for row in 0..batch.num_rows() {
            let kept = ids.is_valid(row)
                && types.is_valid(row)
                && rules.title_types.iter().any(|t| t == types.value(row))
                && runtime.is_valid(row)
                && runtimes.contains(&i64::from(runtime.value(row)))
                && (rules.include_adult || (adult.is_valid(row) && !adult.value(row)));
            if !kept {
                continue;
            }
            let (rating, votes) = match ratings {
                Some(ratings) => match ratings.get(ids.value(row)) {
                    Some(&found) => found,
                    None if rules.min_votes > 0 => continue,
                    None => (None, None),
                },
                None => (None, None),
            };
            films.push(Film {
                id: ids.value(row).to_owned(),
                title_type: types.value(row).to_owned(),
                primary_title: text(primary, row),
                original_title: text(original, row),
                start_year: years.is_valid(row).then(|| years.value(row)),
                runtime: Some(runtime.value(row)),
                genres: string_list(genres, row),
                rating,
                votes,
                french: None,
            });
        }
    }
    Ok(films)
}

/// One French title per film: region FR, preferring IMDb's display title, then untyped ones, then the
/// lowest ordering (working and alternative titles come last). `films` must be sorted by id.
fn attach_french_titles(path: &Path, films: &mut [Film]) -> Result<(), LakeError> {
    let ids: Arc<Vec<String>> = Arc::new(films.iter().map(|film| film.id.clone()).collect());
    let parts: Vec<Part> = Part::per_thread().collect();
    let found =
        parts.into_par_iter().map(|part| french_titles_part(path, &ids, part)).collect::<Result<Vec<_>, _>>()?;
    // Parts in file order, so that ties keep the first row read, as a stable sort would.
    for (at, candidate) in found.into_iter().flatten() {
        let best = &mut films[at].french;
        if best.as_ref().is_none_or(|best| candidate.rank() < best.rank()) {
            *best = Some(candidate);
        }
    }
    Ok(())
}

/// The French titles of one part of the akas, as (film index in `ids`, title), in file order.
fn french_titles_part(path: &Path, ids: &Arc<Vec<String>>, part: Part) -> Result<Vec<(usize, FrenchTitle)>, LakeError> {
    let (shown, known) = (path.to_path_buf(), ids.clone());
    let of_films_in_france: lake::KeepRows = Box::new(move |batch: &RecordBatch| {
        let column = |name| strings(batch, name, &shown).map_err(|e| ArrowError::ExternalError(Box::new(e)));
        let (titles, regions) = (column(c::TITLE_ID)?, column(c::REGION)?);
        Ok((0..batch.num_rows())
            .map(|row| {
                let french = regions.is_valid(row) && regions.value(row) == "FR" && titles.is_valid(row);
                Some(french && known.binary_search_by(|id| id.as_str().cmp(titles.value(row))).is_ok())
            })
            .collect())
    });
    let wanted = [c::TITLE_ID, c::ORDERING, c::TITLE, c::TYPES];
    let mut found = Vec::new();
    let filter = (&[c::TITLE_ID, c::REGION][..], of_films_in_france);
    for batch in lake::read_part(path, Some(&wanted), Some(filter), part)? {
        let batch = batch?;
        let title_ids = strings(&batch, c::TITLE_ID, path)?;
        let orderings = i32s(&batch, c::ORDERING, path)?;
        let titles = strings(&batch, c::TITLE, path)?;
        let types = lists(&batch, c::TYPES, path)?;
        for row in 0..batch.num_rows() {
            let Ok(at) = ids.binary_search_by(|id| id.as_str().cmp(title_ids.value(row))) else { continue };
            if titles.is_valid(row) {
                let preference = french_preference(string_list(types, row).as_deref());
                let ordering = orderings.is_valid(row).then(|| orderings.value(row));
                found.push((at, FrenchTitle { preference, ordering, title: titles.value(row).to_owned() }));
            }
        }
    }
    Ok(found)
}

/// Lower is better: IMDb's display title, then untyped titles, then other types, then working or
/// alternative titles.
fn french_preference(types: Option<&[String]>) -> u8 {
    match types {
        Some(types) if types.iter().any(|t| t == "imdbDisplay") => 0,
        None => 1,
        Some(types) if types.iter().any(|t| t == "working" || t == "alternative") => 3,
        Some(_) => 2,
    }
}

fn to_batch(films: &[Film], dest: &Path) -> Result<RecordBatch, LakeError> {
    let mut out = BatchBuilder::new(COLUMNS, films.len());
    for film in films {
        let french = film.french.as_ref().map(|f| f.title.as_str());
        out.str(0, Some(&film.id));
        out.str(1, Some(&film.title_type));
        out.str(2, film.primary_title.as_deref());
        out.str(3, film.original_title.as_deref());
        out.str(4, french);
        let shown = film
            .primary_title
            .as_deref()
            .map(|primary| titles::display_title(Language::Fr, primary, film.original_title.as_deref(), french));
        out.str(5, shown.or(french).or(film.original_title.as_deref()));
        out.i32(6, film.start_year);
        out.i32(7, film.runtime);
        out.list(8, film.genres.as_ref().map(|g| g.iter().map(String::as_str)));
        out.f64(9, film.rating);
        out.i32(10, film.votes);
        out.end_row();
    }
    out.take().map_err(|source| LakeError::Arrow { path: dest.to_path_buf(), source })
}

fn column<'a>(batch: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a dyn Array, LakeError> {
    batch
        .column_by_name(name)
        .map(|array| array.as_ref())
        .ok_or_else(|| LakeError::Column { path: path.to_path_buf(), column: name.to_owned() })
}

fn typed<'a, T: 'a>(array: Option<&'a T>, name: &str, path: &Path) -> Result<&'a T, LakeError> {
    array.ok_or_else(|| LakeError::Column { path: path.to_path_buf(), column: name.to_owned() })
}

fn strings<'a>(batch: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a StringArray, LakeError> {
    typed(column(batch, name, path)?.as_string_opt::<i32>(), name, path)
}

fn i32s<'a>(batch: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a Int32Array, LakeError> {
    typed(column(batch, name, path)?.as_primitive_opt::<Int32Type>(), name, path)
}

fn f64s<'a>(batch: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a Float64Array, LakeError> {
    typed(column(batch, name, path)?.as_primitive_opt::<Float64Type>(), name, path)
}

fn bools<'a>(batch: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a BooleanArray, LakeError> {
    typed(column(batch, name, path)?.as_boolean_opt(), name, path)
}

fn lists<'a>(batch: &'a RecordBatch, name: &str, path: &Path) -> Result<&'a ListArray, LakeError> {
    typed(column(batch, name, path)?.as_list_opt::<i32>(), name, path)
}

fn text(array: &StringArray, row: usize) -> Option<String> {
    array.is_valid(row).then(|| array.value(row).to_owned())
}

fn string_list(array: &ListArray, row: usize) -> Option<Vec<String>> {
    if !array.is_valid(row) {
        return None;
    }
    let items = array.value(row);
    let items = items.as_string::<i32>();
    Some(items.iter().flatten().map(str::to_owned).collect())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int32Array, StringArray};
    use polars::prelude::*;

    use super::*;

    fn rules() -> CatalogueRules {
        CatalogueRules {
            title_types: vec!["movie".into()],
            min_votes: 10,
            min_runtime_minutes: 40,
            max_runtime_minutes: 300,
            include_adult: false,
        }
    }

    fn list(values: &[Option<&[&str]>]) -> ArrayRef {
        let mut b = ListBuilder::new(StringBuilder::new());
        for value in values {
            match value {
                Some(items) => {
                    items.iter().for_each(|i| b.values().append_value(i));
                    b.append(true);
                }
                None => b.append_null(),
            }
        }
        Arc::new(b.finish())
    }

    fn write_table(dir: &Path, name: &str, columns: Vec<(&str, ArrayRef)>) -> std::path::PathBuf {
        let path = dir.join(format!("{name}.parquet"));
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let mut sink = BatchSink::create(&path, batch.schema()).unwrap();
        sink.write(&batch).unwrap();
        sink.finish().unwrap().publish().unwrap();
        path
    }

    fn titles(dir: &Path) -> std::path::PathBuf {
        let s = |v: &[&str]| -> ArrayRef { Arc::new(StringArray::from(v.to_vec())) };
        write_table(
            dir,
            "titles",
            vec![
                (c::TITLE_ID, s(&["tt1", "tt2", "tt3", "tt4", "tt5"])),
                (c::TITLE_TYPE, s(&["movie", "movie", "tvEpisode", "movie", "movie"])),
                (c::PRIMARY_TITLE, s(&["The Matrix", "Amélie", "Pilot", "Adult", "Short one"])),
                (
                    c::ORIGINAL_TITLE,
                    s(&["The Matrix", "Le fabuleux destin d'Amélie Poulain", "Pilot", "Adult", "Short one"]),
                ),
                (c::IS_ADULT, Arc::new(BooleanArray::from(vec![false, false, false, true, false]))),
                (c::START_YEAR, Arc::new(Int32Array::from(vec![1999, 2001, 2005, 2000, 2010]))),
                (c::RUNTIME_MINUTES, Arc::new(Int32Array::from(vec![136, 122, 45, 90, 12]))),
                (
                    c::GENRES,
                    list(&[Some(&["Action", "Sci-Fi"]), Some(&["Comedy"]), Some(&["Drama"]), None, Some(&["Short"])]),
                ),
            ],
        )
    }

    fn ratings(dir: &Path) -> std::path::PathBuf {
        write_table(
            dir,
            "ratings",
            vec![
                (c::TITLE_ID, Arc::new(StringArray::from(vec!["tt1", "tt2", "tt3", "tt4", "tt5"])) as ArrayRef),
                (c::AVERAGE_RATING, Arc::new(Float64Array::from(vec![8.7, 8.3, 7.0, 5.0, 6.0]))),
                (c::NUM_VOTES, Arc::new(Int32Array::from(vec![2_000_000, 5, 100, 100, 100]))),
            ],
        )
    }

    /// The catalogue as polars reads it back, as downstream jobs do.
    fn catalogue(titles: &Path, ratings: Option<&Path>, akas: Option<&Path>, rules: &CatalogueRules) -> DataFrame {
        let dest = titles.with_file_name("catalogue.parquet");
        write(titles, ratings, akas, rules, &dest).unwrap().publish().unwrap();
        LazyFrame::scan_parquet(PlRefPath::new(dest.to_str().unwrap()), Default::default()).unwrap().collect().unwrap()
    }

    fn strs(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
        frame.column(name).unwrap().str().unwrap().iter().map(|v| v.map(str::to_owned)).collect()
    }

    #[test]
    fn the_catalogue_keeps_programmable_films_only_with_their_rating_and_genres() {
        let dir = tempfile::tempdir().unwrap();
        let out = catalogue(&titles(dir.path()), Some(&ratings(dir.path())), None, &rules());
        // tt2: too few votes; tt3: an episode; tt4: adult; tt5: too short.
        assert_eq!(strs(&out, c::TITLE_ID), [Some("tt1".to_owned())]);
        assert_eq!(out.column(c::NUM_VOTES).unwrap().i32().unwrap().get(0), Some(2_000_000));
        assert_eq!(out.column(c::AVERAGE_RATING).unwrap().f64().unwrap().get(0), Some(8.7));
        let genres = out.column(c::GENRES).unwrap().list().unwrap().get_as_series(0).unwrap();
        assert_eq!(genres.str().unwrap().iter().flatten().collect::<Vec<_>>(), ["Action", "Sci-Fi"]);
        assert_eq!(strs(&out, columns::DISPLAY_TITLE_FR), [Some("The Matrix".to_owned())]);
    }

    #[test]
    fn the_french_title_prefers_imdb_display_then_untyped_then_lowest_ordering() {
        let dir = tempfile::tempdir().unwrap();
        let akas = write_table(
            dir.path(),
            "akas",
            vec![
                (
                    c::TITLE_ID,
                    Arc::new(StringArray::from(vec!["tt1", "tt1", "tt1", "tt2", "tt2", "tt2", "tt9"])) as ArrayRef,
                ),
                (c::ORDERING, Arc::new(Int32Array::from(vec![1, 2, 3, 1, 2, 3, 1]))),
                (
                    c::TITLE,
                    Arc::new(StringArray::from(vec![
                        "Matrix (working)",
                        "Matrix",
                        "The Matrix US",
                        "Titre alt",
                        "Titre",
                        "Titre bis",
                        "Inconnu",
                    ])),
                ),
                (
                    c::REGION,
                    Arc::new(StringArray::from(vec![
                        Some("FR"),
                        Some("FR"),
                        Some("US"),
                        Some("FR"),
                        Some("FR"),
                        Some("FR"),
                        Some("FR"),
                    ])),
                ),
                (
                    c::TYPES,
                    list(&[Some(&["working"]), Some(&["imdbDisplay"]), None, Some(&["alternative"]), None, None, None]),
                ),
            ],
        );
        let mut r = rules();
        r.min_votes = 0;
        let out = catalogue(&titles(dir.path()), Some(&ratings(dir.path())), Some(&akas), &r);
        assert_eq!(strs(&out, c::TITLE_ID), [Some("tt1".to_owned()), Some("tt2".to_owned())]);
        assert_eq!(strs(&out, columns::FRENCH_TITLE), [Some("Matrix".to_owned()), Some("Titre".to_owned())]);
        assert_eq!(strs(&out, columns::DISPLAY_TITLE_FR), [Some("Matrix".to_owned()), Some("Titre".to_owned())]);
        assert_eq!(french_preference(Some(&[])), 2);
    }

    #[test]
    fn without_ratings_only_a_zero_vote_threshold_keeps_titles() {
        let dir = tempfile::tempdir().unwrap();
        let titles = titles(dir.path());
        let mut r = rules();
        assert_eq!(catalogue(&titles, None, None, &r).height(), 0);
        r.min_votes = 0;
        let out = catalogue(&titles, None, None, &r);
        assert_eq!(strs(&out, c::TITLE_ID), [Some("tt1".to_owned()), Some("tt2".to_owned())]);
        // No French aka: French readers get the original title, not the international one.
        assert_eq!(strs(&out, columns::DISPLAY_TITLE_FR)[1].as_deref(), Some("Le fabuleux destin d'Amélie Poulain"));
        assert_eq!(out.column(c::NUM_VOTES).unwrap().null_count(), 2);
    }

    #[test]
    fn a_lake_file_without_an_expected_column_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let bad = write_table(
            dir.path(),
            "titles",
            vec![(c::TITLE_ID, Arc::new(StringArray::from(vec!["tt1"])) as ArrayRef)],
        );
        let err = write(&bad, None, None, &CatalogueRules { min_votes: 0, ..rules() }, &dir.path().join("c.parquet"))
            .unwrap_err();
        assert!(err.to_string().contains("titles.parquet") && err.to_string().contains(c::TITLE_TYPE), "{err}");
    }
}
