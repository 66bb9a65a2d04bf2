#!/usr/bin/env bash
# Executes every notebook in notebooks/ against a data folder, so they never go stale: the argument, or
# else a fresh demo (generate → ingest → analyze) in a temporary folder. A failing cell fails the run.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$("$root/scripts/python-env.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

data="${1:-}"
if [ -z "$data" ]; then
  data="$work/data"
  echo "running the demo into $data" >&2
  (cd "$root" && cargo run --quiet -- --quiet --data-dir "$data" demo >/dev/null)
fi
data="$(cd "$data" && pwd)"

passed=0
failed=0
for notebook in "$root"/notebooks/*.ipynb; do
  name="$(basename "$notebook")"
  if CINEPICKS_DATA="$data" "$venv/bin/jupyter" nbconvert --to notebook --execute \
    --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
    --output-dir "$work/executed" "$notebook" >"$work/$name.log" 2>&1; then
    echo "notebook $name: executed, every check passed"
    passed=$((passed + 1))
  else
    echo "notebook $name: FAILED" >&2
    tail -n 40 "$work/$name.log" >&2
    failed=$((failed + 1))
  fi
done
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
