#!/usr/bin/env bash
# The original melange's command-line flags, as wolfi-dev/os's Makefile passes them, are
# accepted and do what they say: `melange build` with --license, --git-repo-url, --git-commit
# (SBOM), --package-append (build environment), --pipeline-dirs, --env-file twice (later wins),
# --override-host-triplet-libc-substitution-flavor, --strip-origin-name, --timeout as a Go
# duration, the resource flags, --lint-require/--lint-warn, and the flags the original itself
# ignores; the commit defaults to the config's git HEAD; `melange test` with --pipeline-dirs,
# --workspace-dir and a duration. A bad duration is one line.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
BOOT=$(boot_repo)

"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
mkdir -p src pipes/local
cat > pipes/local/mark.yaml <<'P'
name: mark
inputs:
  what:
    required: true
pipeline:
  - runs: echo "${{inputs.what}}" > "${{targets.destdir}}/usr/share/flags/mark"
P
printf 'FLAVOUR=first\nONLY_A=a\n' > a.env
printf 'FLAVOUR=second\n' > b.env
cat > src/flags.yaml <<RECIPE
package:
  name: flags
  version: 1.0.0
  epoch: 0
  description: the original's flags
  copyright:
    - license: MIT
$(env_yaml "$BOOT" busybox wolfi-baselayout)
pipeline:
  - runs: |
      mkdir -p "\${{targets.destdir}}/usr/share/flags"
      # make comes from build-base, which only --package-append brings in
      make --version | head -1 > "\${{targets.destdir}}/usr/share/flags/make"
      echo "\${{host.triplet.gnu}} \${{host.triplet.rust}}" > "\${{targets.destdir}}/usr/share/flags/triplet"
      echo "\$FLAVOUR \$ONLY_A" > "\${{targets.destdir}}/usr/share/flags/env"
  - uses: local/mark
    with:
      what: from-pipeline-dirs
subpackages:
  - name: flags-extra
    pipeline:
      - runs: |
          mkdir -p "\${{targets.subpkgdir}}/usr/share/flags-extra"
          echo extra > "\${{targets.subpkgdir}}/usr/share/flags-extra/x"
RECIPE
COMMIT=0123456789abcdef0123456789abcdef01234567
# As wolfi-dev/os's Makefile builds (MELANGE_OPTS), plus the rest of the original's flags.
"$MELANGE" build src/flags.yaml --repository-append "$WORK/out" --keyring-append test.rsa.pub --signing-key test.rsa \
  --arch "$ARCH" --env-file a.env --env-file b.env --namespace wolfi --license 'Apache-2.0' \
  --git-repo-url 'https://github.com/example/os' --git-commit "$COMMIT" --cache-dir "$WORK/cache" \
  --pipeline-dirs "$WORK/pipes" --source-dir src --package-append build-base --fail-on-lint-warning \
  --generate-index false --override-host-triplet-libc-substitution-flavor musl --strip-origin-name \
  --timeout 30m --cpu 2 --memory 2Gi --disk 10Gi --cpumodel host --lint-require dev,tempdir --lint-warn usrlocal \
  --cleanup --cache-source "$WORK/nowhere" --generate-provenance --runner bubblewrap \
  --out-dir out >build.log 2>&1 || fail "build with the original's flags failed: $(tail -5 build.log)"
grep -q "generate-provenance: not supported" build.log || fail "no warning for --generate-provenance: $(cat build.log)"
APK=out/$ARCH/flags-1.0.0-r0.apk
SUB=out/$ARCH/flags-extra-1.0.0-r0.apk
[ -f "$APK" ] && [ -f "$SUB" ] || fail "packages missing: $(ls -R out)"
[ -f "out/$ARCH/APKINDEX.tar.gz" ] && fail "--generate-index false wrote an index"
get() { tar -xzOf "$APK" "usr/share/flags/$1" 2>/dev/null; }
get make | grep "GNU Make" >/dev/null || fail "--package-append build-base: no make in the build ($(get make))"
[ "$(get triplet)" = "$ARCH-pc-linux-musl $ARCH-unknown-linux-musl" ] || fail "libc flavour: $(get triplet)"
[ "$(get env)" = "second a" ] || fail "--env-file twice: $(get env)"
[ "$(get mark)" = "from-pipeline-dirs" ] || fail "--pipeline-dirs pipeline: $(get mark)"
pkginfo "$SUB" | grep -qx "origin = flags-extra" || fail "--strip-origin-name: $(pkginfo "$SUB" | grep origin)"
pkginfo "$APK" | grep -qx "origin = flags" || fail "main package origin: $(pkginfo "$APK" | grep origin)"
pkginfo "$APK" | grep -qx "maintainer = wolfi" || fail "--namespace: $(pkginfo "$APK" | grep maintainer)"
sbom_config() {  # sbom_config APK: versionInfo|licenseDeclared|downloadLocation|purl of the FILE package
  tar -xzOf "$1" "var/lib/db/sbom/$(basename "$1" .apk).spdx.json" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
p = [p for p in d["packages"] if p.get("primaryPackagePurpose") == "FILE"][0]
refs = [r["referenceLocator"] for r in p.get("externalRefs", []) if r.get("referenceType") == "purl"]
print("|".join([p.get("versionInfo", ""), p["licenseDeclared"], p["downloadLocation"], refs[0] if refs else ""]))'
}
[ "$(sbom_config "$APK")" = "$COMMIT|Apache-2.0|https://github.com/example/os|pkg:github/example/os@$COMMIT#flags.yaml" ] ||
  fail "SBOM configuration entry: $(sbom_config "$APK")"

