//! Title concepts rendered in ten languages, so a film's original title, its English display title and its akas are translations of one another.

use super::rng::Rng;
use super::vocabulary::{ADJS, CITIES, Lang, NOUNS, Noun, episode_word, names};
use std::fmt::Write as _;

/// What a title says, independent of language.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Template {
    Bare(u8),
    The(u8),
    AdjNoun(u8, u8),
    Of(u8, u8),
    And(u8, u8),
    List(u8, u8, u8),
    Possessive(NameRef, u8),
    In(u8, u8),
    Name(NameRef),
    Number(u16),
}

/// A given name (language of the name list, female?, index) used inside a title.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NameRef {
    lang: Lang,
    female: bool,
    idx: u8,
}

/// Oddities the real dumps contain and readers must survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quirk {
    None,
    /// A bare `"` around a word: `The "Perfect" Crime`.
    Quote,
    /// `#NightWolf`.
    Hashtag,
    /// Several clauses chained past 150 characters.
    Long(u64),
    /// A trailing `(Part 2)`, so "Title (Part 2) (1999)" tests year parsing.
    PartInParens(u8),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Concept {
    template: Template,
    sequel: u8,
    subtitle: Option<(u8, u8)>,
    quirk: Quirk,
}

fn noun_count() -> u64 {
    NOUNS.len() as u64
}

fn draw_name(rng: &mut Rng, lang: Lang) -> NameRef {
    let female = rng.chance(0.5);
    let set = names(lang);
    let list = if female { set.female } else { set.male };
    NameRef { lang, female, idx: rng.below(list.len() as u64) as u8 }
}

impl Concept {
    /// Draws a concept; `name_lang` is the language whose given names may appear in it.
    pub fn draw(rng: &mut Rng, name_lang: Lang) -> Concept {
        let n = || noun_count();
        let n1 = rng.below(n()) as u8;
        let mut n2 = rng.below(n()) as u8;
        if n2 == n1 {
            n2 = ((n1 as u64 + 1) % n()) as u8;
        }
        let adj = rng.below(ADJS.len() as u64) as u8;
        let template = match rng.below(1000) {
            0..=149 => Template::Bare(n1),
            150..=319 => Template::The(n1),
            320..=519 => Template::AdjNoun(adj, n1),
            520..=689 => Template::Of(n1, n2),
            690..=789 => Template::And(n1, n2),
            790..=819 => {
                let mut n3 = rng.below(n()) as u8;
                if n3 == n1 || n3 == n2 {
                    n3 = ((n2 as u64 + 7) % n()) as u8;
                }
                Template::List(n1, n2, n3)
            }
            820..=889 => Template::Possessive(draw_name(rng, name_lang), n1),
            890..=959 => Template::In(n1, rng.below(CITIES.len() as u64) as u8),
            960..=994 => Template::Name(draw_name(rng, name_lang)),
            _ => Template::Number(*rng.pick(&[7u16, 9, 13, 21, 42, 99, 1917, 1984, 2046, 300])),
        };
        let sequel = if rng.chance(0.04) { rng.range(2, 5) as u8 } else { 0 };
        let subtitle =
            if rng.chance(0.06) { Some((rng.below(n()) as u8, rng.below(ADJS.len() as u64) as u8)) } else { None };
        let quirk = match rng.below(10_000) {
            0..=59 => Quirk::Quote,
            60..=89 => Quirk::Hashtag,
            90..=109 => Quirk::Long(rng.next_u64()),
            110..=129 => Quirk::PartInParens(rng.range(1, 3) as u8),
            _ => Quirk::None,
        };
        Concept { template, sequel, subtitle, quirk }
    }

    /// Writes the title in `lang` into `out` (cleared first).
    pub fn render(&self, lang: Lang, out: &mut String) {
        out.clear();
        render_template(self.template, lang, out);
        if let Some((noun, adj)) = self.subtitle {
            out.push_str(if lang.is_cjk() { "：" } else { ": " });
            let start = out.len();
            render_template(Template::AdjNoun(adj, noun), lang, out);
            capitalise_from(out, start);
        }
        if self.sequel > 0 {
            let _ = write!(out, " {}", self.sequel);
        }
        match self.quirk {
            Quirk::None => {}
            Quirk::Quote => quote_second_word(out),
            Quirk::Hashtag => hashtag(out),
            Quirk::Long(seed) => lengthen(out, lang, seed),
            Quirk::PartInParens(k) => {
                let _ = write!(out, " (Part {k})");
            }
        }
        capitalise_from(out, 0);
    }
}

