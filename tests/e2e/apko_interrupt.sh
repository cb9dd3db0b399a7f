#!/usr/bin/env bash
# SIGINT at many moments of `apko build`: each run either completes (status 0) or stops with
# status 130; an earlier image tarball at the output path is then byte-identical to before, no
# partial tarball or temp file is left beside it, and the temp dir holds nothing.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000
ln -s "$DATA/apko-cli-testdata" testdata
cp "$DATA/configs/apko/cli-repo.yaml" apko.yaml
"$APKO" build apko.yaml example.com/x:1 out.tar >first.log 2>&1 || fail "first build: $(tail -3 first.log)"
sha=$(sha256sum out.tar)
# Another tag, so that a completed run changes out.tar. A kill before the handlers are installed
# also gives 130 (death by SIGINT): the files must be right either way, and at least one run must
# have gone through the orderly path.
stopped=0 completed=0 handled=0
for delay in 0.02 0.05 0.1 0.15 0.2 0.3 0.4 0.6; do
  mkdir -p "tmp-$delay"
  cp out.tar out.before
  TMPDIR=$WORK/tmp-$delay "$APKO" build apko.yaml example.com/x:2 out.tar >"run-$delay.log" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -INT $pid 2>/dev/null || true
  rc=0
  wait $pid || rc=$?
  case $rc in
    0) completed=$((completed + 1)); tar -tf out.tar >/dev/null || fail "delay $delay: completed tarball unreadable"
       cp out.before out.tar ;;
    130) stopped=$((stopped + 1)); cmp out.tar out.before || fail "delay $delay: interrupted run changed out.tar"
         grep "interrupted by SIGINT" "run-$delay.log" >/dev/null && handled=$((handled + 1)) ;;
    *) fail "delay $delay: exit status $rc: $(tail -3 "run-$delay.log")" ;;
  esac
  [ -z "$(ls -A "tmp-$delay")" ] || fail "delay $delay: temp files left: $(ls -A "tmp-$delay")"
  ls -a | grep '^out\.tar\.tmp' >/dev/null && fail "delay $delay: a partial tarball was left"
done
[ "$(sha256sum out.tar)" = "$sha" ] || fail "out.tar is not the first build's"
[ $handled -gt 0 ] || fail "no run reported 'interrupted by SIGINT' ($stopped stopped, $completed completed)"
[ $stopped -gt 0 ] || fail "no run was interrupted (all $completed completed): the delays are too long"
echo "ok: apko build interrupted $stopped times cleanly ($completed runs completed first)"
