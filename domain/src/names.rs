//! Names people read for codes in the data, in French and English: countries (ISO 3166-1 alpha-2, as in TMDB and
//! IMDb regions), original languages (ISO 639-1), IMDb / MovieLens genres, TMDB keywords, MovieLens occupations.

use crate::Language;

/// Countries that produce films, with their French and English names. Others show their code.
const COUNTRIES: [(&str, &str, &str); 64] = [
    ("US", "États-Unis", "United States"),
    ("GB", "Royaume-Uni", "United Kingdom"),
    ("FR", "France", "France"),
    ("DE", "Allemagne", "Germany"),
    ("IT", "Italie", "Italy"),
    ("ES", "Espagne", "Spain"),
    ("CA", "Canada", "Canada"),
    ("JP", "Japon", "Japan"),
    ("IN", "Inde", "India"),
    ("CN", "Chine", "China"),
    ("HK", "Hong Kong", "Hong Kong"),
    ("KR", "Corée du Sud", "South Korea"),
    ("AU", "Australie", "Australia"),
    ("NZ", "Nouvelle-Zélande", "New Zealand"),
    ("BE", "Belgique", "Belgium"),
    ("CH", "Suisse", "Switzerland"),
    ("NL", "Pays-Bas", "Netherlands"),
    ("SE", "Suède", "Sweden"),
    ("DK", "Danemark", "Denmark"),
    ("NO", "Norvège", "Norway"),
    ("FI", "Finlande", "Finland"),
    ("IE", "Irlande", "Ireland"),
    ("AT", "Autriche", "Austria"),
    ("PT", "Portugal", "Portugal"),
    ("GR", "Grèce", "Greece"),
    ("PL", "Pologne", "Poland"),
    ("CZ", "Tchéquie", "Czechia"),
    ("HU", "Hongrie", "Hungary"),
    ("RO", "Roumanie", "Romania"),
    ("RU", "Russie", "Russia"),
    ("SU", "URSS", "Soviet Union"),
    ("XSU", "URSS", "Soviet Union"),
    ("YU", "Yougoslavie", "Yugoslavia"),
    ("XYU", "Yougoslavie", "Yugoslavia"),
    ("TR", "Turquie", "Turkey"),
    ("IL", "Israël", "Israel"),
    ("IR", "Iran", "Iran"),
    ("EG", "Égypte", "Egypt"),
    ("ZA", "Afrique du Sud", "South Africa"),
    ("NG", "Nigeria", "Nigeria"),
    ("MA", "Maroc", "Morocco"),
    ("MX", "Mexique", "Mexico"),
    ("BR", "Brésil", "Brazil"),
    ("AR", "Argentine", "Argentina"),
    ("CL", "Chili", "Chile"),
    ("CO", "Colombie", "Colombia"),
    ("TW", "Taïwan", "Taiwan"),
    ("TH", "Thaïlande", "Thailand"),
    ("PH", "Philippines", "Philippines"),
    ("ID", "Indonésie", "Indonesia"),
    ("MY", "Malaisie", "Malaysia"),
    ("SG", "Singapour", "Singapore"),
    ("AE", "Émirats arabes unis", "United Arab Emirates"),
    ("LU", "Luxembourg", "Luxembourg"),
    ("IS", "Islande", "Iceland"),
    ("BG", "Bulgarie", "Bulgaria"),
    ("RS", "Serbie", "Serbia"),
    ("HR", "Croatie", "Croatia"),
    ("UA", "Ukraine", "Ukraine"),
    ("PK", "Pakistan", "Pakistan"),
    ("BD", "Bangladesh", "Bangladesh"),
    ("LK", "Sri Lanka", "Sri Lanka"),
    ("DD", "RDA", "East Germany"),
    ("XWG", "RFA", "West Germany"),
];

/// The country's name in `lang`, or its code when unknown.
pub fn country(code: &str, lang: Language) -> String {
    COUNTRIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, fr, en)| lang.pick(fr, en).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// The code of a country typed as its ISO code or its French or English name, in any case, with or without
/// accents ("FR", "belgique", "Royaume-Uni", "etats unis"); `None` when unknown.
pub fn country_code(text: &str) -> Option<&'static str> {
    code_of(&COUNTRIES, text)
}

