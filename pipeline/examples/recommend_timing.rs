//! Times the recommender's heavy parts for the benchmark script (scripts/bench-recommend.sh):
//! `ease LAKE` (EASE fit on the lake's MovieLens ratings), `content FILMS` (content neighbours of a
//! synthetic catalogue with IMDb-like feature distributions), `lookup RUN_DIR` (one recommendation from
//! stored neighbours).

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use cinepicks_pipeline::recommend::artefacts::StoredRecommender;
use cinepicks_pipeline::recommend::content::{self, ContentParams, FeatureTable, Field};
use cinepicks_pipeline::recommend::ease::{Ease, EaseParams};
use cinepicks_pipeline::recommend::{Recommender, Weighting, interactions};
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Zipf};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("ease"), Some(lake)) => ease(Path::new(lake)),
        (Some("content"), Some(n)) => content(n.parse().expect("a number of films")),
        (Some("lookup"), Some(run)) => lookup(Path::new(run)),
        _ => {
            eprintln!("usage: recommend_timing ease LAKE | content FILMS | lookup RUN_DIR");
            std::process::exit(2);
        }
    }
}

fn ease(lake: &Path) {
    let data = interactions::load(lake).expect("MovieLens ratings in the lake");
    let params =
        EaseParams { lambda: 200.0, weighting: Weighting { threshold: 4.0, below_weight: 1.0 }, ..Default::default() };
    let started = Instant::now();
    let mut model = Ease::new(params);
    model.fit(&data.ratings).expect("EASE fit");
    println!(
        "ease_fit_seconds={:.2} users={} items={} modelled_items={} ratings={}",
        started.elapsed().as_secs_f64(),
        data.ratings.n_rows,
        data.ratings.n_cols,
        model.modelled_items(),
        data.ratings.nnz()
    );
}

/// A synthetic catalogue: genres and decades (broad), Zipf-distributed directors, writers and cast
/// (a few very prolific people, most with one or two films), TMDB keywords for a minority of films.
fn content(n: usize) {
    let started = Instant::now();
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    let people = Zipf::new((n * 3) as f64, 1.05).expect("valid Zipf");
    let directors = Zipf::new((n / 2) as f64, 1.1).expect("valid Zipf");
    let keywords = Zipf::new(20_000.0, 1.0).expect("valid Zipf");
    let genre_pick = Zipf::new(28.0, 1.2).expect("valid Zipf");
    let mut table = FeatureTable::with_items(n);
    let mut prior = Vec::with_capacity(n);
    for i in 0..n {
        for _ in 0..rng.random_range(1..=3) {
            table.add(i, Field::Genre, &format!("g{}", genre_pick.sample(&mut rng) as u32), 1.0);
        }
        table.add(i, Field::Decade, &format!("{}s", 1920 + 10 * rng.random_range(0..11)), 1.0);
        table.add(i, Field::Language, if rng.random_bool(0.6) { "en" } else { "xx" }, 1.0);
        table.add(i, Field::Director, &format!("nm{}", directors.sample(&mut rng) as u64), 1.0);
        for _ in 0..2 {
            table.add(i, Field::Writer, &format!("nm{}", people.sample(&mut rng) as u64 + 10_000_000), 1.0);
        }
        for b in 0..6 {
            table.add(i, Field::Cast, &format!("nm{}", people.sample(&mut rng) as u64), if b < 3 { 1.0 } else { 0.6 });
        }
        if rng.random_bool(0.05) {
            for _ in 0..10 {
                table.add(i, Field::Keyword, &format!("k{}", keywords.sample(&mut rng) as u64), 1.0);
            }
        }
        prior.push(rng.random::<f32>() * 10.0);
    }
    for row in &mut table.items {
        row.sort_unstable_by_key(|&(f, _)| f);
    }
    let built = started.elapsed().as_secs_f64();
    let params = ContentParams { k: 100, ..Default::default() };
    let started = Instant::now();
    let vectors = content::tfidf(&table, &params.weights);
    let queries: Vec<u32> = (0..n as u32).collect();
    let lists = content::neighbours(&vectors, &queries, &vec![true; n], &prior, &params, &|_| {});
    let with = lists.iter().filter(|l| !l.is_empty()).count();
    println!(
        "content_films={n} features={} build_features_seconds={built:.1} neighbours_seconds={:.1} films_with_neighbours={with}",
        table.n_features(),
        started.elapsed().as_secs_f64()
    );
}

fn lookup(run: &Path) {
    let model = StoredRecommender::load(run).expect("a trained run");
    let n = model.films.len() as u32;
    let none = HashSet::new();
    let rounds = 2_000u32;
    let started = Instant::now();
    let mut picks = 0;
    for r in 0..rounds {
        let likes = [r * 7919 % n, r * 104_729 % n, r * 1_299_709 % n];
        picks += model.for_likes(&likes[..1 + (r % 3) as usize], 5, &none, None).len();
    }
    let per = started.elapsed().as_secs_f64() * 1e3 / f64::from(rounds);
    println!("lookup_ms_per_recommendation={per:.4} films={n} picks={picks}");
}
