#!/usr/bin/env bash
# Configures and builds both tools (Release-ish, warnings as errors) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh "${1:-build}"
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
