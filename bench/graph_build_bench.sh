#!/usr/bin/env bash
# Graph build benchmark: the 30 recipes of tests/graph/gen.sh (a chain of 8, a diamond, a gcc-built
# shared library and its so: user, a provides: pair, 14 leaves) built from a directory with the
# bubblewrap runner, --jobs 1 against --jobs 2 (fresh out dir each time), and a third run with
# everything up to date. Prints wall time, the critical path and the speed-up.
# Usage: bench/graph_build_bench.sh [MELANGE]   (Release build; needs bwrap and the bootstrap
# repository of tests/bootstrap, made on first use)
# Result (2026-12-05, Release, 2 cores shared with other builds): see docs/melange.md.
set -euo pipefail
cd "$(dirname "$0")/.."
MELANGE=$(realpath "${1:-${MELANGE:-build/apps/melange/melange}}")
export MA_BINARY_DIR=${MA_BINARY_DIR:-$PWD/build} MELANGE
BOOT=$(bash tests/bootstrap/make-bootstrap-repo.sh)
work=$(mktemp -d "${TMPDIR:-/tmp}/graph-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
"$MELANGE" --log-level error keygen --key-size 2048 "$work/bench.rsa"
bash tests/graph/gen.sh "$work/recipes" "$BOOT"

run() {  # run JOBS OUT LOG: prints the wall seconds
  local start end
  start=$(date +%s.%N)
  "$MELANGE" build "$work/recipes" --jobs "$1" --runner bubblewrap --signing-key "$work/bench.rsa" --out-dir "$2" \
    >"$3" 2>&1 || { echo "build failed: $(tail -3 "$3")" >&2; exit 1; }
  end=$(date +%s.%N)
  python3 -c "print('%.1f' % ($end - $start))"
}
t1=$(run 1 "$work/out1" "$work/jobs1.log")
t2=$(run 2 "$work/out2" "$work/jobs2.log")
t3=$(run 2 "$work/out2" "$work/again.log")
echo "30 recipes, bubblewrap runner, $(nproc) cores"
echo "  --jobs 1: ${t1} s  ($(grep '^critical path' "$work/jobs1.log"))"
echo "  --jobs 2: ${t2} s  ($(grep '^critical path' "$work/jobs2.log"))"
echo "  speed-up: $(python3 -c "print('%.2fx' % ($t1 / $t2))")"
echo "  again (all up to date): ${t3} s  ($(grep 'nothing to build' "$work/again.log" | sed 's/.*info: //'))"
for f in "$work"/out1/*/*.apk; do
  cmp -s "$f" "$work/out2/$(basename "$(dirname "$f")")/$(basename "$f")" || { echo "  $(basename "$f") differs between 1 and 2 jobs"; exit 1; }
done
echo "  packages identical between --jobs 1 and --jobs 2: $(ls "$work"/out1/*/*.apk | wc -l)"
