#!/usr/bin/env bash
# One table of ratios against the reference tools, measured in one run: the median wall time
# of RUNS runs of each side, and peak RSS (/usr/bin/time -v's "Maximum resident set size").
#
# Usage: APK=/path/to/apk-tools-2/apk bench/ratios.sh [RUNS]
#   APK       the reference apk client (apk-tools 2.x static); required, never part of the repo
#   APKO, MELANGE, MA_MKAPK   our binaries (default: build/...; build with Release)
#   BENCH_DIR cached repositories ($TMPDIR/ma-bench): the 251 MB image (bench/make_elf_repo.sh)
#             and 2,000 small packages (bench/make_index_repo.sh)
#   LATENCY_MS per-request delay of the local HTTP server (bench/slow_http.py, default 50)
#   APKO_BEFORE  optional: an older apko binary, measured on the same image (before/after row)
#   BIG_MB    optional: also build a BIG_MB image (100 packages, one run) for its peak RSS
#   PACKAGING=1  optional: also the packaging row (bench/packaging_bench.sh: bubblewrap, ~2 min)
# The reference apk: apk-tools 2.14 as Alpine ships it is the static musl build (`apk.static`);
# a glibc -O2 build of the same source indexes about twice as fast (musl's malloc), so say
# which one a table was measured against.
# Rows:
#   apko build          vs `apk add --root` + `tar --sort=name | pigz -6` of the same packages
#   apko build (http)   the same image from 127.0.0.1 behind LATENCY_MS per request, vs local
#   melange index       2,000 packages, from nothing, vs `apk index`
#   melange re-index    after one of 2,000 packages changed, vs a full `apk index`
# Goals (issue 15): apko <= 0.5x with peak RSS < 150 MB; http <= 1.3x local; re-index <= 0.05x.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-${RUNS:-3}}
APK=${APK:?set APK to the reference apk client}
APKO=$(realpath "${APKO:-build/apps/apko/apko}")
MELANGE=$(realpath "${MELANGE:-build/apps/melange/melange}")
MKAPK=$(realpath "${MA_MKAPK:-build/tests/ma-mkapk}")
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/ma-bench}
LATENCY_MS=${LATENCY_MS:-50}
mkdir -p "$BENCH_DIR"
[ -n "${APKO_BEFORE:-}" ] && APKO_BEFORE=$(realpath "$APKO_BEFORE")
work=$(mktemp -d "${TMPDIR:-/tmp}/ma-ratios.XXXXXX")
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/run"
export SOURCE_DATE_EPOCH=1700000000

ELF=$BENCH_DIR/elf-repo IDX=$BENCH_DIR/index-repo
bench/make_elf_repo.sh "$ELF" "$MKAPK" "$MELANGE" >&2
bench/make_index_repo.sh "$IDX" "$MKAPK" "$MELANGE" >&2

# measure NAME CMD...: RUNS runs; records the median wall seconds and median peak RSS (KB).
declare -A WALL RSS
measure() {
  local name=$1; shift
  local walls=() rsss=()
  for ((r = 0; r < RUNS; r++)); do
    [ -n "${BEFORE:-}" ] && eval "$BEFORE"
    # from $work: apko writes its SBOMs into the working directory
    # wall time from bash's `time` (ms), not time -v's 10 ms steps: the index rows are ~40 ms;
    # it includes starting /usr/bin/time itself (~2 ms here)
    local TIMEFORMAT=%3R
    cd "$work/run"
    { time /usr/bin/time -v -o "$work/time" "$@" >/dev/null 2>"$work/err"; } 2>"$work/wall" || { cat "$work/err" >&2; exit 1; }
    cd "$OLDPWD"
    walls+=("$(cat "$work/wall")")
    rsss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")")
  done
  WALL[$name]=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  RSS[$name]=$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  echo "  $name: ${WALL[$name]} s (runs: ${walls[*]}), peak RSS ${RSS[$name]} KB" >&2
}

# --- apko build vs apk add + tar | pigz
pkgs=$(cd "$ELF/x86_64" && ls *.apk | sed 's/-1.0-r0.apk//')
printf 'contents:\n  repositories: [%s]\n  keyring: [%s]\n  packages: [%s]\n' \
  "$ELF" "$ELF/bench.rsa.pub" "$(echo $pkgs | tr ' ' ,)" > "$work/local.yaml"
mkdir -p "$work/keys" && cp "$ELF/bench.rsa.pub" "$work/keys/"
echo "apko build: $(du -sb "$ELF/x86_64" | cut -f1) bytes of packages" >&2
measure apko "$APKO" --log-level error build --arch x86_64 "$work/local.yaml" bench:latest "$work/image.tar"
cat > "$work/ref.sh" <<REF
set -e
rm -rf "$work/root"
"$APK" add --root "$work/root" --initdb --keys-dir "$work/keys" --repositories-file /dev/null \
  --repository "$ELF" --no-cache --no-scripts --quiet $(echo $pkgs)
tar -C "$work/root" --sort=name -cf - . | pigz -6 > "$work/ref.tar.gz"
REF
measure reference sh "$work/ref.sh"
if [ -n "${APKO_BEFORE:-}" ]; then
  measure before "$APKO_BEFORE" --log-level error build --arch x86_64 "$work/local.yaml" bench:latest "$work/image-before.tar"
  cmp -s "$work/image.tar" "$work/image-before.tar" && SAME_BYTES=identical || SAME_BYTES=DIFFERENT
