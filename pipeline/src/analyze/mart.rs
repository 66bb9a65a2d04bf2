//! The registry of marts: one per question, with its file name, titles, schema and function, so the job,
//! the report and the docs list the same marts in the same order.

use polars::prelude::*;

use super::{
    AnalyzeError, AnalyzeParams, LakeFrames, MartSchema, actors, ages, audience, best_rated, countries, genres_money,
    niches, runtime, series_vs_films,
};

/// One mart: `<marts>/<name>.parquet`.
pub struct Mart {
    /// File stem, a public name (analysts read `marts/<name>.parquet`).
    pub name: &'static str,
    /// The question, for the report and the docs.
    pub question_fr: &'static str,
    pub question_en: &'static str,
    pub schema: MartSchema,
    /// The lake tables it reads (the first ones are required, see each module).
    pub inputs: &'static [&'static str],
    build: fn(&LakeFrames, &AnalyzeParams) -> PolarsResult<LazyFrame>,
}

impl Mart {
    /// The mart's plan over the lake (lazy: nothing is computed until it is collected).
    pub fn plan(&self, lake: &LakeFrames, params: &AnalyzeParams) -> Result<LazyFrame, AnalyzeError> {
        let lf = (self.build)(lake, params).map_err(|source| AnalyzeError::Mart { mart: self.name, source })?;
        // Every mart leaves with exactly its documented schema.
        super::conform(lf, self.schema).map_err(|source| AnalyzeError::Mart { mart: self.name, source })
    }

    /// Computes the mart.
    pub fn compute(&self, lake: &LakeFrames, params: &AnalyzeParams) -> Result<DataFrame, AnalyzeError> {
        self.plan(lake, params)?.collect().map_err(|source| AnalyzeError::Mart { mart: self.name, source })
    }
}

/// Countries of IMDb titles (TMDB through links, else akas), shared by the best-rated and niche marts.
fn title_countries(lake: &LakeFrames) -> Option<LazyFrame> {
    if let Some(shared) = &lake.title_countries {
        return Some(shared.clone());
    }
    countries::title_countries(lake.titles.clone()?, lake.akas.clone(), lake.links.clone(), lake.tmdb_movies.clone())
}

