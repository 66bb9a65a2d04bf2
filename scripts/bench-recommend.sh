#!/usr/bin/env bash
# Recommender benchmark (the issue's performance targets), release build:
#   1. EASE fit on ml-latest-small (9,742 films)            target ≤ 7 s on 2 cores
#   2. full `cinepicks evaluate` on MovieLens 100K           target ≤ 10 s
#   3. content neighbours of a 300k-film synthetic catalogue target ≤ 5 min, peak RSS ≤ 4 GiB
#   4. one recommendation from stored neighbours             target ≤ 5 ms
# Usage: scripts/bench-recommend.sh [FILMS]   (default 300000). Needs ../shared/data beside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
films="${1:-300000}"
target="${CARGO_TARGET_DIR:-target}"
bench="${BENCH_DIR:-$HOME/.cache/cinepicks/bench-recommend}"
shared="$(cd .. && pwd)/shared/data"
mkdir -p "$bench"

cargo build --release -q
# --workspace, not -p: building one package unifies features differently and rebuilds polars.
cargo build --release -q --workspace --example recommend_timing
bin="$target/release/cinepicks"
timing="$target/release/examples/recommend_timing"

measure() { # runs a command, prints its stdout, then "wall_seconds=… peak_rss_mib=…"
  /usr/bin/time -f "%e %M" -o "$bench/time.txt" "$@" >"$bench/out.txt" 2>"$bench/err.txt" || { cat "$bench/err.txt"; exit 1; }
  grep -E '=|time|durée' "$bench/out.txt" | tail -3 || true
  awk '{printf "wall_seconds=%s peak_rss_mib=%.0f\n", $1, $2/1024}' "$bench/time.txt"
}

absent="$bench/absent"
for set in ml-latest-small ml-100k; do
  if [ ! -f "$bench/$set/lake/ml_ratings.parquet" ]; then
    "$bin" --quiet --data-dir "$bench/$set" ingest --imdb "$absent" --tmdb "$absent" --movielens "$shared/$set" >/dev/null
  fi
done

echo "== 1. EASE fit on ml-latest-small"
measure "$timing" ease "$bench/ml-latest-small/lake"
echo "== 2. cinepicks evaluate on ml-100k (every model, 5-fold RMSE)"
measure "$bin" --quiet --data-dir "$bench/ml-100k" evaluate --out "$bench/ml-100k/eval"
echo "== 3. content neighbours of $films synthetic films"
measure "$timing" content "$films"
echo "== 4. one recommendation from stored neighbours (demo run)"
if [ ! -d "$bench/demo/models" ]; then
  "$bin" --quiet --data-dir "$bench/demo" demo >/dev/null
fi
run="$(ls -d "$bench"/demo/models/*/ | sort | tail -1)"
measure "$timing" lookup "$run"
