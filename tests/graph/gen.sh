#!/usr/bin/env bash
# Writes a set of tiny melange recipes with known dependency shapes into DIR, for graph builds
# (`melange build DIR/`): tests/e2e/melange_graph.sh, melange_engines.sh, bench/graph_bench.sh.
#
# Usage: tests/graph/gen.sh DIR BOOT [--fail NAME] [--leaves N]
#   BOOT       a bootstrap repository (tests/bootstrap/make-bootstrap-repo.sh): busybox, build-base
#   --fail     that recipe's step exits 1 (its dependents must be skipped)
#   --leaves   how many independent recipes (default 14: 30 recipes in all)
#
# Shapes (each step checks that what it needs is installed in its build root, so a wrong order
# fails the build):
#   chain     chain-01 <- chain-02 <- ... <- chain-08   (chain-N's environment has chain-(N-1))
#   diamond   dia-base <- dia-left, dia-right <- dia-top
#   so:       libgreet builds libgreet.so.1 (gcc, SONAME): its package provides so:libgreet.so.1
#             (found by SCA only once built); greet-app's environment needs so:libgreet.so.1
#   provides: virt-provider (subpackage virt-provider-extra, provides: virtual-thing) <- virt-user
#   leaves    leaf-01 ... leaf-N, independent
set -euo pipefail
dir=$1 boot=$2
shift 2
fail_name="" leaves=14
while [ $# -gt 0 ]; do
  case $1 in
    --fail) fail_name=$2; shift 2 ;;
    --leaves) leaves=$2; shift 2 ;;
    *) echo "gen.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
key=$boot/bootstrap.rsa.pub
mkdir -p "$dir"

# recipe NAME "ENV PACKAGES" "SCRIPT" [EXTRA YAML]
recipe() {
  local name=$1 pkgs=$2 script=$3 extra=${4:-} p
  [ "$name" = "$fail_name" ] && script="echo 'this recipe is made to fail' >&2; exit 1"
  {
    printf 'package:\n  name: %s\n  version: "1.0"\n  epoch: 0\n  description: graph test %s\n' "$name" "$name"
    printf '  copyright:\n    - license: MIT\n'
    printf '%s' "$extra"
    printf 'environment:\n  contents:\n    repositories:\n      - %s\n    keyring:\n      - %s\n    packages:\n' "$boot" "$key"
    for p in $pkgs; do printf '      - %s\n' "$p"; done
    printf 'pipeline:\n  - runs: |\n'
    printf '%s\n' "$script" | sed 's/^/      /'
    printf '      mkdir -p "${{targets.destdir}}/usr/share/%s"\n' "$name"
    printf '      echo %s > "${{targets.destdir}}/usr/share/%s/built"\n' "$name" "$name"
  } > "$dir/$name.yaml"
}
needs() { local s="" d; for d in "$@"; do s+="test -f /usr/share/$d/built"$'\n'; done; printf '%s' "$s"; }

for i in $(seq 1 8); do
  n=$(printf 'chain-%02d' "$i")
  if [ "$i" = 1 ]; then recipe "$n" busybox "true"
  else p=$(printf 'chain-%02d' $((i - 1))); recipe "$n" "busybox $p" "$(needs "$p")"; fi
done
recipe dia-base busybox "true"
recipe dia-left "busybox dia-base" "$(needs dia-base)"
recipe dia-right "busybox dia-base" "$(needs dia-base)"
recipe dia-top "busybox dia-left dia-right" "$(needs dia-left dia-right)"
recipe libgreet "busybox build-base" 'printf "const char *greet(void) { return \"hi\"; }\n" > greet.c
gcc -shared -fPIC -Wl,-soname,libgreet.so.1 -o libgreet.so.1.0 greet.c
mkdir -p "${{targets.destdir}}/usr/lib"
cp libgreet.so.1.0 "${{targets.destdir}}/usr/lib/"
ln -s libgreet.so.1.0 "${{targets.destdir}}/usr/lib/libgreet.so.1"'
recipe greet-app "busybox so:libgreet.so.1" 'test -e /usr/lib/libgreet.so.1'
recipe virt-provider busybox "true" '  dependencies:
    provides:
      - virtual-thing=1.0
subpackages:
  - name: virt-provider-extra
    pipeline:
      - runs: |
          mkdir -p "${{targets.subpkgdir}}/usr/share/virt-provider-extra"
          echo extra > "${{targets.subpkgdir}}/usr/share/virt-provider-extra/built"
'
recipe virt-user "busybox virtual-thing" "$(needs virt-provider)"
for i in $(seq 1 "$leaves"); do recipe "$(printf 'leaf-%02d' "$i")" busybox "true"; done