pub const MARTS: [Mart; 9] = [
    Mart {
        name: "countries",
        question_fr: "Quels pays produisent le plus de films, en tout et par décennie ?",
        question_en: "Which countries produce the most films, overall and per decade?",
        schema: countries::SCHEMA,
        inputs: &["tmdb_movies", "titles", "akas"],
        build: |l, _| countries::mart(l.tmdb_movies.clone(), l.titles.clone(), l.akas.clone()),
    },
    Mart {
        name: "actors",
        question_fr: "Quels acteurs et actrices sont les plus présents, en tout, par décennie et par genre ?",
        question_en: "Which actors and actresses appear most, overall, per decade and per genre?",
        schema: actors::SCHEMA,
        inputs: &["credits", "titles", "people"],
        build: |l, p| actors::mart(l.credits.clone(), l.titles.clone(), l.people.clone(), p),
    },
    Mart {
        name: "runtime",
        question_fr: "Comment la durée des films et des épisodes de séries évolue-t-elle ?",
        question_en: "How does the runtime of films and series episodes change over the years?",
        schema: runtime::SCHEMA,
        inputs: &["titles"],
        build: |l, _| runtime::mart(l.titles.clone()),
    },
    Mart {
        name: "series_vs_films",
        question_fr: "Les acteurs de séries sont-ils aussi des acteurs de cinéma ?",
        question_en: "Do series actors also act in films?",
        schema: series_vs_films::SCHEMA,
        inputs: &["credits", "titles", "episodes", "people"],
        build: |l, p| {
            series_vs_films::mart(l.credits.clone(), l.titles.clone(), l.episodes.clone(), l.people.clone(), p)
        },
    },
    Mart {
        name: "ages",
        question_fr: "Quel âge ont les acteurs à la sortie des films, et dans les premiers rôles ?",
        question_en: "How old are actors when their films come out, and in lead roles?",
        schema: ages::SCHEMA,
        inputs: &["credits", "titles", "people"],
        build: |l, _| ages::mart(l.credits.clone(), l.titles.clone(), l.people.clone()),
    },
    Mart {
        name: "best_rated",
        question_fr: "Quels sont les films les mieux notés, et qu'ont-ils en commun ?",
        question_en: "Which films are the best rated, and what do they have in common?",
        schema: best_rated::SCHEMA,
        inputs: &["catalogue", "crew", "people", "akas", "links", "tmdb_movies"],
        build: |l, p| best_rated::mart(l.catalogue.clone(), l.crew.clone(), l.people.clone(), title_countries(l), p),
    },
    Mart {
        name: "genres_money",
        question_fr: "Quels genres montent ou déclinent, et lesquels rapportent le plus ?",
        question_en: "Which genres rise or fall, and which pay back the most?",
        schema: genres_money::SCHEMA,
        inputs: &["titles", "imdb_ratings", "tmdb_movies"],
        build: |l, _| genres_money::mart(l.titles.clone(), l.imdb_ratings.clone(), l.tmdb_movies.clone()),
    },
    Mart {
        name: "audience",
        question_fr: "Quels publics aiment quels genres ?",
        question_en: "Which audiences love which genres?",
        schema: audience::SCHEMA,
        inputs: &["ml_ratings", "ml_movies", "ml_users"],
        build: |l, _| audience::mart(l.ml_ratings.clone(), l.ml_movies.clone(), l.ml_users.clone()),
    },
    Mart {
        name: "niches",
        question_fr: "Dans quelle niche le cinéma devrait-il se spécialiser ?",
        question_en: "Which niche should the cinema specialise in?",
        schema: niches::SCHEMA,
        inputs: &["catalogue", "ml_ratings", "ml_movies", "links", "akas", "tmdb_movies"],
        build: |l, p| {
            niches::mart(
                l.catalogue.clone(),
                title_countries(l),
                l.ml_ratings.clone(),
                l.ml_movies.clone(),
                l.links.clone(),
                p,
            )
        },
    },
];

/// The mart called `name`.
pub fn by_name(name: &str) -> Option<&'static Mart> {
    MARTS.iter().find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mart_gives_its_schema_on_an_empty_lake() {
        let lake = LakeFrames::default();
        for mart in &MARTS {
            let out = mart.compute(&lake, &AnalyzeParams::default()).unwrap();
            assert_eq!(out.height(), 0, "{}", mart.name);
            let names: Vec<&str> = out.get_column_names().iter().map(|n| n.as_str()).collect();
            let expected: Vec<&str> = mart.schema.iter().map(|(n, _)| *n).collect();
            assert_eq!(names, expected, "{}", mart.name);
        }
    }

    #[test]
    fn every_mart_column_is_documented_with_its_type_in_the_readme() {
        let readme = include_str!("README.md");
        for mart in &MARTS {
            let start = readme
                .find(&format!("\n## {} — ", mart.name))
                .unwrap_or_else(|| panic!("no section for {}", mart.name));
            let section = &readme[start + 1..];
            let section = &section[..section[1..].find("\n## ").map_or(section.len(), |e| e + 1)];
            for (column, t) in mart.schema {
                let row = format!("| `{column}` | {} |", t.name());
                assert!(section.contains(&row), "{}: README lacks the row {row}", mart.name);
            }
            let documented = section.lines().filter(|l| l.starts_with("| `")).count();
            assert_eq!(documented, mart.schema.len(), "{}: README documents columns the mart lacks", mart.name);
        }
    }

    #[test]
    fn mart_names_are_unique() {
        let mut names: Vec<_> = MARTS.iter().map(|m| m.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), MARTS.len());
    }
}
