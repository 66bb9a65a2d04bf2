//! Times the popularity model for the benchmark script (scripts/bench-popularity.sh): `fit LAKE` loads the
//! lake's films, builds the features, fits the final quality model (hist, every core) and reports each time;
//! `predict RUN_DIR` loads a trained model and times single predictions (with and without SHAP reasons).

use std::path::Path;
use std::time::Instant;

use cinepicks_pipeline::popularity::artefacts::StoredPopularity;
use cinepicks_pipeline::popularity::booster::{BoostParams, Objective, Trees};
use cinepicks_pipeline::popularity::dataset::{self, DatasetRules};
use cinepicks_pipeline::popularity::features::{FeatureSpace, TrackRecords, Vocabularies};
use cinepicks_pipeline::popularity::predict::Query;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("fit"), Some(lake)) => fit(Path::new(lake)),
        (Some("predict"), Some(run)) => predict(Path::new(run)),
        _ => {
            eprintln!("usage: popularity_timing fit LAKE | predict RUN_DIR");
            std::process::exit(2);
        }
    }
}

fn fit(lake: &Path) {
    let started = Instant::now();
    let data = dataset::load(lake, &DatasetRules::default()).expect("reading the lake").expect("films in the lake");
    let load = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let films: Vec<_> = data.films.iter().collect();
    let tracks = TrackRecords::from_films(films.iter().copied());
    let space = FeatureSpace::fit(&films, &Vocabularies::default());
    let x = space.encode(&films, &tracks, None);
    let features = started.elapsed().as_secs_f64();
    let y: Vec<f32> = data.films.iter().map(|f| f.targets[0]).collect();
    let started = Instant::now();
    let params = BoostParams::default();
    Trees::fit(&x, &space.names, &y, Objective::Regression, &params, |_| {}).expect("fit");
    let fit = started.elapsed().as_secs_f64();
    println!(
        "films={} features={} rounds={} load_seconds={load:.2} feature_seconds={features:.2} fit_seconds={fit:.2}",
        films.len(),
        space.len(),
        params.rounds
    );
}

fn predict(run: &Path) {
    let model = StoredPopularity::load(run).expect("a run with a popularity model");
    let genre = model.spec.features.genres.first().cloned().into_iter().collect();
    let query = Query { genres: genre, runtime: Some(110.0), year: 2026, ..Default::default() };
    let n = 1000;
    for top in [0, 5] {
        let started = Instant::now();
        for _ in 0..n {
            std::hint::black_box(model.predict(&query, top).expect("prediction"));
        }
        let per = started.elapsed().as_secs_f64() / n as f64;
        println!("predict_ms_{}={:.3}", if top == 0 { "values" } else { "with_reasons" }, per * 1000.0);
    }
}
