#!/usr/bin/env bash
# A runnable image from the bootstrap repository (host Debian packages as apks): busybox +
# glibc + baselayout, loaded with podman and run; owners, the installed database and the
# busybox applets checked inside the running container.
source "$(dirname "$0")/lib.sh"
command -v podman >/dev/null || skip "podman not installed"
[ "$(uname -m)" = x86_64 ] || skip "the bootstrap repository is x86_64 only"
runnable_repo || fail "bootstrap repository unavailable"
TAG=localhost/apko-e2e-hello-$$:test
cleanup() { podman rmi -f "$TAG" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

cat > hello.yaml <<YAML
contents:
  repositories: [$WORK/sub]
  keyring: [$WORK/bootstrap.rsa.pub]
  packages: [wolfi-baselayout, busybox, ca-certificates-bundle]
entrypoint:
  command: /bin/sh -c "echo hello from apko"
accounts:
  users:
    - username: app
      uid: 1000
  groups:
    - groupname: app
      gid: 1000
paths:
  - path: /data
    type: directory
    uid: 1000
    gid: 1000
    permissions: 0o2770
YAML
export SOURCE_DATE_EPOCH=1700000000
# --sbom-path to a directory that does not exist yet: created as mkdir -p.
"$APKO" build --arch x86_64 hello.yaml "$TAG" hello.tar --sbom-path sboms/new/dir 2>build.log || fail "build: $(cat build.log)"
podman load -q -i hello.tar > load.log 2>&1 || fail "podman load: $(cat load.log)"
out=$(container_run podman --rm "$TAG" 2>&1) || fail "podman run: $out"
[ "$out" = "hello from apko" ] || fail "unexpected output: $out"

# Inside: the applets work, the installed db lists every package (glibc comes as a dependency), paths: owners and setgid kept.
inside=$(container_run podman --rm --entrypoint /bin/sh "$TAG" -c \
  'ls /; grep -c "^P:" /usr/lib/apk/db/installed; stat -c "%u:%g %a" /data; id app; cat /etc/apk/world; stat -c "apko.json %a %u" /etc/apko.json' 2>&1) ||
  fail "podman run (inspect): $inside"
grep -q "^4$" <<<"$inside" || fail "installed db package count: $inside"
grep -q "^1000:1000 2770$" <<<"$inside" || fail "/data owner/mode: $inside"
grep -q "uid=1000(app)" <<<"$inside" || fail "user app: $inside"
grep -qx "busybox" <<<"$inside" || fail "world: $inside"
grep -qx "apko.json 444 0" <<<"$inside" || fail "/etc/apko.json mode: $inside"
# /etc/apko.json: the locked config of this arch (python's json reads it; packages pinned).
tar -xOf hello.tar "$(tar -xOf hello.tar manifest.json | python3 -c 'import json,sys;print(json.load(sys.stdin)[0]["Layers"][0])')" |
  tar -xzO etc/apko.json > apko.json || fail "no etc/apko.json in the layer"
python3 - apko.json <<'PY' || fail "etc/apko.json: $(cat apko.json)"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["archs"] == ["amd64"], j["archs"]
names = [p.split("=")[0] for p in j["contents"]["packages"]]
assert names == sorted(names) and set(names) == {"wolfi-baselayout", "glibc", "busybox", "ca-certificates-bundle"}, names
assert all("=" in p for p in j["contents"]["packages"])
assert j["accounts"]["users"][0]["username"] == "app"
PY
# The SBOM lists every installed package.
for p in wolfi-baselayout glibc busybox ca-certificates-bundle; do
  grep -q "\"name\": \"$p\"" sboms/new/dir/sbom-x86_64.spdx.json || fail "SBOM lacks $p"
done
echo OK
