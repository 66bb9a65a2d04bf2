//! The catalogue: the films the cinema could program, with their French display title beside the original.

use std::path::Path;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::lake::{self, StagedFile};
use crate::sources::imdb::columns as c;

/// Lake column names added by the catalogue.
pub mod columns {
    pub const FRENCH_TITLE: &str = "french_title";
    /// The title to show a French audience: the French title when known, else the original.
    pub const DISPLAY_TITLE_FR: &str = "display_title_fr";
}

/// Which titles the cinema could program (all configurable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogueRules {
    pub title_types: Vec<String>,
    pub min_votes: u32,
    pub min_runtime_minutes: u32,
    pub max_runtime_minutes: u32,
    pub include_adult: bool,
}

/// One French title per title: region FR, preferring IMDb's display title, then untyped ones,
/// then the lowest ordering (working and alternative titles come last).
pub fn french_titles(akas: LazyFrame) -> LazyFrame {
    let types = col(c::TYPES);
    let preference = when(types.clone().list().contains(lit("imdbDisplay"), false))
        .then(lit(0))
        .when(types.clone().is_null())
        .then(lit(1))
        .when(types.clone().list().contains(lit("working"), false).or(types.list().contains(lit("alternative"), false)))
        .then(lit(3))
        .otherwise(lit(2))
        .alias("preference");
    akas.filter(col(c::REGION).eq(lit("FR")).and(col(c::TITLE).is_not_null()))
        .select([col(c::TITLE_ID), col(c::ORDERING), col(c::TITLE), preference])
        .sort_by_exprs([col(c::TITLE_ID), col("preference"), col(c::ORDERING)], SortMultipleOptions::default())
        .unique_stable(Some(cols([c::TITLE_ID])), UniqueKeepStrategy::First)
        .select([col(c::TITLE_ID), col(c::TITLE).alias(columns::FRENCH_TITLE)])
}

/// Titles ⨝ ratings ⨝ French titles, filtered by the rules. Without ratings, votes are unknown and
/// only a zero `min_votes` lets titles through.
pub fn catalogue(
    titles: LazyFrame,
    ratings: Option<LazyFrame>,
    french: Option<LazyFrame>,
    rules: &CatalogueRules,
) -> LazyFrame {
    let types = Series::new("types".into(), rules.title_types.clone());
    let mut lf = titles.filter(
        col(c::TITLE_TYPE)
            .is_in(lit(types).implode(false), false)
            .and(col(c::RUNTIME_MINUTES).gt_eq(lit(rules.min_runtime_minutes as i32)))
            .and(col(c::RUNTIME_MINUTES).lt_eq(lit(rules.max_runtime_minutes as i32))),
    );
    if !rules.include_adult {
        lf = lf.filter(col(c::IS_ADULT).not());
    }
    lf = match ratings {
        Some(r) => lf.join(r, [col(c::TITLE_ID)], [col(c::TITLE_ID)], JoinArgs::new(JoinType::Left)),
        None => lf.with_columns([
            lit(NULL).cast(DataType::Float64).alias(c::AVERAGE_RATING),
            lit(NULL).cast(DataType::Int32).alias(c::NUM_VOTES),
        ]),
    };
    if rules.min_votes > 0 {
        lf = lf.filter(col(c::NUM_VOTES).gt_eq(lit(rules.min_votes as i32)));
    }
    lf = match french {
        Some(f) => lf.join(f, [col(c::TITLE_ID)], [col(c::TITLE_ID)], JoinArgs::new(JoinType::Left)),
        None => lf.with_column(lit(NULL).cast(DataType::String).alias(columns::FRENCH_TITLE)),
    };
    lf.select([
        col(c::TITLE_ID),
        col(c::TITLE_TYPE),
        col(c::PRIMARY_TITLE),
        col(c::ORIGINAL_TITLE),
        col(columns::FRENCH_TITLE),
        coalesce(&[col(columns::FRENCH_TITLE), col(c::PRIMARY_TITLE)]).alias(columns::DISPLAY_TITLE_FR),
        col(c::START_YEAR),
        col(c::RUNTIME_MINUTES),
        col(c::GENRES),
        col(c::AVERAGE_RATING),
        col(c::NUM_VOTES),
    ])
    .sort([c::TITLE_ID], SortMultipleOptions::default())
}

pub fn scan(path: &Path) -> PolarsResult<LazyFrame> {
    LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), ScanArgsParquet::default())
}

