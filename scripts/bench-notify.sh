#!/usr/bin/env bash
# Notifier benchmark (the issue's performance targets):
#   1. a weekly run for SUBSCRIBERS (default 100,000) e-mail subscribers, 1 in 10 also by SMS, to the file outboxes
#      target ≤ 60 s
#   2. SMTP_MESSAGES (default 10,000) e-mails to a local SMTP server (tests/support/examples/smtp_sink.rs, the tests' server)
#      through lettre's connection pool                                                       target ≥ 200 messages/s
# Usage: scripts/bench-notify.sh [SUBSCRIBERS] [SMTP_MESSAGES]. PROFILE=dev measures the dev profile (dependencies
# optimised) when no release build is at hand. Data goes to BENCH_DIR (default ~/.cache/cinepicks/bench-notify);
# the outbox is deleted after the run (100k e-mails are about 1 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
subscribers="${1:-100000}"
smtp_messages="${2:-10000}"
profile="${PROFILE:-release}"
target="${CARGO_TARGET_DIR:-target}"
bench="${BENCH_DIR:-$HOME/.cache/cinepicks/bench-notify}"
dir_of_profile() { if [ "$1" = dev ]; then echo debug; else echo "$1"; fi; }
bin="$target/$(dir_of_profile "$profile")/cinepicks"
sink="$target/$(dir_of_profile "$profile")/examples/smtp_sink"
cargo build -q --profile "$profile" --bin cinepicks
cargo build -q --profile "$profile" -p cinepicks-test-support --example smtp_sink
mkdir -p "$bench"

# Wednesday 25 November 2026, 10:00 in Paris: inside the SMS window, week 2026-W48.
export CINEPICKS_NOW="2026-11-25T10:00:00+01:00"
export CINEPICKS_UNSUBSCRIBE_SECRET="benchmark secret, not a real one"
unset CINEPICKS_CONFIG

base="$bench/base"
if [ ! -f "$base/cinepicks.db" ]; then
  echo "== preparing a catalogue (demo data, scale 0.01: generate, ingest, train, publish)"
  rm -rf "$base"
  "$bin" --quiet --data-dir "$base" demo --scale 0.01 >/dev/null
fi

customers_csv() { # N FILE: N customers, each liking 3 of the 300 most voted films, 1 in 10 with a phone for SMS
  python3 - "$base/cinepicks.db" "$1" "$2" <<'PY'
import csv, random, sqlite3, sys
db, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
films = [r[0] for r in sqlite3.connect(db).execute("SELECT film_id FROM films ORDER BY num_votes DESC LIMIT 300")]
rng = random.Random(7)
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "email", "phone", "locale", "likes", "consent", "genres"])
    for i in range(n):
        sms = i % 10 == 0
        w.writerow([f"Client {i}", f"client{i}@example.org", f"06 {10000000 + i:08d}" if sms else "",
                    "en" if i % 7 == 0 else "fr", "|".join(rng.sample(films, 3)), "email+sms" if sms else "email",
                    "Drama|Comedy" if i % 5 == 0 else ""])
PY
}

store_for() { # N DIR: a copy of the base store with N bench customers imported
  local n="$1" dir="$2"
  rm -rf "$dir" && mkdir -p "$dir" && cp -r "$base"/. "$dir"/ && rm -rf "$dir/outbox"
  customers_csv "$n" "$bench/customers-$n.csv"
  echo "   importing $n customers (not timed)"
  "$bin" --quiet --data-dir "$dir" customers import "$bench/customers-$n.csv" >/dev/null
}

echo "== 1. weekly run for $subscribers subscribers to the file outboxes ($profile profile)"
store_for "$subscribers" "$bench/outbox-run"
/usr/bin/time -f "%e %M" -o "$bench/time.txt" \
  env CINEPICKS__NOTIFY__SMS__RATE_PER_SECOND=0 \
  "$bin" --data-dir "$bench/outbox-run" notify --week 2026-W48 >"$bench/out.txt" 2>"$bench/err.txt" \
  || { cat "$bench/err.txt"; exit 1; }
cat "$bench/out.txt"
emails=$(find "$bench/outbox-run/outbox/email/2026-W48" -name '*.eml' | wc -l)
sms=$(wc -l <"$bench/outbox-run/outbox/sms/2026-W48.jsonl")
awk -v e="$emails" -v s="$sms" '{printf "wall_seconds=%s peak_rss_mib=%.0f emails=%d sms=%d messages_per_second=%.0f\n", $1, $2/1024, e, s, (e+s)/$1}' "$bench/time.txt"
rm -rf "$bench/outbox-run/outbox"

echo "== 2. $smtp_messages e-mails to a local SMTP server with a pool of 8 connections ($profile profile)"
store_for "$smtp_messages" "$bench/smtp-run"
"$sink" --seconds 3600 >"$bench/sink.txt" 2>/dev/null &
sink_pid=$!
trap 'kill $sink_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q '^port' "$bench/sink.txt" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/^port/ {print $2}' "$bench/sink.txt")
/usr/bin/time -f "%e %M" -o "$bench/time.txt" env \
  CINEPICKS__NOTIFY__EMAIL__TRANSPORT=smtp CINEPICKS__NOTIFY__EMAIL__SMTP__HOST=127.0.0.1 \
  CINEPICKS__NOTIFY__EMAIL__SMTP__PORT="$port" CINEPICKS__NOTIFY__EMAIL__SMTP__SECURITY=none \
  CINEPICKS__NOTIFY__EMAIL__SMTP__POOL_SIZE=8 CINEPICKS__NOTIFY__EMAIL__CONCURRENCY=32 \
  CINEPICKS__NOTIFY__SMS__RATE_PER_SECOND=0 \
  "$bin" --data-dir "$bench/smtp-run" notify --week 2026-W48 >"$bench/out.txt" 2>"$bench/err.txt" \
  || { cat "$bench/err.txt"; exit 1; }
cat "$bench/out.txt"
sent=$(grep -E '^ *email +sent' "$bench/out.txt" | awk '{print $3}')
awk -v n="$sent" '{printf "wall_seconds=%s peak_rss_mib=%.0f emails_sent=%d emails_per_second=%.0f (whole run: planning included)\n", $1, $2/1024, n, n/$1}' "$bench/time.txt"
rm -rf "$bench/smtp-run/outbox"
