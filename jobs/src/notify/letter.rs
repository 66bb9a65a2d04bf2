//! What one weekly message says, independent of the channel: the films as cards (title, facts, poster,
//! reason), greetings and legal lines in French or English, the links.

use chrono::Datelike;

use cinepicks_domain::Language;
use cinepicks_domain::calendar;
use cinepicks_domain::names;
use cinepicks_domain::{FeedbackKind, IsoWeek};
use cinepicks_pipeline::recommend::picks::{PickReason, WeeklyPicks};
use cinepicks_pipeline::recommend::reasons;
use cinepicks_store::entities::film;

/// One film as shown in a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub title: String,
    pub year: Option<i32>,
    pub genres: Vec<String>,
    pub runtime_minutes: Option<i32>,
    pub rating: Option<f64>,
    pub poster_url: Option<String>,
    /// Without a poster: the background and text colours the site's drawn poster uses (its genres' palette).
    pub drawn: (&'static str, &'static str),
    pub reason: String,
    pub in_programme: bool,
    pub film_id: String,
    /// The film's page on the site.
    pub page_url: String,
    /// Its screenings this week: "mercredi 9 décembre, 20 h 30 · VOST", with the booking link when there is one.
    pub screenings: Vec<(String, Option<String>)>,
    /// Its next screening this week in a few characters, for SMS ("mer. 9/12 20h30 VOST").
    pub next_screening: Option<String>,
    /// The one-click feedback links ("J'aime", "Pas pour moi", "Déjà vu"), signed for the customer.
    pub feedback: Vec<(FeedbackKind, String)>,
    /// The page with the three choices, for the plain-text part (one link rather than three).
    pub feedback_page: Option<String>,
}

impl Card {
    pub fn title_with_year(&self) -> String {
        match self.year {
            Some(y) => format!("{} ({y})", self.title),
            None => self.title.clone(),
        }
    }

    /// "Drame, Romance · 1 h 42 · 7,8/10" (or the English form); `None` when nothing is known.
    pub fn facts(&self, french: bool) -> Option<String> {
        let mut parts = Vec::new();
        if !self.genres.is_empty() {
            parts.push(self.genres.join(", "));
        }
        if let Some(m) = self.runtime_minutes.filter(|m| *m > 0) {
            parts.push(if french { format!("{} h {:02}", m / 60, m % 60) } else { format!("{m} min") });
        }
        if let Some(r) = self.rating {
            let r = format!("{r:.1}");
            parts.push(format!("★ {}/10", if french { r.replace('.', ",") } else { r }));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }

    pub fn poster_alt(&self, french: bool) -> String {
        if french { format!("Affiche du film « {} »", self.title) } else { format!("Poster of “{}”", self.title) }
    }
}

/// A weekly message to one customer on one channel.
#[derive(Debug, Clone)]
pub struct Letter {
    /// The delivery key `<week>/<channel>/<customer id>`: Message-ID, file names and logs derive from it.
    pub key: String,
    pub week: IsoWeek,
    pub customer_name: String,
    pub address: String,
    pub language: Language,
    pub cinema_name: String,
    pub cards: Vec<Card>,
    pub unsubscribe_url: String,
    pub picks_url: String,
}

/// The fixed sentences of a message, in its language.
/// The query of the week's page reached from the e-mail (see [`Letter::picks_url_by_email`]).
pub const BY_EMAIL: &str = "via=email";

pub struct Texts {
    pub heading: String,
    pub greeting: String,
    pub intro: String,
    pub showing: String,
    /// Before a film's screenings: "Séances :".
    pub screenings: String,
    pub book: String,
    /// Before the link to a film's feedback page: "Votre avis".
    pub your_verdict: String,
    /// The link to the week's page of the five films (the one the SMS carries).
    pub all_on_site: String,
    pub sign_off: String,
    pub why_received: String,
    pub unsubscribe: String,
}

impl Letter {
    pub fn french(&self) -> bool {
        self.language == Language::Fr
    }

