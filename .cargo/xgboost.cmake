# How the XGBoost C++ library vendored by the `xgb` crate is compiled. CMake reads this file as its toolchain
# file (CMAKE_TOOLCHAIN_FILE, set for build scripts in config.toml; XGBoost's is the only one using CMake).

# Source files compiled in batches, one translation unit each, instead of one by one: XGBoost's 115 files all
# parse the same heavy headers, and batching them takes a third off its compile time (docs/building.md).
set(CMAKE_UNITY_BUILD ON CACHE BOOL "")

# The xgb crate fixes the build type to RelWithDebInfo (-O2 -g). Nobody debugs XGBoost here, and the debug
# information of its templates made libxgboost.so 200 MB: the same optimisation, without -g.
set(CMAKE_C_FLAGS_RELWITHDEBINFO "-O2 -DNDEBUG" CACHE STRING "")
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O2 -DNDEBUG" CACHE STRING "")

# Through ccache when installed (scripts/install-deps.sh installs it): cargo rebuilds XGBoost in a new folder
# whenever the build graph of a command differs (build, test, clippy, release), minutes of C++ each time without
# a cache. The paths differ only by cargo's hashed folder, so ccache compares them relative to the working one.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER "${CMAKE_COMMAND};-E;env;CCACHE_BASEDIR=/;CCACHE_NOHASHDIR=1;${CCACHE_PROGRAM}")
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CMAKE_C_COMPILER_LAUNCHER}")
endif()
