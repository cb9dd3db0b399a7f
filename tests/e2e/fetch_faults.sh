#!/usr/bin/env bash
# Network faults and credentials: apko build against a repository behind tests/tools/fault_server.py
# on 127.0.0.1 (401, basic auth from the URL and from HTTP_AUTH, 503 then success, 500 forever,
# 404, a redirect loop, a truncated body, the wrong package bytes, a slow body) and apko publish
# to a registry that wants a Bearer token. Each failure is one line naming the redacted URL and
# the cause, retries are bounded (counted on the server) and logged, a failed download leaves no
# package in the cache, and no credential (password, basic header, token) appears in any output,
# at trace level, or in the image.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1700000000 DOCKER_CONFIG=$WORK/docker
export FAULT_PASSWORD="pw-$RANDOM$RANDOM-secret" FAULT_TOKEN="tok-$RANDOM$RANDOM-secret"
BASIC64=$(printf 'alice:%s' "$FAULT_PASSWORD" | base64)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$MA_SOURCE_DIR/tests/tools/fault_server.py" "$PORT" "$DATA/apko-cli-testdata/packages" "$WORK/requests" \
  >server.log 2>&1 &
SERVER=$!
trap '{ kill $SERVER; wait $SERVER; } 2>/dev/null || true; rm -rf "$WORK"' EXIT
URL=http://127.0.0.1:$PORT
for _ in $(seq 50); do curl -fsS -o /dev/null "$URL/ok/x86_64/APKINDEX.tar.gz" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$URL/ok/x86_64/APKINDEX.tar.gz" || fail "fault server did not start: $(cat server.log)"

config() {  # config NAME REPOSITORY_URL
  printf 'contents:\n  keyring: [%s]\n  repositories: [%s]\n  packages: [replayout]\narchs: [x86_64]\n' \
    "$DATA/apko-cli-testdata/melange.rsa.pub" "$2" > "$1.yaml"
}
requests() { grep -c "^GET /$1" "$WORK/requests" || true; }  # requests PATH-PREFIX
# build NAME URL [env...]: apko build at trace level, all output in NAME.log; returns apko's status.
build() {
  local name=$1 url=$2; shift 2
  config "$name" "$url"
  env "$@" "$APKO" --log-level trace build --cache-dir "cache-$name" "$name.yaml" example.com/f:1 "$name.tar" \
    >"$name.log" 2>&1
}
# refused NAME URL WANT: the build fails, its error is one line containing WANT, no tarball.
refused() {
  local name=$1 url=$2 want=$3 err
  ! build "$name" "$url" || fail "$name: the build succeeded"
  err=$(grep '^apko: error:' "$name.log") || fail "$name: no error line: $(tail -3 "$name.log")"
  [ "$(wc -l <<<"$err")" = 1 ] || fail "$name: more than one error line: $err"
  grep -F -- "$want" <<<"$err" >/dev/null || fail "$name: error lacks '$want': $err"
  [ ! -e "$name.tar" ] || fail "$name: a refused build left $name.tar"
}
no_cached_packages() {  # the cache holds complete files only: no .apk, no temp file
  [ -z "$(find "cache-$1" -name '*.apk' -o -name '*.tmp*' -o -name '.*' -type f 2>/dev/null)" ] ||
    fail "$1: the cache keeps a package or a partial file: $(find "cache-$1" -type f)"
}

# The baseline: served as is.
build ok "$URL/ok" || fail "ok: $(tail -3 ok.log)"

