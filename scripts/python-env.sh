#!/usr/bin/env bash
# Creates, once, the Python environment the analyst notebooks run in (pinned in notebooks/requirements.txt)
# and prints its folder. Re-created when the requirements change. CINEPICKS_VENV overrides the folder.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
requirements="$root/notebooks/requirements.txt"
venv="${CINEPICKS_VENV:-$HOME/.cache/cinepicks/venv}"

# Debian's python3 lacks venv and ensurepip until python3-venv is installed.
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "installing python3-venv" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
fi

if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/.requirements"; then
  echo "creating the notebook environment in $venv" >&2
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$venv/.requirements"
fi
echo "$venv"
