#!/usr/bin/env bash
# GNU hello built through `--runner docker` against a private podman Docker-API service: its data
# tar lists the same files with the same modes, owners and content hashes as the bubblewrap build.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
source "$HERE/melange_common.bash"
need_bwrap
command -v podman >/dev/null || skip "podman is not installed"
BOOT=$(boot_repo)
TARBALL=$(hello_tarball)
SHA=$HELLO_SHA
"$MELANGE" --log-level warn keygen --key-size 2048 test.rsa
make_stubs stubs test.rsa "$BOOT"
mkdir cache && cp "$TARBALL" "cache/sha256:$SHA"

P=$WORK/podman
mkdir -p "$P"
podman --root "$P/storage" --runroot "$P/run" system service --time=0 "unix://$P/api.sock" >"$P/service.log" 2>&1 &
SVC=$!
cleanup() {
  kill $SVC 2>/dev/null || true; wait $SVC 2>/dev/null || true
  # podman keeps conmon processes of exec sessions; ours name our private storage.
  for pid in $(pgrep -f "$P/storage" 2>/dev/null || true); do kill -9 "$pid" 2>/dev/null || true; done
  awk -v p="$P/" 'index($2, p) == 1 {print $2}' /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$WORK" || true
}
trap cleanup EXIT
for _ in $(seq 100); do curl -fsS --unix-socket "$P/api.sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS --unix-socket "$P/api.sock" http://d/_ping >/dev/null 2>&1 || fail "podman API service did not start: $(tail -2 "$P/service.log")"
export DOCKER_HOST=unix://$P/api.sock

mkdir src
hello_yaml "http://127.0.0.1:9/hello-\${{package.version}}.tar.gz" "$BOOT" > src/hello.yaml
start=$(date +%s)
"$MELANGE" build src/hello.yaml --runner docker --signing-key test.rsa "${STUB_ARGS[@]}" --cache-dir cache \
  --out-dir out-docker >docker.log 2>&1 || fail "docker-runner build failed: $(tail -5 docker.log)"
echo "docker build: $(( $(date +%s) - start )) s"
grep -q "with the docker runner" docker.log || fail "docker runner not used"
"$MELANGE" build src/hello.yaml --runner bubblewrap --signing-key test.rsa "${STUB_ARGS[@]}" --cache-dir cache \
  --out-dir out-bwrap >bwrap.log 2>&1 || fail "bubblewrap build failed: $(tail -5 bwrap.log)"
data_listing "out-docker/$ARCH/hello-2.10-r0.apk" > docker.list
data_listing "out-bwrap/$ARCH/hello-2.10-r0.apk" > bwrap.list
grep -q " usr/bin/hello " docker.list || fail "no usr/bin/hello in the docker build: $(cat docker.list)"
diff bwrap.list docker.list || fail "docker and bubblewrap builds differ"
echo "ok: the docker runner builds the same package contents"
