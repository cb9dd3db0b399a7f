#!/usr/bin/env bash
# Graph build benchmark: the 30 recipes of tests/graph/gen.sh (a chain of 8, a diamond, a gcc-built
# shared library and its so: user, a provides: pair, 14 leaves) built from a directory with the
# bubblewrap runner, --jobs 1 against --jobs 2 (fresh out dir each time), and a third run with
# everything up to date. Prints wall time, the critical path and the speed-up.
# With --docker: the docker runner instead, one podman engine (--jobs 1) against two engines
# (--jobs 2, one build per engine), each a private `podman system service` on a loopback socket.
# Usage: bench/graph_build_bench.sh [--docker] [MELANGE]   (Release build; needs bwrap (and
# podman) and the bootstrap repository of tests/bootstrap, made on first use)
# Result (2026-12-05, Release, 2 cores shared with other engineers' builds): bubblewrap at load
# ~3: --jobs 1 35.6 s, --jobs 2 27.0 s (1.32x); at load 6 to 9: 36.6 s vs 48.7 s (0.75x, the
# builds are CPU-bound); docker on podman at load 7 to 9: one engine 134.2 s, two engines 94.6 s
# (1.42x); a run with everything up to date 0.1 s; packages identical between the runs
# (docs/melange.md).
set -euo pipefail
cd "$(dirname "$0")/.."
docker=0
if [ "${1:-}" = --docker ]; then docker=1; shift; fi
MELANGE=$(realpath "${1:-${MELANGE:-build/apps/melange/melange}}")
export MA_BINARY_DIR=${MA_BINARY_DIR:-$PWD/build} MELANGE
BOOT=$(bash tests/bootstrap/make-bootstrap-repo.sh)
work=$(mktemp -d "${TMPDIR:-/tmp}/graph-bench.XXXXXX")
cleanup() {
  for p in "$work"/pod*/pid; do [ -f "$p" ] && { kill "$(cat "$p")" 2>/dev/null || true; }; done
  wait 2>/dev/null || true
  for pid in $(pgrep -f "$work/pod" 2>/dev/null || true); do kill -9 "$pid" 2>/dev/null || true; done
  awk -v p="$work/" 'index($2, p) == 1 {print $2}' /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
runner=(--runner bubblewrap)
if [ "$docker" = 1 ]; then
  for n in 1 2; do
    mkdir -p "$work/pod$n"
    podman --root "$work/pod$n/storage" --runroot "$work/pod$n/run" system service --time=0 \
      "unix://$work/pod$n/api.sock" >"$work/pod$n/service.log" 2>&1 &
    echo $! > "$work/pod$n/pid"
  done
  for _ in $(seq 100); do
    curl -fsS --unix-socket "$work/pod2/api.sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1
  done
fi
export SOURCE_DATE_EPOCH=1700000000
"$MELANGE" --log-level error keygen --key-size 2048 "$work/bench.rsa"
bash tests/graph/gen.sh "$work/recipes" "$BOOT"

run() {  # run JOBS OUT LOG: prints the wall seconds
  local start end args=("${runner[@]}")
  if [ "$docker" = 1 ]; then
    args=(--runner docker --docker-host "unix://$work/pod1/api.sock")
    [ "$1" = 2 ] && args+=(--docker-host "unix://$work/pod2/api.sock")
  fi
  start=$(date +%s.%N)
  "$MELANGE" build "$work/recipes" --jobs "$1" "${args[@]}" --signing-key "$work/bench.rsa" --out-dir "$2" \
    >"$3" 2>&1 || { echo "build failed: $(tail -3 "$3")" >&2; exit 1; }
  end=$(date +%s.%N)
  python3 -c "print('%.1f' % ($end - $start))"
}
t1=$(run 1 "$work/out1" "$work/jobs1.log")
t2=$(run 2 "$work/out2" "$work/jobs2.log")
t3=$(run 2 "$work/out2" "$work/again.log")
if [ "$docker" = 1 ]; then
  echo "30 recipes, docker runner on podman, --jobs 1 = one engine, --jobs 2 = two engines, $(nproc) cores"
else
  echo "30 recipes, bubblewrap runner, $(nproc) cores"
fi
echo "  --jobs 1: ${t1} s  ($(grep '^critical path' "$work/jobs1.log"))"
echo "  --jobs 2: ${t2} s  ($(grep '^critical path' "$work/jobs2.log"))"
echo "  speed-up: $(python3 -c "print('%.2fx' % ($t1 / $t2))")"
echo "  again (all up to date): ${t3} s  ($(grep 'nothing to build' "$work/again.log" | sed 's/.*info: //'))"
for f in "$work"/out1/*/*.apk; do
  cmp -s "$f" "$work/out2/$(basename "$(dirname "$f")")/$(basename "$f")" || { echo "  $(basename "$f") differs between 1 and 2 jobs"; exit 1; }
done
echo "  packages identical between --jobs 1 and --jobs 2: $(ls "$work"/out1/*/*.apk | wc -l)"
