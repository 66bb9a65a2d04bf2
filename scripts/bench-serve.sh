#!/usr/bin/env bash
# Web benchmark (issue targets: similar films p99 ≤ 10 ms at 200 requests/s, search p99 ≤ 20 ms), with wrk on
# loopback against the release server on a demo store. wrk runs closed-loop, as fast as the server answers, on
# one connection (then four): the p99 it reports is under a load above 200 requests/s, so it bounds the target's.
# Usage: scripts/bench-serve.sh [SECONDS]. Data goes to BENCH_DIR (default ~/.cache/cinepicks/bench-serve).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
target="${CARGO_TARGET_DIR:-target}"
bench="${BENCH_DIR:-$HOME/.cache/cinepicks/bench-serve}"
command -v wrk >/dev/null || { sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"; $sudo_cmd apt-get install -y -qq wrk >/dev/null; }
cargo build -q --release --bin cinepicks
bin="$target/release/cinepicks"
# A store prepared before demo folders had their own link key is prepared again (serve needs a key).
if [ ! -f "$bench/cinepicks.db" ] || [ ! -f "$bench/demo/link-key" ]; then
  echo "== preparing the demo store (scale 0.01) in $bench"
  "$bin" --quiet --data-dir "$bench" demo --scale 0.01 >/dev/null
fi
out="$(mktemp)"
CINEPICKS__SERVE__RATE_LIMIT_PER_MINUTE=100000000 "$bin" --quiet --data-dir "$bench" serve --addr 127.0.0.1:0 >"$out" 2>"$out.err" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$out" "$out.err"' EXIT
for _ in $(seq 100); do grep -q "Serving the site on" "$out" && break; sleep 0.1; done
grep -q "Serving the site on" "$out" || { echo "serve did not start:" >&2; cat "$out.err" >&2; exit 1; }
base="$(sed -n 's/.*Serving the site on \([^ ]*\).*/\1/p' "$out" | head -1)"
base="${base%/}"
film="$(curl -s "$base/api/v1/films/search?q=the&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["films"][0]["id"])')"
films="$(curl -s "$base/api/v1/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["films"])')"
echo "== $base, $films films; similar films of $film; $seconds s per run"
for connections in 1 4; do
  for path in "/api/v1/films/$film/similar" "/api/v1/films/search?q=the%20godfathr" "/api/v1/films/search?q=am"; do
    wrk -t1 -c"$connections" -d"${seconds}s" --latency "$base$path" | awk -v p="$path" -v c="$connections" '
      /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
      END {printf "connections=%s %-40s requests/s=%s p50=%s p99=%s\n", c, p, rps, p50, p99}'
  done
done