fn capitalise_from(out: &mut String, start: usize) {
    if let Some(c) = out[start..].chars().next()
        && c.is_lowercase()
    {
        // Upper-case forms are at most a few chars; encode them on the stack.
        let mut buf = [0u8; 16];
        let mut len = 0;
        for u in c.to_uppercase() {
            len += u.encode_utf8(&mut buf[len..]).len();
        }
        if let Ok(upper) = std::str::from_utf8(&buf[..len]) {
            out.replace_range(start..start + c.len_utf8(), upper);
        }
    }
}

fn quote_second_word(out: &mut String) {
    let words: Vec<(usize, usize)> = word_spans(out);
    if words.len() >= 2 {
        let (s, e) = words[1];
        out.insert(e, '"');
        out.insert(s, '"');
    } else {
        out.insert(0, '"');
        out.push('"');
    }
}

fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c == ' ' {
            if let Some(st) = start.take() {
                spans.push((st, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        spans.push((st, s.len()));
    }
    spans
}

fn hashtag(out: &mut String) {
    let mut tag = String::with_capacity(out.len() + 1);
    tag.push('#');
    for word in out.split(' ') {
        let mut chars = word.chars().filter(|c| c.is_alphanumeric());
        if let Some(c) = chars.next() {
            tag.extend(c.to_uppercase());
            tag.extend(chars);
        }
    }
    *out = tag;
}

fn lengthen(out: &mut String, lang: Lang, seed: u64) {
    let mut rng = Rng::from_key(seed);
    out.push_str(if lang.is_cjk() { "：" } else { ": " });
    while out.len() < 160 {
        let a = rng.below(noun_count()) as u8;
        let b = ((a as u64 + 1 + rng.below(noun_count() - 1)) % noun_count()) as u8;
        render_template(Template::Of(a, b), lang, out);
        out.push_str(if lang.is_cjk() { "、" } else { ", " });
    }
    let a = rng.below(noun_count()) as u8;
    let b = ((a as u64 + 3) % noun_count()) as u8;
    render_template(Template::And(a, b), lang, out);
}

fn name_str(n: NameRef) -> &'static str {
    let set = names(n.lang);
    let list = if n.female { set.female } else { set.male };
    list[n.idx as usize % list.len()]
}

fn city(idx: u8, lang: Lang) -> &'static str {
    let c = &CITIES[idx as usize % CITIES.len()];
    match lang {
        Lang::En | Lang::Hi => c[0],
        Lang::Fr => c[1],
        Lang::Es => c[2],
        Lang::De => c[3],
        Lang::It => c[4],
        Lang::Pt => c[5],
        Lang::Ja => c[6],
        Lang::Zh => c[7],
        Lang::Ko => c[8],
    }
}

fn noun(i: u8) -> &'static Noun {
    &NOUNS[i as usize % NOUNS.len()]
}

fn starts_with_vowel_sound_fr(w: &str) -> bool {
    matches!(w.chars().next(), Some('a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'é' | 'è' | 'ê' | 'î' | 'ô' | 'â' | 'à'))
        || w.starts_with("hiver")
        || w.starts_with("hôtel")
}

fn starts_with_vowel(w: &str) -> bool {
    matches!(w.chars().next(), Some('a' | 'e' | 'i' | 'o' | 'u' | 'á' | 'é' | 'í' | 'ó' | 'ú'))
}

/// French definite article for a phrase starting with `first_word`.
fn fr_article(fem: bool, first_word: &str) -> &'static str {
    if starts_with_vowel_sound_fr(first_word) {
        "l'"
    } else if fem {
        "la "
    } else {
        "le "
    }
}

/// French "de" + article.
fn fr_de(fem: bool, first_word: &str) -> &'static str {
    if starts_with_vowel_sound_fr(first_word) {
        "de l'"
    } else if fem {
        "de la "
    } else {
        "du "
    }
}

