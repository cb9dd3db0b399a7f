#!/usr/bin/env bash
# Building for aarch64 on an x86_64 host: the build root runs through qemu-user-static's
# binfmt handlers (F flag) inside bubblewrap. Lean by default:
#  1. the aarch64 flavour of the bootstrap repository (Debian's arm64 packages; made once and
#     cached: tests/bootstrap/make-bootstrap-repo.sh with MA_BOOTSTRAP_ARCH=aarch64);
#  2. a small C program built with --arch arm64: an aarch64 ELF, depends on so:libc.so.6 and
#     the aarch64 interpreter (SCA of a foreign ELF), its test step runs it under emulation;
#  3. the same package for amd64, then `apko build --arch x86_64,aarch64` of both: each
#     image prints "Hello, world!" under `podman run --arch amd64` and `--arch arm64`.
# MA_E2E_CROSS_HELLO=1 also builds GNU hello for aarch64 (minutes under emulation).
# MA_REF_APK=/path/to/apk (apk-tools 2.x, not in Debian 12) also installs the aarch64 packages with
# the reference client into an aarch64 root (scripts and all) and runs them there under emulation.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
[ "$ARCH" = x86_64 ] || skip "the aarch64 bootstrap flavour is made on x86_64 hosts only"
grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null ||
  fail "no qemu-aarch64 binfmt handler with the F flag (apt-get install qemu-user-static binfmt-support)"
BOOT=$(boot_repo)
start=$(date +%s)
B64=$(MA_BOOTSTRAP_ARCH=aarch64 MA_BINARY_DIR=${MA_BINARY_DIR:-} MELANGE=$MELANGE MA_MKAPK=${MA_MKAPK:-} \
      bash "$MA_SOURCE_DIR/tests/bootstrap/make-bootstrap-repo.sh" 2>boot64.log) ||
  fail "cannot make the aarch64 bootstrap repository: $(tail -1 boot64.log)"
echo "aarch64 bootstrap repository: $(( $(date +%s) - start )) s"
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa

small_yaml() {  # small_yaml BOOT
  cat <<EOF
package:
  name: small
  version: "1.0"
  epoch: 0
  description: a small C program
  copyright:
    - license: MIT
$(env_yaml "$1" build-base busybox wolfi-baselayout)
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/bin
      printf '#include <stdio.h>\\nint main(void) { puts("Hello, world!"); return 0; }\\n' > hi.c
      gcc -O2 -o \${{targets.destdir}}/usr/bin/hi hi.c
      echo "machine: \$(uname -m)"
  - uses: strip
test:
  environment:
    contents:
      packages:
        - busybox
  pipeline:
    - runs: hi | grep -x "Hello, world!" >/dev/null
EOF
}
mkdir src
small_yaml "$B64" > src/small64.yaml
small_yaml "$BOOT" > src/small.yaml
start=$(date +%s)
"$MELANGE" build src/small64.yaml --arch arm64 --runner bubblewrap --signing-key test.rsa --out-dir out >b64.log 2>&1 ||
  fail "aarch64 build failed: $(tail -5 b64.log)"
echo "aarch64 build + test: $(( $(date +%s) - start )) s"
grep -q "machine: aarch64" b64.log || fail "the build did not run as aarch64: $(grep machine: b64.log)"
grep -q "small test: passed" b64.log || fail "the aarch64 test did not run"
A64=out/aarch64/small-1.0-r0.apk
[ -f "$A64" ] || fail "no $A64"
pkginfo "$A64" > PKGINFO
grep -qx "arch = aarch64" PKGINFO || fail "not an aarch64 package: $(cat PKGINFO)"
grep -qx "depend = so:libc.so.6" PKGINFO || fail "no so:libc.so.6: $(cat PKGINFO)"
grep -qx "depend = so:ld-linux-aarch64.so.1" PKGINFO || fail "no aarch64 interpreter dependency: $(cat PKGINFO)"
tar -xzOf "$A64" usr/bin/hi 2>/dev/null |
  python3 -c 'import sys,struct; d=sys.stdin.buffer.read(); assert d[:4]==b"\x7fELF" and struct.unpack("<H", d[18:20])[0]==183, d' ||
  fail "usr/bin/hi is not an aarch64 ELF"
"$MELANGE" build src/small.yaml --arch amd64 --runner bubblewrap --signing-key test.rsa --out-dir out >b86.log 2>&1 ||
  fail "x86_64 build failed: $(tail -5 b86.log)"

# One repository with both flavours (apko wants an index per architecture in each repository).
mkdir boot && ln -s "$BOOT/x86_64" boot/x86_64 && ln -s "$B64/aarch64" boot/aarch64
cat > image.yaml <<EOF
contents:
  repositories:
    - $WORK/out
    - $WORK/boot
  keyring:
    - $WORK/test.rsa.pub
    - $BOOT/bootstrap.rsa.pub
    - $B64/bootstrap-aarch64.rsa.pub
  packages:
    - small
entrypoint:
  command: /usr/bin/hi
archs:
  - x86_64
  - aarch64
