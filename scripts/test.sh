#!/usr/bin/env bash
# The test command: installs what is missing, builds both tools and every test, runs them all
# with ctest, then builds the unit tests with ASan+UBSan and runs those too. Ends with one line:
# how many tests passed, failed and were skipped, and why each skipped one was skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh test
jobs=$(nproc)
rc=0
results=("$PWD/build/ctest-results.xml")
rm -f "${results[@]}"
(cd build && ctest --output-on-failure -j"$jobs" --output-junit ctest-results.xml) || rc=1
if [ "${MA_SKIP_SANITIZE:-0}" != 1 ]; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMA_SANITIZE=ON >/dev/null
  cmake --build build-asan --target unit_tests
  rm -f build-asan/ctest-results.xml
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" -L unit \
     --output-junit ctest-results.xml) || rc=1
  results+=("$PWD/build-asan/ctest-results.xml")
fi
python3 scripts/test-summary.py "${results[@]}" || rc=1
exit "$rc"