    /// The week's page as the e-mail links it: marked, so that verdicts given there count as the e-mail's (the
    /// SMS carries the bare short link).
    pub fn picks_url_by_email(&self) -> String {
        format!("{}?{}", self.picks_url, BY_EMAIL)
    }

    fn first_name(&self) -> &str {
        self.customer_name.split_whitespace().next().unwrap_or("")
    }

    pub fn subject(&self) -> String {
        let monday = self.week.monday();
        let (day, month) = (monday.day(), monday.month0() as usize);
        if self.french() {
            let day = if day == 1 { "1er".to_owned() } else { day.to_string() };
            format!("Vos 5 films de la semaine du {day} {}", calendar::month_fr(month as u32))
        } else {
            let month = chrono::Month::try_from(monday.month() as u8).map_or("", |m| m.name());
            format!("Your 5 films for the week of {day} {month}")
        }
    }

    pub fn texts(&self) -> Texts {
        let (name, cinema) = (self.first_name(), &self.cinema_name);
        if self.french() {
            Texts {
                heading: "Vos films de la semaine".into(),
                greeting: if name.is_empty() { "Bonjour,".into() } else { format!("Bonjour {name},") },
                intro: "Voici cinq films choisis pour vous d'après vos goûts.".into(),
                showing: "À l'affiche cette semaine".into(),
                screenings: "Séances :".into(),
                book: "Réserver".into(),
                your_verdict: "Votre avis".into(),
                all_on_site: "Vos cinq films sur le site, pour nous dire ce que vous en pensez".into(),
                sign_off: format!("Bonnes séances ! — {cinema}"),
                why_received: format!(
                    "Vous recevez ce message parce que vous êtes inscrit(e) aux suggestions de la semaine de {cinema}."
                ),
                unsubscribe: "Se désabonner en un clic".into(),
            }
        } else {
            Texts {
                heading: "Your films this week".into(),
                greeting: if name.is_empty() { "Hello,".into() } else { format!("Hello {name},") },
                intro: "Here are five films picked for you from what you like.".into(),
                showing: "Showing this week".into(),
                screenings: "Screenings:".into(),
                book: "Book".into(),
                your_verdict: "Your verdict".into(),
                all_on_site: "Your five films on the site, to tell us what you think".into(),
                sign_off: format!("Enjoy the films! — {cinema}"),
                why_received: format!(
                    "You receive this message because you subscribed to the weekly picks of {cinema}."
                ),
                unsubscribe: "Unsubscribe in one click".into(),
            }
        }
    }
}

/// The cards of stored picks; `film_of` finds a film of the store by id (a film missing from the store, after
/// a catalogue change, is left out: people are never shown an id).
pub fn cards<'a>(
    picks: &WeeklyPicks,
    language: Language,
    film_of: impl Fn(&str) -> Option<&'a film::Model>,
) -> Vec<Card> {
    let title_of = |id: &str| film_of(id).map(|f| f.title(language).to_owned());
    picks
        .films()
        .iter()
        .filter_map(|pick| {
            let film = film_of(&pick.film_id)?;
            Some(Card {
                title: film.title(language).to_owned(),
                year: film.start_year,
                genres: film.genre_list().iter().map(|g| names::genre(g, language)).collect(),
                runtime_minutes: film.runtime_minutes,
                rating: film.average_rating,
                poster_url: film.poster_url.clone(),
                drawn: {
                    let (palette, _) = cinepicks_domain::poster_art::look(&film.film_id, &film.genre_list());
                    (palette.background, palette.ink)
                },
                reason: reason_text(&pick.reason, language, &title_of),
                in_programme: pick.in_programme,
                film_id: film.film_id.clone(),
                page_url: String::new(),
                screenings: Vec::new(),
                next_screening: None,
                feedback: Vec::new(),
                feedback_page: None,
            })
        })
        .collect()
}

