#!/usr/bin/env bash
# Makes a signed local apk repository of the build tools real Wolfi recipes name beyond the
# bootstrap repository (tests/bootstrap), from the host's Debian packages, named as in Wolfi:
#   build-base 1-r1   the bootstrap's build-base plus g++ (Wolfi's build-base has a C++ compiler)
#   libstdc++         libstdc++6
#   perl, m4, autoconf, automake, libtool      real autotools (autoreconf works)
#   cmake (+ cmake-3), ninja (+ samurai), patch, zlib-dev, pkgconf (pkg-config)
#   wolfi-base, grep, gcc-14-default           stand-ins depending on busybox / build-base
# Shared libraries an executable needs that no package here or in the bootstrap holds are copied
# in with it from the host. Packages of the bootstrap repository keep their names; versions here
# are higher where a name is replaced (build-base, autoconf, automake, libtool).
# Usage: make-extra-repo.sh   (prints the repository directory: <dir>/<arch>/, <dir>/extra.rsa.pub)
# Env: as make-bootstrap-repo.sh (MA_BINARY_DIR, MA_MKAPK, MELANGE, MA_CACHE_DIR).
# Needs the host packages: g++-12 libstdc++-12-dev cmake ninja-build patch zlib1g-dev perl m4
# autoconf automake libtool pkgconf (scripts/install-deps.sh corpus).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../bootstrap/debian-apk.sh"
bin=${MA_BINARY_DIR:-$here/../../build}
MKAPK=${MA_MKAPK:-$bin/tests/ma-mkapk}
MELANGE_BIN=${MELANGE:-$bin/apps/melange/melange}
arch=$(uname -m)
[ "$arch" = x86_64 ] || { echo "make-extra-repo: only x86_64 hosts are supported (got $arch)" >&2; exit 1; }

cxx_pkgs=(g++ g++-12 libstdc++-12-dev)
perl_pkgs=(perl perl-base perl-modules-5.36 libperl5.36)
extra_pkgs=(libstdc++6 "${cxx_pkgs[@]}" "${perl_pkgs[@]}" m4 autoconf automake autotools-dev libtool
            cmake cmake-data ninja-build patch zlib1g-dev pkgconf pkgconf-bin libpkgconf3)
