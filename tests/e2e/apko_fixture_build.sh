#!/usr/bin/env bash
# apko build from apko's own CLI test repository (tests/data/apko-cli-testdata) with our config
# tests/data/configs/apko/cli-repo.yaml: single- and multi-arch, docker tarball and OCI layout,
# checked with skopeo, umoci, python and the JSON schemas; reproducible across directories;
# lock / --lockfile against apko's golden lock; show-packages, dot, build-minirootfs.
source "$(dirname "$0")/lib.sh"
TD=$DATA/apko-cli-testdata
VALIDATE="python3 $MA_SOURCE_DIR/tests/tools/validate_json.py"
export SOURCE_DATE_EPOCH=1700000000

# The config refers to ./testdata/... relative to the working directory, as apko's tests do.
mkdir a b && ln -s "$TD" a/testdata && ln -s "$TD" b/testdata
cp "$DATA/configs/apko/cli-repo.yaml" a/apko.yaml && cp "$DATA/configs/apko/cli-repo.yaml" b/apko.yaml

# Multi-arch docker tarball, built twice in different directories.
( cd a && "$APKO" build apko.yaml example.com/golden:latest out.tar 2>log ) || fail "build a: $(cat a/log)"
( cd b && "$APKO" build apko.yaml example.com/golden:latest out.tar 2>log ) || fail "build b: $(cat b/log)"
cmp a/out.tar b/out.tar || fail "builds in two directories differ"
for f in sbom-x86_64.spdx.json sbom-aarch64.spdx.json sbom-index.spdx.json; do
  cmp "a/$f" "b/$f" || fail "$f differs between directories"
  $VALIDATE "$DATA/schemas/spdx-2.3.schema.json" "a/$f" >/dev/null || fail "$f: not valid SPDX"
done
for p in replayout pretend-baselayout; do grep -q "\"name\": \"$p\"" a/sbom-x86_64.spdx.json || fail "SBOM lacks $p"; done

mkdir x && tar -xf a/out.tar -C x
python3 - x <<'PY' || fail "multi-arch tarball structure"
import json, sys, os, hashlib
d = sys.argv[1]
idx = json.load(open(os.path.join(d, 'index.json')))
assert len(idx['manifests']) == 2, idx
archs = sorted(m['platform']['architecture'] for m in idx['manifests'])
assert archs == ['amd64', 'arm64'], archs
man = json.load(open(os.path.join(d, 'manifest.json')))
tags = sorted(t for e in man for t in e['RepoTags'])
assert tags == ['example.com/golden:latest-amd64', 'example.com/golden:latest-arm64'], tags
for root, _, files in os.walk(os.path.join(d, 'blobs/sha256')):
    for f in files:
        h = hashlib.sha256(open(os.path.join(root, f), 'rb').read()).hexdigest()
        assert h == f, (f, h)
PY
$VALIDATE "$OCI_SCHEMAS/image-index-schema.json" x/index.json >/dev/null || fail "index.json schema"
for m in $(python3 -c "import json;[print(m['digest'][7:]) for m in json.load(open('x/index.json'))['manifests']]"); do
  $VALIDATE "$OCI_SCHEMAS/image-manifest-schema.json" "x/blobs/sha256/$m" >/dev/null || fail "manifest schema"
  c=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['config']['digest'][7:])" "x/blobs/sha256/$m")
  $VALIDATE "$OCI_SCHEMAS/config-schema.json" "x/blobs/sha256/$c" >/dev/null || fail "config schema"
  grep -q '"Entrypoint":\["/bin/sh","-l"\]' "x/blobs/sha256/$c" || fail "entrypoint: $(cat x/blobs/sha256/$c)"
  grep -q '"created":"2023-11-14T22:13:20Z"' "x/blobs/sha256/$c" || fail "created is not SOURCE_DATE_EPOCH"
done

# Single arch: loads as the plain tag; skopeo reads it.
( cd a && "$APKO" build --arch amd64 apko.yaml golden:latest single.tar 2>/dev/null ) || fail "single-arch build"
skopeo inspect docker-archive:a/single.tar > insp.json || fail "skopeo inspect"
grep -q '"Architecture": "amd64"' insp.json || fail "skopeo: $(cat insp.json)"
tar -xOf a/single.tar manifest.json > single-manifest.json
grep -q '"RepoTags":\["golden:latest"\]' single-manifest.json || fail "single-arch tag: $(cat single-manifest.json)"

