#!/usr/bin/env bash
# Recipe inputs that try to run shell or read outside the source (the original's advisories:
# GHSA-vqqr-rmpc-hhg2 working-directory, GHSA-rf4g-89h5-crcr patch names, GHSA-2w4f-9fgg-q2v9
# license-path, GHSA-98f2-w9h9-7fp9 `uses: ../x`, and a version that would reach file names).
# Each is refused with one line or stays inert text; no marker file appears anywhere.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
BOOT=$(boot_repo)
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
mkdir -p src
conf() {  # conf NAME VERSION PIPELINE [extra package keys, indented 2]
  cat > "src/$1.yaml" <<EOF
package:
  name: $1
  version: "$2"
  epoch: 0
${4:-}
$(env_yaml "$BOOT" busybox wolfi-baselayout)
pipeline:
$3
EOF
}
build() { "$MELANGE" --log-level error build "src/$1.yaml" --signing-key test.rsa --out-dir out "${@:2}"; }
# Marker files exactly (a literal directory named after an injection attempt is no marker).
markers() { find /tmp -xdev -regextype posix-extended -regex '.*/pwned-[a-z0-9]+' 2>/dev/null || true; }
[ -z "$(markers)" ] || fail "marker files exist before the test: $(markers)"

# 1. A version with $(...), a path or a quote is refused before any work, as the original does.
for v in '1.0$(touch /tmp/pwned-version)' '1.0/../../../tmp/pwned-path' "1.0';touch /tmp/pwned-quote;'"; do
  conf badver "$v" '  - runs: "true"'
  expect_fail "is not a valid apk version" build badver
done
[ ! -e out ] || fail "a refused version left $(find out)"

# 2. working-directory with quotes and $(...): a directory of that literal name, nothing runs.
WD="wd'\$(touch /home/build/pwned-wd1)\`touch /home/build/pwned-wd2\`;touch /home/build/pwned-wd3;'"
conf wd 1.0.0 "  - working-directory: \"$WD\"
    runs: |
      pwd > /home/build/where
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/share/wd
      cp /home/build/where \${{targets.destdir}}/usr/share/wd/where
      ls -a /home/build > \${{targets.destdir}}/usr/share/wd/home"
build wd --workspace-dir "$WORK/ws-wd" >wd.log 2>&1 || fail "working-directory build: $(tail -3 wd.log)"
apk=$(ls out/*/wd-1.0.0-r0.apk)
where=$(tar -xzOf "$apk" usr/share/wd/where 2>/dev/null) || fail "working-directory: the package lacks usr/share/wd/where"
[ "$where" = "/home/build/$WD" ] || fail "working-directory: the step ran in '$where'"
home=$(tar -xzOf "$apk" usr/share/wd/home 2>/dev/null) || fail "working-directory: the package lacks usr/share/wd/home"
! grep '^pwned' <<<"$home" >/dev/null || fail "working-directory: the injection ran: $home"

# 3. Patch names with $(...) and ';': looked for as files (the build fails naming it), never run.
#    (The patch pipeline needs a package named patch: a stand-in, busybox has the applet.)
mkdir -p stub/$ARCH empty
"$MA_MKAPK" --name patch --version 0-r0 --arch "$ARCH" --depend busybox --signing-key test.rsa \
  --out "stub/$ARCH/patch-0-r0.apk" empty
"$MELANGE" --log-level warn index -o "stub/$ARCH/APKINDEX.tar.gz" --signing-key test.rsa "stub/$ARCH"/*.apk
conf patchy 1.0.0 '  - uses: patch
    with:
      patches: "fix.patch;touch /home/build/pwned-patch1 $(touch /home/build/pwned-patch2).patch"'
out=$(build patchy --workspace-dir "$WORK/ws-patch" -r "$WORK/stub" -k test.rsa.pub 2>&1) && fail "patch build succeeded"
grep -F 'step "patch"' <<<"$out" >/dev/null || fail "patch failure does not name the step: $out"

# 4. license-path outside the source tree: refused when the recipe is read.
printf 'secret\n' > "$WORK/outside-license"
conf lic 1.0.0 '  - runs: "true"' '  copyright:
    - license: MIT
      license-path: ../outside-license'
expect_fail 'license-path "../outside-license": must be a relative path inside the source tree' build lic
expect_fail 'must be a relative path inside the source tree' "$MELANGE" license-check src/lic.yaml

# 5. uses: with a path out of the pipeline directories.
mkdir -p pipes && printf 'pipeline:\n  - runs: touch /home/build/pwned-uses\n' > "$WORK/evil.yaml"
conf uses 1.0.0 '  - uses: ../evil'
expect_fail "../evil" build uses --pipeline-dir pipes

[ -z "$(markers)" ] || fail "an injection ran: $(markers)"
echo OK
