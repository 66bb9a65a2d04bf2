//! SMS text in the GSM 03.38 7-bit alphabet: French letters outside it are transliterated (so a message is
//! never silently switched to UCS-2 and its 70-character limit), and length is counted in septets.

/// The GSM 03.38 basic character set.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each costs two septets (escape + character).
const EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// Septets one character costs, `None` outside the alphabet.
fn cost(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Rewrites `text` into the GSM-7 alphabet: French accents and typography to their nearest GSM letters, other
/// accented letters to their base letter, anything else to `?`.
pub fn to_gsm7(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if cost(c).is_some() {
            out.push(c);
            continue;
        }
        let replacement = match c {
            'ç' => "c",
            'â' | 'á' | 'ã' => "a",
            'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' => "i",
            'ô' | 'ó' | 'õ' => "o",
            'û' | 'ú' => "u",
            'ÿ' => "y",
            'œ' => "oe",
            'Œ' => "OE",
            '«' | '»' | '“' | '”' | '„' => "\"",
            '’' | '‘' | '`' | '´' => "'",
            '–' | '—' | '‐' => "-",
            '…' => "...",
            '\u{a0}' | '\u{202f}' | '\t' => " ",
            _ => "",
        };
        if !replacement.is_empty() {
            out.push_str(replacement);
            continue;
        }
        let base: String = c.to_string().nfd().filter(|b| cost(*b).is_some()).collect();
        out.push_str(if base.is_empty() { "?" } else { &base });
    }
    out
}

/// Length in septets; `None` when the text is not GSM-7.
pub fn septets(text: &str) -> Option<usize> {
    text.chars().map(cost).sum()
}

/// The longest prefix of `text` (GSM-7) within `budget` septets, ending with "..." when cut.
pub fn truncate(text: &str, budget: usize) -> String {
    if septets(text).is_some_and(|n| n <= budget) {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    let limit = budget.saturating_sub(3);
    for c in text.chars() {
        let n = cost(c).unwrap_or(1);
        if used + n > limit {
            break;
        }
        used += n;
        out.push(c);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push_str("...");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_becomes_gsm7_without_losing_its_letters() {
        assert_eq!(to_gsm7("Amélie à Noël — « fête » œuvre"), "Amélie à Noel - \" fete \" oeuvre");
        assert_eq!(to_gsm7("Ça va, garçon ?"), "Ça va, garcon ?");
        assert_eq!(to_gsm7("日本"), "??");
        assert!(septets(&to_gsm7("Côte d’Ivoire…")).is_some());
    }

    #[test]
    fn extended_characters_count_twice() {
        assert_eq!(septets("abc"), Some(3));
        assert_eq!(septets("5€"), Some(3));
        assert_eq!(septets("ê"), None);
    }

    #[test]
    fn truncation_stays_within_the_budget() {
        let t = truncate("Le Fabuleux Destin d'Amélie Poulain", 20);
        assert!(septets(&t).unwrap() <= 20, "{t}");
        assert!(t.ends_with("..."));
        assert_eq!(truncate("court", 20), "court");
    }
}
