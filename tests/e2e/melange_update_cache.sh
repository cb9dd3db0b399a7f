#!/usr/bin/env bash
# melange update-cache: the sources a recipe's fetch steps name are downloaded from an HTTP
# server on 127.0.0.1 (started and stopped here) into --cache-dir as sha256:<hash> and
# sha512:<hash>, the names the fetch pipeline looks up; a second run needs no server; a
# checksum mismatch, a missing file and a bad config are one-line errors.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"

mkdir -p srv/payload/foo-1.2
echo "hello from foo" > srv/payload/foo-1.2/README
tar -C srv/payload -czf srv/foo-1.2.tar.gz foo-1.2
S256=$(sha256sum srv/foo-1.2.tar.gz | cut -d' ' -f1)
S512=$(sha512sum srv/foo-1.2.tar.gz | cut -d' ' -f1)
PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory srv "$PORT" >http.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK" || true' EXIT
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break; sleep 0.1; done

recipe() {  # recipe WITH-LINES...
  cat <<EOF2
package:
  name: foo
  version: "1.2"
  epoch: 0
vars:
  base: http://127.0.0.1:$PORT
pipeline:
  - uses: fetch
    with:
      uri: \${{vars.base}}/foo-\${{package.version}}.tar.gz
$(for l in "$@"; do printf '      %s\n' "$l"; done)
  - runs: echo built
subpackages:
  - name: foo-doc
    pipeline:
      - runs: "true"
EOF2
}
recipe "expected-sha256: $S256" "expected-sha512: $S512" > foo.yaml

"$MELANGE" update-cache foo.yaml --cache-dir cache >uc.log 2>&1 || fail "update-cache failed: $(tail -3 uc.log)"
cmp -s cache/"sha256:$S256" srv/foo-1.2.tar.gz || fail "no cache/sha256:$S256 with the tarball: $(ls cache)"
cmp -s cache/"sha512:$S512" srv/foo-1.2.tar.gz || fail "no cache/sha512:$S512 with the tarball: $(ls cache)"
grep -q "GET /foo-1.2.tar.gz" http.log || fail "the server saw no download: $(cat http.log)"
[ "$(ls cache | wc -l)" = 2 ] || fail "unexpected cache entries: $(ls cache)"

# Filled: the server is not needed again.
kill $SERVER; wait $SERVER 2>/dev/null || true
"$MELANGE" update-cache foo.yaml --cache-dir cache >uc2.log 2>&1 || fail "second update-cache failed: $(tail -3 uc2.log)"
grep -q "already cached" uc2.log || fail "second run did not use the cache: $(cat uc2.log)"

# The server again, for the errors.
python3 -m http.server --bind 127.0.0.1 --directory srv "$PORT" >http.log 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break; sleep 0.1; done
WRONG=$(printf '%064d' 0)
recipe "expected-sha256: $WRONG" > bad.yaml
expect_fail "bad.yaml:8: fetch http://127.0.0.1:$PORT/foo-1.2.tar.gz: sha256 mismatch: downloaded $S256, expected-sha256 is $WRONG" \
  "$MELANGE" update-cache bad.yaml --cache-dir cache2
[ ! -e "cache2/sha256:$WRONG" ] || fail "a mismatching download was cached"
sed "s|foo-\${{package.version}}|nope-\${{package.version}}|" foo.yaml > missing.yaml
expect_fail "missing.yaml:8: fetch http://127.0.0.1:$PORT/nope-1.2.tar.gz:" "$MELANGE" update-cache missing.yaml --cache-dir cache2
expect_fail "absent.yaml" "$MELANGE" update-cache absent.yaml --cache-dir cache2
printf 'package:\n  name: foo\n  version: "1"\n  frobnicate: 1\n' > broken.yaml
expect_fail 'broken.yaml:4: unknown key "frobnicate"' "$MELANGE" update-cache broken.yaml --cache-dir cache2
kill $SERVER; wait $SERVER 2>/dev/null || true
echo "ok: update-cache fills sha256:/sha512: entries from 127.0.0.1 and reports bad input in one line"
