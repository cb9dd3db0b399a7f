# Sourced by make-bootstrap-repo.sh and tests/corpus/make-extra-repo.sh: which Debian packages
# make the bootstrap repository's packages, and how a package's files are staged. With
# $foreign set (an architecture such as arm64), packages come unpacked from $tmp/deb/<name>
# (make-bootstrap-repo.sh downloads them) instead of the host's installed ones.
# shellcheck shell=bash

foreign=${foreign:-}
binutils_arch=binutils-x86-64-linux-gnu
[ -n "$foreign" ] && binutils_arch=binutils-aarch64-linux-gnu
base_pkgs=(libc6)
gcc_pkgs=(libgcc-s1)
bb_pkgs=(busybox-static dash)
build_pkgs=(tar libacl1 libselinux1 libpcre2-8-0 make gcc gcc-12 cpp-12 binutils $binutils_arch
            libbinutils libctf0 libjansson4 libc6-dev linux-libc-dev libgcc-12-dev libisl23 libmpc3 libmpfr6
            libgmp10 libzstd1 zlib1g)

# The paths a package ships: the installed host package's list, or the unpacked foreign one's.
pkg_files() {
  if [ -z "$foreign" ]; then dpkg -L "$1"; else (cd "$tmp/deb/$1" && find . -mindepth 1 | sed 's|^\.||'); fi
}
pkg_root() { if [ -z "$foreign" ]; then echo ""; else echo "$tmp/deb/$1"; fi; }

# Copies the files and symlinks a Debian package lists (never its directories) into $1,
# moving /bin /sbin /lib /lib64 under usr/ (the baselayout symlinks make the old paths work).
stage() {
  local dest=$1; shift
  local p f rel r
  for p in "$@"; do
    r=$(pkg_root "$p")
    pkg_files "$p" | while IFS= read -r f; do
      case "$f" in /*) ;; *) continue ;; esac
      [ -L "$r$f" ] || [ -f "$r$f" ] || continue
      case "$f" in
        /usr/share/doc/*|/usr/share/man/*|/usr/share/info/*|/usr/share/locale/*|/usr/share/lintian/*) continue ;;
        */lto1|*/libasan*|*/libtsan*|*/liblsan*|*/libubsan*|*/libhwasan*) continue ;;
      esac
      rel=${f#/}
      case "$rel" in bin/*|sbin/*|lib/*|lib64/*) rel=usr/$rel ;; esac
      mkdir -p "$dest/$(dirname "$rel")"
      cp -a "$r$f" "$dest/$rel"
    done
  done
}

# so: provides for the shared libraries in a staged tree.
so_provides() {
  find "$1" \( -type f -o -type l \) \( -name 'lib*.so.*' -o -name 'ld-linux*.so.*' \) -printf '%f\n' |
    grep -E '\.so\.[0-9][0-9.]*$' | sort -u |
    while read -r n; do v=${n##*.so.}; echo "--provide=so:$n=${v:-0}"; done
}

