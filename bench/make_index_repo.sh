#!/usr/bin/env bash
# Builds (once, cached) the re-index benchmark repository: N (default 2000) signed packages of
# ~30 KB each (one file of random bytes, so they do not compress), no index.
# Usage: bench/make_index_repo.sh DIR [MA_MKAPK] [MELANGE] [N]
set -euo pipefail
DIR=$1
MKAPK=${2:-${MA_MKAPK:-build/tests/ma-mkapk}}
MELANGE=${3:-${MELANGE:-build/apps/melange/melange}}
N=${4:-2000}
[ -f "$DIR/.complete" ] && exit 0
mkdir -p "$DIR/x86_64"  # resumes: packages already made are kept
stage=$(mktemp -d "${TMPDIR:-/tmp}/index-repo-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
[ -f "$DIR/bench.rsa" ] || "$MELANGE" --log-level error keygen --key-size 2048 "$DIR/bench.rsa"
for i in $(seq -w 1 "$N"); do
  [ -f "$DIR/x86_64/idx$i-1.0-r0.apk" ] && continue
  mkdir -p "$stage/$i/usr/share/bench"
  head -c 30000 /dev/urandom > "$stage/$i/usr/share/bench/data-$i"
  "$MKAPK" --name "idx$i" --version 1.0-r0 --arch x86_64 --signing-key "$DIR/bench.rsa" --mtime 1700000000 \
    --out "$DIR/x86_64/idx$i-1.0-r0.apk" "$stage/$i"
  rm -rf "$stage/$i"
done
touch "$DIR/.complete"