/// Original languages (ISO 639-1, as in TMDB) with their French and English names. Others show their code.
const LANGUAGES: [(&str, &str, &str); 30] = [
    ("en", "anglais", "English"),
    ("fr", "français", "French"),
    ("es", "espagnol", "Spanish"),
    ("de", "allemand", "German"),
    ("it", "italien", "Italian"),
    ("ja", "japonais", "Japanese"),
    ("zh", "chinois", "Chinese"),
    ("cn", "cantonais", "Cantonese"),
    ("ko", "coréen", "Korean"),
    ("hi", "hindi", "Hindi"),
    ("ru", "russe", "Russian"),
    ("pt", "portugais", "Portuguese"),
    ("sv", "suédois", "Swedish"),
    ("da", "danois", "Danish"),
    ("no", "norvégien", "Norwegian"),
    ("nb", "norvégien", "Norwegian"),
    ("fi", "finnois", "Finnish"),
    ("nl", "néerlandais", "Dutch"),
    ("pl", "polonais", "Polish"),
    ("cs", "tchèque", "Czech"),
    ("hu", "hongrois", "Hungarian"),
    ("el", "grec", "Greek"),
    ("tr", "turc", "Turkish"),
    ("he", "hébreu", "Hebrew"),
    ("ar", "arabe", "Arabic"),
    ("fa", "persan", "Persian"),
    ("th", "thaï", "Thai"),
    ("ta", "tamoul", "Tamil"),
    ("te", "télougou", "Telugu"),
    ("id", "indonésien", "Indonesian"),
];

/// The language's name in `lang`, or its code when unknown.
pub fn language(code: &str, lang: Language) -> String {
    LANGUAGES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code.trim()))
        .map(|(_, fr, en)| lang.pick(fr, en).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// The ISO 639-1 code of a language typed as its code or its French or English name ("fr", "Français",
/// "japonais", "English"); `None` when unknown.
pub fn language_code(text: &str) -> Option<&'static str> {
    code_of(&LANGUAGES, text)
}

