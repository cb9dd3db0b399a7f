#!/usr/bin/env bash
# The main job: the hello example end to end, offline.
#   1. melange keygen
#   2. melange build examples/hello/melange.yaml (GNU hello 2.10, checksum-verified, configure,
#      make, make install, strip, a test step) in bubblewrap
#   3. apko build examples/hello/apko.yaml hello:latest hello.tar (hello@local from ./packages)
#   4. load and run the image (docker when its engine answers, else podman), then show its size, that /bin/sh is not in it, and the packages its SBOM lists.
# The YAML files are written against Wolfi. With no Wolfi mirror here, a documented mechanism
# of both tools stands in: APK_MIRRORS maps https://packages.wolfi.dev/os (and its key) to a
# local repository made from the host's Debian packages, and the GNU tarball is put into
# melange's source cache (--cache-dir, keyed by its sha256), which the fetch pipeline reads
# before any download. Outputs land in the repository root: melange.rsa{,.pub}, packages/,
# melange-cache/, hello.tar, sboms/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
step() { printf '\n==> %s\n' "$*"; }
step "Building melange and apko (Release; the first time takes a few minutes on 2 cores)"
start=$SECONDS
scripts/build.sh demo >&2  # ninja shows one live line on a terminal, a line per step in CI
echo "built in $((SECONDS - start)) s"
export PATH="$root/build/apps/melange:$root/build/apps/apko:$PATH"
arch=$(uname -m)

step "Preparing the offline stand-ins for Wolfi and ftp.gnu.org"
boot=$(MA_BINARY_DIR="$root/build" tests/bootstrap/make-bootstrap-repo.sh)
export APK_MIRRORS="https://packages.wolfi.dev/os=$boot;https://packages.wolfi.dev/os/wolfi-signing.rsa.pub=$boot/bootstrap.rsa.pub"
echo "APK_MIRRORS=$APK_MIRRORS"
tarball=$(scripts/hello-source.sh)
mkdir -p melange-cache
cp "$tarball" melange-cache/sha256:31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b

step "melange keygen"
if [ -f melange.rsa ] && [ -f melange.rsa.pub ]; then
  echo "keeping the existing melange.rsa (a new key would change the image: its public key is in /etc/apk/keys)"
else
  melange keygen
fi

step "melange build examples/hello/melange.yaml --arch $arch --signing-key melange.rsa --runner bubblewrap"
melange build examples/hello/melange.yaml --arch "$arch" --signing-key melange.rsa --runner bubblewrap

step "apko build examples/hello/apko.yaml hello:latest hello.tar --keyring-append melange.rsa.pub"
apko build examples/hello/apko.yaml hello:latest hello.tar --keyring-append melange.rsa.pub --sbom-path sboms

step "Running the image"
source scripts/container-limits.sh  # container_run: explicit rlimits, so no containers.conf is needed
engine=podman
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then engine=docker; fi
layer=$(python3 -c '
import json, sys, tarfile
t = tarfile.open("hello.tar")
m = json.load(t.extractfile("manifest.json"))
print(m[0]["Layers"][0])')
$engine load -i hello.tar >/dev/null
out=$(container_run $engine --rm hello:latest)
echo "$out"
size=$($engine image inspect hello:latest --format '{{.Size}}')
if container_run $engine --rm --entrypoint /bin/sh hello:latest -c true >/dev/null 2>&1; then
  echo "unexpected: /bin/sh runs in the image" >&2; exit 1
fi
echo "image size: $size bytes ($engine)"
[ "$out" = "Hello, world!" ] || { echo "unexpected output: $out" >&2; exit 1; }
if tar -xOf hello.tar "$layer" | tar -tz | grep -Eqx '(usr/)?bin/sh'; then
  echo "unexpected: the image contains /bin/sh" >&2; exit 1
fi
echo "/bin/sh: not in the image"
echo "packages in sboms/sbom-$arch.spdx.json:"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["packages"]:
    for r in p.get("externalRefs", []):
        if r.get("referenceType") == "purl" and r["referenceLocator"].startswith("pkg:apk/"):
            print("  " + p["name"] + " " + p.get("versionInfo", ""))
' "sboms/sbom-$arch.spdx.json"
digest=$(python3 -c '
import json, tarfile
print(json.load(tarfile.open("hello.tar").extractfile("index.json"))["manifests"][0]["digest"])')
echo "image digest: $digest"