/// Computes the catalogue from (staged) lake files and stages it at `dest`.
pub fn write(
    titles: &Path,
    ratings: Option<&Path>,
    akas: Option<&Path>,
    rules: &CatalogueRules,
    dest: &Path,
) -> Result<StagedFile, Box<dyn std::error::Error + Send + Sync>> {
    let french = akas.map(scan).transpose()?.map(french_titles);
    let frame = catalogue(scan(titles)?, ratings.map(scan).transpose()?, french, rules).collect()?;
    let mut sink = lake::ParquetSink::create(dest, frame.schema())?;
    sink.write(&frame)?;
    Ok(sink.finish()?)
}

#[cfg(test)]
mod tests {
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

    fn titles() -> LazyFrame {
        df!(
            c::TITLE_ID => ["tt1", "tt2", "tt3", "tt4", "tt5"],
            c::TITLE_TYPE => ["movie", "movie", "tvEpisode", "movie", "movie"],
            c::PRIMARY_TITLE => ["The Matrix", "Amélie", "Pilot", "Adult", "Short one"],
            c::ORIGINAL_TITLE => ["The Matrix", "Le fabuleux destin d'Amélie Poulain", "Pilot", "Adult", "Short one"],
            c::IS_ADULT => [false, false, false, true, false],
            c::START_YEAR => [Some(1999), Some(2001), Some(2005), Some(2000), Some(2010)],
            c::RUNTIME_MINUTES => [Some(136), Some(122), Some(45), Some(90), Some(12)],
            c::GENRES => [Series::new("".into(), ["Action"]), Series::new("".into(), ["Comedy"]), Series::new("".into(), ["Drama"]), Series::new("".into(), ["Adult"]), Series::new("".into(), ["Short"])],
        )
        .unwrap()
        .lazy()
    }

    fn ratings() -> LazyFrame {
        df!(
            c::TITLE_ID => ["tt1", "tt2", "tt3", "tt4", "tt5"],
            c::AVERAGE_RATING => [8.7, 8.3, 7.0, 5.0, 6.0],
            c::NUM_VOTES => [2_000_000i32, 5, 100, 100, 100],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn the_catalogue_keeps_programmable_films_only() {
        let out = catalogue(titles(), Some(ratings()), None, &rules()).collect().unwrap();
        let ids: Vec<_> = out.column(c::TITLE_ID).unwrap().str().unwrap().iter().flatten().collect();
        // tt2: too few votes; tt3: an episode; tt4: adult; tt5: too short.
        assert_eq!(ids, ["tt1"]);
    }

    #[test]
    fn the_french_title_prefers_imdb_display_then_untyped_then_lowest_ordering() {
        let none = || Series::new_null("".into(), 0).cast(&DataType::String).unwrap();
        let akas = df!(
            c::TITLE_ID => ["tt1", "tt1", "tt1", "tt2", "tt2", "tt3"],
            c::ORDERING => [1i32, 2, 3, 1, 2, 1],
            c::TITLE => ["Matrix (working)", "Matrix", "The Matrix US", "Titre alt", "Titre", "Pilote"],
            c::REGION => [Some("FR"), Some("FR"), Some("US"), Some("FR"), Some("FR"), Some("FR")],
            c::TYPES => [
                Some(Series::new("".into(), ["working"])), Some(Series::new("".into(), ["imdbDisplay"])), None,
                Some(Series::new("".into(), ["alternative"])), None, Some(none()),
            ],
        )
        .unwrap()
        .lazy();
        let out = french_titles(akas).sort([c::TITLE_ID], Default::default()).collect().unwrap();
        let titles: Vec<_> = out.column(columns::FRENCH_TITLE).unwrap().str().unwrap().iter().flatten().collect();
        assert_eq!(titles, ["Matrix", "Titre", "Pilote"]);
    }

    #[test]
    fn without_ratings_only_a_zero_vote_threshold_keeps_titles() {
        let mut r = rules();
        assert_eq!(catalogue(titles(), None, None, &r).collect().unwrap().height(), 0);
        r.min_votes = 0;
        let out = catalogue(titles(), None, None, &r).collect().unwrap();
        assert_eq!(out.height(), 2);
        assert_eq!(out.column(columns::DISPLAY_TITLE_FR).unwrap().str().unwrap().get(1), Some("Amélie"));
    }
}