/// The code of the row of `table` (code, French name, English name) that `text` names, however typed.
fn code_of(table: &[(&'static str, &'static str, &'static str)], text: &str) -> Option<&'static str> {
    let typed = fold(text);
    table.iter().find(|(code, fr, en)| [code, fr, en].iter().any(|name| fold(name) == typed)).map(|(code, _, _)| *code)
}

/// A name as matched against what people type: lower case, French accents and hyphens dropped.
fn fold(text: &str) -> String {
    let folded = text.trim().chars().flat_map(char::to_lowercase).map(|c| match c {
        'à' | 'â' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' => 'i',
        'ô' | 'ö' => 'o',
        'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        '-' | '\'' => ' ',
        c => c,
    });
    folded.collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An IMDb title type as people read it (`movie` → "film", `tvMovie` → "téléfilm"); unknown ones keep their code.
pub fn title_type(code: &str, lang: Language) -> String {
    let (fr, en) = match code {
        "movie" => ("film", "film"),
        "tvMovie" => ("téléfilm", "TV film"),
        "short" => ("court métrage", "short film"),
        "tvShort" => ("court métrage télévisé", "TV short"),
        "video" => ("vidéo", "video"),
        "tvSeries" => ("série", "series"),
        "tvMiniSeries" => ("mini-série", "miniseries"),
        "tvEpisode" => ("épisode", "episode"),
        "tvSpecial" => ("émission spéciale", "TV special"),
        "videoGame" => ("jeu vidéo", "video game"),
        _ => return code.to_owned(),
    };
    lang.pick(fr, en).to_owned()
}

/// IMDb and MovieLens genres in French; English keeps the source's name.
const GENRES_FR: [(&str, &str); 33] = [
    ("Action", "Action"),
    ("Adventure", "Aventure"),
    ("Animation", "Animation"),
    ("Biography", "Biographie"),
    ("Children", "Enfants"),
    ("Children's", "Enfants"),
    ("Comedy", "Comédie"),
    ("Crime", "Policier"),
    ("Documentary", "Documentaire"),
    ("Drama", "Drame"),
    ("Family", "Famille"),
    ("Fantasy", "Fantastique"),
    ("Film-Noir", "Film noir"),
    ("Game-Show", "Jeu télévisé"),
    ("History", "Histoire"),
    ("Horror", "Horreur"),
    ("IMAX", "IMAX"),
    ("Music", "Musique"),
    ("Musical", "Comédie musicale"),
    ("Mystery", "Mystère"),
    ("News", "Actualités"),
    ("Reality-TV", "Téléréalité"),
    ("Romance", "Romance"),
    ("Sci-Fi", "Science-fiction"),
    ("Science Fiction", "Science-fiction"),
    ("Short", "Court métrage"),
    ("Sport", "Sport"),
    ("Talk-Show", "Talk-show"),
    ("Thriller", "Thriller"),
    ("War", "Guerre"),
    ("Western", "Western"),
    ("Foreign", "Étranger"),
    ("TV Movie", "Téléfilm"),
];

pub fn genre(name: &str, lang: Language) -> String {
    match lang {
        Language::En => name.to_owned(),
        Language::Fr => {
            GENRES_FR.iter().find(|(en, _)| *en == name).map_or_else(|| name.to_owned(), |(_, fr)| (*fr).to_owned())
        }
    }
}

/// MovieLens 100K occupations in French, for a man and for a woman; English keeps the source's word.
const OCCUPATIONS_FR: [(&str, &str, &str); 21] = [
    ("administrator", "cadre administratif", "cadre administrative"),
    ("artist", "artiste", "artiste"),
    ("doctor", "médecin", "médecin"),
    ("educator", "enseignant", "enseignante"),
    ("engineer", "ingénieur", "ingénieure"),
    ("entertainment", "métiers du spectacle", "métiers du spectacle"),
    ("executive", "dirigeant", "dirigeante"),
    ("healthcare", "métiers de la santé", "métiers de la santé"),
    ("homemaker", "homme au foyer", "femme au foyer"),
    ("lawyer", "avocat", "avocate"),
    ("librarian", "bibliothécaire", "bibliothécaire"),
    ("marketing", "marketing", "marketing"),
    ("none", "sans profession", "sans profession"),
    ("other", "autre profession", "autre profession"),
    ("programmer", "programmeur", "programmeuse"),
    ("retired", "retraité", "retraitée"),
    ("salesman", "commercial", "commerciale"),
    ("scientist", "scientifique", "scientifique"),
    ("student", "étudiant", "étudiante"),
    ("technician", "technicien", "technicienne"),
    ("writer", "écrivain", "écrivaine"),
];

/// A MovieLens occupation in `lang`, agreed with the gender code (`F`, `M`) in French; unknown ones keep their
/// word.
pub fn occupation(name: &str, gender: &str, lang: Language) -> String {
    match lang {
        Language::En => name.to_owned(),
        Language::Fr => OCCUPATIONS_FR.iter().find(|(en, _, _)| en.eq_ignore_ascii_case(name.trim())).map_or_else(
            || name.to_owned(),
            |(_, m, f)| if gender.trim() == "F" { (*f).to_owned() } else { (*m).to_owned() },
        ),
    }
}

/// The MovieLens occupations (their codes), in the source's order.
pub fn occupations() -> impl Iterator<Item = &'static str> {
    OCCUPATIONS_FR.iter().map(|(code, _, _)| *code)
}

/// A MovieLens occupation as a choice in a form: its French words for both genders when they differ
/// ("étudiant / étudiante"), its English word.
pub fn occupation_choice(code: &str, lang: Language) -> String {
    let (male, female) = (occupation(code, "M", lang), occupation(code, "F", lang));
    if male == female { male } else { format!("{male} / {female}") }
}

/// A MovieLens gender code (`F`, `M`) for one person: "femme" / "homme", "woman" / "man".
pub fn gender(code: &str, lang: Language) -> &'static str {
    match (code.trim(), lang) {
        ("F", Language::Fr) => "femme",
        ("F", Language::En) => "woman",
        (_, Language::Fr) => "homme",
        (_, Language::En) => "man",
    }
}

/// A MovieLens gender code (`F`, `M`) for a group: "femmes" / "hommes", "women" / "men".
pub fn gender_group(code: &str, lang: Language) -> &'static str {
    match (code.trim(), lang) {
        ("F", Language::Fr) => "femmes",
        ("F", Language::En) => "women",
        (_, Language::Fr) => "hommes",
        (_, Language::En) => "men",
    }
}

/// TMDB keywords that describe how a film was made or released, not what it is about ("duringcreditsstinger",
/// "woman director", "sequel"): never a shared theme.
const META_KEYWORDS: [&str; 28] = [
    "1950s",
    "1960s",
    "1970s",
    "1980s",
    "1990s",
    "2000s",
    "3d",
    "aftercreditsstinger",
    "anime",
    "based on video game",
    "based on young adult novel",
    "dc comics",
    "duringcreditsstinger",
    "female nudity",
    "flashback",
    "imax",
    "independent film",
    "live action and animation",
    "marvel comic",
    "nudity",
    "relationship",
    "remake",
    "sequel",
    "sex",
    "short",
    "stop motion",
    "usa",
    "woman director",
];

/// True for a TMDB keyword that says nothing about a film's subject.
pub fn is_meta_keyword(keyword: &str) -> bool {
    META_KEYWORDS.contains(&keyword.trim().to_lowercase().as_str())
}

/// The most frequent TMDB keywords (themes, places, eras) in French, sorted by the English keyword.
const KEYWORDS_FR: [(&str, &str); 219] = [
    ("adultery", "adultère"),
    ("africa", "Afrique"),
    ("airplane", "avion"),
    ("alcohol", "alcool"),
    ("alien", "extraterrestre"),
    ("amnesia", "amnésie"),
    ("animal", "animaux"),
    ("army", "armée"),
    ("artificial intelligence", "intelligence artificielle"),
    ("assassin", "tueur à gages"),
    ("ballet", "danse"),
    ("bank robbery", "braquage de banque"),
    ("baseball", "baseball"),
    ("based on comic book", "adapté d'une bande dessinée"),
    ("based on novel", "adapté d'un roman"),
    ("based on true story", "histoire vraie"),
    ("battle", "bataille"),
    ("best friend", "meilleur ami"),
    ("biography", "biographie"),
    ("black and white", "noir et blanc"),
    ("blackmail", "chantage"),
    ("border", "frontière"),
    ("boxing", "boxe"),
    ("brother brother relationship", "frères"),
    ("brother sister relationship", "frère et sœur"),
    ("california", "Californie"),
    ("cancer", "cancer"),
    ("car race", "course automobile"),
    ("casino", "casino"),
    ("chase", "poursuite"),
    ("childhood", "enfance"),
    ("christmas", "Noël"),
    ("cia", "CIA"),
    ("circus", "cirque"),
    ("cold war", "guerre froide"),
    ("college", "université"),
    ("coming of age", "passage à l'âge adulte"),
    ("competition", "compétition"),
    ("con artist", "escroc"),
    ("conspiracy", "complot"),
    ("cop", "policier"),
    ("corruption", "corruption"),
    ("countryside", "campagne"),
    ("court", "procès"),
    ("cowboy", "cow-boys"),
    ("curse", "malédiction"),
    ("dance", "danse"),
    ("death", "la mort"),
    ("demon", "démons"),
    ("desert", "désert"),
    ("detective", "détective"),
    ("dinosaur", "dinosaures"),
    ("divorce", "divorce"),
    ("doctor", "médecin"),
    ("dog", "chien"),
    ("dragon", "dragons"),
    ("drug", "drogue"),
    ("drug addiction", "toxicomanie"),
    ("drug dealer", "trafic de drogue"),
    ("dying and death", "la mort"),
    ("dystopia", "dystopie"),
    ("election", "élection"),
    ("england", "Angleterre"),
    ("escape", "évasion"),
    ("exorcism", "exorcisme"),
    ("fairy tale", "conte de fées"),
    ("faith", "foi"),
    ("family", "famille"),
    ("farm", "ferme"),
    ("father daughter relationship", "relation père-fille"),
    ("father son relationship", "relation père-fils"),
    ("fbi", "FBI"),
    ("femme fatale", "femme fatale"),
    ("film making", "tournage d'un film"),
    ("film noir", "film noir"),
    ("football", "football"),
    ("france", "France"),
    ("friends", "amis"),
    ("friendship", "amitié"),
    ("future", "futur"),
    ("gambling", "jeu"),
    ("gang", "gang"),
    ("gangster", "gangsters"),
    ("ghost", "fantômes"),
    ("grief", "deuil"),
    ("haunted house", "maison hantée"),
    ("heist", "casse"),
    ("hero", "héros"),
    ("high school", "lycée"),
    ("hitman", "tueur à gages"),
    ("holocaust", "Shoah"),
    ("horse", "chevaux"),
    ("hospital", "hôpital"),
    ("hostage", "prise d'otages"),
    ("hotel", "hôtel"),
    ("immigrant", "immigration"),
    ("infidelity", "infidélité"),
    ("insanity", "folie"),
    ("investigation", "enquête"),
    ("island", "île"),
    ("italy", "Italie"),
    ("japan", "Japon"),
    ("jazz", "jazz"),
    ("jealousy", "jalousie"),
    ("journalist", "journaliste"),
    ("jungle", "jungle"),
    ("jury", "jury"),
    ("kidnapper", "ravisseur"),
    ("kidnapping", "enlèvement"),
    ("king", "roi"),
    ("lawyer", "avocat"),
    ("london england", "Londres"),
    ("loneliness", "solitude"),
    ("los angeles", "Los Angeles"),
    ("love", "amour"),
    ("love of one's life", "grand amour"),
    ("mad scientist", "savant fou"),
    ("mafia", "mafia"),
    ("magic", "magie"),
    ("marriage", "mariage"),
    ("martial arts", "arts martiaux"),
    ("memory", "mémoire"),
    ("mexico", "Mexique"),
    ("money", "argent"),
    ("monster", "monstres"),
    ("mother daughter relationship", "relation mère-fille"),
    ("mother son relationship", "relation mère-fils"),
    ("mountain", "montagne"),
    ("murder", "meurtre"),
    ("music", "musique"),
    ("musical", "comédie musicale"),
    ("musician", "musicien"),
    ("mutant", "mutants"),
    ("nazi", "nazis"),
    ("new love", "nouvel amour"),
    ("new york", "New York"),
    ("new york city", "New York"),
    ("nightmare", "cauchemar"),
    ("nun", "religieuse"),
    ("obsession", "obsession"),
    ("old age", "vieillesse"),
    ("opera", "opéra"),
    ("orphan", "orphelin"),
    ("painter", "peinture"),
    ("paris", "Paris"),
    ("paris france", "Paris"),
    ("pirate", "pirates"),
    ("police", "police"),
    ("police officer", "policier"),
    ("politics", "politique"),
    ("post-apocalyptic", "post-apocalyptique"),
    ("poverty", "pauvreté"),
    ("priest", "prêtre"),
    ("prison", "prison"),
    ("prostitute", "prostitution"),
    ("psychopath", "psychopathe"),
    ("queen", "reine"),
    ("racism", "racisme"),
    ("refugee", "réfugiés"),
    ("religion", "religion"),
    ("rescue", "sauvetage"),
    ("resistance", "Résistance"),
    ("revenge", "vengeance"),
    ("rivalry", "rivalité"),
    ("road trip", "road trip"),
    ("robbery", "braquage"),
    ("robot", "robots"),
    ("rock", "rock"),
    ("romance", "romance"),
    ("rome", "Rome"),
    ("school", "école"),
    ("scientist", "scientifique"),
    ("secret", "secret"),
    ("serial killer", "tueur en série"),
    ("serial murder", "meurtres en série"),
    ("shark", "requins"),
    ("ship", "navire"),
    ("shipwreck", "naufrage"),
    ("silent film", "cinéma muet"),
    ("singer", "chanteur"),
    ("single mother", "mère célibataire"),
    ("sister sister relationship", "sœurs"),
    ("slavery", "esclavage"),
    ("small town", "petite ville"),
    ("soldier", "soldats"),
    ("space", "espace"),
    ("sport", "sport"),
    ("spy", "espionnage"),
    ("student", "étudiants"),
    ("submarine", "sous-marin"),
    ("suicide", "suicide"),
    ("superhero", "super-héros"),
    ("survival", "survie"),
    ("suspense", "suspense"),
    ("swindle", "escroquerie"),
    ("teacher", "enseignant"),
    ("teenager", "adolescence"),
    ("terrorist", "terrorisme"),
    ("theatre", "théâtre"),
    ("thief", "voleur"),
    ("time travel", "voyage dans le temps"),
    ("train", "train"),
    ("trial", "procès"),
    ("undercover", "infiltration"),
    ("vampire", "vampires"),
    ("vietnam war", "guerre du Viêt Nam"),
    ("village", "village"),
    ("violence", "violence"),
    ("war", "guerre"),
    ("wedding", "mariage"),
    ("werewolf", "loups-garous"),
    ("western", "western"),
    ("whodunit", "enquête policière"),
    ("wife husband relationship", "couple"),
    ("witch", "sorcière"),
    ("world war i", "Première Guerre mondiale"),
    ("world war ii", "Seconde Guerre mondiale"),
    ("writer", "écrivain"),
    ("zombie", "zombies"),
];

/// A TMDB keyword in `lang`: the keyword itself in English; in French its translation, or None when the table
/// does not know it (a French page does not show an English word).
pub fn keyword(keyword: &str, lang: Language) -> Option<String> {
    let key = keyword.trim().to_lowercase();
    match lang {
        Language::En => Some(keyword.trim().to_owned()),
        Language::Fr => {
            KEYWORDS_FR.binary_search_by(|(en, _)| (*en).cmp(key.as_str())).ok().map(|i| KEYWORDS_FR[i].1.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_and_languages_are_recognised_as_people_type_them() {
        assert_eq!(country_code("FR"), Some("FR"));
        assert_eq!(country_code(" belgique "), Some("BE"));
        assert_eq!(country_code("Royaume-Uni"), Some("GB"));
        assert_eq!(country_code("etats unis"), Some("US"));
        assert_eq!(country_code("Germany"), Some("DE"));
        assert_eq!(country_code("Atlantide"), None);
        assert_eq!(language_code("Français"), Some("fr"));
        assert_eq!(language_code("japonais"), Some("ja"));
        assert_eq!(language_code("EN"), Some("en"));
        assert_eq!(language_code("klingon"), None);
        assert_eq!(occupation_choice("student", Language::Fr), "étudiant / étudiante");
        assert_eq!(occupation_choice("artist", Language::Fr), "artiste");
        assert_eq!(occupation_choice("student", Language::En), "student");
        assert_eq!(occupations().count(), 21);
    }

    #[test]
    fn known_codes_get_names_and_unknown_ones_keep_their_code() {
        assert_eq!(country("FR", Language::Fr), "France");
        assert_eq!(country("US", Language::Fr), "États-Unis");
        assert_eq!(country("US", Language::En), "United States");
        assert_eq!(country("ZZ", Language::Fr), "ZZ");
        assert_eq!(genre("Drama", Language::Fr), "Drame");
        assert_eq!(genre("Drama", Language::En), "Drama");
        assert_eq!(language("fr", Language::Fr), "français");
        assert_eq!(language("en", Language::En), "English");
        assert_eq!(language("xx", Language::Fr), "xx");
        assert_eq!(title_type("tvMovie", Language::Fr), "téléfilm");
        assert_eq!(title_type("movie", Language::En), "film");
    }

    #[test]
    fn keywords_read_in_french_only_when_translated_and_meta_ones_are_known() {
        assert!(KEYWORDS_FR.windows(2).all(|w| w[0].0 < w[1].0), "sorted for the binary search");
        assert_eq!(keyword("revenge", Language::Fr).as_deref(), Some("vengeance"));
        assert_eq!(keyword("World War II", Language::Fr).as_deref(), Some("Seconde Guerre mondiale"));
        assert_eq!(keyword("revenge", Language::En).as_deref(), Some("revenge"));
        assert_eq!(keyword("tattoo parlour", Language::Fr), None);
        assert!(is_meta_keyword("duringcreditsstinger") && is_meta_keyword("Woman Director"));
        assert!(!is_meta_keyword("revenge"));
    }

    #[test]
    fn movielens_people_read_in_french() {
        assert_eq!(occupation("administrator", "M", Language::Fr), "cadre administratif");
        assert_eq!(occupation("educator", "F", Language::Fr), "enseignante");
        assert_eq!(occupation("student", "F", Language::En), "student");
        assert_eq!(gender_group("F", Language::Fr), "femmes");
        assert_eq!(gender_group("M", Language::En), "men");
    }
}
