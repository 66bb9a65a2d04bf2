//! Times `generate` at a given scale: `cargo run --release -p cinepicks-generator --example generate_timing -- 0.1 /tmp/out [threads]`.

use cinepicks_generator::{GenerateOptions, generate};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let scale: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0.01);
    let out = args.get(2).cloned().unwrap_or_else(|| "/tmp/cinepicks-generate".to_string());
    let threads: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(0);
    let corrupt_share: f64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let opts = GenerateOptions { scale, seed: 42, corrupt_share, threads };
    let start = Instant::now();
    let progress = |name: &str, rows: u64| {
        if rows.is_multiple_of(1_000_000) {
            eprintln!("  {name}: {rows} rows");
        }
    };
    match generate(&opts, std::path::Path::new(&out).join("raw").as_path(), &progress) {
        Ok(summary) => {
            let mut total = 0;
            for f in &summary.files {
                println!(
                    "{:>12} rows {:>12} bytes {:>6} corrupted  {}",
                    f.rows,
                    f.bytes,
                    f.corrupted_rows,
                    f.path.display()
                );
                total += f.bytes;
            }
            println!("scale {scale}: {} files, {} bytes, {:.2?}", summary.files.len(), total, start.elapsed());
        }
        Err(e) => {
            eprintln!("generate failed: {e}");
            std::process::exit(1);
        }
    }
}
