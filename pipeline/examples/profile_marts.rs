//! Profiles the analyze stage on a lake: time of each mart and of the slowest plan nodes (polars' profiler).
//!
//! `cargo run -p cinepicks-pipeline --example profile_marts -- <lake dir> [mart…]`

use std::time::Instant;

use cinepicks_pipeline::analyze::{AnalyzeParams, LakeFrames, MARTS};
use polars::prelude::IntoLazy;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let lake_dir = args.next().ok_or("usage: profile_marts <lake dir> [mart…]")?;
    let only: Vec<String> = args.collect();
    let lake = LakeFrames::scan(std::path::Path::new(&lake_dir))?;
    let params = AnalyzeParams::default();
    for mart in MARTS.iter().filter(|m| only.is_empty() || only.iter().any(|o| o == m.name)) {
        let started = Instant::now();
        let (frame, profile) = mart.plan(&lake, &params)?.profile()?;
        println!("{:<16} {:>6} rows {:>7.2} s", mart.name, frame.height(), started.elapsed().as_secs_f64());
        let profile = profile
            .lazy()
            .with_column((polars::prelude::col("end") - polars::prelude::col("start")).alias("us"))
            .sort(["us"], polars::prelude::SortMultipleOptions::default().with_order_descending(true))
            .limit(6)
            .collect()?;
        for row in 0..profile.height() {
            let node = profile.column("node")?.str()?.get(row).unwrap_or("");
            let us = profile.column("us")?.cast(&polars::prelude::DataType::Int64)?.i64()?.get(row).unwrap_or(0);
            println!("    {:>8.3} s  {}", us as f64 / 1e6, node.chars().take(90).collect::<String>());
        }
    }
    Ok(())
}
