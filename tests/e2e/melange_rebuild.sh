#!/usr/bin/env bash
# melange rebuild: a small C program, "hello 2.10" (its source tarball: one C file and GNU hello's
# COPYING, made here with fixed metadata), is built offline (SOURCE_DATE_EPOCH set) in bubblewrap
# with the bootstrap repository, its tarball put into the source cache by `melange update-cache`
# from a server on 127.0.0.1; then rebuilt from nothing but the package (its .melange.yaml, SBOM
# and .PKGINFO) plus the signing key, repositories and cache given again: the rebuilt package must
# be byte for byte the original. Rebuilt unsigned, it must differ, and the command must fail naming
# the signature entries. The same package is then scanned (`melange scan PKG.apk --diff`: SCA
# finds what it found at build time) and license-checked (its source from the cache). GNU hello's
# own build is reproduced byte for byte in e2e.melange_hello; a small build keeps this one quick.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
BOOT=$(boot_repo)
HELLO_TARBALL=$(hello_tarball)

"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
make_stubs stubs test.rsa "$BOOT"
mkdir -p srv tsrc/hello-2.10
tar -xzf "$HELLO_TARBALL" -C tsrc hello-2.10/COPYING
printf '#include <stdio.h>\nint main(void) { puts("Hello, world!"); return 0; }\n' > tsrc/hello-2.10/hello.c
tar -C tsrc --sort=name --mtime=@1700000000 --owner=0 --group=0 --numeric-owner -cf - hello-2.10 | gzip -n > srv/hello-2.10.tar.gz
SRC_SHA=$(sha256sum srv/hello-2.10.tar.gz | cut -d' ' -f1)
PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory srv "$PORT" >http.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK" || true' EXIT
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break; sleep 0.1; done
mkdir src
cat > src/hello.yaml <<EOF
package:
  name: hello
  version: "2.10"
  epoch: 0
  description: a small hello
  copyright:
    - license: GPL-3.0-or-later
$(env_yaml "$BOOT" build-base busybox wolfi-baselayout)
pipeline:
  - uses: fetch
    with:
      uri: http://127.0.0.1:$PORT/hello-\${{package.version}}.tar.gz
      expected-sha256: $SRC_SHA
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/bin
      gcc -O2 -o \${{targets.destdir}}/usr/bin/hello hello.c
  - uses: strip
test:
  environment:
    contents:
      packages:
        - busybox
  pipeline:
    - runs: hello | grep -x "Hello, world!" >/dev/null
EOF
"$MELANGE" update-cache src/hello.yaml --cache-dir cache >uc.log 2>&1 || fail "update-cache failed: $(tail -3 uc.log)"
kill $SERVER; wait $SERVER 2>/dev/null || true
[ -f "cache/sha256:$SRC_SHA" ] || fail "update-cache did not write cache/sha256:$SRC_SHA: $(ls cache)"

start=$(date +%s)
SOURCE_DATE_EPOCH=1700000000 "$MELANGE" build src/hello.yaml --runner bubblewrap --signing-key test.rsa "${STUB_ARGS[@]}" \
  --cache-dir cache --out-dir out >build.log 2>&1 || fail "build failed: $(tail -5 build.log)"
echo "build: $(( $(date +%s) - start )) s"
grep -q "fetch: using .*sha256:$SRC_SHA" build.log || fail "the build did not find update-cache's entry: $(grep fetch: build.log)"
APK=out/$ARCH/hello-2.10-r0.apk
[ -f "$APK" ] || fail "no $APK"
pkginfo "$APK" | grep -x "builddate = 1700000000" >/dev/null || fail "SOURCE_DATE_EPOCH not recorded: $(pkginfo "$APK")"

# The rebuild, from another directory: nothing of src/ is needed.
mkdir elsewhere
ABS_STUB_ARGS=()
for a in "${STUB_ARGS[@]}"; do if [ -e "$a" ]; then ABS_STUB_ARGS+=("$WORK/$a"); else ABS_STUB_ARGS+=("$a"); fi; done
start=$(date +%s)
# The build time comes from the package's builddate, whatever the environment says.
( cd elsewhere && SOURCE_DATE_EPOCH=1 "$MELANGE" rebuild "$WORK/$APK" --signing-key "$WORK/test.rsa" "${ABS_STUB_ARGS[@]}" \
    --cache-dir "$WORK/cache" >../rebuild.out 2>../rebuild.log ) ||
  fail "rebuild failed or differs: $(cat rebuild.out) $(tail -3 rebuild.log)"
echo "rebuild: $(( $(date +%s) - start )) s"
cmp "$APK" "elsewhere/rebuilt-packages/$ARCH/hello-2.10-r0.apk" || fail "rebuilt bytes differ but rebuild said identical"
grep -q "is identical" rebuild.log || fail "no 'identical' line: $(tail -3 rebuild.log)"
[ ! -e elsewhere/rebuilt-packages/$ARCH/APKINDEX.tar.gz ] || fail "rebuild wrote an index (melange's does not)"

grep -q "build date 1700000000" rebuild.log || fail "the rebuild did not take the recorded build date: $(grep rebuilding rebuild.log)"

# Unsigned, the rebuilt package cannot match: the command fails and names the signature.
rc=0
( cd elsewhere && "$MELANGE" rebuild "$WORK/$APK" --out-dir unsigned "${ABS_STUB_ARGS[@]}" \
    --cache-dir "$WORK/cache" >../unsigned.out 2>../unsigned.log ) || rc=$?
[ "$rc" -ne 0 ] || fail "an unsigned rebuild of a signed package passed"
grep -q "removed: .SIGN.RSA256.test.rsa.pub" unsigned.out || fail "the signature entry is not named: $(cat unsigned.out)"
grep -q "APK digest diff: " unsigned.out || fail "no digest line: $(cat unsigned.out)"
grep -q "changed: usr/bin/hello" unsigned.out && fail "file contents differ between two builds: $(cat unsigned.out)"
tail -1 unsigned.log | grep "1 of 1 rebuilt package(s) differ from the original" >/dev/null || fail "error line: $(tail -1 unsigned.log)"

# scan of the package: the embedded configuration + SCA give back its .PKGINFO.
"$MELANGE" scan "$APK" --diff >scan.out 2>scan.log || fail "scan --diff of the built package differs: $(cat scan.out) $(tail -2 scan.log)"
[ ! -s scan.out ] || fail "scan --diff printed: $(cat scan.out)"
"$MELANGE" scan "$APK" 2>/dev/null | grep -x "provides = cmd:hello=2.10-r0" >/dev/null || fail "scan does not regenerate cmd:hello"

# license-check of the package: its source from the cache; its COPYING (GNU hello's) is the GPLv3,
# which licenseclassifier (and this) calls GPL-3.0, while the recipe says GPL-3.0-or-later.
"$MELANGE" license-check "$APK" --cache-dir cache >lc.out 2>lc.log || fail "license-check failed: $(tail -3 lc.log)"
grep -q "COPYING: GPL-3.0 (1.000000) (restricted)" lc.log || fail "COPYING not identified: $(cat lc.log)"
grep -q "COPYING: GPL-3.0 not found" lc.log || fail "difference not reported: $(cat lc.log)"

expect_fail "src/hello.yaml" "$MELANGE" rebuild src/hello.yaml
"$MA_MKAPK" --name bare --version 1-r0 --arch "$ARCH" --out bare.apk "$WORK/empty"
expect_fail "bare.apk: no .melange.yaml in the package" "$MELANGE" rebuild bare.apk
echo "ok: a package rebuilt byte for byte from the package; unsigned rebuild differs by its signature only"
