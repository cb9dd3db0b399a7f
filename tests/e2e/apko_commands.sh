#!/usr/bin/env bash
# apko build-cpio, install-keys, clean, build --sbom-formats/--format and resolution errors,
# against apko's CLI test repository (tests/data/apko-cli-testdata) and a python3 http.server
# on 127.0.0.1 that this test starts and stops.
#  - build-cpio: GNU cpio lists the archive, and GNU cpio unpacks it to the same tree as GNU tar
#    unpacks the image layer of `apko build` (tests/tools/tree_compare.py: types, modes, owners,
#    symlinks, contents, hard links); the .gz form is the same archive gzipped; reproducible.
#  - install-keys: keys published through Chainguard-style discovery (apk-configuration ->
#    JWKS) land in <root>/etc/apk/keys as PEM public keys, equal to the keys served.
#  - clean: --dry-run reports and keeps the cache, clean removes it.
source "$(dirname "$0")/lib.sh"
TD=$DATA/apko-cli-testdata
export SOURCE_DATE_EPOCH=1700000000
ln -s "$TD" testdata
cp "$DATA/configs/apko/cli-repo.yaml" apko.yaml

# --- build-cpio against the image layer ------------------------------------------------
"$APKO" build-cpio --build-arch x86_64 apko.yaml root.cpio 2>cpio.log || fail "build-cpio: $(cat cpio.log)"
"$APKO" build-cpio --build-arch x86_64 apko.yaml root.cpio.gz 2>>cpio.log || fail "build-cpio .gz: $(cat cpio.log)"
gzip -dc root.cpio.gz | cmp - root.cpio || fail "root.cpio.gz is not root.cpio gzipped"
mkdir again && ( cd again && ln -s "$TD" testdata && "$APKO" build-cpio --build-arch x86_64 ../apko.yaml r.cpio 2>/dev/null ) ||
  fail "build-cpio in another directory"
cmp root.cpio again/r.cpio || fail "build-cpio is not reproducible"
cpio -t --quiet < root.cpio > cpio.list || fail "cpio -t"
for p in etc/os-release etc/passwd etc/apko.json usr/lib/apk/db/installed dev/null; do
  grep -qx "$p" cpio.list || fail "cpio -t lacks $p: $(head -50 cpio.list)"
done

"$APKO" build --arch x86_64 --sbom=false apko.yaml golden:latest single.tar 2>build.log || fail "build: $(cat build.log)"
layer=$(python3 -c "import json;print(json.load(open('/dev/stdin'))[0]['Layers'][0])" < <(tar -xOf single.tar manifest.json))
tar -xOf single.tar "$layer" > layer.tar.gz || fail "no layer $layer in single.tar"
mkdir from-tar from-cpio
owners="" tar_skip=() cpio_skip=()
if [ "$(id -u)" -ne 0 ]; then  # as non-root neither tool can set owners or make devices
  owners="--no-owners" tar_skip=(--exclude='dev/*') cpio_skip=(--nonmatching 'dev/*')
fi
tar -xzpf layer.tar.gz -C from-tar --numeric-owner "${tar_skip[@]}" 2>tar.log || fail "GNU tar: $(cat tar.log)"
( cd from-cpio && cpio -idm --quiet --no-absolute-filenames "${cpio_skip[@]}" < ../root.cpio ) 2>cpio-x.log ||
  fail "GNU cpio -i: $(cat cpio-x.log)"
python3 "$MA_SOURCE_DIR/tests/tools/tree_compare.py" $owners from-tar from-cpio > compare.out 2>&1 ||
  fail "cpio and layer unpack to different trees: $(head -40 compare.out)"
# Owners and modes as the archives record them, whoever runs the test.
python3 - <<'PY' || fail "listings of cpio and layer differ"
import subprocess
def rows(cmd, cpio):
    out = {}
    for line in subprocess.run(cmd, shell=True, capture_output=True, text=True, check=True).stdout.splitlines():
        if cpio:  # devices show "major, minor" where files show a size
            f = line.split(None, 9 if line[0] in "cb" else 8); perm, owner, name = f[0], (f[2], f[3]), f[-1]
        else:
            f = line.split(None, 5); perm, owner, name = f[0], tuple(f[1].split('/')), f[5]
            if perm[0] == 'h':
                perm, name = '-' + perm[1:], name.split(' link to ')[0]
        out[name.split(' -> ')[0]] = (perm, owner)
    return out
