#!/usr/bin/env bash
# Installs what building and testing cinepicks needs and this machine lacks; does nothing when all is there.
set -euo pipefail

# Debian packages: a C toolchain and pkg-config for -sys crates; cmake, ninja, libclang and ccache for the
# XGBoost build (see ../shared/notes/BUILD.md); hyperfine and time for the benchmarks; python3-venv for the
# analyst notebooks' environment (scripts/python-env.sh).
packages=(build-essential pkg-config cmake ninja-build libclang-dev ccache mold hyperfine time python3-venv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust with rustup (https://rustup.rs), version 1.95 or newer" >&2
  exit 1
fi
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt 2>/dev/null || true
