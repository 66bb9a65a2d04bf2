#!/bin/sh
# Linker of every cargo build here (.cargo/config.toml): the C compiler driving mold when it is installed
# (scripts/install-deps.sh installs it), else the default linker. Linking the test binary and the CLI (polars,
# XGBoost, sea-orm, axum) takes tens of seconds with GNU ld and a few with mold, at every change.
if command -v mold >/dev/null 2>&1; then
  exec cc -fuse-ld=mold "$@"
fi
exec cc "$@"