fn it_article(n: &Noun) -> &'static str {
    let w = n.it;
    if starts_with_vowel(w) {
        "l'"
    } else if n.it_f {
        "la "
    } else if w.starts_with('z')
        || w.starts_with("gn")
        || w.starts_with("ps")
        || (w.starts_with('s') && !matches!(w.chars().nth(1), Some('a' | 'e' | 'i' | 'o' | 'u')))
    {
        "lo "
    } else {
        "il "
    }
}

fn it_di(n: &Noun) -> &'static str {
    match it_article(n) {
        "l'" => "dell'",
        "la " => "della ",
        "lo " => "dello ",
        _ => "del ",
    }
}

fn de_article(n: &Noun) -> &'static str {
    match n.de_g {
        0 => "der ",
        1 => "die ",
        _ => "das ",
    }
}

fn de_genitive_article(n: &Noun) -> &'static str {
    if n.de_g == 1 { "der " } else { "des " }
}

/// Noun with its definite article in `lang` (no article for languages without one).
fn push_np(out: &mut String, n: &Noun, lang: Lang) {
    match lang {
        Lang::En => {
            out.push_str("the ");
            out.push_str(n.en);
        }
        Lang::Fr => {
            out.push_str(fr_article(n.fr_f, n.fr));
            out.push_str(n.fr);
        }
        Lang::Es => {
            out.push_str(if n.es_f { "la " } else { "el " });
            out.push_str(n.es);
        }
        Lang::It => {
            out.push_str(it_article(n));
            out.push_str(n.it);
        }
        Lang::Pt => {
            out.push_str(if n.pt_f { "a " } else { "o " });
            out.push_str(n.pt);
        }
        Lang::De => {
            out.push_str(de_article(n));
            out.push_str(n.de);
        }
        _ => push_bare(out, n, lang),
    }
}

fn push_bare(out: &mut String, n: &Noun, lang: Lang) {
    out.push_str(match lang {
        Lang::En => n.en,
        Lang::Fr => n.fr,
        Lang::Es => n.es,
        Lang::It => n.it,
        Lang::Pt => n.pt,
        Lang::De => n.de,
        Lang::Ja => n.ja,
        Lang::Zh => n.zh,
        Lang::Ko => n.ko,
        Lang::Hi => n.hi,
    });
}

/// Korean particle 과/와 depends on whether the previous syllable ends in a consonant.
fn ko_and(word: &str) -> &'static str {
    match word.chars().last() {
        Some(c) if ('\u{AC00}'..='\u{D7A3}').contains(&c) && !(c as u32 - 0xAC00).is_multiple_of(28) => "과 ",
        _ => "와 ",
    }
}

