//! TMDB's poster images: the URL of a poster path (`/abc.jpg`) at the width a page shows it.

/// Where TMDB serves its images; a size (`w342`) and the poster path follow.
const BASE: &str = "https://image.tmdb.org/t/p/";

/// The widths TMDB serves posters at that the site uses: small cards, the film page, large screens.
pub const WIDTHS: [u32; 3] = [185, 342, 500];

/// The URL recorded for a film: its poster at the cards' width.
pub fn poster_url(path: &str) -> String {
    format!("{BASE}w342{path}")
}

/// A TMDB poster URL at another width; `None` for an image from elsewhere.
pub fn at_width(url: &str, width: u32) -> Option<String> {
    let rest = url.strip_prefix(BASE)?;
    let (_, path) = rest.split_once('/')?;
    Some(format!("{BASE}w{width}/{path}"))
}

/// The `srcset` of a TMDB poster (each of [`WIDTHS`]), for the browser to pick by the size shown; `None` for an
/// image from elsewhere.
pub fn srcset(url: &str) -> Option<String> {
    let sources: Option<Vec<String>> = WIDTHS.iter().map(|w| at_width(url, *w).map(|u| format!("{u} {w}w"))).collect();
    sources.map(|s| s.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poster_path_becomes_urls_at_every_width() {
        let url = poster_url("/kqjL17yufvn9OVLyXYpvtyrFfak.jpg");
        assert_eq!(url, "https://image.tmdb.org/t/p/w342/kqjL17yufvn9OVLyXYpvtyrFfak.jpg");
        assert_eq!(
            at_width(&url, 500).as_deref(),
            Some("https://image.tmdb.org/t/p/w500/kqjL17yufvn9OVLyXYpvtyrFfak.jpg")
        );
        let set = srcset(&url).unwrap();
        assert!(set.starts_with("https://image.tmdb.org/t/p/w185/kqjL17yufvn9OVLyXYpvtyrFfak.jpg 185w, "), "{set}");
        assert!(set.ends_with("/w500/kqjL17yufvn9OVLyXYpvtyrFfak.jpg 500w"), "{set}");
        assert_eq!(srcset("https://cinema.example/affiche.jpg"), None);
    }
}
