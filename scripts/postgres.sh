#!/usr/bin/env bash
# Makes sure the PostgreSQL server the store tests use is reachable: installs and starts a local one when
# none is running, with a test role allowed to create a database per test. With CINEPICKS_TEST_PG_URL set,
# only checks that server (nothing is installed).
set -euo pipefail

# The local test role's password is not a secret: the role exists only on a throwaway local test server.
default_url="postgres://cinepicks:cinepicks@127.0.0.1:5432/postgres"

sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"

if [ -n "${CINEPICKS_TEST_PG_URL:-}" ]; then
  if command -v pg_isready >/dev/null && ! pg_isready -q -d "$CINEPICKS_TEST_PG_URL"; then
    echo "CINEPICKS_TEST_PG_URL is set but that PostgreSQL server does not answer" >&2
    exit 1
  fi
  exit 0
fi

if ! command -v pg_ctlcluster >/dev/null; then
  echo "installing PostgreSQL (for the store tests)"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "starting PostgreSQL $version"
  $sudo_cmd pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 0.5
  done
  pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start on 127.0.0.1:5432" >&2; exit 1; }
fi

# The test role: logs in with a password over TCP and creates (and drops) one database per test.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi
}
if ! as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'cinepicks'\"" | grep -q 1; then
  as_postgres "psql -q -c \"CREATE ROLE cinepicks LOGIN CREATEDB PASSWORD 'cinepicks'\""
fi
echo "PostgreSQL ready for the tests: ${default_url/:cinepicks@/:***@}"
