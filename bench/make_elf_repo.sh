#!/usr/bin/env bash
# Builds (once, cached) the benchmark repository of issue 15: ~251 MB of the host's ELF files
# (shared libraries from /usr/lib/x86_64-linux-gnu, largest-first excluded above 40 MB) in 50
# packages of ~5 MB each plus one `bench-base` package that ships etc/os-release and
# etc/passwd, signed, with a melange-built APKINDEX.
# Usage: bench/make_elf_repo.sh REPO_DIR [MA_MKAPK] [MELANGE] [TARGET_MB] [PACKAGES]
set -euo pipefail
REPO=$1
MKAPK=${2:-${MA_MKAPK:-build/tests/ma-mkapk}}
MELANGE=${3:-${MELANGE:-build/apps/melange/melange}}
TARGET_MB=${4:-251}
NPKG=${5:-50}
[ -f "$REPO/.complete" ] && exit 0
rm -rf "$REPO" && mkdir -p "$REPO/x86_64"
stage=$(mktemp -d "${TMPDIR:-/tmp}/elf-repo-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
"$MELANGE" --log-level error keygen --key-size 2048 "$REPO/bench.rsa"
# Pick ELF files in name order until TARGET_MB; assign them round-robin by size to NPKG bins.
python3 - "$stage" "$TARGET_MB" "$NPKG" <<'PY'
import os, sys
stage, target, npkg = sys.argv[1], int(sys.argv[2]) * 1000 * 1000, int(sys.argv[3])
picked, total = [], 0
for root in ["/usr/lib/x86_64-linux-gnu", "/usr/lib/gcc", "/usr/libexec", "/usr/bin"]:
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            try:
                if os.path.islink(p) or not os.path.isfile(p): continue
                sz = os.path.getsize(p)
                if sz < 4096 or sz > 40 << 20: continue
                with open(p, "rb") as fh:
                    if fh.read(4) != b"\x7fELF": continue
            except OSError:
                continue
            picked.append((p, sz)); total += sz
            if total >= target: break
        if total >= target: break
    if total >= target: break
bins = [0] * npkg
for p, sz in sorted(picked, key=lambda x: -x[1]):
    i = min(range(npkg), key=lambda k: bins[k]); bins[i] += sz
    dst = os.path.join(stage, "p%02d" % (i + 1)) + p
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(p, "rb") as src, open(dst, "wb") as out:
        out.write(src.read())
    os.chmod(dst, 0o755)
print("picked %d ELF files, %d bytes" % (len(picked), total), file=sys.stderr)
PY
mkdir -p "$stage/base/etc"
printf 'ID=bench\nNAME="Bench"\nVERSION_ID=1\n' > "$stage/base/etc/os-release"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$stage/base/etc/passwd"
printf 'root:x:0:\n' > "$stage/base/etc/group"
for d in "$stage"/p* "$stage/base"; do
  name=bench-$(basename "$d")
  "$MKAPK" --name "$name" --version 1.0-r0 --arch x86_64 --signing-key "$REPO/bench.rsa" --mtime 1700000000 \
    --out "$REPO/x86_64/$name-1.0-r0.apk" "$d"
done
"$MELANGE" --log-level error index -o "$REPO/x86_64/APKINDEX.tar.gz" --signing-key "$REPO/bench.rsa" "$REPO"/x86_64/*.apk
touch "$REPO/.complete"
