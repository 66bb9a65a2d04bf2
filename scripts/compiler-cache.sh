#!/bin/sh
# Compiler launcher for the XGBoost C++ build (CMAKE_<LANG>_COMPILER_LAUNCHER, set in .cargo/config.toml):
# through ccache when it is installed, else the compiler itself. Cargo rebuilds the vendored XGBoost in a new
# folder whenever the build graph differs (build, test, clippy, release each resolve features their own way),
# and each cold build takes minutes on two cores; with ccache the later ones take seconds.
#
# The xgb crate fixes XGBoost's build type to RelWithDebInfo (-O2 -g). The debug information of its C++
# templates made libxgboost.so 200 MB and a large share of the longest step of a fresh build; nobody debugs
# XGBoost here, so `-g` is dropped (the optimisation is unchanged).
for arg do
  shift
  case $arg in
    -g | -g[0-9] | -ggdb | -ggdb[0-9]) ;;
    *) set -- "$@" "$arg" ;;
  esac
done
if command -v ccache >/dev/null 2>&1; then
  # Paths differ only by cargo's hashed build folder: compare them relative to the working directory.
  CCACHE_BASEDIR=/ CCACHE_NOHASHDIR=1 exec ccache "$@"
fi
exec "$@"
