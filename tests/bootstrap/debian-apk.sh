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
# moving /bin /sbin /lib /lib64 under usr/ (the baselayout symlinks make the old paths work;
# packages staged this way must depend on wolfi-baselayout). One tar pipe per package: a copy
# per file costs a fork or two each, half a minute for build-base's 1,900 files.
stage() {
  local dest=$1; shift
  local p f rel r list
  list=$(mktemp)
  mkdir -p "$dest"
  for p in "$@"; do
    r=$(pkg_root "$p")
    : > "$list"
    while IFS= read -r f; do
      case "$f" in /*) ;; *) continue ;; esac
      [ -L "$r$f" ] || [ -f "$r$f" ] || continue
      case "$f" in
        /usr/share/doc/*|/usr/share/man/*|/usr/share/info/*|/usr/share/locale/*|/usr/share/lintian/*) continue ;;
        */lto1|*/libasan*|*/libtsan*|*/liblsan*|*/libubsan*|*/libhwasan*) continue ;;
      esac
      rel=${f#/}
      # The top-level usr-merge links themselves (/bin, /lib64, ... on a usr-merged host) belong
      # to wolfi-baselayout alone: apk-tools refuses a second package owning the same path.
      case "$rel" in bin|sbin|lib|lib32|lib64|libx32) continue ;; esac
      printf '%s\n' "$rel" >> "$list"
    done < <(pkg_files "$p")
    # S: symlink targets keep their text; regular names and hard-link targets move under usr/.
    tar -C "${r:-/}" --no-recursion -cf - -T "$list" |
      tar -C "$dest" --transform='s,^\(bin\|sbin\|lib\|lib64\)/,usr/\1/,S' -xf -
  done
  rm -f "$list"
}

# so: provides for the shared libraries in a staged tree.
so_provides() {
  find "$1" \( -type f -o -type l \) \( -name 'lib*.so.*' -o -name 'ld-linux*.so.*' \) -printf '%f\n' |
    grep -E '\.so\.[0-9][0-9.]*$' | sort -u |
    while read -r n; do v=${n##*.so.}; echo "--provide=so:$n=${v:-0}"; done
}

