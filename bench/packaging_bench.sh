#!/usr/bin/env bash
# Issue 15's packaging benchmark: `melange build` of a recipe whose only step copies ~200 MB of
# the host's ELF files into the package; the packaging part (melange's "packaging took N ms"
# log line: SCA, data tar with SHA-1 per file, deflate, control, signature, the file written)
# against `tar --sort=name -cf - . | pigz -6` of the same files (the package's directory).
# Usage: bench/packaging_bench.sh [RUNS] [TARGET_MB]   (Release build in build/; bubblewrap)
#   ROW_ONLY=1 prints only the table row (bench/ratios.sh PACKAGING=1 adds it to its table)
# Prints the medians and the ratio; the bootstrap repository (tests/bootstrap) gives the
# build environment, made once and cached.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
TARGET_MB=${2:-200}
MELANGE=$(realpath "${MELANGE:-build/apps/melange/melange}")
export MA_BINARY_DIR=${MA_BINARY_DIR:-$PWD/build}
work=$(mktemp -d "${TMPDIR:-/tmp}/ma-pack-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
boot=$(MELANGE=$MELANGE tests/bootstrap/make-bootstrap-repo.sh)
"$MELANGE" --log-level error keygen --key-size 2048 "$work/bench.rsa"

# The files: ELF shared libraries and programs of the host, in name order, up to TARGET_MB.
mkdir -p "$work/src/files"
python3 - "$work/src/files" "$TARGET_MB" <<'PY'
import os, shutil, sys
dest, target = sys.argv[1], int(sys.argv[2]) * 1000 * 1000
total = 0
for root in ["/usr/lib/x86_64-linux-gnu", "/usr/lib/gcc", "/usr/libexec", "/usr/bin"]:
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            if os.path.islink(p) or not os.path.isfile(p) or total >= target: continue
            sz = os.path.getsize(p)
            if sz < 4096 or sz > 40 << 20: continue
            with open(p, "rb") as fh:
                if fh.read(4) != b"\x7fELF": continue
            out = os.path.join(dest, p.lstrip("/"))
            os.makedirs(os.path.dirname(out), exist_ok=True)
            shutil.copyfile(p, out)
            os.chmod(out, 0o755)
            total += sz
print(f"{total / 1e6:.0f} MB of ELF files", file=sys.stderr)
PY
cat > "$work/src/big.yaml" <<YAML
package:
  name: big
  version: "1.0"
  epoch: 0
  description: ${TARGET_MB} MB of ELF files (packaging benchmark)
  copyright:
    - license: MIT
environment:
  contents:
    repositories: [$boot]
    keyring: [$boot/bootstrap.rsa.pub]
    packages: [busybox, wolfi-baselayout]
pipeline:
  - runs: mkdir -p \${{targets.destdir}}/opt/big && cp -a files/. \${{targets.destdir}}/opt/big/
YAML

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ours=() ref=()
for i in $(seq "$RUNS"); do
  rm -rf "$work/out" "$work/ws"
  "$MELANGE" build "$work/src/big.yaml" --runner bubblewrap --source-dir "$work/src" --signing-key "$work/bench.rsa" \
    --out-dir "$work/out" --workspace-dir "$work/ws" --rm=false >"$work/build.log" 2>&1 ||
    { tail -5 "$work/build.log" >&2; exit 1; }
  ms=$(sed -n 's/.*packaging took \([0-9]*\) ms.*/\1/p' "$work/build.log")
  ours+=("$(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 }')")
  dir=$work/ws/melange-out/big
  t0=$(date +%s.%N)
  tar --sort=name --owner=0 --group=0 --numeric-owner -C "$dir" -cf - . | pigz -6 > "$work/ref.tar.gz"
  ref+=("$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')")
done
apk=$(ls "$work/out/x86_64/big-1.0-r0.apk")
o=$(printf '%s\n' "${ours[@]}" | median) r=$(printf '%s\n' "${ref[@]}" | median)
if [ "${ROW_ONLY:-}" != 1 ]; then
  echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs, medians"
  echo "| work | ours | tar \| pigz -6 | ratio | goal |"
  echo "|---|---|---|---|---|"
fi
echo "| packaging of $(du -sm "$work/ws/melange-out/big" | cut -f1) MB (melange's packaging step; package $(($(stat -c %s "$apk") / 1000000)) MB) vs tar --sort=name \| pigz -6 ($(($(stat -c %s "$work/ref.tar.gz") / 1000000)) MB) | $o s | $r s | $(awk -v a="$o" -v b="$r" 'BEGIN { printf "%.3f", a / b }') | <= 1.1 |$([ "${ROW_ONLY:-}" = 1 ] && echo " |")"
echo "runs: ours ${ours[*]}; reference ${ref[*]}" >&2
