#!/usr/bin/env bash
# melange build of a package with two named subpackages and a `range:` over `data:` (no compiler:
# steps only write files), in bubblewrap: the right files land in the right packages, the
# workspace holds the source dir minus .melangeignore, every package's test runs, packages.log,
# SOURCE_DATE_EPOCH, then `melange test` alone against the out dir.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
BOOT=$(boot_repo)
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa

mkdir src
echo "extra file" > src/extra.txt
echo "do not copy" > src/secret.txt
printf '# comment\nsecret.txt\n' > src/.melangeignore
cat > src/multi.yaml <<EOF
package:
  name: multi
  version: 1.2.3
  epoch: 2
  description: a package with subpackages
  copyright:
    - license: MIT
$(env_yaml "$BOOT" busybox wolfi-baselayout)
data:
  - name: flavours
    items:
      red: "#f00"
      blue: "#00f"
pipeline:
  - name: install
    runs: |
      test ! -e secret.txt
      mkdir -p \${{targets.destdir}}/usr/bin \${{targets.destdir}}/usr/include \${{targets.destdir}}/usr/share/doc/multi
      printf '#!/bin/sh\necho "main \$1"\n' > \${{targets.destdir}}/usr/bin/multi
      chmod 755 \${{targets.destdir}}/usr/bin/multi
      echo '#define MULTI 1' > \${{targets.destdir}}/usr/include/multi.h
      echo docs > \${{targets.destdir}}/usr/share/doc/multi/README
      cp extra.txt \${{targets.destdir}}/usr/share/doc/multi/extra.txt
subpackages:
  - name: multi-dev
    dependencies:
      runtime:
        - multi
    pipeline:
      - runs: |
          mkdir -p \${{targets.subpkgdir}}/usr
          mv \${{targets.destdir}}/usr/include \${{targets.subpkgdir}}/usr/
  - name: multi-doc
    pipeline:
      - runs: |
          mkdir -p \${{targets.subpkgdir}}/usr/share
          mv \${{targets.destdir}}/usr/share/doc \${{targets.subpkgdir}}/usr/share/
  - range: flavours
    name: multi-\${{range.key}}
    description: the \${{range.key}} flavour
    pipeline:
      - runs: |
          mkdir -p \${{targets.subpkgdir}}/usr/share/multi
          echo "\${{range.value}}" > \${{targets.subpkgdir}}/usr/share/multi/\${{range.key}}
    test:
      pipeline:
        - runs: test "\$(cat /usr/share/multi/\${{range.key}})" = "\${{range.value}}"
test:
  pipeline:
    - runs: multi x | grep -qx "main x"
EOF

SOURCE_DATE_EPOCH=1700000000 "$MELANGE" build src/multi.yaml --signing-key test.rsa --create-build-log \
  --out-dir out >build.log 2>&1 || fail "build failed: $(tail -5 build.log)"
for p in multi multi-blue multi-red; do grep -q "$p test: passed" build.log || fail "$p test did not pass"; done
( cd "out/$ARCH" && ls *.apk ) > apks
printf '%s\n' multi-1.2.3-r2.apk multi-blue-1.2.3-r2.apk multi-dev-1.2.3-r2.apk multi-doc-1.2.3-r2.apk \
  multi-red-1.2.3-r2.apk | diff - apks || fail "wrong set of packages"
files() { tar -tzf "out/$ARCH/$1-1.2.3-r2.apk" 2>/dev/null | grep -v '^\.' | grep -v '^var/lib/db/sbom' | grep -v '/$' ; }
has() { files "$1" | grep -x "$2" >/dev/null || fail "$1 lacks $2: $(files "$1" | tr '\n' ' ')"; }
hasnt() { files "$1" | grep -x "$2" >/dev/null && fail "$1 must not hold $2"; true; }
has multi usr/bin/multi;        hasnt multi usr/include/multi.h; hasnt multi usr/share/doc/multi/README
has multi-dev usr/include/multi.h; hasnt multi-dev usr/bin/multi
has multi-doc usr/share/doc/multi/README; has multi-doc usr/share/doc/multi/extra.txt
has multi-red usr/share/multi/red;  hasnt multi-red usr/share/multi/blue
has multi-blue usr/share/multi/blue
[ "$(tar -xzOf "out/$ARCH/multi-red-1.2.3-r2.apk" usr/share/multi/red 2>/dev/null)" = "#f00" ] || fail "range.value not substituted"
[ "$(tar -xzOf "out/$ARCH/multi-doc-1.2.3-r2.apk" usr/share/doc/multi/extra.txt 2>/dev/null)" = "extra file" ] ||
  fail "source dir not copied into the workspace"
pkginfo "out/$ARCH/multi-dev-1.2.3-r2.apk" > dev.info
grep -qx "depend = multi" dev.info || fail "multi-dev lacks its runtime dependency: $(cat dev.info)"
grep -qx "origin = multi" dev.info || fail "multi-dev origin"
pkginfo "out/$ARCH/multi-1.2.3-r2.apk" > main.info
grep -qx "provides = cmd:multi=1.2.3-r2" main.info || fail "no cmd:multi provide: $(cat main.info)"
grep -qx "builddate = 1700000000" main.info || fail "SOURCE_DATE_EPOCH not the builddate: $(cat main.info)"
pkginfo "out/$ARCH/multi-red-1.2.3-r2.apk" | grep -x "pkgdesc = the red flavour" >/dev/null || fail "range in description"
data_listing "out/$ARCH/multi-1.2.3-r2.apk" > listing
grep -q "^755 usr/bin/multi 0:0 " listing || fail "usr/bin/multi mode/owner: $(cat listing)"
python3 - "out/$ARCH/multi-1.2.3-r2.apk" <<'PY' || fail "data mtimes are not SOURCE_DATE_EPOCH"
import io, sys, tarfile, zlib
d = open(sys.argv[1], 'rb').read(); p = 0; ms = []
while p < len(d):
    o = zlib.decompressobj(31); ms.append(o.decompress(d[p:])); p = len(d) - len(o.unused_data)
t = tarfile.open(fileobj=io.BytesIO(ms[-1]))
assert all(m.mtime == 1700000000 for m in t.getmembers()), [(m.name, m.mtime) for m in t.getmembers()]
PY
tar -xzOf "out/$ARCH/APKINDEX.tar.gz" APKINDEX 2>/dev/null > APKINDEX
[ "$(grep -c '^P:' APKINDEX)" = 5 ] || fail "index should list 5 packages: $(grep '^P:' APKINDEX)"
[ "$(wc -l < out/packages.log)" = 5 ] && grep -qx "$ARCH|multi|multi-red|1.2.3-r2" out/packages.log ||
  fail "packages.log: $(cat out/packages.log)"
ls -a . | grep staging >/dev/null && fail "staging dir left behind"

# melange test alone, against the published packages.
"$MELANGE" test src/multi.yaml -r "$WORK/out" -k "$WORK/test.rsa.pub" >test.log 2>&1 || fail "melange test: $(tail -3 test.log)"
grep -q "multi-red test: passed" test.log || fail "melange test did not test multi-red"
"$MELANGE" test src/multi.yaml multi-blue -r "$WORK/out" -k "$WORK/test.rsa.pub" >test2.log 2>&1 || fail "melange test multi-blue"
grep -q "multi-red test" test2.log && fail "melange test PKG ran other packages' tests"
echo "ok: subpackages, range, workspace, tests, packages.log, melange test"
