#!/usr/bin/env bash
# Notifier throughput with 1, 2 and 3 workers sharing one PostgreSQL store (issue "beyond one machine"):
# SUBSCRIBERS (default 20,000) e-mail subscribers sent to a local SMTP server (the tests' server), each worker a
# separate `cinepicks notify` process with its own data folder, as on separate machines. Every round starts from
# the same planned week (the deliveries are reset to pending), so the figure is the sending side alone.
# Usage: scripts/bench-notify-workers.sh [SUBSCRIBERS]. PROFILE=dev measures the dev profile. Needs the local
# PostgreSQL of the tests (scripts/postgres.sh starts it) or CINEPICKS_TEST_PG_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
subscribers="${1:-20000}"
profile="${PROFILE:-release}"
target="${CARGO_TARGET_DIR:-target}"
bench="${BENCH_DIR:-$HOME/.cache/cinepicks/bench-notify-workers}"
dir_of_profile() { if [ "$1" = dev ]; then echo debug; else echo "$1"; fi; }
bin="$target/$(dir_of_profile "$profile")/cinepicks"
sink="$target/$(dir_of_profile "$profile")/examples/smtp_sink"
cargo build -q --profile "$profile" --bin cinepicks
cargo build -q --profile "$profile" -p cinepicks-test-support --example smtp_sink
scripts/postgres.sh
admin="${CINEPICKS_TEST_PG_URL:-postgres://cinepicks:cinepicks@127.0.0.1:5432/postgres}"
url="${admin%/*}/cinepicks_bench_workers"
mkdir -p "$bench"

export CINEPICKS_NOW="2026-11-25T10:00:00+01:00"
export CINEPICKS_UNSUBSCRIBE_SECRET="benchmark secret, not a real one"
unset CINEPICKS_CONFIG

base="$bench/base"
if [ ! -d "$base/lake" ]; then
  echo "== preparing a catalogue (demo data, scale 0.01: generate, ingest, train; not timed)"
  rm -rf "$base"
  "$bin" --quiet --data-dir "$base" demo --scale 0.01 >/dev/null
fi
echo "== a fresh database with the catalogue and $subscribers customers (not timed)"
psql -q "$admin" -c "DROP DATABASE IF EXISTS cinepicks_bench_workers" -c "CREATE DATABASE cinepicks_bench_workers"
export CINEPICKS__DATABASE__URL="$url"
"$bin" --quiet --data-dir "$base" publish >/dev/null
python3 - "$base/cinepicks.db" "$subscribers" "$bench/customers.csv" <<'PY'
import csv, random, sqlite3, sys
db, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
films = [r[0] for r in sqlite3.connect(db).execute("SELECT film_id FROM films ORDER BY num_votes DESC LIMIT 300")]
rng = random.Random(7)
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "email", "phone", "locale", "likes", "consent", "genres"])
    for i in range(n):
        w.writerow([f"Client {i}", f"client{i}@example.org", "", "fr", "|".join(rng.sample(films, 3)), "email", ""])
PY
"$bin" --quiet --data-dir "$base" customers import "$bench/customers.csv" >/dev/null

"$sink" --seconds 36000 >"$bench/sink.txt" 2>/dev/null &
sink_pid=$!
trap 'kill $sink_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q '^port' "$bench/sink.txt" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/^port/ {print $2}' "$bench/sink.txt")
export CINEPICKS__NOTIFY__EMAIL__TRANSPORT=smtp CINEPICKS__NOTIFY__EMAIL__SMTP__HOST=127.0.0.1 \
  CINEPICKS__NOTIFY__EMAIL__SMTP__PORT="$port" CINEPICKS__NOTIFY__EMAIL__SMTP__SECURITY=none \
  CINEPICKS__NOTIFY__EMAIL__SMTP__POOL_SIZE=8 CINEPICKS__NOTIFY__EMAIL__CONCURRENCY=32 \
  CINEPICKS__NOTIFY__SMS__RATE_PER_SECOND=0

echo "== the week planned once, then sent by 1, 2 and 3 workers ($profile profile)"
# Planned by a first real run, then every round resets the rows to pending: each round sends the same week.
"$bin" --quiet --data-dir "$bench/w0" notify --week 2026-W48 >/dev/null
for workers in 1 2 3; do
  psql -q "$url" -c "UPDATE deliveries SET status = 'pending', attempts = 0, sent_at = NULL, claimed_at = NULL, claimed_by = NULL, provider_message_id = NULL"
  start=$(date +%s.%N)
  pids=()
  for w in $(seq "$workers"); do
    "$bin" --quiet --data-dir "$bench/w$w" notify --week 2026-W48 >"$bench/out-$w.txt" 2>"$bench/err-$w.txt" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || { cat "$bench"/err-*.txt; exit 1; }; done
  end=$(date +%s.%N)
  sent=$(psql -tA "$url" -c "SELECT count(*) FROM deliveries WHERE status = 'sent'")
  by=$(psql -tA "$url" -c "SELECT string_agg(n::text, ' + ' ORDER BY n DESC) FROM (SELECT count(*) AS n FROM deliveries GROUP BY claimed_by) s")
  awk -v w="$workers" -v s="$start" -v e="$end" -v n="$sent" -v by="$by" \
    'BEGIN {printf "workers=%d wall_seconds=%.1f emails_sent=%d (%s) emails_per_second=%.0f\n", w, e-s, n, by, n/(e-s)}'
done
