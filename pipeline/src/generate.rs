//! Deterministic generator of IMDb, MovieLens and TMDB-format files (being written).
