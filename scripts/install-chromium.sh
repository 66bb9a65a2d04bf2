#!/usr/bin/env bash
# Installs Debian's Chromium, which the browser tests (tests/browser.rs) drive headless through Playwright;
# does nothing when it is there. Only `make test` needs it, so it is not among the build dependencies.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium for the browser tests"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
