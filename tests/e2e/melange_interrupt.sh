#!/usr/bin/env bash
# SIGINT and SIGTERM during `melange build`: the build stops with status 130, the out dir (a
# package and index from an earlier build) is exactly as before, the sandbox's processes are
# gone and no temp dir is left behind.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
BOOT=$(boot_repo)
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
recipe() {  # recipe VERSION SLEEP
  cat <<EOY
package:
  name: slow
  version: $1
  epoch: 0
  description: a build that can be interrupted
  copyright:
    - license: MIT
$(env_yaml "$BOOT" busybox)
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/share/slow
      echo $1 > \${{targets.destdir}}/usr/share/slow/version
      echo STEP-STARTED
      sleep $2
EOY
}
recipe 1.0 0 > v1.yaml
"$MELANGE" build v1.yaml --signing-key test.rsa --out-dir out >v1.log 2>&1 || fail "first build: $(tail -3 v1.log)"
snapshot() { (cd out && find . -printf '%p %s %T@\n' | sort && sha256sum "$ARCH"/*); }
snapshot > before
recipe 2.0 300 > v2.yaml
for sig in INT TERM; do
  mkdir -p "tmp-$sig"
  TMPDIR=$WORK/tmp-$sig "$MELANGE" build v2.yaml --signing-key test.rsa --out-dir out >"v2-$sig.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do grep -q STEP-STARTED "v2-$sig.log" && break; sleep 0.1; done
  grep -q STEP-STARTED "v2-$sig.log" || { kill -9 $pid; fail "the step never started: $(tail -3 "v2-$sig.log")"; }
  kill -"$sig" $pid
  rc=0
  wait $pid || rc=$?
  [ $rc = 130 ] || fail "SIG$sig: exit status $rc, expected 130: $(tail -3 "v2-$sig.log")"
  tail -1 "v2-$sig.log" | grep "interrupted by SIG$sig" >/dev/null || fail "SIG$sig: last line: $(tail -1 "v2-$sig.log")"
  snapshot > after
  diff before after >/dev/null || fail "SIG$sig changed the out dir: $(diff before after | head -5)"
  [ -z "$(ls -A "tmp-$sig")" ] || fail "SIG$sig left temp files: $(ls -A "tmp-$sig")"
  pgrep -f "sleep 300" >/dev/null && fail "SIG$sig left the sandbox running: $(pgrep -af 'sleep 300')"
done
echo "ok: SIGINT and SIGTERM stop melange build cleanly, the out dir untouched"
