#!/usr/bin/env bash
# Analyze benchmark: `cinepicks analyze` on the lake of generated data at 1/10 of the real IMDb dump.
# Usage: scripts/bench-analyze.sh [SCALE]   (default 0.1). Prints the median wall time of RUNS runs (default 3),
# the CPU time and the peak RSS, and the machine's load average (other work on the cores inflates wall time).
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-0.1}"
runs="${RUNS:-3}"
bench="${BENCH_DIR:-$HOME/.cache/cinepicks/bench}/analyze-$scale"

cargo build --release -q
bin="${CARGO_TARGET_DIR:-target}/release/cinepicks"
if [ ! -f "$bench/lake/_manifest.json" ]; then
  echo "generating data at scale $scale and ingesting it into $bench"
  "$bin" --quiet --data-dir "$bench" generate --scale "$scale" --seed 7 >/dev/null
  "$bin" --quiet --data-dir "$bench" ingest >/dev/null
fi

for i in $(seq "$runs"); do
  /usr/bin/time -f "%e %U %S %M" -o "$bench/time-$i.txt" "$bin" --quiet --data-dir "$bench" analyze >/dev/null
  read -r wall user sys rss <"$bench/time-$i.txt"
  echo "run $i: ${wall} s wall, $(python3 -c "print(round($user + $sys, 1))") s CPU, peak RSS $((rss / 1024)) MiB"
done
median=$(cat "$bench"/time-*.txt | awk '{print $1}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
peak=$(cat "$bench"/time-*.txt | awk '{print $4}' | sort -n | tail -1)
echo "analyze at scale $scale: median ${median} s wall, peak RSS $((peak / 1024)) MiB (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "target: ≤ 30 s and ≤ 2048 MiB on 2 cores"