c = rows("cpio -tv --quiet --numeric-uid-gid < root.cpio", True)
t = rows("tar -tvzf layer.tar.gz --numeric-owner", False)
assert c == t, sorted(set(c.items()) ^ set(t.items()))[:20]
PY

# --- -C/--workdir: paths are taken from there, as apko -C does ----------------------------
mkdir wd && ln -s "$TD" wd/testdata && cp apko.yaml wd/
"$APKO" -C wd build --arch x86_64 --sbom=false apko.yaml golden:latest c.tar 2>c.log || fail "apko -C wd build: $(cat c.log)"
cmp wd/c.tar single.tar || fail "apko -C wd wrote another image (or not into wd)"
expect_fail "cannot change into the working directory" "$APKO" --workdir "$WORK/nowhere" version
# The original's dot and build-minirootfs flags: accepted (a warning says what is not done), --web refused.
"$APKO" dot --arch x86_64 --spanning-tree --registry-explorer https://example.invalid apko.yaml > dot.out 2>dot.log ||
  fail "dot --spanning-tree: $(cat dot.log)"
grep -q "^digraph" dot.out && grep -q "not supported; printing the whole graph" dot.log || fail "dot --spanning-tree: $(cat dot.log)"
expect_fail "dot --web: serving the graph is not supported" "$APKO" dot --web apko.yaml
"$APKO" build-minirootfs --build-arch x86_64 --sbom-path sboms-m apko.yaml mini.tar 2>mini.log || fail "build-minirootfs --sbom-path: $(cat mini.log)"
grep -q "no SBOM is written" mini.log || fail "build-minirootfs --sbom-path: no warning: $(cat mini.log)"

# --- build --sbom-formats / --format ---------------------------------------------------
"$APKO" build --arch x86_64 --sbom-formats spdx --format tar --sbom-path sboms apko.yaml golden:latest f.tar 2>f.log ||
  fail "build --sbom-formats spdx --format tar: $(cat f.log)"
[ -s sboms/sbom-x86_64.spdx.json ] || fail "no SPDX SBOM with --sbom-formats spdx"
cmp f.tar single.tar || fail "--format tar changed the image"
expect_fail "only spdx SBOMs are written" "$APKO" build --sbom-formats spdx,cyclonedx apko.yaml t:1 never.tar
expect_fail "EROFS layers are not supported" "$APKO" build --format erofs apko.yaml t:1 never.tar
expect_fail "want tar or erofs" "$APKO" build --format squashfs apko.yaml t:1 never.tar
sed 's/^archs:/format: erofs\narchs:/' apko.yaml > erofs.yaml
expect_fail "format: erofs (config): EROFS layers are not supported" "$APKO" build erofs.yaml t:1 never.tar
[ ! -e never.tar ] || fail "a refused build left never.tar"

# --- resolution errors: one block, every requirement with its chain -------------------
solve_error() {  # solve_error <want substring>... -- apko args
  local want=() out rc=0
  while [ "$1" != -- ]; do want+=("$1"); shift; done; shift
  out=$("$APKO" show-packages --arch x86_64 apko.yaml "$@" 2>&1) || rc=$?
  [ "$rc" -ne 0 ] || fail "show-packages $* should fail"
  for w in "${want[@]}"; do grep -qF -- "$w" <<<"$out" || fail "error of show-packages $* lacks '$w': $out"; done
  grep -q '^apko: error: x86_64: cannot install the requested packages:$' <<<"$out" || fail "not one block: $out"
}
solve_error "  nonexistent: no package provides it" "    world: needs nonexistent" -- -p nonexistent
solve_error "  pretend-baselayout: no package satisfies pretend-baselayout>2" \
  "    world: needs pretend-baselayout>2, repository has pretend-baselayout-1.0.0-r0" -- -p 'pretend-baselayout>2'
solve_error "  pretend-baselayout: pretend-baselayout-1.0.0-r0 is excluded by a conflict" \
  "    world -> replayout-1.0.0-r0: needs pretend-baselayout" "    world: conflicts with !pretend-baselayout" \
  -- -p '!pretend-baselayout'
# -p takes a comma separated list too, as apko's string slices do
solve_error "  nonexistent: no package provides it" "  pretend-baselayout: no package satisfies pretend-baselayout>2" \
  -- -p 'nonexistent,pretend-baselayout>2'
