#!/usr/bin/env bash
# melange build failures: bad YAML, unknown pipeline, wrong sha256, failing step, failing test.
# Each is one short error line, a non-zero exit, and --out-dir keeps exactly what it held.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
BOOT=$(boot_repo)
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa

# Writes src/NAME.yaml: package NAME with the given pipeline and test YAML (indented 2).
conf() {  # conf NAME PIPELINE [TEST]
  mkdir -p src
  cat > "src/$1.yaml" <<EOF
package:
  name: $1
  version: 1.0.0
  epoch: 0
$(env_yaml "$BOOT" busybox wolfi-baselayout)
pipeline:
$2
${3:+test:
  pipeline:
$3}
EOF
}
build() { "$MELANGE" --log-level error build "src/$1.yaml" --signing-key test.rsa --out-dir out --cache-dir cache "${@:2}"; }
snapshot() { ( cd out && find . -type f | sort | xargs sha256sum ) ; }

# A good package first: the out dir then holds it and its index.
conf good '  - runs: mkdir -p ${{targets.destdir}}/usr/share/good && echo ok > ${{targets.destdir}}/usr/share/good/f'
"$MELANGE" build src/good.yaml --signing-key test.rsa --out-dir out >good.log 2>&1 || fail "good build: $(tail -3 good.log)"
snapshot > before

# 1. unknown key -> file:line
conf badkey '  - runs: "true"
    frobnicate: yes'
expect_fail "badkey.yaml:16" build badkey
# 2. unknown pipeline
conf nopipe '  - uses: no/such-pipeline'
expect_fail "no/such-pipeline" build nopipe
# 3. wrong sha256: the cached file does not have the checksum its name claims
mkdir -p cache tb/x && echo hi > tb/x/f && tar -czf "cache/sha256:$(printf '0%.0s' {1..64})" -C tb x
conf badsum "  - uses: fetch
    with:
      uri: http://127.0.0.1:9/x.tar.gz
      expected-sha256: $(printf '0%.0s' {1..64})"
expect_fail 'step "fetch"' build badsum
# 4. failing step names the step, its file:line and the exit code
conf failstep '  - name: compile things
    runs: |
      echo about to fail
      exit 3'
expect_fail 'failstep: step "compile things" (' build failstep
out=$(build failstep 2>&1) || true
grep -q "failstep.yaml:15" <<<"$out" && grep -q "exit code 3" <<<"$out" || fail "failing step error: $out"
# 5. failing test: the package builds but is NOT published
conf failtest '  - runs: mkdir -p ${{targets.destdir}}/usr/share/ft && echo 1 > ${{targets.destdir}}/usr/share/ft/f' \
'    - name: check the file
      runs: test "$(cat /usr/share/ft/f)" = 2'
expect_fail 'failtest test: step "check the file"' build failtest
# 6. a lint error (world-writable file) fails the build
conf lintfail '  - runs: mkdir -p ${{targets.destdir}}/usr/share/lf && echo 1 > ${{targets.destdir}}/usr/share/lf/f && chmod 666 ${{targets.destdir}}/usr/share/lf/f'
expect_fail "worldwrite" build lintfail
# 7. a foreign architecture is refused up front by a runner that cannot emulate it
other=aarch64; [ "$ARCH" = aarch64 ] && other=x86_64
expect_fail "cannot build for $other on this $ARCH host with the qemu runner" build good --arch "$other" --runner qemu

snapshot > after
diff before after || fail "--out-dir changed by failed builds"
ls -a . | grep staging >/dev/null && fail "staging dir left behind"
echo "ok: every failure is one line and leaves --out-dir untouched"
