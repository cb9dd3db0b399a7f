#!/usr/bin/env bash
# Shared setup of the melange build e2e tests, sourced after lib.sh (named .bash so that the
# tests/CMakeLists.txt glob of e2e/*.sh does not run it as a test):
#   boot_repo            the bootstrap repository of build tools from the host's Debian packages
#   make_stubs DIR KEY B empty packages for the names the built-in pipelines `need` that the
#                        bootstrap repository lacks (wget, binutils, autoconf, ...), each
#                        depending on the bootstrap package that really provides the tool
#   hello_tarball        GNU hello 2.10's tarball (scripts/hello-source.sh, cached)
#   free_port            an unused TCP port on 127.0.0.1
#   data_listing APK     "mode path sha1" of every data entry (python tarfile, independent)
#   env_yaml BOOT PKG... an `environment:` block installing PKG... from the bootstrap repository
#   hello_yaml URI BOOT  the GNU hello melange.yaml (fetch + autoconf + strip, a test) on stdout
MA_SRC=${MA_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ARCH=$(uname -m)
HELLO_SHA=31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b  # GNU hello 2.10 (Debian orig tarball)

need_bwrap() {
  command -v bwrap >/dev/null || skip "bwrap is not installed"
  bwrap --ro-bind / / --unshare-user --uid 0 true 2>/dev/null || bwrap --ro-bind / / true 2>/dev/null ||
    skip "bwrap cannot create a sandbox here"
}

boot_repo() {
  [ "$ARCH" = x86_64 ] || skip "the bootstrap repository is made for x86_64 hosts only"
  if [ -n "${MA_BOOTSTRAP_REPO:-}" ]; then echo "$MA_BOOTSTRAP_REPO"; return; fi  # a prepared one
  local out
  out=$(MA_BINARY_DIR=${MA_BINARY_DIR:-} MELANGE=$MELANGE MA_MKAPK=${MA_MKAPK:-} \
        bash "$MA_SRC/tests/bootstrap/make-bootstrap-repo.sh" 2>"$WORK/boot.log") ||
    skip "cannot make the bootstrap repository: $(tail -1 "$WORK/boot.log")"
  echo "$out"
}

make_stubs() {  # make_stubs DIR KEY BOOT: sets STUB_ARGS (-r DIR -k KEY.pub) when stubs were needed
  local dir=$1 key=$2 boot=$3 n dep
  STUB_ARGS=()
  mkdir -p "$dir/$ARCH" "$WORK/empty"
  tar -xzOf "$boot/$ARCH/APKINDEX.tar.gz" APKINDEX 2>/dev/null | sed -n 's/^P://p' > "$WORK/boot.names"
  for n in wget binutils autoconf automake libtool; do
    grep -qx "$n" "$WORK/boot.names" && continue
    case $n in wget) dep=busybox ;; *) dep=build-base ;; esac
    "$MA_MKAPK" --name "$n" --version 0-r0 --arch "$ARCH" --depend "$dep" \
      --description "stand-in: $dep provides $n here" --signing-key "$key" --out "$dir/$ARCH/$n-0-r0.apk" "$WORK/empty"
  done
  ls "$dir/$ARCH"/*.apk >/dev/null 2>&1 || return 0
  "$MELANGE" --log-level warn index -o "$dir/$ARCH/APKINDEX.tar.gz" --signing-key "$key" "$dir/$ARCH"/*.apk
  STUB_ARGS=(-r "$dir" -k "$key.pub")
}

hello_tarball() {
  local t
  t=$(bash "$MA_SRC/scripts/hello-source.sh" 2>"$WORK/hello-src.log") ||
    skip "cannot get GNU hello 2.10's source: $(tail -1 "$WORK/hello-src.log")"
  echo "$t"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

data_listing() {
  python3 - "$1" <<'PY'
import hashlib, io, sys, zlib
d = open(sys.argv[1], 'rb').read(); p = 0; members = []
while p < len(d):
    o = zlib.decompressobj(31); out = o.decompress(d[p:]); n = len(d) - len(o.unused_data)
    members.append(out); p = n
import tarfile
t = tarfile.open(fileobj=io.BytesIO(members[-1]))
for m in t.getmembers():
    h = hashlib.sha1(t.extractfile(m).read()).hexdigest() if m.isfile() else (m.linkname if (m.issym() or m.islnk()) else '-')
    print('%o %s %s:%s %s' % (m.mode, m.name, m.uid, m.gid, h))
PY
}

# pkginfo APK: the .PKGINFO text.
pkginfo() { tar -xzOf "$1" .PKGINFO 2>/dev/null; }

# env_yaml BOOT PKG...: melange's `environment:` with the bootstrap repository, its key and PKG...
# broken_yaml BOOT: a recipe whose step writes sub/half-done and then fails, with MARK in its
# environment (the --interactive tests type commands into the shell it opens).
broken_yaml() {
  cat <<EOF
package:
  name: broken
  version: 1.0.0
  epoch: 0
$(env_yaml "$1" busybox wolfi-baselayout)
  environment:
    MARK: from-the-build-env
pipeline:
  - working-directory: sub
    runs: |
      echo half > half-done
      false
EOF
}

env_yaml() {
  local boot=$1 p
  shift
  local key=$boot/bootstrap.rsa.pub
  [ -f "$key" ] || key=$(ls "$boot"/bootstrap-*.rsa.pub)  # a foreign flavour (make-bootstrap-repo.sh)
  printf 'environment:\n  contents:\n    repositories:\n      - %s\n    keyring:\n      - %s\n    packages:\n' \
    "$boot" "$key"
  for p in "$@"; do printf '      - %s\n' "$p"; done
}

# hello_yaml URI BOOT: GNU hello 2.10 from URI (its sha256 checked) with the bootstrap tools.
hello_yaml() {
  cat <<EOF
package:
  name: hello
  version: "2.10"
  epoch: 0
  description: GNU hello
  copyright:
    - license: GPL-3.0-or-later
$(env_yaml "$2" build-base busybox ca-certificates-bundle wolfi-baselayout)
pipeline:
  - uses: fetch
    with:
      uri: $1
      expected-sha256: $HELLO_SHA
  - uses: autoconf/configure
  - uses: autoconf/make
  - uses: autoconf/make-install
  - uses: strip
test:
  environment:
    contents:
      packages:
        - busybox
  pipeline:
    - runs: |
        hello --version
        hello | grep -x "Hello, world!" >/dev/null
EOF
}

# podman_service DIR URI: a private podman Docker-API service (storage, pid and service.log under
# DIR) listening on URI (unix://PATH or tcp://HOST:PORT); fails unless it answers _ping within 10 s.
podman_service() {
  local dir=$1 uri=$2
  mkdir -p "$dir"
  podman --log-level=info --root "$dir/storage" --runroot "$dir/run" system service --time=0 "$uri" \
    >"$dir/service.log" 2>&1 &
  echo $! > "$dir/pid"
  for _ in $(seq 100); do podman_ping "$uri" && return 0; sleep 0.1; done
  fail "podman API service $uri did not start: $(tail -2 "$dir/service.log")"
}
podman_ping() {
  case $1 in
    unix://*) curl -fsS --unix-socket "${1#unix://}" http://d/_ping ;;
    tcp://*) curl -fsS "http://${1#tcp://}/_ping" ;;
  esac >/dev/null 2>&1
}
# podman_services_stop DIR...: stops those services, the conmon processes of their exec sessions
# (they name the private storage) and their mounts. For EXIT traps: never fails.
podman_services_stop() {
  local dir pid
  for dir in "$@"; do
    [ -f "$dir/pid" ] || continue
    kill "$(cat "$dir/pid")" 2>/dev/null || true
    wait "$(cat "$dir/pid")" 2>/dev/null || true
    for pid in $(pgrep -f "$dir/storage" 2>/dev/null || true); do kill -9 "$pid" 2>/dev/null || true; done
    awk -v p="$dir/" 'index($2, p) == 1 {print $2}' /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  done
}
