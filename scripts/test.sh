#!/usr/bin/env bash
# The test command: installs what is missing, builds once with ASan+UBSan (build-asan/: Debug,
# both tools, the test tools and every library's unit tests), then runs the unit and the
# end-to-end tests together, so the sanitizers watch the tools as the e2e tests drive them too.
# One build instead of a release build for the e2e tests plus a sanitizer build for the unit tests,
# and the e2e tests running while the unit tests compile and run: that keeps the command within
# CI's budget on two cores. Ends with one line:
# how many tests passed, failed and were skipped, and why each skipped one was skipped.
# MA_SKIP_SANITIZE=1 builds and runs everything in build/ (Release) without the sanitizers instead.
set -euo pipefail
cd "$(dirname "$0")/.."
# Unit tests need little CPU while the e2e tests wait: one job more than there are cores.
jobs=$(($(nproc) + 1))
scripts/install-deps.sh test
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
if [ "${MA_SKIP_SANITIZE:-0}" = 1 ]; then
  dir=build
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
else
  dir=build-asan
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMA_SANITIZE=ON >/dev/null
fi
# The e2e tests start as soon as the tools are built and run while the unit tests compile (they
# spend much of their time waiting on sandboxes, containers and VMs); their output is shown when
# they are done. Then the unit tests run, one job more than there are cores: one process per test
# executable (GoogleTest's XML reports in gtest-results/ give the per-case counts).
cmake --build "$dir" --target e2e_deps
rm -rf "$dir/ctest-results.xml" "$dir/ctest-unit.xml" "$dir/e2e.log" "$dir/gtest-results"
(cd "$dir" && ctest --output-on-failure -j"$jobs" -L e2e --output-junit ctest-results.xml >e2e.log 2>&1) &
e2e=$!
trap 'kill $e2e 2>/dev/null || true' EXIT
rc=0
cmake --build "$dir" --target unit_tests || rc=1
if [ "$rc" = 0 ]; then
  (cd "$dir" && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} ctest --output-on-failure -j"$jobs" -L unit \
     --output-junit ctest-unit.xml) || rc=1
fi
wait $e2e || rc=1
trap - EXIT
echo "--- end-to-end tests ---"
cat "$dir/e2e.log"
python3 scripts/test-summary.py --gtest-dir "$PWD/$dir/gtest-results" "$PWD/$dir/ctest-results.xml" "$PWD/$dir/ctest-unit.xml" || rc=1
exit "$rc"
