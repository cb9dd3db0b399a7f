#!/usr/bin/env bash
# GNU hello 2.10 built by `melange build` in bubblewrap from its tarball served over HTTP on
# 127.0.0.1 (fetch + autoconf/configure + autoconf/make + autoconf/make-install + strip, a test
# step), checked with tar/openssl/python; then rebuilt offline from a pre-seeded --cache-dir
# with no server (same bytes); then an image of it built by apko runs in podman; last, built
# through `--runner docker` against a private podman Docker-API service: its data tar lists the
# same files with the same modes, owners and content hashes as the bubblewrap build.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
BOOT=$(boot_repo)
TARBALL=$(hello_tarball)
SHA=$HELLO_SHA

"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
make_stubs stubs test.rsa "$BOOT"
mkdir srv && cp "$TARBALL" srv/hello-2.10.tar.gz
PORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory srv "$PORT" >http.log 2>&1 &
SERVER=$!
P=$WORK/podman
cleanup() {
  kill $SERVER 2>/dev/null || true
  podman_services_stop "$P"
  rm -rf "$WORK" || true
}
trap cleanup EXIT
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break; sleep 0.1; done

mkdir src
hello_yaml "http://127.0.0.1:$PORT/hello-\${{package.version}}.tar.gz" "$BOOT" > src/hello.yaml

start=$(date +%s)
"$MELANGE" build src/hello.yaml --runner bubblewrap --signing-key test.rsa --network "${STUB_ARGS[@]}" \
  --cache-dir "$WORK/no-cache" --out-dir out >build.log 2>&1 || fail "build failed: $(tail -5 build.log)"
echo "bubblewrap build: $(( $(date +%s) - start )) s"
grep -q "fetch: downloading http://127.0.0.1:$PORT/" build.log || fail "the source was not downloaded: $(grep fetch: build.log)"
grep -q "hello test: passed" build.log || fail "test did not run: $(tail -3 build.log)"
APK=out/$ARCH/hello-2.10-r0.apk
[ -f "$APK" ] || fail "no $APK"
pkginfo "$APK" > PKGINFO
grep -qx "depend = so:libc.so.6" PKGINFO || fail "no so:libc.so.6 dependency: $(cat PKGINFO)"
grep -qx "provides = cmd:hello=2.10-r0" PKGINFO || fail "no cmd:hello provide: $(cat PKGINFO)"
grep -q "^builddate" PKGINFO && fail "builddate set although SOURCE_DATE_EPOCH/--build-date are unset"
tar -tzf "$APK" 2>/dev/null > list
grep -qx "usr/bin/hello" list || fail "usr/bin/hello not packaged"
grep -qx "var/lib/db/sbom/hello-2.10-r0.spdx.json" list || fail "no SBOM inside the package"
tar -xzOf "$APK" var/lib/db/sbom/hello-2.10-r0.spdx.json 2>/dev/null |
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["spdxVersion"]=="SPDX-2.3", d; assert any(p["name"]=="hello" for p in d["packages"])' ||
  fail "SBOM is not SPDX 2.3 naming hello"
grep -qx "usr/share/info/dir" list && fail "usr/share/info/dir shipped"
mkdir sp && ( cd sp && split_members "../$APK" && tar -xzf m0 2>/dev/null &&
  openssl dgst -sha256 -verify ../test.rsa.pub -signature .SIGN.RSA256.test.rsa.pub m1 >/dev/null ) ||
  fail "package signature does not verify with test.rsa.pub"
tar -xzOf "out/$ARCH/APKINDEX.tar.gz" APKINDEX 2>/dev/null > APKINDEX
grep -qx "P:hello" APKINDEX && grep -qx "V:2.10-r0" APKINDEX || fail "index does not list hello: $(cat APKINDEX)"
( cd sp && rm -f m* && split_members "../out/$ARCH/APKINDEX.tar.gz" && tar -xzf m0 2>/dev/null &&
  openssl dgst -sha256 -verify ../test.rsa.pub -signature .SIGN.RSA256.test.rsa.pub m1 >/dev/null ) ||
  fail "index signature does not verify"
data_listing "$APK" > listing.bwrap

# Offline: no server, no --network, the tarball pre-seeded in the cache as sha256:<hash>.
kill $SERVER; wait $SERVER 2>/dev/null || true
mkdir cache && cp "$TARBALL" "cache/sha256:$SHA"
"$MELANGE" build src/hello.yaml --runner bubblewrap --signing-key test.rsa "${STUB_ARGS[@]}" \
  --cache-dir cache --out-dir out2 >build2.log 2>&1 || fail "offline build failed: $(tail -5 build2.log)"
grep -q "fetch: using cached copy" build2.log || fail "cache not used: $(grep fetch: build2.log)"
cmp -s "$APK" "out2/$ARCH/hello-2.10-r0.apk" || fail "same inputs gave different package bytes"

# apko: an image of hello from the out dir + the bootstrap repository; podman runs it.
command -v podman >/dev/null || skip "podman not installed: image not run (package checks passed)"
cat > image.yaml <<EOF
contents:
  repositories:
    - $WORK/out
    - $BOOT
  keyring:
    - $WORK/test.rsa.pub
    - $BOOT/bootstrap.rsa.pub
  packages:
    - hello
entrypoint:
  command: /usr/bin/hello
archs:
  - $ARCH
EOF
"$APKO" build image.yaml hello-e2e:latest hello.tar >apko.log 2>&1 || fail "apko build failed: $(tail -3 apko.log)"
TAG=localhost/melange-e2e-hello:$$
podman load -i hello.tar >podman.log 2>&1 || fail "podman load: $(tail -1 podman.log)"
podman tag hello-e2e:latest "$TAG" >/dev/null 2>>podman.log && podman rmi hello-e2e:latest >/dev/null 2>&1 || true
out=$(container_run podman --rm "$TAG" 2>>podman.log) || { podman rmi -f "$TAG" >/dev/null 2>&1; fail "podman run failed: $(tail -2 podman.log)"; }
podman rmi -f "$TAG" >/dev/null 2>&1 || true
[ "$out" = "Hello, world!" ] || fail "container printed: $out"
echo "ok: hello built, tested, signed, indexed, reproducible offline, and runs in podman"

# The docker runner, against a private podman Docker-API service.
podman_service "$P" "unix://$P/api.sock"
start=$(date +%s)
DOCKER_HOST=unix://$P/api.sock "$MELANGE" build src/hello.yaml --runner docker --signing-key test.rsa "${STUB_ARGS[@]}" \
  --cache-dir cache --out-dir out-docker >docker.log 2>&1 || fail "docker-runner build failed: $(tail -5 docker.log)"
echo "docker build: $(( $(date +%s) - start )) s"
grep -q "with the docker runner" docker.log || fail "docker runner not used"
data_listing "out-docker/$ARCH/hello-2.10-r0.apk" > listing.docker
grep -q " usr/bin/hello " listing.docker || fail "no usr/bin/hello in the docker build: $(cat listing.docker)"
diff listing.bwrap listing.docker || fail "docker and bubblewrap builds differ"
echo "ok: the docker runner builds the same package contents"
