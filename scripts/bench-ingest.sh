#!/usr/bin/env bash
# Ingest benchmark: cinepicks ingest (validating, typed) against a plain Python-polars conversion of the
# same seven IMDb files to zstd Parquet (scan_csv → sink_parquet, no validation), measured in the same run.
# Usage: scripts/bench-ingest.sh [SCALE]   (default 0.1 ≈ 1/10 of the real dump, ~140 MB gzipped)
# Prints wall time, CPU time and peak RSS of each (median of RUNS runs, alternating), their ratios, and the
# peak RSS of cinepicks at SCALE/10 to show memory stays flat as the input grows tenfold.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-0.1}"
runs="${RUNS:-3}"
bench="${BENCH_DIR:-$HOME/.cache/cinepicks/bench}"
small_scale=$(python3 -c "print($scale / 10)")

python3 -c "import polars" 2>/dev/null || pip install -q polars
cargo build --release -q
bin="${CARGO_TARGET_DIR:-target}/release/cinepicks"

for s in "$scale" "$small_scale"; do
  if [ ! -f "$bench/$s/raw/imdb/title.principals.tsv.gz" ]; then
    echo "generating IMDb-format data at scale $s into $bench/$s"
    "$bin" --quiet generate --scale "$s" --seed 7 --out "$bench/$s" >/dev/null
  fi
done

cat > "$bench/polars_baseline.py" <<'PY'
import glob, os, sys
import polars as pl
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for path in sorted(glob.glob(os.path.join(src, "*.tsv.gz"))):
    name = os.path.basename(path)[: -len(".tsv.gz")]
    pl.scan_csv(path, separator="\t", quote_char=None, null_values="\\N", infer_schema_length=10000) \
      .sink_parquet(os.path.join(out, name + ".parquet"), compression="zstd")
PY

measure() { # prints "seconds peak_kib cpu_seconds"
  /usr/bin/time -f "%e %M %U %S" -o "$bench/time.txt" "$@" >/dev/null 2>"$bench/stderr.txt" || { cat "$bench/stderr.txt"; exit 1; }
  awk '{print $1, $2, $3 + $4}' "$bench/time.txt"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

raw="$bench/$scale/raw/imdb"
ingest() { measure "$bin" --quiet --data-dir "$bench/$1/data" ingest --force \
  --imdb "$bench/$1/raw/imdb" --movielens /nonexistent --tmdb /nonexistent; }
: > "$bench/ours.txt"; : > "$bench/py.txt"
for i in $(seq "$runs"); do
  measure python3 "$bench/polars_baseline.py" "$raw" "$bench/py-out" >> "$bench/py.txt"
  ingest "$scale" >> "$bench/ours.txt"
done
ingest "$small_scale" > "$bench/small.txt"

ours_s=$(cut -d' ' -f1 "$bench/ours.txt" | median); ours_m=$(cut -d' ' -f2 "$bench/ours.txt" | median)
py_s=$(cut -d' ' -f1 "$bench/py.txt" | median);     py_m=$(cut -d' ' -f2 "$bench/py.txt" | median)
ours_c=$(cut -d' ' -f3 "$bench/ours.txt" | median); py_c=$(cut -d' ' -f3 "$bench/py.txt" | median)
small_m=$(cut -d' ' -f2 "$bench/small.txt")
gz_mb=$(du -cm "$raw"/*.tsv.gz | tail -1 | cut -f1)
echo "IMDb-format input at scale $scale: ${gz_mb} MB gzipped, 7 files; median of $runs runs on $(nproc) cores"
printf "  %-44s %7.2f s  cpu %6.2f s  peak RSS %5d MiB\n" "cinepicks ingest (validated, typed, quarantine)" "$ours_s" "$ours_c" $((ours_m / 1024))
printf "  %-44s %7.2f s  cpu %6.2f s  peak RSS %5d MiB\n" "python polars $(python3 -c 'import polars; print(polars.__version__)') scan_csv→sink_parquet" "$py_s" "$py_c" $((py_m / 1024))
echo "  time ratio cinepicks / python polars: $(python3 -c "print(round($ours_s / $py_s, 2))") (target <= 1.0)"
echo "  cpu ratio cinepicks / python polars: $(python3 -c "print(round($ours_c / $py_c, 2))") (less sensitive to a busy machine)"
echo "  peak RSS at scale $small_scale: $((small_m / 1024)) MiB; at scale $scale: $((ours_m / 1024)) MiB (target <= 512 MiB, flat)"