fn render_template(t: Template, lang: Lang, out: &mut String) {
    match t {
        Template::Bare(a) => push_bare(out, noun(a), lang),
        Template::The(a) => {
            if lang == Lang::En {
                out.push_str("The ");
                out.push_str(noun(a).en);
            } else {
                push_np(out, noun(a), lang);
            }
        }
        Template::AdjNoun(j, a) => {
            let n = noun(a);
            let adj = &ADJS[j as usize % ADJS.len()];
            match lang {
                Lang::En => {
                    out.push_str("The ");
                    out.push_str(adj.en);
                    out.push(' ');
                    out.push_str(n.en);
                }
                Lang::Fr => {
                    let form = if n.fr_f { adj.fr_f } else { adj.fr_m };
                    if adj.fr_before {
                        out.push_str(fr_article(n.fr_f, form));
                        out.push_str(form);
                        out.push(' ');
                        out.push_str(n.fr);
                    } else {
                        out.push_str(fr_article(n.fr_f, n.fr));
                        out.push_str(n.fr);
                        out.push(' ');
                        out.push_str(form);
                    }
                }
                _ => render_template(Template::The(a), lang, out),
            }
        }
        Template::Of(a, b) => {
            let (n1, n2) = (noun(a), noun(b));
            match lang {
                Lang::En => {
                    let _ = write!(out, "The {} of the {}", n1.en, n2.en);
                }
                Lang::Fr => {
                    push_np(out, n1, lang);
                    out.push(' ');
                    out.push_str(fr_de(n2.fr_f, n2.fr));
                    out.push_str(n2.fr);
                }
                Lang::Es => {
                    push_np(out, n1, lang);
                    out.push_str(if n2.es_f { " de la " } else { " del " });
                    out.push_str(n2.es);
                }
                Lang::It => {
                    push_np(out, n1, lang);
                    out.push(' ');
                    out.push_str(it_di(n2));
                    out.push_str(n2.it);
                }
                Lang::Pt => {
                    push_np(out, n1, lang);
                    out.push_str(if n2.pt_f { " da " } else { " do " });
                    out.push_str(n2.pt);
                }
                Lang::De => {
                    push_np(out, n1, lang);
                    out.push(' ');
                    out.push_str(de_genitive_article(n2));
                    out.push_str(n2.de_gen);
                }
                Lang::Ja => {
                    let _ = write!(out, "{}の{}", n2.ja, n1.ja);
                }
                Lang::Zh => {
                    let _ = write!(out, "{}的{}", n2.zh, n1.zh);
                }
                Lang::Ko => {
                    let _ = write!(out, "{}의 {}", n2.ko, n1.ko);
                }
                Lang::Hi => {
                    let _ = write!(out, "{} Ka {}", n2.hi, n1.hi);
                }
            }
        }
        Template::And(a, b) => {
            let (n1, n2) = (noun(a), noun(b));
            match lang {
                Lang::En => {
                    let _ = write!(out, "{} and {}", n1.en, n2.en);
                }
                Lang::De => {
                    let _ = write!(out, "{} und {}", n1.de, n2.de);
                }
                Lang::Ja => {
                    let _ = write!(out, "{}と{}", n1.ja, n2.ja);
                }
                Lang::Zh => {
                    let _ = write!(out, "{}与{}", n1.zh, n2.zh);
                }
                Lang::Ko => {
                    out.push_str(n1.ko);
                    out.push_str(ko_and(n1.ko).trim_end());
                    out.push(' ');
                    out.push_str(n2.ko);
                }
                Lang::Hi => {
                    let _ = write!(out, "{} Aur {}", n1.hi, n2.hi);
                }
                _ => {
                    push_np(out, n1, lang);
                    out.push_str(match lang {
                        Lang::Fr => " et ",
                        Lang::Es => " y ",
                        _ => " e ",
                    });
                    push_np(out, n2, lang);
                }
            }
        }
        Template::List(a, b, c) => {
            let conj = match lang {
                Lang::En => " and ",
                Lang::Fr => " et ",
                Lang::Es => " y ",
                Lang::De => " und ",
                Lang::It | Lang::Pt => " e ",
                Lang::Ja => "と",
                Lang::Zh => "与",
                Lang::Ko => ", ",
                Lang::Hi => " Aur ",
            };
            let sep = match lang {
                Lang::Ja => "、",
                Lang::Zh => "，",
                _ => ", ",
            };
            let articled = matches!(lang, Lang::Fr | Lang::Es | Lang::It | Lang::Pt);
            for (k, i) in [a, b, c].into_iter().enumerate() {
                if k == 1 {
                    out.push_str(sep);
                } else if k == 2 {
                    out.push_str(conj);
                }
                if articled {
                    push_np(out, noun(i), lang);
                } else {
                    push_bare(out, noun(i), lang);
                }
            }
        }
        Template::Possessive(name, a) => {
            let n = noun(a);
            let who = name_str(name);
            match lang {
                Lang::En => {
                    let _ = write!(out, "{}'s {}", who, n.en);
                }
                Lang::De => {
                    if who.ends_with('s') {
                        let _ = write!(out, "{}' {}", who, n.de);
                    } else {
                        let _ = write!(out, "{}s {}", who, n.de);
                    }
                }
                Lang::Ja => {
                    let _ = write!(out, "{}の{}", who, n.ja);
                }
                Lang::Zh => {
                    let _ = write!(out, "{}的{}", who, n.zh);
                }
                Lang::Ko => {
                    let _ = write!(out, "{}의 {}", who, n.ko);
                }
                Lang::Hi => {
                    let _ = write!(out, "{} Ka {}", who, n.hi);
                }
                _ => {
                    push_np(out, n, lang);
                    out.push_str(if lang == Lang::It { " di " } else { " de " });
                    out.push_str(who);
                }
            }
        }
        Template::In(a, c) => {
            let n = noun(a);
            let place = city(c, lang);
            match lang {
                Lang::En => {
                    let _ = write!(out, "{} in {}", n.en, place);
                }
                Lang::De => {
                    let _ = write!(out, "{} in {}", n.de, place);
                }
                Lang::Fr => {
                    push_np(out, n, lang);
                    out.push_str(" à ");
                    out.push_str(place);
                }
                Lang::Es => {
                    push_np(out, n, lang);
                    out.push_str(" en ");
                    out.push_str(place);
                }
                Lang::It => {
                    push_np(out, n, lang);
                    out.push_str(" a ");
                    out.push_str(place);
                }
                Lang::Pt => {
                    push_np(out, n, lang);
                    out.push_str(" em ");
                    out.push_str(place);
                }
                Lang::Ja => {
                    let _ = write!(out, "{}の{}", place, n.ja);
                }
                Lang::Zh => {
                    let _ = write!(out, "{}的{}", place, n.zh);
                }
                Lang::Ko => {
                    let _ = write!(out, "{}의 {}", place, n.ko);
                }
                Lang::Hi => {
                    let _ = write!(out, "{} Mein {}", place, n.hi);
                }
            }
        }
        Template::Name(name) => out.push_str(name_str(name)),
        Template::Number(k) => {
            let _ = write!(out, "{k}");
        }
    }
}

