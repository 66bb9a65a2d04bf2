#!/usr/bin/env bash
# The spread of the popularity model's hold-out R² over many random 80/20 draws of TMDB 5000: ingests the TMDB
# file once, then trains the popularity model once per seed (popularity.seed; cross-validation off) and prints,
# per seed, the hold-out R² of XGBoost and of the linear baseline for vote_average, then a summary.
# Usage: scripts/popularity-holdouts.sh [SEEDS] (default 40: seeds 0 to 39). About 10 s per seed, release build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seeds="${1:-40}"
work="${CINEPICKS_BENCH_DIR:-$HOME/.cache/cinepicks/bench-holdouts}"
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="${CARGO_TARGET_DIR:-$root/target}/release/cinepicks"
mkdir -p "$work"
"$bin" --quiet --data-dir "$work" ingest --imdb "$work/absent" --movielens "$work/absent" \
  --tmdb "$root/../shared/data/tmdb-5000" >/dev/null
python=python3
for seed in $(seq 0 $((seeds - 1))); do
  printf "popularity:\n  folds: 0\n  seed: %s\n" "$seed" > "$work/seed.yaml"
  rm -rf "$work/models"
  "$bin" --quiet --data-dir "$work" --config "$work/seed.yaml" train --only popularity >/dev/null
  "$python" - "$work"/models/*/popularity/manifest.json "$seed" <<'PY'
import json, sys
manifest, seed = json.load(open(sys.argv[1])), sys.argv[2]
models = dict((name, scores) for name, scores in manifest["metrics"]["targets"][0]["holdout"]["models"])
print(f"{seed}\t{models['xgboost']['r2']:.4f}\t{models['linear']['r2']:.4f}")
PY
done | tee "$work/holdouts.tsv"
"$python" - "$work/holdouts.tsv" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]) if line.strip()]
xgb, linear = [float(r[1]) for r in rows], [float(r[2]) for r in rows]
print(f"{len(xgb)} draws: XGBoost R² mean {statistics.mean(xgb):.3f}, median {statistics.median(xgb):.3f}, "
      f"min {min(xgb):.3f}, max {max(xgb):.3f}; ≥ 0.40 on {sum(r >= 0.40 for r in xgb)}; "
      f"above the linear baseline ({statistics.mean(linear):.3f} mean) on {sum(a > b for a, b in zip(xgb, linear))}")
PY