fi
if [ -n "${BIG_MB:-}" ]; then
  BIG=$BENCH_DIR/elf-repo-$BIG_MB
  bench/make_elf_repo.sh "$BIG" "$MKAPK" "$MELANGE" "$BIG_MB" 100 >&2
  bigpkgs=$(cd "$BIG/x86_64" && ls *.apk | sed 's/-1.0-r0.apk//' | paste -sd, -)
  printf 'contents:\n  repositories: [%s]\n  keyring: [%s]\n  packages: [%s]\n' "$BIG" "$BIG/bench.rsa.pub" "$bigpkgs" > "$work/big.yaml"
  RUNS_SAVED=$RUNS RUNS=1
  measure big "$APKO" --log-level error build --arch x86_64 "$work/big.yaml" bench:latest "$work/image-big.tar"
  RUNS=$RUNS_SAVED
  rm -f "$work/image-big.tar"
fi

# --- the same image over HTTP with latency
python3 bench/slow_http.py "$ELF" "$work/port" "$LATENCY_MS" &
server=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
printf 'contents:\n  repositories: ["http://127.0.0.1:%s"]\n  keyring: [%s]\n  packages: [%s]\n' \
  "$(cat "$work/port")" "$ELF/bench.rsa.pub" "$(echo $pkgs | tr ' ' ,)" > "$work/http.yaml"
measure apko_http "$APKO" --log-level error build --arch x86_64 "$work/http.yaml" bench:latest "$work/image-http.tar"

# --- indexes
measure apk_index "$APK" index --allow-untrusted -o "$work/ref-index.tar.gz" "$IDX"/x86_64/*.apk
measure melange_index sh -c "rm -f '$work/out/APKINDEX.tar.gz' '$work/out/.APKINDEX.tar.gz.stat'; mkdir -p '$work/out'; \
  '$MELANGE' --log-level error index -o '$work/out/APKINDEX.tar.gz' --signing-key '$IDX/bench.rsa' '$IDX'/x86_64/*.apk"
# One package changed between runs (two prepared versions of it, swapped in untimed).
changed=$IDX/x86_64/idx0001-1.0-r0.apk
mkdir -p "$work/alt/usr/share/bench"
for v in a b; do
  head -c 30000 /dev/urandom > "$work/alt/usr/share/bench/data-0001"
  "$MKAPK" --name idx0001 --version 1.0-r0 --arch x86_64 --signing-key "$IDX/bench.rsa" --mtime 1700000000 \
    --out "$work/alt-$v.apk" "$work/alt"
done
cp -p "$changed" "$work/orig.apk"
n=0
BEFORE='n=$((n + 1)); if [ $((n % 2)) = 1 ]; then cp "$work/alt-a.apk" "$changed"; else cp "$work/alt-b.apk" "$changed"; fi'
measure melange_reindex "$MELANGE" --log-level error index -o "$work/out/APKINDEX.tar.gz" --signing-key "$IDX/bench.rsa" \
  "$IDX"/x86_64/*.apk
BEFORE=
cp -p "$work/orig.apk" "$changed"

if [ "${PACKAGING:-}" = 1 ]; then
  PACKAGING_ROW=$(ROW_ONLY=1 MELANGE=$MELANGE bench/packaging_bench.sh "$RUNS")
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.0f MB", k / 1024}'; }
echo
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each, medians"
echo
echo "| work | ours | reference | ratio | goal | our peak RSS |"
echo "|---|---|---|---|---|---|"
echo "| \`apko build\` (51 pkgs, 251 MB) vs \`apk add --root\` + \`tar --sort=name \\| pigz -6\` | ${WALL[apko]} s | ${WALL[reference]} s | $(ratio "${WALL[apko]}" "${WALL[reference]}") | <= 0.5 | $(mb "${RSS[apko]}") (goal < 150 MB) |"
[ -n "${APKO_BEFORE:-}" ] && echo "| \`apko build\` vs the same build by APKO_BEFORE (layer bytes $SAME_BYTES) | ${WALL[apko]} s | ${WALL[before]} s | $(ratio "${WALL[apko]}" "${WALL[before]}") | | $(mb "${RSS[apko]}") vs $(mb "${RSS[before]}") |"
[ -n "${BIG_MB:-}" ] && echo "| \`apko build\` of a ${BIG_MB} MB image (100 packages), one run | ${WALL[big]} s | | | RSS < 150 MB | $(mb "${RSS[big]}") |"
echo "| same image from http://127.0.0.1, ${LATENCY_MS} ms per request, vs local build | ${WALL[apko_http]} s | ${WALL[apko]} s | $(ratio "${WALL[apko_http]}" "${WALL[apko]}") | <= 1.3 | $(mb "${RSS[apko_http]}") |"
echo "| \`melange index\`, 2,000 packages, vs \`apk index\` | ${WALL[melange_index]} s | ${WALL[apk_index]} s | $(ratio "${WALL[melange_index]}" "${WALL[apk_index]}") | | $(mb "${RSS[melange_index]}") |"
echo "| \`melange index\` after 1 of 2,000 changed, vs a full \`apk index\` | ${WALL[melange_reindex]} s | ${WALL[apk_index]} s | $(ratio "${WALL[melange_reindex]}" "${WALL[apk_index]}") | <= 0.05 | $(mb "${RSS[melange_reindex]}") |"
[ -n "${PACKAGING_ROW:-}" ] && echo "$PACKAGING_ROW"
exit 0
