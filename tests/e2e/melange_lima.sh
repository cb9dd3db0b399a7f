#!/usr/bin/env bash
# melange build --runner lima against tests/tools/fake_limactl.py (lima is not packaged for
# Debian): the fake records every limactl call and carries it out with bubblewrap. Verified:
# the calls the runner makes (create with a template whose images[].location is the build
# root and whose mounts[] bind the workspace, start, shell --workdir through ma-guest-init
# --exec, stop, delete --force) and that the package equals the bubblewrap build. Not
# verified: anything a real lima VM adds (booting an image, cloud-init, ssh, 9p/virtiofs).
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
python3 -c 'import yaml' 2>/dev/null || fail "python3-yaml is not installed (scripts/install-deps.sh test)"
BOOT=$(boot_repo)
mkdir bin lima && ln -s "$MA_SOURCE_DIR/tests/tools/fake_limactl.py" bin/limactl
export PATH=$WORK/bin:$PATH LIMA_HOME=$WORK/lima
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
mkdir src
cat > src/small.yaml <<EOF
package:
  name: small
  version: "1.0"
  epoch: 0
  description: a small package for the lima runner
  copyright:
    - license: MIT
$(env_yaml "$BOOT" busybox wolfi-baselayout)
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/share/small
      echo "built as \$(id -u)" > \${{targets.destdir}}/usr/share/small/who
      ln -s who \${{targets.destdir}}/usr/share/small/link
test:
  environment:
    contents:
      packages:
        - busybox
  pipeline:
    - runs: grep -x "built as 0" /usr/share/small/who
EOF
"$MELANGE" build src/small.yaml --runner lima --signing-key test.rsa --out-dir out-lima >lima.log 2>&1 ||
  fail "lima build failed: $(tail -5 lima.log)"
grep -q "small test: passed" lima.log || fail "the test did not run"
"$MELANGE" build src/small.yaml --runner bubblewrap --signing-key test.rsa --out-dir out-bwrap >bwrap.log 2>&1 ||
  fail "bubblewrap build failed: $(tail -5 bwrap.log)"
diff <(data_listing "out-bwrap/$ARCH/small-1.0-r0.apk") <(data_listing "out-lima/$ARCH/small-1.0-r0.apk") ||
  fail "lima and bubblewrap builds differ"
python3 - "$LIMA_HOME/_calls.jsonl" <<'PY' || fail "unexpected limactl calls: $(cat "$LIMA_HOME/_calls.jsonl")"
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
verbs = [c[0] for c in calls]
# build guest, then the test guest: create, start, shell..., stop, delete each
assert verbs.count("create") == 2 and verbs.count("delete") == 2, verbs
assert all(c[1] == "--force" for c in calls if c[0] == "delete"), calls
shells = [c for c in calls if c[0] == "shell"]
assert shells and all(c[1] == "--workdir" and c[4] == "--" and c[5] == "/.ma/init" for c in shells), shells
PY
left=$(find "$LIMA_HOME" -mindepth 1 -maxdepth 1 -type d)
[ -z "$left" ] || fail "instances left behind: $left"
echo "ok: the lima runner (fake limactl) builds the same package as bubblewrap"
