//! Question 4: series actors versus film actors — how many act in both, the share and Jaccard overlap,
//! the people most present in both, and how this evolves per decade.
//!
//! A film actor has an actor/actress credit on a film (`FILM_TYPES`); a series actor on a series, a
//! mini-series or an episode (`SERIES_TYPES`). An episode counts as its parent series (title.episode),
//! so `series` counts distinct series. Per decade, the decade is the title's start year's.
//! Jaccard = both / (film actors + series actors − both). The people most present in both are ranked
//! by min(films, series) — how much they do of the lesser side — then by films + series, then id.

use polars::prelude::*;

use super::{
    ACTOR, ACTRESS, AnalyzeParams, FILM_TYPES, MartSchema, MartType, SERIES_TYPES, decade, id_number, is_one_of, stack,
};
use crate::sources::imdb::columns as imdb;

/// Mart columns.
pub mod columns {
    /// `overall`, `decade` (aggregate rows) or `person` (the people most present in both).
    pub const SECTION: &str = "section";
    /// Set on `decade` rows.
    pub const DECADE: &str = "decade";
    /// Aggregate rows: people with at least one film credit, one series credit, both.
    pub const FILM_ACTORS: &str = "film_actors";
    pub const SERIES_ACTORS: &str = "series_actors";
    pub const BOTH: &str = "both";
    /// both / film_actors: the share of film actors who also act in series.
    pub const SHARE_OF_FILM_ACTORS: &str = "share_of_film_actors";
    /// both / series_actors.
    pub const SHARE_OF_SERIES_ACTORS: &str = "share_of_series_actors";
    /// both / (film_actors + series_actors − both).
    pub const JACCARD: &str = "jaccard";
    /// Person rows: rank, id, name, distinct films and distinct series.
    pub const RANK: &str = "rank";
    pub const PERSON_ID: &str = "person_id";
    pub const NAME: &str = "name";
    pub const FILMS: &str = "films";
    pub const SERIES: &str = "series";
}
use columns as c;

pub const SCHEMA: MartSchema = &[
    (c::SECTION, MartType::Str),
    (c::DECADE, MartType::I32),
    (c::FILM_ACTORS, MartType::I64),
    (c::SERIES_ACTORS, MartType::I64),
    (c::BOTH, MartType::I64),
    (c::SHARE_OF_FILM_ACTORS, MartType::F64),
    (c::SHARE_OF_SERIES_ACTORS, MartType::F64),
    (c::JACCARD, MartType::F64),
    (c::RANK, MartType::I32),
    (c::PERSON_ID, MartType::Str),
    (c::NAME, MartType::Str),
    (c::FILMS, MartType::I64),
    (c::SERIES, MartType::I64),
];

pub const SECTION_OVERALL: &str = "overall";
pub const SECTION_DECADE: &str = "decade";
pub const SECTION_PERSON: &str = "person";

/// `(person_id, kind, work, decade)`: each performer credit on a film or a series (episodes → series).
fn work(credits: LazyFrame, titles: LazyFrame, episodes: Option<LazyFrame>) -> LazyFrame {
    let mut all_types: Vec<&str> = FILM_TYPES.to_vec();
    all_types.extend(SERIES_TYPES);
    let titles = titles.filter(is_one_of(imdb::TITLE_TYPE, &all_types)).select([
        col(imdb::TITLE_ID),
        col(imdb::TITLE_TYPE),
        col(imdb::START_YEAR),
    ]);
    let base = credits
        .filter(is_one_of(imdb::CATEGORY, &[ACTOR, ACTRESS]))
        .select([col(imdb::TITLE_ID), col(imdb::PERSON_ID)])
        .join(titles, [col(imdb::TITLE_ID)], [col(imdb::TITLE_ID)], JoinArgs::new(JoinType::Inner));
    let base = match episodes {
        Some(e) => base.join(
            e.select([col(imdb::EPISODE_ID), col(imdb::SERIES_ID)]),
            [col(imdb::TITLE_ID)],
            [col(imdb::EPISODE_ID)],
            JoinArgs::new(JoinType::Left),
        ),
        None => base.with_column(lit(NULL).cast(DataType::String).alias(imdb::SERIES_ID)),
    };
    let is_film = is_one_of(imdb::TITLE_TYPE, &FILM_TYPES);
    base.select([
        col(imdb::PERSON_ID),
        id_number(imdb::PERSON_ID).alias(PID),
        is_film.clone().alias(IS_FILM),
        when(is_film)
            .then(id_number(imdb::TITLE_ID))
            .otherwise(coalesce(&[id_number(imdb::SERIES_ID), id_number(imdb::TITLE_ID)]))
            .alias("work"),
        decade(col(imdb::START_YEAR)).alias(c::DECADE),
    ])
}