# OCI layout into an existing directory; umoci unpacks it.
mkdir a/layout
( cd a && "$APKO" build --arch x86_64 apko.yaml golden:latest layout 2>/dev/null ) || fail "layout build"
$VALIDATE "$OCI_SCHEMAS/image-layout-schema.json" a/layout/oci-layout >/dev/null || fail "oci-layout schema"
# apko's index.json carries no ref names (umoci needs one): skopeo copies the layout to a tagged one.
skopeo copy -q oci:a/layout oci:tagged:v1 2>sk.log || fail "skopeo copy of the layout: $(cat sk.log)"
umoci unpack --image tagged:v1 bundle >/dev/null 2>umoci.log || fail "umoci unpack: $(cat umoci.log)"
[ -f bundle/rootfs/usr/lib/apk/db/installed ] || fail "no installed db in the unpacked image"
grep -q '^P:replayout$' bundle/rootfs/usr/lib/apk/db/installed || fail "replayout not in installed db"
[ -e bundle/rootfs/lib/apk/db/installed ] || fail "lib/apk/db/installed unreachable"
grep -qx "testdata/packages" <(sed 's|^\./||' bundle/rootfs/etc/apk/repositories) || fail "etc/apk/repositories: $(cat bundle/rootfs/etc/apk/repositories)"
[ -f bundle/rootfs/etc/apk/keys/melange.rsa.pub ] || fail "key not in the image"

# Lock, then build from the lock; the lock matches apko's golden lock entry by entry. Only
# config.checksum differs: it is the sha256 of the config's bytes, and ours is not apko's file
# (it is checked against sha256 of our own apko.yaml instead).
( cd a && "$APKO" lock apko.yaml 2>/dev/null ) || fail "lock"
python3 - a/apko.lock.json "$TD/apko.lock.json" a/apko.yaml <<'PY' || fail "lock differs from apko's golden"
import base64, hashlib, json, sys
ours, gold = (json.load(open(p)) for p in sys.argv[1:3])
assert ours['version'] == gold['version'], (ours['version'], gold['version'])
assert ours['config']['name'] == gold['config']['name'], (ours['config'], gold['config'])
want = 'sha256-' + base64.b64encode(hashlib.sha256(open(sys.argv[3], 'rb').read()).digest()).decode()
assert ours['config']['checksum'] == want, (ours['config'], want)
for key in ('keyring', 'build_repositories', 'runtime_repositories', 'repositories'):
    assert ours['contents'][key] == gold['contents'][key], (key, ours['contents'][key], gold['contents'][key])
op, gp = ours['contents']['packages'], gold['contents']['packages']
assert len(op) == len(gp) == 4, (len(op), len(gp))
for o, g in zip(op, gp):
    assert o == g, (o, g)
assert set(ours) == set(gold) and set(ours['contents']) == set(gold['contents']), (list(ours), list(gold))
PY
( cd a && "$APKO" build --lockfile apko.lock.json apko.yaml example.com/golden:latest locked.tar 2>/dev/null ) || fail "build --lockfile"
cmp a/locked.tar a/out.tar || fail "locked build differs from the solved one"
sed 's/Q1m6wB0UFePGN8Drz82pC8y2uAiu8=/Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=/' a/apko.lock.json > a/bad.lock.json
( cd a && expect_fail "checksum" "$APKO" build --lockfile bad.lock.json apko.yaml golden:latest bad.tar )
[ ! -e a/bad.tar ] || fail "failed build left its output"
echo "# changed" >> a/apko.yaml
( cd a && expect_fail "config checksum" "$APKO" build --lockfile apko.lock.json apko.yaml golden:latest bad.tar )

# Other commands.
( cd b && "$APKO" show-packages apko.yaml --arch x86_64 ) > pk || fail "show-packages"
[ "$(cat pk)" = "$(printf 'pretend-baselayout-1.0.0-r0\nreplayout-1.0.0-r0')" ] || fail "show-packages: $(cat pk)"
( cd b && "$APKO" dot apko.yaml ) > g.dot || fail "dot"
grep -q '"world" -> "replayout-1.0.0-r0"' g.dot || fail "dot: $(cat g.dot)"
( cd b && "$APKO" show-config apko.yaml ) > sc.yaml || fail "show-config"
grep -q "replayout" sc.yaml || fail "show-config: $(cat sc.yaml)"
( cd b && "$APKO" build-minirootfs --build-arch x86_64 apko.yaml rootfs.tar.gz 2>/dev/null ) || fail "minirootfs"
tar -tzf b/rootfs.tar.gz > rootfs.list || fail "minirootfs is not a tar.gz"
grep -q "^usr/lib/apk/db/installed$" rootfs.list || fail "minirootfs content"

# Errors: one line, nothing written.
( cd b && expect_fail "no package provides" "$APKO" build -p nonexistent apko.yaml t:1 never.tar )
( cd b && expect_fail "RFC 3339" "$APKO" build --build-date yesterday apko.yaml t:1 never.tar )
( cd b && expect_fail "does not exist" "$APKO" build apko.yaml t:1 /nonexistent/dir/x.tar )
[ ! -e b/never.tar ] || fail "failed build left output"
echo OK
