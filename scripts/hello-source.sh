#!/usr/bin/env bash
# Puts GNU hello 2.10's release tarball (the same bytes as ftp.gnu.org's hello-2.10.tar.gz,
# which Debian ships as hello_2.10.orig.tar.gz) into a cache directory, checksum-verified,
# and prints its path. Offline machines reach Debian's archive only, so it comes from
# `apt-get source` (a deb-src entry for bookworm is added when missing).
# Usage: scripts/hello-source.sh [CACHE_DIR]   (default: ${MA_CACHE_DIR:-~/.cache/melange-cpp})
set -euo pipefail
sha=31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b
cache=${1:-${MA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/melange-cpp}}
out=$cache/hello-2.10.tar.gz
mkdir -p "$cache"
if [ -f "$out" ] && echo "$sha  $out" | sha256sum -c --status; then echo "$out"; exit 0; fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "hello-source: adding a deb-src entry for bookworm" >&2
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
    $SUDO tee /etc/apt/sources.list.d/melange-cpp-deb-src.sources >/dev/null
  $SUDO apt-get update -qq
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get source --download-only -qq hello >/dev/null 2>&1) ||
  (cd "$tmp" && $SUDO apt-get update -qq && apt-get source --download-only -qq hello >/dev/null)
src=$(ls "$tmp"/hello_2.10.orig.tar.gz 2>/dev/null) || { echo "hello-source: Debian no longer has hello 2.10" >&2; exit 1; }
echo "$sha  $src" | sha256sum -c --status || { echo "hello-source: checksum mismatch for $src" >&2; exit 1; }
part=$(mktemp "$out.XXXXXX")  # concurrent callers each write their own, then rename
cp "$src" "$part" && mv "$part" "$out"
echo "$out"
