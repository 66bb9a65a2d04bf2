//! Why a film is recommended: a kind (`same_director`, `shared_cast`, `co_liked`…) and a detail (a name, a
//! film id), stored as data and rendered in French or English by whoever shows it.

use cinepicks_domain::Language;
use serde::{Deserialize, Serialize};

use super::content::{FeatureTable, Field};

/// The kinds of reason, stored as snake_case strings in `similar_films.parquet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    SameDirector,
    SharedCast,
    SharedWriter,
    /// People who liked the detail film also liked this one.
    CoLiked,
    SharedKeywords,
    SimilarGenres,
    /// Close to the detail film, itself close to a liked one (proposed when direct neighbours run out).
    CloseTo,
    /// Among the most-voted films (the last resort when no neighbour is allowed).
    Popular,
}

impl ReasonKind {
    pub const ALL: [ReasonKind; 8] = [
        ReasonKind::SameDirector,
        ReasonKind::SharedCast,
        ReasonKind::SharedWriter,
        ReasonKind::CoLiked,
        ReasonKind::SharedKeywords,
        ReasonKind::SimilarGenres,
        ReasonKind::CloseTo,
        ReasonKind::Popular,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::SameDirector => "same_director",
            ReasonKind::SharedCast => "shared_cast",
            ReasonKind::SharedWriter => "shared_writer",
            ReasonKind::CoLiked => "co_liked",
            ReasonKind::SharedKeywords => "shared_keywords",
            ReasonKind::SimilarGenres => "similar_genres",
            ReasonKind::CloseTo => "close_to",
            ReasonKind::Popular => "popular",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A reason: its kind and an optional detail (a person's name, genres, or the co-liked film's id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub kind: ReasonKind,
    pub detail: Option<String>,
}

/// The most telling feature two films share, by priority: director, cast, writer, keywords, genres.
pub fn content_reason(table: &FeatureTable, a: usize, b: usize) -> Option<Reason> {
    let shared = table.shared(a, b);
    let labels = |field: Field, max: usize| -> Vec<&str> {
        shared
            .iter()
            .filter(|&&f| table.fields[f as usize] == field)
            .take(max)
            .map(|&f| table.labels[f as usize].as_str())
            .collect()
    };
    for (field, kind, max) in [
        (Field::Director, ReasonKind::SameDirector, 1),
        (Field::Cast, ReasonKind::SharedCast, 2),
        (Field::Writer, ReasonKind::SharedWriter, 1),
        (Field::Keyword, ReasonKind::SharedKeywords, 3),
        (Field::Genre, ReasonKind::SimilarGenres, 3),
    ] {
        let found = labels(field, max);
        if !found.is_empty() {
            return Some(Reason { kind, detail: Some(found.join(", ")) });
        }
    }
    None
}

/// The reason a neighbour `b` of `a` is given: "co-liked" when the crowd contributed more than content
/// (or content shares nothing telling), the best shared feature otherwise.
pub fn neighbour_reason(
    table: &FeatureTable,
    a: usize,
    b: usize,
    a_film_id: &str,
    collaborative_share: f32,
    content_share: f32,
) -> Reason {
    let co_liked = Reason { kind: ReasonKind::CoLiked, detail: Some(a_film_id.to_owned()) };
    let content = content_reason(table, a, b);
    match content {
        Some(r) if content_share >= collaborative_share || matches!(r.kind, ReasonKind::SameDirector) => r,
        Some(r) if collaborative_share <= 0.0 => r,
        _ if collaborative_share > 0.0 => co_liked,
        Some(r) => r,
        None => Reason { kind: ReasonKind::SimilarGenres, detail: None },
    }
}

/// The sentence shown to people. `title_of` turns a film id (the detail of `co_liked`) into its title.
pub fn render(
    kind: ReasonKind,
    detail: Option<&str>,
    language: Language,
    title_of: impl Fn(&str) -> Option<String>,
) -> String {
    let d = detail.unwrap_or("");
    match (language, kind) {
        (Language::Fr, ReasonKind::SameDirector) => format!("du même réalisateur : {d}"),
        (Language::En, ReasonKind::SameDirector) => format!("same director: {d}"),
        (Language::Fr, ReasonKind::SharedCast) => format!("avec {d}"),
        (Language::En, ReasonKind::SharedCast) => format!("also starring {d}"),
        (Language::Fr, ReasonKind::SharedWriter) => format!("même scénariste : {d}"),
        (Language::En, ReasonKind::SharedWriter) => format!("same writer: {d}"),
        (language, ReasonKind::CoLiked) => {
            let title = detail.and_then(&title_of).unwrap_or_else(|| d.to_owned());
            match language {
                Language::Fr if title.is_empty() => "apprécié par les mêmes spectateurs".to_owned(),
                Language::En if title.is_empty() => "liked by the same viewers".to_owned(),
                Language::Fr => format!("ceux qui ont aimé « {title} » l'ont aussi aimé"),
                Language::En => format!("people who liked \"{title}\" also liked it"),
            }
        }
        (language, ReasonKind::CloseTo) => {
            let title = detail.and_then(&title_of).unwrap_or_else(|| d.to_owned());
            match language {
                Language::Fr => format!("dans l'esprit de « {title} »"),
                Language::En => format!("in the spirit of \"{title}\""),
            }
        }
        (Language::Fr, ReasonKind::Popular) => "l'un des films les plus appréciés du public".to_owned(),
        (Language::En, ReasonKind::Popular) => "one of the audience's favourites".to_owned(),
        (Language::Fr, ReasonKind::SharedKeywords) => format!("thèmes communs : {d}"),
        (Language::En, ReasonKind::SharedKeywords) => format!("shared themes: {d}"),
        (Language::Fr, ReasonKind::SimilarGenres) if d.is_empty() => "un film proche".to_owned(),
        (Language::En, ReasonKind::SimilarGenres) if d.is_empty() => "a similar film".to_owned(),
        (Language::Fr, ReasonKind::SimilarGenres) => format!("genres proches : {d}"),
        (Language::En, ReasonKind::SimilarGenres) => format!("similar genres: {d}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> FeatureTable {
        let mut t = FeatureTable::with_items(3);
        t.add(0, Field::Director, "nm1", 1.0);
        t.add(0, Field::Genre, "Drama", 1.0);
        t.add(1, Field::Director, "nm1", 1.0);
        t.add(2, Field::Genre, "Drama", 1.0);
        t.set_label(Field::Director, "nm1", "Agnès Varda");
        t
    }

    #[test]
    fn a_shared_director_is_the_first_reason_and_names_them() {
        let r = content_reason(&table(), 0, 1).unwrap();
        assert_eq!(r, Reason { kind: ReasonKind::SameDirector, detail: Some("Agnès Varda".into()) });
        assert_eq!(content_reason(&table(), 0, 2).unwrap().kind, ReasonKind::SimilarGenres);
    }

    #[test]
    fn the_crowd_is_the_reason_when_it_contributed_most() {
        let r = neighbour_reason(&table(), 0, 2, "tt0000001", 0.8, 0.2);
        assert_eq!(r, Reason { kind: ReasonKind::CoLiked, detail: Some("tt0000001".into()) });
    }

    #[test]
    fn reasons_read_in_french_by_default_and_in_english() {
        let title = |id: &str| (id == "tt0133093").then(|| "Matrix".to_owned());
        assert_eq!(
            render(ReasonKind::CoLiked, Some("tt0133093"), Language::Fr, title),
            "ceux qui ont aimé « Matrix » l'ont aussi aimé"
        );
        assert_eq!(
            render(ReasonKind::CoLiked, Some("tt0133093"), Language::En, title),
            "people who liked \"Matrix\" also liked it"
        );
        assert_eq!(
            render(ReasonKind::SameDirector, Some("Agnès Varda"), Language::default(), |_| None),
            "du même réalisateur : Agnès Varda"
        );
        for kind in ReasonKind::ALL {
            assert_eq!(ReasonKind::parse(kind.as_str()), Some(kind));
        }
    }
}