# Without --git-commit: the HEAD of the git repository holding the configuration.
git -C src init -q && git -C src add flags.yaml &&
  git -C src -c user.name=t -c user.email=t@example.com commit -q -m recipe || fail "git commit"
HEAD_ID=$(git -C src rev-parse HEAD)
"$MELANGE" build src/flags.yaml -r "$WORK/out" -k test.rsa.pub --signing-key test.rsa --package-append build-base \
  --pipeline-dirs "$WORK/pipes" --source-dir src --out-dir out2 --timeout 600 >build2.log 2>&1 ||
  fail "second build failed: $(tail -5 build2.log)"
[ "$(sbom_config "out2/$ARCH/flags-1.0.0-r0.apk" | cut -d'|' -f1,2)" = "$HEAD_ID|NOASSERTION" ] ||
  fail "default commit: $(sbom_config "out2/$ARCH/flags-1.0.0-r0.apk") (HEAD $HEAD_ID)"

# melange test with the Makefile's MELANGE_TEST_OPTS shape.
cat >> src/flags.yaml <<'TEST'
test:
  pipeline:
    - runs: mkdir -p /home/build/melange-out/flags/usr/share/flags
    - uses: local/mark
      with:
        what: tested
    - runs: test "$(cat /home/build/melange-out/flags/usr/share/flags/mark)" = tested
TEST
"$MELANGE" test src/flags.yaml --repository-append "$WORK/out2" --keyring-append test.rsa.pub --arch "$ARCH" \
  --pipeline-dirs "$WORK/pipes" --test-package-append busybox --debug --timeout 10m --workspace-dir "$WORK/tws" \
  -r "$BOOT" -k "$(ls "$BOOT"/*.rsa.pub | head -1)" >test.log 2>&1 || fail "melange test failed: $(tail -5 test.log)"
grep -q "flags test: passed" test.log || fail "the test did not run: $(tail -3 test.log)"
[ -f "$WORK/tws/melange-out/flags/usr/share/flags/mark" ] || fail "--workspace-dir not used: $(ls -R "$WORK/tws" | head)"

# melange lint takes the original's --persist-lint-results/--out-dir (results only printed).
"$MELANGE" lint --persist-lint-results --out-dir out "$APK" > lint.out 2>lint.log || fail "lint --persist-lint-results: $(cat lint.log)"
grep -q "persist-lint-results: not supported" lint.log || fail "lint --persist-lint-results: no warning: $(cat lint.log)"

# melange compile takes the build's flags too (as the original's); --build-date sets the epoch.
env -u SOURCE_DATE_EPOCH "$MELANGE" compile src/flags.yaml --arch "$ARCH" --build-date 2024-01-02T03:04:05Z -k test.rsa.pub \
  -r "$WORK/out" --package-append build-base --signing-key test.rsa --out-dir out --rm --generate-index false \
  --license MIT --git-repo-url https://github.com/example/os --timeout 1h --pipeline-dirs "$WORK/pipes" > compiled.json 2>compile.log ||
  fail "compile with build flags: $(cat compile.log)"
python3 -c 'import json,sys; d=json.load(open("compiled.json")); assert d["source-date-epoch"] == 1704164645, d["source-date-epoch"]' ||
  fail "compile --build-date: $(head -c 300 compiled.json)"
# No configuration named: the first of .melange.yaml, .melange.yml, melange.yaml, melange.yml.
mkdir dflt && sed 's/name: flags$/name: dotfile/' src/flags.yaml > dflt/.melange.yaml && cp src/flags.yaml dflt/melange.yaml
(cd dflt && "$MELANGE" compile --arch "$ARCH" --pipeline-dirs "$WORK/pipes") | python3 -c 'import json,sys; assert json.load(sys.stdin)["package"]["name"] == "dotfile"' ||
  fail "compile without a config did not take .melange.yaml"
mkdir none && (cd none && expect_fail "none of .melange.yaml, .melange.yml, melange.yaml, melange.yml here" "$MELANGE" build)
"$MELANGE" version --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert set(d) >= {"gitVersion","gitCommit","gitTreeState","platform"}, d' ||
  fail "version --json: $("$MELANGE" version --json)"

expect_fail '--timeout "5x" is not a duration' "$MELANGE" build src/flags.yaml --timeout 5x
expect_fail '--timeout "5x" is not a duration' "$MELANGE" compile src/flags.yaml --timeout 5x
SOURCE_DATE_EPOCH=soon expect_fail 'SOURCE_DATE_EPOCH "soon" is not a non-negative integer' "$MELANGE" compile src/flags.yaml
echo "melange build and test accept the original's flags"
