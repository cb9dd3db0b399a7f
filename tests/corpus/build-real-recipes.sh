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
# (tests/bootstrap) and make-extra-repo.sh, both made from the host's Debian packages. The
# recipes' `test:` sections run with `melange test` once all are built (one recipe's tests may
# install another's packages), with shell stand-ins for Wolfi's test tools (tests/corpus/test-tools/).
# With APK=/path/to/apk (apk-tools 2.x, not in Debian 12), every package is also installed with
# the reference client into a fresh root.
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
# Stand-ins for what Wolfi's test pipelines and documentation packages need beyond the build
# tools: apk-tools (`apk info -L`), man-db (`man`), texinfo (`info`), and the test tools ldd-check,
# ver-check, help-check and package-type-check (Wolfi builds them from Go sources we do not
# have). Each is a small shell script of tests/corpus/test-tools/ over the bootstrap's busybox.
mkapk=${MA_MKAPK:-$bin/tests/ma-mkapk}
rm -rf "$work/standins"
mkdir -p "$work/standins/x86_64"
for pair in apk-tools:apk man-db:man texinfo:info ldd-check:ldd-check ver-check:ver-check \
            help-check:help-check package-type-check:package-type-check; do
  n=${pair%%:*} tool=${pair#*:}
  d=$work/standins/tree-$n
  mkdir -p "$d/usr/bin"
  install -m 0755 "$here/test-tools/$tool" "$d/usr/bin/$tool"
  deps=(--depend busybox)
  case $n in ldd-check|package-type-check) deps+=(--depend apk-tools) ;; esac  # they read `apk info -L`
  "$mkapk" --name "$n" --version 1-r0 --arch x86_64 --mtime 0 "${deps[@]}" \
    --provide "cmd:$tool=1-r0" --description "stand-in for $n (corpus builds and tests)" \
    --signing-key "$work/local.rsa" --out "$work/standins/x86_64/$n-1-r0.apk" "$d"
done
"$melange" --log-level warn index -o "$work/standins/x86_64/APKINDEX.tar.gz" --signing-key "$work/local.rsa" \
  "$work/standins/x86_64/"*.apk

# Keys for the reference client, named as in the signatures (apk-tools resolves --keys-dir only
# by that name).
mkdir -p "$work/apk-keys"
cp "$boot/bootstrap.rsa.pub" "$extra/extra.rsa.pub" "$work/local.rsa.pub" "$work/apk-keys/"

ok=0
total=0
built=()
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
    # A mirror may lack some file of the newest version (a security update's .dsc): every
    # version apt knows shares the orig tarball, so try them in turn.
    for v in $(apt-cache showsrc "$debsrc" 2>/dev/null | awk '/^Version:/ { print $2 }'); do
      [ -z "$orig" ] || break
      (cd "$work/debian" && apt-get source --download-only "$debsrc=$v" >>"$log" 2>&1)
      orig=$(ls "$work/debian/${debsrc}_"*.orig.tar.* 2>/dev/null | head -n 1)
    done
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
  how="apko"
  # With $APK (the reference apk-tools 2.x client), the same packages are installed again with it
  # into a fresh root, from the same signed repositories, scripts run.
  if [ -n "${APK:-}" ]; then
    refroot=$work/roots/$name.apk-root
    rm -rf "$refroot"
    # apk-tools' --initdb makes lib/apk/db a directory before wolfi-baselayout's `lib -> usr/lib`
    # link arrives (apk cannot then rename the link over it): start from the usr-merged layout.
    mkdir -p "$refroot/usr/lib"
    ln -s usr/lib "$refroot/lib"
    # shellcheck disable=SC2086
    if ! "$APK" add --root "$refroot" --initdb --arch x86_64 --no-cache --keys-dir "$work/apk-keys" \
        --repository "$boot" --repository "$extra" --repository "$work/standins" \
        --repository "$work/packages" ${packages//,/ } >>"$log" 2>&1; then
      echo "$name: FAIL reference apk install ($log)"
      continue
    fi
    missing=""
    for p in ${packages//,/ }; do
      "$APK" info --root "$refroot" -e "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
    [ -z "$missing" ] || { echo "$name: FAIL not installed by the reference apk:$missing"; continue; }
    how="apko and $("$APK" --version | cut -d, -f1)"
  fi
  echo "$name: OK ${packages//,/ } (source $(basename "$orig"), $files files installed with $(grep -c '^P:' <<<"$installed") packages, by $how)"
  built+=("$name")
done

# The recipes' `test:` sections, once every recipe is built: a test environment may need another
# recipe's package (zip's tests use unzip and unzip's use zip, as in Wolfi's repository).
for name in "${built[@]}"; do
  log=$work/logs/$name.test.log
  srcdir=$recipes/$name
  [ -d "$srcdir" ] || srcdir=$work/empty
  if "$melange" test "$recipes/$name.yaml" --arch x86_64 --runner bubblewrap --pipeline-dir "$recipes/pipelines" \
      --source-dir "$srcdir" "${repos[@]}" -r "$work/standins" -r "$work/packages" -k "$work/local.rsa.pub" \
      >"$log" 2>&1; then
    echo "$name: tests passed ($(grep -c ' test: passed$' "$log") packages tested)"
    ok=$((ok + 1))
  else
    echo "$name: FAIL tests ($log: $(grep 'melange: error' "$log" | tail -1))"
  fi
done
echo "built, installed and tested $ok of $total recipes"
[ "$ok" -eq "$total" ]
