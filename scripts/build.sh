#!/usr/bin/env bash
# Configures and builds both tools (Release-ish, warnings as errors) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh "${1:-build}"
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ "${1:-build}" = demo ]; then
  # The demo runs only the two tools and the offline bootstrap's package writer.
  cmake --build build --target melange apko ma-mkapk
else
  cmake --build build
fi
