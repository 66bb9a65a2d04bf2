#!/usr/bin/env bash
# Popularity model benchmark: on the lake of generated IMDb-format data at 1/10 of the real dump, times the
# final XGBoost fit (hist method, both cores) on the films' features, then one prediction of a trained model.
# Usage: scripts/bench-popularity.sh [SCALE]   (default 0.1). Targets: fit ≤ 2 min, one prediction ≤ 1 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-0.1}"
bench="${BENCH_DIR:-$HOME/.cache/cinepicks/bench}/analyze-$scale"

cargo build --release -q
# --workspace, not -p: building one package unifies features differently and rebuilds polars.
cargo build --release -q --workspace --example popularity_timing
bin="${CARGO_TARGET_DIR:-target}/release/cinepicks"
timing="${CARGO_TARGET_DIR:-target}/release/examples/popularity_timing"
# Examples get no rpath (build.rs gives one to the binary only): show them the libxgboost.so beside the binary.
export LD_LIBRARY_PATH="$(cd "$(dirname "$bin")" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ ! -f "$bench/lake/_manifest.json" ]; then
  echo "generating data at scale $scale and ingesting it into $bench"
  "$bin" --quiet --data-dir "$bench" generate --scale "$scale" --seed 7 >/dev/null
  "$bin" --quiet --data-dir "$bench" ingest >/dev/null
fi

/usr/bin/time -f "%e %U %S %M" -o "$bench/popularity-fit.txt" "$timing" fit "$bench/lake"
read -r wall user sys rss <"$bench/popularity-fit.txt"
echo "fit process: ${wall} s wall, $(python3 -c "print(round($user + $sys, 1))") s CPU, peak RSS $((rss / 1024)) MiB"

# One prediction needs a trained model: the popularity model alone, without cross-validation.
config="$bench/popularity-bench.yaml"
printf 'popularity:\n  folds: 0\n' >"$config"
/usr/bin/time -f "%e" -o "$bench/popularity-train.txt" \
  "$bin" --quiet --config "$config" --data-dir "$bench" train --only popularity >/dev/null
echo "cinepicks train --only popularity (time split, hold-out, final fit of both targets): $(cat "$bench/popularity-train.txt") s wall"
run="$(ls -d "$bench"/models/*/ | sort | tail -1)"
"$timing" predict "$run"
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg)); targets: fit ≤ 120 s on 2 cores, one prediction ≤ 1 ms"
