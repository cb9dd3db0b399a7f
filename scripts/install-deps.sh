#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs to build and test, only when missing.
# Usage: scripts/install-deps.sh [build|test|demo|corpus]
set -euo pipefail
what=${1:-build}
pkgs=(build-essential cmake ninja-build ccache pkg-config git
      libyaml-cpp-dev libarchive-dev libssl-dev libcurl4-openssl-dev zlib1g-dev
      nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev
      libexpected-dev libdeflate-dev)
case "$what" in
  test|demo|corpus)
    # Runtime tools the tests and the demo drive: sandbox, container engine, registry, image tools,
    # the OCI image-spec JSON schemas (golang-github-opencontainers-image-spec-dev), and the host
    # packages the offline bootstrap repository is made from.
    pkgs+=(bubblewrap podman runc skopeo umoci docker-registry python3 python3-jsonschema pigz
           golang-github-opencontainers-image-spec-dev
           busybox-static dash tar make gcc gcc-12 cpp-12 binutils libc6-dev linux-libc-dev
           libgcc-12-dev libgcc-s1 ca-certificates curl dpkg-dev)
    # The tests only (the demo needs none of these):
    [ "$what" = demo ] || pkgs+=(
           zsh fish cpio  # zsh and fish: the completion scripts are checked with them; cpio: build-cpio
           qemu-system-x86 linux-image-amd64  # the qemu runner: a VM and the kernel it boots
           python3-yaml  # tests/tools/fake_limactl.py reads lima templates
           openssh-server openssh-client  # e2e.melange_engines: an ssh:// engine through a real sshd on loopback
           qemu-user-static binfmt-support)  # foreign-architecture builds (binfmt handlers with F)
    # tests/corpus/build-real-recipes.sh: the further build tools its stand-in repository is made of.
    [ "$what" != corpus ] || pkgs+=(g++ g++-12 libstdc++-12-dev perl m4 autoconf automake autotools-dev libtool
                                     patch zlib1g-dev pkgconf) ;;
esac
# The aarch64 flavour of the bootstrap repository (tests/bootstrap) downloads Debian's arm64
# packages: apt must know that architecture.
update=0
if [ "$what" != build ] && [ "$what" != demo ] && ! dpkg --print-foreign-architectures | grep -x arm64 >/dev/null; then
  [ "$(id -u)" = 0 ] && dpkg --add-architecture arm64 || sudo dpkg --add-architecture arm64
  update=1
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
# tests/corpus/build-real-recipes.sh fetches Debian's orig tarballs with `apt-get source`, which
# needs deb-src entries: mirror the deb entries of debian.sources when there are none.
if [ "$what" = corpus ] && ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/ &&
   [ -f /etc/apt/sources.list.d/debian.sources ]; then
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
    $SUDO tee /etc/apt/sources.list.d/ma-deb-src.sources >/dev/null
  update=1
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} || update)); then
  echo "install-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  # A container (CI) does not boot its own kernel: it only needs linux-image-amd64's vmlinuz and
  # modules for the qemu runner's guests, which boot from an initramfs of ours. INITRD=No skips
  # the host initrd there (a minute of CPU on two cores); a booted host gets its initrd as usual.
  initrd=Yes
  if [ ! -d /run/systemd/system ] &&
     { [ -e /.dockerenv ] || [ -e /run/.containerenv ] || tr '\0' '\n' </proc/1/environ 2>/dev/null | grep -q '^container='; }; then
    initrd=No
  fi
  # openssh-server is for a test's own sshd on a loopback port: where it is new, mask its system
  # service first, so that installing it does not start (or enable at boot) an sshd on port 22.
  if [[ " ${missing[*]} " == *" openssh-server "* ]] && [ ! -e /etc/systemd/system/ssh.service ]; then
    $SUDO mkdir -p /etc/systemd/system
    $SUDO ln -s /dev/null /etc/systemd/system/ssh.service
    echo "install-deps: masked ssh.service (the tests run their own sshd on 127.0.0.1)" >&2
  fi
  ((${#missing[@]} == 0)) ||
    $SUDO env DEBIAN_FRONTEND=noninteractive INITRD=$initrd apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
fi
# Foreign-architecture builds need qemu-user's binfmt handlers registered in the kernel. Where
# nothing mounted binfmt_misc (containers, hosts without systemd's automount) the package's own
# registration did nothing: mount it and register Debian's handlers (they carry the F flag).
if [ "$what" != build ] && [ "$what" != demo ] && [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  [ -e /proc/sys/fs/binfmt_misc/register ] ||
    $SUDO mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  $SUDO update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] ||
    echo "install-deps: could not register the qemu-aarch64 binfmt handler (mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc, then update-binfmts --enable qemu-aarch64): aarch64 builds will fail" >&2
fi
