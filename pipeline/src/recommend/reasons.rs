//! Why a film is recommended: a kind (`same_director`, `shared_cast`, `co_liked`…) and a detail (a name, a
//! film id), stored as data and rendered in French or English by whoever shows it.

use cinepicks_domain::{Language, names, titles};
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

/// The most telling feature two films share, by priority: a named director, named cast, a named writer,
/// keywords; then a director whose name the data lacks ("du même réalisateur", without a name); then genres.
/// People are named only when the data gives their name: a raw id is never a detail.
pub fn content_reason(table: &FeatureTable, a: usize, b: usize) -> Option<Reason> {
    let shared = table.shared(a, b);
    let labels = |field: Field, max: usize| -> Vec<&str> {
        shared
            .iter()
            .filter(|&&f| table.fields[f as usize] == field && table.is_named(f))
            .filter(|&&f| field != Field::Keyword || !names::is_meta_keyword(&table.labels[f as usize]))
            .take(max)
            .map(|&f| table.labels[f as usize].as_str())
            .collect()
    };
    let specific = specific_reason(table, &shared, &labels);
    if specific.is_some() {
        return specific;
    }
    let genres = labels(Field::Genre, 3);
    (!genres.is_empty()).then(|| Reason { kind: ReasonKind::SimilarGenres, detail: Some(genres.join(", ")) })
}

/// A reason naming a concrete shared thing (director, cast, writer, keywords), if the two films have one.
fn specific_reason<'a>(
    table: &FeatureTable,
    shared: &[u32],
    labels: &impl Fn(Field, usize) -> Vec<&'a str>,
) -> Option<Reason> {
    for (field, kind, max) in [
        (Field::Director, ReasonKind::SameDirector, 1),
        (Field::Cast, ReasonKind::SharedCast, 2),
        (Field::Writer, ReasonKind::SharedWriter, 1),
        (Field::Keyword, ReasonKind::SharedKeywords, 3),
    ] {
        let found = labels(field, max);
        if !found.is_empty() {
            return Some(Reason { kind, detail: Some(found.join(", ")) });
        }
    }
    shared
        .iter()
        .any(|&f| table.fields[f as usize] == Field::Director)
        .then_some(Reason { kind: ReasonKind::SameDirector, detail: None })
}

/// The reason a neighbour `b` of `a` is given. A concrete shared thing (director, cast, writer, keywords)
/// comes first whenever the data has one: it is true and says more than the crowd. Otherwise "people who
/// liked `a` also liked it" when the crowd contributed to the neighbour, which the caller allows only above
/// the minimum support (`co_liked` is false below it); genres last.
pub fn neighbour_reason(table: &FeatureTable, a: usize, b: usize, a_film_id: &str, co_liked: bool) -> Reason {
    let content = content_reason(table, a, b);
    match content {
        Some(r) if r.kind != ReasonKind::SimilarGenres => r,
        _ if co_liked => Reason { kind: ReasonKind::CoLiked, detail: Some(a_film_id.to_owned()) },
        Some(r) => r,
        None => Reason { kind: ReasonKind::SimilarGenres, detail: None },
    }
}

