#!/usr/bin/env bash
# SIGINT at many moments of `apko build` against a repository served slowly over HTTP on
# 127.0.0.1 (0.25 s per request, so a build takes seconds and the signal lands mid-fetch or
# mid-write): each run either completes (status 0) or stops with status 130; an earlier image
# tarball at the output path is then byte-identical to before, no partial tarball or temp file
# is left beside it, the temp dir and a fresh cache dir hold no partial download.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$DATA/apko-cli-testdata/packages" "$PORT" >http.log 2>&1 <<'PY' &
import functools, http.server, sys, time
class Slow(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        time.sleep(0.25)
        super().do_GET()
handler = functools.partial(Slow, directory=sys.argv[1])
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[2])), handler).serve_forever()
PY
HTTP_PID=$!
trap '{ kill $HTTP_PID; wait $HTTP_PID; } 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/x86_64/APKINDEX.tar.gz" 2>/dev/null && break; sleep 0.1; done
cat > apko.yaml <<EOY
contents:
  keyring: [$DATA/apko-cli-testdata/melange.rsa.pub]
  repositories: [http://127.0.0.1:$PORT]
  packages: [replayout]
archs: [x86_64, aarch64]
EOY
"$APKO" build --cache-dir cache-first apko.yaml example.com/x:1 out.tar >first.log 2>&1 || fail "first build: $(tail -3 first.log)"
sha=$(sha256sum out.tar)
# Another tag, so that a completed run changes out.tar. A kill before the handlers are installed
# also gives 130 (death by SIGINT): the files must be right either way, and runs must have gone
# through the orderly path.
stopped=0 completed=0 handled=0
for delay in 0.1 0.3 0.6 0.9 1.2 1.6 2.2 4; do
  mkdir -p "tmp-$delay"
  cp out.tar out.before
  TMPDIR=$WORK/tmp-$delay "$APKO" build --cache-dir "cache-$delay" apko.yaml example.com/x:2 out.tar >"run-$delay.log" 2>&1 &
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
  if [ -d "cache-$delay" ]; then
    find "cache-$delay" -name '*.tmp*' | grep . >/dev/null && fail "delay $delay: partial download in the cache"
  fi
done
[ "$(sha256sum out.tar)" = "$sha" ] || fail "out.tar is not the first build's"
[ $handled -ge 2 ] || fail "only $handled runs reported 'interrupted by SIGINT' ($stopped stopped, $completed completed)"
echo "ok: apko build interrupted $stopped times cleanly ($handled mid-work, $completed runs completed first)"
