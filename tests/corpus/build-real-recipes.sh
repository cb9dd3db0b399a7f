#!/usr/bin/env bash
# Builds real Wolfi recipes, unchanged, offline with our melange (bubblewrap runner), from
# upstream tarballs that are byte-identical to Debian's orig tarballs, then installs every
# package each recipe declares (main and subpackages) into a root with our apko. Opt-in (not part
# of ctest): it needs a wolfi-dev/os tree and Debian's source archive.
#
#   tests/corpus/build-real-recipes.sh RECIPE_DIR [WORK_DIR] [RECIPE=DEBIAN_SOURCE ...]
#
# RECIPE_DIR: an export of wolfi-dev/os (recipes, their patch directories, pipelines/).
# WORK_DIR (default /tmp/real-recipes): source cache, packages, logs, installed roots.
# Default recipes: libev cppunit potrace (autoconf/*), lzo (cmake/*), zip unzip (plain runs:).
# For each recipe: its fetch checksum (from `melange compile`) must equal the sha256 of the
# Debian source package's orig tarball (`apt-get source --download-only`), which then goes into
# the melange source cache; the build environment comes from the bootstrap repository
# (tests/bootstrap) and make-extra-repo.sh, both made from the host's Debian packages. Tests
# (`test:`) are not run: they use Wolfi's test tools, which those repositories do not have.
# Prints one line per recipe and a summary; exit status 0 when every recipe built and installed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${MA_BINARY_DIR:-$here/../../build}
melange=${MELANGE:-$bin/apps/melange/melange}
apko=${APKO:-$bin/apps/apko/apko}
[ $# -ge 1 ] || { echo "usage: $0 RECIPE_DIR [WORK_DIR] [RECIPE=DEBIAN_SOURCE ...]" >&2; exit 2; }
recipes=$(cd "$1" && pwd)
work=${2:-/tmp/real-recipes}
shift $(( $# >= 2 ? 2 : 1 ))
pairs=("$@")
[ ${#pairs[@]} -gt 0 ] || pairs=(libev=libev cppunit=cppunit potrace=potrace lzo=lzo2 zip=zip unzip=unzip)
mkdir -p "$work"/{debian,cache,packages,logs,roots,empty}
work=$(cd "$work" && pwd)

boot=$("$here/../bootstrap/make-bootstrap-repo.sh") || { echo "bootstrap repository failed" >&2; exit 1; }
extra=$("$here/make-extra-repo.sh") || { echo "extra repository failed" >&2; exit 1; }
[ -f "$work/local.rsa" ] || "$melange" --log-level warn keygen --key-size 2048 "$work/local.rsa"
repos=(-r "$boot" -r "$extra" -k "$boot/bootstrap.rsa.pub" -k "$extra/extra.rsa.pub")
# Runtime dependencies melange's SCA gives documentation packages (man-db for man pages, texinfo
# for info pages): empty stand-ins depending on nothing (the bootstrap's busybox has an applet
# link for every name, unzip included), so the packages install.
mkapk=${MA_MKAPK:-$bin/tests/ma-mkapk}
mkdir -p "$work/standins/x86_64" "$work/standins/empty"
for n in man-db texinfo; do
  "$mkapk" --name "$n" --version 1-r0 --arch x86_64 --mtime 0 \
    --description "stand-in for $n (corpus builds)" --signing-key "$work/local.rsa" \
    --out "$work/standins/x86_64/$n-1-r0.apk" "$work/standins/empty"
done
"$melange" --log-level warn index -o "$work/standins/x86_64/APKINDEX.tar.gz" --signing-key "$work/local.rsa" \
  "$work/standins/x86_64/"*.apk

ok=0
total=0
for pair in "${pairs[@]}"; do
  name=${pair%%=*} debsrc=${pair#*=}
  total=$((total + 1))
  recipe=$recipes/$name.yaml
  log=$work/logs/$name.log
  compiled=$("$melange" --log-level error compile --arch x86_64 --pipeline-dir "$recipes/pipelines" "$recipe" 2>"$log") ||
    { echo "$name: FAIL compile ($log)"; continue; }
  read -r version want packages < <(python3 -c '
import json, sys
b = json.load(sys.stdin)
src = [s for s in b.get("sources", []) if s.get("expected-sha256")]
names = [p["name"] for p in b["packages"]]
print(b["package"]["full-version"], src[0]["expected-sha256"] if src else "-", ",".join(names))' <<<"$compiled")
  # Debian's orig tarball, byte-identical to what the recipe fetches.
  orig=$(ls "$work/debian/${debsrc}_"*.orig.tar.* 2>/dev/null | head -n 1)
  if [ -z "$orig" ]; then
    (cd "$work/debian" && apt-get source --download-only "$debsrc" >>"$log" 2>&1)
    orig=$(ls "$work/debian/${debsrc}_"*.orig.tar.* 2>/dev/null | head -n 1)
  fi
  [ -n "$orig" ] || { echo "$name: FAIL no Debian orig tarball for $debsrc ($log)"; continue; }
  have=$(sha256sum "$orig" | cut -d' ' -f1)
  if [ "$have" != "$want" ]; then
    echo "$name: SKIP $(basename "$orig") sha256 $have is not the recipe's $want"
    continue
  fi
  cp "$orig" "$work/cache/sha256:$want"
  srcdir=$recipes/$name
  [ -d "$srcdir" ] || srcdir=$work/empty
  # Builds offline (no --network): the source comes from the cache, the tools from the repositories.
  if ! "$melange" build "$recipe" --arch x86_64 --runner bubblewrap --pipeline-dir "$recipes/pipelines" \
      --source-dir "$srcdir" --cache-dir "$work/cache" --out-dir "$work/packages" \
      --signing-key "$work/local.rsa" --namespace wolfi --test=false "${repos[@]}" >>"$log" 2>&1; then
    echo "$name: FAIL build ($log)"
    continue
  fi
  missing=""
  for p in ${packages//,/ }; do
    [ -f "$work/packages/x86_64/$p-$version.apk" ] || missing="$missing $p"
  done
  [ -z "$missing" ] || { echo "$name: FAIL packages not built:$missing"; continue; }
  # Install them all into one root with apko (verifying signatures) and read its installed database.
  cfg=$work/roots/$name.yaml
  {
    echo "contents:"
    echo "  packages:"
    for p in ${packages//,/ }; do echo "    - $p"; done
    echo "archs: [x86_64]"
  } >"$cfg"
  root=$work/roots/$name.tar
  if ! "$apko" build-minirootfs "$cfg" "$root" "${repos[@]}" -r "$work/standins" -r "$work/packages" -k "$work/local.rsa.pub" >>"$log" 2>&1; then
    echo "$name: FAIL install ($log)"
    continue
  fi
  installed=$(tar -xOf "$root" lib/apk/db/installed 2>/dev/null || tar -xOf "$root" usr/lib/apk/db/installed)
  missing=""
  for p in ${packages//,/ }; do
    grep -qx "P:$p" <<<"$installed" || missing="$missing $p"
  done
  [ -z "$missing" ] || { echo "$name: FAIL not installed:$missing"; continue; }
  files=$(tar -tf "$root" | grep -c -v '/$')
  echo "$name: OK ${packages//,/ } (source $(basename "$orig"), $files files installed with $(grep -c '^P:' <<<"$installed") packages)"
  ok=$((ok + 1))
done
echo "built and installed $ok of $total recipes"
[ "$ok" -eq "$total" ]