/// The sentence shown to people. `title_of` turns a film id (the detail of `co_liked` and `close_to`) into its
/// title. A detail that is missing, or a raw id (artefacts of older runs), gives the sentence without it.
pub fn render(
    kind: ReasonKind,
    detail: Option<&str>,
    language: Language,
    title_of: impl Fn(&str) -> Option<String>,
) -> String {
    let fr = language == Language::Fr;
    let film = || detail.and_then(&title_of).filter(|t| !titles::contains_raw_id(t));
    let named = detail.filter(|d| !d.trim().is_empty() && !titles::contains_raw_id(d));
    let genres = || {
        let list: Vec<String> =
            named.unwrap_or("").split(", ").filter(|g| !g.is_empty()).map(|g| names::genre(g, language)).collect();
        list.join(", ")
    };
    match (kind, named) {
        (ReasonKind::SameDirector, Some(d)) => {
            language.pick_pair(format!("du même réalisateur : {d}"), format!("same director: {d}"))
        }
        (ReasonKind::SameDirector, None) => language.pick("du même réalisateur", "by the same director").to_owned(),
        (ReasonKind::SharedCast, Some(d)) => language.pick_pair(format!("avec {d}"), format!("also starring {d}")),
        (ReasonKind::SharedCast, None) => language.pick("avec des acteurs en commun", "shares cast members").to_owned(),
        (ReasonKind::SharedWriter, Some(d)) => {
            language.pick_pair(format!("même scénariste : {d}"), format!("same writer: {d}"))
        }
        (ReasonKind::SharedWriter, None) => language.pick("du même scénariste", "by the same writer").to_owned(),
        (ReasonKind::SharedKeywords, listed) => {
            // TMDB keywords are English: French shows those it can translate, or says "themes" without them.
            let themes: Vec<String> =
                listed.unwrap_or("").split(", ").filter_map(|k| names::keyword(k, language)).collect();
            match (themes.is_empty(), fr) {
                (true, _) => language.pick("des thèmes communs", "shared themes").to_owned(),
                (false, true) => format!("thèmes communs : {}", themes.join(", ")),
                (false, false) => format!("shared themes: {}", themes.join(", ")),
            }
        }
        (ReasonKind::SimilarGenres, Some(_)) => {
            let g = genres();
            language.pick_pair(format!("genres proches : {g}"), format!("similar genres: {g}"))
        }
        (ReasonKind::SimilarGenres, None) => language.pick("un film proche", "a similar film").to_owned(),
        (ReasonKind::CoLiked, _) => match film() {
            Some(t) if fr => format!("ceux qui ont aimé « {t} » l'ont aussi aimé"),
            Some(t) => format!("people who liked \"{t}\" also liked it"),
            None => language.pick("apprécié par les mêmes spectateurs", "liked by the same viewers").to_owned(),
        },
        (ReasonKind::CloseTo, _) => match film() {
            Some(t) if fr => format!("dans l'esprit de « {t} »"),
            Some(t) => format!("in the spirit of \"{t}\""),
            None => language.pick("dans le même esprit", "in the same spirit").to_owned(),
        },
        (ReasonKind::Popular, _) => {
            language.pick("l'un des films les plus appréciés du public", "one of the audience's favourites").to_owned()
        }
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
    fn the_crowd_is_the_reason_only_when_nothing_concrete_is_shared_and_it_has_support() {
        let r = neighbour_reason(&table(), 0, 2, "tt0000001", true);
        assert_eq!(r, Reason { kind: ReasonKind::CoLiked, detail: Some("tt0000001".into()) });
        // Below the minimum support the genres speak, not the crowd.
        assert_eq!(neighbour_reason(&table(), 0, 2, "tt0000001", false).kind, ReasonKind::SimilarGenres);
        // A shared director beats the crowd.
        assert_eq!(neighbour_reason(&table(), 0, 1, "tt0000001", true).kind, ReasonKind::SameDirector);
    }

    #[test]
    fn a_person_the_data_does_not_name_is_never_shown_by_id() {
        let mut t = FeatureTable::with_items(3);
        for item in [0, 1] {
            t.add(item, Field::Director, "nm0138893", 1.0);
            t.add(item, Field::Cast, "nm0731623", 1.0);
            t.add(item, Field::Genre, "Drama", 1.0);
        }
        t.add(2, Field::Cast, "nm0000001", 1.0);
        t.add(0, Field::Cast, "nm0000001", 1.0);
        t.set_label(Field::Cast, "nm0000001", "Fred Astaire");
        // The unnamed director and actor give way to the named actor…
        assert_eq!(
            content_reason(&t, 0, 2).unwrap(),
            Reason { kind: ReasonKind::SharedCast, detail: Some("Fred Astaire".into()) }
        );
        // …and with nobody named, the director is said without a name.
        let r = content_reason(&t, 0, 1).unwrap();
        assert_eq!(r, Reason { kind: ReasonKind::SameDirector, detail: None });
        assert_eq!(render(r.kind, None, Language::Fr, |_| None), "du même réalisateur");
        // Older artefacts that stored an id, or a film whose title is unknown, read without it.
        assert_eq!(render(ReasonKind::SameDirector, Some("nm0138893"), Language::Fr, |_| None), "du même réalisateur");
        assert_eq!(
            render(ReasonKind::CoLiked, Some("tt0043014"), Language::Fr, |_| None),
            "apprécié par les mêmes spectateurs"
        );
    }

    #[test]
    fn keywords_are_themes_people_read_in_their_language() {
        let fr = |d| render(ReasonKind::SharedKeywords, Some(d), Language::Fr, |_| None);
        assert_eq!(fr("revenge, prison"), "thèmes communs : vengeance, prison");
        assert_eq!(fr("revenge, tattoo parlour"), "thèmes communs : vengeance");
        assert_eq!(fr("tattoo parlour"), "des thèmes communs");
        let mut t = FeatureTable::with_items(2);
        for item in [0, 1] {
            t.add(item, Field::Keyword, "duringcreditsstinger", 1.0);
            t.add(item, Field::Genre, "Drama", 1.0);
        }
        assert_eq!(content_reason(&t, 0, 1).unwrap().kind, ReasonKind::SimilarGenres, "a meta keyword is no theme");
    }

    #[test]
    fn genres_read_in_the_reader_s_language() {
        assert_eq!(
            render(ReasonKind::SimilarGenres, Some("Action, Adventure"), Language::Fr, |_| None),
            "genres proches : Action, Aventure"
        );
        assert_eq!(
            render(ReasonKind::SimilarGenres, Some("Action, Adventure"), Language::En, |_| None),
            "similar genres: Action, Adventure"
        );
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
