//! Drawn posters for films without one (`/posters/{id}`): an SVG with the film's title and year over a motif in
//! the palette of its genres ([`cinepicks_domain::poster_art`]), the same every time, so that a catalogue
//! without TMDB posters still looks like a cinema's, not a wireframe.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};

use cinepicks_domain::identity;
use cinepicks_domain::poster_art::{self, Motif, Palette};

use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/posters/{id}", get(drawn))
}

/// Where a film's drawn poster is served.
pub fn url(film_id: &str) -> String {
    format!("/posters/{film_id}")
}

async fn drawn(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let catalogue = state.catalogue();
    let Some(film) = catalogue.film(&id) else { return StatusCode::NOT_FOUND.into_response() };
    let genres = film.genre_list();
    let svg = svg(&film.film_id, film.title(state.ctx.config.locale), film.start_year, &genres);
    let headers = [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")];
    (headers, svg.into_string()).into_response()
}

/// The drawing: 200 × 300 like posters, the motif in the top two thirds, the title (up to four lines) and the
/// year below.
pub fn svg(film_id: &str, title: &str, year: Option<i32>, genres: &[&str]) -> Markup {
    let (palette, motif) = poster_art::look(film_id, genres);
    let lines = wrap(title, 15, 4);
    let first_line = 300 - 34 - 22 * lines.len() as i32;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 300" width="200" height="300" {
            rect width="200" height="300" fill=(palette.background) {}
            g opacity="0.45" { (motif_shapes(motif, palette, poster_art::seed(film_id))) }
            rect x="12" y="12" width="176" height="276" rx="4" fill="none" stroke=(palette.accent) stroke-width="2" {}
            @for (i, line) in lines.iter().enumerate() {
                text x="100" y=(first_line + 22 * i as i32) text-anchor="middle" fill=(palette.ink)
                    font-family=(identity::TITLE_FONT) font-size="19" font-weight="bold" { (line) }
            }
            @if let Some(year) = year {
                text x="100" y="278" text-anchor="middle" fill=(palette.ink) opacity="0.8"
                    font-family=(identity::TEXT_FONT) font-size="13" letter-spacing="3" { (year) }
            }
        }
    }
}

fn motif_shapes(motif: Motif, palette: Palette, seed: u64) -> Markup {
    let accent = palette.accent;
    html! {
        @match motif {
            Motif::Rings => {
                @for r in [18, 38, 58, 78, 98] {
                    circle cx="100" cy=(95 + (seed % 30) as i32) r=(r) fill="none" stroke=(accent) stroke-width="7" {}
                }
            }
            Motif::Bands => {
                @for i in 0..6 {
                    polygon points=(format!("{},0 {},0 {},200 {},200", -80 + i * 60, -50 + i * 60, 10 + i * 60, -20 + i * 60))
                        fill=(accent) {}
                }
            }
            Motif::Dots => {
                @for row in 0..6 {
                    @for col in 0..6 {
                        circle cx=(25 + col * 30 + (row % 2) * 15) cy=(22 + row * 28) r=(6 + ((seed >> (row + col)) % 4) as i32)
                            fill=(accent) {}
                    }
                }
            }
            Motif::Waves => {
                @for i in 0..6 {
                    @let y = 30 + i * 28;
                    path d=(format!("M0 {y} Q50 {} 100 {y} T200 {y}", y - 18)) fill="none" stroke=(accent) stroke-width="6" {}
                }
            }
            Motif::Stars => {
                @for i in 0..14u64 {
                    @let x = (seed.rotate_left(i as u32 * 5) % 180) as i32 + 10;
                    @let y = (seed.rotate_left(i as u32 * 7 + 3) % 170) as i32 + 10;
                    circle cx=(x) cy=(y) r=(1 + (i % 3) as i32 * 2) fill=(accent) {}
                }
                circle cx="150" cy="55" r="26" fill=(accent) {}
            }
        }
    }
}

/// Words into lines of at most `width` characters (a longer word has its own line, cut), at most `lines` of
/// them, the last ending in "…" when the title is longer.
fn wrap(title: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in title.split_whitespace() {
        let word: String = word.chars().take(width).collect();
        match out.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(&word);
            }
            _ => out.push(word),
        }
    }
    if out.len() > lines {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            let kept: String = last.chars().take(width - 1).collect();
            *last = format!("{kept}…");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_into_at_most_four_lines_and_are_escaped_in_the_drawing() {
        assert_eq!(wrap("Le Fabuleux Destin d'Amélie Poulain", 15, 4), ["Le Fabuleux", "Destin d'Amélie", "Poulain"]);
        let long = wrap("Il était une fois dans l'Ouest et encore bien plus loin que prévu", 15, 4);
        assert_eq!(long.len(), 4);
        assert!(long[3].ends_with('…'), "{long:?}");
        let drawn = svg("tt1", "Tom & Jerry <3", Some(1992), &["Comedy"]).into_string();
        assert!(drawn.starts_with("<svg") && drawn.contains("Tom &amp; Jerry &lt;3") && drawn.contains("1992"));
        assert_eq!(drawn, svg("tt1", "Tom & Jerry <3", Some(1992), &["Comedy"]).into_string(), "deterministic");
    }
}
