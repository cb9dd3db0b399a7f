#!/usr/bin/env bash
# Disk full: `melange build`, `melange index` and `apko build` writing into a small tmpfs fail
# with one line naming the file and "No space left on device", and leave no truncated .apk,
# index, tarball or temp file behind (what was there before stays byte-identical).
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
[ "$(id -u)" = 0 ] || skip "mounting a tmpfs needs root"
mkdir full
mount -t tmpfs -o size=256k tmpfs full 2>/dev/null || skip "cannot mount a tmpfs here (no CAP_SYS_ADMIN)"
trap 'umount "$WORK/full" 2>/dev/null || true; rm -rf "$WORK"' EXIT
need_bwrap
BOOT=$(boot_repo)
export SOURCE_DATE_EPOCH=1700000000
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
snapshot() { ( cd full && find . -type f -print0 | sort -z | xargs -0 -r sha256sum; find . | sort ); }
# full_error LOG: the error is one line naming ENOSPC.
full_error() {
  local err
  err=$(grep -E '^(melange|apko): error:' "$1") || fail "$1: no error line: $(tail -3 "$1")"
  [ "$(wc -l <<<"$err")" = 1 ] || fail "$1: several error lines: $err"
  grep -F "No space left on device" <<<"$err" >/dev/null || fail "$1: the error does not say the disk is full: $err"
}

# Something already there, which must survive.
mkdir -p full/x86_64 && echo keep > full/x86_64/keep.txt
snapshot > before

# blob_recipe NAME BYTES: a package of one file of BYTES incompressible bytes.
blob_recipe() {
  cat > "$1.yaml" <<EOF
package:
  name: $1
  version: 1.0.0
  epoch: 0
$(env_yaml "$BOOT" busybox wolfi-baselayout)
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/share/$1
      head -c $2 /dev/urandom > \${{targets.destdir}}/usr/share/$1/blob
EOF
}

# 1. melange build: the package (300 KB of incompressible data) does not fit.
blob_recipe big 300000
! "$MELANGE" build big.yaml --signing-key test.rsa --out-dir full >build.log 2>&1 || fail "melange build into a full disk succeeded"
full_error build.log
snapshot > after; diff before after || fail "melange build left something in the full out dir"

# 2. melange index of packages whose index does not fit (many packages, long descriptions).
mkdir -p pkgs/x86_64 e
for i in $(seq 80); do  # a different incompressible description each (about 450 KB of index)
  "$MA_MKAPK" --name "p$i" --version 1.0-r0 --arch x86_64 --description "$(head -c 6000 /dev/urandom | base64 -w0)" \
    --signing-key test.rsa \
    --out "pkgs/x86_64/p$i-1.0-r0.apk" e
done
! "$MELANGE" index -o full/x86_64/APKINDEX.tar.gz --signing-key test.rsa pkgs/x86_64/*.apk >index.log 2>&1 ||
  fail "melange index into a full disk succeeded"
full_error index.log
snapshot > after; diff before after || fail "melange index left something in the full dir"

# 3. apko build of an image bigger than the disk.
mkdir -p repo/x86_64
head -c 400000 /dev/urandom > e/blob
"$MA_MKAPK" --name blob --version 1.0-r0 --arch x86_64 --signing-key test.rsa --out repo/x86_64/blob-1.0-r0.apk e
"$MELANGE" --log-level warn index -o repo/x86_64/APKINDEX.tar.gz --signing-key test.rsa repo/x86_64/*.apk
printf 'contents:\n  keyring: [%s]\n  repositories: [%s]\n  packages: [blob]\narchs: [x86_64]\n' \
  "$WORK/test.rsa.pub" "$WORK/repo" > apko.yaml
! "$APKO" build apko.yaml example.com/full:1 full/image.tar >apko.log 2>&1 || fail "apko build into a full disk succeeded"
full_error apko.log
snapshot > after; diff before after || fail "apko build left something in the full dir"
# The same builds succeed with room (the failures were the disk's).
"$APKO" build apko.yaml example.com/full:1 image.tar >/dev/null 2>&1 || fail "apko build with room failed"

# 4. melange build whose workspace fills up while packaging: the package's files (60 MB,
# incompressible) fit, its data tar and compressed data (two unnamed temporary files beside
# them) do not. One line naming the workspace, no package, no temporary file left.
mkdir ws-full
mount -t tmpfs -o size=150m tmpfs ws-full || fail "cannot mount the second tmpfs"
trap 'umount "$WORK/full" "$WORK/ws-full" 2>/dev/null || true; rm -rf "$WORK"' EXIT
blob_recipe huge 60000000
! "$MELANGE" build huge.yaml --signing-key test.rsa --out-dir out-huge --workspace-dir ws-full/ws >huge.log 2>&1 ||
  fail "melange build with a full workspace succeeded"
full_error huge.log
grep -E "^melange: error:" huge.log >&2  # which write ran out (the data tar, or the room for its compressed form)
grep -E '^melange: error: .*ws-full/ws/melange-out' huge.log >/dev/null || fail "the error does not name the workspace: $(grep error: huge.log)"
[ -z "$(find out-huge -name '*.apk' 2>/dev/null)" ] || fail "a package was written: $(find out-huge -name '*.apk')"
used=$(df -k --output=used ws-full | tail -1)
rm -rf ws-full/ws ws-full/melange-guest-* 2>/dev/null
[ "$(df -k --output=used ws-full | tail -1)" -lt 1024 ] || fail "space still used after removing the workspace: temporary files left open?"
[ "$used" -gt 0 ] || fail "nothing was written to the workspace"
umount ws-full
echo OK