/// The person's id as a number, the grouping key.
const PID: &str = "pid";
/// Whether the credit is on a film (else on series work).
const IS_FILM: &str = "is_film";

/// Per-person flags grouped by `keys`, then the overlap figures per `keys`.
fn overlap(work: LazyFrame, keys: &[&str]) -> LazyFrame {
    let mut by: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    by.push(col(PID));
    // max of 0/1 flags is a vectorised "any".
    let flags = work.group_by(by).agg([
        col(IS_FILM).cast(DataType::Int32).max().eq(lit(1)).alias("in_films"),
        col(IS_FILM).cast(DataType::Int32).min().eq(lit(0)).alias("in_series"),
    ]);
    let by: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let sums = [
        col("in_films").cast(DataType::Int64).sum().alias(c::FILM_ACTORS),
        col("in_series").cast(DataType::Int64).sum().alias(c::SERIES_ACTORS),
        col("in_films").and(col("in_series")).cast(DataType::Int64).sum().alias(c::BOTH),
    ];
    let agg = if by.is_empty() { flags.select(sums) } else { flags.group_by(by).agg(sums) };
    let f = |name: &str| col(name).cast(DataType::Float64);
    agg.with_columns([
        (f(c::BOTH) / f(c::FILM_ACTORS)).alias(c::SHARE_OF_FILM_ACTORS),
        (f(c::BOTH) / f(c::SERIES_ACTORS)).alias(c::SHARE_OF_SERIES_ACTORS),
        (f(c::BOTH) / (f(c::FILM_ACTORS) + f(c::SERIES_ACTORS) - f(c::BOTH))).alias(c::JACCARD),
    ])
}

pub fn mart(
    credits: Option<LazyFrame>,
    titles: Option<LazyFrame>,
    episodes: Option<LazyFrame>,
    people: Option<LazyFrame>,
    params: &AnalyzeParams,
) -> PolarsResult<LazyFrame> {
    let (Some(credits), Some(titles)) = (credits, titles) else { return Ok(super::empty(SCHEMA)) };
    // Read by three aggregations: computed once.
    let work = work(credits, titles, episodes).cache();
    let overall = overlap(work.clone(), &[]).with_column(lit(SECTION_OVERALL).alias(c::SECTION));
    let by_decade = overlap(work.clone().filter(col(c::DECADE).is_not_null()), &[c::DECADE])
        .with_column(lit(SECTION_DECADE).alias(c::SECTION));
    // Distinct works on integer keys, then plain sums (a filtered n_unique in an aggregation runs per group).
    let mut persons = work
        .clone()
        .select([col(PID), col(IS_FILM), col("work")])
        .unique(None, UniqueKeepStrategy::Any)
        .group_by([col(PID)])
        .agg([
            col(IS_FILM).cast(DataType::Int64).sum().alias(c::FILMS),
            col(IS_FILM).not().cast(DataType::Int64).sum().alias(c::SERIES),
        ])
        .filter(col(c::FILMS).gt(lit(0)).and(col(c::SERIES).gt(lit(0))))
        .with_columns([
            when(col(c::FILMS).lt(col(c::SERIES))).then(col(c::FILMS)).otherwise(col(c::SERIES)).alias("lesser"),
            (col(c::FILMS) + col(c::SERIES)).alias("total"),
        ])
        .sort_by_exprs(
            [col("lesser"), col("total"), col(PID)],
            SortMultipleOptions::default().with_order_descending_multi([true, true, false]),
        )
        .limit(params.top_people)
        .with_columns([lit(SECTION_PERSON).alias(c::SECTION), position_col().alias(c::RANK)]);
    // The id text of the few people kept.
    let ids = work.select([col(PID), col(imdb::PERSON_ID)]);
    persons = persons
        .join(ids, [col(PID)], [col(PID)], JoinArgs::new(JoinType::Left))
        .unique(Some(cols([PID])), UniqueKeepStrategy::Any)
        .sort([c::RANK], SortMultipleOptions::default());
    if let Some(p) = people {
        persons = persons.join(
            p.select([col(imdb::PERSON_ID), col(imdb::PRIMARY_NAME).alias(c::NAME)]),
            [col(imdb::PERSON_ID)],
            [col(imdb::PERSON_ID)],
            JoinArgs { maintain_order: MaintainOrderJoin::Left, ..JoinArgs::new(JoinType::Left) },
        );
    }
    stack(vec![overall, by_decade, persons], SCHEMA)
}

