#!/usr/bin/env bash
# The test command: installs what is missing, builds both tools, runs every test with ctest,
# then builds the unit tests with ASan+UBSan and runs them too.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh test
jobs=$(nproc)
(cd build && ctest --output-on-failure -j"$jobs")
if [ "${MA_SKIP_SANITIZE:-0}" != 1 ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMA_SANITIZE=ON >/dev/null
  cmake --build build-asan --target unit_tests
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" -L unit)
fi