/// Why a film is proposed, as a sentence.
pub fn reason_text(reason: &PickReason, language: Language, title_of: &impl Fn(&str) -> Option<String>) -> String {
    let french = language == Language::Fr;
    match reason {
        PickReason::Similar { reason, detail, because_of } => {
            let text = reasons::render(*reason, detail.as_deref(), language, title_of);
            let text = capitalise(&text);
            if *reason == reasons::ReasonKind::CoLiked {
                return text;
            }
            match title_of(because_of) {
                Some(liked) if french => format!("{text} — vous avez aimé « {liked} »"),
                Some(liked) => format!("{text} — you liked “{liked}”"),
                None => text,
            }
        }
        PickReason::TopRatedInGenre { genre } => {
            let g = names::genre(genre, if french { Language::Fr } else { Language::En });
            if french {
                format!("Parmi les films les mieux notés du genre {}", g.to_lowercase())
            } else {
                format!("Among the best-rated {} films", g.to_lowercase())
            }
        }
        PickReason::TopRated => {
            if french {
                "Parmi les films les mieux notés du catalogue".into()
            } else {
                "Among the best-rated films".into()
            }
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample_letter(french: bool) -> Letter {
        let card = |title: &str, poster: Option<&str>| Card {
            title: title.into(),
            year: Some(2001),
            genres: vec!["Comédie".into()],
            runtime_minutes: Some(122),
            rating: Some(8.3),
            poster_url: poster.map(str::to_owned),
            drawn: ("#7a1f1f", "#fdf6ec"),
            reason: "Du même réalisateur : Jean-Pierre Jeunet".into(),
            in_programme: false,
            film_id: "tt0211915".into(),
            page_url: "https://cinema.example.org/films/tt0211915".into(),
            screenings: Vec::new(),
            next_screening: None,
            feedback: Vec::new(),
            feedback_page: None,
        };
        Letter {
            key: "2026-W48/email/7".into(),
            week: IsoWeek::parse("2026-W48").unwrap(),
            customer_name: "Camille Martin".into(),
            address: "camille@example.org".into(),
            language: if french { Language::Fr } else { Language::En },
            cinema_name: "Cinéma de la Creuse".into(),
            cards: vec![
                card("Tom & Jerry <3", Some("https://img.example.org/p1.jpg")),
                card("Amélie", None),
                card("B", None),
                card("C", None),
                card("D", None),
            ],
            unsubscribe_url: "https://cinema.example.org/unsubscribe?token=3.abc".into(),
            picks_url: "https://cinema.example.org/p/0123456789".into(),
        }
    }

    #[test]
    fn subjects_name_the_week_in_the_customers_language() {
        assert_eq!(sample_letter(true).subject(), "Vos 5 films de la semaine du 23 novembre");
        assert_eq!(sample_letter(false).subject(), "Your 5 films for the week of 23 November");
    }

    #[test]
    fn facts_read_naturally_in_french_and_english() {
        let c = &sample_letter(true).cards[0];
        assert_eq!(c.facts(true).unwrap(), "Comédie · 2 h 02 · ★ 8,3/10");
        assert_eq!(c.facts(false).unwrap(), "Comédie · 122 min · ★ 8.3/10");
    }

    #[test]
    fn reasons_name_the_liked_film() {
        let title_of = |id: &str| (id == "tt1").then(|| "Amélie".to_owned());
        let r = PickReason::Similar {
            reason: reasons::ReasonKind::SameDirector,
            detail: Some("Jean-Pierre Jeunet".into()),
            because_of: "tt1".into(),
        };
        assert_eq!(
            reason_text(&r, Language::Fr, &title_of),
            "Du même réalisateur : Jean-Pierre Jeunet — vous avez aimé « Amélie »"
        );
        let g = PickReason::TopRatedInGenre { genre: "Drama".into() };
        assert_eq!(reason_text(&g, Language::Fr, &title_of), "Parmi les films les mieux notés du genre drame");
        assert_eq!(reason_text(&g, Language::En, &title_of), "Among the best-rated drama films");
    }
}
