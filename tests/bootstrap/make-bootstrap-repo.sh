#!/usr/bin/env bash
# Makes a signed local apk repository of build tools from the host's Debian packages,
# so melange can build real software and apko can assemble images with no Wolfi or
# Alpine mirror (tests and the offline demo). Packages, named as in Wolfi:
#   wolfi-baselayout        usrmerge symlinks (bin lib lib64 sbin -> usr/...), /etc files, /tmp
#   glibc                   libc6 (provides so:libc.so.6, so:ld-linux-x86-64.so.2, ...)
#   libgcc                  libgcc-s1
#   busybox                 busybox-static applets + dash as /bin/sh (busybox sh runs its own applets)
#   ca-certificates-bundle  /etc/ssl/certs/ca-certificates.crt
#   build-base              gcc, cpp, binutils, make, GNU tar, libc headers and their libraries
# Usage: make-bootstrap-repo.sh [--print-dir]
# Env: MA_BINARY_DIR (build dir with ma-mkapk and melange), MA_CACHE_DIR (default ~/.cache/melange-cpp),
#      MA_BOOTSTRAP_ARCH=aarch64 (or arm64) on an x86_64 host: the same packages from Debian's
#      arm64 archive (`dpkg --add-architecture arm64 && apt-get update` first; the .debs are fetched
#      with `apt-get download PKG:arm64`), built for aarch64; making it runs arm64 busybox once,
#      which needs qemu-user-static's binfmt handlers.
# The result is cached under $MA_CACHE_DIR/bootstrap-<hash of host package versions + this script>;
# prints that directory: <dir>/<arch>/{*.apk,APKINDEX.tar.gz}, <dir>/bootstrap.rsa.pub (the aarch64
# flavour: bootstrap-aarch64.rsa.pub, so that both can be trusted together).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${MA_BINARY_DIR:-$here/../../build}
MKAPK=${MA_MKAPK:-$bin/tests/ma-mkapk}
MELANGE_BIN=${MELANGE:-$bin/apps/melange/melange}
arch=$(uname -m)
[ "$arch" = x86_64 ] || { echo "make-bootstrap-repo: only x86_64 hosts are supported (got $arch)" >&2; exit 1; }
foreign=""
case "${MA_BOOTSTRAP_ARCH:-$arch}" in
  x86_64|amd64|host) ;;
  aarch64|arm64) arch=aarch64 foreign=arm64 ;;
  *) echo "make-bootstrap-repo: MA_BOOTSTRAP_ARCH=$MA_BOOTSTRAP_ARCH: only x86_64 and aarch64 are supported" >&2; exit 1 ;;
esac

. "$here/debian-apk.sh"  # the package lists, pkg_files, stage, so_provides (they read $foreign)
all=("${base_pkgs[@]}" "${gcc_pkgs[@]}" "${bb_pkgs[@]}" "${build_pkgs[@]}" ca-certificates)
if [ -z "$foreign" ]; then
  versions=$(dpkg-query -W -f='${Package}=${Version}\n' "${all[@]}")
else
  all=("${base_pkgs[@]}" "${gcc_pkgs[@]}" "${bb_pkgs[@]}" "${build_pkgs[@]}")  # ca-certificates: the host's file
  versions=$(apt-cache show --no-all-versions "${all[@]/%/:$foreign}" 2>/dev/null |
             awk '/^Package:/{p=$2} /^Version:/{print p"='$foreign'="$2}') || true
  [ "$(wc -l <<<"$versions")" -ge "${#all[@]}" ] || {
    echo "make-bootstrap-repo: Debian's $foreign packages are not known to apt: run 'dpkg --add-architecture $foreign && apt-get update'" >&2
    exit 1; }
