#!/usr/bin/env bash
# The test command: installs what is missing, then
#   1. builds both tools and the test tools (Release, build/) and runs the end-to-end tests,
#   2. builds every library's unit tests once, with ASan+UBSan (build-asan/), and runs them.
# The unit tests run only under the sanitizers: one build of them instead of two keeps the whole
# command within CI's budget on two cores. Ends with one line: how many tests passed, failed and
# were skipped, and why each skipped one was skipped.
# MA_SKIP_SANITIZE=1 builds and runs the unit tests in build/ without the sanitizers instead.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
rc=0
results=()
if [ "${MA_SKIP_SANITIZE:-0}" = 1 ]; then
  scripts/build.sh build
  rm -f build/ctest-results.xml
  (cd build && ctest --output-on-failure -j"$jobs" -L 'unit|e2e' --output-junit ctest-results.xml) || rc=1
  results+=("$PWD/build/ctest-results.xml")
else
  scripts/build.sh e2e
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMA_SANITIZE=ON >/dev/null
  cmake --build build-asan --target unit_tests
  rm -f build/ctest-results.xml build-asan/ctest-results.xml
  (cd build && ctest --output-on-failure -j"$jobs" -L e2e --output-junit ctest-results.xml) || rc=1
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$jobs" -L unit \
     --output-junit ctest-results.xml) || rc=1
  results+=("$PWD/build/ctest-results.xml" "$PWD/build-asan/ctest-results.xml")
fi
python3 scripts/test-summary.py "${results[@]}" || rc=1
exit "$rc"