versions=$(dpkg-query -W -f='${Package}=${Version}\n' "${build_pkgs[@]}" "${extra_pkgs[@]}")
key=$( { echo "$versions"; cat "$0" "$here/../bootstrap/debian-apk.sh"; } | sha256sum | cut -c1-16)
cache=${MA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/melange-cpp}
out=$cache/corpus-extra-$key
if [ -f "$out/.complete" ]; then echo "$out"; exit 0; fi
[ -x "$MKAPK" ] || { echo "make-extra-repo: $MKAPK not built" >&2; exit 1; }
mkdir -p "$cache"
exec 9>"$cache/.corpus-extra.lock"
flock 9
if [ -f "$out/.complete" ]; then echo "$out"; exit 0; fi
tmp=$(mktemp -d "$cache/.corpus-extra.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/repo/$arch" "$tmp/stage"
"$MELANGE_BIN" --log-level warn keygen --key-size 2048 "$tmp/repo/extra.rsa"
SDE=${SOURCE_DATE_EPOCH:-1700000000}

mk() {  # mk NAME VERSION DIR [ma-mkapk options...]
  local name=$1 ver=$2 dir=$3; shift 3
  "$MKAPK" --name "$name" --version "$ver" --arch "$arch" --mtime "$SDE" --license "GPL-2.0-or-later" \
    --description "$name from the host's Debian packages (corpus builds)" \
    --signing-key "$tmp/repo/extra.rsa" --out "$tmp/repo/$arch/$name-$ver.apk" "$@" "$dir"
}

# Library file names some package already holds: the bootstrap's (glibc, libgcc, busybox,
# build-base) and every one staged here so far.
declare -A held
for p in "${base_pkgs[@]}" "${gcc_pkgs[@]}" "${bb_pkgs[@]}" "${build_pkgs[@]}"; do
  while IFS= read -r f; do held[$(basename "$f")]=1; done < <(dpkg -L "$p" | grep -E '/lib[^/]*\.so(\.|$)' || true)
done
note_held() { local f; while IFS= read -r f; do held[$(basename "$f")]=1; done < <(find "$1" -name 'lib*.so*'); }

# Copies into $1 the shared libraries its ELF files need (per the host's ldd) that no package holds.
add_host_libs() {
  local dest=$1 f lib name
  note_held "$dest"
  while IFS= read -r f; do
    while IFS= read -r lib; do
      name=$(basename "$lib")
      [ -z "${held[$name]:-}" ] || continue
      mkdir -p "$dest/usr/lib/x86_64-linux-gnu"
      cp -L "$lib" "$dest/usr/lib/x86_64-linux-gnu/$name"
      held[$name]=1
    done < <(ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
  done < <(find "$dest" -type f \( -perm -u+x -o -name '*.so*' \) -exec sh -c 'head -c4 "$1" | grep -q ELF' _ {} \; -print)
}

s=$tmp/stage
d=$s/libstdcxx; stage "$d" libstdc++6; note_held "$d"
mapfile -t prov < <(so_provides "$d")
mk libstdc++ 12-r0 "$d" --depend glibc --depend libgcc "${prov[@]}"

d=$s/build-base; stage "$d" "${build_pkgs[@]}" "${cxx_pkgs[@]}"
ln -sf gcc "$d/usr/bin/cc"
mapfile -t prov < <(so_provides "$d")
mk build-base 1-r1 "$d" --depend glibc --depend libgcc --depend libstdc++ --depend busybox --depend pkgconf \
  --provide cmd:gcc=1-r1 --provide cmd:g++=1-r1 --provide cmd:make=1-r1 "${prov[@]}"

d=$s/perl; stage "$d" "${perl_pkgs[@]}"; add_host_libs "$d"
mk perl 5.36-r0 "$d" --depend glibc --provide cmd:perl=5.36-r0
d=$s/m4; stage "$d" m4; add_host_libs "$d"
mk m4 1.4-r0 "$d" --depend glibc
d=$s/autoconf; stage "$d" autoconf autotools-dev
mk autoconf 2.71-r0 "$d" --depend perl --depend m4
d=$s/automake; stage "$d" automake
# Debian makes aclocal and automake alternatives (links created when installing, not listed).
for t in aclocal automake; do
  v=$(cd "$d/usr/bin" && ls "$t"-[0-9]* | head -n 1)
  ln -s "$v" "$d/usr/bin/$t"
done
mk automake 1.16-r0 "$d" --depend perl --depend autoconf
d=$s/libtool; stage "$d" libtool
mk libtool 2.4-r0 "$d" --depend build-base
d=$s/cmake; stage "$d" cmake cmake-data; add_host_libs "$d"
mk cmake 3.25-r0 "$d" --depend glibc --depend libgcc --depend libstdc++ --provide cmd:cmake=3.25-r0
d=$s/ninja; stage "$d" ninja-build; add_host_libs "$d"
mk ninja 1.11-r0 "$d" --depend glibc --depend libstdc++ --provide cmd:ninja=1.11-r0
d=$s/patch; stage "$d" patch; add_host_libs "$d"
# GNU patch (--fuzz, --verbose) over busybox's applet link of the same path.
mk patch 2.7-r0 "$d" --depend glibc --provide cmd:patch=2.7-r0 --replace busybox
d=$s/zlib-dev; stage "$d" zlib1g-dev
mk zlib-dev 1.2-r0 "$d" --depend build-base
# pkgconf with Debian's pkg-config link; it searches /usr/lib/pkgconfig, where Wolfi's .pc files are.
d=$s/pkgconf; stage "$d" pkgconf pkgconf-bin libpkgconf3
mapfile -t prov < <(so_provides "$d")
mk pkgconf 1.8-r0 "$d" --depend glibc --provide cmd:pkgconf=1.8-r0 --provide cmd:pkg-config=1.8-r0 "${prov[@]}"

mkdir -p "$s/empty"
for n in cmake-3:cmake samurai:ninja wolfi-base:busybox gcc-14-default:build-base grep:busybox; do
  mk "${n%%:*}" 1-r0 "$s/empty" --depend "${n#*:}"
done

"$MELANGE_BIN" --log-level warn index -o "$tmp/repo/$arch/APKINDEX.tar.gz" --signing-key "$tmp/repo/extra.rsa" \
  --description "corpus build tools from Debian packages" "$tmp/repo/$arch"/*.apk
echo "$versions" > "$tmp/repo/VERSIONS"
touch "$tmp/repo/.complete"
rm -rf "$out"
mv "$tmp/repo" "$out"
echo "$out"
