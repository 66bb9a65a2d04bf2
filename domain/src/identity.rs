//! The cinema's visual identity, one for the site, the e-mails and the report: its colours and its two type
//! faces. Stylesheets take them as CSS variables ([`css_variables`]); e-mails, which clients only style
//! inline, take the constants.

/// Text, and the band at the top of every page, e-mail and report.
pub const INK: &str = "#1d1d28";
/// Secondary text (facts under a title, footers): 6.7:1 on the paper.
pub const MUTED: &str = "#5a5a6e";
/// The cinema's wine red: links, buttons, "à l'affiche" badges, figures' accents.
pub const ACCENT: &str = "#9b2335";
/// The warm background behind cards.
pub const PAPER: &str = "#fbfaf7";
/// Cards, the e-mail's body.
pub const CARD: &str = "#ffffff";
/// Thin rules between rows.
pub const LINE: &str = "#e7e2d6";
/// The gold of readings and of the small line above the report's title.
pub const GOLD: &str = "#c9a227";
/// Secondary text on the ink band.
pub const ON_INK_MUTED: &str = "#d9dae3";

/// Running text: the system's interface face (no web font to download, which the pages' CSP forbids anyway).
pub const TEXT_FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
/// Running text in e-mails: the same system faces, named (Outlook on Windows reads only the first name of a
/// stack and knows no `system-ui`; it would fall back to Times New Roman).
pub const EMAIL_TEXT_FONT: &str = "'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
/// Titles (the cinema's name, films, headings): a book serif, as on the drawn posters.
pub const TITLE_FONT: &str = "Georgia, 'DejaVu Serif', 'Times New Roman', serif";

/// The identity as CSS custom properties on `:root`, placed before a stylesheet that uses them.
pub fn css_variables() -> String {
    let colours = [
        ("ink", INK),
        ("muted", MUTED),
        ("accent", ACCENT),
        ("paper", PAPER),
        ("card", CARD),
        ("line", LINE),
        ("gold", GOLD),
        ("on-ink-muted", ON_INK_MUTED),
    ];
    let mut css = String::from(":root{");
    for (name, value) in colours {
        css.push_str(&format!("--{name}:{value};"));
    }
    css.push_str(&format!("--text-font:{TEXT_FONT};--title-font:{TITLE_FONT}}}\n"));
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn text_colours_are_readable_on_their_backgrounds() {
        // WCAG AA for body text: 4.5:1.
        for (text, background) in [(INK, PAPER), (MUTED, PAPER), (MUTED, CARD), (ACCENT, PAPER), (CARD, ACCENT)] {
            assert!(contrast(text, background) >= 4.5, "{text} on {background}: {:.2}", contrast(text, background));
        }
        for text in [CARD, ON_INK_MUTED] {
            assert!(contrast(text, INK) >= 4.5, "{text} on the ink band");
        }
    }

    #[test]
    fn stylesheets_get_every_colour_and_both_faces() {
        let css = css_variables();
        assert!(css.starts_with(":root{--ink:#1d1d28;") && css.trim_end().ends_with("serif}"), "{css}");
        for name in ["--muted:", "--accent:", "--paper:", "--card:", "--line:", "--gold:", "--title-font:"] {
            assert!(css.contains(name), "{name} missing: {css}");
        }
    }
}