solve_error "  custom-ca-certificates: provided by custom-ca-certs-1-1.0.0-r0, custom-ca-certs-2-1.0.0-r0 without a version" \
  -- -p custom-ca-certificates

# --- install-keys through Chainguard-style discovery ------------------------------------
mkdir -p srv/os root/etc/apk
openssl genrsa -out k1.pem 2048 2>/dev/null && openssl genrsa -out k2.pem 2048 2>/dev/null || fail "openssl genrsa"
openssl rsa -in k1.pem -pubout -out k1.pub 2>/dev/null && openssl rsa -in k2.pem -pubout -out k2.pub 2>/dev/null ||
  fail "openssl rsa -pubout"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$PORT" <<'PY' || fail "JWKS"
import base64, json, subprocess, sys
def b64(n):
    raw = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return base64.urlsafe_b64encode(raw).rstrip(b'=').decode()
keys = []
for kid, pub in (("signer-one", "k1.pub"), ("signer-two", "k2.pub")):
    mod = subprocess.run(["openssl", "rsa", "-pubin", "-in", pub, "-noout", "-modulus"], capture_output=True, text=True, check=True).stdout
    n = int(mod.strip().split("=", 1)[1], 16)
    keys.append({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": b64(n), "e": b64(65537)})
json.dump({"keys": keys}, open("srv/jwks.json", "w"))
json.dump({"jwks_uri": "http://127.0.0.1:%s/jwks.json" % sys.argv[1]}, open("srv/os/apk-configuration", "w"))
PY
python3 -m http.server --bind 127.0.0.1 --directory srv "$PORT" >http.log 2>&1 &
HTTP_PID=$!
trap '{ kill $HTTP_PID; wait $HTTP_PID; } 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/jwks.json" 2>/dev/null && break; sleep 0.1; done
printf '# repositories\nhttp://127.0.0.1:%s/os\n@local %s/testdata/packages\n' "$PORT" "$WORK" > root/etc/apk/repositories
"$APKO" install-keys --root root 2>keys.log || fail "install-keys: $(cat keys.log)"
cmp root/etc/apk/keys/signer-one.rsa.pub k1.pub || fail "signer-one.rsa.pub differs from the key served"
cmp root/etc/apk/keys/signer-two.rsa.pub k2.pub || fail "signer-two.rsa.pub differs from the key served"
[ "$(stat -c %a root/etc/apk/keys/signer-one.rsa.pub)" = 644 ] || fail "key mode"
grep -q "wrote .*signer-one.rsa.pub" keys.log || fail "install-keys does not say what it wrote: $(cat keys.log)"
# A repository without discovery (404) is no error and writes nothing.
mkdir -p root2/etc/apk && echo "http://127.0.0.1:$PORT/none" > root2/etc/apk/repositories
"$APKO" install-keys --root root2 2>/dev/null || fail "install-keys with no discovery"
[ ! -e root2/etc/apk/keys ] || fail "keys written without discovery"
{ kill $HTTP_PID; wait $HTTP_PID; } 2>/dev/null || true

# --- clean ------------------------------------------------------------------------------
mkdir -p cache/sub && head -c 3000 /dev/zero > cache/sub/blob && echo x > cache/APKINDEX.tar.gz
"$APKO" clean --cache-dir cache --dry-run > dry.out 2>dry.log || fail "clean --dry-run: $(cat dry.log)"
grep -q "2 files, 2.9 KiB" dry.out || fail "clean --dry-run report: $(cat dry.out)"
[ -f cache/sub/blob ] || fail "--dry-run removed the cache"
"$APKO" clean --cache-dir cache > clean.out 2>clean.log || fail "clean: $(cat clean.log)"
[ ! -e cache ] || fail "clean left the cache"
"$APKO" clean --cache-dir cache 2>clean2.log || fail "clean of a missing cache: $(cat clean2.log)"
HOME=$WORK/home XDG_CACHE_HOME= "$APKO" clean --dry-run 2>default.log || fail "clean default: $(cat default.log)"
grep -q "home/.cache/dev.chainguard.go-apk" default.log || fail "default cache dir: $(cat default.log)"
expect_fail "refusing to remove" "$APKO" clean --cache-dir /
echo "OK"