/// Default episode title in `lang`: `Episode #2.7`, `Épisode #2.7`, `第7集`…
pub(crate) fn render_episode_number(lang: Lang, season: u32, episode: u32, out: &mut String) {
    out.clear();
    if lang == Lang::Zh {
        let _ = write!(out, "第{episode}集");
    } else {
        let _ = write!(out, "{} #{}.{}", episode_word(lang), season, episode);
    }
}

/// `Episode dated 12 March 2004`, the placeholder IMDb uses for daily shows.
pub(crate) fn render_episode_dated(year: i32, day_of_year: u32, out: &mut String) {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let (m, d) = month_day(day_of_year);
    out.clear();
    let _ = write!(out, "Episode dated {} {} {}", d, MONTHS[m as usize - 1], year);
}

/// Month (1-12) and day for a day of a non-leap year (0-364).
pub(crate) fn month_day(day_of_year: u32) -> (u32, u32) {
    const LEN: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut d = day_of_year % 365;
    for (i, l) in LEN.iter().enumerate() {
        if d < *l {
            return (i as u32 + 1, d + 1);
        }
        d -= l;
    }
    (12, 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(t: Template, lang: Lang) -> String {
        let c = Concept { template: t, sequel: 0, subtitle: None, quirk: Quirk::None };
        let mut s = String::new();
        c.render(lang, &mut s);
        s
    }

    #[test]
    fn french_titles_get_articles_and_contractions_right() {
        // Of(Secret, Forest): "Le secret de la forêt"; Of(Heart, Summer): "Le cœur de l'été".
        assert_eq!(render(Template::Of(37, 48), Lang::Fr), "Le secret de la forêt");
        assert_eq!(render(Template::Of(12, 22), Lang::Fr), "Le cœur de l'été");
        assert_eq!(render(Template::Of(37, 48), Lang::En), "The Secret of the Forest");
        assert_eq!(render(Template::AdjNoun(1, 22), Lang::Fr), "Le dernier été");
        assert_eq!(render(Template::AdjNoun(2, 4), Lang::Fr), "L'ombre perdue");
        assert_eq!(render(Template::Of(37, 48), Lang::Ja), "森の秘密");
        assert_eq!(render(Template::Of(37, 31), Lang::De), "Das Geheimnis des Königs");
        assert_eq!(render(Template::And(18, 50), Lang::Fr), "Le feu et la glace");
    }

    #[test]
    fn quirks_produce_quotes_hashtags_and_long_titles() {
        let mut s = String::new();
        let c = Concept { template: Template::AdjNoun(27, 0), sequel: 0, subtitle: None, quirk: Quirk::Quote };
        c.render(Lang::En, &mut s);
        assert_eq!(s, "The \"Perfect\" Night");
        let c = Concept { template: Template::And(18, 50), sequel: 0, subtitle: None, quirk: Quirk::Hashtag };
        c.render(Lang::En, &mut s);
        assert_eq!(s, "#FireAndIce");
        let c = Concept { template: Template::Bare(0), sequel: 2, subtitle: None, quirk: Quirk::Long(9) };
        c.render(Lang::Fr, &mut s);
        assert!(s.chars().count() > 150, "{s}");
    }
}
