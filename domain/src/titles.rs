//! A film's title as people read it: the French rule, MovieLens's "Title, The (Year)" undone, raw ids spotted.

use crate::{Language, PersonId, TitleId};

/// The title to show in `language`. In French: the French release title when one is known, else the
/// original title (a French film keeps its own title, a foreign one the title it was made under, never an
/// English translation), else the primary title. In English: the primary title (IMDb's international one).
pub fn display_title<'a>(
    language: Language,
    primary: &'a str,
    original: Option<&'a str>,
    french: Option<&'a str>,
) -> &'a str {
    let non_empty = |t: Option<&'a str>| t.filter(|t| !t.trim().is_empty());
    match language {
        Language::Fr => non_empty(french).or(non_empty(original)).unwrap_or(primary),
        Language::En => primary,
    }
}

/// Splits a trailing `(year)` off a query or a MovieLens title: `"Dune (2021)"` → (`"Dune"`, Some(2021)).
pub fn split_year(title: &str) -> (&str, Option<i32>) {
    let t = title.trim();
    if let Some(rest) = t.strip_suffix(')')
        && let Some((head, inner)) = rest.rsplit_once('(')
    {
        let inner = inner.trim();
        if inner.len() == 4
            && let Ok(year) = inner.parse::<i32>()
            && (1870..=2100).contains(&year)
        {
            return (head.trim_end(), Some(year));
        }
    }
    (t, None)
}

/// Articles MovieLens moves to the end of a title ("Matrix, The").
const TRAILING_ARTICLES: [&str; 22] = [
    "The", "A", "An", "Les", "La", "Le", "L'", "Il", "Lo", "I", "Gli", "El", "Los", "Las", "Das", "Der", "Die", "Den",
    "Det", "De", "Het", "Une",
];

/// Puts back an article MovieLens moved to the end: "Godfather, The" → "The Godfather", "Femme Nikita, La" →
/// "La Femme Nikita", "Arbre, L'" → "L'Arbre". Other titles are returned as they are.
pub fn article_in_front(title: &str) -> String {
    if let Some((head, article)) = title.rsplit_once(", ")
        && TRAILING_ARTICLES.contains(&article)
    {
        return if article.ends_with('\'') { format!("{article}{head}") } else { format!("{article} {head}") };
    }
    title.to_owned()
}

/// The titles a MovieLens title (without its year) may stand for: "City of Lost Children, The (Cité des
/// enfants perdus, La)" gives "The City of Lost Children", "City of Lost Children, The", "La Cité des enfants
/// perdus" and "Cité des enfants perdus, La" (the readable form of each part first).
pub fn movielens_variants(title_without_year: &str) -> Vec<String> {
    let t = title_without_year.trim();
    // An alternative title in parentheses at the end ("a.k.a." included).
    let parts: Vec<&str> = match t.strip_suffix(')').and_then(|rest| rest.rsplit_once(" (")) {
        Some((main, alt)) => vec![main.trim(), alt.trim_start_matches("a.k.a. ").trim()],
        None => vec![t],
    };
    let mut out = Vec::new();
    for p in parts {
        let readable = article_in_front(p);
        if readable != p {
            out.push(readable);
        }
        out.push(p.to_owned());
    }
    out
}

/// A MovieLens title as people read it, with its year: "Godfather, The (1972)" → ("The Godfather", Some(1972));
/// "Cité des enfants perdus, La (1995)" → ("La Cité des enfants perdus", Some(1995)). An alternative title in
/// parentheses is kept for French readers when it is the original one (MovieLens's convention), dropped in
/// English: "Grand Illusion (La grande illusion) (1937)" → "La grande illusion" in French, "Grand Illusion" in
/// English.
pub fn readable_movielens_title(title: &str, language: Language) -> (String, Option<i32>) {
    let (head, year) = split_year(title);
    let (main, alt) = match head.strip_suffix(')').and_then(|rest| rest.rsplit_once(" (")) {
        Some((main, alt)) => (main.trim(), Some(alt.trim())),
        None => (head, None),
    };
    let chosen = match (language, alt) {
        (Language::Fr, Some(alt)) if !alt.starts_with("a.k.a.") => alt,
        _ => main,
    };
    (article_in_front(chosen), year)
}

/// [`readable_movielens_title`] with its year in parentheses: "Godfather, The (1972)" → "The Godfather (1972)".
pub fn readable_movielens_label(title: &str, language: Language) -> String {
    match readable_movielens_title(title, language) {
        (title, Some(year)) => format!("{title} ({year})"),
        (title, None) => title,
    }
}

/// True for an IMDb title or person id (`tt0133093`, `nm0000206`): what people must never be shown as a name.
pub fn is_raw_id(s: &str) -> bool {
    let s = s.trim();
    TitleId::parse(s).is_some() || PersonId::parse(s).is_some()
}

/// True when `text` contains a raw IMDb id anywhere (`… : nm0138893`): a check for human-readable output.
pub fn contains_raw_id(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(is_raw_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_readers_get_the_french_title_then_the_original_never_the_english_one() {
        let fr = Language::Fr;
        assert_eq!(display_title(fr, "The Grand Illusion", Some("La grande illusion"), None), "La grande illusion");
        assert_eq!(
            display_title(fr, "Bicycle Thieves", Some("Ladri di biciclette"), Some("Le voleur de bicyclette")),
            "Le voleur de bicyclette"
        );
        assert_eq!(display_title(fr, "Bicycle Thieves", Some(""), None), "Bicycle Thieves");
        assert_eq!(
            display_title(Language::En, "The Grand Illusion", Some("La grande illusion"), None),
            "The Grand Illusion"
        );
    }

    #[test]
    fn movielens_forms_read_as_titles() {
        assert_eq!(
            readable_movielens_title("Godfather, The (1972)", Language::Fr),
            ("The Godfather".into(), Some(1972))
        );
        assert_eq!(
            readable_movielens_title("Grand Illusion (La grande illusion) (1937)", Language::Fr),
            ("La grande illusion".into(), Some(1937))
        );
        assert_eq!(
            readable_movielens_title("Grand Illusion (La grande illusion) (1937)", Language::En),
            ("Grand Illusion".into(), Some(1937))
        );
        assert_eq!(
            readable_movielens_title("City of Lost Children, The (Cité des enfants perdus, La) (1995)", Language::Fr),
            ("La Cité des enfants perdus".into(), Some(1995))
        );
        assert_eq!(readable_movielens_title("Arbre, L' (2010)", Language::Fr).0, "L'Arbre");
        assert_eq!(readable_movielens_label("Godfather, The (1972)", Language::En), "The Godfather (1972)");
        assert_eq!(
            movielens_variants("City of Lost Children, The (Cité des enfants perdus, La)"),
            [
                "The City of Lost Children",
                "City of Lost Children, The",
                "La Cité des enfants perdus",
                "Cité des enfants perdus, La"
            ]
        );
        assert_eq!(split_year("Dune (2021)"), ("Dune", Some(2021)));
        assert_eq!(split_year("Dune"), ("Dune", None));
    }

    #[test]
    fn raw_ids_are_spotted_in_text() {
        assert!(is_raw_id("nm0138893") && is_raw_id("tt0133093") && is_raw_id("tt10872600"));
        assert!(!is_raw_id("nmap") && !is_raw_id("tt12") && !is_raw_id("Matrix"));
        assert!(contains_raw_id("Du même réalisateur : nm0138893"));
        assert!(contains_raw_id("« tt0043014 »"));
        assert!(!contains_raw_id("Du même réalisateur : Jean Renoir (1937)"));
    }
}
