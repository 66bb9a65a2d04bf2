//! Display names for codes found in the marts: countries (ISO 3166-1 alpha-2, as in TMDB and IMDb
//! regions) and IMDb / MovieLens genres, in French and English.

use super::Language;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_get_names_and_unknown_ones_keep_their_code() {
        assert_eq!(country("FR", Language::Fr), "France");
        assert_eq!(country("US", Language::Fr), "États-Unis");
        assert_eq!(country("US", Language::En), "United States");
        assert_eq!(country("ZZ", Language::Fr), "ZZ");
        assert_eq!(genre("Drama", Language::Fr), "Drame");
        assert_eq!(genre("Drama", Language::En), "Drama");
    }
}