fi
key=$( { echo "$versions"; cat "$0" "$here/debian-apk.sh"; } | sha256sum | cut -c1-16)
[ -n "$foreign" ] && key=$arch-$key
cache=${MA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/melange-cpp}
out=$cache/bootstrap-$key
if [ -f "$out/.complete" ]; then echo "$out"; exit 0; fi
[ -x "$MKAPK" ] || { echo "make-bootstrap-repo: $MKAPK not built" >&2; exit 1; }
mkdir -p "$cache"
# ctest runs e2e tests in parallel: the first one builds the repository while the others wait
# for it (a second build would re-sign everything with a new key under their feet).
exec 9>"$cache/.bootstrap.lock"
flock 9
if [ -f "$out/.complete" ]; then echo "$out"; exit 0; fi
tmp=$(mktemp -d "$cache/.bootstrap.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/repo/$arch" "$tmp/stage"
kname=bootstrap
[ -n "$foreign" ] && kname=bootstrap-$arch
"$MELANGE_BIN" --log-level warn keygen --key-size 2048 "$tmp/repo/$kname.rsa"
SDE=${SOURCE_DATE_EPOCH:-1700000000}

# Foreign packages: downloaded and unpacked under $tmp/deb/<name>.
if [ -n "$foreign" ]; then
  mkdir -p "$tmp/debs"
  ( cd "$tmp/debs" && apt-get download -q "${all[@]/%/:$foreign}" >/dev/null 2>"$tmp/download.log" ) || {
    echo "make-bootstrap-repo: apt-get download failed: $(grep -v '^W:' "$tmp/download.log" | tail -1)" >&2; exit 1; }
  for d in "$tmp"/debs/*.deb; do
    n=$(dpkg-deb -f "$d" Package)
    mkdir -p "$tmp/deb/$n" && dpkg-deb -x "$d" "$tmp/deb/$n"
  done
fi
mk() {  # mk NAME VERSION DIR [ma-mkapk options...]
  local name=$1 ver=$2 dir=$3; shift 3
  "$MKAPK" --name "$name" --version "$ver" --arch "$arch" --mtime "$SDE" --license "GPL-2.0-or-later" \
    --description "$name from the host's Debian packages (bootstrap)" \
    --signing-key "$tmp/repo/$kname.rsa" --out "$tmp/repo/$arch/$name-$ver.apk" "$@" "$dir"
}

s=$tmp/stage
# wolfi-baselayout
b=$s/baselayout
mkdir -p "$b"/{etc,home,root,tmp,var/tmp,dev,proc,sys,run,usr/bin,usr/sbin,usr/lib,usr/lib64,home/build}
ln -s usr/bin "$b/bin"; ln -s usr/sbin "$b/sbin"; ln -s usr/lib "$b/lib"; ln -s usr/lib64 "$b/lib64"
chmod 1777 "$b/tmp" "$b/var/tmp"; chmod 700 "$b/root"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' > "$b/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$b/etc/group"
printf 'NAME="bootstrap (Debian 12 packages)"\nID=bootstrap\nVERSION_ID=1\nPRETTY_NAME="melange-cpp bootstrap repository"\n' > "$b/etc/os-release"
mk wolfi-baselayout 1-r0 "$b"

g=$s/glibc; stage "$g" "${base_pkgs[@]}"
# As in Wolfi, glibc depends on wolfi-baselayout: its links (lib -> usr/lib, ...) make the
# loader's path (/lib64/ld-linux-x86-64.so.2, /lib/ld-linux-aarch64.so.1) resolve.
mapfile -t prov < <(so_provides "$g")
mk glibc 2.36-r0 "$g" --depend wolfi-baselayout "${prov[@]}"

l=$s/libgcc; stage "$l" "${gcc_pkgs[@]}"
mapfile -t prov < <(so_provides "$l")
mk libgcc 12-r0 "$l" --depend glibc "${prov[@]}"

c=$s/ca; mkdir -p "$c/etc/ssl/certs"; cp /etc/ssl/certs/ca-certificates.crt "$c/etc/ssl/certs/"
mk ca-certificates-bundle 1-r0 "$c"

bb=$s/build-base; stage "$bb" "${build_pkgs[@]}"
ln -sf gcc "$bb/usr/bin/cc"
mapfile -t prov < <(so_provides "$bb")
mk build-base 1-r0 "$bb" --depend glibc --depend libgcc --depend busybox --provide cmd:gcc=1-r0 --provide cmd:make=1-r0 "${prov[@]}"

x=$s/busybox; stage "$x" "${bb_pkgs[@]}"
rm -f "$x/usr/bin/sh"
dash=$(pkg_root dash)/usr/bin/dash
[ -e "$dash" ] || dash=$(pkg_root dash)/bin/dash  # the .deb itself is not usr-merged
cp -a "$dash" "$x/usr/bin/sh"
# As Wolfi's busybox: no applet links in the package, only their list in etc/busybox-paths.d
# (bin/ and sbin/ paths under usr/, this repository being usr-merged). apko, and melange's
# build environments, make the links where no package installed a file (Wolfi's busybox makes
# them with a trigger), so real tools (build-base's, unzip, GNU patch) never conflict with them.
"$x/usr/bin/busybox" --list-full > "$s/applets" || {
  echo "make-bootstrap-repo: cannot run $arch busybox (for $arch on this host: apt-get install qemu-user-static)" >&2; exit 1; }
mkdir -p "$x/etc/busybox-paths.d"
while read -r applet; do
  case "$applet" in bin/*|sbin/*) applet=usr/$applet ;; esac
  [ "$(basename "$applet")" = sh ] || echo "$applet"
done < "$s/applets" | sort -u > "$x/etc/busybox-paths.d/busybox"
# cmd: provides carry a version, as melange writes them (Wolfi): a provide without a version and
# without provider_priority is never picked on its own (apk-tools' rule, libs/solver).
mk busybox 1.35-r0 "$x" --depend glibc --provide cmd:sh=1.35-r0 --provide /bin/sh=1.35-r0

# Stand-ins for the names melange's built-in pipelines need (the same as Chainguard melange's)
# that no package above is called: empty packages depending on the one that holds the tool here
# (make, binutils: build-base; wget: busybox), or on nothing where this repository has no such
# tool (autoconf, automake, libtool: autoconf/configure runs autoreconf only for sources without
# a configure script; scanelf: strip and split/debug read ELF headers themselves without it).
mkdir -p "$s/empty"
for n in make:build-base binutils:build-base wget:busybox autoconf: automake: libtool: scanelf:; do
  name=${n%%:*} dep=${n#*:}
  "$MKAPK" --name "$name" --version 0-r0 --arch "$arch" --mtime "$SDE" --license "GPL-2.0-or-later" \
    --description "stand-in: ${dep:-nothing in this bootstrap repository} provides $name here" \
    ${dep:+--depend "$dep"} --signing-key "$tmp/repo/$kname.rsa" --out "$tmp/repo/$arch/$name-0-r0.apk" "$s/empty"
done

"$MELANGE_BIN" --log-level warn index -o "$tmp/repo/$arch/APKINDEX.tar.gz" --signing-key "$tmp/repo/$kname.rsa" \
  --description "bootstrap from Debian packages" "$tmp/repo/$arch"/*.apk
echo "$versions" > "$tmp/repo/VERSIONS"
touch "$tmp/repo/.complete"
rm -rf "$out"
mv "$tmp/repo" "$out"
echo "$out"
