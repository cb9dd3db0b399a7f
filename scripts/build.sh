#!/usr/bin/env bash
# Configures and builds into build/ (Release: -O2, warnings as errors).
# Usage: scripts/build.sh [build|demo|e2e]
#   build (default)  everything: both tools, test tools, unit tests, benchmarks
#   demo             only what the demo runs: melange, apko and the bootstrap's package writer
#   e2e              what the end-to-end tests run (the tools and the test tools); the test command
#                    builds the unit tests separately, once, with ASan+UBSan (scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}
case "$what" in
  build) deps=build; targets=() ;;
  demo) deps=demo; targets=(--target melange apko ma-mkapk) ;;
  e2e) deps=test; targets=(--target e2e_deps) ;;
  *) echo "build.sh: unknown mode '$what' (build, demo or e2e)" >&2; exit 2 ;;
esac
scripts/install-deps.sh "$deps"
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build "${targets[@]}"