# Basic auth: refused without credentials (not retried), accepted from the URL and from HTTP_AUTH.
refused noauth "$URL/auth" "$URL/auth/x86_64/APKINDEX.tar.gz: HTTP 401"
[ "$(requests auth/x86_64/APKINDEX)" = 1 ] || fail "a 401 was retried: $(requests auth/x86_64/APKINDEX) requests"
build userinfo "http://alice:$FAULT_PASSWORD@127.0.0.1:$PORT/auth" || fail "userinfo: $(tail -3 userinfo.log)"
build httpauth "$URL/auth" "HTTP_AUTH=basic:127.0.0.1:alice:$FAULT_PASSWORD" || fail "HTTP_AUTH: $(tail -3 httpauth.log)"
# The repository URL the image records keeps no password (the original apko writes it there:
# apko#1169): the URL's credentials change nothing in the image.
cmp userinfo.tar httpauth.tar || fail "credentials in the repository URL changed the image"
mkdir img && tar -xf userinfo.tar -C img
for blob in img/blobs/sha256/*; do
  if tar -tzf "$blob" >/dev/null 2>&1; then tar -xzf "$blob" -C img etc/apk/repositories 2>/dev/null || true; fi
done
[ -f img/etc/apk/repositories ] || fail "the image has no /etc/apk/repositories"
! grep -F "$FAULT_PASSWORD" img/etc/apk/repositories >/dev/null || fail "the image records the password: $(cat img/etc/apk/repositories)"

# 503 twice, then the file: retried and logged.
build flaky "$URL/flaky" || fail "flaky: $(tail -3 flaky.log)"
[ "$(requests flaky/x86_64/APKINDEX)" = 3 ] || fail "flaky index: $(requests flaky/x86_64/APKINDEX) requests, want 3"
grep -F "HTTP 503; retrying" flaky.log >/dev/null || fail "retries are not logged: $(grep -i retr flaky.log)"
# 500 forever: 1 + 3 retries, then one line.
refused down "$URL/down" "$URL/down/x86_64/APKINDEX.tar.gz: HTTP 500"
[ "$(requests down/x86_64/APKINDEX)" = 4 ] || fail "500: $(requests down/x86_64/APKINDEX) requests, want 4 (1 + 3 retries)"
refused missing "$URL/missing" "$URL/missing/x86_64/APKINDEX.tar.gz: HTTP 404"
[ "$(requests missing/x86_64/APKINDEX)" = 1 ] || fail "404 was retried"
refused loop "$URL/loop" "$URL/loop/x86_64/APKINDEX.tar.gz"
n=$(requests loop/x86_64/APKINDEX)
[ "$n" -gt 1 ] && [ "$n" -le 200 ] || fail "redirect loop: $n requests"

# The package's body ends early / is another package: refused, nothing cached under its name.
refused truncated "$URL/truncated" "transfer closed with"
no_cached_packages truncated
refused wrong "$URL/wrong" "/wrong/x86_64/"
grep -Ei "checksum|digest|hash|signature" wrong.log >/dev/null || fail "wrong bytes: the error does not say why: $(grep error wrong.log)"
no_cached_packages wrong
# A slow body is waited for.
build slow "$URL/slow" || fail "slow: $(tail -3 slow.log)"

# Registry with a Bearer token: apko login stores the password, publish gets the token.
printf '%s\n' "$FAULT_PASSWORD" | "$APKO" login "127.0.0.1:$PORT" -u alice --password-stdin >login.log 2>&1 ||
  fail "login: $(cat login.log)"
"$APKO" --log-level trace publish ok.yaml "127.0.0.1:$PORT/faults/img:1" >pushed.out 2>publish.log ||
  fail "publish: $(tail -3 publish.log)"
grep "^GET /token" requests >/dev/null || fail "publish did not ask for a token"
grep "^PUT /v2/faults/img/manifests/1" requests >/dev/null || fail "publish did not push the tag"
curl -fsS -H "Authorization: Bearer $FAULT_TOKEN" "$URL/v2/faults/img/manifests/1" >pushed.json || fail "no manifest under the tag"
[ "$(sed -n 1p pushed.out)" = "127.0.0.1:$PORT/faults/img@sha256:$(sha256sum <pushed.json | cut -d' ' -f1)" ] ||
  fail "publish printed $(cat pushed.out), the registry holds another manifest under the tag"

# No secret anywhere in what the tools printed, at trace level.
for secret in "$FAULT_PASSWORD" "$FAULT_TOKEN" "$BASIC64"; do
  if hits=$(grep -lF -- "$secret" ./*.log pushed.out); then fail "a credential appears in: $hits"; fi
done
grep -c . ./*.log | awk -F: '{ n += $2 } END { if (n < 50) exit 1 }' || fail "trace logs are nearly empty: the scan proves nothing"
echo OK