EOF
"$APKO" build image.yaml small:latest small.tar >apko.log 2>&1 || fail "apko build failed: $(tail -3 apko.log)"
command -v podman >/dev/null || fail "podman is not installed"
TAG=localhost/melange-e2e-cross:$$
podman load -i small.tar >podman.log 2>&1 || fail "podman load: $(tail -1 podman.log)"
for a in amd64 arm64; do
  podman tag "small:latest-$a" "$TAG-$a" >/dev/null 2>>podman.log || fail "no image small:latest-$a: $(tail -1 podman.log)"
  podman rmi "small:latest-$a" >/dev/null 2>&1 || true
  out=$(container_run podman --rm --arch "$a" "$TAG-$a" 2>>podman.log) ||
    { podman rmi -f "$TAG-$a" >/dev/null 2>&1; fail "podman run --arch $a failed: $(tail -2 podman.log)"; }
  arch_seen=$(podman image inspect --format '{{.Architecture}}' "$TAG-$a" 2>/dev/null || true)
  podman rmi -f "$TAG-$a" >/dev/null 2>&1 || true
  [ "$out" = "Hello, world!" ] || fail "the $a image printed: $out"
  [ "$arch_seen" = "$a" ] || fail "the $a image is $arch_seen"
done
echo "ok: aarch64 built on x86_64; the two-arch image runs under podman --arch amd64 and arm64"

if [ "${MA_E2E_CROSS_HELLO:-}" = 1 ]; then
  TARBALL=$(hello_tarball)
  mkdir -p cache && cp "$TARBALL" "cache/sha256:$HELLO_SHA"
  hello_yaml "http://127.0.0.1:9/hello-\${{package.version}}.tar.gz" "$B64" > src/hello64.yaml
  start=$(date +%s)
  "$MELANGE" build src/hello64.yaml --arch aarch64 --runner bubblewrap --signing-key test.rsa --cache-dir cache \
    --out-dir outh >h64.log 2>&1 || fail "hello aarch64 build failed: $(tail -5 h64.log)"
  echo "hello aarch64 build: $(( $(date +%s) - start )) s"
  pkginfo outh/aarch64/hello-2.10-r0.apk | grep -x "depend = so:ld-linux-aarch64.so.1" >/dev/null || fail "hello: no aarch64 interpreter dependency"
  echo "ok: GNU hello built for aarch64"
  # With its x86_64 build, a two-arch image of GNU hello runs under podman --arch arm64 and amd64.
  hello_yaml "http://127.0.0.1:9/hello-\${{package.version}}.tar.gz" "$BOOT" > src/hello.yaml
  "$MELANGE" build src/hello.yaml --arch x86_64 --runner bubblewrap --signing-key test.rsa --cache-dir cache \
    --out-dir outh >h86.log 2>&1 || fail "hello x86_64 build failed: $(tail -5 h86.log)"
  sed -e "s|$WORK/out\$|$WORK/outh|" -e 's|^    - small$|    - hello|' -e 's|/usr/bin/hi$|/usr/bin/hello|' image.yaml > hello-image.yaml
  "$APKO" build hello-image.yaml hello:latest hello.tar >apko-hello.log 2>&1 || fail "apko build of hello: $(tail -3 apko-hello.log)"
  podman load -i hello.tar >>podman.log 2>&1 || fail "podman load hello: $(tail -1 podman.log)"
  for a in amd64 arm64; do
    podman tag "hello:latest-$a" "$TAG-hello-$a" >/dev/null 2>>podman.log || fail "no image hello:latest-$a"
    podman rmi "hello:latest-$a" >/dev/null 2>&1 || true
    out=$(container_run podman --rm --arch "$a" "$TAG-hello-$a" 2>>podman.log) ||
      { podman rmi -f "$TAG-hello-$a" >/dev/null 2>&1; fail "podman run --arch $a hello: $(tail -2 podman.log)"; }
    podman rmi -f "$TAG-hello-$a" >/dev/null 2>&1 || true
    [ "$out" = "Hello, world!" ] || fail "the $a hello image printed: $out"
  done
  echo "ok: the two-arch GNU hello image prints Hello, world! under podman --arch amd64 and arm64"
fi

# ref_install ROOT PKG...: the reference apk client installs the aarch64 packages of out/ and outh/
# (signatures checked against the keys named as in the signatures) into a fresh aarch64 root.
ref_install() {
  local root=$1; shift
  mkdir -p refkeys "$root/usr/lib" && ln -s usr/lib "$root/lib"
  cp test.rsa.pub "$B64/bootstrap-aarch64.rsa.pub" refkeys/
  local repos=(--repository "$B64" --repository "$WORK/out")
  [ ! -d outh ] || repos+=(--repository "$WORK/outh")
  "$MA_REF_APK" add --root "$root" --initdb --arch aarch64 --no-cache --keys-dir "$WORK/refkeys" \
    "${repos[@]}" "$@" >refapk.log 2>&1 || fail "reference apk add $*: $(tail -3 refapk.log)"
  for p in "$@"; do
    "$MA_REF_APK" info --root "$root" -e "$p" >/dev/null 2>&1 || fail "reference apk: $p not installed"
  done
}
if [ -n "${MA_REF_APK:-}" ]; then
  pkgs=(small)
  [ ! -d outh ] || pkgs+=(hello)
  ref_install "$WORK/ref64" "${pkgs[@]}"
  out=$(bwrap --bind "$WORK/ref64" / --proc /proc --dev /dev /usr/bin/hi) || fail "hi in the reference root failed"
  [ "$out" = "Hello, world!" ] || fail "hi in the reference root printed: $out"
  if [ -d outh ]; then
    out=$(bwrap --bind "$WORK/ref64" / --proc /proc --dev /dev /usr/bin/hello) || fail "hello in the reference root failed"
    [ "$out" = "Hello, world!" ] || fail "hello in the reference root printed: $out"
  fi
  echo "ok: $("$MA_REF_APK" --version | cut -d, -f1) installed ${pkgs[*]} for aarch64; they print Hello, world! under emulation"
fi