/// 1, 2, 3… over the whole (sorted, limited) frame.
fn position_col() -> Expr {
    col(PID).cum_count(false).cast(DataType::Int32)
}

#[cfg(test)]
mod tests {
    use super::super::test_frames::*;
    use super::*;

    fn titles() -> LazyFrame {
        df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt3", "tt4", "tt5", "tt6"],
            imdb::TITLE_TYPE => ["movie", "movie", "tvSeries", "tvEpisode", "tvEpisode", "movie"],
            imdb::START_YEAR => [1995i32, 2001, 1998, 1999, 2002, 2003],
        )
        .unwrap()
        .lazy()
    }

    fn episodes() -> LazyFrame {
        df!(imdb::EPISODE_ID => ["tt4", "tt5"], imdb::SERIES_ID => ["tt3", "tt3"]).unwrap().lazy()
    }

    fn credits() -> LazyFrame {
        // nm1: films tt1, tt2 + episodes tt4, tt5 of series tt3 → both, 2 films, 1 series.
        // nm2: film tt1 only. nm3: episode tt4 only. nm4: film tt6 + series tt3 directly.
        df!(
            imdb::TITLE_ID => ["tt1", "tt2", "tt4", "tt5", "tt1", "tt4", "tt6", "tt3"],
            imdb::PERSON_ID => ["nm1", "nm1", "nm1", "nm1", "nm2", "nm3", "nm4", "nm4"],
            imdb::CATEGORY => ["actor", "actor", "actor", "actor", "actress", "actress", "actor", "actor"],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn overall_overlap_gives_counts_shares_and_jaccard() {
        let out = mart(Some(credits()), Some(titles()), Some(episodes()), None, &AnalyzeParams::default())
            .unwrap()
            .collect()
            .unwrap();
        let overall = rows_where(&out, c::SECTION, SECTION_OVERALL);
        // Film actors {1,2,4} = 3; series actors {1,3,4} = 3; both {1,4} = 2; union 4.
        assert_eq!(i64s(&overall, c::FILM_ACTORS), [Some(3)]);
        assert_eq!(i64s(&overall, c::SERIES_ACTORS), [Some(3)]);
        assert_eq!(i64s(&overall, c::BOTH), [Some(2)]);
        assert!(approx(f64s(&overall, c::SHARE_OF_FILM_ACTORS)[0].unwrap(), 2.0 / 3.0));
        assert!(approx(f64s(&overall, c::JACCARD)[0].unwrap(), 0.5));
    }

    #[test]
    fn per_decade_overlap_uses_each_credits_decade() {
        let out = mart(Some(credits()), Some(titles()), Some(episodes()), None, &AnalyzeParams::default())
            .unwrap()
            .collect()
            .unwrap();
        let decades = rows_where(&out, c::SECTION, SECTION_DECADE).sort([c::DECADE], Default::default()).unwrap();
        // 1990s: films {1,2}, series {1,3,4} (tt3 1998, tt4 1999) → both {1}, union 4 → 0.25.
        // 2000s: films {1,4}, series {1} (tt5) → both {1}, union 2 → 0.5.
        assert_eq!(i64s(&decades, c::DECADE), [Some(1990), Some(2000)]);
        assert_eq!(f64s(&decades, c::JACCARD), [Some(0.25), Some(0.5)]);
    }

    #[test]
    fn people_in_both_count_episodes_as_their_series_and_rank_by_the_lesser_side() {
        let out = mart(Some(credits()), Some(titles()), Some(episodes()), None, &AnalyzeParams::default())
            .unwrap()
            .collect()
            .unwrap();
        let persons = rows_where(&out, c::SECTION, SECTION_PERSON);
        // nm1: 2 films, 1 series (two episodes of tt3); nm4: 1 film, 1 series. Both lesser = 1, nm1 has more.
        assert_eq!(strs(&persons, c::PERSON_ID), [Some("nm1".into()), Some("nm4".into())]);
        assert_eq!(i64s(&persons, c::FILMS), [Some(2), Some(1)]);
        assert_eq!(i64s(&persons, c::SERIES), [Some(1), Some(1)]);
        assert_eq!(i64s(&persons, c::RANK), [Some(1), Some(2)]);
    }

    #[test]
    fn without_episodes_each_episode_counts_as_its_own_series() {
        let out =
            mart(Some(credits()), Some(titles()), None, None, &AnalyzeParams::default()).unwrap().collect().unwrap();
        let persons = rows_where(&out, c::SECTION, SECTION_PERSON);
        assert_eq!(i64s(&persons, c::SERIES)[0], Some(2));
    }
}
